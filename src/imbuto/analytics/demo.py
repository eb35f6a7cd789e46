"""Analytics' part of the demo data (registered in leads.extensions.DEMO_PARTS): monthly and
quarterly targets for every demo rep and team around today, so the dashboard shows attainment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from imbuto.users.models import Team, User

from .models import Target
from .periods import add_months, quarter_of

REP_MONTHLY = Decimal(30000)
REP_MONTHLY_COUNT = 4


class AnalyticsDemo:
    def prepare(self, leads: list[Any]) -> None:
        return None

    def store(self, plan: Any, leads: list[Any], state: Any) -> dict[str, int]:
        today = timezone.localdate()
        this_month = today.replace(day=1)
        months = [add_months(this_month, i) for i in range(-5, 3)]
        quarters = sorted({quarter_of(mo) for mo in months})
        reps = list(User.objects.filter(role="rep", is_active=True, team__isnull=False))
        teams = list(Team.objects.filter(pk__in={r.team_id for r in reps}))
        rows: list[Target] = []
        for mo in months:
            rows += [
                Target(
                    user=r, period_kind="month", period_start=mo, amount=REP_MONTHLY, count=REP_MONTHLY_COUNT
                )
                for r in reps
            ]
        for q in quarters:
            for t in teams:
                n = sum(1 for r in reps if r.team_id == t.pk)
                rows.append(
                    Target(
                        team=t,
                        period_kind="quarter",
                        period_start=q,
                        amount=REP_MONTHLY * 3 * n,
                        count=REP_MONTHLY_COUNT * 3 * n,
                    )
                )
        existing = {
            (t.user_id, t.team_id, t.period_start) for t in Target.objects.filter(replaced_at__isnull=True)
        }
        rows = [t for t in rows if (t.user_id, t.team_id, t.period_start) not in existing]
        Target.objects.bulk_create(rows)
        return {"targets": len(rows)}
