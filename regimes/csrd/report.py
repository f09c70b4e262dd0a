"""CSRD report kinds: the ESRS E1 report (Inline XBRL and PDF) and inventory exports (CSV, JSON).

``build_*`` read the database (in the worker, inside the tenant's schema) and return plain data;
the renderers lay it out. The XHTML is validated with Arelle against the ESRS taxonomy when the
taxonomy packages are available (``ESRS_TAXONOMY_DIR``); the result is stored on the run.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms

from factortrace.core import charts
from factortrace.core.csvsafe import csv_bytes
from regimes.inventory.calculations import ZERO, TargetProgress, quantize
from regimes.inventory.models import ActivityRecord, ReportingPeriod, Target
from regimes.inventory.selectors import targets_with_progress
from reports.registry import BuildContext, OutputFormat, RenderContext, ReportKind, register
from reports.renderers import json_bytes, pdf_bytes
from reports.xbrl.validate import esrs_packages, ixbrl_validator

from .calculations import PeriodFigures
from .disclosure import SCOPE3_CATEGORY_NAMES, DisclosureError, E1Disclosure, E1Energy, E1Target, Scope, TargetKind
from .ixbrl import render_e1_ixbrl
from .models import STANDARD
from .selectors import period_figures


class PeriodChoiceForm(forms.Form):
    period = forms.ModelChoiceField(queryset=ReportingPeriod.objects.none(), empty_label=None, label="Period")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = ReportingPeriod.objects.all()

    def cleaned_params(self) -> dict:
        return {"period": self.cleaned_data["period"].pk}


def _period(params: dict) -> ReportingPeriod:
    try:
        return ReportingPeriod.objects.get(pk=params["period"])
    except (KeyError, ReportingPeriod.DoesNotExist):
        from reports.services import ReportError  # noqa: PLC0415

        raise ReportError("The reporting period no longer exists.") from None


def _title(params: dict) -> str:
    period = ReportingPeriod.objects.filter(pk=params.get("period")).first()
    return f"ESRS E1 report {period.name}" if period else "ESRS E1 report"


# ---------------------------------------------------------------- E1 disclosure
T0 = 3  # decimals published for t CO2e
MWH0 = 3


def _q(value: Decimal | None, places: int) -> Decimal | None:
    return quantize(value, places)


def _energy(figures: PeriodFigures, currency_revenue) -> E1Energy:
    mix = figures.energy
    cat = lambda name: _q(mix.by_category_mwh.get(name, ZERO), MWH0)  # noqa: E731
    fuels, purchased, selfgen = cat("renewable_fuels"), cat("renewable_purchased"), cat("renewable_self_generated")
    fossil_split = {name: cat(name) for name in ("fossil_coal", "fossil_crude_oil", "fossil_natural_gas",
                                                 "fossil_other", "fossil_purchased")}
    fossil = sum(fossil_split.values(), ZERO)
    nuclear = cat("nuclear")
    renewable = fuels + purchased + selfgen
    total = fossil + nuclear + renewable

    def pct(part):
        return _q(part / total * 100, 2) if total else Decimal("0.00")

    intensity = None
    if mix.intensity_mwh_per_million is not None and currency_revenue:
        intensity = mix.intensity_mwh_per_million / 1_000_000  # per currency unit, as the taxonomy wants
    return E1Energy(fossil=fossil, nuclear=nuclear, renewable_fuels=fuels, renewable_purchased=purchased,
                    renewable_self_generated=selfgen, renewable=renewable, total=total, fossil_pct=pct(fossil),
                    nuclear_pct=pct(nuclear), renewable_pct=pct(renewable),
                    intensity_high_climate_impact=intensity, net_revenue_high_climate_impact=currency_revenue,
                    **fossil_split)


def _target(target: Target, currency: str) -> E1Target:
    scopes = set()
    if target.covers_scope1:
        scopes.add(Scope.SCOPE_1)
    if target.covers_scope2:
        scopes.add(Scope.SCOPE_2_MARKET if target.scope2_method == Target.Scope2Method.MARKET
                   else Scope.SCOPE_2_LOCATION)
    if target.covers_scope3:
        scopes.add(Scope.SCOPE_3)
    intensity = target.kind == Target.Kind.INTENSITY
    # Intensity targets are kept per million of revenue; the taxonomy wants per currency unit.
    scale = Decimal(1_000_000) if intensity else Decimal(1)
    base, goal = target.base_value / scale, target.target_value / scale
    return E1Target(name=target.name, kind=TargetKind.INTENSITY if intensity else TargetKind.ABSOLUTE,
                    scopes=frozenset(scopes), base_year=target.base_year, base_value=base,
                    target_year=target.target_year, target_value=goal,
                    reduction_pct=(base - goal) / base * 100, science_based=target.science_based,
                    identifier=f"T{target.pk}", intensity_denominator=currency if intensity else None)


def disclosure_for(period: ReportingPeriod, tenant, figures: PeriodFigures) -> E1Disclosure:
    totals = figures.totals
    s1, s2l, s2m = _q(totals.scope1_t, T0), _q(totals.scope2_location_t, T0), _q(totals.scope2_market_t, T0)
    by_cat = {k: _q(v, T0) for k, v in totals.scope3_by_category_t.items()}
    # Each figure is its own exact value rounded once, like the dashboard and the API show it;
    # a total may then differ from the sum of its rounded parts in the last digit, which XBRL
    # Calculations 1.1 (round-to-nearest intervals, Arelle --calc c11r) accepts.
    s3 = _q(totals.scope3_t, T0)
    total_l, total_m = _q(totals.total_location_t, T0), _q(totals.total_market_t, T0)
    revenue = period.net_revenue or ZERO
    return E1Disclosure(
        entity_name=tenant.display_legal_name, lei=tenant.lei or None,
        local_identifier=None if tenant.lei else tenant.slug, country=tenant.country, currency=period.currency,
        period_start=period.start, period_end=period.end, reporting_standard=period.standard or STANDARD,
        gross_scope1=s1, scope1_ets_pct=_q(totals.scope1_ets_pct, 2) if totals.scope1_t else None,
        scope2_location=s2l, scope2_market=s2m, scope3_by_category=by_cat, scope3_total=s3,
        total_location=total_l, total_market=total_m, net_revenue=revenue,
        intensity_location=(total_l / revenue) if revenue else ZERO,
        intensity_market=(total_m / revenue) if revenue else ZERO,
        energy=_energy(figures, period.high_climate_impact_revenue),
        targets=tuple(_target(t, period.currency) for t in Target.objects.all()),
        methodology=period.methodology or DEFAULT_METHODOLOGY,
    )


DEFAULT_METHODOLOGY = (
    "Emissions are calculated as activity data multiplied by emission factors, following the GHG Protocol "
    "Corporate Standard. Each activity keeps the factor it was calculated with (value, unit, source and "
    "edition); the factors used are listed in the appendix of the PDF report.\n\n"
    "Scope 2 is reported location-based (grid average factors) and market-based (contractual instruments "
    "first, then supplier-specific rates, then residual mix where available, else the grid average), per "
    "the GHG Protocol Scope 2 Guidance.")


@dataclass(frozen=True)
class FactorUse:
    source: str
    edition: str
    licence: str
    attribution: str
    external_id: str
    activity: str
    value: str
    unit: str
    lines: int


def factors_used(period: ReportingPeriod) -> list[FactorUse]:
    """Every factor the period's activities used, from their snapshots (appendix)."""
    seen: dict[tuple, dict] = {}
    for snapshot in ActivityRecord.objects.filter(period=period).values_list("factor_snapshot", flat=True):
        key = (snapshot.get("source_code"), snapshot.get("external_id"), snapshot.get("value"))
        entry = seen.setdefault(key, {**snapshot, "lines": 0})
        entry["lines"] += 1
    from factors.models import FactorSource  # noqa: PLC0415

    labels = dict(FactorSource.objects.values_list("code", "short_name"))
    return sorted((FactorUse(labels.get(e.get("source_code")) or e.get("source", ""), e.get("edition", ""),
                             e.get("licence", ""), e.get("attribution", ""), e.get("external_id", ""),
                             e.get("activity", ""), e.get("value", ""), e.get("unit", ""), e["lines"])
                   for e in seen.values()),
                  key=lambda f: (f.source, f.external_id))


