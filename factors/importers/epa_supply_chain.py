"""US EPA Supply Chain GHG Emission Factors v1.3 (USEEIO), kg CO2e per 2022 USD by NAICS-6.

The factor is EPA's "Supply Chain Emission Factor *with* Margins" (purchaser price: multiply a
purchase's price paid by it); the value without margins and the margin are kept in
``published``. The by-gas file gives **kg of each gas** per USD: CO2, CH4 and N2O are turned
into kg CO2e with the AR5 GWP100 EPA used (1, 28, 265), the fluorinated gases with their AR5
GWP100 from the IPCC table shipped in ``ipcc_gwp/``, plus the "HFCs and PFCs, unspecified"
row that EPA already gives in kg CO2e — their sum is ``other``. The gas parts are rounded by
EPA to three significant figures, so they add up to the total only approximately.
"""
from __future__ import annotations

from decimal import Decimal

from ..conversions import exact_sum, gas_co2e
from .base import (
    FactorRecord,
    FileStats,
    ParsedSource,
    SourceFormatError,
    SourceSpec,
    ensure_unique,
    plain,
    read_rows,
    require_columns,
    required_number,
)

CO2E_FILE_COLUMNS = ["2017 NAICS Code", "2017 NAICS Title", "GHG", "Unit",
                     "Supply Chain Emission Factors without Margins", "Margins of Supply Chain Emission Factors",
                     "Supply Chain Emission Factors with Margins", "Reference USEEIO Code"]
# EPA gas name → species name in the IPCC table (globalwarmingpotentials' compact names).
FGAS_SPECIES = {
    "HFC-23": "HFC23", "HFC-32": "HFC32", "HFC-125": "HFC125", "HFC-134a": "HFC134a", "HFC-143a": "HFC143a",
    "HFC-236fa": "HFC236fa", "Carbon tetrafluoride": "CF4", "Hexafluoroethane": "C2F6", "Perfluoropropane": "C3F8",
    "Perfluorobutane": "C4F10", "Perfluorocyclobutane": "cC4F8", "Perfluorohexane": "C6F14",
    "Sulfur hexafluoride": "SF6", "Nitrogen trifluoride": "NF3",
}
MAIN_GASES = {"Carbon dioxide": ("co2", "CO2"), "Methane": ("ch4", "CH4"), "Nitrous oxide": ("n2o", "N2O")}
UNSPECIFIED = "HFCs and PFCs, unspecified"
IPCC_FILE = "ipcc_gwp/gwp_ipcc_assessment_reports.csv"
KEYWORDS = "US EPA supply chain USEEIO spend-based purchased goods services NAICS"


def ar5_gwp100(spec: SourceSpec) -> dict[str, Decimal]:
    """AR5 GWP100 by species from the shipped IPCC table."""
    values: dict[str, Decimal] = {}
    for line, row in read_rows(spec.path(IPCC_FILE)):
        if row["AR5GWP100"]:
            values[row["species"]] = required_number(row["AR5GWP100"], where=f"{IPCC_FILE}:{line}")
    return values


def parse(spec: SourceSpec) -> ParsedSource:
    co2e_name, by_gas_name = spec.files[0], spec.files[1]
    require_columns(spec.path(co2e_name), CO2E_FILE_COLUMNS)
    require_columns(spec.path(by_gas_name), CO2E_FILE_COLUMNS)
    gwp = ar5_gwp100(spec)
    missing = [species for species in list(FGAS_SPECIES.values()) + ["CO2", "CH4", "N2O"] if species not in gwp]
    if missing:
        raise SourceFormatError(f"{IPCC_FILE}: no AR5 GWP100 for {missing}")
    co2e_stats, gas_stats = FileStats(name=co2e_name), FileStats(name=by_gas_name)
    parsed = ParsedSource(files=[co2e_stats, gas_stats])

    by_code: dict[str, FactorRecord] = {}
    for line, row in read_rows(spec.path(co2e_name)):
        co2e_stats.rows += 1
        where = f"{co2e_name}:{line}"
        if row["GHG"] != "All GHGs":
            raise SourceFormatError(f"{where}: expected GHG 'All GHGs', got {row['GHG']!r}")
        with_margins = required_number(row["Supply Chain Emission Factors with Margins"], where=where)
        co2e_stats.valued += 1
        code = row["2017 NAICS Code"]
        record = FactorRecord(
            external_id=code, scope="3", level1="Purchased goods and services (spend-based)",
            level2=f"NAICS {code[:2]}", level3=f"NAICS {code[:4]}", activity=row["2017 NAICS Title"],
            classification="NAICS-2017", classification_code=code, region="US", region_name="United States",
            year=2022, unit="USD", kgco2e_per_unit=with_margins, gwp_basis="AR5",
            notes=("kg CO2e per 2022 US dollar at purchaser price (with margins). Adjust spend of other years "
                   "for inflation to 2022 USD before multiplying. USEEIO code " + row["Reference USEEIO Code"] + "."),
            conversion="Stored as published: 'Supply Chain Emission Factors with Margins'.",
            published={"with_margins": row["Supply Chain Emission Factors with Margins"],
                       "without_margins": row["Supply Chain Emission Factors without Margins"],
                       "margins": row["Margins of Supply Chain Emission Factors"],
                       "unit": row["Unit"], "useeio_code": row["Reference USEEIO Code"]},
            keywords=f"{KEYWORDS} {code}")
        by_code[code] = record
        parsed.factors.append(record)

    others: dict[str, list[Decimal]] = {}
    for line, row in read_rows(spec.path(by_gas_name)):
        gas_stats.rows += 1
        where = f"{by_gas_name}:{line}"
        record = by_code.get(row["2017 NAICS Code"])
        if record is None:
            raise SourceFormatError(f"{where}: NAICS {row['2017 NAICS Code']} is not in {co2e_name}")
        gas = row["GHG"]
        value = required_number(row["Supply Chain Emission Factors with Margins"], where=where)
        gas_stats.valued += 1
        record.published.setdefault("by_gas_kg_per_usd", {})[gas] = row["Supply Chain Emission Factors with Margins"]
        if gas in MAIN_GASES:
            field, species = MAIN_GASES[gas]
            setattr(record, field, gas_co2e(value, gwp[species]))
        elif gas in FGAS_SPECIES:
            others.setdefault(record.external_id, []).append(gas_co2e(value, gwp[FGAS_SPECIES[gas]]))
        elif gas == UNSPECIFIED:
            if "CO2e" not in row["Unit"]:
                raise SourceFormatError(f"{where}: expected '{UNSPECIFIED}' in kg CO2e, unit is {row['Unit']!r}")
            others.setdefault(record.external_id, []).append(value)
        else:
            raise SourceFormatError(f"{where}: unknown gas {gas!r}")
        parsed.attached[gas] = parsed.attached.get(gas, 0) + 1
    for code, values in others.items():
        by_code[code].other = exact_sum(*values)
    for record in parsed.factors:
        if record.co2 is not None:
            parts = exact_sum(record.co2, record.ch4, record.n2o, record.other)
            record.conversion += (" Gas parts from the by-gas file (kg of gas × AR5 GWP100; F-gases from the IPCC "
                                  f"table): they sum to {plain(parts)} against the published total.")
    ensure_unique(parsed.factors, source=spec.code)
    return parsed
