"""Benchmark: factor search latency over the full library — PostgreSQL full-text search (GIN index)
beside a naive ILIKE scan of the same 50 queries, in the same run.

    .venv/bin/python scripts/devservices.py up
    .venv/bin/python bench/bench_factors_search.py

Each query does what the factor browser does for one page: count the matches and fetch the first
25 rows with their source. Full-text: ``factors.selectors.factor_search`` (every word must match,
the last as a prefix, ranked). ILIKE: every word must appear (case-insensitive substring) in one
of the text columns, no index. Goal: full-text p95 < 30 ms.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "factortrace.settings.base"

import django

django.setup()

from django.db.models import Q  # noqa: E402
from django_tenants.utils import get_public_schema_name, schema_context  # noqa: E402

from factors.models import EmissionFactor  # noqa: E402
from factors.selectors import factor_search, library  # noqa: E402

GOAL_P95_MS = 30
ROUNDS = 5
PAGE = 25
QUERIES = [
    "natural gas", "diesel", "petrol", "electricity", "grid electricity", "coal", "lpg", "fuel oil", "kerosene",
    "jet fuel", "biodiesel", "wood pellets", "hydrogen", "cement", "clinker", "steel", "aluminium", "fertiliser",
    "ammonia", "nitric acid", "flat rolled", "7207 11 11", "72071111", "hot rolled", "van", "hgv", "rigid",
    "articulated", "taxi", "bus", "rail", "flight", "long haul", "business class", "hotel", "freight", "container",
    "waste", "landfill", "recycled", "paper", "plastic", "water", "refrigerant", "r410a", "computer programming",
    "construction", "consulting", "air transport", "wheat",
]
TEXT_COLUMNS = ["activity", "level1", "level2", "level3", "level4", "qualifier", "classification_code",
                "region_name", "keywords", "external_id", "notes"]


def fts(text: str) -> int:
    queryset = factor_search(library(), text)
    count = queryset.count()
    list(queryset[:PAGE])
    return count


def ilike(text: str) -> int:
    queryset = library().order_by("source__priority", "id")
    for word in text.split():
        condition = Q()
        for column in TEXT_COLUMNS:
            condition |= Q(**{f"{column}__icontains": word})
        queryset = queryset.filter(condition)
    count = queryset.count()
    list(queryset[:PAGE])
    return count


def measure(function) -> tuple[list[float], dict[str, int]]:
    timings, hits = [], {}
    for _ in range(ROUNDS):
        for query in QUERIES:
            started = time.perf_counter()
            hits[query] = function(query)
            timings.append((time.perf_counter() - started) * 1000)
    return timings, hits


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    with schema_context(get_public_schema_name()):
        total = EmissionFactor.objects.count()
        if not total:
            print("The factor library is empty: run `manage.py load_factors` first.")
            return 1
        for function in (fts, ilike):  # warm caches and connections
            for query in QUERIES[:5]:
                function(query)
        fts_ms, fts_hits = measure(fts)
        ilike_ms, ilike_hits = measure(ilike)
    print(f"Factor search benchmark — {total:,} emission factors, {len(QUERIES)} queries × {ROUNDS} rounds, "
          f"count + first {PAGE} rows each\n")
    print(f"{'':24}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for label, timings in (("full-text (GIN tsvector)", fts_ms), ("naive ILIKE scan", ilike_ms)):
        print(f"{label:24}{statistics.median(timings):9.1f}{percentile(timings, 0.95):9.1f}{max(timings):9.1f}")
    p95 = percentile(fts_ms, 0.95)
    print(f"\nFull-text p95 {p95:.1f} ms (goal < {GOAL_P95_MS} ms): {'OK' if p95 < GOAL_P95_MS else 'OVER GOAL'}; "
          f"ILIKE is {statistics.median(ilike_ms) / statistics.median(fts_ms):.1f}× slower at the median.")
    print("\nMatches per query (full-text / ILIKE; ILIKE also matches inside words, e.g. 'van' in 'relevant'):")
    line = []
    for query in QUERIES:
        line.append(f"{query}: {fts_hits[query]}/{ilike_hits[query]}")
        if len(line) == 5:
            print("  " + " · ".join(line))
            line = []
    if line:
        print("  " + " · ".join(line))
    return 0  # a benchmark reports; the verdict above says whether the goal was met


if __name__ == "__main__":
    sys.exit(main())
