"""Benchmark: full load of the emission factor library (all sources), time and peak memory.

    .venv/bin/python scripts/devservices.py up
    .venv/bin/python bench/bench_factors_load.py

Runs against the development database (var/services.env) inside one transaction that is rolled
back at the end, so the library there is left exactly as it was: the library tables are emptied,
every source is loaded from factors/data as on a fresh install, then the second, idempotent run
(nothing changed) is timed as well. Goals: full load < 60 s, peak RSS < 500 MB.
"""
from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "factortrace.settings.base"

import django

django.setup()

from django.db import IntegrityError, connection, transaction  # noqa: E402
from django_tenants.utils import get_public_schema_name, schema_context  # noqa: E402

from factors.loading import load_sources  # noqa: E402
from factors.models import (  # noqa: E402
    CbamBenchmark,
    EmissionFactor,
    EnergyConversionFactor,
    FactorSource,
    GlobalWarmingPotential,
)

GOAL_SECONDS = 60
GOAL_MB = 500


class _Rollback(Exception):
    pass


def rss_mb() -> float:
    """Current resident set size of this process, MB (Linux /proc)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> int:
    print(f"Factor library load benchmark — PostgreSQL {connection.cursor().connection.info.server_version}, "
          f"Python {sys.version.split()[0]}")
    baseline = rss_mb()
    mode = "fresh load into empty tables"
    try:
        with schema_context(get_public_schema_name()), transaction.atomic():
            try:
                # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: rows of regimes that point at
                # factors are only checked at COMMIT, which never comes (the transaction is rolled back).
                with transaction.atomic(), connection.cursor() as cursor:
                    for model in (EmissionFactor, EnergyConversionFactor, GlobalWarmingPotential, CbamBenchmark,
                                  FactorSource):
                        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
            except IntegrityError:
                # A non-deferrable reference to the library: measure a forced reload (upsert) instead.
                mode = "forced reload over existing rows (the library could not be emptied)"
            started = time.perf_counter()
            results = load_sources(force=True)
            full = time.perf_counter() - started
            peak = peak_rss_mb()
            started = time.perf_counter()
            again = load_sources()
            second = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass

    width = max(len(r.code) for r in results)
    print(f"\nMode: {mode} (rolled back afterwards)\n")
    print(f"{'source':<{width}}  {'records':>8}  {'seconds':>7}")
    for result in results:
        print(f"{result.code:<{width}}  {result.total:>8,}  {result.seconds:>7.2f}")
    totals: dict[str, int] = {}
    for result in results:
        for kind, count in result.counts.items():
            totals[kind] = totals.get(kind, 0) + count
    print(f"{'total':<{width}}  {sum(totals.values()):>8,}  {full:>7.2f}")
    print("  " + ", ".join(f"{count:,} {kind.replace('_', ' ')}" for kind, count in totals.items()))
    print(f"\nFull load of all sources:       {full:6.1f} s   (goal < {GOAL_SECONDS} s)  "
          f"{'OK' if full < GOAL_SECONDS else 'OVER GOAL'}")
    print(f"Second run (files unchanged):   {second:6.2f} s   ({sum(r.status == 'unchanged' for r in again)} of "
          f"{len(again)} sources skipped)")
    print(f"Peak RSS of the process:        {peak:6.0f} MB  (goal < {GOAL_MB} MB; {baseline:.0f} MB before loading)  "
          f"{'OK' if peak < GOAL_MB else 'OVER GOAL'}")
    return 0  # a benchmark reports; the verdict above says whether the goal was met


if __name__ == "__main__":
    sys.exit(main())
