"""CSRD reads: the ESRS E1 figures of a period — the greenhouse-gas figures from the shared
inventory's selectors, the E1-5 energy mix from CSRD's own data."""
from __future__ import annotations

from django.db.models import Sum

from regimes.inventory import selectors as inventory
from regimes.inventory.calculations import InventoryFigures
from regimes.inventory.models import ReportingPeriod

from .calculations import ZERO, EnergyMix, PeriodFigures, energy_mix
from .models import EnergyConsumption


def period_energy(period: ReportingPeriod) -> EnergyMix:
    items = [(r["category"], r["mwh"]) for r in EnergyConsumption.objects.filter(period=period)
             .values("category").annotate(mwh=Sum("mwh")).order_by()]
    high_impact = EnergyConsumption.objects.filter(period=period, high_climate_impact=True) \
        .aggregate(mwh=Sum("mwh"))["mwh"] or ZERO
    return energy_mix(items, period.high_climate_impact_revenue, high_impact)


def period_figures(period: ReportingPeriod, ghg: InventoryFigures | None = None) -> PeriodFigures:
    """Everything the CSRD dashboard and the E1 report show for ``period`` (``ghg``: its inventory
    figures when already read, e.g. with the trend)."""
    ghg = ghg or inventory.period_figures(period)
    return PeriodFigures(totals=ghg.totals, energy=period_energy(period), scope2_sites=ghg.scope2_sites,
                         by_scope1_type_t=ghg.by_scope1_type_t, by_facility_t=ghg.by_facility_t)


def dashboard_figures(period: ReportingPeriod, trend_limit: int = 6) -> tuple[
        PeriodFigures, list[tuple[ReportingPeriod, InventoryFigures]]]:
    """The dashboard's figures of ``period`` and the trend of the latest periods, oldest first:
    the inventory figures of all of them are read together, the selected period's once."""
    recent = inventory.recent_periods(trend_limit)
    ghg = inventory.figures_by_period([*recent, period])
    return period_figures(period, ghg[period.pk]), [(p, ghg[p.pk]) for p in recent]
