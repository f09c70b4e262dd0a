"""The base API viewset: tenant scoping, role permissions and audited writes in one place.

Subclasses declare ``queryset`` (or ``base_queryset()``), ``serializer_class`` and optionally
``read_cap``/``write_cap``. They may *not* override ``get_queryset``: scoping is owned here, and
an override would be the easiest way to leak rows across the tenant wall (the schema is the
wall; this class additionally refuses to run on the public schema). The named escape hatch for
a view that must see soft-deleted rows is ``dangerously_include_deleted = True``.
"""
from __future__ import annotations

import codecs
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django_tenants.utils import get_public_schema_name
from rest_framework import parsers, viewsets
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.utils import json

from factortrace.audit.services import audited_delete, audited_save
from factortrace.core.errors import Conflict
from factortrace.core.roles import Cap

from .errors import ConflictError


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


# ---------------------------------------------------------------- records written by services
class DecimalJSONParser(parsers.JSONParser):
    """JSON numbers with a fraction become ``Decimal``, not ``float``: ``0.1`` stays exactly 0.1
    (strings are what the schema documents; numbers are accepted without losing digits)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            return json.load(codecs.getreader(encoding)(stream), parse_float=Decimal,
                             parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc


@contextmanager
def service_errors(*, conflict: bool = False):
    """Translate a service's refusal: :class:`~factortrace.core.errors.Conflict` (a locked period)
    is 409; other ValidationErrors are 400 with field errors, or 409 when ``conflict`` (a delete
    refused because of dependent records)."""
    try:
        yield
    except Conflict as exc:
        raise ConflictError(" ".join(exc.messages)) from exc
    except DjangoValidationError as exc:
        if conflict:
            raise ConflictError(" ".join(exc.messages)) from exc
        if hasattr(exc, "error_dict"):
            errors = {("non_field_errors" if field == "__all__" else field): messages
                      for field, messages in exc.message_dict.items()}
        else:
            errors = {"non_field_errors": exc.messages}
        raise ApiValidationError(errors) from exc


class ServiceModelViewSet(TenantModelViewSet):
    """CRUD of a model whose writes are service calls. The services get what the serializer
    validated, as a dict — the viewset sets nothing on an instance:

    - ``create_service(model, actor, data)`` returns the saved instance;
    - ``update_service(instance, actor, data)`` returns the saved instance (``data``: the fields sent;
      the service reads the stored row itself);
    - ``delete_service(instance, actor)`` soft-deletes.

    They raise ``ValidationError`` (400) or ``Conflict`` (409). Inputs that are no model fields (an
    activity's ``factor_keywords``) are serializer fields like any other; the service takes them.
    ``regimes.base.crud.RecordViewSet`` sets the three to the regime records' writers."""

    parser_classes = [DecimalJSONParser, parsers.FormParser, parsers.MultiPartParser]
    lookup_value_regex = r"\d+"
    create_service: Callable = None
    update_service: Callable = None
    delete_service: Callable = None

    def base_queryset(self):
        return super().base_queryset().select_related("created_by", "updated_by")

    def perform_create(self, serializer):
        with service_errors():
            saved = type(self).create_service(serializer.Meta.model, self.request.user,
                                              dict(serializer.validated_data))
        serializer.instance = _as_stored(saved)

    def perform_update(self, serializer):
        with service_errors():
            saved = type(self).update_service(serializer.instance, self.request.user,
                                              dict(serializer.validated_data))
        serializer.instance = _as_stored(saved)

    def perform_destroy(self, instance):
        with service_errors(conflict=True):
            type(self).delete_service(instance, self.request.user)


def _as_stored(instance):
    instance.refresh_from_db()  # answer with what is stored (decimals at the column's scale)
    return instance
