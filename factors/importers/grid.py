"""Grid electricity intensity by country: Ember (average of generation, life-cycle) and the IFI
harmonised default grid factors (project accounting margins).

Both publish grams per kWh; stored in kg per kWh (÷ 1000, exact).
"""
from __future__ import annotations

from ..conversions import grams_per_kwh_to_kg_per_kwh
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
    slug,
)

# Ember's regional aggregates → region codes (ISO has none; GLOBAL is the world).
EMBER_AGGREGATES = {
    "World": "GLOBAL", "EU": "EU", "ASEAN": "ASEAN", "Africa": "AFRICA", "Asia": "ASIA", "Europe": "EUROPE",
    "G20": "G20", "G7": "G7", "Latin America and Caribbean": "LATAM", "Middle East": "MIDDLE-EAST",
    "North America": "NORTH-AMERICA", "OECD": "OECD", "Oceania": "OCEANIA",
}
# IFI rows without an ISO 3166-1 code: sub-national grids get their ISO 3166-2 code where one exists.
IFI_REGIONS = {
    "Azores (Portugal)": "PT-20", "Madeira (Portugal)": "PT-30", "Canary Islands (Spain)": "ES-CN",
    "Channel Islands (U.K)": "CHANNEL-ISLANDS", "China (PRC and Hong Kong)": "CN", "Memo:  EU 27": "EU",
}
IFI_METRICS = {
    "cm_firm_energy_gco2_per_kwh": "combined margin, firm energy projects",
    "cm_intermittent_energy_gco2_per_kwh": "combined margin, intermittent renewable projects",
    "cm_energy_efficiency_gco2_per_kwh": "combined margin, energy efficiency projects",
    "cm_electricity_consumption_gco2_per_kwh": "combined margin, electricity consumption projects",
    "operating_margin_gco2_per_kwh": "operating margin",
}


def parse_ember(spec: SourceSpec) -> ParsedSource:
    file_name = spec.files[0]
    path = spec.path(file_name)
    require_columns(path, ["key", "iso3", "iso2", "country_or_region", "is_aggregate", "data_year",
                           "emissions_intensity_gco2e_per_kwh", "emissions_intensity_kgco2e_per_kwh"])
    stats = FileStats(name=file_name)
    parsed = ParsedSource(files=[stats])
    for line, row in read_rows(path):
        stats.rows += 1
        where = f"{file_name}:{line}"
        grams = number(row["emissions_intensity_gco2e_per_kwh"], where=f"{where} gco2e")
        if grams is None:
            stats.skip("no value published")
            continue
        stats.valued += 1
        kg = grams_per_kwh_to_kg_per_kwh(grams)
        stated_kg = number(row["emissions_intensity_kgco2e_per_kwh"], where=f"{where} kgco2e")
        if stated_kg is not None and stated_kg != kg:
            raise SourceFormatError(f"{where}: kg column {stated_kg} is not g/1000 = {kg}")
        aggregate = row["is_aggregate"] == "yes"
        if aggregate:
            region = EMBER_AGGREGATES.get(row["key"])
            if region is None:
                raise SourceFormatError(f"{where}: unknown Ember aggregate {row['key']!r}")
        elif not row["iso2"]:
            raise SourceFormatError(f"{where}: country without an ISO code")
        else:
            region = row["iso2"]
        name = row["country_or_region"]
        parsed.factors.append(FactorRecord(
            external_id=row["key"], scope="2", level1="Electricity", level2="Grid average intensity (Ember)",
            level3=name, activity=f"Grid electricity, {name}", region=region, region_name=name,
            year=int(row["data_year"]), unit="kWh", kgco2e_per_unit=kg, grid_electricity=True, gwp_basis="AR5",
            notes=(f"Average carbon intensity of electricity generation in {row['data_year']}, life-cycle "
                   "(IPCC AR5 WG3 life-cycle factors: includes upstream emissions; generation-based, no imports or "
                   "T&D losses)." + (" Regional aggregate." if aggregate else "")),
            conversion="kg CO2e per kWh = g CO2e per kWh ÷ 1000",
            published={"emissions_intensity_gco2e_per_kwh": row["emissions_intensity_gco2e_per_kwh"],
                       "data_year": row["data_year"], "key": row["key"], "iso3": row["iso3"]},
            keywords=f"Ember grid electricity power location-based purchased electricity {row['iso3']} {name}"))
    ensure_unique(parsed.factors, source=spec.code)
    return parsed


def parse_ifi(spec: SourceSpec) -> ParsedSource:
    file_name = spec.files[0]
    path = spec.path(file_name)
    require_columns(path, ["country_territory", "iso2_best_effort", *IFI_METRICS])
    stats = FileStats(name=file_name)
    parsed = ParsedSource(files=[stats])
    for line, row in read_rows(path):
        stats.rows += 1
        where = f"{file_name}:{line}"
        name = row["country_territory"]
        region = row["iso2_best_effort"] or IFI_REGIONS.get(name)
        if not region:
            raise SourceFormatError(f"{where}: no region code for {name!r}")
        made = 0
        for column, label in IFI_METRICS.items():
            grams = number(row[column], where=f"{where} {column}")
            if grams is None:
                continue
            made += 1
            kg = grams_per_kwh_to_kg_per_kwh(grams)
            key = region if row["iso2_best_effort"] else slug(name)
            parsed.factors.append(FactorRecord(
                external_id=f"{key}:{column.removesuffix('_gco2_per_kwh')}",
                scope="", level1="Electricity", level2="IFI harmonised default grid factors", level3=label,
                activity=f"Grid electricity, {name}, {label}", region=region, region_name=name, year=2021,
                unit="kWh", kgco2e_per_unit=kg, co2=kg,
                notes=("For project-level GHG accounting (methodology AHG-001), not for a corporate inventory's "
                       "location-based Scope 2. CO2 only."),
                conversion="kg CO2 per kWh = g CO2 per kWh ÷ 1000", published={column: row[column]},
                keywords=f"IFI UNFCCC grid factor combined margin operating margin {name}"))
        if made:
            stats.valued += 1
        else:
            stats.skip("no value published")
    ensure_unique(parsed.factors, source=spec.code)
    return parsed
