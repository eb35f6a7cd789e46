"""Seeded, reproducible demo data (`imbuto demo`): a realistic pipeline over the last 18 months.

Two steps: `build_plan()` is pure Python (a seed and a clock in, plain records out), so the same seed
gives the same people, companies and paths; `load_plan()` (in demo_load) writes them with bulk inserts.
Every lead path is checked against the lifecycle rules and every history entry is backdated in order.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from . import demo_data as D
from . import lifecycle
from .choices import DiscardReason, ParkReason, SizeBand, Stage, Timeframe
from .demo_ids import ascii_slug, phone, vat_id

DEMO_PASSWORD = "imbuto-demo"
DEMO_TEAMS = ("North", "South")
# username, role, team, first name, last name
DEMO_USERS: tuple[tuple[str, str, str | None, str, str], ...] = (
    ("admin", "admin", None, "Adele", "Bassi"),
    ("giulia", "manager", "North", "Giulia", "Neri"),
    ("sergio", "manager", "South", "Sergio", "Esposito"),
    ("luca", "rep", "North", "Luca", "Ferri"),
    ("nadia", "rep", "North", "Nadia", "Colombo"),
    ("paolo", "rep", "South", "Paolo", "Greco"),
    ("sofia", "rep", "South", "Sofia", "Russo"),
    ("marta", "marketer", None, "Marta", "Galli"),
)
WINDOW_DAYS = 548  # about 18 months

# name, channel, starts (days ago), length in days, cost in EUR
CAMPAIGNS: tuple[tuple[str, str, int, int, int], ...] = (
    ("Trade fair: SPS Italia, Parma", "trade-show", 400, 3, 18500),
    ("Trade fair: Made in Steel, Milano", "trade-show", 120, 3, 14200),
    ("Webinar: lead scoring in practice", "webinar", 300, 1, 900),
    ("Webinar: from MQL to SQL", "webinar", 75, 1, 1100),
    ("Spring newsletter", "email-campaign", 330, 30, 2400),
    ("Autumn product launch mailing", "email-campaign", 160, 21, 3100),
    ("Google Ads: search Italy", "advertising-response", 450, 365, 24000),
    ("Local radio: Emilia", "local-advertising", 250, 45, 5200),
    ("Customer lunch: Milano", "lunch-seminar", 200, 1, 3800),
    ("LinkedIn thought leadership", "social-linkedin", 360, 300, 9600),
    ("Purchased list: manufacturing, Northern Italy", "purchased-list", 420, 10, 7500),
    ("Chamber of commerce B2B day: Bologna", "networking", 140, 1, 650),
    ("Sponsored event: Digital Summit", "sponsored-event", 95, 2, 12000),
    ("Blog guide: Industry 5.0", "content-blog", 280, 200, 1800),
    ("Product demo video", "content-video", 180, 150, 4500),
)

CHANNEL_WEIGHTS: dict[str, int] = {
    "referral": 8, "purchased-list": 8, "email-campaign": 8, "advertising-response": 7,
    "local-advertising": 3, "webinar": 6, "lunch-seminar": 3, "trade-show": 8, "peer-meeting": 2,
    "sponsored-event": 3, "offline-event": 2, "content-blog": 5, "content-infographic": 2,
    "content-image": 2, "content-video": 3, "social-linkedin": 7, "social-other": 2, "networking": 3,
    "lost-opportunity": 3, "website-chat": 5, "web-form": 9, "manual": 4,
}
STAGE_WEIGHTS = {Stage.SUSPECT: 20, Stage.LEAD: 15, Stage.MQL: 14, Stage.SQL: 9, Stage.OPPORTUNITY: 8,
                 Stage.CUSTOMER: 11, Stage.DISCARDED: 15, Stage.PARKED: 8}
TIMEFRAMES = {  # by final stage: immediate, within 2 months, later, unknown
    Stage.SUSPECT: (0, 10, 20, 70), Stage.LEAD: (5, 20, 30, 45), Stage.MQL: (10, 35, 40, 15),
    Stage.SQL: (40, 45, 15, 0), Stage.OPPORTUNITY: (40, 45, 15, 0), Stage.CUSTOMER: (50, 40, 10, 0),
    Stage.DISCARDED: (0, 10, 30, 60), Stage.PARKED: (0, 10, 60, 30),
}
STEP_REASONS = {
    Stage.LEAD: ("Replied to the first contact", "Asked for information", "Confirmed interest by phone"),
    Stage.MQL: ("Downloaded the price list", "Attended the webinar", "Opened three newsletters"),
    Stage.SQL: ("Asked for a quote", "Wants a call this week", "Budget approved"),
    Stage.OPPORTUNITY: ("Demo done, proposal sent", "Quote under review", "Negotiating terms"),
    Stage.CUSTOMER: ("Order signed", "Contract signed", "First invoice paid"),
}
DISCARD_WEIGHTS = {DiscardReason.NO_PURCHASE_INTENT: 45, DiscardReason.INVALID: 15,
                   DiscardReason.SPAM: 10, DiscardReason.DUPLICATE: 15, DiscardReason.OTHER: 15}
PARK_WEIGHTS = {ParkReason.BOUGHT_FROM_COMPETITOR: 55, ParkReason.NOT_READY: 20,
                ParkReason.NO_BUDGET: 20, ParkReason.OTHER: 5}
OTHER_NOTES = ("Moved abroad", "Company closed", "Student project", "Wrong sector for us")
SOUTH_PROVINCES = {"RM", "NA", "BA", "PA", "CT", "CA", "LE", "PG", "AN"}
BY_OWNER_CHANNELS = {"manual", "peer-meeting", "networking", "referral", "lost-opportunity"}
LIST_CHANNELS = {"purchased-list", "trade-show", "webinar", "lunch-seminar", "sponsored-event",
                 "offline-event"}
SYSTEM_CHANNELS = {"web-form", "website-chat"}


@dataclass
class Step:
    """One backdated history entry: a transition (`to`) or an update (`changes`)."""

    at: dt.datetime
    actor: str | None
    action: str = "transition"
    to: str = ""
    reason: str = ""
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class LeadPlan:
    """A lead as plain values; foreign keys by natural key (slug, name, username, index)."""

    values: dict[str, Any]
    channel: str
    campaign: str | None
    owner: str | None
    created_by: str | None
    referrer: int | None  # index into Plan.legacy
    steps: list[Step]
    customer: bool = False


@dataclass
class Plan:
    seed: int
    leads: list[LeadPlan]
    legacy: list[dict[str, Any]]  # pre-existing customers: account values + "contacts" list
    campaigns: list[dict[str, Any]]
    language: str = "en"  # "it": the texts were turned into Italian (demo_italian.py)


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Builder:
    def __init__(self, seed: int, now: dt.datetime, taken_emails: set[str]) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.now = now
        self.emails = set(taken_emails)
        self.countries = {c: spec[0] for c, spec in D.COUNTRIES.items()}

    # people and companies -------------------------------------------------------------------
    def person(self, country: str) -> dict[str, Any]:
        rng = self.rng
        return {"first_name": rng.choice(D.FIRST_NAMES[country]),
                "last_name": rng.choice(D.LAST_NAMES[country])}

    def company(self, country: str, last_name: str) -> dict[str, Any]:
        rng = self.rng
        _, lang, _, tld, forms = D.COUNTRIES[country]
        words = D.COMPANY_WORDS["IT" if country == "IT" else lang if lang in D.COMPANY_WORDS else "en"]
        surname = rng.choice(D.LAST_NAMES[country]) if rng.random() < 0.7 else last_name
        city = rng.choice(D.CITIES[country])
        pattern = rng.random()
        if pattern < 0.45:
            stem = f"{surname} {rng.choice(words)}"
        elif pattern < 0.7:
            stem = f"{rng.choice(words)} {surname}"
        elif pattern < 0.85:
            stem = f"{surname} & {rng.choice(D.LAST_NAMES[country])}"
        else:
            stem = f"{rng.choice(words)} {city[0]}"
        domain = f"{ascii_slug(stem)}.{tld}"
        street_fmt, streets = D.STREETS[country]
        return {
            "company_name": f"{stem} {rng.choice(forms)}", "website": f"https://www.{domain}",
            "domain": domain, "industry": rng.choice(D.INDUSTRIES),
            "size_band": rng.choices(SizeBand.values, weights=(40, 35, 18, 7))[0],
            "street": street_fmt.format(s=rng.choice(streets), n=rng.randint(1, 180)),
            "city": city[0], "postal_code": city[1], "region": city[2], "country": country,
            "vat_id": vat_id(rng, country) if rng.random() < (0.85 if country == "IT" else 0.6) else "",
        }

    def email(self, first: str, last: str, domain: str, country: str) -> str:
        rng = self.rng
        f, last_slug = ascii_slug(first), ascii_slug(last)
        if rng.random() < 0.8:
            local = rng.choice((f"{f}.{last_slug}", f"{f[0]}.{last_slug}", f"{f}{last_slug[:1]}", f))
        else:
            local, domain = f"{f}.{last_slug}{rng.randint(1, 99)}", rng.choice(D.COUNTRIES[country][2])
        address, n = f"{local}@{domain}", 1
        while address in self.emails:
            n += 1
            address = f"{local}{n}@{domain}"
        self.emails.add(address)
        return address

    def contact_values(self, country: str) -> dict[str, Any]:
        person = self.person(country)
        comp = self.company(country, person["last_name"])
        lang = D.COUNTRIES[country][1]
        titles = D.JOB_TITLES if country == "IT" else D.JOB_TITLES[:14]
        return {
            **person, **comp, "language": lang, "job_title": self.rng.choice(titles),
            "email": self.email(person["first_name"], person["last_name"], comp["domain"], country),
            "phone": phone(self.rng, country, mobile=self.rng.random() < 0.6)
            if self.rng.random() < 0.85 else "",
        }

    # time -----------------------------------------------------------------------------------
    def moment(self, days_ago: float) -> dt.datetime:
        """A working-hours moment `days_ago` before now (never in the future)."""
        day = self.now - dt.timedelta(days=days_ago)
        at = day.replace(hour=self.rng.randint(7, 17), minute=self.rng.randint(0, 59),
                         second=self.rng.randint(0, 59), microsecond=0)
        return min(at, self.now - dt.timedelta(minutes=5))

    # the whole plan ---------------------------------------------------------------------------
    def campaigns(self) -> list[dict[str, Any]]:
        today = self.now.date()
        return [{"name": name, "channel": slug, "starts_on": today - dt.timedelta(days=start),
                 "ends_on": today - dt.timedelta(days=start - length), "cost": cost}
                for name, slug, start, length, cost in CAMPAIGNS]

    def legacy(self, n: int) -> list[dict[str, Any]]:
        out = []
        for _ in range(n):
            country = "IT" if self.rng.random() < 0.85 else self.rng.choice(["DE", "FR", "CH", "AT"])
            first = self.contact_values(country)
            contacts = [first]
            if self.rng.random() < 0.5:
                other = self.person(country)
                contacts.append({**other, "job_title": self.rng.choice(D.JOB_TITLES[:14]),
                                 "email": self.email(other["first_name"], other["last_name"],
                                                     first["domain"], country),
                                 "phone": phone(self.rng, country), "language": first["language"]})
            out.append({"account": first, "contacts": contacts})
        return out


def _path(rng: random.Random, final: str) -> list[str]:
    """Stages after `suspect` that end in `final`, following the lifecycle rules."""
    S = Stage
    if final == S.SUSPECT:
        return []
    if final == S.LEAD:
        return [S.LEAD]
    if final == S.MQL:
        return [S.MQL] if rng.random() < 0.2 else [S.LEAD, S.MQL]
    if final == S.SQL:
        return rng.choices([[S.LEAD, S.MQL, S.SQL], [S.SQL], [S.LEAD, S.SQL]], weights=(65, 20, 15))[0]
    if final == S.OPPORTUNITY:
        return [*_path(rng, S.SQL), S.OPPORTUNITY]
    if final == S.CUSTOMER:
        return [*_path(rng, S.OPPORTUNITY), S.CUSTOMER]
    if final == S.DISCARDED:
        last = rng.choices([S.SUSPECT, S.LEAD, S.MQL, S.SQL, S.OPPORTUNITY], weights=(35, 30, 18, 10, 7))[0]
        return [*_path(rng, last), S.DISCARDED]
    last = rng.choices([S.LEAD, S.MQL, S.SQL, S.OPPORTUNITY], weights=(25, 30, 25, 20))[0]
    return [*_path(rng, last), S.PARKED]


def _with_detour(rng: random.Random, path: list[str]) -> list[str]:
    """Some leads were parked once and came back (parked -> the stage they left)."""
    spots = [i for i, s in enumerate(path) if s in (Stage.LEAD, Stage.MQL, Stage.SQL)]
    if not spots or path[-1] == Stage.PARKED or rng.random() > 0.1:
        return path
    i = rng.choice(spots)
    return [*path[: i + 1], Stage.PARKED, path[i], *path[i + 1:]]


def check_path(path: list[str]) -> None:
    stage = Stage.SUSPECT
    for to in path:
        if not lifecycle.is_allowed(stage, to):
            raise AssertionError(f"demo path {path} has an illegal move {stage} -> {to}")
        stage = to


UTM = {"email-campaign": ("newsletter", "email"), "advertising-response": ("google", "cpc"),
       "local-advertising": ("radio", "offline"), "social-linkedin": ("linkedin", "social"),
       "social-other": ("instagram", "social"), "content-blog": ("blog", "organic"),
       "content-infographic": ("pinterest", "social"), "content-image": ("instagram", "social"),
       "content-video": ("youtube", "video"), "web-form": ("google", "organic")}
CONSENT_CHANNELS = {*UTM, "website-chat", "webinar", "sponsored-event"}


def _users(role: str, team: str | None = None) -> list[str]:
    return [u[0] for u in DEMO_USERS if u[1] == role and (team is None or u[2] == team)]


def _disposition(rng: random.Random, to: str, at: dt.datetime) -> tuple[str, str, dt.date | None]:
    """(reason code, note, parked_until) for an exit; empty for a funnel stage."""
    if to == Stage.DISCARDED:
        code = _weighted(rng, DISCARD_WEIGHTS)
        return code, rng.choice(OTHER_NOTES) if code == DiscardReason.OTHER else "", None
    if to == Stage.PARKED:
        code = _weighted(rng, PARK_WEIGHTS)
        note = "Will reconsider next budget round" if code == ParkReason.OTHER else ""
        return code, note, (at + dt.timedelta(days=rng.randint(30, 240))).date()
    return "", "", None


def _timeline(b: _Builder, created: dt.datetime, n: int) -> list[dt.datetime]:
    """n increasing moments after `created`, a few days apart, squeezed to end before now."""
    gaps = [b.rng.uniform(0.5, 21) for _ in range(n)]
    room = (b.now - created).total_seconds() / 86400 * 0.9
    scale = min(1.0, room / sum(gaps)) if gaps else 1.0
    out, t = [], created
    for g in gaps:
        t = t + dt.timedelta(days=g * scale)
        at = t.replace(microsecond=0)
        if scale == 1.0 and not 7 <= at.hour < 18:  # people work in office hours
            at = at.replace(hour=7 + at.hour % 11)
        at = min(at, b.now - dt.timedelta(minutes=1))
        floor = out[-1] if out else created
        out.append(at if at > floor else floor + dt.timedelta(seconds=1))
    return out


def _lead(b: _Builder, i: int, orders: tuple[list[str], list[str]], by_channel: dict[str, list],
          n_legacy: int) -> LeadPlan:
    rng = b.rng
    channel = orders[0][i] if i < len(orders[0]) else _weighted(rng, CHANNEL_WEIGHTS)
    final = orders[1][i] if i < len(orders[1]) else _weighted(rng, STAGE_WEIGHTS)
    country = _weighted(rng, b.countries)
    values = b.contact_values(country)
    campaign = None
    if by_channel.get(channel) and rng.random() < 0.85:
        camp = rng.choice(by_channel[channel])
        campaign = camp["name"]
        start_ago = (b.now.date() - camp["starts_on"]).days
        days_ago = max(start_ago - rng.uniform(0, (camp["ends_on"] - camp["starts_on"]).days + 30), 0.1)
    else:
        days_ago = rng.triangular(0, WINDOW_DAYS, 0)
    if days_ago < 14 and i >= len(orders[1]) and final not in (Stage.SUSPECT, Stage.LEAD):
        final = rng.choice([Stage.SUSPECT, Stage.LEAD, Stage.MQL, Stage.DISCARDED])
    created = b.moment(days_ago)
    path = _with_detour(rng, _path(rng, final))
    check_path(path)

    team = "South" if country == "IT" and values["region"] in SOUTH_PROVINCES else "North"
    owner: str | None = rng.choice(_users("manager", team) if rng.random() < 0.1 else _users("rep", team))
    if final == Stage.SUSPECT and channel not in BY_OWNER_CHANNELS and rng.random() < 0.6:
        owner = None
    if channel in BY_OWNER_CHANNELS:
        created_by = owner
    elif channel in LIST_CHANNELS or (channel not in SYSTEM_CHANNELS and rng.random() < 0.5):
        created_by = "marta"
    else:
        created_by = None

    timeframe = rng.choices(Timeframe.values, weights=TIMEFRAMES[final])[0]
    temperature = lifecycle.temperature_for(timeframe)
    steps = [Step(at=created, actor=created_by, action="created", changes={"stage": [None, "suspect"]})]
    moments = _timeline(b, created, len(path) + 1)
    if owner and owner != created_by:
        at = created + (moments[0] - created) / 3
        steps.append(Step(at=at.replace(microsecond=0), actor="giulia" if team == "North" else "sergio",
                          action="updated", changes={"owner": [None, owner]}, reason="Assigned"))
    stage, reason, note, parked = Stage.SUSPECT, "", "", None
    for to, at in zip(path, moments[1:], strict=True):
        new_reason, new_note, new_parked = _disposition(rng, to, at)
        changes: dict[str, list[Any]] = {"stage": [stage, to]}
        if new_reason != reason:
            changes["disposition_reason"] = [reason, new_reason]
        if new_parked != parked:
            changes["parked_until"] = [parked, new_parked]
        # An exit's code is in the changes (named in the reader's language); only a note is quoted.
        why = new_note if new_reason else rng.choice(STEP_REASONS.get(to, ("",)))
        actor = owner if owner and (to not in (Stage.LEAD, Stage.MQL) or rng.random() < 0.7) else "marta"
        steps.append(Step(at=at, actor=actor, to=to, reason=why, changes=changes))
        stage, reason, note, parked = to, new_reason, new_note, new_parked
    overridden = False
    if stage != Stage.DISCARDED and rng.random() < 0.06:
        new = rng.choice([t for t in ("hot", "warm", "cold") if t != temperature])
        at = created + (b.now - created) * rng.uniform(0.2, 0.8)
        steps.append(Step(at=at.replace(microsecond=0), actor=owner or "marta", action="updated",
                          reason="Talked to them: readiness differs from the stated time frame",
                          changes={"temperature": [temperature, new],
                                   "temperature_overridden": [False, True]}))
        temperature, overridden = new, True
    steps.sort(key=lambda s: s.at)
    transitions = [s for s in steps if s.action == "transition"]

    utm = UTM.get(channel)
    values.update(
        stage=stage, stage_changed_at=transitions[-1].at if transitions else created, created_at=created,
        purchase_timeframe=timeframe, temperature=temperature, temperature_overridden=overridden,
        disposition_reason=reason, disposition_note=note, parked_until=parked,
        consent_basis="consent" if channel in CONSENT_CHANNELS else "legitimate_interest",
        consent_at=created, consent_channel=channel,
        utm_source=utm[0] if utm else "", utm_medium=utm[1] if utm else "",
        utm_campaign=ascii_slug(campaign, "-")[:100] if campaign and utm else "",
    )
    return LeadPlan(values=values, channel=channel, campaign=campaign, owner=owner, created_by=created_by,
                    referrer=rng.randrange(n_legacy) if channel == "referral" else None,
                    steps=steps, customer=stage == Stage.CUSTOMER)


def build_plan(n: int, seed: int, now: dt.datetime, taken_emails: set[str] | None = None,
               language: str = "en") -> Plan:
    """The whole demo as plain records. Same seed -> same people, companies, channels and stages; in
    Italian (`language="it"`) the campaigns, industries, job titles, teams and notes are Italian."""
    b = _Builder(seed, now, taken_emails or set())
    campaigns = b.campaigns()
    legacy = b.legacy(max(6, n // 25))
    by_channel: dict[str, list] = {}
    for camp in campaigns:
        by_channel.setdefault(camp["channel"], []).append(camp)
    channels, stages = list(CHANNEL_WEIGHTS), list(STAGE_WEIGHTS)
    b.rng.shuffle(channels)
    b.rng.shuffle(stages)
    leads = [_lead(b, i, (channels, stages), by_channel, len(legacy)) for i in range(n)]
    plan = Plan(seed=seed, leads=leads, legacy=legacy, campaigns=campaigns)
    if language == "it":
        from .demo_italian import localise_plan

        localise_plan(plan)
        plan.language = "it"
    return plan
