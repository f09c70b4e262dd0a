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
    return _lines_by_period([period.pk])[period.pk]


def _lines_by_period(period_ids) -> dict[int, list[InventoryLine]]:
    """Emissions summed by scope, category and ETS flag, per period (one query for all)."""
    lines = {pk: [] for pk in period_ids}
    rows = (ActivityRecord.objects.filter(period__in=period_ids)
            .values("period", "scope", "scope3_category", "ets_regulated").annotate(kg=Sum("emissions_kg")).order_by())
    for r in rows:
        lines[r["period"]].append(InventoryLine(r["scope"], r["kg"] or ZERO, r["scope3_category"], r["ets_regulated"]))
    return lines


def residual_mixes() -> list:
    """The tenant's residual-mix custom factors (activity containing "residual mix"; none is
    shipped — AIB data is licensed), read once for every site and period that needs one."""
    from factors.custom.models import CustomFactor  # noqa: PLC0415

    return list(CustomFactor.objects.filter(activity__icontains="residual mix"))


def residual_mix_rate(country: str, year: int, mixes: list | None = None) -> Decimal | None:
    """kg CO2e/kWh of the residual mix of ``country`` for ``year``, from ``mixes`` (default: the
    tenant's, :func:`residual_mixes`)."""
    usable = []
    for factor in residual_mixes() if mixes is None else mixes:
        if factor.region != country:
            continue
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
    return _scope2_by_period([period])[period.pk]


def _scope2_by_period(periods) -> dict[int, tuple[list[Scope2Result], Decimal]]:
    """:func:`scope2_sites` of several periods in a fixed number of queries: the Scope 2 lines,
    the instruments, the facilities with only instruments and the residual mixes are each read
    once for all of them. A locked period with a frozen result is not read at all."""
    out = {period.pk: _thaw(period.scope2_frozen) for period in periods
           if period.is_locked and period.scope2_frozen is not None}
    live = [period for period in periods if period.pk not in out]
    if not live:
        return out
    electricity = {period.pk: defaultdict(lambda: {"kwh": ZERO, "kg": ZERO, "share": None}) for period in live}
    other_kg = {period.pk: ZERO for period in live}
    for record in (ActivityRecord.objects.filter(period__in=[p.pk for p in live], scope="2")
                   .select_related("facility")
                   .only("period", "quantity", "unit", "emissions_kg", "energy_type", "share_pct", "facility__name",
                         "facility__id", "facility__country")):
        if record.energy_type == ActivityRecord.EnergyType.ELECTRICITY:
            site = electricity[record.period_id][record.facility]
            # Records hold emissions at the share included when they were calculated; the hierarchy
            # runs on the whole site, then the result is scaled back by that share.
            try:
                site["kwh"] += record.quantity * conversion_factor(record.unit, "kWh")
            except UnitError as exc:
                raise UnitError(f"Activity {record.pk} ({record}) cannot count as Scope 2 electricity: {exc}") from exc
            site["kg"] += record.emissions_kg * 100 / record.share_pct if record.share_pct else ZERO
            site["share"] = record.share_pct
        else:
            other_kg[record.period_id] += record.emissions_kg
    instruments = {period.pk: defaultdict(list) for period in live}
    for instrument in ContractualInstrument.objects.filter(period__in=[p.pk for p in live]).order_by("id"):
        instruments[instrument.period_id][instrument.facility_id].append(Instrument(
            kind=instrument.kind, kwh=None if instrument.quantity_mwh is None else instrument.quantity_mwh * 1000,
            rate_kg_per_kwh=instrument.emission_rate, label=instrument.get_kind_display()))
    # Instruments of a site without purchased electricity this period are shown as unused.
    unused = {pk: set(instruments[pk]) - {f.pk for f in electricity[pk]} for pk in electricity}
    wanted = set().union(*unused.values())
    facilities = {facility.pk: facility for facility in Facility.objects.filter(pk__in=wanted)} if wanted else {}
    mixes = residual_mixes() if any(electricity[pk] or unused[pk] for pk in electricity) else []
    for period in live:
        sites = electricity[period.pk]
        for pk in unused[period.pk]:
            if pk in facilities:
                sites[facilities[pk]]["share"] = Decimal(100)
        results = []
        for facility, site in sorted(sites.items(), key=lambda item: item[0].name):
            grid = site["kg"] / site["kwh"] if site["kwh"] else ZERO  # consumption-weighted location factor
            results.append(scope2_market_based(Scope2Site(
                name=facility.name, consumption_kwh=site["kwh"], grid_kg_per_kwh=grid,
                instruments=tuple(instruments[period.pk].get(facility.id, ())),
                residual_mix_kg_per_kwh=residual_mix_rate(facility.country, period.year, mixes),
                share=site["share"] if site["share"] is not None else Decimal(100))))
        out[period.pk] = (results, sum((r.market_kg for r in results), ZERO) + other_kg[period.pk])
    return out


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
    return figures_by_period([period])[period.pk]


def figures_by_period(periods) -> dict[int, InventoryFigures]:
    """:func:`period_figures` of every period in ``periods``, by period id, in a fixed number of
    queries however many periods, facilities and lines there are (lists, the trend)."""
    periods = list({period.pk: period for period in periods}.values())
    ids = [period.pk for period in periods]
    if not ids:
        return {}
    scope2 = _scope2_by_period(periods)
    lines = _lines_by_period(ids)
    by_type = {pk: {} for pk in ids}
    for r in ActivityRecord.objects.filter(period__in=ids, scope="1").values("period", "scope1_type") \
            .annotate(kg=Sum("emissions_kg")).order_by():
        by_type[r["period"]][r["scope1_type"]] = (r["kg"] or ZERO) / 1000
    by_facility = {pk: {} for pk in ids}
    for r in ActivityRecord.objects.filter(period__in=ids).values("period", "facility__name") \
            .annotate(kg=Sum("emissions_kg")).order_by("period", "facility__name"):
        by_facility[r["period"]][r["facility__name"]] = (r["kg"] or ZERO) / 1000
    figures = {}
    for period in periods:
        sites, market_kg = scope2[period.pk]
        figures[period.pk] = InventoryFigures(
            totals=ghg_totals(lines[period.pk], market_kg, period.net_revenue), scope2_sites=tuple(sites),
            by_scope1_type_t=by_type[period.pk], by_facility_t=by_facility[period.pk])
    return figures


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


def recent_periods(limit: int = 6) -> list[ReportingPeriod]:
    """The latest ``limit`` periods, oldest first (the dashboard's trend)."""
    return list(reversed(ReportingPeriod.objects.order_by("-year")[:limit]))


def trend(limit: int = 6) -> list[tuple[ReportingPeriod, InventoryFigures]]:
    """Totals of the latest periods, oldest first (dashboard trend), read together."""
    recent = recent_periods(limit)
    figures = figures_by_period(recent)
    return [(period, figures[period.pk]) for period in recent]
