"""The base API viewset: tenant scoping, role permissions and audited writes in one place.

Subclasses declare ``queryset`` (or ``base_queryset()``), ``serializer_class`` and optionally
``read_cap``/``write_cap``. They may *not* override ``get_queryset``: scoping is owned here, and
an override would be the easiest way to leak rows across the tenant wall (the schema is the
wall; this class additionally refuses to run on the public schema). The named escape hatch for
a view that must see soft-deleted rows is ``dangerously_include_deleted = True``.
"""
from __future__ import annotations

from django.db import connection
from django_tenants.utils import get_public_schema_name
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from factortrace.audit.services import audited_delete, audited_save
from factortrace.core.roles import Cap


class TenantScopedMixin:
    read_cap: Cap = Cap.VIEW
    write_cap: Cap = Cap.EDIT
    dangerously_include_deleted = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} overrides get_queryset; override base_queryset() instead "
                            "(scoping belongs to TenantScopedMixin)")

    def base_queryset(self):
        queryset = self.queryset
        model = queryset.model
        if self.dangerously_include_deleted and hasattr(model, "all_objects"):
            return model.all_objects.all()
        return queryset.all()

    def get_queryset(self):
        tenant = getattr(self.request._request, "tenant", None)
        if tenant is None or tenant.schema_name == get_public_schema_name() \
                or connection.schema_name != tenant.schema_name:
            raise NotFound()
        return self.base_queryset()


class TenantReadOnlyViewSet(TenantScopedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantModelViewSet(TenantScopedMixin, viewsets.ModelViewSet):
    """CRUD where every write is an audited service call (``audited_save``/``audited_delete``).
    Override ``perform_create``/``perform_update`` to call a regime service when a write has
    logic of its own (calculation, locking checks)."""

    def perform_create(self, serializer):
        instance = serializer.Meta.model(**_plain(serializer.validated_data))
        instance.full_clean()
        audited_save(instance, actor=self.request.user)
        serializer.instance = instance

    def perform_update(self, serializer):
        instance = serializer.instance
        for field, value in _plain(serializer.validated_data).items():
            setattr(instance, field, value)
        instance.full_clean()
        audited_save(instance, actor=self.request.user)

    def perform_destroy(self, instance):
        audited_delete(instance, actor=self.request.user)


def _plain(data: dict) -> dict:
    many = [key for key, value in data.items() if isinstance(value, list)]
    if many:
        raise TypeError(f"Fields {many} are many-to-many: override perform_create/perform_update to save them")
    return data
