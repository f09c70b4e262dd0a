"""Writes of tenant custom factors, and their part in factor resolution (rungs 0 and 1).

:func:`custom_candidates` is registered with :func:`factors.services.register_candidate_provider`
when the app is ready (``apps.py``): the shared library never imports this tenant app.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Q
from django_tenants.utils import get_public_schema_name

from factors.models import SEARCH_CONFIG
from factors.selectors import search_query
from factors.services import Candidate, category_q, unit_rank, units_compatible
from factortrace.audit.services import audited_delete, audited_save
from factortrace.core.inputs import accepted, assign, stored_for_update

from .models import CustomFactor, CustomFactorKind

CUSTOM_FACTOR_FIELDS = ("kind", "supplier", "source_name", "reference", "scope", "level1", "level2", "level3",
                        "level4", "activity", "classification", "classification_code", "region", "year", "unit",
                        "kgco2e_per_unit", "co2", "ch4", "n2o", "other", "biogenic_co2", "direct", "indirect",
                        "gwp_basis", "valid_from", "valid_to", "notes", "tenant_notes")


def custom_factor_create(*, actor, data: Mapping[str, Any]) -> CustomFactor:
    """Validate and create a tenant custom factor with its audit entry (``data``: validated values
    of ``CUSTOM_FACTOR_FIELDS``; other keys are refused)."""
    factor = CustomFactor()
    assign(factor, accepted(data, CUSTOM_FACTOR_FIELDS, service="custom_factor_create"))
    factor.full_clean()  # raises ValidationError with the field messages
    return audited_save(factor, actor=actor)


def custom_factor_update(*, factor: CustomFactor | int, actor, data: Mapping[str, Any]) -> CustomFactor:
    """Change the stored factor by ``data``. Activities keep the snapshot they were calculated with."""
    data = accepted(data, CUSTOM_FACTOR_FIELDS, service="custom_factor_update")
    with transaction.atomic():
        factor = stored_for_update(CustomFactor, factor)
        assign(factor, data)
        factor.full_clean()
        return audited_save(factor, actor=actor)


def custom_factor_delete(*, factor: CustomFactor | int, actor) -> None:
    with transaction.atomic():
        audited_delete(stored_for_update(CustomFactor, factor), actor=actor)


def custom_candidates(*, keywords, category, unit, region, year, scope) -> list[Candidate]:
    """The tenant's custom (rung 0) and supplier-specific (rung 1) factors for a resolution; none on
    the public schema, which has no tenant tables."""
    if connection.schema_name == get_public_schema_name():
        return []
    queryset = CustomFactor.objects.all()
    if scope:
        queryset = queryset.filter(scope=scope)
    if category:
        queryset = queryset.filter(category_q(category))
    if region:
        queryset = queryset.filter(region__in=["", region, "GLOBAL"])
    if year is not None:
        queryset = queryset.filter(Q(valid_from__isnull=True) | Q(valid_from__year__lte=year),
                                   Q(valid_to__isnull=True) | Q(valid_to__year__gte=year))
    query = search_query(keywords, prefix=False)
    if query is not None:
        vector = SearchVector("activity", "supplier", "level1", "level2", "level3", "level4", "classification_code",
                              "notes", "source_name", config=SEARCH_CONFIG)
        queryset = queryset.annotate(search=vector).filter(search=query)
    candidates = []
    for factor in queryset:
        if not units_compatible(factor.unit, unit):
            continue
        rung = 0 if factor.kind == CustomFactorKind.CUSTOM else 1
        distance = abs(factor.year - year) if (year is not None and factor.year is not None) else 0
        candidates.append(Candidate(factor, rung, distance, True, unit_rank(factor.unit, unit), False,
                                    note=f"supplier {factor.supplier}" if factor.supplier else ""))
    return candidates
