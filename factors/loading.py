"""Write parsed sources into the library: idempotent, keyed, fast to repeat.

* A source whose files (SHA-256) and importer version are unchanged is skipped.
* Otherwise its records are upserted on ``(source, external_id)`` — a factor keeps its primary
  key across reloads, so records of regimes that point at it (PROTECT) stay valid — and
  records no longer in the file are deleted (refused, with a clear error, if something still
  points at them).
* One transaction per source: a failed load leaves the previous state intact.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from .importers import SOURCES, SourceSpec
from .models import CbamBenchmark, EmissionFactor, EnergyConversionFactor, FactorSource, GlobalWarmingPotential

BATCH_SIZE = 2000
# ParsedSource attribute → model
KINDS: list[tuple[str, type[models.Model]]] = [
    ("factors", EmissionFactor),
    ("energy", EnergyConversionFactor),
    ("gwps", GlobalWarmingPotential),
    ("benchmarks", CbamBenchmark),
]
_SOURCE_FIELDS = ("dataset", "name", "short_name", "publisher", "edition", "year", "version", "published_on", "licence",
                  "licence_url", "attribution", "url", "description", "priority")


class LoadError(RuntimeError):
    """A source could not be (re)loaded; the library is unchanged for that source."""


@dataclass
class LoadResult:
    code: str
    status: str  # "loaded" or "unchanged"
    counts: dict[str, int]
    seconds: float = 0.0
    files: list = field(default_factory=list)
    deleted: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def load_sources(codes: list[str] | None = None, *, force: bool = False) -> list[LoadResult]:
    """Load the given source codes (default: every registered source), in registry order."""
    specs = SOURCES if not codes else [spec for spec in SOURCES if spec.code in set(codes)]
    unknown = set(codes or []) - {spec.code for spec in SOURCES}
    if unknown:
        raise LoadError(f"Unknown source(s) {sorted(unknown)}. Known: {', '.join(s.code for s in SOURCES)}")
    with schema_context(get_public_schema_name()):
        results = [load_source(spec, force=force) for spec in specs]
        _link_supersessions()
    return results


def load_source(spec: SourceSpec, *, force: bool = False) -> LoadResult:
    started = time.perf_counter()
    if connection.schema_name != get_public_schema_name():
        raise LoadError("The factor library lives in the public schema; load it there")
    checksum = spec.checksum()
    existing = FactorSource.objects.filter(code=spec.code).first()
    metadata = {name: getattr(spec, name) for name in _SOURCE_FIELDS}
    if existing is not None and not force and existing.file_sha256 == checksum \
            and existing.loader_version == spec.loader_version and existing.loaded_at is not None:
        # Same files, same importer: the records are current. Descriptive metadata (licence text,
        # attribution) lives in the registry and is refreshed cheaply.
        changed = [name for name, value in metadata.items() if getattr(existing, name) != value]
        if changed:
            FactorSource.objects.filter(pk=existing.pk).update(**{name: metadata[name] for name in changed})
        return LoadResult(spec.code, "unchanged", dict(existing.counts), time.perf_counter() - started)
    parsed = spec.parse(spec)
    deleted = 0
    with transaction.atomic():
        source, _ = FactorSource.objects.update_or_create(
            code=spec.code,
            defaults={**metadata,
                      "file_name": spec.file_name, "file_sha256": checksum, "loader_version": spec.loader_version})
        for attribute, model in KINDS:
            deleted += _sync(model, source, getattr(parsed, attribute))
        counts = parsed.counts()
        source.counts = counts
        source.row_count = sum(counts.values())
        source.loaded_at = timezone.now()
        source.save(update_fields=["counts", "row_count", "loaded_at"])
    return LoadResult(spec.code, "loaded", counts, time.perf_counter() - started, files=parsed.files, deleted=deleted)


def _sync(model: type[models.Model], source: FactorSource, records: list) -> int:
    """Upsert ``records`` of ``model`` for ``source``; delete the ones that disappeared. Returns deletions.

    Deletion is one SQL statement checked by the database itself: regimes' records in *every*
    tenant schema point at factors with foreign keys, which Django's delete collector (running in
    the public schema) cannot see — PostgreSQL can, so a referenced factor is refused, not lost.
    """
    keys = [record.external_id for record in records]
    if records:
        names = [f.name for f in dataclasses.fields(records[0])]
        update_fields = [name for name in names if name != "external_id"]
        objects = [model(source=source, **dataclasses.asdict(record)) for record in records]
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE, update_conflicts=True,
                                  unique_fields=["source", "external_id"], update_fields=update_fields)
    stale = model.objects.filter(source=source).exclude(external_id__in=keys)
    examples = list(stale.order_by("external_id").values_list("external_id", flat=True)[:10])
    if not examples:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fail here, not at commit
            cursor.execute(f"DELETE FROM {table} WHERE source_id = %s AND NOT (external_id = ANY(%s))",
                           [source.pk, keys])
            return cursor.rowcount
    except IntegrityError as exc:
        raise LoadError(f"{source.code}: {model._meta.verbose_name_plural} no longer in the file are still used by "
                        f"calculated records (e.g. {examples}); keep the old edition or move those records first"
                        ) from exc


def _link_supersessions() -> None:
    by_code = {source.code: source for source in FactorSource.objects.all()}
    for spec in SOURCES:
        source = by_code.get(spec.code)
        if source is None:
            continue
        target = by_code.get(spec.superseded_by) if spec.superseded_by else None
        if source.superseded_by_id != (target.pk if target else None):
            source.superseded_by = target
            source.save(update_fields=["superseded_by"])
