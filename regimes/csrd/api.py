"""CSRD API under /api/v1/csrd/ (tenant hosts, members only): E1-5 energy lines and the ESRS E1
totals of a period (E1-6, E1-5, E1-4). The inventory itself (periods, facilities, activities,
instruments, targets) is the shared one under /api/v1/inventory/.

Reads need Cap.VIEW, writes Cap.EDIT. Every write is a call of ``services.py``; deletes are soft;
a locked period answers 409 (problem details)."""
from __future__ import annotations

import django_filters
from django.db.models import prefetch_related_objects
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from factortrace.api.viewsets import TenantScopedMixin
from regimes.base.crud import RecordViewSet
from regimes.inventory import selectors as inventory
from regimes.inventory.api import PeriodDataFilter
from regimes.inventory.models import ReportingPeriod

from . import services  # noqa: F401 — registers the energy writers
from .models import EnergyConsumption
from .selectors import period_figures
from .serializers import EnergySerializer, PeriodTotalsSerializer, period_totals_data


class EnergyFilter(PeriodDataFilter):
    category = django_filters.ChoiceFilter(choices=EnergyConsumption.Category.choices)

    class Meta:
        model = EnergyConsumption
        fields = ["period", "facility", "category"]


class EnergyViewSet(RecordViewSet):
    """E1-5 energy consumption in MWh by source category."""

    queryset = EnergyConsumption.objects.all()
    serializer_class = EnergySerializer
    filterset_class = EnergyFilter
    ordering_fields = ["id", "category", "mwh", "updated_at"]


class PeriodTotalsViewSet(TenantScopedMixin, viewsets.GenericViewSet):
    """The ESRS E1 figures of a reporting period (the periods themselves: /api/v1/inventory/periods/)."""

    queryset = ReportingPeriod.objects.all()
    lookup_value_regex = r"\d+"

    @extend_schema(responses=PeriodTotalsSerializer, filters=False,
                   summary="E1-6 totals, E1-5 energy mix and E1-4 target progress of the period")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def totals(self, request, pk=None):
        """Every figure is `{value, unrounded, unit}`: `value` rounded half up (t CO2e, MWh and
        intensities to 3 decimals, percentages to 2), `unrounded` at full precision; both are strings."""
        period = self.get_object()
        figures = period_figures(period)
        progress = inventory.targets_with_progress(period, figures.totals)
        prefetch_related_objects([target for target, _ in progress], "created_by", "updated_by")
        return Response(PeriodTotalsSerializer(period_totals_data(period, figures, progress)).data)
