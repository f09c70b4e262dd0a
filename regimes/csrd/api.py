"""CSRD API under /api/v1/csrd/ (tenant hosts, members only): periods (with lock, unlock and
totals), facilities, activities, Scope 2 instruments, energy and targets.

Reads need Cap.VIEW, writes Cap.EDIT, unlocking a period Cap.MANAGE. Every write is a call of
``services.py`` (validation, calculation, period lock, audit entry); deletes are soft.

Errors are problem details (``factortrace.api.errors``):
- 400 with field errors under ``errors`` for anything the client can fix (a unit that does not
  convert names both units under ``errors.unit``);
- 409 Conflict when the data's state refuses the write: a locked period, or deleting a record
  that others still use. ``detail`` says what to do.
"""
from __future__ import annotations

import codecs
from contextlib import contextmanager
from decimal import Decimal

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, prefetch_related_objects
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ParseError
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.utils import json

from factortrace.api.viewsets import TenantModelViewSet
from factortrace.core.roles import Cap

from . import filters, selectors, services
from .models import (
    ActivityRecord,
    ContractualInstrument,
    EnergyConsumption,
    Facility,
    ReportingPeriod,
    Target,
)
from .serializers import (
    ActivitySerializer,
    EnergySerializer,
    FacilitySerializer,
    InstrumentSerializer,
    PeriodSerializer,
    PeriodTotalsSerializer,
    TargetSerializer,
    period_totals_data,
)


# ---------------------------------------------------------------- input and errors
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


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record's current state does not allow this."
    default_code = "conflict"


@contextmanager
def service_errors(*, conflict: bool = False):
    """Translate a service's refusal: a locked period is 409; other ValidationErrors are 400
    with field errors, or 409 when ``conflict`` (a delete refused because of dependent records)."""
    try:
        yield
    except services.PeriodLocked as exc:
        raise Conflict(" ".join(exc.messages)) from exc
    except DjangoValidationError as exc:
        if conflict:
            raise Conflict(" ".join(exc.messages)) from exc
        if hasattr(exc, "error_dict"):
            errors = {("non_field_errors" if field == "__all__" else field): messages
                      for field, messages in exc.message_dict.items()}
        else:
            errors = {"non_field_errors": exc.messages}
        raise ApiValidationError(errors) from exc


class CsrdViewSet(TenantModelViewSet):
    """CRUD of one CSRD model whose writes are the regime's services
    (``services.record_save`` / ``services.record_delete``)."""

    parser_classes = [DecimalJSONParser, parsers.FormParser, parsers.MultiPartParser]
    lookup_value_regex = r"\d+"
    def base_queryset(self):
        return super().base_queryset().select_related("created_by", "updated_by")

    def perform_create(self, serializer):
        serializer.instance = self._write(serializer.Meta.model(), dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = self._write(serializer.instance, dict(serializer.validated_data))

    def perform_destroy(self, instance):
        with service_errors(conflict=True):
            services.record_delete(instance, self.request.user)

    def _write(self, instance, data: dict):
        extra = self.take_extra(instance, data)
        for field, value in data.items():
            setattr(instance, field, value)
        with service_errors():
            saved = services.record_save(instance, self.request.user, **extra)
        saved.refresh_from_db()  # answer with what is stored (decimals at the column's scale)
        return saved

    def take_extra(self, instance, data: dict) -> dict:
        """Pop inputs that are no model fields; they become keyword arguments of the save service."""
        return {}


# ---------------------------------------------------------------- filters
class PeriodFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=ReportingPeriod.Status.choices)

    class Meta:
        model = ReportingPeriod
        fields = ["year", "status"]


class FacilityFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(lookup_expr="iexact", help_text="ISO 3166 alpha-2")
    consolidation = django_filters.ChoiceFilter(choices=Facility.Consolidation.choices)
    q = django_filters.CharFilter(method="search", label="Search", help_text="Words in the name or code")

    class Meta:
        model = Facility
        fields = ["country", "consolidation", "q"]

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(name__icontains=word) | Q(code__icontains=word))
        return queryset


class ActivityFilter(filters.ActivityFilter):
    """The activity list screen's filters (period, facility, scope, Scope 3 category, data quality,
    ``q`` in description and notes), so the API and the screen always agree; plus the Scope 1 type."""

    scope1_type = django_filters.ChoiceFilter(choices=ActivityRecord.Scope1Type.choices)

    class Meta(filters.ActivityFilter.Meta):
        fields = [*filters.ActivityFilter.Meta.fields, "scope1_type"]


class PeriodDataFilter(django_filters.FilterSet):
    """Instruments and energy: by period and facility."""

    period = django_filters.ModelChoiceFilter(queryset=ReportingPeriod.objects.all())
    facility = django_filters.ModelChoiceFilter(queryset=Facility.objects.all())


class InstrumentFilter(PeriodDataFilter):
    kind = django_filters.ChoiceFilter(choices=ContractualInstrument.Kind.choices)

    class Meta:
        model = ContractualInstrument
        fields = ["period", "facility", "kind"]


