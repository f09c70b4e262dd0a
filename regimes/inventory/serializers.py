"""Serializers of the inventory API: field shapes only. Writes go through ``services.py`` (the
viewsets call them); nothing here validates beyond the shape of the input.

Decimals are JSON strings (``COERCE_DECIMAL_TO_STRING``) written without padding: a quantity
sent as ``"1254000.5"`` comes back as ``"1254000.5"``, not ``"1254000.500000"``. More decimal
places than a column keeps is refused (400), never rounded.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from factors.custom.models import CustomFactor
from factors.models import EmissionFactor
from factortrace.api.fields import AUDIT_FIELDS, ExactDecimal, RecordSerializer

from .calculations import KG_PER_T
from .models import ActivityRecord, ContractualInstrument, Facility, ReportingPeriod, Target

ID_INPUT = {"base_template": "input.html", "input_type": "number"}


# ---------------------------------------------------------------- periods, facilities
def unique_among_live(model, what: str) -> dict:
    """The model's conditional unique constraint on ``name`` (deleted rows excluded) as a field
    error; Django reports a conditional constraint only as a non-field message."""
    return {"validators": [UniqueValidator(queryset=model.objects.all(),
                                           message=f"There is already a {what} with this name.")]}


class PeriodSerializer(RecordSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "name", "year", "start", "end", "status", "net_revenue", "currency",
                  "high_climate_impact_revenue", "standard", "methodology", *AUDIT_FIELDS]
        read_only_fields = ["status"]
        extra_kwargs = {"name": unique_among_live(ReportingPeriod, "period")}


class FacilitySerializer(RecordSerializer):
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


class ActivitySerializer(RecordSerializer):
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


# ---------------------------------------------------------------- instruments, targets
class InstrumentSerializer(RecordSerializer):
    class Meta:
        model = ContractualInstrument
        fields = ["id", "period", "facility", "kind", "description", "supplier", "quantity_mwh", "emission_rate",
                  "certificate_ids", "renewable", *AUDIT_FIELDS]


class TargetSerializer(RecordSerializer):
    class Meta:
        model = Target
        fields = ["id", "name", "kind", "covers_scope1", "covers_scope2", "scope2_method", "covers_scope3",
                  "base_year", "base_value", "target_year", "target_value", "science_based", "description",
                  *AUDIT_FIELDS]


