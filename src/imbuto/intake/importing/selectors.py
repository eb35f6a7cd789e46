"""Permission-scoped reads of import jobs: the web views and services go through these, so an import
outside the user's scope answers 404 everywhere (it is not acknowledged to exist)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.errors import NotFound

from ..models import ImportJob


def visible_imports(user: Any) -> QuerySet[ImportJob]:
    """Import jobs `user` may see and act on (the ImportJobs policy in intake/policies.py)."""
    return permissions.restrict(user, ImportJob.objects.all())


def import_get(user: Any, job_id: int) -> ImportJob:
    """One import job, or NotFound (audited) when it does not exist or is outside the user's scope."""
    job = (visible_imports(user).select_related("campaign", "channel", "created_by")
           .filter(pk=job_id).first())
    if job is None:
        if ImportJob.objects.filter(pk=job_id).exists():
            permissions.audit_denial(user, "view", "intake.importjob", job_id)
        raise NotFound(_("No such import."))
    return job


def can_see_import(user: Any, job: ImportJob) -> bool:
    return visible_imports(user).filter(pk=job.pk).exists()
