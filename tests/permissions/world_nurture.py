"""Nurturing's objects in the permission matrix's world: a template, a sequence with a lead of
rita's enrolled (and a message sent to it, for the public links), and `nurture_lead`, rita's
lead with consent, to enrol."""

from __future__ import annotations

from typing import Any

from tests.factories import LeadFactory


def nurture_world(rep: Any) -> dict[str, Any]:
    from imbuto.nurture import tracking
    from imbuto.nurture.models import EmailTemplate, Enrolment, Message, Sequence, Step

    template = EmailTemplate.objects.create(name="Hi", subject="Hi {{ first_name }}", body="Hello")
    sequence = Sequence.objects.create(name="Drip")
    step = Step.objects.create(sequence=sequence, position=1, kind="email", template=template)
    enrolled = LeadFactory(owner=rep, last_name="Enrolled", consent_basis="consent")
    enrolment = Enrolment.objects.create(sequence=sequence, lead=enrolled)
    message = Message.objects.create(enrolment=enrolment, step=step, lead=enrolled, to_email="r@example.it",
                                     domain="example.it", subject="Hi", body="Hello",
                                     message_id="<m1@example.com>", state="sent")
    return {"nurture_template": template, "nurture_sequence": sequence, "nurture_enrolment": enrolment,
            "nurture_lead": LeadFactory(owner=rep, last_name="Nurtured", consent_basis="consent"),
            "unsubscribe_token": tracking.token(message.pk, tracking.UNSUBSCRIBE),
            "open_token": tracking.token(message.pk, tracking.OPEN),
            "click_token": tracking.click_url(message.pk, "https://www.example.com/").rstrip("/")
            .rpartition("/")[2]}
