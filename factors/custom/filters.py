"""Filters of the custom factor list and its API (one FilterSet for both)."""
from __future__ import annotations

import django_filters
from django.db.models import Q

from factors.models import Scope
from factors.selectors import normalise_region

from .models import CustomFactor, CustomFactorKind


class CustomFactorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search")
    kind = django_filters.ChoiceFilter(choices=CustomFactorKind.choices, empty_label="Custom and supplier")
    scope = django_filters.ChoiceFilter(choices=[c for c in Scope.choices if c[0]], empty_label="Any scope")
    region = django_filters.CharFilter(method="filter_region")
    unit = django_filters.CharFilter(field_name="unit", lookup_expr="iexact")

    class Meta:
        model = CustomFactor
        fields = ["q", "kind", "scope", "region", "unit"]

    def filter_q(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(activity__icontains=word) | Q(supplier__icontains=word)
                                       | Q(level1__icontains=word) | Q(level2__icontains=word)
                                       | Q(classification_code__icontains=word) | Q(source_name__icontains=word))
        return queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(region=normalise_region(value)) if value.strip() else queryset
