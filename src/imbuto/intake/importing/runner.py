"""The import job: resumable, idempotent, one transaction per chunk.

Each chunk's leads, its report lines and the job's progress (`rows_committed`, `bytes_done`, counts)
commit together, so a crash (even kill -9) loses nothing that was committed and a resumed run starts
right after the last committed row. The progress update is a compare-and-set on `rows_committed`:
two processes running the same job can never both commit the same rows.
"""

from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core.errors import ValidationFailed
from imbuto.core.history import record as history_record
from imbuto.core.types import Actor
from imbuto.leads.models import Campaign, Channel

from ..models import ImportJob, ImportRowError, ImportStatus, SourceKind
from . import columns, reader
from .chunks import Tally, chunked, tally

CHUNK_ROWS = 2000
DEFAULT_CHANNEL = "purchased-list"


class JobTaken(Exception):
    """Another process committed rows of this job first; this run stops without writing."""


@dataclass
class Summary:
    """The one-line answer of an import (CLI, web and task)."""

    file_name: str
    created: int = 0
    merged: int = 0
    flagged: int = 0
    rejected: int = 0
    seconds: float = 0.0
    job_id: int | None = None
    dry_run: bool = False
    already_done: bool = False
    resumed_at_row: int = 0
    file_rows: int | None = None  # set when the rows were counted by an earlier job
    note: str = ""  # why a bounded dry run stopped before the end of the file

    @property
    def rows(self) -> int:
        return self.created + self.merged + self.flagged + self.rejected

    def line(self) -> str:
        text = _("created %(c)s, merged %(m)s, flagged %(f)s, rejected %(r)s (%(file)s, %(rows)s rows, "
                 "%(s).1f s)") % {"c": self.created, "m": self.merged, "f": self.flagged, "r": self.rejected,
                                  "file": self.file_name, "s": self.seconds,
                                  "rows": self.rows if self.file_rows is None else self.file_rows}
        if self.already_done:
            text = text[:-1] + _(", already imported as job %(job)s)") % {"job": self.job_id}
        if self.dry_run:
            text = _("dry run, nothing written: %(summary)s") % {"summary": text}
        return text


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def import_target(*, actor: Actor, campaign_name: str = "", channel_slug: str = "",
                  campaign_id: int | None = None) -> tuple[Campaign | None, Channel]:
    """The campaign (found by name or id, or created) and channel an import goes into."""
    channel = None
    if channel_slug:
        channel = Channel.objects.filter(slug=channel_slug).first()
        if channel is None:
            known = ", ".join(Channel.objects.order_by("slug").values_list("slug", flat=True))
            raise ValidationFailed(_("Unknown channel “%(slug)s”. Known channels: %(known)s.")
                                   % {"slug": channel_slug, "known": known}, fields={"channel": ["unknown"]})
    campaign = None
    if campaign_id:
        campaign = Campaign.objects.filter(pk=campaign_id).select_related("channel").first()
        if campaign is None:
            raise ValidationFailed(_("Unknown campaign."), fields={"campaign": ["unknown"]})
    elif campaign_name.strip():
        with transaction.atomic():
            campaign = Campaign.objects.select_related("channel").filter(name=campaign_name.strip()).first()
            if campaign is None:
                channel = channel or Channel.objects.get(slug=DEFAULT_CHANNEL)
                campaign = Campaign.objects.create(name=campaign_name.strip()[:200], channel=channel,
                                                   owner=actor if getattr(actor, "pk", None) else None)
                history_record(campaign, actor=actor, action="created", reason="import")
    if channel is None:
        channel = campaign.channel if campaign else Channel.objects.get(slug=DEFAULT_CHANNEL)
    return campaign, channel


def previous_job(sha256: str, campaign: Campaign | None) -> ImportJob | None:
    """The real (not preview) job that already took this file into this campaign, newest first."""
    return (ImportJob.objects.filter(file_sha256=sha256, campaign=campaign, dry_run=False)
            .order_by("-created_at", "-id").first())


def load_plan(info: reader.FileInfo, manual: dict[str, Any] | None) -> columns.ColumnPlan:
    plan = columns.plan(info.header, manual)
    if not plan.has_identity:
        raise reader.FileProblem(
            _("No column could be matched to a name, email, phone or company (headers: %(headers)s). "
              "Map the columns by hand (--mapping M.json).") % {"headers": ", ".join(info.header)[:500]})
    return plan


