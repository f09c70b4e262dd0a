"""Nightly verification of every tenant's audit chain (fan-out from the public schema)."""
import logging

from celery import shared_task

from factortrace.core.tasks import TenantTask, for_each_tenant

from .services import verify_chain

logger = logging.getLogger(__name__)


@shared_task(name="audit.verify_tenant", base=TenantTask, bind=True)
def verify_tenant(self) -> dict:
    result = verify_chain()
    if not result.ok:
        logger.error("audit chain broken at entry #%s: %s", result.first_broken, result.reason)
    return {"ok": result.ok, "checked": result.checked, "first_broken": result.first_broken}


@shared_task(name="audit.verify_all_tenants")
def verify_all_tenants() -> int:
    return for_each_tenant(verify_tenant)
