"""Filters of the factor browser and the API (one FilterSet for both, so they always agree)."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, Value
from django.db.models.functions import Replace

from .models import CbamBenchmark, EmissionFactor, FactorSource, GlobalWarmingPotential
from .selectors import factor_search, normalise_region

SCOPE_FILTER_CHOICES = [("1", "Scope 1"), ("2", "Scope 2"), ("3", "Scope 3"),
                        ("none", "Outside of scopes / not stated")]


def _source_choices():
    return FactorSource.objects.filter(row_count__gt=0).order_by("priority", "dataset", "-year")


class EmissionFactorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search",
                                  help_text="Words to find (all must match; the last may be the start of a word)")
    source = django_filters.ModelChoiceFilter(queryset=_source_choices(), to_field_name="code",
                                              label="Source and edition", empty_label="All sources")
    dataset = django_filters.CharFilter(field_name="source__dataset", label="Dataset (all editions)")
    region = django_filters.CharFilter(method="filter_region", label="Region",
                                       help_text="ISO 3166 alpha-2 (GB), eGRID subregion (CAMX) or GLOBAL")
    scope = django_filters.ChoiceFilter(choices=SCOPE_FILTER_CHOICES, method="filter_scope", label="Scope",
                                        empty_label="Any scope")
    unit = django_filters.CharFilter(field_name="unit", lookup_expr="iexact", label="Unit")
    year = django_filters.NumberFilter(field_name="year", label="Year")
    level1 = django_filters.CharFilter(field_name="level1", lookup_expr="iexact", label="Category (level 1)")
    code = django_filters.CharFilter(method="filter_code", label="Code",
                                     help_text="CN, NAICS or NACE code (spaces optional), or a publisher's ID")
    grid = django_filters.BooleanFilter(field_name="grid_electricity", label="Grid electricity only")

    class Meta:
        model = EmissionFactor
        fields = ["q", "source", "dataset", "region", "scope", "unit", "year", "level1", "code", "grid"]

    def filter_q(self, queryset, name, value):
        return factor_search(queryset, value, prefix=True)

    def filter_region(self, queryset, name, value):
        return queryset.filter(region=normalise_region(value)) if value.strip() else queryset

    def filter_scope(self, queryset, name, value):
        return queryset.filter(scope="" if value == "none" else value)

    def filter_code(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        digits = value.replace(" ", "")
        return queryset.annotate(code_digits=Replace("classification_code", Value(" "), Value(""))).filter(
            Q(code_digits__istartswith=digits) | Q(external_id__iexact=value))


class EmissionFactorBrowseFilter(EmissionFactorFilter):
    """The browser's form: short source labels, a unit picker of the units in the library."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        fields["source"].label_from_instance = lambda source: f"{source.label} — {source.edition}"
        units = EmissionFactor.objects.order_by("unit").values_list("unit", flat=True).distinct()
        fields["unit"].widget = forms.Select(choices=[("", "Any unit")] + [(u, u) for u in units])
        fields["q"].widget = forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                    "placeholder": "natural gas, diesel, cement 7207…"})
        fields["region"].widget.attrs.update({"placeholder": "GB, DE, CAMX, GLOBAL", "size": 10})


class GwpFilter(django_filters.FilterSet):
    species = django_filters.CharFilter(field_name="species", lookup_expr="icontains")
    report = django_filters.ChoiceFilter(choices=[(r, r) for r in ("SAR", "TAR", "AR4", "AR5", "AR6")])
    metric = django_filters.CharFilter(field_name="metric", lookup_expr="iexact")
    source = django_filters.CharFilter(field_name="source__code")

    class Meta:
        model = GlobalWarmingPotential
        fields = ["species", "report", "metric", "source"]


class BenchmarkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="CN code or description")
    sector = django_filters.CharFilter(field_name="sector", lookup_expr="iexact")
    column = django_filters.ChoiceFilter(choices=[("A", "A"), ("B", "B")])

    class Meta:
        model = CbamBenchmark
        fields = ["q", "sector", "column"]

    def filter_q(self, queryset, name, value):
        digits = value.replace(" ", "")
        return queryset.filter(Q(cn8__startswith=digits) | Q(description__icontains=value.strip()))