def build_e1(ctx: BuildContext) -> dict:
    period = _period(ctx.params)
    ctx.progress(10, "Totalling the inventory")
    figures = period_figures(period)
    ctx.progress(40, "Checking targets")
    progress: list[tuple[Target, TargetProgress]] = targets_with_progress(period, figures.totals)
    ctx.progress(60, "Preparing the disclosure")
    try:
        disclosure = disclosure_for(period, ctx.tenant, figures)
    except DisclosureError as exc:
        from reports.services import ReportError  # noqa: PLC0415

        raise ReportError(f"{period.name} cannot be published as it is: " + "; ".join(exc.problems)) from None
    ctx.progress(75, "Listing the factors used")
    return {"period": period, "figures": figures, "disclosure": disclosure, "targets": progress,
            "factors": factors_used(period), "activity_count": ActivityRecord.objects.filter(period=period).count()}


def _render_xhtml(data: dict, ctx: RenderContext) -> bytes:
    return render_e1_ixbrl(data["disclosure"])


_validate_xhtml = ixbrl_validator(
    esrs_packages, filename="esrs-e1.xhtml",
    missing="ESRS taxonomy packages not configured (ESRS_TAXONOMY_DIR); not validated.")


def _scope3_rows(disclosure: E1Disclosure) -> list[tuple[int, str, Decimal]]:
    return [(n, SCOPE3_CATEGORY_NAMES[n], v) for n, v in sorted(disclosure.scope3_by_category.items())]


