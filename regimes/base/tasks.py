"""Import tasks: thin wrappers around regimes.base.imports (the task takes the job's id)."""
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django_tenants.utils import get_public_schema_name

from factortrace.core.tasks import TenantTask

from . import imports

logger = logging.getLogger(__name__)
_INFRASTRUCTURE = (OperationalError, InterfaceError, OSError)


@shared_task(name="imports.run", base=TenantTask, bind=True, autoretry_for=_INFRASTRUCTURE, retry_backoff=5,
             max_retries=3)
def run_import(self, job_id: int) -> str:
    """Validate and commit one ImportJob. A database or file-system hiccup is retried (the run
    starts over; nothing of it was committed); anything else fails the job with its reason."""
    try:
        job = imports.import_run(job_id)
    except Exception as exc:
        infrastructure = isinstance(exc, _INFRASTRUCTURE)
        if not infrastructure or self.request.retries >= self.max_retries:
            logger.exception("import job %s failed", job_id)
            imports.import_fail(job_id, f"{exc.__class__.__name__}: {exc}")
            if not infrastructure:
                return "failed"
        raise
    return job.status


@shared_task(name="imports.fail_stale", base=TenantTask)
def fail_stale_tenant() -> int:
    return imports.import_fail_stale()


@shared_task(name="imports.fail_stale_all_tenants")
def fail_stale_all_tenants() -> int:
    """For the beat schedule: every tenant's lost import jobs are marked failed."""
    from tenants.models import Tenant  # noqa: PLC0415

    schemas = list(Tenant.objects.exclude(schema_name=get_public_schema_name()).values_list("schema_name", flat=True))
    for schema in schemas:
        fail_stale_tenant.apply_async(headers={"_schema_name": schema})
    return len(schemas)
