"""Background tasks of nurturing: they take ids, call the services and are idempotent."""

from __future__ import annotations

from django.tasks import task


@task()
def advance(enrolment_id: int) -> int:
    """Run an enrolment's due steps (a retried task finds them run: nothing twice)."""
    from .engine import advance as run

    return len(run(enrolment_id))


@task()
def send_message(message_id: int) -> str:
    """Send one sequence email, exactly once as far as SMTP allows (mail.py)."""
    from .mail import deliver

    return deliver(message_id)


@task()
def enrol_leads(lead_ids: list[int]) -> int:
    """Lead events: enrol these leads in the sequences whose rule picks them."""
    from .services import enrol_by_rules

    return enrol_by_rules(lead_ids)


@task()
def exit_leads(lead_ids: list[int], reason: str) -> int:
    """The leads converted or replied: their enrolments end."""
    from .services import leads_exit

    return leads_exit(lead_ids, reason)


@task()
def tick() -> dict[str, int]:
    """Periodic (every minute): enrol by rule, run the due enrolments, send (or retry) due email."""
    from . import engine, mail
    from .services import enrol_by_rules

    enrolled = enrol_by_rules()
    advanced = len([engine.advance(pk) for pk in engine.due_enrolments()])
    outcomes: dict[str, int] = {}
    for pk in mail.due_messages():
        outcome = mail.deliver(pk)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {"enrolled": enrolled, "advanced": advanced, **outcomes}


@task()
def revisit_parked() -> int:
    """Periodic (hourly): parked leads whose revisit date has come go back to their owner's queue."""
    from .revisit import parked_revive
    from .services import enrol_by_rules

    back = parked_revive()
    if back:
        enrol_by_rules(back)
    return len(back)


@task()
def exit_replied(activity_ids: list[int]) -> int:
    """Emails logged on leads: an inbound one is a reply."""
    from imbuto.activities.models import Activity

    from .services import leads_exit

    rows = Activity.objects.filter(pk__in=activity_ids, kind="email", lead__isnull=False, direction="inbound")
    return leads_exit(set(rows.values_list("lead_id", flat=True)), "replied")
