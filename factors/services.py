"""Factor resolution and snapshots for calculated records.

Resolution precedence (the issue's ladder, first rung wins)::

    0  tenant custom factor            (this tenant's own value)
    1  supplier-specific factor        (a supplier's value, e.g. an EPD)
    2  library, same region and year
    3  library, same region, nearest year
    4  library, global factor (region GLOBAL)

Only factors whose unit converts to the activity's unit are candidates
(:func:`factortrace.core.units.compatible`: gross and net calorific value never mix; a plain
``kWh`` matches either). Outside-of-scopes biogenic lines are never candidates. Within a rung the
order is: nearest year (ties: newer), every keyword in the activity name, unit (exact spelling
first; for an energy unit without a stated basis gross CV before net CV, as on energy bills),
scope (1, 2, 3: the activity's own emissions before upstream ones), not superseded by a
correcting edition, source priority (official national inventories first), newer edition, then
the publisher's own table order. The reason names the criterion that decided.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Abs

from factortrace.core.units import UnitError, canonical, compatible, parse_unit

from .models import EmissionFactor, FactorSource, Scope
from .selectors import normalise_region, search_query

RUNG_LABELS = {
    0: "tenant custom factor",
    1: "supplier-specific factor",
    2: "same region and year",
    3: "same region, nearest year",
    4: "global factor",
}
SCOPE_ORDER = {"1": 0, "2": 1, "3": 2, "": 3}
MAX_CANDIDATES = 400  # library rows fetched per resolution (relevance order); plenty for any real query


@dataclass
class Candidate:
    factor: object  # EmissionFactor or factors.custom.models.CustomFactor
    rung: int
    year_distance: int
    in_activity: bool
    unit_rank: int
    superseded: bool
    note: str = ""

    @property
    def rung_label(self) -> str:
        return RUNG_LABELS[self.rung]

    @property
    def kind(self) -> str:
        return getattr(self.factor, "kind", "library")

    def sort_key(self) -> tuple:
        factor = self.factor
        source = getattr(factor, "source", None)
        return (self.rung, self.year_distance, -(factor.year or 0), not self.in_activity, self.unit_rank,
                SCOPE_ORDER.get(factor.scope, 3), self.superseded, source.priority if source else 0,
                -(source.year if source else 0), factor.pk)


#: Where the rungs above the library come from: ``provider(*, keywords, category, unit, region,
#: year, scope) -> list[Candidate]``. The tenant app ``factors.custom`` registers the tenant's
#: custom and supplier-specific factors (rungs 0 and 1) when it is ready; this shared app never
#: imports it.
CandidateProvider = Callable[..., list[Candidate]]
_candidate_providers: list[CandidateProvider] = []


def register_candidate_provider(provider: CandidateProvider) -> None:
    if provider not in _candidate_providers:
        _candidate_providers.append(provider)


@dataclass
class Resolution:
    factor: object | None
    reason: str
    candidates: list[Candidate] = field(default_factory=list)
    query: dict = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.factor is not None

    @property
    def chosen(self) -> Candidate | None:
        return self.candidates[0] if self.factor is not None and self.candidates else None


def resolve_factor(*, keywords: str = "", category: str = "", unit: str, region: str = "", year: int | None = None,
                   scope: str = "") -> Resolution:
    """The best factor for an activity, with the candidates and the reason (see module docstring).

    Raises :class:`~factortrace.core.units.UnitError` for a unit that cannot be parsed and
    ``ValueError`` when neither keywords nor a category is given or the scope is unknown.
    Runs in the connection's current schema: on a tenant's schema its custom and supplier
    factors take part, on the public schema only the library does.
    """
    if not (keywords or "").strip() and not (category or "").strip():
        raise ValueError("Give keywords or a category to resolve a factor")
    if scope not in SCOPE_ORDER:
        raise ValueError(f"Unknown scope {scope!r}: use 1, 2, 3 or leave it empty")
    parse_unit(unit)  # raises UnitError naming the unit
    region_code = normalise_region(region)
    query = {"keywords": keywords, "category": category, "unit": unit, "region": region_code, "year": year,
             "scope": scope}
    library_units = _compatible_units(unit, EmissionFactor.objects.order_by().values_list("unit", flat=True).distinct())
    candidates = [candidate for provider in _candidate_providers
                  for candidate in provider(keywords=keywords, category=category, unit=unit, region=region_code,
                                            year=year, scope=scope)]
    candidates += _library_candidates(keywords=keywords, category=category, unit=unit, units=library_units,
                                      region=region_code, year=year, scope=scope)
    candidates.sort(key=Candidate.sort_key)
    if not candidates:
        return Resolution(None, _nothing_found(query, library_units), [], query)
    best = candidates[0]
    return Resolution(best.factor, _reason(best, candidates, query), candidates, query)


def grid_electricity_factor(*, region: str, year: int | None = None) -> Resolution:
    """Location-based Scope 2 grid factor for a country (ISO alpha-2) or US eGRID subregion.

    Preference: the national official publisher (DESNZ for GB, EPA eGRID total output for the US
    average and each subregion), then Ember's country average (life-cycle), then Ember's world
    average (GLOBAL); within a publisher the nearest year (ties: newer).
    """
    code = normalise_region(region)
    if not code:
        raise ValueError("Give a region (ISO 3166 alpha-2 country code or US eGRID subregion)")
    query = {"keywords": "grid electricity", "category": "", "unit": "kWh", "region": code, "year": year,
             "scope": "2"}
    factors = list(EmissionFactor.objects.select_related("source")
                   .filter(grid_electricity=True, region__in=[code, "GLOBAL"]))
    candidates = []
    for factor in factors:
        same_region = factor.region == code
        rung = 4 if not same_region else 2 if year is None or factor.year == year else 3
        candidates.append(Candidate(factor, rung, abs(factor.year - year) if year else 0, True, 0,
                                    factor.source.is_superseded))
    # Publisher before year here: an official national factor of last year beats a third-party one of this year.
    candidates.sort(key=lambda c: (c.rung == 4, c.factor.source.priority, c.year_distance, -c.factor.year, c.factor.pk))
    if not candidates:
        return Resolution(None, f"No grid electricity factor for {code} and no global average is loaded.", [], query)
    best = candidates[0]
    place = "its world average" if best.factor.region == "GLOBAL" else best.factor.region_name or best.factor.region
    reason = (f"Grid electricity for {code}: {best.factor.source.label} ({best.factor.source.edition}), {place}, "
              f"{best.factor.year}. National official factors (DESNZ, EPA eGRID) come before Ember's "
              "country averages, and a world average is used only when the country has none.")
    return Resolution(best.factor, reason, candidates, query)


# ---------------------------------------------------------------- candidates
@lru_cache(maxsize=8192)
def units_compatible(a: str, b: str) -> bool:
    """units.compatible, remembered: refusals raise inside pint and are not cached there."""
    return compatible(a, b)


def _compatible_units(unit: str, units) -> list[str]:
    return sorted({u for u in units if units_compatible(u, unit)})


def unit_rank(factor_unit: str, activity_unit: str) -> int:
    """0 same unit and basis; 1 convertible, gross CV for an unstated basis; 2 net CV for an unstated basis."""
    wanted, have = parse_unit(activity_unit), parse_unit(factor_unit)
    if canonical(factor_unit) == canonical(activity_unit):
        return 0
    if wanted.cv_basis is None and have.cv_basis == "net":
        return 2
    return 1


def category_q(category: str, prefix: str = "") -> Q:
    """'Fuels > Liquid fuels' matches level1 and level2 in order; one word matches any level or a code."""
    parts = [part.strip() for part in category.replace("/", ">").split(">") if part.strip()]
    if not parts:
        return Q()
    if len(parts) == 1:
        value = parts[0]
        return (Q(**{f"{prefix}level1__iexact": value}) | Q(**{f"{prefix}level2__iexact": value})
                | Q(**{f"{prefix}level3__iexact": value}) | Q(**{f"{prefix}level4__iexact": value})
                | Q(**{f"{prefix}classification_code__iexact": value}))
    q = Q()
    for index, value in enumerate(parts[:4], start=1):
        q &= Q(**{f"{prefix}level{index}__iexact": value})
    return q


def _library_candidates(*, keywords, category, unit, units, region, year, scope) -> list[Candidate]:
    if not units:
        return []
    queryset: QuerySet = EmissionFactor.objects.select_related("source").filter(unit__in=units,
                                                                               outside_of_scopes=False)
    if scope:
        queryset = queryset.filter(scope=scope)
    if category:
        queryset = queryset.filter(category_q(category))
    if region:
        queryset = queryset.filter(region__in=[region, "GLOBAL"])
    query = search_query(keywords, prefix=False)
    if query is not None:
        queryset = queryset.filter(search=query).annotate(
            in_activity=Case(When(search=search_query(keywords, prefix=False, weights="A"), then=Value(True)),
                             default=Value(False), output_field=BooleanField()))
    else:
        queryset = queryset.annotate(in_activity=Value(True, output_field=BooleanField()))
    # Fetch the likeliest first (own region, nearest year, keywords in the name) so the cap never drops them.
    ordering = []
    if region:
        queryset = queryset.annotate(other_region=Case(When(region=region, then=Value(False)), default=Value(True),
                                                       output_field=BooleanField()))
        ordering.append("other_region")
    if year is not None:
        queryset = queryset.annotate(year_distance=Abs(F("year") - year))
        ordering.append("year_distance")
    candidates = []
    for factor in queryset.order_by(*ordering, "-in_activity", "id")[:MAX_CANDIDATES]:
        if region and factor.region != region:
            rung = 4
        elif year is not None and factor.year == year:
            rung = 2
        else:
            rung = 3
        candidates.append(Candidate(
            factor=factor, rung=rung, year_distance=abs(factor.year - year) if year is not None else 0,
            in_activity=factor.in_activity, unit_rank=unit_rank(factor.unit, unit),
            superseded=factor.source.is_superseded,
            note=f"superseded by {factor.source.superseded_by.edition}" if factor.source.is_superseded else ""))
    return candidates


# ---------------------------------------------------------------- reasons
def describe(factor) -> str:
    source = getattr(factor, "source", None)
    origin = f"{source.label}, {source.edition}" if source else (
        f"supplier-specific ({factor.supplier})" if getattr(factor, "kind", "") == "supplier" else "tenant custom")
    return f"'{factor.activity}' ({origin}), {factor.kgco2e_per_unit} kg CO2e / {factor.unit}"


def _reason(best: Candidate, candidates: list[Candidate], query: dict) -> str:
    factor = best.factor
    where = query["region"] or "any region"
    when = query["year"] if query["year"] is not None else "any year"
    text = f"Chosen {describe(factor)}: rung '{best.rung_label}' for {where}, {when}."
    if best.rung >= 2:
        text += " No tenant custom or supplier-specific factor matched."
    if best.rung == 4:
        text += f" No factor for {query['region']} matched, so the global one applies."
    if best.rung == 3 and query["year"] is not None:
        text += f" No factor for {query['year']}; {factor.year} is the nearest year."
    runner_up = candidates[1] if len(candidates) > 1 else None
    if runner_up is None:
        return text + " It was the only candidate."
    text += f" {len(candidates) - 1} other candidate(s); it ranks before {describe(runner_up.factor)} because "
    return text + _decisive(best, runner_up, query) + "."


def _decisive(best: Candidate, other: Candidate, query: dict) -> str:
    a, b = best.sort_key(), other.sort_key()
    index = next((i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y), len(a) - 1)
    factor, rival = best.factor, other.factor
    if index == 0:
        return f"the other is only a '{other.rung_label}' candidate"
    if index == 1:
        return f"its year {factor.year} is nearer to {query['year']} than {rival.year}"
    if index == 2:
        return f"its year {factor.year} is more recent"
    if index == 3:
        return "its activity name contains every keyword"
    if index == 4:
        if best.unit_rank == 0:
            return f"its unit is exactly {query['unit']}"
        return "a plain energy unit is taken as gross calorific value (as on energy bills), so gross CV comes first"
    if index == 5:
        return (f"it is {Scope(factor.scope).label if factor.scope else 'not scoped'}: the activity's own emissions "
                "come before upstream ones")
    if index == 6:
        return f"the other comes from an edition superseded by {rival.source.superseded_by.edition}"
    if index == 7:
        return (f"{factor.source.publisher} is preferred over {rival.source.publisher} "
                "(official national inventories first)")
    if index == 8:
        return "it is from the newer edition"
    return "both tie on every criterion and it comes first in the publisher's table"


def _nothing_found(query: dict, library_units: list[str]) -> str:
    terms = " and ".join(filter(None, [f"keywords '{query['keywords']}'" if query["keywords"] else "",
                                       f"category '{query['category']}'" if query["category"] else ""]))
    if not library_units:
        return (f"No factor in the library uses a unit convertible to '{query['unit']}' (units never convert across "
                "dimensions, and gross and net calorific value never mix).")
    where = f" for {query['region']} or GLOBAL" if query["region"] else ""
    scope = f" in scope {query['scope']}" if query["scope"] else ""
    return (f"No factor matches {terms}{scope}{where} in a unit convertible to '{query['unit']}'. "
            "Try fewer keywords, another unit, or leave the region empty.")


# ---------------------------------------------------------------- snapshots
def factor_snapshot(factor) -> dict:
    """What a calculated record keeps of the factor it used, so later editions never change it.

    JSON-safe: numbers are exact decimal strings (``Decimal(snapshot["value"])`` gives them back).
    Works for library :class:`EmissionFactor` and tenant ``CustomFactor`` alike.
    """
    source: FactorSource | None = getattr(factor, "source", None)
    kind = getattr(factor, "kind", "library")
    if source is not None:
        origin = {"source": source.name, "source_code": source.code, "edition": source.edition,
                  "licence": source.licence, "attribution": source.attribution, "external_id": factor.external_id}
    else:
        label = "Supplier-specific factor" if kind == "supplier" else "Tenant custom factor"
        origin = {"source": f"{label}: {factor.supplier}" if factor.supplier else label,
                  "source_code": kind, "edition": factor.updated_at.date().isoformat() if factor.updated_at else "",
                  "licence": "", "attribution": factor.source_name, "external_id": f"{kind}:{factor.pk}"}
    return {
        "kind": kind, "factor_id": factor.pk, "value": _text(factor.kgco2e_per_unit), "unit": factor.unit,
        **origin,
        "activity": factor.activity, "region": factor.region, "year": factor.year, "scope": factor.scope,
        "gwp_basis": factor.gwp_basis, "co2": _text(factor.co2), "ch4": _text(factor.ch4), "n2o": _text(factor.n2o),
        "other": _text(factor.other),
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


__all__ = ["Candidate", "Resolution", "UnitError", "category_q", "describe", "factor_snapshot",
           "grid_electricity_factor", "register_candidate_provider", "resolve_factor", "unit_rank",
           "units_compatible"]
