"""Background tasks of intake. They take ids, call the same functions as the CLI, and are idempotent:
running an import task twice resumes or finds the job finished, never imports a row twice."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.tasks import task

logger = logging.getLogger(__name__)


@task()
def run_import(job_id: int) -> dict[str, Any]:
    """Run (or resume) a web-uploaded import job; the job page polls its progress."""
    from .importing import reader, runner
    from .models import ImportJob, ImportStatus

    job = ImportJob.objects.select_related("created_by", "campaign", "channel").filter(pk=job_id).first()
    if job is None or job.dry_run:
        return {"job": job_id, "status": "missing"}
    if job.status == ImportStatus.DONE:
        return {"job": job_id, "status": "done", "already": True}
    try:
        summary = runner.job_run(job, actor=job.created_by)
    except reader.FileProblem as exc:  # already recorded on the job
        return {"job": job_id, "status": "failed", "error": str(exc)}
    except runner.JobTaken:
        return {"job": job_id, "status": "taken"}
    logger.info("import job %s: %s", job_id, summary.line())
    return {"job": job_id, "status": "done", "summary": summary.line()}


def enqueue_import(job_id: int) -> None:
    """Queue the import once the transaction that prepared the job has committed."""
    transaction.on_commit(lambda: run_import.enqueue(job_id))


@task()
def prune_idempotency() -> dict[str, Any]:
    """Delete expired Idempotency-Key answers: for a scheduler that enqueues tasks (cron runs
    `imbuto prune`, which calls the same function without a worker)."""
    from .services import idempotency_prune

    return {"deleted": idempotency_prune()}


@task()
def index_new_leads(lead_ids: list[int]) -> dict[str, Any]:
    """Match keys of leads created outside the pipeline; leads already indexed are skipped, so a
    repeated task changes nothing."""
    from .indexing import index_leads

    return {"indexed": index_leads(list(lead_ids))}


@task()
def reindex_edited_lead(lead_id: int, previous: dict[str, Any]) -> dict[str, Any]:
    """A person's edit of identity fields: the lead's keys follow its values (reindex.py); idempotent,
    it compares the stored keys with the lead's current values."""
    from .reindex import reindex_lead

    added, removed = reindex_lead(lead_id, previous)
    return {"lead": lead_id, "added": added, "removed": removed}


@task()
def learn_matching() -> dict[str, Any]:
    """Refit the matcher's weights from the review queue (daily; `imbuto matching learn` does the same)."""
    from .learning import learn_from_reviews

    model = learn_from_reviews()
    if model is None:
        return {"learned": False}
    return {"learned": True, "model": model.pk, "decisions": model.decisions, "adopted": model.adopted}
