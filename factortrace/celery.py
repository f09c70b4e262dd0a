"""Celery app: tasks run in the schema of the tenant that queued them (tenant-schemas-celery).

Write tasks with :class:`factortrace.core.tasks.TenantTask` (see its docstring): they take ids,
are queued on commit with ``enqueue_on_commit``, and refuse to run in the public schema.
"""
import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factortrace.settings.base")

app = CeleryApp("factortrace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
