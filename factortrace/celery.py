"""Celery app: tasks run in the schema of the tenant that queued them (tenant-schemas-celery).

Write tenant tasks with ``base=factortrace.core.tasks.TenantTask`` and queue them with
``enqueue_on_commit`` (see that module). The beat schedule is below.
"""
import os

from celery.schedules import crontab
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factortrace.settings.base")

app = CeleryApp("factortrace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every night, every tenant's audit chain is recomputed; a break is logged at ERROR level.
    "audit-verify-all-tenants": {"task": "audit.verify_all_tenants", "schedule": crontab(hour=2, minute=30)},
    # Reports stuck in "running" after a crash beyond every retry are marked failed.
    "reports-fail-stale": {"task": "reports.fail_stale_all_tenants", "schedule": crontab(minute="*/15")},
    # Imports lost with their worker beyond every retry are marked failed (nothing was written).
    "imports-fail-stale": {"task": "imports.fail_stale_all_tenants", "schedule": crontab(minute="*/15")},
}
