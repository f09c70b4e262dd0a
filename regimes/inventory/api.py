"""The inventory API under /api/v1/inventory/ (tenant hosts, members only): periods (with lock
and unlock), facilities, activities, Scope 2 instruments and targets.

Reads need Cap.VIEW, writes Cap.EDIT, unlocking a period Cap.MANAGE. Every write is a call of
``services.py`` (validation, calculation, period lock, audit entry); deletes are soft.

Errors are problem details (``factortrace.api.errors``):
- 400 with field errors under ``errors`` for anything the client can fix (a unit that does not
  convert names both units under ``errors.unit``);
- 409 Conflict when the data's state refuses the write: a locked period, or deleting a record
  that others still use. ``detail`` says what to do.
"""
from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from factortrace.api.viewsets import service_errors
from factortrace.core.roles import Cap
from regimes.base.crud import RecordViewSet

from . import filters, services
from .models import ActivityRecord, ContractualInstrument, Facility, ReportingPeriod, Target
from .serializers import (
    ActivitySerializer,
    FacilitySerializer,
    InstrumentSerializer,
    PeriodSerializer,
    TargetSerializer,
)


class InventoryViewSet(RecordViewSet):
    """CRUD of one inventory model; writes are the inventory's services (through the writers)."""


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
    """Records of a period (instruments, and regimes' own such as CSRD's energy lines): by period
    and facility."""

    period = django_filters.ModelChoiceFilter(queryset=ReportingPeriod.objects.all())
    facility = django_filters.ModelChoiceFilter(queryset=Facility.objects.all())


class InstrumentFilter(PeriodDataFilter):
    kind = django_filters.ChoiceFilter(choices=ContractualInstrument.Kind.choices)

    class Meta:
        model = ContractualInstrument
        fields = ["period", "facility", "kind"]


class TargetFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Target.Kind.choices)
    target_year = django_filters.NumberFilter()

    class Meta:
        model = Target
        fields = ["kind", "target_year"]


# ---------------------------------------------------------------- viewsets
class PeriodViewSet(InventoryViewSet):
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


class FacilityViewSet(InventoryViewSet):
    """Sites and organisational units inside the reporting boundary."""

    queryset = Facility.objects.all()
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilter
    ordering_fields = ["name", "code", "country", "id", "updated_at"]



class ActivityViewSet(InventoryViewSet):
    """The GHG inventory. Writes calculate: the response carries the factor snapshot (value,
    unit, source, edition), why the factor was chosen, and the emissions in kg and t, per gas
    where the factor has a breakdown. ``factor``, ``custom_factor``, ``factor_keywords`` and
    ``factor_reason`` go to the service as they are (``services._apply_factor_input`` reads them)."""

    queryset = ActivityRecord.objects.all()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    ordering_fields = ["id", "scope", "scope3_category", "quantity", "emissions_kg", "updated_at", "created_at"]


class InstrumentViewSet(InventoryViewSet):
    """Scope 2 contractual instruments (GOs, RECs, PPAs, green tariffs, supplier rates)."""

    queryset = ContractualInstrument.objects.all()
    serializer_class = InstrumentSerializer
    filterset_class = InstrumentFilter
    ordering_fields = ["id", "kind", "quantity_mwh", "updated_at"]



class TargetViewSet(InventoryViewSet):
    """E1-4 GHG reduction targets (absolute or intensity); progress is in a period's totals."""

    queryset = Target.objects.all()
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["id", "name", "target_year", "updated_at"]

