"""Import tasks: thin wrappers around factortrace.imports.services (the task takes the job's id)."""
from celery import shared_task

from factortrace.core.runs import Run, run_task
from factortrace.core.tasks import INFRASTRUCTURE_ERRORS, TenantTask, for_each_tenant

from . import services


@shared_task(name="imports.run", base=TenantTask, bind=True, autoretry_for=INFRASTRUCTURE_ERRORS, retry_backoff=5,
             max_retries=Run.MAX_ATTEMPTS - 1)
def run_import(self, job_id: int) -> str:
    """Validate and commit one ImportJob. A database or file-system hiccup is retried (the run
    starts over; nothing of it was committed); anything else fails the job with its reason."""
    return run_task(self, work=lambda: services.import_run(job_id).status,
                    fail=lambda reason: services.import_fail(job_id, reason), label=f"import job {job_id}")


@shared_task(name="imports.fail_stale", base=TenantTask)
def fail_stale_tenant() -> int:
    return services.import_fail_stale()


@shared_task(name="imports.fail_stale_all_tenants")
def fail_stale_all_tenants() -> int:
    """For the beat schedule: every tenant's lost import jobs are marked failed."""
    return for_each_tenant(fail_stale_tenant)
