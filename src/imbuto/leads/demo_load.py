"""Writes a demo plan (see demo.py) in one transaction, with bulk inserts for volume.

Users and teams go through users.services (so they get their audit rows and role flags); the
leads, accounts, contacts and history are bulk-inserted, their invariants having been
checked by the planner (legal lifecycle paths, temperature from the time frame, ordered history).
The apps above leads add their part through leads.extensions.DEMO_PARTS (intake: normal forms, match
keys, sources).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import CharField, ForeignKey, IntegerField, Model, TextField
from django.utils import timezone

from imbuto.core import events
from imbuto.core.history import jsonable
from imbuto.core.models import HistoryEntry
from imbuto.users.models import User
from imbuto.users.services import user_add

from .demo import DEMO_PASSWORD, DEMO_USERS, Plan
from .events import VIA_DEMO, LeadCreated
from .extensions import DEMO_PARTS
from .models import Account, Campaign, Channel, Contact, Lead

ACCOUNT_FIELDS = ("website", "domain", "vat_id", "industry", "size_band", "street", "postal_code", "city",
                  "region", "country")
CONTACT_FIELDS = ("first_name", "last_name", "job_title", "email", "phone", "language")
BATCH = 500
PLAIN_FIELDS = (CharField, TextField, IntegerField, ForeignKey)
NORMALIZED_FIELDS = ("first_name", "last_name", "email", "phone", "vat_id", "company_name", "website",
                     "country", "street", "postal_code", "city", "region", "job_title", "language",
                     "size_band", "industry")


def ensure_demo_users(language: str = "en") -> dict[str, User]:
    """The demo users, created through users.services.user_add when missing.

    They share one password hash: hashing is deliberately slow and the password is public anyway.
    """
    existing = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in DEMO_USERS])}
    missing = [u for u in DEMO_USERS if u[0] not in existing]
    if missing:
        hashed = make_password(DEMO_PASSWORD)
        from .demo_italian import TEAMS

        for username, role, team, first, last in missing:
            if team and language == "it":
                team = TEAMS.get(team, team)
            user = user_add(username=username, role=role, team=team, email=f"{username}@imbuto.example",
                            first_name=first, last_name=last)
            user.password = hashed
            user.save(update_fields=["password"])
            existing[username] = user
    return existing


def _campaigns(plan: Plan, channels: dict[str, Channel], owner: User | None) -> dict[str, Campaign]:
    names = [c["name"] for c in plan.campaigns]
    found = {c.name: c for c in Campaign.objects.filter(name__in=names)}
    new = [Campaign(name=c["name"], channel=channels[c["channel"]], starts_on=c["starts_on"],
                    ends_on=c["ends_on"], cost=c["cost"], owner=owner)
           for c in plan.campaigns if c["name"] not in found]
    Campaign.objects.bulk_create(new)
    return {**found, **{c.name: c for c in new}}


def _account(values: dict[str, Any], owner: User | None) -> Account:
    return Account(name=values["company_name"], owner=owner, is_customer=True,
                   **{f: values[f] for f in ACCOUNT_FIELDS})


def _contact(values: dict[str, Any], account: Account, owner: User | None) -> Contact:
    return Contact(account=account, owner=owner, **{f: values[f] for f in CONTACT_FIELDS})


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, str) else jsonable(value)


@transaction.atomic
def load_plan(plan: Plan) -> dict[str, int]:
    """Write the plan; returns counts of what was created."""
    users = ensure_demo_users(plan.language)
    reps = [users[u[0]] for u in DEMO_USERS if u[1] == "rep"]
    channels = {c.slug: c for c in Channel.objects.all()}
    campaigns = _campaigns(plan, channels, users.get("marta"))

    # customers that existed before the demo window: the referrers of the referral channel
    legacy_accounts = [_account(item["account"], reps[i % len(reps)]) for i, item in enumerate(plan.legacy)]
    customer_plans = [lp for lp in plan.leads if lp.customer]
    customer_accounts = [_account(lp.values, users.get(lp.owner or "")) for lp in customer_plans]
    Account.objects.bulk_create(legacy_accounts + customer_accounts, batch_size=BATCH)
    legacy_contacts = [[_contact(c, acc, acc.owner) for c in item["contacts"]]
                       for item, acc in zip(plan.legacy, legacy_accounts, strict=True)]
    customer_contacts = [_contact(lp.values, acc, acc.owner)
                         for lp, acc in zip(customer_plans, customer_accounts, strict=True)]
    Contact.objects.bulk_create([c for cs in legacy_contacts for c in cs] + customer_contacts,
                                batch_size=BATCH)
    converted = {id(lp): (acc, con) for lp, acc, con in
                 zip(customer_plans, customer_accounts, customer_contacts, strict=True)}

    leads = []
    for lp in plan.leads:
        owner = users.get(lp.owner or "")
        lead = Lead(**lp.values, channel=channels[lp.channel], campaign=campaigns.get(lp.campaign or ""),
                    owner=owner, team_id=owner.team_id if owner else None,
                    created_by=users.get(lp.created_by or ""))
        if lp.referrer is not None:
            lead.referrer_account = legacy_accounts[lp.referrer]
            lead.referrer_contact = legacy_contacts[lp.referrer][0]
        if id(lp) in converted:
            lead.account, lead.contact = converted[id(lp)]
        leads.append(lead)
    # what the apps above add (intake: normal forms, match keys, sources), leads.extensions.DEMO_PARTS
    prepared = [(part, part.prepare(leads)) for part in DEMO_PARTS]
    Lead.objects.bulk_create(leads, batch_size=BATCH)

    ct = ContentType.objects.get_for_model(Lead).pk
    user_ids = {name: u.pk for name, u in users.items()}
    entries = []
    for lp, lead in zip(plan.leads, leads, strict=True):
        for step in lp.steps:
            changes = {k: [_plain(v) for v in pair] for k, pair in step.changes.items()}
            if "owner" in changes:
                changes["owner"] = [None, user_ids[step.changes["owner"][1]]]
            entries.append((ct, lead.pk, step.action, user_ids.get(step.actor or ""),
                            step.actor or "system", step.at, changes, step.reason, {}))
    insert_rows(HistoryEntry, ("object_type", "object_id", "action", "actor", "actor_label", "at",
                               "changes", "reason", "data"), entries)
    added: dict[str, int] = {}
    for part, state in prepared:
        for name, count in part.store(plan, leads, state).items():
            added[name] = added.get(name, 0) + count
    # after commit, like any created lead; intake need not index them again
    events.emit(LeadCreated(lead_ids=tuple(lead.pk for lead in leads), indexed=bool(added.get("indexed")),
                            via=VIA_DEMO))
    return {"leads": len(leads), "history": len(entries), "campaigns": len(campaigns),
            "accounts": len(legacy_accounts) + len(customer_accounts),
            "contacts": sum(map(len, legacy_contacts)) + len(customer_contacts),
            "users": len(users), "sources": added.get("sources", 0)}


def insert_rows(model: type[Model], names: tuple[str, ...], rows: list[tuple], chunk: int = 10_000) -> None:
    """executemany of one-row INSERTs, values prepared by each field as bulk_create would.

    For rows nobody needs back as objects (history, sources, keys) this skips the model instances and
    the per-value SQL compilation that make bulk_create several times slower at these volumes. Fields
    not named get their default, so a field added to the model later does not break the demo.
    """
    given = [model._meta.get_field(name) for name in names]
    rest = [f for f in model._meta.concrete_fields if not f.primary_key and f not in given]
    now = timezone.now()
    defaults = [f.get_db_prep_save(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                                   else f.get_default(), connection) for f in rest]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in given + rest)
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({columns}) "  # noqa: S608 - names, not values
           f"VALUES ({', '.join(['%s'] * (len(given) + len(rest)))})")
    # text and integer values from our own code go as they are; dates and JSON need the field's hand
    prep = [i for i, f in enumerate(given) if not isinstance(f, PLAIN_FIELDS)]
    with connection.cursor() as cursor:
        for first in range(0, len(rows), chunk):
            batch = []
            for row in rows[first:first + chunk]:
                values = list(row)
                for i in prep:
                    values[i] = given[i].get_db_prep_save(values[i], connection)
                batch.append(values + defaults)
            if connection.vendor == "postgresql":  # COPY: one stream instead of a statement a row
                copy_sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for values in batch:
                        copy.write_row(values)
            else:
                cursor.executemany(sql, batch)
