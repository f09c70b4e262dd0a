import django_filters
from django import forms
from django.db.models import Q

from .models import AuditEntry


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_email", lookup_expr="icontains", label="Actor (e-mail)")
    action = django_filters.CharFilter(lookup_expr="istartswith", label="Action starts with",
                                       help_text="e.g. inventory.activity or reports.")
    object = django_filters.CharFilter(method="filter_object", label="Object (type, id or name)")
    date_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="From",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="To",
                                        widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def filter_object(self, queryset, name, value):
        return queryset.filter(Q(object_type__icontains=value) | Q(object_id=value) | Q(object_repr__icontains=value))
