"""Serializers of the CSRD API: field shapes only. Writes go through ``services.py`` (the
viewsets call them); nothing here validates beyond the shape of the input.

Decimals are JSON strings (``COERCE_DECIMAL_TO_STRING``) written without padding: a quantity
sent as ``"1254000.5"`` comes back as ``"1254000.5"``, not ``"1254000.500000"``. More decimal
places than a column keeps is refused (400), never rounded.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from factors.custom.models import CustomFactor
from factors.models import EmissionFactor

from .calculations import KG_PER_T, KWH_PER_MWH, PeriodFigures, TargetProgress, quantize
from .models import (
    SCOPE3_CATEGORIES,
    ActivityRecord,
    ContractualInstrument,
    EnergyConsumption,
    Facility,
    ReportingPeriod,
    Target,
)

AUDIT_FIELDS = ["created_at", "created_by", "updated_at", "updated_by"]
ID_INPUT = {"base_template": "input.html", "input_type": "number"}


class CsrdModelSerializer(serializers.ModelSerializer):
    """Unpadded decimal strings, and who/when of the record (read-only, e-mail addresses)."""

    created_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    updated_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.DecimalField):
            field_kwargs["normalize_output"] = True
        return field_class, field_kwargs


class ExactDecimal(serializers.DecimalField):
    """A read-only decimal string at full precision (no padding, no exponent)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(max_digits=None, decimal_places=None, normalize_output=True, **kwargs)


class FixedDecimal(serializers.DecimalField):
    """A read-only decimal string printed with the scale it has (``"53.100"`` keeps its zeros:
    they state the precision of a rounded figure)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(max_digits=None, decimal_places=None, **kwargs)


# ---------------------------------------------------------------- periods, facilities
def unique_among_live(model, what: str) -> dict:
    """The model's conditional unique constraint on ``name`` (deleted rows excluded) as a field
    error; Django reports a conditional constraint only as a non-field message."""
    return {"validators": [UniqueValidator(queryset=model.objects.all(),
                                           message=f"There is already a {what} with this name.")]}


class PeriodSerializer(CsrdModelSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "name", "year", "start", "end", "status", "net_revenue", "currency",
                  "high_climate_impact_revenue", "standard", "methodology", *AUDIT_FIELDS]
        read_only_fields = ["status"]
        extra_kwargs = {"name": unique_among_live(ReportingPeriod, "period")}


class FacilitySerializer(CsrdModelSerializer):
    class Meta:
        model = Facility
        fields = ["id", "name", "code", "country", "grid_region", "consolidation", "equity_share", *AUDIT_FIELDS]
        extra_kwargs = {"name": unique_among_live(Facility, "facility")}


# ---------------------------------------------------------------- activities
class FactorSnapshotSerializer(serializers.Serializer):
    """What the record keeps of the factor it was calculated with (``factors.services.factor_snapshot``)."""

    kind = serializers.CharField(allow_null=True, help_text="library, custom or supplier")
    factor_id = serializers.IntegerField(allow_null=True)
    value = serializers.CharField(allow_null=True, help_text="kg CO2e per one `unit`, exact decimal string")
    unit = serializers.CharField(allow_null=True)
    source = serializers.CharField(allow_null=True)
    source_code = serializers.CharField(allow_null=True)
    edition = serializers.CharField(allow_null=True)
    licence = serializers.CharField(allow_null=True)
    attribution = serializers.CharField(allow_null=True)
    external_id = serializers.CharField(allow_null=True)
    activity = serializers.CharField(allow_null=True)
    region = serializers.CharField(allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    scope = serializers.CharField(allow_null=True)
    gwp_basis = serializers.CharField(allow_null=True)
    co2 = serializers.CharField(allow_null=True, help_text="CO2 part, kg CO2e per unit")
    ch4 = serializers.CharField(allow_null=True, help_text="CH4 part, kg CO2e per unit")
    n2o = serializers.CharField(allow_null=True, help_text="N2O part, kg CO2e per unit")
    other = serializers.CharField(allow_null=True, help_text="Other gases, kg CO2e per unit")


class ActivitySerializer(CsrdModelSerializer):
    """An inventory line. Give the factor one way: ``factor`` (library id), ``custom_factor``
    (id) or ``factor_keywords`` (resolved by the library, the reason is kept); give none to
    resolve from the description (Scope 2 electricity: the grid factor of the facility's region).
    On update, sending none of them keeps the factor the line was calculated with."""

    # A number box in the browsable API, not a <select> of the whole library.
    factor = serializers.PrimaryKeyRelatedField(
        queryset=EmissionFactor.objects.all(), required=False, allow_null=True, style=ID_INPUT,
        help_text="Library emission factor id (/api/v1/factors/)")
    custom_factor = serializers.PrimaryKeyRelatedField(
        queryset=CustomFactor.objects.all(), required=False, allow_null=True, style=ID_INPUT,
        help_text="This organisation's custom or supplier factor id (/api/v1/factors/custom/)")
    factor_keywords = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200,
        help_text="Words to resolve the factor with (e.g. 'diesel'); the library's choice and its reason are kept")
    factor_reason = serializers.CharField(
        required=False, allow_blank=True,
        help_text="Why this factor: set by resolution, or yours when you give `factor`/`custom_factor`")
    factor_snapshot = FactorSnapshotSerializer(read_only=True)
    emissions_t = serializers.SerializerMethodField(help_text="t CO2e (Scope 2: location-based)")
    evidence = serializers.CharField(source="evidence.name", read_only=True,
                                     help_text="Name of the attached evidence file, if any (web screens)")

    class Meta:
        model = ActivityRecord
        fields = ["id", "period", "facility", "scope", "scope1_type", "energy_type", "scope3_category", "description",
                  "quantity", "unit", "factor", "custom_factor", "factor_keywords", "factor_reason", "factor_snapshot",
                  "emissions_kg", "emissions_t", "co2_kg", "ch4_kg", "n2o_kg", "other_kg", "ets_regulated",
                  "data_quality", "notes", "evidence", "import_job", "row_number", *AUDIT_FIELDS]
        read_only_fields = ["emissions_kg", "co2_kg", "ch4_kg", "n2o_kg", "other_kg", "import_job", "row_number"]

    @extend_schema_field(ExactDecimal())
    def get_emissions_t(self, activity: ActivityRecord) -> str:
        return format((activity.emissions_kg / KG_PER_T).normalize(), "f")

    def validate(self, attrs):
        given = [name for name in ("factor", "custom_factor") if attrs.get(name) is not None]
        if (attrs.get("factor_keywords") or "").strip():
            given.append("factor_keywords")
        if len(given) > 1:
            raise serializers.ValidationError(
                {name: "Give one of factor, custom_factor or factor_keywords, not several." for name in given})
        return attrs


# ---------------------------------------------------------------- instruments, energy, targets
class InstrumentSerializer(CsrdModelSerializer):
    class Meta:
        model = ContractualInstrument
        fields = ["id", "period", "facility", "kind", "description", "supplier", "quantity_mwh", "emission_rate",
                  "certificate_ids", "renewable", *AUDIT_FIELDS]


class EnergySerializer(CsrdModelSerializer):
    class Meta:
        model = EnergyConsumption
        fields = ["id", "period", "facility", "category", "description", "mwh", *AUDIT_FIELDS]


class TargetSerializer(CsrdModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "name", "kind", "covers_scope1", "covers_scope2", "scope2_method", "covers_scope3",
                  "base_year", "base_value", "target_year", "target_value", "science_based", "description",
                  *AUDIT_FIELDS]


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
