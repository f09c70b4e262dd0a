"""EU CBAM default values (definitive period), Annex IV precursor defaults, and benchmarks.

Default values are published in **t CO2e per t of good**; they are stored in kg CO2e per tonne
(× 1000, exact) with the direct and indirect parts, and the published text in ``published``.
A row is *valued* when its direct value is a number; ``–`` (use the "Other Countries and
Territories" value), ``NA`` (not applicable) and empty heading rows carry no value.

``external_id`` is ``<ISO2 or OTHER>:<code digits>`` and is the same in both editions: the
December 2025 annex writes white and grey clinker (and white/other hydraulic cement, calcined
clay) under one CN code told apart by the description; the corrected annex (IR 2026/1740) gives
them 10-digit TARIC codes, which we use as the key for both. ``classification_code`` keeps the
code exactly as each annex prints it.

The mark-up is not stored as a factor: :func:`factors.conversions.cbam_default_with_markup`
applies it to the total. The December 2025 annex's own "including mark-up" columns are kept in
``published`` (and the tests compare our function with them).
"""
from __future__ import annotations

import datetime as dt

from ..conversions import tonnes_to_kg
from .base import (
    BenchmarkRecord,
    FactorRecord,
    FileStats,
    ParsedSource,
    SourceFormatError,
    SourceSpec,
    ensure_unique,
    number,
    read_rows,
    require_columns,
    required_number,
    slug,
)

DASH, NOT_APPLICABLE = "–", "NA"
DEFINITIVE_PERIOD_START = dt.date(2026, 1, 1)
OTHER_COUNTRIES = "Other Countries and Territories"
# December 2025 annex: one CN code, two goods told apart by description → the TARIC code of the
# corrected annex (IR 2026/1740, recital: TARIC subdivisions for clinker, cement, calcined clay).
TARIC_BY_DESCRIPTION = {
    ("2507 00 80", "Calcined clay"): "2507 00 80 80",
    ("2523 10 00", "White clinker"): "2523 10 00 10",
    ("2523 10 00", "Grey clinker"): "2523 10 00 90",
    ("2523 90 00", "White hydraulic cements"): "2523 90 00 10",
    ("2523 90 00", "Grey hydraulic cements"): "2523 90 00 90",
}
SECTOR_NOTES = {
    "Cement": "Clinker and cement values may be per tonne of clinker contained (see IR (EU) 2025/2547 Art. 4): "
              "check before multiplying by product mass.",
    "Fertilisers": "Certain fertiliser values are per tonne of nitrogen (see IR (EU) 2025/2547 Art. 4): check "
                   "before multiplying by product mass.",
}
KEYWORDS = "CBAM carbon border adjustment default value embedded emissions"


def key_code(cn_code: str, description: str) -> str:
    """The code digits used in external_id (TARIC for the clinker/cement/clay pairs)."""
    return TARIC_BY_DESCRIPTION.get((cn_code, description), cn_code).replace(" ", "")


def _value(text: str, *, where: str):
    """A default-value cell: a number, or None for '–'/'NA'/empty (no value)."""
    if text in (DASH, NOT_APPLICABLE, ""):
        return None
    return number(text, where=where)


def parse_defaults(spec: SourceSpec) -> ParsedSource:
    """Annex I, country-specific default values (both editions; the 2025 one has mark-up columns)."""
    file_name = spec.files[0]
    path = spec.path(file_name)
    columns = ["country_name", "iso2", "sector", "cn_code", "cn8", "description", "production_route",
               "direct_tco2e_per_t", "indirect_tco2e_per_t", "total_tco2e_per_t"]
    require_columns(path, columns)
    stats = FileStats(name=file_name)
    parsed = ParsedSource(files=[stats])
    for line, row in read_rows(path):
        stats.rows += 1
        where = f"{file_name}:{line}"
        direct = _value(row["direct_tco2e_per_t"], where=f"{where} direct")
        total = _value(row["total_tco2e_per_t"], where=f"{where} total")
        if direct is None:
            if total is not None:
                raise SourceFormatError(f"{where}: a total without a direct value")
            token = row["direct_tco2e_per_t"] or "empty"
            stats.skip({DASH: "'–' (use the Other Countries and Territories value)",
                        NOT_APPLICABLE: "'NA' (not applicable)"}.get(token, "heading row (no value)"))
            continue
        if total is None:
            raise SourceFormatError(f"{where}: a direct value without a total")
        stats.valued += 1
        indirect = _value(row["indirect_tco2e_per_t"], where=f"{where} indirect")
        is_other = row["country_name"] == OTHER_COUNTRIES
        if not is_other and not row["iso2"]:
            raise SourceFormatError(f"{where}: no ISO code for {row['country_name']!r}")
        country = "OTHER" if is_other else row["iso2"]
        published = {"direct_tco2e_per_t": row["direct_tco2e_per_t"],
                     "indirect_tco2e_per_t": row["indirect_tco2e_per_t"],
                     "total_tco2e_per_t": row["total_tco2e_per_t"], "cn_code": row["cn_code"],
                     "country_name": row["country_name"]}
        for year in (2026, 2027, 2028):
            column = f"default_incl_markup_{year}"
            if column in row:
                published[column] = row[column]
        route = row["production_route"]
        notes = [f"Default embedded emissions for {row['country_name']}, CN {row['cn_code']}"
                 + (f", production route {route}" if route else "") + "."]
        if is_other:
            notes.append("Applies to every country not listed, and where a country's cell shows '–'.")
        if indirect is None:
            notes.append("Indirect emissions not applicable (direct emissions only).")
        if row["sector"] in SECTOR_NOTES:
            notes.append(SECTOR_NOTES[row["sector"]])
        parsed.factors.append(FactorRecord(
            external_id=f"{country}:{key_code(row['cn_code'], row['description'])}",
            scope="", level1="CBAM default values", level2=row["sector"], level3=row["description"],
            activity=row["description"], classification="CN", classification_code=row["cn_code"],
            region="GLOBAL" if is_other else row["iso2"], region_name=row["country_name"],
            year=DEFINITIVE_PERIOD_START.year, valid_from=DEFINITIVE_PERIOD_START, unit="tonne",
            kgco2e_per_unit=tonnes_to_kg(total), direct=tonnes_to_kg(direct),
            indirect=tonnes_to_kg(indirect) if indirect is not None else None, production_route=route,
            notes=" ".join(notes),
            conversion="kg CO2e per tonne = t CO2e per t × 1000 (direct, indirect and total alike). "
                       "Mark-up: factors.conversions.cbam_default_with_markup(total, year, sector).",
            published=published,
            keywords=f"{KEYWORDS} {row['cn8']} {row['cn_code']} {row['sector']} {country} "
                     + (f"route {route}" if route else "")))
    ensure_unique(parsed.factors, source=spec.code)
    return parsed


