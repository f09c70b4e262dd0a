"""Reads of the shared GHG inventory: the figures of a period, assembled from the database for the
pure calculations. Regimes read inventory data only through this module (and the models' managers
for lists); they never write it except through ``services.py``."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import models
from django.db.models import Sum

from factortrace.core.units import UnitError, conversion_factor

from .calculations import (
    ZERO,
    GhgTotals,
    Instrument,
    InventoryFigures,
    InventoryLine,
    Scope2Result,
    Scope2Site,
    Scope2Slice,
    TargetProgress,
    TargetSpec,
    ghg_totals,
    scope2_market_based,
    target_progress,
)
from .models import ActivityRecord, ContractualInstrument, Facility, ReportingPeriod, Target


def periods():
    return ReportingPeriod.objects.all()


def selected_period(request) -> ReportingPeriod | None:
    """The period chosen with ``?period=<id>`` (the kit's period picker), else the latest."""
    wanted = request.GET.get("period")
    if wanted and wanted.isdigit():
        return periods().filter(pk=int(wanted)).first() or periods().first()
    return periods().first()


def open_periods(instance=None):
    """Draft periods, plus the record's own period (so a locked record still shows it; the
    service refuses the change with a clear message)."""
    queryset = ReportingPeriod.objects.filter(status=ReportingPeriod.Status.DRAFT)
    if getattr(instance, "period_id", None):
        queryset = ReportingPeriod.objects.filter(models.Q(status=ReportingPeriod.Status.DRAFT)
                                                  | models.Q(pk=instance.period_id))
    return queryset


def inventory_lines(period: ReportingPeriod) -> list[InventoryLine]:
    rows = (ActivityRecord.objects.filter(period=period)
            .values("scope", "scope3_category", "ets_regulated").annotate(kg=Sum("emissions_kg")).order_by())
    return [InventoryLine(r["scope"], r["kg"] or ZERO, r["scope3_category"], r["ets_regulated"]) for r in rows]


def residual_mix_rate(country: str, year: int) -> Decimal | None:
    """kg CO2e/kWh of a residual-mix factor the tenant entered as a custom factor (activity
    containing "residual mix", same country); none is shipped (AIB data is licensed)."""
    from factors.custom.models import CustomFactor  # noqa: PLC0415

    usable = []
    for factor in CustomFactor.objects.filter(activity__icontains="residual mix", region=country):
        if (factor.valid_from and factor.valid_from.year > year) or (factor.valid_to and factor.valid_to.year < year):
            continue
        try:
            # kg per factor unit × factor units per kWh (e.g. 600 kg/MWh × 0.001 MWh/kWh = 0.6 kg/kWh)
            rate = factor.kgco2e_per_unit * conversion_factor("kWh", factor.unit)
        except UnitError:
            continue
        # Nearest year first; among equals the newer, then the most recently entered.
        usable.append((abs((factor.year or year) - year), -(factor.year or 0), -factor.pk, rate))
    return min(usable)[-1] if usable else None


def scope2_sites(period: ReportingPeriod) -> tuple[list[Scope2Result], Decimal]:
    """Market-based Scope 2 per facility; returns (site results, market-based kg of all Scope 2).

    Electricity goes through the instrument hierarchy; purchased heat, steam and cooling have
    no instruments here and count the same in both methods.
    """
    if period.is_locked and period.scope2_frozen is not None:
        return _thaw(period.scope2_frozen)
    electricity = defaultdict(lambda: {"kwh": ZERO, "kg": ZERO, "share": None})
    other_kg = ZERO
    for record in (ActivityRecord.objects.filter(period=period, scope="2").select_related("facility")
                   .only("quantity", "unit", "emissions_kg", "energy_type", "share_pct", "facility__name",
                         "facility__id", "facility__country")):
        if record.energy_type == ActivityRecord.EnergyType.ELECTRICITY:
            site = electricity[record.facility]
            # Records hold emissions at the share included when they were calculated; the hierarchy
            # runs on the whole site, then the result is scaled back by that share.
            try:
                site["kwh"] += record.quantity * conversion_factor(record.unit, "kWh")
            except UnitError as exc:
                raise UnitError(f"Activity {record.pk} ({record}) cannot count as Scope 2 electricity: {exc}") from exc
            site["kg"] += record.emissions_kg * 100 / record.share_pct if record.share_pct else ZERO
            site["share"] = record.share_pct
        else:
            other_kg += record.emissions_kg
    instruments = defaultdict(list)
    for instrument in ContractualInstrument.objects.filter(period=period).order_by("id"):
        instruments[instrument.facility_id].append(Instrument(
            kind=instrument.kind, kwh=None if instrument.quantity_mwh is None else instrument.quantity_mwh * 1000,
            rate_kg_per_kwh=instrument.emission_rate, label=instrument.get_kind_display()))
    # Instruments of a site without purchased electricity this period are shown as unused.
    for facility in Facility.objects.filter(pk__in=set(instruments) - {f.pk for f in electricity}):
        electricity[facility]["share"] = Decimal(100)
    results = []
    for facility, site in sorted(electricity.items(), key=lambda item: item[0].name):
        grid = site["kg"] / site["kwh"] if site["kwh"] else ZERO  # consumption-weighted location factor
        results.append(scope2_market_based(Scope2Site(
            name=facility.name, consumption_kwh=site["kwh"], grid_kg_per_kwh=grid,
            instruments=tuple(instruments.get(facility.id, ())),
            residual_mix_kg_per_kwh=residual_mix_rate(facility.country, period.year),
            share=site["share"] if site["share"] is not None else Decimal(100))))
    market_kg = sum((r.market_kg for r in results), ZERO) + other_kg
    return results, market_kg


def scope2_frozen_snapshot(period: ReportingPeriod) -> dict:
    """JSON of the period's market-based Scope 2 (stored when the period is locked)."""
    results, market_kg = scope2_sites(period)
    text = lambda value: format(value, "f")  # noqa: E731
    return {"market_kg": text(market_kg), "sites": [
        {"site": r.site, "location_kg": text(r.location_kg), "market_kg": text(r.market_kg), "share": text(r.share),
         "unused_kwh": text(r.unused_instrument_kwh),
         "slices": [{"basis": s.basis, "label": s.label, "kwh": text(s.kwh), "kg_per_kwh": text(s.kg_per_kwh)}
                    for s in r.slices]} for r in results]}


def _thaw(frozen: dict) -> tuple[list[Scope2Result], Decimal]:
    results = [Scope2Result(site=site["site"], location_kg=Decimal(site["location_kg"]),
                            market_kg=Decimal(site["market_kg"]),
                            slices=tuple(Scope2Slice(s["basis"], s["label"], Decimal(s["kwh"]),
                                                     Decimal(s["kg_per_kwh"])) for s in site["slices"]),
                            unused_instrument_kwh=Decimal(site["unused_kwh"]), share=Decimal(site["share"]))
               for site in frozen["sites"]]
    return results, Decimal(frozen["market_kg"])


def period_figures(period: ReportingPeriod) -> InventoryFigures:
    """The period's totals by scope (both Scope 2 methods), Scope 2 per site, Scope 1 by type and
    emissions by facility."""
    sites, market_kg = scope2_sites(period)
    totals = ghg_totals(inventory_lines(period), market_kg, period.net_revenue)
    by_type = {r["scope1_type"]: (r["kg"] or ZERO) / 1000 for r in ActivityRecord.objects.filter(
        period=period, scope="1").values("scope1_type").annotate(kg=Sum("emissions_kg")).order_by()}
    by_facility = {r["facility__name"]: (r["kg"] or ZERO) / 1000 for r in ActivityRecord.objects.filter(
        period=period).values("facility__name").annotate(kg=Sum("emissions_kg")).order_by("facility__name")}
    return InventoryFigures(totals=totals, scope2_sites=tuple(sites), by_scope1_type_t=by_type,
                            by_facility_t=by_facility)


def target_value_for(target: Target, totals: GhgTotals) -> Decimal | None:
    """The target's metric in the period: covered scopes (Scope 2 by the target's method), in t
    CO2e, or per million of revenue for an intensity target."""
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


def targets_with_progress(period: ReportingPeriod, totals: GhgTotals) -> list[tuple[Target, TargetProgress]]:
    """Every target with its progress in ``period`` (from that period's ``totals``)."""
    result = []
    for target in Target.objects.all():
        spec = TargetSpec(target.kind, target.base_year, target.base_value, target.target_year, target.target_value)
        result.append((target, target_progress(spec, period.year, target_value_for(target, totals))))
    return result


def trend(limit: int = 6) -> list[tuple[ReportingPeriod, InventoryFigures]]:
    """Totals of the latest periods, oldest first (dashboard trend)."""
    recent = list(ReportingPeriod.objects.order_by("-year")[:limit])
    return [(period, period_figures(period)) for period in reversed(recent)]
