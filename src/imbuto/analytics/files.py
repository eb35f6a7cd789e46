"""The KPI objects as a CSV or XLSX download (the rules of core.tabular)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.utils import timezone, translation

from imbuto.core import tabular

from .kpis import table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    return "n/a" if value is None else value


def download(report: dict[str, Any], fmt: str) -> HttpResponseBase:
    header, rows = table(report["slices"])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"kpis-{report['from']}-{report['to']}-{report['by']}-{stamp}.{fmt}"
    cells = [[_cell(v) for v in row] for row in rows]
    if fmt == "csv":
        language = translation.get_language() or "en"
        resp: HttpResponseBase = HttpResponse(
            "".join(tabular.csv_lines(header, cells, language=language)),
            content_type="text/csv; charset=utf-8",
        )
    else:
        resp = FileResponse(tabular.xlsx_file(header, cells, sheet="KPIs"), content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "no-store"
    return resp
