"""The codes scoring writes into a lead's history (core.explain), rendered in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from imbuto.core import explain

THRESHOLD_MQL = "scoring.threshold_mql"
THRESHOLD_SQL = "scoring.threshold_sql"
BUY_NOW = "scoring.buy_now"


def register_all() -> None:
    explain.register(THRESHOLD_MQL, _("Score %(score)s reached the MQL threshold of %(threshold)s."))
    explain.register(THRESHOLD_SQL, _("Score %(score)s reached the SQL threshold of %(threshold)s."))
    explain.register(BUY_NOW, _("The lead wants to buy now (an explicit buy-now signal); score %(score)s."))
