"""Report tasks: thin wrappers around reports.services."""
from celery import shared_task

from factortrace.core.runs import Run, run_task
from factortrace.core.tasks import INFRASTRUCTURE_ERRORS, TenantTask, for_each_tenant

from . import services


@shared_task(name="reports.render", base=TenantTask, bind=True, autoretry_for=INFRASTRUCTURE_ERRORS,
             retry_backoff=5, max_retries=Run.MAX_ATTEMPTS - 1)
def render_report(self, report_id: int) -> str:
    return run_task(self, work=lambda: services.report_run(report_id).status,
                    fail=lambda reason: services.report_fail(report_id, reason), label=f"report {report_id}")


@shared_task(name="reports.fail_stale", base=TenantTask)
def fail_stale_tenant() -> int:
    return services.fail_stale()


@shared_task(name="reports.fail_stale_all_tenants")
def fail_stale_all_tenants() -> int:
    return for_each_tenant(fail_stale_tenant)
