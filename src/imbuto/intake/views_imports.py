"""Imports in the web UI: list, upload, preview (dry run), live progress, row report download.

Thin adapters: the work is in import_services.py over intake.importing and the background task."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from imbuto.core.errors import DomainError, NotFound
from imbuto.core.htmx import render_error
from imbuto.core.permissions import can_import_leads

from . import import_services
from .explanations import message_text
from .importing import columns, preview, reader, report
from .importing.forms import UploadForm, field_label, mapping_choices
from .importing.selectors import can_see_import, import_get, visible_imports
from .models import ImportJob, ImportStatus, RowLevel

REPORT_ROWS = 50  # row report lines shown on the job page; the CSV download has them all


def import_permission(view: Any) -> Any:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_import_leads(request.user):
            return render_error(request, status=403, message=_("Only admins, managers and marketers may "
                                                                 "import leads."))
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:  # an import outside the user's scope does not exist for them
            return render_error(request, exc, status=404)
    return wrapper


def _already_imported(request: HttpRequest, earlier: ImportJob) -> HttpResponse:
    """The file went into this campaign before: to that job, or, when it is someone else's import the
    user may not open, to the list with a message that names no job."""
    if can_see_import(request.user, earlier):
        messages.info(request, _("This file was already imported into this campaign (import %(id)s): "
                                 "nothing new to import.") % {"id": earlier.pk})
        return redirect("intake:import_detail", earlier.pk)
    messages.info(request, _("This file was already imported into this campaign by someone outside your "
                             "team: nothing new to import."))
    return redirect("intake:imports")


@require_GET
@import_permission
def import_list(request: HttpRequest) -> HttpResponse:
    jobs = (visible_imports(request.user).select_related("campaign", "channel", "created_by")
            .order_by("-created_at", "-id"))
    return render(request, "intake/imports/list.html", {"jobs": jobs[:100]})


@import_permission
def import_new(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job, existing = import_services.import_prepare(
                actor=request.user, uploaded=data["file"],
                campaign_id=data["campaign"].pk if data["campaign"] else None,
                campaign_name=data["new_campaign"],
                channel_slug=data["channel"].slug if data["channel"] else "",
                mapping=data["mapping"], default_owner=data["default_owner"],
                default_team=data["default_team"])
        except DomainError as exc:
            form.add_error("file" if "file" in exc.fields else None, exc.message)
        else:
            if existing:
                return _already_imported(request, job)
            return redirect("intake:import_detail", job.pk)
    return render(request, "intake/imports/new.html", {"form": form}, status=422 if form.errors else 200)


@require_GET
@import_permission
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_get(request.user, pk)
    if job.dry_run:
        return _preview(request, job)
    return render(request, "intake/imports/detail.html", _progress_context(job))


def _preview(request: HttpRequest, job: ImportJob) -> HttpResponse:
    """Reads the preview stored on the job (computed once, bounded: importing/preview.py)."""
    data = preview.preview_of(actor=request.user, job=job)
    columns_ = [{**c, "label": _label(c["field"])} for c in data.get("columns", [])]
    context: dict[str, Any] = {"job": job, "choices": mapping_choices(), "columns": columns_,
                               "problem": data.get("problem", ""), "note": data.get("note", ""),
                               "info": data.get("info"), "summary": data.get("summary"),
                               "previews": data.get("previews", []), "unmapped": data.get("unmapped", [])}
    return render(request, "intake/imports/preview.html", context, status=422 if context["problem"] else 200)


def _label(field: str) -> str:
    try:
        return field_label(field) if field else ""
    except FieldDoesNotExist:
        return field


@require_POST
@import_permission
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_get(request.user, pk)
    headers = preview.headers_of(job)
    mapping = {h: request.POST.get(f"col-{i}", "") for i, h in enumerate(headers)}
    save_as = request.POST.get("save_as", "").strip()
    try:
        import_services.import_remap(actor=request.user, job=job, mapping=mapping, save_as=save_as)
    except columns.MappingError as exc:
        messages.error(request, str(exc))
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    else:
        if save_as:
            messages.success(request, _("Mapping saved as “%(name)s”.") % {"name": save_as})
    return redirect("intake:import_detail", job.pk)


@require_POST
@import_permission
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_get(request.user, pk)
    try:
        started = import_services.import_start(actor=request.user, job=job)
    except reader.FileProblem as exc:
        messages.error(request, str(exc))
        return redirect("intake:import_detail", job.pk)
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    if started.pk != job.pk:
        return _already_imported(request, started)
    return redirect("intake:import_detail", started.pk)


@require_POST
@import_permission
def import_resume(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_get(request.user, pk)
    try:
        import_services.import_resume(actor=request.user, job=job)
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    return redirect("intake:import_detail", job.pk)


@require_GET
@import_permission
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_get(request.user, pk)
    return render(request, "intake/imports/detail.html#progress", _progress_context(job))


@require_GET
@import_permission
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_get(request.user, pk)
    response = StreamingHttpResponse(report.stream_job_report(job, translation.get_language()),
                                     content_type="text/csv; charset=utf-8")
    name = "".join(ch for ch in job.file_name if ch.isalnum() or ch in "._-")[:80] or "import"
    response["Content-Disposition"] = f'attachment; filename="{name}.errors.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _row_report(job: ImportJob) -> dict[str, Any] | None:
    """The first lines of the row report with their level, and how many of each level there are."""
    lines = list(job.row_errors.order_by("row_number", "id")[:REPORT_ROWS + 1])
    if not lines:
        return None
    counts = dict(job.row_errors.values_list("level").annotate(n=Count("id")).order_by())
    for line in lines:
        line.text = message_text(line.code, line.params, line.message)  # in the reader's language
        try:
            line.field_label = field_label(line.field) if line.field else ""
        except FieldDoesNotExist:
            line.field_label = line.field
    return {"lines": lines[:REPORT_ROWS], "more": len(lines) > REPORT_ROWS,
            "errors": counts.get(RowLevel.ERROR, 0), "warnings": counts.get(RowLevel.WARNING, 0)}


def _progress_context(job: ImportJob) -> dict[str, Any]:
    total = job.created + job.merged + job.flagged + job.rejected
    percent = 100 if job.status == ImportStatus.DONE else (
        min(99, int(job.bytes_done * 100 / job.file_size)) if job.file_size else 0)
    delimiter = reader.delimiter_name(job.delimiter)
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    report_ = None if running else _row_report(job)  # polled every second while running: kept light
    return {"job": job, "percent": percent, "rows": total, "delimiter": delimiter, "running": running,
            "has_report": report_ is not None if not running else job.row_errors.exists(),
            "report": report_, "empty": job.status == ImportStatus.DONE and not total}
