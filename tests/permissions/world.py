"""The objects the permission matrix calls the routes on: one of each kind, owned in known places.

rep `rita` (North) owns `rep_lead`; `south_lead` belongs to `remo` (South); manager `mara` leads
North; `marco` is a marketer; `revoked` is a rep whose token is revoked (or whose account is
deactivated, for the UI)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from imbuto.intake.models import ChatSession, DuplicateCandidate, ImportJob, LeadMerge, WebForm
from imbuto.leads.models import Channel
from imbuto.notifications.models import Notification
from imbuto.users.models import ApiToken, User
from imbuto.users.services import token_issue
from tests.factories import (
    AccountFactory,
    CampaignFactory,
    ContactFactory,
    LeadFactory,
    TeamFactory,
)


def build(media_root: str) -> dict[str, Any]:
    north = TeamFactory(name="North", slug="north")
    south = TeamFactory(name="South", slug="south")
    def user(username: str, role: str, team: Any = None, **extra: Any) -> User:
        # No password: the matrix logs in with force_login, and hashing costs ~0.3 s per user.
        return User.objects.create(username=username, role=role, team=team, **extra)

    users = {
        "admin": user("ada", "admin", is_superuser=True, is_staff=True),
        "manager": user("mara", "manager", north),
        "rep": user("rita", "rep", north),
        "marketer": user("marco", "marketer"),
        "revoked": user("rino", "rep", north),
    }
    other_rep = user("remo", "rep", south)
    tokens = {role: token_issue(user=user, name="matrix") for role, user in users.items()}
    ApiToken.objects.filter(user=users["revoked"]).update(revoked_at=timezone.now())
    rep = users["rep"]
    account = AccountFactory(name="Nord Srl", owner=rep)
    contact = ContactFactory(account=account, owner=rep)
    rep_lead = LeadFactory(owner=rep, last_name="Ritalead", account=account, contact=contact)
    twin = LeadFactory(owner=rep, last_name="Ritatwin")
    folded = LeadFactory(owner=rep, last_name="Folded", merged_into=rep_lead)
    south_lead = LeadFactory(owner=other_rep, last_name="Remolead")
    south_account = AccountFactory(name="Sud Srl", owner=other_rep)
    merge = LeadMerge.objects.create(survivor=rep_lead, merged=folded)
    pair = DuplicateCandidate.objects.create(lead=rep_lead, candidate=twin, score=0.8)
    campaign = CampaignFactory(name="Spring")
    upload = Path(media_root) / "imports" / "list.csv"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_text("first_name,last_name,email\nAda,Neri,ada.neri@example.it\n")
    job = ImportJob.objects.create(file_name="list.csv", file_path=str(upload), file_sha256="x",
                                   dry_run=True, status="done", created_by=users["marketer"],
                                   channel=Channel.objects.get(slug="web-form"))
    form = WebForm.objects.create(name="Contact us", channel=Channel.objects.get(slug="web-form"))
    chat = ChatSession.objects.create(page_url="https://www.example.com/")
    token = users["rep"].api_tokens.first()
    notification = Notification.objects.create(recipient=rep, code="lead.new_information",
                                               params={"lead": rep_lead.pk}, link="/")
    from imbuto.leads.models import SavedView
    from imbuto.scoring.models import ScoringRule

    scoring_rule = ScoringRule.objects.create(name="Italia", kind="fit", attribute="country", values=["IT"],
                                              points=10)
    ScoringRule.objects.create(name="Webinar", kind="engagement", event_kind="webinar_attended", points=20,
                               half_life_days=30, cap=40)
    from imbuto.sla.services import due_compute

    due_compute([rep_lead.pk])  # its response clock (sla)

    saved_view = SavedView.objects.create(owner=rep, name="Caldi", query="temperature=hot")
    from imbuto.customers.models import Feedback, Problem

    feedback = Feedback.objects.create(account=account, contact=contact, score=8, comment="Bene")
    problem = Problem.objects.create(account=account, title="Fattura errata")
    resolved_problem = Problem.objects.create(account=account, title="Ritardo", status="resolved",
                                              resolved_at=timezone.now(), resolution="Corriere cambiato")
    from imbuto.activities.models import Activity

    activity = Activity.objects.create(kind="meeting", subject="Demo", owner=rep, lead=rep_lead,
                                       occurred_at=timezone.now() + dt.timedelta(days=1))
    from imbuto.routing.models import Pool, PoolMember, Rule

    pool = Pool.objects.create(name="North", team=north)
    member = PoolMember.objects.create(pool=pool, user=rep, weight=2, capacity=40)
    rule = Rule.objects.create(name="Nord", position=1, pool=pool, countries=["IT"], temperatures=["hot"])
    from .world_nurture import nurture_world

    nurture = nurture_world(rep)
    from imbuto.analytics.models import Target

    rep_target = Target.objects.create(user=rep, period_kind="month", period_start=dt.date(2026, 1, 1),
                                       count=3)
    from .world_deals import build_deals

    deals = build_deals(rep, campaign)
    return {
        **deals,
        **nurture, "rep_target": rep_target,
        "pool": pool, "member": member, "rule": rule, "feedback": feedback, "problem": problem,
        "resolved_problem": resolved_problem, "activity": activity,
        "saved_view": saved_view, "scoring_rule": scoring_rule,
        "users": users, "tokens": {**tokens, "anonymous": None}, "other_rep": other_rep,
        "rep_lead": rep_lead, "twin": twin, "south_lead": south_lead, "account": account,
        "south_account": south_account, "contact": contact, "merge": merge, "pair": pair,
        "campaign": campaign, "job": job, "form": form, "form_key": form.key, "chat": chat.public_id,
        "token": token, "notification": notification, "rep_user": rep, "team_north": north,
        "uidb64": "MQ", "reset_token": "set-password", "asset": "swagger-ui.css",
    }
