"""Serializers of the CSRD API: energy lines, and the ESRS E1 totals of a period (E1-6 from the
shared inventory, E1-5 energy mix, E1-4 target progress). Decimals are JSON strings."""
from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from factortrace.api.fields import AUDIT_FIELDS, ExactDecimal, FixedDecimal, RecordSerializer
from factortrace.core.ghg import SCOPE3_CATEGORIES
from regimes.inventory.calculations import KG_PER_T, KWH_PER_MWH, TargetProgress, quantize
from regimes.inventory.models import ActivityRecord, ReportingPeriod, Target
from regimes.inventory.serializers import TargetSerializer

from .calculations import PeriodFigures
from .models import EnergyConsumption


class EnergySerializer(RecordSerializer):
    class Meta:
        model = EnergyConsumption
        fields = ["id", "period", "facility", "category", "description", "mwh", *AUDIT_FIELDS]


# ---------------------------------------------------------------- totals (E1-6, E1-5, E1-4)
T_CO2E_DECIMALS = 3      # kg resolution, as the ESRS E1 report publishes t CO2e
MWH_DECIMALS = 3         # kWh resolution
INTENSITY_DECIMALS = 3   # t CO2e (or MWh) per million of revenue
PERCENT_DECIMALS = 2
ROUNDING_NOTE = (
    "Each figure's `value` is its own `unrounded` value rounded half up: t CO2e, MWh and intensities to "
    f"{T_CO2E_DECIMALS} decimals, percentages to {PERCENT_DECIMALS}. Rounded parts may therefore differ from a "
    "rounded total in the last decimal; `unrounded` is the exact figure of the calculation (use it for arithmetic).")


class FigureSerializer(serializers.Serializer):
    value = FixedDecimal(help_text="Rounded half up to the precision stated in `rounding`")
    unrounded = ExactDecimal(help_text="Full precision")
    unit = serializers.CharField()


def figure(value: Decimal | None, unit: str, places: int) -> dict | None:
    """``{value, unrounded, unit}``; None stays None (a ratio without a denominator)."""
    if value is None:
        return None
    return {"value": quantize(value, places), "unrounded": value, "unit": unit}


def t_co2e(value: Decimal | None) -> dict | None:
    return figure(value, "t CO2e", T_CO2E_DECIMALS)


def mwh(value: Decimal | None) -> dict | None:
    return figure(value, "MWh", MWH_DECIMALS)


def percent(value: Decimal | None) -> dict | None:
    return figure(value, "%", PERCENT_DECIMALS)


class RoundingSerializer(serializers.Serializer):
    method = serializers.CharField()
    t_co2e_decimals = serializers.IntegerField()
    mwh_decimals = serializers.IntegerField()
    intensity_decimals = serializers.IntegerField()
    percent_decimals = serializers.IntegerField()
    note = serializers.CharField()


class TotalsPeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    status = serializers.CharField()
    currency = serializers.CharField()
    net_revenue = ExactDecimal(allow_null=True)
    high_climate_impact_revenue = ExactDecimal(allow_null=True)


class Scope3CategorySerializer(serializers.Serializer):
    category = serializers.IntegerField(help_text="GHG Protocol Scope 3 category, 1–15")
    name = serializers.CharField()
    emissions = FigureSerializer()


class NamedFigureSerializer(serializers.Serializer):
    name = serializers.CharField()
    emissions = FigureSerializer()


class Scope2SliceSerializer(serializers.Serializer):
    basis = serializers.CharField(help_text="instrument, supplier, residual mix or grid average")
    label = serializers.CharField()
    mwh = FigureSerializer()
    kg_per_kwh = ExactDecimal()
    emissions = FigureSerializer()


class Scope2SiteSerializer(serializers.Serializer):
    facility = serializers.CharField()
    location_based = FigureSerializer()
    market_based = FigureSerializer()
    slices = Scope2SliceSerializer(many=True, help_text="How the market-based figure was made (hierarchy order)")
    unused_instrument_mwh = FigureSerializer()


class E16Serializer(serializers.Serializer):
    scope1 = FigureSerializer(help_text="Gross Scope 1 (§48 a)")
    scope1_ets = FigureSerializer(help_text="Scope 1 from regulated emission trading schemes")
    scope1_ets_share = FigureSerializer(allow_null=True, help_text="% of Scope 1 under an ETS (§48 b); "
                                                                   "null without Scope 1")
    scope2_location = FigureSerializer(help_text="Gross location-based Scope 2 (§49 a)")
    scope2_market = FigureSerializer(help_text="Gross market-based Scope 2 (§49 b)")
    scope3_by_category = Scope3CategorySerializer(many=True, help_text="Categories with emissions, in order")
    scope3 = FigureSerializer(help_text="Gross Scope 3 (§51)")
    total_location = FigureSerializer(help_text="Total GHG, location-based (§52 a)")
    total_market = FigureSerializer(help_text="Total GHG, market-based (§52 b)")
    intensity_location = FigureSerializer(allow_null=True, help_text="t CO2e per million of net revenue, "
                                                                     "location-based (§53); null without revenue")
    intensity_market = FigureSerializer(allow_null=True, help_text="t CO2e per million of net revenue, "
                                                                   "market-based (§53); null without revenue")
    scope1_by_type = NamedFigureSerializer(many=True)
    by_facility = NamedFigureSerializer(many=True, help_text="All scopes, Scope 2 location-based")
    scope2_sites = Scope2SiteSerializer(many=True)


class EnergyCategorySerializer(serializers.Serializer):
    category = serializers.CharField()
    name = serializers.CharField()
    consumption = FigureSerializer()


