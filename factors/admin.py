"""Platform operators see the library read-only: it changes only through `manage.py load_factors`."""
from django.contrib import admin

from factortrace.core.admin import platform_admin

from .models import CbamBenchmark, EmissionFactor, EnergyConversionFactor, FactorSource, GlobalWarmingPotential


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FactorSource, site=platform_admin)
class FactorSourceAdmin(ReadOnlyAdmin):
    list_display = ["code", "short_name", "edition", "licence", "row_count", "loaded_at", "superseded_by"]
    list_filter = ["dataset"]
    search_fields = ["code", "name", "publisher", "edition"]


@admin.register(EmissionFactor, site=platform_admin)
class EmissionFactorAdmin(ReadOnlyAdmin):
    list_display = ["activity", "source", "region", "year", "unit", "kgco2e_per_unit", "scope"]
    list_filter = ["source", "scope", "grid_electricity", "outside_of_scopes"]
    search_fields = ["activity", "external_id", "classification_code", "level1", "level2", "level3"]
    list_select_related = ["source"]
    exclude = ["search"]


@admin.register(EnergyConversionFactor, site=platform_admin)
class EnergyConversionFactorAdmin(ReadOnlyAdmin):
    list_display = ["activity", "source", "unit", "energy_per_unit", "energy_unit"]
    list_filter = ["source"]
    search_fields = ["activity", "external_id"]


@admin.register(GlobalWarmingPotential, site=platform_admin)
class GlobalWarmingPotentialAdmin(ReadOnlyAdmin):
    list_display = ["species", "report", "metric", "value", "source"]
    list_filter = ["source", "report", "metric"]
    search_fields = ["species", "name", "formula"]


@admin.register(CbamBenchmark, site=platform_admin)
class CbamBenchmarkAdmin(ReadOnlyAdmin):
    list_display = ["cn_code", "description", "column", "production_route", "year_group", "benchmark_tco2e_per_t"]
    list_filter = ["sector", "column"]
    search_fields = ["cn_code", "cn8", "description"]
