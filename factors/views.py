"""The factor browser on tenant hosts: search, detail with provenance, explain, reference tables.

Every view declares its capability (``@require_cap``): reading the library needs VIEW. The
library itself is public-schema data; the tenant's custom factors have their pages in
``factors.custom.views`` (same URL namespace, ``factors:custom_*``).
"""
from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from factortrace.core.roles import Cap
from factortrace.core.tenancy import require_cap
from factortrace.core.units import UnitError

from . import selectors
from .conversions import CBAM_MARKUP_BY_YEAR, cbam_default_with_markup
from .filters import BenchmarkFilter, EmissionFactorBrowseFilter, GwpFilter
from .forms import ResolveForm, unit_datalist
from .models import CbamBenchmark, EmissionFactor, EnergyConversionFactor, FactorSource, GlobalWarmingPotential
from .services import factor_snapshot, resolve_factor

PAGE_SIZE = 25


def page_of(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    """The page the request asks for (``?page=``), PAGE_SIZE rows by default."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


@require_cap(Cap.VIEW)
def factor_browse(request: HttpRequest) -> HttpResponse:
    base = selectors.library().order_by("source__priority", "source__dataset", "-source__year", "id")
    filterset = EmissionFactorBrowseFilter(request.GET or None, queryset=base)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = page_of(request, queryset)
    context = {
        "filter": filterset, "page": page, "total": EmissionFactor.objects.count(),
        "source_count": FactorSource.objects.filter(counts__has_key="emission_factors").count(),
        "facets": {
            "sources": selectors.source_facets(queryset),
            "regions": selectors.facet_counts(queryset, "region"),
            "scopes": selectors.facet_counts(queryset, "scope", limit=4),
            "units": selectors.facet_counts(queryset, "unit"),
        },
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
    }
    template = "factors/_results.html" if request.htmx else "factors/browse.html"
    return render(request, template, context)


@require_cap(Cap.VIEW)
def factor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    factor = get_object_or_404(EmissionFactor.objects.select_related("source", "source__superseded_by"), pk=pk)
    markups = []
    if factor.source.dataset in ("cbam-defaults", "cbam-precursors"):
        total_t = factor.kgco2e_per_unit / 1000
        for year in sorted(CBAM_MARKUP_BY_YEAR):
            published = factor.published.get(f"default_incl_markup_{year}")
            markups.append({"year": year, "value": cbam_default_with_markup(total_t, year=year, sector=factor.level2),
                            "published": Decimal(published) if published and published[:1].isdigit() else None})
    return render(request, "factors/detail.html", {
        "factor": factor, "source": factor.source, "editions": selectors.other_editions(factor),
        "markups": markups, "snapshot": factor_snapshot(factor),
        "published_items": sorted((k, v) for k, v in factor.published.items() if isinstance(v, str)),
        "published_groups": {k: v for k, v in factor.published.items() if isinstance(v, dict)},
    })


@require_cap(Cap.VIEW)
def source_list(request: HttpRequest) -> HttpResponse:
    return render(request, "factors/sources.html", {"sources": selectors.sources_with_counts()})


@require_cap(Cap.VIEW)
def factor_explain(request: HttpRequest) -> HttpResponse:
    form = ResolveForm(request.GET or None)
    resolution = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            resolution = resolve_factor(keywords=data["keywords"], category=data["category"], unit=data["unit"],
                                        region=data["region"], year=data["year"], scope=data["scope"])
        except (UnitError, ValueError) as exc:
            form.add_error(None, str(exc))
    return render(request, "factors/explain.html", {
        "form": form, "resolution": resolution, "units": unit_datalist(),
        "candidates": resolution.candidates[:50] if resolution else [],
    })


_REFERENCE_TABLES = {
    "gwp": (GlobalWarmingPotential, GwpFilter, "Global warming potentials",
            "GWP and GTP values per species and IPCC assessment report, as each source lists them."),
    "cbam-benchmarks": (CbamBenchmark, BenchmarkFilter, "CBAM benchmarks",
                        "Implementing Regulation (EU) 2025/2620: t CO2e per t of good, by CN code, column, "
                        "production route and year group."),
    "energy": (EnergyConversionFactor, None, "Energy conversion factors (SECR)",
               "DESNZ kWh per km or mile driven — energy, not emissions: for SECR energy reporting."),
}


@require_cap(Cap.VIEW)
def reference_table(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in _REFERENCE_TABLES:
        raise Http404("No such table")
    model, filter_class, title, description = _REFERENCE_TABLES[kind]
    queryset = model.objects.select_related("source").order_by("source__priority", "id")
    filterset = filter_class(request.GET or None, queryset=queryset) if filter_class else None
    if filterset is not None and filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    return render(request, "factors/reference.html", {
        "kind": kind, "title": title, "description": description, "filter": filterset,
        "page": page_of(request, queryset, 50), "tables": {key: value[2] for key, value in _REFERENCE_TABLES.items()},
    })
