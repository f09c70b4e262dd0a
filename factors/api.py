"""API of the factor library under /api/v1/factors/ (tenant hosts, members only).

Numbers are exact decimal strings, never floats: ``"0.1829"`` is what DESNZ published.
"""
from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from factortrace.api.viewsets import TenantReadOnlyViewSet
from factortrace.core.units import UnitError

from .conversions import CBAM_MARKUP_BY_YEAR, cbam_default_with_markup
from .fields import ExactDecimalField
from .filters import BenchmarkFilter, EmissionFactorFilter, GwpFilter
from .forms import ResolveForm
from .models import CbamBenchmark, EmissionFactor, FactorSource, GlobalWarmingPotential
from .selectors import LIST_DEFERRED, other_editions
from .services import Resolution, factor_snapshot, grid_electricity_factor, resolve_factor


@extend_schema_field(OpenApiTypes.DECIMAL)
class ExactDecimal(serializers.DecimalField):
    """A decimal as an exact string, with the scale it was stored with (no padding, no exponent)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 40)
        kwargs.setdefault("decimal_places", 20)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        return format(value if isinstance(value, Decimal) else Decimal(str(value)), "f")

    def quantize(self, value):
        # Keep what was sent: "1850.5" stays 1850.5 (validate_precision still bounds the digits).
        return value


class ExactModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                ExactDecimalField: ExactDecimal}


# ---------------------------------------------------------------- sources
class FactorSourceSerializer(ExactModelSerializer):
    superseded_by = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = FactorSource
        fields = ["code", "dataset", "name", "short_name", "publisher", "edition", "year", "version", "published_on",
                  "licence", "licence_url", "attribution", "url", "description", "file_name", "file_sha256",
                  "loaded_at", "row_count", "counts", "priority", "superseded_by"]


class FactorSourceViewSet(TenantReadOnlyViewSet):
    """The library's sources, one per edition, with licence, attribution and load checksum."""

    queryset = FactorSource.objects.select_related("superseded_by").order_by("priority", "dataset", "-year")
    serializer_class = FactorSourceSerializer
    lookup_field = "code"
    filterset_fields = ["dataset", "year"]
    ordering_fields = ["code", "year", "priority"]


# ---------------------------------------------------------------- emission factors
class SourceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = FactorSource
        fields = ["code", "short_name", "name", "edition", "licence"]


FACTOR_LIST_FIELDS = ["id", "source", "external_id", "scope", "level1", "level2", "level3", "level4", "qualifier",
                      "activity", "classification", "classification_code", "region", "region_name", "year", "unit",
                      "kgco2e_per_unit", "co2", "ch4", "n2o", "other", "biogenic_co2", "outside_of_scopes",
                      "direct", "indirect", "production_route", "grid_electricity", "gwp_basis", "valid_from",
                      "valid_to"]


class EmissionFactorSerializer(ExactModelSerializer):
    source = SourceBriefSerializer(read_only=True)

    class Meta:
        model = EmissionFactor
        fields = FACTOR_LIST_FIELDS


class EditionSerializer(ExactModelSerializer):
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)
    edition = serializers.CharField(source="source.edition", read_only=True)

    class Meta:
        model = EmissionFactor
        fields = ["id", "source", "edition", "year", "unit", "kgco2e_per_unit"]


class EmissionFactorDetailSerializer(EmissionFactorSerializer):
    source = FactorSourceSerializer(read_only=True)
    other_editions = serializers.SerializerMethodField()
    snapshot = serializers.SerializerMethodField()
    cbam_markup = serializers.SerializerMethodField()

    class Meta(EmissionFactorSerializer.Meta):
        fields = FACTOR_LIST_FIELDS + ["notes", "conversion", "published", "other_editions", "snapshot",
                                       "cbam_markup"]

    @extend_schema_field(EditionSerializer(many=True))
    def get_other_editions(self, factor):
        return EditionSerializer(other_editions(factor), many=True).data

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_snapshot(self, factor):
        return factor_snapshot(factor)

    @extend_schema_field(inline_serializer("CbamMarkup", {str(year): serializers.CharField() for year in
                                                          CBAM_MARKUP_BY_YEAR}))
    def get_cbam_markup(self, factor):
        """Default value including the mark-up, t CO2e per t, per year (CBAM default values only)."""
        if factor.source.dataset not in ("cbam-defaults", "cbam-precursors"):
            return None
        total = factor.kgco2e_per_unit / 1000
        return {str(year): format(cbam_default_with_markup(total, year=year, sector=factor.level2), "f")
                for year in CBAM_MARKUP_BY_YEAR}


class EmissionFactorViewSet(TenantReadOnlyViewSet):
    """Library emission factors. `q` searches the full text (all words must match); the other
    parameters filter. Values are kg CO2e per one `unit` of the activity, as exact decimal strings."""

    queryset = EmissionFactor.objects.select_related("source")
    serializer_class = EmissionFactorSerializer
    filterset_class = EmissionFactorFilter
    ordering_fields = ["kgco2e_per_unit", "year", "region", "activity", "id"]
    lookup_value_regex = r"\d+"

    def base_queryset(self):
        queryset = EmissionFactor.objects.select_related("source")
        if self.action != "retrieve":
            queryset = queryset.defer(*LIST_DEFERRED)
        return queryset.order_by("source__priority", "source__dataset", "-source__year", "id")

    def get_serializer_class(self):
        return EmissionFactorDetailSerializer if self.action == "retrieve" else EmissionFactorSerializer


