"""UK Government GHG Conversion Factors for Company Reporting (DESNZ/Defra), flat file.

Every row of the flat file has an ``ID`` ``<table>_<level>_<item>_<unit>_<kind>``; the last
digit says what the row holds:

* ``_1`` — ``kg CO2e`` per unit, the factor itself → one :class:`EmissionFactor` each.
* ``_2``/``_3``/``_4`` — the CO2, CH4 and N2O parts (kg CO2e of the gas per unit) → attached
  to the ``_1`` factor of the same ID stem as ``co2``/``ch4``/``n2o``.
  Exception: rows in scope "Outside of Scopes" are the biogenic CO2 that DESNZ publishes
  without a ``_1`` total (bioenergy, biofuel blends, UK electricity) → their own factor,
  flagged ``outside_of_scopes`` with the value in ``biogenic_co2``, never resolved as an
  activity's factor.
* ``_5`` (``kWh (Net CV)``) and ``_6`` (``kWh (net)``) — SECR energy-content rows: kWh of fuel
  (net calorific value) or of electricity per km/mile driven. They are energy, not emissions →
  :class:`EnergyConversionFactor`, so they can never be multiplied into kg CO2e by mistake.

Values are stored as published (kg CO2e per UOM, GWP100 of IPCC AR5).
"""
from __future__ import annotations

from .base import (
    EnergyRecord,
    FactorRecord,
    FileStats,
    ParsedSource,
    SourceFormatError,
    SourceSpec,
    ensure_unique,
    number,
    read_rows,
    require_columns,
)

SCOPES = {"Scope 1": "1", "Scope 2": "2", "Scope 3": "3", "Outside of Scopes": ""}
GAS_FIELDS = {"kg CO2e of CO2 per unit": "co2", "kg CO2e of CH4 per unit": "ch4", "kg CO2e of N2O per unit": "n2o"}
ENERGY_UNITS = {"kWh (Net CV)": "kWh (Net CV)", "kWh (net)": "kWh"}
KEYWORDS = "DESNZ Defra BEIS UK government GHG conversion factors company reporting"


def activity_name(row: dict[str, str]) -> str:
    """Level 3 is DESNZ's item; Level 4 refines it (class, ship size) unless it only repeats the unit."""
    name = row["Level 3"] or row["Level 2"] or row["Level 1"]
    if row["Level 4"] and row["Level 4"] != row["UOM"]:
        name = f"{name} — {row['Level 4']}"
    if row["Column Text"]:
        name = f"{name}, {row['Column Text']}"
    return name


def parse(spec: SourceSpec) -> ParsedSource:
    file_name = spec.files[0]
    path = spec.path(file_name)
    value_column = f"GHG Conversion Factor {spec.year}"
    require_columns(path, ["ID", "Scope", "Level 1", "Level 2", "Level 3", "Level 4", "Column Text", "UOM",
                           "GHG/Unit", value_column])
    stats = FileStats(name=file_name)
    parsed = ParsedSource(files=[stats])
    totals: dict[str, FactorRecord] = {}
    gas_rows: list[tuple[str, dict[str, str], str]] = []
    for line, row in read_rows(path):
        stats.rows += 1
        where = f"{file_name}:{line}"
        value = number(row[value_column], where=f"{where} {value_column}")
        if value is None:
            stats.skip("no value published")
            continue
        stats.valued += 1
        kind, scope_label = row["GHG/Unit"], row["Scope"]
        if scope_label not in SCOPES:
            raise SourceFormatError(f"{where}: unknown scope {scope_label!r}")
        record_id = row["ID"]
        if kind == "kg CO2e":
            if not record_id.endswith("_1"):
                raise SourceFormatError(f"{where}: kg CO2e row with ID {record_id} (expected …_1)")
            record = _factor(spec, row, value, published={"value": row[value_column],
                                                          "unit": f"kg CO2e per {row['UOM']}"})
            totals[record_id[:-2]] = record
            parsed.factors.append(record)
        elif kind in GAS_FIELDS and scope_label == "Outside of Scopes":
            record = _factor(spec, row, value, published={"value": row[value_column],
                                                          "unit": f"kg CO2e of CO2 per {row['UOM']}"})
            record.outside_of_scopes = True
            record.biogenic_co2 = value
            record.notes = ("Biogenic CO2, reported outside of scopes (GHG Protocol; ESRS E1 asks for it "
                            "separately). DESNZ publishes no kg CO2e total for this row.")
            parsed.factors.append(record)
        elif kind in GAS_FIELDS:
            gas_rows.append((where, row, GAS_FIELDS[kind]))
        elif kind in ENERGY_UNITS:
            parsed.energy.append(EnergyRecord(
                external_id=record_id, activity=activity_name(row), region="GB", year=spec.year, unit=row["UOM"],
                energy_unit=ENERGY_UNITS[kind], energy_per_unit=value, scope=SCOPES[scope_label],
                level1=row["Level 1"], level2=row["Level 2"], level3=row["Level 3"], level4=row["Level 4"],
                qualifier=row["Column Text"],
                notes="SECR energy use: kWh per unit of activity (fuel at net calorific value)" if "Net CV" in kind
                else "SECR energy use: kWh of electricity per unit of activity"))
        else:
            raise SourceFormatError(f"{where}: unknown GHG/Unit {kind!r}")
    # Per-gas rows belong to the kg CO2e factor with the same ID stem (…_2 → …_1).
    for where, row, gas in gas_rows:
        total = totals.get(row["ID"][:-2])
        if total is None:
            raise SourceFormatError(f"{where}: {row['GHG/Unit']} row {row['ID']} has no kg CO2e total row")
        setattr(total, gas, number(row[value_column], where=where))
        total.published.setdefault("gas_rows", {})[row["ID"]] = row[value_column]
        parsed.attached[gas] = parsed.attached.get(gas, 0) + 1
    ensure_unique(parsed.factors, source=spec.code)
    ensure_unique(parsed.energy, source=spec.code)
    return parsed


def _factor(spec: SourceSpec, row: dict[str, str], value, *, published: dict) -> FactorRecord:
    return FactorRecord(
        external_id=row["ID"], activity=activity_name(row), region="GB", region_name="United Kingdom",
        year=spec.year, unit=row["UOM"], kgco2e_per_unit=value, scope=SCOPES[row["Scope"]],
        level1=row["Level 1"], level2=row["Level 2"], level3=row["Level 3"], level4=row["Level 4"],
        qualifier=row["Column Text"], gwp_basis="AR5", published=published,
        grid_electricity=row["Level 1"] == "UK electricity",
        keywords=KEYWORDS + (" grid electricity location-based" if row["Level 1"] == "UK electricity" else ""),
    )
