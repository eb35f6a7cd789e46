"""Web imports: store an upload, prepare a preview job, change its mapping, start or resume it.

The services over the import engine (`importing/`), beside the task that runs a job (tasks.py), so
the engine never imports the tasks that call it.

The upload is copied to MEDIA_ROOT/imports/ in 1 MiB blocks while hashing, so its size never matters
to memory. A prepared job stays a preview (`dry_run=True`) until someone presses Import.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imbuto.core import permissions
from imbuto.core.errors import Conflict, NotFound, ValidationFailed
from imbuto.core.types import Actor
from imbuto.leads.assignment import check_defaults

from .importing import columns, reader, runner
from .importing.preview import preview_compute
from .importing.selectors import can_see_import
from .models import ColumnMapping, ImportJob, ImportStatus
from .tasks import enqueue_import

NOT_ALLOWED = gettext_lazy("You may not import leads.")


def _require(actor: Actor, job: ImportJob | None = None) -> None:
    """May import at all; and, for an existing job, may see it (else it does not exist for them)."""
    permissions.require(actor, "create", "intake.importjob", message=str(NOT_ALLOWED))
    if job is not None and actor is not None and not can_see_import(actor, job):
        permissions.audit_denial(actor, "change", "intake.importjob", job.pk)
        raise NotFound(_("No such import."))


def upload_store(uploaded: UploadedFile) -> tuple[Path, str]:
    """(stored path, sha256) of an uploaded file."""
    import hashlib

    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(uploaded.name or "upload").name)[-100:] or "upload"
    folder = Path(settings.MEDIA_ROOT) / "imports" / timezone.now().strftime("%Y/%m")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(8)}-{name}"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for block in uploaded.chunks(1024 * 1024):
            digest.update(block)
            out.write(block)
    return path, digest.hexdigest()


def import_prepare(*, actor: Actor, uploaded: UploadedFile, campaign_id: int | None = None,
                   campaign_name: str = "", channel_slug: str = "",
                   mapping: ColumnMapping | None = None, default_owner: Any = None,
                   default_team: Any = None) -> tuple[ImportJob, bool]:
    """(job, existing): a preview job for the upload, or the job that already imported this file
    into this campaign. Raises ValidationFailed with a clear message for unreadable files."""
    permissions.require(actor, "create", "intake.importjob", message=str(NOT_ALLOWED))
    check_defaults(actor, default_owner, default_team)
    path, sha = upload_store(uploaded)
    try:
        campaign, channel = runner.import_target(actor=actor, campaign_id=campaign_id,
                                                 campaign_name=campaign_name, channel_slug=channel_slug)
        earlier = runner.previous_job(sha, campaign)
        if earlier is not None:
            path.unlink(missing_ok=True)
            return earlier, True
        job = runner.job_create(actor=actor, path=path, file_name=uploaded.name or path.name,
                                campaign=campaign, channel=channel, sha256=sha, preview=True,
                                manual=mapping.mapping if mapping else None,
                                default_owner=default_owner, default_team=default_team)
    except (reader.FileProblem, columns.MappingError) as exc:
        path.unlink(missing_ok=True)
        raise ValidationFailed(str(exc), fields={"file": [str(exc)]}) from exc
    except Exception:
        path.unlink(missing_ok=True)
        raise
    preview_compute(actor=actor, job=job)  # once, here: the preview page only reads it
    return job, False


def import_remap(*, actor: Actor, job: ImportJob, mapping: dict[str, str], save_as: str = "") -> ImportJob:
    """Change the column mapping of a preview job; optionally keep it as a named mapping."""
    _require(actor, job)
    if not job.dry_run:
        raise Conflict(_("This import has started; its mapping can no longer change."))
    clean = columns.parse_manual(mapping)
    job.mapping = {header: clean.get(header, "") for header in job.mapping} | clean
    job.save(update_fields=["mapping"])
    preview_compute(actor=actor, job=job)
    if save_as.strip():
        ColumnMapping.objects.update_or_create(
            name=save_as.strip()[:100],
            defaults={"mapping": {h: f for h, f in job.mapping.items() if f},
                      "created_by": actor if getattr(actor, "pk", None) else None})
    return job


def import_start(*, actor: Actor, job: ImportJob) -> ImportJob:
    """Turn a preview into a real import and queue it (after commit). Idempotent."""
    _require(actor, job)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not job.dry_run:
            return job
        earlier = runner.previous_job(job.file_sha256, job.campaign)
        if earlier is not None:
            return earlier
        info = reader.inspect(job.file_path)
        runner.load_plan(info, job.mapping)
        job.dry_run = False
        job.status = ImportStatus.QUEUED
        job.created_at = timezone.now()
        job.preview = {}  # served its purpose; the job page shows progress and the report now
        job.save(update_fields=["dry_run", "status", "created_at", "preview"])
        enqueue_import(job.pk)
    return job


def import_resume(*, actor: Actor, job: ImportJob) -> ImportJob:
    """Queue an unfinished job again (after a crash or a failure); it continues after its last row."""
    _require(actor, job)
    if job.dry_run or job.status == ImportStatus.DONE:
        raise Conflict(_("Only an unfinished import can be resumed."))
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED, error="")
        enqueue_import(job.pk)
    job.refresh_from_db()
    return job
