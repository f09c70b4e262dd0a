"""Reads of the factor library: full-text search, facets, editions, grid electricity, CBAM defaults.

Search uses the GIN-indexed ``EmissionFactor.search`` tsvector (English configuration, weights:
A activity and code, B category levels and region name, C publisher keywords, IDs and unit,
D notes). Typed text becomes an AND of its words; with ``prefix`` the last word also matches
as a prefix, so results appear while someone is still typing ("natural ga").
"""
from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, QuerySet

from .models import SEARCH_CONFIG, EmissionFactor, FactorSource

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Region spellings people use → the codes the library stores.
REGION_ALIASES = {"UK": "GB", "WORLD": "GLOBAL", "GLOBAL": "GLOBAL", "EU27": "EU", "USA": "US"}


def normalise_region(region: str | None) -> str:
    code = (region or "").strip().upper()
    return REGION_ALIASES.get(code, code)


def search_words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text or "")][:12]


def search_query(text: str, *, prefix: bool = True, weights: str = "") -> SearchQuery | None:
    """A tsquery from free text, or None when there is nothing to search for.

    Words are reduced to ``[^\\W_]+`` tokens before they reach ``to_tsquery``, so no user input
    can inject tsquery operators. ``weights`` (e.g. "A") restricts every word to those weights.
    """
    words = search_words(text)
    if not words:
        return None
    terms = []
    for index, word in enumerate(words):
        term = f"'{word}'"
        if prefix and index == len(words) - 1:
            term += ":*" + weights
        elif weights:
            term += ":" + weights
        terms.append(term)
    return SearchQuery(" & ".join(terms), search_type="raw", config=SEARCH_CONFIG)


def factor_search(queryset: QuerySet, text: str, *, prefix: bool = True) -> QuerySet:
    """Filter to factors matching ``text`` and order by relevance (then the publisher's order)."""
    query = search_query(text, prefix=prefix)
    if query is None:
        return queryset
    return (queryset.filter(search=query)
            .annotate(relevance=SearchRank(F("search"), query))
            .order_by("-relevance", "source__priority", "-source__year", "id"))


# Columns a result list never shows: leaving them out halves the bytes read per matching row.
LIST_DEFERRED = ("search", "notes", "conversion", "published", "keywords", "source__description",
                 "source__attribution", "source__file_name", "source__counts")


def library() -> QuerySet:
    """Emission factors with their source, ready for result lists (heavy text columns deferred)."""
    return EmissionFactor.objects.select_related("source").defer(*LIST_DEFERRED)


def library_factor(source_code: str, external_id: str) -> EmissionFactor:
    """One library factor by its edition and the publisher's ID (``desnz-2025``, ``1_100_1004_6_1``):
    how demo data and tests pick a factor reproducibly. Raises ``EmissionFactor.DoesNotExist``."""
    return EmissionFactor.objects.select_related("source").get(source__code=source_code, external_id=external_id)


def facet_counts(queryset: QuerySet, field: str, *, limit: int = 12) -> list[dict]:
    """[{value, count}] of ``field`` over ``queryset``, most frequent first."""
    rows = (queryset.order_by().values(field).annotate(count=Count("id")).order_by("-count", field)[:limit])
    return [{"value": row[field], "count": row["count"]} for row in rows]


def source_facets(queryset: QuerySet) -> list[dict]:
    counts = {row["source"]: row["count"] for row in
              queryset.order_by().values("source").annotate(count=Count("id"))}
    sources = FactorSource.objects.filter(pk__in=counts).order_by("priority", "dataset", "-year")
    return [{"source": source, "count": counts[source.pk]} for source in sources]


def other_editions(factor: EmissionFactor) -> QuerySet:
    """The same factor (same dataset and external ID) in the other editions, newest first."""
    return (EmissionFactor.objects.select_related("source")
            .filter(source__dataset=factor.source.dataset, external_id=factor.external_id)
            .exclude(pk=factor.pk).order_by("-source__year", "-year"))


def sources_with_counts() -> QuerySet:
    return FactorSource.objects.select_related("superseded_by").order_by("priority", "dataset", "-year")


# ---------------------------------------------------------------- CBAM defaults
CBAM_CURRENT_DEFAULTS = "cbam-defaults-ir-2026-1740"


def cbam_default_factor(*, cn_code: str, country: str, source_code: str = CBAM_CURRENT_DEFAULTS,
                        description: str = "") -> tuple[EmissionFactor | None, bool]:
    """The CBAM default value for a good (CN or TARIC code) from a country (ISO alpha-2).

    Returns ``(factor, used_fallback)``: a country without a value for that code (not listed, or
    '–' in the annex) takes the "Other Countries and Territories" value, as the regulation says.
    ``description`` picks between goods that share a code in the December 2025 annex (white or
    grey clinker). ``None`` if the code has no default value at all.
    """
    code_digits = re.sub(r"\D", "", cn_code or "")
    if not code_digits:
        raise ValueError("Give a CN or TARIC code")
    base = EmissionFactor.objects.select_related("source").filter(source__code=source_code)
    country_code = normalise_region(country)
    for region, fallback in ((country_code, False), ("GLOBAL", True)):
        in_region = base.filter(region=region)
        matches = in_region.filter(external_id__endswith=f":{code_digits}")
        if len(code_digits) == 8 and not matches.exists():
            # An 8-digit CN code whose goods the corrected annex splits into 10-digit TARIC codes.
            matches = in_region.filter(external_id__regex=rf":{code_digits}\d\d$")
        if description:
            matches = matches.filter(activity__icontains=description)
        found = list(matches.order_by("external_id")[:2])
        if len(found) > 1:
            raise ValueError(f"CN {cn_code} covers several goods ({found[0].activity}; {found[1].activity}): "
                             "give the TARIC code or a description")
        if found:
            return found[0], fallback
    return None, False
