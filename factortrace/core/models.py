"""Abstract bases for every compliance record: who/when, and soft delete.

Soft delete: ``Model.objects`` hides deleted rows (so views, selectors, the API and the admin
never show them by accident); ``Model.all_objects`` sees everything, for restore and audit.
Deleting through a service calls :meth:`SoftDeleteModel.soft_delete`; a real SQL DELETE is an
operator action, not a product feature.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def dead(self):
        return self.filter(deleted_at__isnull=False)


class AliveManager(models.Manager.from_queryset(SoftDeleteQuerySet)):
    """Default manager: deleted rows do not exist for ordinary code."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllObjectsManager(models.Manager.from_queryset(SoftDeleteQuerySet)):
    pass


def user_ref(**kwargs):
    """A reference from a tenant-schema row to a (public-schema) user.

    No database constraint and no cascade: users are deactivated, never deleted while they are
    referenced, and Django's delete collector must not look for tenant tables from the public
    schema (it would fail there). The audit trail keeps the e-mail address as text.
    """
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+", **kwargs)


class ComplianceModel(models.Model):
    """Created/updated by and at, plus soft delete. Subclasses set ``audit_label``
    (e.g. ``"inventory.activity"``): audit action codes are ``<audit_label>.<verb>``."""

    audit_label: str = ""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = user_ref(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = user_ref(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = user_ref(null=True, blank=True, editable=False)

    objects = AliveManager()
    all_objects = AllObjectsManager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"  # related lookups of a deleted row's children still work

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def touch(self, actor) -> None:
        """Stamp created/updated before a save made by ``actor``."""
        now = timezone.now()
        if self._state.adding:
            self.created_at = now
            self.created_by = actor
        self.updated_at = now
        self.updated_by = actor

    def soft_delete(self, actor) -> None:
        self.deleted_at = timezone.now()
        self.deleted_by = actor
        self.save(update_fields=["deleted_at", "deleted_by"])

    def restore(self, actor) -> None:
        self.deleted_at = None
        self.deleted_by = None
        self.touch(actor)
        self.save(update_fields=["deleted_at", "deleted_by", "updated_at", "updated_by"])