# ---------------------------------------------------------------- resolution
class CandidateSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    rung = serializers.IntegerField()
    rung_label = serializers.CharField()
    kind = serializers.CharField(help_text="library, custom or supplier")
    factor_id = serializers.IntegerField()
    activity = serializers.CharField()
    region = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    kgco2e_per_unit = ExactDecimal()
    source = serializers.CharField()
    note = serializers.CharField()


class ResolutionSerializer(serializers.Serializer):
    found = serializers.BooleanField()
    reason = serializers.CharField()
    factor = serializers.DictField(allow_null=True, help_text="Snapshot of the chosen factor (factor_snapshot)")
    candidates = CandidateSerializer(many=True)
    candidate_count = serializers.IntegerField()
    query = serializers.DictField()


def resolution_data(resolution: Resolution, limit: int = 50) -> dict:
    candidates = []
    for rank, candidate in enumerate(resolution.candidates[:limit], start=1):
        factor = candidate.factor
        source = getattr(factor, "source", None)
        candidates.append({
            "rank": rank, "rung": candidate.rung, "rung_label": candidate.rung_label, "kind": candidate.kind,
            "factor_id": factor.pk, "activity": factor.activity, "region": factor.region, "year": factor.year,
            "unit": factor.unit, "kgco2e_per_unit": factor.kgco2e_per_unit,
            "source": source.code if source else candidate.kind, "note": candidate.note})
    return {"found": resolution.found, "reason": resolution.reason,
            "factor": factor_snapshot(resolution.factor) if resolution.found else None,
            "candidates": candidates, "candidate_count": len(resolution.candidates), "query": resolution.query}


class ResolveView(APIView):
    """Resolve an activity to a factor and explain the choice (candidates, rung, reason)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("keywords", str, description="Words describing the activity (e.g. diesel)"),
            OpenApiParameter("category", str, description="Category or path, e.g. 'Fuels > Liquid fuels'"),
            OpenApiParameter("unit", str, required=True, description="Activity unit, e.g. litres, kWh, tonne, EUR"),
            OpenApiParameter("region", str, description="ISO 3166 alpha-2, US eGRID subregion or GLOBAL"),
            OpenApiParameter("year", int),
            OpenApiParameter("scope", str, enum=["1", "2", "3"]),
            OpenApiParameter("limit", int, description="Candidates returned (default 50, at most 500)"),
        ],
        responses=ResolutionSerializer)
    def get(self, request):
        form = ResolveForm(request.query_params)
        if not form.is_valid():
            raise ApiValidationError({("non_field_errors" if key == "__all__" else key): [e["message"] for e in errors]
                                      for key, errors in form.errors.get_json_data().items()})
        data = form.cleaned_data
        try:
            resolution = resolve_factor(keywords=data["keywords"], category=data["category"], unit=data["unit"],
                                        region=data["region"], year=data["year"], scope=data["scope"])
        except (UnitError, ValueError) as exc:
            raise ApiValidationError({"non_field_errors": [str(exc)]}) from exc
        limit = _limit(request.query_params.get("limit"))
        return Response(ResolutionSerializer(resolution_data(resolution, limit)).data)


class GridElectricityView(APIView):
    """Location-based Scope 2 grid electricity factor for a country or US eGRID subregion."""

    @extend_schema(
        parameters=[OpenApiParameter("region", str, required=True,
                                     description="ISO 3166 alpha-2 (GB, DE), US eGRID subregion (CAMX) or US"),
                    OpenApiParameter("year", int)],
        responses=ResolutionSerializer)
    def get(self, request):
        region = (request.query_params.get("region") or "").strip()
        year_text = (request.query_params.get("year") or "").strip()
        if not region:
            raise ApiValidationError({"region": ["This parameter is required."]})
        if year_text and not year_text.isdigit():
            raise ApiValidationError({"year": ["A whole number is required."]})
        resolution = grid_electricity_factor(region=region, year=int(year_text) if year_text else None)
        return Response(ResolutionSerializer(resolution_data(resolution, 20)).data)


def _limit(text: str | None) -> int:
    try:
        return max(1, min(int(text), 500)) if text else 50
    except ValueError as exc:
        raise ApiValidationError({"limit": ["A whole number is required."]}) from exc


# ---------------------------------------------------------------- reference tables
class GwpSerializer(ExactModelSerializer):
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = GlobalWarmingPotential
        fields = ["id", "source", "external_id", "species", "name", "formula", "report", "metric", "value", "notes"]


class GwpViewSet(TenantReadOnlyViewSet):
    """Global warming potentials per species, report and metric, as each source lists them."""

    queryset = GlobalWarmingPotential.objects.select_related("source").order_by("species", "report", "metric", "id")
    serializer_class = GwpSerializer
    filterset_class = GwpFilter


class BenchmarkSerializer(ExactModelSerializer):
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CbamBenchmark
        fields = ["id", "source", "external_id", "sector", "cn_code", "cn8", "description", "column",
                  "production_route", "year_group", "benchmark_tco2e_per_t"]


class BenchmarkViewSet(TenantReadOnlyViewSet):
    """CBAM benchmarks, Implementing Regulation (EU) 2025/2620 (t CO2e per t)."""

    queryset = CbamBenchmark.objects.select_related("source").order_by("cn_code", "column", "production_route", "id")
    serializer_class = BenchmarkSerializer
    filterset_class = BenchmarkFilter
