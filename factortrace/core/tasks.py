"""The base for every tenant task, and the only way to queue one.

Contract (enforced, not just documented):
- A task takes ids and plain values, never model instances (they would be stale, and pickled).
- :func:`enqueue_on_commit` queues it *after* the current transaction commits, so the worker
  never looks for a row that is not there yet — and a rolled-back request queues nothing.
  The tenant's schema travels in the message headers (tenant-schemas-celery) and the worker
  switches to it before the task body runs.
- :class:`TenantTask` refuses to run in the public schema: a tenant task that lost its schema
  would otherwise read and write public tables.
- ``acks_late`` + ``reject_on_worker_lost``: a task whose worker dies is delivered again, so
  task bodies must be idempotent (look at the row's state first; write files atomically).
"""
from __future__ import annotations

from celery.exceptions import Reject
from django.db import InterfaceError, OperationalError, connection, transaction
from django_tenants.utils import get_public_schema_name, get_tenant_model
from tenant_schemas_celery.task import TenantTask as _SchemaSwitchingTask

#: Errors of the infrastructure (database connection, file system): worth retrying.
INFRASTRUCTURE_ERRORS = (OperationalError, InterfaceError, OSError)


class PublicSchemaRefused(RuntimeError):
    pass


class TenantTask(_SchemaSwitchingTask):
    abstract = True
    acks_late = True
    reject_on_worker_lost = True
    max_retries = 3
    default_retry_delay = 5

    def __call__(self, *args, **kwargs):
        if connection.schema_name == get_public_schema_name():
            # Not retried: the message carries no schema and never will.
            raise Reject(PublicSchemaRefused(f"{self.name} is a tenant task and refuses to run in the public schema"),
                         requeue=False)
        return super().__call__(*args, **kwargs)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` in the current tenant's schema once the transaction commits."""
    for value in (*args, *kwargs.values()):
        if hasattr(value, "_meta"):
            raise TypeError(f"Pass ids to {task.name}, not model instances ({value!r})")
    schema = connection.schema_name
    if schema == get_public_schema_name():
        raise PublicSchemaRefused(f"{task.name} must be queued from a tenant schema")
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema}))


def for_each_tenant(task) -> int:
    """Queue ``task`` (a TenantTask without arguments) once in every tenant's schema; for beat
    entries, which run in the public schema. Returns the number of tenants."""
    Tenant = get_tenant_model()  # by setting: core imports no app above it

    schemas = list(Tenant.objects.exclude(schema_name=get_public_schema_name()).values_list("schema_name", flat=True))
    for schema in schemas:
        task.apply_async(headers={"_schema_name": schema})
    return len(schemas)