def job_create(*, actor: Actor, path: str | Path, file_name: str = "", campaign: Campaign | None,
               channel: Channel, manual: dict[str, Any] | None = None, sha256: str = "",
               preview: bool = False, default_owner: Any = None, default_team: Any = None) -> ImportJob:
    """A queued job for a file that reads well; raises FileProblem (nothing written) otherwise.
    A preview job may still lack a usable mapping: the preview page is where it gets one."""
    path = Path(path)
    info = reader.inspect(path)
    plan = columns.plan(info.header, manual) if preview else load_plan(info, manual)
    return ImportJob.objects.create(
        file_name=(file_name or path.name)[:255], file_path=str(path.resolve()), file_size=info.size,
        file_sha256=sha256 or file_sha256(path), campaign=campaign, channel=channel,
        mapping={c.header: c.field for c in plan.columns}, dry_run=preview, status=ImportStatus.QUEUED,
        encoding=info.encoding_label[:30], delimiter=info.delimiter,
        created_by=actor if getattr(actor, "pk", None) else None,
        default_owner=default_owner, default_team=default_team,
    )


def _source(job_or_none: ImportJob | None, file_name: str, campaign: Campaign | None,
            channel: Channel) -> Any:
    from imbuto.intake.pipeline import SourceRef

    return SourceRef(kind=SourceKind.IMPORT, channel=channel.slug,
                     campaign_id=campaign.pk if campaign else None,
                     reference=f"import:{job_or_none.pk}" if job_or_none else "", file_name=file_name,
                     import_job_id=job_or_none.pk if job_or_none else None)


@contextmanager
def _fewer_collections() -> Iterator[Callable[[], None]]:
    """An import allocates millions of short-lived objects per chunk; with the default thresholds the
    cyclic garbage collector runs a thousand times per 20,000 rows (~10% of the import) for nothing.
    Collect rarely during a chunk and fully between chunks (what outlives a chunk is garbage or a
    bounded cache), with what existed before the import frozen out of the scans, and after each
    collection what survived it too: the caches and the memo are otherwise scanned again after every
    chunk (3% of an import's CPU). A frozen object is still freed when its last reference goes; only a
    reference cycle among frozen objects would wait for the end of the import."""

    def collect() -> None:
        gc.collect()
        gc.freeze()

    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1_000)
    try:
        yield collect
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def job_run(job: ImportJob, *, actor: Actor, path: str | Path | None = None,
            on_progress: Callable[[ImportJob], None] | None = None, chunk_rows: int = CHUNK_ROWS,
            stop_after_chunks: int | None = None) -> Summary:
    """Run (or resume) `job` to the end. Raises FileProblem for unreadable files (job marked failed)."""
    with _fewer_collections() as between_chunks:
        return _job_run(job, actor=actor, path=path, on_progress=on_progress, chunk_rows=chunk_rows,
                        stop_after_chunks=stop_after_chunks, between_chunks=between_chunks)


def _job_run(job: ImportJob, *, actor: Actor, path: str | Path | None,
             on_progress: Callable[[ImportJob], None] | None, chunk_rows: int,
             stop_after_chunks: int | None, between_chunks: Callable[[], Any]) -> Summary:
    from imbuto.intake.pipeline import Memo, ingest

    started = time.monotonic()
    path = Path(path or job.file_path)
    summary = Summary(file_name=job.file_name, job_id=job.pk, resumed_at_row=job.rows_committed)
    try:
        info = reader.inspect(path)
        plan = load_plan(info, job.mapping or None)
    except (reader.FileProblem, columns.MappingError, OSError) as exc:
        _fail(job, str(exc))
        raise reader.FileProblem(str(exc)) from exc
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, error="",
                                               started_at=job.started_at or timezone.now())
    job.refresh_from_db()
    source = _source(job, job.file_name, job.campaign, job.channel)
    committed = job.rows_committed  # where this run starts; the compare-and-set checks it per chunk
    resume_at = job.bytes_done if info.exact_offsets and committed else None
    rows = reader.iter_rows(path, info, skip=committed, offset=resume_at)
    done_chunks = 0
    memo = Memo()
    try:
        for chunk in chunked(rows, plan, info.header, chunk_rows):
            with transaction.atomic():
                claimed = ImportJob.objects.filter(pk=job.pk, rows_committed=committed).update(
                    rows_committed=committed + chunk.consumed, bytes_done=chunk.position)
                if not claimed:
                    raise JobTaken(_("Another process is running this import."))
                results = ingest(chunk.records, actor=actor, source=source, row_numbers=chunk.numbers,
                                 memo=memo, owner=job.default_owner, team_id=job.default_team_id
                                 ) if chunk.records else []
                result = tally(chunk, results, plan)
                ImportRowError.objects.bulk_create(
                    [ImportRowError(job_id=job.pk, row_number=line.row, field=line.field[:100],
                                    level=line.level, message=line.message[:500], raw=line.raw,
                                    code=line.code, params=line.params)
                     for line in result.lines],
                    batch_size=1000)
                ImportJob.objects.filter(pk=job.pk).update(**{k: F(k) + v for k, v in result.counts.items()})
            committed += chunk.consumed
            between_chunks()
            job.refresh_from_db()
            if on_progress:
                on_progress(job)
            done_chunks += 1
            if stop_after_chunks is not None and done_chunks >= stop_after_chunks:
                return _summary_of(job, summary, started)
    except JobTaken:
        raise
    except Exception as exc:
        _fail(job, _("The import stopped at row %(row)s: %(error)s")
              % {"row": info.header_row + committed + 1, "error": exc})
        raise
    finished = ImportJob.objects.filter(pk=job.pk, rows_committed=committed).update(
        status=ImportStatus.DONE, finished_at=timezone.now(), bytes_done=info.size)
    if not finished:
        raise JobTaken(_("Another process is running this import."))
    job.refresh_from_db()
    if on_progress:
        on_progress(job)
    return _summary_of(job, summary, started)