class EnergyFilter(PeriodDataFilter):
    category = django_filters.ChoiceFilter(choices=EnergyConsumption.Category.choices)

    class Meta:
        model = EnergyConsumption
        fields = ["period", "facility", "category"]


class TargetFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Target.Kind.choices)
    target_year = django_filters.NumberFilter()

    class Meta:
        model = Target
        fields = ["kind", "target_year"]


# ---------------------------------------------------------------- viewsets
def _factor_label(factor) -> str:
    source = getattr(factor, "source", None)
    if source is not None:
        return f"{source.label} {factor.external_id}, {factor.activity}"
    return str(factor)


class PeriodViewSet(CsrdViewSet):
    """Reporting periods. A locked period refuses every change of its data (409) until an admin
    unlocks it; lock and unlock are their own actions (`status` is read-only here)."""

    queryset = ReportingPeriod.objects.all()
    serializer_class = PeriodSerializer
    filterset_class = PeriodFilter
    ordering_fields = ["year", "name", "id", "updated_at"]


    @extend_schema(request=None, responses=PeriodSerializer,
                   summary="Lock the period: its data can no longer change (needs edit rights)")
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        return self._set_status(ReportingPeriod.Status.LOCKED)

    @extend_schema(request=None, responses=PeriodSerializer,
                   summary="Unlock the period for corrections (needs admin rights)")
    @action(detail=True, methods=["post"], write_cap=Cap.MANAGE)
    def unlock(self, request, pk=None):
        return self._set_status(ReportingPeriod.Status.DRAFT)

    def _set_status(self, new_status: str) -> Response:
        period = self.get_object()
        with service_errors():
            period = services.period_set_status(period=period, status=new_status, actor=self.request.user)
        return Response(PeriodSerializer(period, context=self.get_serializer_context()).data)

    @extend_schema(responses=PeriodTotalsSerializer, filters=False,
                   summary="E1-6 totals, E1-5 energy mix and E1-4 target progress of the period")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def totals(self, request, pk=None):
        """Every figure is `{value, unrounded, unit}`: `value` rounded half up (t CO2e, MWh and
        intensities to 3 decimals, percentages to 2), `unrounded` at full precision; both are strings."""
        period = self.get_object()
        figures = selectors.period_figures(period)
        progress = selectors.targets_with_progress(period, figures)
        prefetch_related_objects([target for target, _ in progress], "created_by", "updated_by")
        return Response(PeriodTotalsSerializer(period_totals_data(period, figures, progress)).data)


class FacilityViewSet(CsrdViewSet):
    """Sites and organisational units inside the reporting boundary."""

    queryset = Facility.objects.all()
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilter
    ordering_fields = ["name", "code", "country", "id", "updated_at"]



class ActivityViewSet(CsrdViewSet):
    """The GHG inventory. Writes calculate: the response carries the factor snapshot (value,
    unit, source, edition), why the factor was chosen, and the emissions in kg and t, per gas
    where the factor has a breakdown."""

    queryset = ActivityRecord.objects.all()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    ordering_fields = ["id", "scope", "scope3_category", "quantity", "emissions_kg", "updated_at", "created_at"]


    def take_extra(self, activity, data: dict) -> dict:
        keywords = (data.pop("factor_keywords", "") or "").strip()
        if keywords:
            # New words choose a new factor: the service resolves them and writes its reason.
            data["factor"] = data["custom_factor"] = None
            return {"keywords": keywords}
        for field, other in (("factor", "custom_factor"), ("custom_factor", "factor")):
            chosen = data.get(field)
            if chosen is None:
                continue
            data[other] = None
            same = getattr(activity, f"{field}_id") == chosen.pk and getattr(activity, f"{other}_id") is None
            if not (data.get("factor_reason") or "").strip():
                if same:
                    # Sending back the factor the record has (GET, edit, PUT) keeps its reason.
                    data.pop("factor_reason", None)
                else:
                    data["factor_reason"] = f"Chosen by id through the API: {_factor_label(chosen)}."
        return {"keywords": ""}


class InstrumentViewSet(CsrdViewSet):
    """Scope 2 contractual instruments (GOs, RECs, PPAs, green tariffs, supplier rates)."""

    queryset = ContractualInstrument.objects.all()
    serializer_class = InstrumentSerializer
    filterset_class = InstrumentFilter
    ordering_fields = ["id", "kind", "quantity_mwh", "updated_at"]



class EnergyViewSet(CsrdViewSet):
    """E1-5 energy consumption in MWh by source category."""

    queryset = EnergyConsumption.objects.all()
    serializer_class = EnergySerializer
    filterset_class = EnergyFilter
    ordering_fields = ["id", "category", "mwh", "updated_at"]



class TargetViewSet(CsrdViewSet):
    """E1-4 GHG reduction targets (absolute or intensity); progress is in a period's totals."""

    queryset = Target.objects.all()
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["id", "name", "target_year", "updated_at"]