def parse_precursors(spec: SourceSpec) -> ParsedSource:
    """Annex IV: defaults for a precursor whose country of production is unknown."""
    file_name = spec.files[0]
    path = spec.path(file_name)
    require_columns(path, ["sector", "cn_code", "cn8", "description", "production_route",
                           "highest_third_country_tco2e_per_t"])
    stats = FileStats(name=file_name)
    parsed = ParsedSource(files=[stats])
    for line, row in read_rows(path):
        stats.rows += 1
        where = f"{file_name}:{line}"
        value = _value(row["highest_third_country_tco2e_per_t"], where=where)
        if value is None:
            stats.skip("no value published")
            continue
        stats.valued += 1
        route = row["production_route"]
        published = {key: row[key] for key in row if key.startswith("default_incl_markup_") or key in
                     ("highest_third_country_tco2e_per_t", "cn_code")}
        parsed.factors.append(FactorRecord(
            external_id=f"UNKNOWN:{key_code(row['cn_code'], row['description'])}:{route or '-'}",
            scope="", level1="CBAM precursor defaults (origin unknown)", level2=row["sector"],
            level3=row["description"], activity=f"{row['description']} (precursor, country of production unknown)",
            classification="CN", classification_code=row["cn_code"], region="GLOBAL",
            region_name="Country of production unknown", year=DEFINITIVE_PERIOD_START.year,
            valid_from=DEFINITIVE_PERIOD_START, unit="tonne", kgco2e_per_unit=tonnes_to_kg(value),
            production_route=route,
            notes="Highest default value of any third country for this precursor (IR (EU) 2025/2621 Annex IV). "
                  "IR (EU) 2026/1740 also corrects Annex IV; no machine-readable copy of the correction exists, "
                  "so this is the December 2025 version.",
            conversion="kg CO2e per tonne = t CO2e per t × 1000.", published=published,
            keywords=f"{KEYWORDS} precursor {row['cn8']} {row['cn_code']} {row['sector']}"))
    ensure_unique(parsed.factors, source=spec.code)
    return parsed


def parse_benchmarks(spec: SourceSpec) -> ParsedSource:
    """IR (EU) 2025/2620 benchmarks, one row per CN × column × route × year group."""
    file_name = spec.files[0]
    path = spec.path(file_name)
    require_columns(path, ["sector", "cn_code", "cn8", "description", "column", "production_route", "year_group",
                           "benchmark_tco2e_per_t"])
    stats = FileStats(name=file_name)
    parsed = ParsedSource(files=[stats])
    for line, row in read_rows(path):
        stats.rows += 1
        where = f"{file_name}:{line}"
        if not row["benchmark_tco2e_per_t"]:
            stats.skip("no value published")
            continue
        value = required_number(row["benchmark_tco2e_per_t"], where=f"{where} benchmark_tco2e_per_t")
        stats.valued += 1
        parsed.benchmarks.append(BenchmarkRecord(
            external_id=":".join([row["cn_code"].replace(" ", ""), slug(row["description"])[:60], row["column"],
                                  row["production_route"] or "-", row["year_group"] or "all"]),
            sector=row["sector"], cn_code=row["cn_code"], cn8=row["cn8"], description=row["description"],
            column=row["column"], production_route=row["production_route"], year_group=row["year_group"],
            benchmark_tco2e_per_t=value))
    ensure_unique(parsed.benchmarks, source=spec.code)
    return parsed