def _summary_of(job: ImportJob, summary: Summary, started: float) -> Summary:
    summary.created, summary.merged = job.created, job.merged
    summary.flagged, summary.rejected = job.flagged, job.rejected
    summary.seconds = time.monotonic() - started
    return summary


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, error=message[:2000],
                                               finished_at=timezone.now())
    job.refresh_from_db()


@dataclass
class ScanBounds:
    """Where a preview stops reading, whatever the file holds (issue 8, finding 5: 3,000,000 blank
    rows tied a web thread for minutes on every view)."""

    rows: int  # file rows read, blank ones included
    blank_run: int  # consecutive blank rows
    seconds: float


def _bounded(rows: Iterator[reader.Row], bounds: ScanBounds, started: float,
             stop: list[str]) -> Iterator[reader.Row]:
    """The rows of the file until a bound is reached; `stop` receives the note saying which."""
    blank = 0
    for scanned, row in enumerate(rows, start=1):
        blank = 0 if row.problems or any(c.strip() for c in row.cells) else blank + 1
        if blank > bounds.blank_run:
            stop.append(_("The preview stopped at row %(row)s: more than %(n)s blank rows in a row. The "
                          "import reads the whole file.") % {"row": row.number, "n": f"{bounds.blank_run:,}"})
            return
        if scanned > bounds.rows or time.monotonic() - started > bounds.seconds:
            stop.append(_("The preview stopped at row %(row)s to stay quick. The import reads the whole "
                          "file.") % {"row": row.number})
            return
        yield row


def dry_run(*, actor: Actor, path: str | Path, file_name: str = "", campaign: Campaign | None,
            channel: Channel, manual: dict[str, Any] | None = None, limit: int | None = None,
            chunk_rows: int = CHUNK_ROWS, on_chunk: Callable[[Tally, int], None] | None = None,
            bounds: ScanBounds | None = None) -> tuple[reader.FileInfo, columns.ColumnPlan, Summary, Tally]:
    """Run the whole pipeline with dry_run=True: the same answers, nothing written.

    `limit` stops after that many rows (the web preview keeps their per-row outcome); `bounds` stops
    reading the file early, with a note in the summary; `on_chunk` receives each chunk's tally and the
    bytes read (the CLI writes report lines and progress)."""
    from imbuto.intake.pipeline import Memo, ingest

    started = time.monotonic()
    path = Path(path)
    info = reader.inspect(path)
    plan = load_plan(info, manual)
    source = _source(None, file_name or path.name, campaign, channel)
    summary = Summary(file_name=file_name or path.name, dry_run=True)
    total = Tally()
    memo = Memo()
    size = min(chunk_rows, limit) if limit else chunk_rows
    rows: Iterator[reader.Row] = reader.iter_rows(path, info)
    stop: list[str] = []
    if bounds is not None:
        rows = _bounded(rows, bounds, started, stop)
    for chunk in chunked(rows, plan, info.header, size):
        results = ingest(chunk.records, actor=actor, source=source, row_numbers=chunk.numbers,
                         dry_run=True, memo=memo) if chunk.records else []
        result = tally(chunk, results, plan, preview=limit is not None)
        for key, value in result.counts.items():
            total.counts[key] += value
        if limit is not None:
            total.previews += result.previews
            total.lines += result.lines
        if on_chunk:
            on_chunk(result, chunk.position)
        if limit is not None and total.rows >= limit:
            break
    summary.created, summary.merged = total.counts["created"], total.counts["merged"]
    summary.flagged, summary.rejected = total.counts["flagged"], total.counts["rejected"]
    summary.seconds = time.monotonic() - started
    summary.note = stop[0] if stop else ""
    return info, plan, summary, total
