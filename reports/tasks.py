"""Report tasks: thin wrappers around reports.services."""
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django_tenants.utils import get_public_schema_name

from factortrace.core.tasks import TenantTask

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="reports.render", base=TenantTask, bind=True,
             autoretry_for=(OperationalError, InterfaceError, OSError), retry_backoff=5, max_retries=3)
def render_report(self, report_id: int) -> str:
    try:
        report = services.report_run(report_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries or not isinstance(exc, (OperationalError, InterfaceError,
                                                                             OSError)):
            logger.exception("report %s failed", report_id)
            services.report_fail(report_id, f"{exc.__class__.__name__}: {exc}")
            if not isinstance(exc, (OperationalError, InterfaceError, OSError)):
                return "failed"
        raise
    return report.status


@shared_task(name="reports.fail_stale", base=TenantTask)
def fail_stale_tenant() -> int:
    return services.fail_stale()


@shared_task(name="reports.fail_stale_all_tenants")
def fail_stale_all_tenants() -> int:
    from tenants.models import Tenant  # noqa: PLC0415

    schemas = list(Tenant.objects.exclude(schema_name=get_public_schema_name()).values_list("schema_name", flat=True))
    for schema in schemas:
        fail_stale_tenant.apply_async(headers={"_schema_name": schema})
    return len(schemas)