def chart_context(figures: PeriodFigures) -> dict:
    """The SVG charts the dashboard and the PDF share (one picture, two places)."""
    totals, mix = figures.totals, figures.energy
    scopes = [charts.Item("Scope 1", totals.scope1_t), charts.Item("Scope 2 (market-based)", totals.scope2_market_t),
              charts.Item("Scope 3", totals.scope3_t)]
    scope3 = [charts.Item(f"{n} · {SCOPE3_CATEGORY_NAMES[n]}", value)
              for n, value in sorted(totals.scope3_by_category_t.items())]
    energy = [charts.Item("Fossil", mix.fossil_mwh, "#7f8c8d"), charts.Item("Nuclear", mix.nuclear_mwh, "#8e44ad"),
              charts.Item("Renewable", mix.renewable_mwh, "#0f6b4f")]
    return {
        "scope_donut": charts.donut(scopes, title="Total GHG emissions (market-based) by scope, t CO2e"),
        "scope_legend": charts.legend(scopes),
        "scope3_bars": charts.hbar(scope3, title="Scope 3 by category, t CO2e", unit="t", width=600),
        "energy_donut": charts.donut(energy, title="Energy consumption by source, MWh", size=180),
        "energy_legend": charts.legend(energy),
    }


def _render_pdf(data: dict, ctx: RenderContext) -> bytes:
    disclosure = data["disclosure"]
    return pdf_bytes("csrd/esrs_e1_pdf.html", {
        "d": disclosure, "period": data["period"], "figures": data["figures"], "targets": data["targets"],
        "factors": data["factors"], "activity_count": data["activity_count"], "generated_at": ctx.generated_at,
        "report": ctx.report, "tenant": ctx.tenant, "scope3_rows": _scope3_rows(disclosure),
        **chart_context(data["figures"])})


register(ReportKind(
    code="csrd.esrs_e1", title="ESRS E1 report", regime="csrd",
    description="E1-6 emissions (Scope 1, 2 both ways, 3 by category), intensity, E1-5 energy mix and E1-4 "
                "targets — Inline XBRL for filing, PDF for reading.",
    build=build_e1, params_form=PeriodChoiceForm, standard=STANDARD, title_for=_title,
    formats=(
        OutputFormat("pdf", "PDF", "application/pdf", "pdf", _render_pdf),
        OutputFormat("xhtml", "iXBRL (XHTML)", "application/xhtml+xml", "xhtml", _render_xhtml, _validate_xhtml),
    ),
))


# ---------------------------------------------------------------- inventory exports
INVENTORY_COLUMNS = ["period", "facility", "facility_country", "scope", "scope1_type", "energy_type",
                     "scope3_category", "description", "quantity", "unit", "emissions_kg_co2e", "co2_kg", "ch4_kg",
                     "n2o_kg", "factor_source", "factor_edition", "factor_id", "factor_value", "factor_unit",
                     "data_quality", "ets_regulated", "notes"]


def build_inventory(ctx: BuildContext) -> dict:
    period = _period(ctx.params)
    ctx.progress(20, "Reading activities")
    rows = []
    queryset = ActivityRecord.objects.filter(period=period).select_related("facility").order_by("scope", "id")
    total = max(1, queryset.count())
    for n, a in enumerate(queryset.iterator(chunk_size=5000)):
        snap = a.factor_snapshot or {}
        rows.append([period.name, a.facility.name, a.facility.country, a.scope, a.scope1_type, a.energy_type,
                     a.scope3_category, a.description, a.quantity, a.unit, a.emissions_kg, a.co2_kg, a.ch4_kg,
                     a.n2o_kg, snap.get("source", ""), snap.get("edition", ""), snap.get("external_id", ""),
                     snap.get("value", ""), snap.get("unit", ""), a.data_quality, a.ets_regulated, a.notes])
        if n % 5000 == 0:
            ctx.progress(20 + int(60 * n / total), f"Reading activities ({n:,} of {total:,})")
    return {"period": period.name, "rows": rows}


def _inventory_csv(data: dict, ctx: RenderContext) -> bytes:
    return csv_bytes(INVENTORY_COLUMNS, data["rows"])


def _inventory_json(data: dict, ctx: RenderContext) -> bytes:
    return json_bytes({"period": data["period"], "generated_at": ctx.generated_at,
                       "activities": [dict(zip(INVENTORY_COLUMNS, row, strict=True)) for row in data["rows"]]})


register(ReportKind(
    code="csrd.inventory", title="GHG inventory export", regime="csrd",
    description="Every activity of a period with its factor snapshot and emissions, for spreadsheets and audits.",
    build=build_inventory, params_form=PeriodChoiceForm, standard=STANDARD,
    title_for=lambda p: _title(p).replace("ESRS E1 report", "GHG inventory"),
    formats=(
        OutputFormat("csv", "CSV", "text/csv", "csv", _inventory_csv),
        OutputFormat("json", "JSON", "application/json", "json", _inventory_json),
    ),
))
