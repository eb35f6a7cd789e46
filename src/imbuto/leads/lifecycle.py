"""Pure lifecycle rules: which stage may follow which, and temperature from timeframe (B2, B3).

No database here, so the rules are testable as plain data and reusable by batch code.
"""

from __future__ import annotations

import re

from .choices import DiscardReason, ParkReason, Stage, Temperature, Timeframe

S = Stage
# Forward moves may skip stages inside marketing's part of the funnel (an inbound "buy now" goes
# straight to SQL); opportunity and customer are reached only in order. SQL may be recycled to MQL
# (sales sends it back to nurturing), MQL to lead. Every funnel stage but customer may exit; parked
# and discarded leads re-enter the funnel.
ALLOWED: dict[str, tuple[str, ...]] = {
    S.SUSPECT: (S.LEAD, S.MQL, S.SQL, S.DISCARDED, S.PARKED),
    S.LEAD: (S.MQL, S.SQL, S.DISCARDED, S.PARKED),
    S.MQL: (S.SQL, S.LEAD, S.DISCARDED, S.PARKED),
    S.SQL: (S.OPPORTUNITY, S.MQL, S.DISCARDED, S.PARKED),
    S.OPPORTUNITY: (S.CUSTOMER, S.SQL, S.DISCARDED, S.PARKED),
    S.CUSTOMER: (),
    S.DISCARDED: (S.SUSPECT, S.LEAD),
    S.PARKED: (S.SUSPECT, S.LEAD, S.MQL, S.SQL),
}


def allowed_targets(stage: str) -> tuple[str, ...]:
    return ALLOWED.get(stage, ())


def is_allowed(from_stage: str, to_stage: str) -> bool:
    return to_stage in ALLOWED.get(from_stage, ())


def temperature_for(timeframe: str | None) -> str:
    """Buy now -> hot; about two months -> warm; no (or a longer) time frame -> cold."""
    if timeframe == Timeframe.IMMEDIATE:
        return Temperature.HOT
    if timeframe == Timeframe.WITHIN_2_MONTHS:
        return Temperature.WARM
    return Temperature.COLD


def _code(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def parse_reason(text: str, choices: type[DiscardReason] | type[ParkReason]) -> tuple[str, str]:
    """Split a free reason into (code, note): "spam" -> ("spam", ""); "moved away" -> ("other", ...)."""
    code = _code(text or "")
    aliases = {"no_intent": "no_purchase_intent", "competitor": "bought_from_competitor",
               "bought_competitor": "bought_from_competitor"}
    code = aliases.get(code, code)
    if code in choices.values:
        return code, ""
    return ("other", text.strip()) if text and text.strip() else ("", "")
