"""CSRD reads: the figures of a period, assembled from the database for the pure calculations."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from factortrace.core.units import UnitError, conversion_factor

from .calculations import (
    ZERO,
    EnergyMix,
    Instrument,
    InventoryLine,
    PeriodFigures,
    Scope2Result,
    Scope2Site,
    TargetProgress,
    TargetSpec,
    e1_6_totals,
    energy_mix,
    scope2_market_based,
    target_progress,
)
from .models import ActivityRecord, ContractualInstrument, EnergyConsumption, ReportingPeriod, Target


def periods():
    return ReportingPeriod.objects.all()


def inventory_lines(period: ReportingPeriod) -> list[InventoryLine]:
    rows = (ActivityRecord.objects.filter(period=period)
            .values("scope", "scope3_category", "ets_regulated").annotate(kg=Sum("emissions_kg")).order_by())
    return [InventoryLine(r["scope"], r["kg"] or ZERO, r["scope3_category"], r["ets_regulated"]) for r in rows]


def residual_mix_rate(country: str, year: int) -> Decimal | None:
    """kg CO2e/kWh of a residual-mix factor the tenant entered as a custom factor (activity
    containing "residual mix", same country); none is shipped (AIB data is licensed)."""
    from factors.custom.models import CustomFactor  # noqa: PLC0415

    candidates = [f for f in CustomFactor.objects.filter(activity__icontains="residual mix", region=country)]
    usable = []
    for factor in candidates:
        try:
            usable.append((abs((factor.year or year) - year), factor.kgco2e_per_unit / conversion_factor("kWh", factor.unit)))
        except UnitError:
            continue
    return min(usable)[1] if usable else None


def _share(facility) -> Decimal:
    from .models import Facility  # noqa: PLC0415

    return facility.equity_share if facility.consolidation == Facility.Consolidation.EQUITY else Decimal(100)


def scope2_sites(period: ReportingPeriod) -> tuple[list[Scope2Result], Decimal]:
    """Market-based Scope 2 per facility; returns (site results, market-based kg of all Scope 2).

    Electricity goes through the instrument hierarchy; purchased heat, steam and cooling have
    no instruments here and count the same in both methods.
    """
    electricity = defaultdict(lambda: {"kwh": ZERO, "kg": ZERO})
    other_kg = ZERO
    for record in (ActivityRecord.objects.filter(period=period, scope="2").select_related("facility")
                   .only("quantity", "unit", "emissions_kg", "energy_type", "facility__name", "facility__id",
                         "facility__country", "facility__consolidation", "facility__equity_share")):
        if record.energy_type == ActivityRecord.EnergyType.ELECTRICITY:
            site = electricity[record.facility]
            # Records hold emissions at the included share; the hierarchy runs on the whole site.
            site["kwh"] += record.quantity * conversion_factor(record.unit, "kWh")
            site["kg"] += record.emissions_kg * 100 / _share(record.facility) if _share(record.facility) else ZERO
        else:
            other_kg += record.emissions_kg
    instruments = defaultdict(list)
    for instrument in ContractualInstrument.objects.filter(period=period).order_by("id"):
        instruments[instrument.facility_id].append(Instrument(
            kind=instrument.kind, kwh=None if instrument.quantity_mwh is None else instrument.quantity_mwh * 1000,
            rate_kg_per_kwh=instrument.emission_rate, label=instrument.get_kind_display()))
    results = []
    for facility, site in sorted(electricity.items(), key=lambda item: item[0].name):
        grid = site["kg"] / site["kwh"] if site["kwh"] else ZERO  # consumption-weighted location factor
        results.append(scope2_market_based(Scope2Site(
            name=facility.name, consumption_kwh=site["kwh"], grid_kg_per_kwh=grid,
            instruments=tuple(instruments.get(facility.id, ())),
            residual_mix_kg_per_kwh=residual_mix_rate(facility.country, period.year), share=_share(facility))))
    market_kg = sum((r.market_kg for r in results), ZERO) + other_kg
    return results, market_kg


def period_energy(period: ReportingPeriod) -> EnergyMix:
    items = [(r["category"], r["mwh"]) for r in EnergyConsumption.objects.filter(period=period)
             .values("category").annotate(mwh=Sum("mwh")).order_by()]
    return energy_mix(items, period.high_climate_impact_revenue)


def period_figures(period: ReportingPeriod) -> PeriodFigures:
    sites, market_kg = scope2_sites(period)
    totals = e1_6_totals(inventory_lines(period), market_kg, period.net_revenue)
    by_type = {r["scope1_type"]: (r["kg"] or ZERO) / 1000 for r in ActivityRecord.objects.filter(
        period=period, scope="1").values("scope1_type").annotate(kg=Sum("emissions_kg")).order_by()}
    by_facility = {r["facility__name"]: (r["kg"] or ZERO) / 1000 for r in ActivityRecord.objects.filter(
        period=period).values("facility__name").annotate(kg=Sum("emissions_kg")).order_by("facility__name")}
    return PeriodFigures(totals=totals, energy=period_energy(period), scope2_sites=tuple(sites),
                         by_scope1_type_t=by_type, by_facility_t=by_facility)


def target_value_for(target: Target, figures: PeriodFigures) -> Decimal | None:
    """The target's metric in the period: covered scopes (Scope 2 by the target's method), in t
    CO2e, or per million of revenue for an intensity target."""
    totals = figures.totals
    value = ZERO
    if target.covers_scope1:
        value += totals.scope1_t
    if target.covers_scope2:
        value += totals.scope2_market_t if target.scope2_method == Target.Scope2Method.MARKET \
            else totals.scope2_location_t
    if target.covers_scope3:
        value += totals.scope3_t
    if target.kind == Target.Kind.INTENSITY:
        if not totals.net_revenue:
            return None
        return value / totals.net_revenue * 1_000_000
    return value


def targets_with_progress(period: ReportingPeriod, figures: PeriodFigures) -> list[tuple[Target, TargetProgress]]:
    result = []
    for target in Target.objects.all():
        spec = TargetSpec(target.kind, target.base_year, target.base_value, target.target_year, target.target_value)
        result.append((target, target_progress(spec, period.year, target_value_for(target, figures))))
    return result


def trend(limit: int = 6) -> list[tuple[ReportingPeriod, PeriodFigures]]:
    """Totals of the latest periods, oldest first (dashboard trend)."""
    recent = list(ReportingPeriod.objects.order_by("-year")[:limit])
    return [(period, period_figures(period)) for period in reversed(recent)]
