"""The customers part of `imbuto demo` (leads.extensions.DEMO_PARTS, added by CustomersConfig.ready()):
customer profiles for the demo's customer accounts, feedback with scores and comments over the 18
months, problems (most resolved), tasks to ask for referrals after recent good scores, and the intake
Referral rows of the demo's referred leads (their `referrer_account`/`referrer_contact` are set by the
leads demo), so the account page shows all of it. Same seed, same data."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from imbuto.activities.models import Activity, Kind
from imbuto.intake.models import Referral
from imbuto.leads.models import Account, Contact, Lead

from .models import CustomerProfile, Feedback, Problem, ProblemStatus

SCORES = {10: 22, 9: 26, 8: 16, 7: 10, 6: 8, 5: 6, 4: 4, 3: 3, 2: 2, 1: 2, 0: 1}
COMMENTS = {  # band -> (English, Italian)
    "promoter": [("Very happy with the service, we would recommend you.",
                  "Molto soddisfatti del servizio, vi consiglieremmo."),
                 ("Fast delivery and a helpful team.", "Consegna veloce e un team disponibile."),
                 ("Exactly what we needed.", "Esattamente quello che ci serviva.")],
    "passive": [("Good overall, the onboarding took a while.",
                 "Bene nel complesso, l'avvio ha richiesto tempo."),
                ("Fine, but the price is on the high side.", "Bene, ma il prezzo è un po' alto.")],
    "detractor": [("Support was slow to answer.", "L'assistenza ha risposto con lentezza."),
                  ("The product did not meet our expectations.",
                   "Il prodotto non ha soddisfatto le aspettative.")],
}
PROBLEMS = [
    (("Invoice with the wrong VAT rate", "Fattura con l'aliquota IVA sbagliata"),
     ("Credit note issued and invoice corrected.", "Emessa nota di credito e corretta la fattura.")),
    (("Delivery arrived late", "Consegna arrivata in ritardo"),
     ("Courier changed; discount on the next order.", "Cambiato corriere; sconto sul prossimo ordine.")),
    (("Cannot log in to the portal", "Impossibile accedere al portale"),
     ("Password reset and account unlocked.", "Password reimpostata e account sbloccato.")),
]
RECENT_DAYS = 30


def _band(score: int) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


@dataclass(frozen=True)
class CustomersDemo:
    def prepare(self, leads: list[Lead]) -> None:
        return None

    def store(self, plan: Any, leads: list[Lead], state: Any) -> dict[str, int]:
        rng = random.Random(plan.seed * 7919 + 13)
        it = 1 if plan.language == "it" else 0
        now = timezone.now()
        earliest = min((lead.created_at for lead in leads), default=now)
        since: dict[int, dt.datetime] = {}
        for lp, lead in zip(plan.leads, leads, strict=True):
            if lp.customer and lead.account_id:
                since[lead.account_id] = lp.steps[-1].at if lp.steps else lead.created_at
        for lead in leads:  # the referrers: customers from before the demo's window (`--add`: again)
            if lead.referrer_account_id and lead.referrer_account_id not in since:
                since[lead.referrer_account_id] = earliest - dt.timedelta(days=rng.randint(30, 400))
        known = set(CustomerProfile.objects.filter(account_id__in=since).values_list("account_id", flat=True))
        accounts = {a.pk: a for a in Account.objects.filter(pk__in=since).exclude(pk__in=known)}
        contacts: dict[int, int] = {}
        rows = Contact.objects.filter(account_id__in=since).order_by("id").values_list("account_id", "id")
        for account_id, contact_id in rows:
            contacts.setdefault(account_id, contact_id)
        CustomerProfile.objects.bulk_create(
            [CustomerProfile(account_id=pk, since=at) for pk, at in sorted(since.items()) if pk in accounts],
            ignore_conflicts=True)
        feedback: list[Feedback] = []
        problems: list[Problem] = []
        for pk in sorted(accounts):
            start = since[pk]
            for _n in range(rng.choice((0, 1, 1, 2))):
                score = rng.choices(list(SCORES), weights=list(SCORES.values()))[0]
                at = start + (now - start) * rng.uniform(0.2, 1.0)
                feedback.append(Feedback(account_id=pk, contact_id=contacts.get(pk), score=score, at=at,
                                         created_at=at, comment=rng.choice(COMMENTS[_band(score)])[it],
                                         recorded_by_id=accounts[pk].owner_id))
            if rng.random() < 0.2:
                (title, resolution) = rng.choice(PROBLEMS)
                opened = start + (now - start) * rng.uniform(0.1, 0.95)
                resolved = rng.random() < 0.6
                closed = min(now, opened + dt.timedelta(days=rng.randint(1, 10)))
                problems.append(Problem(
                    account_id=pk, contact_id=contacts.get(pk), title=title[it], opened_at=opened,
                    recorded_by_id=accounts[pk].owner_id,
                    status=ProblemStatus.RESOLVED if resolved else ProblemStatus.OPEN,
                    resolved_at=closed if resolved else None,
                    resolution=resolution[it] if resolved else ""))
        Feedback.objects.bulk_create(feedback)
        Problem.objects.bulk_create(problems)
        tasks = self._referral_tasks(feedback, accounts, now, it)
        referrals = [Referral(lead_id=lead.pk, referrer_account_id=lead.referrer_account_id,
                              referrer_contact_id=lead.referrer_contact_id, at=lead.created_at)
                     for lead in leads if lead.referrer_account_id]
        Referral.objects.bulk_create(referrals)
        return {"customer_feedback": len(feedback), "customer_problems": len(problems),
                "referral_tasks": tasks, "referrals": len(referrals)}

    @staticmethod
    def _referral_tasks(feedback: list[Feedback], accounts: dict[int, Account], now: dt.datetime,
                        it: int) -> int:
        """Recent promoters: their owner's task to ask for referrals, as the live app would give."""
        recent = [f for f in feedback if f.score >= 9 and f.at >= now - dt.timedelta(days=RECENT_DAYS)
                  and accounts[f.account_id].owner_id]
        subject = ("Ask %(account)s for referrals", "Chiedi referenze a %(account)s")[it]
        for f in recent:
            account = accounts[f.account_id]
            task = Activity.objects.create(
                kind=Kind.TASK, subject=(subject % {"account": account.name})[:200],
                owner_id=account.owner_id,
                due_at=f.at + dt.timedelta(days=3), account_id=account.pk, contact_id=f.contact_id,
                created_at=f.at)
            Feedback.objects.filter(pk=f.pk).update(referral_task=task)
        return len(recent)
