"""Nurturing's part of `imbuto demo` (leads.extensions.DEMO_PARTS): two templates, a three-step
sequence, and a few demo leads (those one may mail) enrolled in it, some with their first email sent
and opened, so the Nurturing pages are not empty on a fresh instance. No mail leaves: the rows are
written as history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from imbuto.leads.models import Lead

ENROLLED = 12
# The demo speaks the instance's language (`imbuto demo --language it`), like the rest of it.
TEXTS: dict[str, dict[str, Any]] = {
    "it": {
        "first": {"name": "Benvenuto", "subject": "{{ first_name }}, tre idee per {{ company }}",
                  "body": "Buongiorno {{ first_name }},\n\necco come altre aziende come {{ company }} hanno "
                          "ridotto i tempi: https://www.example.com/casi\n\n{{ owner_name }}\n\n"
                          "Non vuoi più ricevere queste email? {{ unsubscribe_url }}"},
        "second": {"name": "Promemoria", "subject": "Possiamo aiutarti, {{ first_name }}?",
                   "body": "Buongiorno {{ first_name }},\n\nrispondi a questa email per una demo.\n\n"
                           "{{ owner_name }}\n\n{{ unsubscribe_url }}"},
        "sequence": {"name": "Nurturing MQL (demo)",
                     "description": "Per chi non è ancora pronto ad acquistare."},
        "sent": "%(name)s, tre idee",
    },
    "en": {
        "first": {"name": "Welcome", "subject": "{{ first_name }}, three ideas for {{ company }}",
                  "body": "Hello {{ first_name }},\n\nhere is how companies like {{ company }} cut "
                          "their lead times: https://www.example.com/cases\n\n{{ owner_name }}\n\n"
                          "No more of these emails? {{ unsubscribe_url }}"},
        "second": {"name": "Reminder", "subject": "Can we help, {{ first_name }}?",
                   "body": "Hello {{ first_name }},\n\nreply to this email for a demo.\n\n"
                           "{{ owner_name }}\n\n{{ unsubscribe_url }}"},
        "sequence": {"name": "MQL nurturing (demo)", "description": "For those not ready to buy yet."},
        "sent": "%(name)s, three ideas",
    },
}


class NurtureDemo:
    def prepare(self, leads: list[Lead]) -> None:
        return None

    def store(self, plan: Any, leads: list[Lead], state: Any) -> dict[str, int]:
        from . import audience, engine
        from .models import EmailTemplate, Enrolment, Message, MessageState, Rule, Sequence, Step, StepKind

        text = TEXTS["it" if getattr(plan, "language", "en") == "it" else "en"]
        first = EmailTemplate.objects.create(**text["first"])
        second = EmailTemplate.objects.create(**text["second"])
        sequence = Sequence.objects.create(rule=Rule.MANUAL, **text["sequence"])
        steps = Step.objects.bulk_create([
            Step(sequence=sequence, position=1, kind=StepKind.EMAIL, template=first),
            Step(sequence=sequence, position=2, kind=StepKind.WAIT, days=7),
            Step(sequence=sequence, position=3, kind=StepKind.EMAIL, template=second),
        ])
        picked = [lead for lead in leads
                  if audience.may_mail(lead) and lead.stage in ("lead", "mql")][:ENROLLED]
        now = timezone.now()
        messages = 0
        for index, lead in enumerate(picked):
            enrolment = Enrolment.objects.create(sequence=sequence, lead=lead, position=3,
                                                 due_at=now + dt.timedelta(days=1 + index % 6),
                                                 created_at=now - dt.timedelta(days=6))
            sent = now - dt.timedelta(days=6)
            Message.objects.create(
                enrolment=enrolment, step=steps[0], lead=lead, to_email=lead.email,
                domain=lead.email.rpartition("@")[2], subject=text["sent"] % {"name": lead.first_name},
                body="(demo)", message_id=engine.message_id_for("demo.imbuto"), state=MessageState.SENT,
                attempts=1, sent_at=sent, opened_at=sent + dt.timedelta(hours=3) if index % 2 else None)
            messages += 1
        return {"sequences": 1, "enrolments": len(picked), "messages": messages}
