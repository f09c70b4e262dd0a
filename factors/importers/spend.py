"""Spend-based (environmentally extended input-output) factors for Europe: EXIOBASE 3.8.2 via
Climatiq's Open Emission Factors DB (kg CO2e per EUR, product by product, 5 regions) and Ecodex
FIGARO (kg CO2e per thousand EUR of output, 31 countries × 62 NACE industries).
"""
from __future__ import annotations

from ..conversions import per_thousand_to_per_unit
from .base import (
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
)

QUALITY_FLAGS = {"o": "outlier", "h": "suspicious homogeneity across entries"}


def parse_exiobase(spec: SourceSpec) -> ParsedSource:
    file_name = spec.files[0]
    path = spec.path(file_name)
    require_columns(path, ["sector", "category", "activity_id", "name", "activity_unit", "kgCO2e-AR5", "kgCO2e-AR4",
                           "scope", "region", "data_quality", "years_calculated_from", "source"])
    stats = FileStats(name=file_name)
    parsed = ParsedSource(files=[stats])
    for line, row in read_rows(path):
        stats.rows += 1
        where = f"{file_name}:{line}"
        value = number(row["kgCO2e-AR5"], where=f"{where} kgCO2e-AR5")
        if value is None:
            stats.skip("no value published")
            continue
        if row["activity_unit"] != "EUR" or row["source"] != "EXIOBASE":
            raise SourceFormatError(f"{where}: expected an EXIOBASE factor per EUR")
        stats.valued += 1
        flags = [QUALITY_FLAGS[f] for f in row["data_quality"].split("|") if f]
        notes = ["kg CO2e per EUR of product output at basic prices (EUR of 2019), cradle-to-gate: direct plus all "
                 "upstream emissions, all GHGs (EXIOBASE 'GHG emissions AR5 (GWP100)' multiplier)."]
        if flags:
            notes.append("Climatiq data-quality flag: " + ", ".join(flags) + " — cap or replace before use.")
        parsed.factors.append(FactorRecord(
            external_id=f"{row['activity_id']}:{row['region']}", scope="3",
            level1="Purchased goods and services (spend-based)", level2=row["sector"], level3=row["category"],
            activity=row["name"], region=row["region"], year=int(row["years_calculated_from"]), unit="EUR",
            kgco2e_per_unit=value, gwp_basis="AR5", notes=" ".join(notes),
            conversion="Stored as published (kgCO2e-AR5).",
            published={"kgCO2e-AR5": row["kgCO2e-AR5"], "kgCO2e-AR4": row["kgCO2e-AR4"],
                       "activity_id": row["activity_id"], "data_quality": row["data_quality"]},
            keywords="EXIOBASE spend-based input-output EEIO purchased goods services Climatiq"))
    ensure_unique(parsed.factors, source=spec.code)
    return parsed


def parse_figaro(spec: SourceSpec) -> ParsedSource:
    file_name = spec.files[0]
    path = spec.path(file_name)
    columns = ["year", "country_code", "country", "nace_code", "industry", "output_meur", "total_scopes_1_2_3_upstream",
               "scopes_1_2", "scope_3_upstream", "scope_1", "scope_2", "total_co2", "scopes_1_2_co2",
               "scope_3_upstream_co2", "total_share_domestic", "total_share_other_eu27", "total_share_rest_of_world"]
    require_columns(path, columns)
    stats = FileStats(name=file_name)
    parsed = ParsedSource(files=[stats])
    for line, row in read_rows(path):
        stats.rows += 1
        where = f"{file_name}:{line}"
        total = number(row["total_scopes_1_2_3_upstream"], where=f"{where} total_scopes_1_2_3_upstream")
        if total is None:
            stats.skip("no value published")
            continue
        stats.valued += 1
        co2 = required_number(row["total_co2"], where=f"{where} total_co2")
        parsed.factors.append(FactorRecord(
            external_id=f"{row['country_code']}:{row['nace_code']}", scope="3",
            level1="Purchased goods and services (spend-based)", level2=f"NACE {row['nace_code']}",
            level3=row["industry"], activity=row["industry"], classification="NACE-2 (FIGARO A64)",
            classification_code=row["nace_code"], region=row["country_code"], region_name=row["country"],
            year=int(row["year"]), unit="EUR", kgco2e_per_unit=per_thousand_to_per_unit(total),
            co2=per_thousand_to_per_unit(co2), gwp_basis="AR5",
            notes=("kg CO2e per EUR of output of the supplying industry, basic prices (EUR of 2019), cradle-to-gate "
                   "(supplier's scopes 1, 2 and upstream scope 3), all GHGs of the Eurostat air emissions accounts. "
                   "Invoices are at purchaser prices: applying a basic-price factor overstates goods by about 9 % "
                   "(Ecodex)."),
            conversion="kg CO2e per EUR = kg CO2e per thousand EUR ÷ 1000 (the split columns alike, in published).",
            published={key: row[key] for key in columns[5:]} | {"unit": "kg CO2e per thousand EUR"},
            keywords="FIGARO Eurostat Ecodex spend-based input-output EEIO purchased goods services NACE"))
    ensure_unique(parsed.factors, source=spec.code)
    return parsed
