"""`imbuto import leads FILE [--campaign NAME] [--channel SLUG] [--mapping M.json] [--dry-run]`

Runs a list import in the foreground (no worker needed): progress on stderr, then one summary line
on stdout: `created 812, merged 40, flagged 12, rejected 3 (file.csv, 867 rows, 4.1 s)`.
Rows that were rejected or repaired are listed in FILE.errors.csv next to the file (in the current
directory when that folder is read-only). Running the same command again after a crash resumes the
unfinished job for that file; after a finished one it changes nothing (`created 0`).
Exit codes: 0 done (even with rejected rows), 1 the file cannot be imported, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.timezone import localtime

from imbuto.core.errors import DomainError
from imbuto.intake.importing import columns, reader, report, runner
from imbuto.intake.models import ColumnMapping, ImportStatus
from imbuto.leads.models import Campaign


class Command(BaseCommand):
    help = "Import leads from a CSV or XLSX file through the intake pipeline."
    requires_system_checks: list[str] = []  # a data command: start fast, `imbuto check` does the checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["leads"], help="what to import (leads)")
        parser.add_argument("file", metavar="FILE", help="a .csv/.txt or .xlsx file")
        parser.add_argument("--campaign", default="", metavar="NAME",
                            help="campaign of that name; created when missing")
        parser.add_argument("--channel", default="", metavar="SLUG",
                            help="lead channel (default: the campaign's, else purchased-list)")
        parser.add_argument("--mapping", default="", metavar="M.json",
                            help='JSON {"File header": "lead_field"}, or the name of a saved mapping')
        parser.add_argument("--dry-run", action="store_true", help="show what would happen, write nothing")
        parser.add_argument("--report", default="", metavar="PATH", help="where to write the row report")
        parser.add_argument("--chunk-rows", type=int, default=runner.CHUNK_ROWS, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"File not found: {path}", returncode=2)
        manual = self._mapping(opts["mapping"])
        try:
            campaign, channel = self._target(opts)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        try:
            if opts["dry_run"]:
                self._dry_run(path, campaign, channel, manual, opts)
            else:
                self._run(path, campaign, channel, manual, opts)
        except (reader.FileProblem, columns.MappingError) as exc:
            raise CommandError(f"{path.name}: {exc}", returncode=1) from exc
        except runner.JobTaken as exc:
            raise CommandError(str(exc), returncode=1) from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}", returncode=2) from exc

    def _mapping(self, value: str) -> dict[str, Any] | None:
        if not value:
            return None
        source = Path(value)
        if source.is_file():
            try:
                data = json.loads(source.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise CommandError(f"Cannot read the mapping {value}: {exc}", returncode=2) from exc
        else:
            saved = ColumnMapping.objects.filter(name=value).first()
            if saved is None:
                raise CommandError(f"Mapping not found: {value} is neither a file nor a saved mapping.",
                                   returncode=2)
            data = saved.mapping
        try:
            return columns.parse_manual(data)
        except columns.MappingError as exc:
            raise CommandError(f"{value}: {exc}", returncode=2) from exc

    def _target(self, opts: dict[str, Any]) -> tuple[Campaign | None, Any]:
        name = opts["campaign"].strip()
        if opts["dry_run"] and name and not Campaign.objects.filter(name=name).exists():
            _c, channel = runner.import_target(actor=None, channel_slug=opts["channel"])
            self.stderr.write(f"Campaign “{name}” does not exist yet; a real import creates it.")
            return None, channel
        return runner.import_target(actor=None, campaign_name=name, channel_slug=opts["channel"])

    def _run(self, path: Path, campaign: Campaign | None, channel: Any, manual: Any,
             opts: dict[str, Any]) -> None:
        sha = runner.file_sha256(path)
        job = runner.previous_job(sha, campaign)
        if job and job.status == ImportStatus.DONE:
            self.stderr.write(f"{path.name} was already imported into this campaign as job {job.pk} "
                              f"({localtime(job.finished_at):%Y-%m-%d %H:%M}): nothing to do.")
            summary = runner.Summary(file_name=path.name, job_id=job.pk, already_done=True,
                                     file_rows=job.created + job.merged + job.flagged + job.rejected)
            self.stdout.write(summary.line())
            return
        if job:
            self.stderr.write(f"Resuming job {job.pk} after {job.rows_committed} rows.")
            if manual:
                self.stderr.write("The mapping of the unfinished job is kept; --mapping is ignored.")
        else:
            job = runner.job_create(actor=None, path=path, file_name=path.name, campaign=campaign,
                                    channel=channel, manual=manual, sha256=sha)
        plan = columns.plan(list(job.mapping), job.mapping)
        if plan.unmapped:
            self.stderr.write(f"Ignored columns: {', '.join(plan.unmapped)}")
        with Progress(self.stderr, path.stat().st_size) as progress:
            summary = runner.job_run(job, actor=None, path=path, chunk_rows=opts["chunk_rows"],
                                     on_progress=lambda j: progress.update(j.bytes_done, j.rows_committed))
        job.refresh_from_db()
        if job.row_errors.exists():
            target = self._report_path(path, opts["report"])
            with target.open("w", encoding="utf-8", newline="") as out:
                count = report.write_job_report(job, out)
            self.stderr.write(f"Row report ({count} lines): {target}")
        if not summary.rows:
            self.stderr.write(f"{path.name} has a header row but no data rows.")
        self.stdout.write(summary.line())

    def _dry_run(self, path: Path, campaign: Campaign | None, channel: Any, manual: Any,
                 opts: dict[str, Any]) -> None:
        target = self._report_path(path, opts["report"])
        try:
            with target.open("w", encoding="utf-8", newline="") as out, \
                    Progress(self.stderr, path.stat().st_size) as progress:
                sink = report.ReportFile(out)
                rows = 0

                def on_chunk(tally: Any, position: int) -> None:
                    nonlocal rows
                    rows += tally.rows
                    sink.add(tally.lines)
                    progress.update(position, rows)

                info, plan, summary, _t = runner.dry_run(actor=None, path=path, campaign=campaign,
                                                         channel=channel, manual=manual,
                                                         chunk_rows=opts["chunk_rows"], on_chunk=on_chunk)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        self.stderr.write(f"Read as {info.encoding_label}, {info.delimiter_label or 'xlsx'}; columns: "
                          + ", ".join(f"{h} -> {f}" for h, f in plan.mapped.items()))
        if plan.unmapped:
            self.stderr.write(f"Ignored columns: {', '.join(plan.unmapped)}")
        if sink.count:
            self.stderr.write(f"Row report ({sink.count} lines): {target}")
        else:
            target.unlink(missing_ok=True)
        self.stdout.write(summary.line())

    def _report_path(self, path: Path, explicit: str) -> Path:
        if explicit:
            return Path(explicit)
        beside = path.with_name(path.name + ".errors.csv")
        return beside if os.access(path.parent, os.W_OK) else Path.cwd() / beside.name


class Progress:
    """A rich progress bar on a terminal; otherwise a plain line every ~10% or 15 seconds."""

    def __init__(self, stream: Any, total: int) -> None:
        self.stream = stream
        self.total = max(total, 1)
        self.tty = stream.isatty()
        self.last = time.monotonic()
        self.last_share = 0.0
        self.bar: Any = None

    def __enter__(self) -> Progress:
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as Bar

            self.bar = Bar(TextColumn("[bold]import"), BarColumn(), DownloadColumn(),
                           TextColumn("{task.fields[rows]} rows"), TimeRemainingColumn(),
                           console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("import", total=self.total, rows=0)
        return self

    def update(self, done: int, rows: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, rows=f"{rows:,}")
            return
        share = done / self.total
        now = time.monotonic()
        if share - self.last_share >= 0.1 or now - self.last >= 15:
            self.stream.write(f"… {rows:,} rows, {share:.0%}")
            self.last, self.last_share = now, share

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.stop()