class E15Serializer(serializers.Serializer):
    by_category = EnergyCategorySerializer(many=True)
    fossil = FigureSerializer()
    nuclear = FigureSerializer()
    renewable = FigureSerializer()
    total = FigureSerializer()
    fossil_share = FigureSerializer(allow_null=True)
    nuclear_share = FigureSerializer(allow_null=True)
    renewable_share = FigureSerializer(allow_null=True)
    intensity_high_climate_impact = FigureSerializer(
        allow_null=True, help_text="MWh per million of net revenue from high climate impact sectors (§40)")


class TargetProgressSerializer(serializers.Serializer):
    target = TargetSerializer()
    current_year = serializers.IntegerField()
    current_value = FigureSerializer(allow_null=True, help_text="The target's metric in this period; null for an "
                                                                "intensity target without revenue")
    reduction_needed = FigureSerializer()
    reduction_achieved = FigureSerializer(allow_null=True)
    progress = FigureSerializer(allow_null=True, help_text="Share of the planned reduction achieved")
    trajectory_value = FigureSerializer(help_text="Straight line from base to target, at this period's year")
    on_track = serializers.BooleanField(allow_null=True)


class PeriodTotalsSerializer(serializers.Serializer):
    period = TotalsPeriodSerializer()
    rounding = RoundingSerializer()
    e1_6 = E16Serializer(help_text="ESRS E1-6 gross Scopes 1, 2, 3, totals and GHG intensity")
    e1_5 = E15Serializer(help_text="ESRS E1-5 energy consumption and mix")
    e1_4 = TargetProgressSerializer(many=True, help_text="ESRS E1-4 targets and progress in this period")


def period_totals_data(period: ReportingPeriod, figures: PeriodFigures,
                       progress: list[tuple[Target, TargetProgress]]) -> dict:
    """The totals endpoint's payload (``PeriodTotalsSerializer``): every figure as a ``figure()``."""
    totals, mix = figures.totals, figures.energy
    per_million = f"t CO2e per {period.currency} million"
    categories = dict(SCOPE3_CATEGORIES)
    energy_names = dict(EnergyConsumption.Category.choices)
    scope1_types = dict(ActivityRecord.Scope1Type.choices)
    e1_6 = {
        "scope1": t_co2e(totals.scope1_t), "scope1_ets": t_co2e(totals.scope1_ets_t),
        "scope1_ets_share": percent(totals.scope1_ets_pct),
        "scope2_location": t_co2e(totals.scope2_location_t), "scope2_market": t_co2e(totals.scope2_market_t),
        "scope3_by_category": [{"category": number, "name": categories[number], "emissions": t_co2e(value)}
                               for number, value in sorted(totals.scope3_by_category_t.items())],
        "scope3": t_co2e(totals.scope3_t), "total_location": t_co2e(totals.total_location_t),
        "total_market": t_co2e(totals.total_market_t),
        "intensity_location": figure(totals.intensity_location_per_million, per_million, INTENSITY_DECIMALS),
        "intensity_market": figure(totals.intensity_market_per_million, per_million, INTENSITY_DECIMALS),
        "scope1_by_type": [{"name": scope1_types.get(key, key), "emissions": t_co2e(value)}
                           for key, value in sorted(figures.by_scope1_type_t.items())],
        "by_facility": [{"name": name, "emissions": t_co2e(value)} for name, value in figures.by_facility_t.items()],
        "scope2_sites": [{
            "facility": site.site, "location_based": t_co2e(site.location_kg / KG_PER_T),
            "market_based": t_co2e(site.market_kg / KG_PER_T),
            "slices": [{"basis": part.basis, "label": part.label, "mwh": mwh(part.kwh / KWH_PER_MWH),
                        "kg_per_kwh": part.kg_per_kwh, "emissions": t_co2e(part.kg / KG_PER_T)}
                       for part in site.slices],
            "unused_instrument_mwh": mwh(site.unused_instrument_kwh / KWH_PER_MWH),
        } for site in figures.scope2_sites],
    }
    e1_5 = {
        "by_category": [{"category": key, "name": energy_names.get(key, key), "consumption": mwh(value)}
                        for key, value in sorted(mix.by_category_mwh.items())],
        "fossil": mwh(mix.fossil_mwh), "nuclear": mwh(mix.nuclear_mwh), "renewable": mwh(mix.renewable_mwh),
        "total": mwh(mix.total_mwh), "fossil_share": percent(mix.fossil_pct),
        "nuclear_share": percent(mix.nuclear_pct), "renewable_share": percent(mix.renewable_pct),
        "intensity_high_climate_impact": figure(mix.intensity_mwh_per_million, f"MWh per {period.currency} million",
                                                INTENSITY_DECIMALS),
    }
    return {
        "period": period,
        "rounding": {"method": "half up", "t_co2e_decimals": T_CO2E_DECIMALS, "mwh_decimals": MWH_DECIMALS,
                     "intensity_decimals": INTENSITY_DECIMALS, "percent_decimals": PERCENT_DECIMALS,
                     "note": ROUNDING_NOTE},
        "e1_6": e1_6, "e1_5": e1_5,
        "e1_4": [_target_progress(target, result, per_million) for target, result in progress],
    }


def _target_progress(target: Target, result: TargetProgress, per_million: str) -> dict:
    """An intensity target's values are per million of revenue; an absolute target's in t CO2e."""
    if target.kind == Target.Kind.INTENSITY:
        metric = lambda number: figure(number, per_million, INTENSITY_DECIMALS)  # noqa: E731
    else:
        metric = t_co2e
    return {"target": target, "current_year": result.current_year, "current_value": metric(result.current_value),
            "reduction_needed": percent(result.reduction_needed_pct),
            "reduction_achieved": percent(result.reduction_achieved_pct), "progress": percent(result.progress_pct),
            "trajectory_value": metric(result.trajectory_value), "on_track": result.on_track}
