"""The importer contract: a :class:`SourceSpec` describes one source edition and parses its files
into records; :mod:`factors.loading` writes them. Parsing is pure (files in, records out, no
database), so every importer is tested without PostgreSQL.

A parse function returns a :class:`ParsedSource` with the records of each kind and, per file, the
row accounting (rows read, rows with a value, rows without and why) that ``load_factors`` prints
and the tests compare with an independent count of the raw file.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings


class SourceFormatError(ValueError):
    """A file does not look like the edition its importer was written for (names file, row, column)."""


@dataclass
class FactorRecord:
    """One future :class:`factors.models.EmissionFactor` (same field names)."""

    external_id: str
    activity: str
    region: str
    year: int
    unit: str
    kgco2e_per_unit: Decimal
    scope: str = ""
    level1: str = ""
    level2: str = ""
    level3: str = ""
    level4: str = ""
    qualifier: str = ""
    classification: str = ""
    classification_code: str = ""
    region_name: str = ""
    co2: Decimal | None = None
    ch4: Decimal | None = None
    n2o: Decimal | None = None
    other: Decimal | None = None
    biogenic_co2: Decimal | None = None
    outside_of_scopes: bool = False
    direct: Decimal | None = None
    indirect: Decimal | None = None
    production_route: str = ""
    grid_electricity: bool = False
    gwp_basis: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    notes: str = ""
    conversion: str = ""
    published: dict = field(default_factory=dict)
    keywords: str = ""


@dataclass
class EnergyRecord:
    external_id: str
    activity: str
    region: str
    year: int
    unit: str
    energy_unit: str
    energy_per_unit: Decimal
    scope: str = ""
    level1: str = ""
    level2: str = ""
    level3: str = ""
    level4: str = ""
    qualifier: str = ""
    notes: str = ""


@dataclass
class GwpRecord:
    external_id: str
    species: str
    report: str
    metric: str
    value: Decimal
    name: str = ""
    formula: str = ""
    notes: str = ""


@dataclass
class BenchmarkRecord:
    external_id: str
    sector: str
    cn_code: str
    cn8: str
    description: str
    column: str
    benchmark_tco2e_per_t: Decimal
    production_route: str = ""
    year_group: str = ""


@dataclass
class FileStats:
    """Row accounting of one file: every row is either valued (loaded) or skipped for a reason."""

    name: str
    rows: int = 0
    valued: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


@dataclass
class ParsedSource:
    factors: list[FactorRecord] = field(default_factory=list)
    energy: list[EnergyRecord] = field(default_factory=list)
    gwps: list[GwpRecord] = field(default_factory=list)
    benchmarks: list[BenchmarkRecord] = field(default_factory=list)
    files: list[FileStats] = field(default_factory=list)
    attached: dict[str, int] = field(default_factory=dict)  # values merged into another record (per-gas rows)

    def counts(self) -> dict[str, int]:
        counts = {"emission_factors": len(self.factors), "energy_conversions": len(self.energy),
                  "gwp_values": len(self.gwps), "cbam_benchmarks": len(self.benchmarks)}
        return {kind: count for kind, count in counts.items() if count}


@dataclass(frozen=True)
class SourceSpec:
    """One source edition: its metadata (copied onto FactorSource) and how to parse its files."""

    code: str
    dataset: str
    name: str
    publisher: str
    edition: str
    year: int
    licence: str
    attribution: str
    files: tuple[str, ...]  # relative to settings.DATA_DIR; the first is the main file
    parse: Callable[[SourceSpec], ParsedSource]
    short_name: str = ""
    version: str = ""
    licence_url: str = ""
    url: str = ""
    description: str = ""
    published_on: dt.date | None = None
    priority: int = 50
    superseded_by: str = ""
    loader_version: int = 1

    def path(self, name: str) -> Path:
        return Path(settings.DATA_DIR) / name

    def checksum(self) -> str:
        """SHA-256 of the file, or of all files in order (each file's bytes, then its name)."""
        digest = hashlib.sha256()
        for name in self.files:
            digest.update(self.path(name).read_bytes())
            if len(self.files) > 1:
                digest.update(name.encode())
        return digest.hexdigest()

    @property
    def file_name(self) -> str:
        return ", ".join(self.files)


# ---------------------------------------------------------------- reading helpers
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row of a UTF-8 CSV with a header."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, {key: (value or "").strip() for key, value in row.items() if key is not None}


def number(text: str, *, where: str) -> Decimal | None:
    """A publisher's number as an exact Decimal; blank → None; anything else is an error."""
    text = (text or "").strip()
    if not text:
        return None
    if not _NUMBER.match(text):
        raise SourceFormatError(f"{where}: '{text}' is not a number")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover — the pattern already guards
        raise SourceFormatError(f"{where}: '{text}' is not a number") from exc


def required_number(text: str, *, where: str) -> Decimal:
    value = number(text, where=where)
    if value is None:
        raise SourceFormatError(f"{where}: a value is required")
    return value


def require_columns(path: Path, columns: list[str]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    missing = [column for column in columns if column not in header]
    if missing:
        raise SourceFormatError(f"{path.name}: missing column(s) {missing}; found {header}")


def slug(text: str) -> str:
    """A stable key fragment from a label: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def plain(value: Decimal | None) -> str | None:
    """A Decimal as plain text without exponent (for ``published``), None stays None."""
    if value is None:
        return None
    return format(value, "f")


def ensure_unique(records, *, source: str) -> None:
    seen: set[str] = set()
    for record in records:
        if record.external_id in seen:
            raise SourceFormatError(f"{source}: duplicate key {record.external_id!r}")
        seen.add(record.external_id)
