"""Filters of the activity list (HTML; the API may reuse them)."""
import django_filters
from django import forms
from django.db.models import Q

from .models import SCOPE3_CATEGORIES, ActivityRecord, Facility, ReportingPeriod


class ActivityFilter(django_filters.FilterSet):
    period = django_filters.ModelChoiceFilter(queryset=lambda request: ReportingPeriod.objects.all(),
                                              empty_label="All periods")
    facility = django_filters.ModelChoiceFilter(queryset=lambda request: Facility.objects.all(),
                                                empty_label="All facilities")
    scope = django_filters.ChoiceFilter(choices=ActivityRecord.Scope.choices, empty_label="All scopes")
    scope3_category = django_filters.ChoiceFilter(choices=SCOPE3_CATEGORIES, empty_label="All categories",
                                                  label="Scope 3 category")
    data_quality = django_filters.ChoiceFilter(choices=ActivityRecord.Quality.choices, empty_label="Any quality",
                                               label="Data quality")
    q = django_filters.CharFilter(method="search", label="Search",
                                  widget=forms.TextInput(attrs={"type": "search", "placeholder": "description, notes"}))

    class Meta:
        model = ActivityRecord
        fields = ["period", "facility", "scope", "scope3_category", "data_quality"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(description__icontains=value) | Q(notes__icontains=value))
