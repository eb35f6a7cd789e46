"""Nurture tests: a real SMTP server on loopback (aiosmtpd) that keeps what it receives, refuses
addresses starting with "refused" (550), and can hold one message to let a test kill its sender."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading

import pytest
from aiosmtpd.controller import Controller

from imbuto.core.email_url import parse_email_url
from imbuto.nurture.models import EmailTemplate, Sequence, Step
from tests.notifications.smtp import free_port


class Inbox:
    def __init__(self, hold_subject: str = "", hold_seconds: float = 0):
        self.messages: list = []
        self.hold_subject, self.hold_seconds = hold_subject, hold_seconds
        self.holding = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("refused"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        # kept as soon as the data is in (a real server has queued it): the client has not yet seen 250
        self.messages.append((envelope.rcpt_tos, message))
        if self.hold_subject and self.hold_subject in str(message["Subject"]):
            self.holding.set()
            await asyncio.sleep(self.hold_seconds)
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for _rcpt, m in self.messages]


class Smtp:
    def __init__(self, **hold):
        self.port = free_port()
        self.inbox = Inbox(**hold)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


@pytest.fixture
def smtp(settings):
    with Smtp() as server:
        settings.MAILERS = {"default": parse_email_url(server.url)}
        settings.DEFAULT_FROM_EMAIL = "Imbuto <news@example.com>"
        settings.IMBUTO_BASE_URL = "https://crm.example.com"
        yield server


def make_sequence(*steps: dict, name: str = "Drip", rule: str = "") -> Sequence:
    sequence = Sequence.objects.create(name=name, rule=rule)
    Step.objects.bulk_create([Step(sequence=sequence, position=i, **s) for i, s in enumerate(steps, start=1)])
    return sequence


def template(name: str, subject: str | None = None, track: bool = True) -> EmailTemplate:
    return EmailTemplate.objects.create(
        name=name, subject=subject or f"{name} for {{{{ first_name }}}}", track=track,
        body=f"Hello {{{{ first_name }}}} of {{{{ company }}}},\nsee https://www.example.com/{name}\n"
             "{{ owner_name }}\nUnsubscribe: {{ unsubscribe_url }}\n")
