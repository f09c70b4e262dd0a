"""manage.py load_factors [--source CODE ...] [--force] [--list]

Loads the emission factor library from factors/data into the public schema. Idempotent: a source
whose files are unchanged since its last load is skipped (a second run takes well under a
second). Prints, per source, the rows of each file, how many carried a value, why the others
did not, and what was loaded.
"""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from factors.importers import SOURCES
from factors.loading import LoadError, load_sources


class Command(BaseCommand):
    help = "Load (or refresh) the shared emission factor library from factors/data."

    def add_arguments(self, parser):
        parser.add_argument("--source", action="append", dest="sources", metavar="CODE",
                            help="load only this source (repeatable); see --list")
        parser.add_argument("--force", action="store_true", help="reload even if the files are unchanged")
        parser.add_argument("--list", action="store_true", help="list the sources and exit")

    def handle(self, *args, **options):
        if options["list"]:
            for spec in SOURCES:
                self.stdout.write(f"{spec.code:32} {spec.edition}  [{spec.licence}]")
            return
        started = time.perf_counter()
        try:
            results = load_sources(options["sources"], force=options["force"])
        except LoadError as exc:
            raise CommandError(str(exc)) from exc
        verbose = options["verbosity"] >= 1
        totals: dict[str, int] = {}
        for result in results:
            for kind, count in result.counts.items():
                totals[kind] = totals.get(kind, 0) + count
            if not verbose:
                continue
            counts = ", ".join(f"{count:,} {kind.replace('_', ' ')}" for kind, count in result.counts.items())
            self.stdout.write(f"{result.code:32} {result.status:9} {counts}  ({result.seconds:.1f} s)")
            for stats in result.files:
                skipped = "; ".join(f"{count:,} {reason}" for reason, count in stats.skipped.items())
                self.stdout.write(f"    {stats.name}: {stats.rows:,} rows, {stats.valued:,} with a value"
                                  + (f", {skipped}" if skipped else ""))
            if result.deleted:
                self.stdout.write(f"    removed {result.deleted:,} records no longer in the file")
        if verbose:
            summary = ", ".join(f"{count:,} {kind.replace('_', ' ')}" for kind, count in totals.items())
            self.stdout.write(self.style.SUCCESS(
                f"Factor library: {len(results)} sources, {summary} ({time.perf_counter() - started:.1f} s)"))
