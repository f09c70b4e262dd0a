"""Writing and verifying the audit trail.

Every change to a tenant's compliance data goes through :func:`audited_save`,
:func:`audited_delete` or :func:`audited_restore` (or :func:`audit_log` for actions that are
not a model save, such as ``reports.report.downloaded``). They write the change and its audit
entry in one transaction; :func:`audit_log` refuses to run outside one, so an entry can never
describe a change that was rolled back, nor a change exist without its entry.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from factortrace.core.logging import request_id_var

from .models import AuditEntry
from .sql import APPEND_ONLY_SQL

GENESIS_HASH = "0" * 64


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"Cannot put {type(value).__name__} into the audit trail")


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, Decimals and dates as strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def normalise(value: Any) -> Any:
    """What PostgreSQL will give back for ``value`` once stored as jsonb (hash what is stored)."""
    return None if value is None else json.loads(canonical_json(value))


def entry_payload(entry: AuditEntry) -> dict:
    return {
        "sequence": entry.sequence,
        "created_at": entry.created_at.astimezone(dt.UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_email": entry.actor_email,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
    }


def compute_hash(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256((prev_hash + canonical_json(payload)).encode("utf-8")).hexdigest()


def snapshot(instance: models.Model, exclude: Iterable[str] = ()) -> dict:
    """Field values of ``instance`` as audit JSON (FKs as ids, files as names)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = field.value_from_object(instance)
    return normalise(data)


def object_type_of(instance: models.Model) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


def audit_log(*, action: str, actor=None, obj: models.Model | None = None, object_type: str = "",
              object_id: str = "", object_repr: str = "", before: Any = None, after: Any = None) -> AuditEntry:
    """Append one entry to the current tenant's chain. Must run inside ``transaction.atomic``
    together with the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_log() must run inside transaction.atomic() with the change it records")
    if connection.schema_name == "public":
        raise RuntimeError("The audit trail belongs to a tenant; set the tenant schema first")
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    with connection.cursor() as cursor:
        # Serialise writers of this schema's chain until commit (gap-free sequence, one prev_hash).
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit'))")
    last = AuditEntry.objects.order_by("-sequence").only("sequence", "hash").first()
    entry = AuditEntry(
        sequence=(last.sequence + 1) if last else 1,
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        before=normalise(before),
        after=normalise(after),
        request_id=request_id_var.get() if request_id_var.get() != "-" else "",
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    entry.hash = compute_hash(entry.prev_hash, entry_payload(entry))
    entry.save(force_insert=True)
    return entry


def audit_access(*, action: str, actor, obj: models.Model | None = None, **fields) -> AuditEntry:
    """Record a read that matters — a download, an export — in a transaction of its own (there is
    no change to commit with it). Same arguments as :func:`audit_log`."""
    with transaction.atomic():
        return audit_log(action=action, actor=actor, obj=obj, **fields)


def _label(instance) -> str:
    label = getattr(instance, "audit_label", "") or object_type_of(instance)
    return label


def audited_save(instance, *, actor, verb: str | None = None):
    """Create or update ``instance`` (a ComplianceModel) and record it. Returns the instance.

    ``verb`` defaults to ``created``/``updated``; pass e.g. ``"locked"`` for state changes.
    """
    with transaction.atomic():
        adding = instance._state.adding or instance.pk is None
        before = None
        if not adding:
            manager = getattr(type(instance), "all_objects", type(instance)._default_manager)
            previous = manager.filter(pk=instance.pk).first()
            before = snapshot(previous) if previous is not None else None
        if hasattr(instance, "touch"):
            instance.touch(actor)
        instance.save()
        audit_log(action=f"{_label(instance)}.{verb or ('created' if adding else 'updated')}", actor=actor,
                  obj=instance, before=before, after=snapshot(instance))
    return instance


def audited_delete(instance, *, actor):
    """Soft-delete ``instance`` and record it."""
    with transaction.atomic():
        before = snapshot(instance)
        instance.soft_delete(actor)
        audit_log(action=f"{_label(instance)}.deleted", actor=actor, obj=instance, before=before,
                  after=snapshot(instance))
    return instance


def audited_restore(instance, *, actor):
    with transaction.atomic():
        before = snapshot(instance)
        instance.restore(actor)
        audit_log(action=f"{_label(instance)}.restored", actor=actor, obj=instance, before=before,
                  after=snapshot(instance))
    return instance


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 2000) -> VerifyResult:
    """Recompute the current schema's chain; report the first entry that does not match."""
    prev_hash = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    queryset = AuditEntry.objects.order_by("sequence")
    for entry in queryset.iterator(chunk_size=batch_size):
        if entry.sequence != expected_sequence:
            return VerifyResult(False, checked, entry.sequence,
                                f"sequence jumps from {expected_sequence - 1} to {entry.sequence}")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.sequence, "prev_hash does not match the previous entry")
        if compute_hash(prev_hash, entry_payload(entry)) != entry.hash:
            return VerifyResult(False, checked, entry.sequence, "content does not match its hash")
        prev_hash = entry.hash
        expected_sequence += 1
        checked += 1
    return VerifyResult(True, checked)


def ensure_append_only() -> None:
    """(Re)install the append-only triggers in the current schema."""
    with connection.cursor() as cursor:
        cursor.execute(APPEND_ONLY_SQL)
