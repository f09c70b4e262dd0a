"""US EPA GHG Emission Factors Hub (one edition = one folder of tidy CSV tables).

EPA publishes CO2 in kg and CH4/N2O in **g** per unit, and electricity in **lb/MWh**. Each
factor's kg CO2e per unit is computed once, exactly, with the GWPs the Hub itself states
(``gwp_used_by_hub.csv``: AR5, CH4 = 28, N2O = 265):

    kg CO2e = CO2 kg + CH4 g ÷ 1000 × GWP(CH4) + N2O g ÷ 1000 × GWP(N2O)

The published cells are kept in ``published``. Biomass fuels: EPA lists their CO2, which is
biogenic — per the GHG Protocol it is reported outside of scopes, so it goes to
``biogenic_co2`` and the scope 1 factor is the CH4 + N2O part. Stationary combustion factors
per mmBtu are on EPA's higher heating value basis, stored as ``mmBtu (Gross CV)``.
"""
from __future__ import annotations

from decimal import Decimal

from ..conversions import exact_sum, gas_co2e, grams_to_kg, lb_per_mwh_to_kg_per_kwh, tonnes_to_kg
from .base import (
    FactorRecord,
    FileStats,
    GwpRecord,
    ParsedSource,
    SourceFormatError,
    SourceSpec,
    ensure_unique,
    number,
    read_rows,
    required_number,
    slug,
)

KEYWORDS = "US EPA GHG Emission Factors Hub United States"
PER_MMBTU = ("co2_kg_per_mmbtu", "ch4_g_per_mmbtu", "n2o_g_per_mmbtu")
PER_UNIT = ("co2_kg_per_unit", "ch4_g_per_unit", "n2o_g_per_unit")
BIOGENIC_MOBILE_FUELS = {"Biodiesel (100%)", "Ethanol (100%)"}
WASTE_METHODS = {
    "recycled": "Recycled", "landfilled": "Landfilled", "combusted": "Combusted", "composted": "Composted",
    "anaerobically_digested_dry": "Anaerobically digested (dry digestate with curing)",
    "anaerobically_digested_wet": "Anaerobically digested (wet digestate with curing)",
}


class _Context:
    def __init__(self, spec: SourceSpec, parsed: ParsedSource):
        self.spec, self.parsed = spec, parsed
        self.gwp: dict[str, Decimal] = {}

    def file(self, table: str) -> tuple[str, FileStats] | None:
        name = next((f for f in self.spec.files if f.endswith(f"/{table}.csv")), None)
        if name is None:
            return None
        stats = FileStats(name=name)
        self.parsed.files.append(stats)
        return name, stats

    def rows(self, table: str):
        found = self.file(table)
        if found is None:
            return
        name, stats = found
        for line, row in read_rows(self.spec.path(name)):
            stats.rows += 1
            yield f"{name}:{line}", row, stats

    def gases(self, *, co2_kg: Decimal | None, ch4_g: Decimal | None, n2o_g: Decimal | None, biogenic: bool = False):
        """(kg CO2e total, co2, ch4, n2o, biogenic_co2) in kg CO2e per unit, exactly."""
        ch4 = gas_co2e(grams_to_kg(ch4_g), self.gwp["CH4"]) if ch4_g is not None else None
        n2o = gas_co2e(grams_to_kg(n2o_g), self.gwp["N2O"]) if n2o_g is not None else None
        if biogenic:
            return exact_sum(ch4, n2o), None, ch4, n2o, co2_kg
        return exact_sum(co2_kg, ch4, n2o), co2_kg, ch4, n2o, None

    def formula(self, *, biogenic: bool = False, co2: bool = True, ch4: bool = True, n2o: bool = True,
                unit: str = "") -> str:
        parts = (["CO2 kg"] if co2 and not biogenic else []) + \
                ([f"CH4 g ÷ 1000 × {self.gwp['CH4']}"] if ch4 else []) + \
                ([f"N2O g ÷ 1000 × {self.gwp['N2O']}"] if n2o else [])
        text = f"kg CO2e per {unit} = " + " + ".join(parts) + " (GWP100, IPCC AR5, as stated by the Hub)"
        if biogenic:
            text += "; the CO2 of this biomass fuel is biogenic and kept apart in biogenic CO2 (outside of scopes)"
        return text

    def factor(self, **kwargs) -> FactorRecord:
        kwargs.setdefault("region", "US")
        kwargs.setdefault("region_name", "United States")
        kwargs.setdefault("year", self.spec.year)
        kwargs.setdefault("gwp_basis", "AR5")
        kwargs["keywords"] = f"{KEYWORDS} {kwargs.get('keywords', '')}".strip()
        record = FactorRecord(**kwargs)
        self.parsed.factors.append(record)
        return record


def parse(spec: SourceSpec) -> ParsedSource:
    parsed = ParsedSource()
    ctx = _Context(spec, parsed)
    _gwp_used_by_hub(ctx)
    _table1(ctx)
    _table2(ctx)
    _table3(ctx)
    _table4(ctx)
    _table5(ctx)
    _table6(ctx)
    _table7(ctx)
    _transport_table(ctx, "table8_scope3_upstream_downstream_transport", "t8", "Upstream and downstream transportation")
    _table9(ctx)
    _transport_table(ctx, "table10_scope3_business_travel_commuting", "t10", "Business travel and employee commuting")
    _table11(ctx)
    _table12(ctx)
    ensure_unique(parsed.factors, source=spec.code)
    ensure_unique(parsed.gwps, source=spec.code)
    return parsed


def _gwp_used_by_hub(ctx: _Context) -> None:
    for where, row, stats in ctx.rows("gwp_used_by_hub"):
        value = required_number(row["gwp100"], where=f"{where} gwp100")
        ctx.gwp[row["gas"]] = value
        stats.valued += 1
        report = row["basis"].replace("IPCC ", "").strip()
        ctx.parsed.gwps.append(GwpRecord(external_id=f"hub:{row['gas']}", species=row["gas"], report=report,
                                         metric="GWP100", value=value,
                                         notes="GWP the Hub uses to convert CH4 and N2O to CO2e"))
    if set(ctx.gwp) != {"CH4", "N2O"}:
        raise SourceFormatError(f"{ctx.spec.code}: gwp_used_by_hub.csv must give CH4 and N2O, got {sorted(ctx.gwp)}")


def _table1(ctx: _Context) -> None:
    for where, row, stats in ctx.rows("table1_stationary_combustion"):
        category, fuel = row["fuel_category"], row["fuel_type"]
        biogenic = category.startswith("Biomass Fuels")
        common = dict(scope="1", level1="Stationary combustion", level2=category, level3=fuel, activity=fuel,
                      keywords="stationary combustion fuel boiler furnace" + (" biomass" if biogenic else ""))
        note = "Biomass fuel: CO2 is biogenic (outside of scopes); the factor is CH4 + N2O." if biogenic else ""
        mmbtu = [number(row[c], where=f"{where} {c}") for c in PER_MMBTU]
        made = 0
        if any(v is not None for v in mmbtu):
            total, co2, ch4, n2o, bio = ctx.gases(co2_kg=mmbtu[0], ch4_g=mmbtu[1], n2o_g=mmbtu[2], biogenic=biogenic)
            ctx.factor(external_id=f"t1:{slug(fuel)}:mmbtu", unit="mmBtu (Gross CV)", kgco2e_per_unit=total, co2=co2,
                       ch4=ch4, n2o=n2o, biogenic_co2=bio, notes=" ".join(filter(None, [
                           "Per mmBtu of fuel at higher heating value (gross calorific value).", note])),
                       conversion=ctx.formula(biogenic=biogenic, unit="mmBtu"),
                       published={k: row[k] for k in PER_MMBTU},
                       **common)
            made += 1
        per_unit = [number(row[c], where=f"{where} {c}") for c in PER_UNIT]
        if any(v is not None for v in per_unit):
            if not row["unit"]:
                raise SourceFormatError(f"{where}: per-unit values without a unit")
            total, co2, ch4, n2o, bio = ctx.gases(co2_kg=per_unit[0], ch4_g=per_unit[1], n2o_g=per_unit[2],
                                                  biogenic=biogenic)
            heat = f"Heat content {row['heat_content_hhv']} {row['heat_content_unit']} (HHV)." \
                if row["heat_content_hhv"] else ""
            ctx.factor(external_id=f"t1:{slug(fuel)}:unit", unit=row["unit"], kgco2e_per_unit=total, co2=co2, ch4=ch4,
                       n2o=n2o, biogenic_co2=bio, notes=" ".join(filter(None, [heat, note])),
                       conversion=ctx.formula(biogenic=biogenic, unit=row["unit"]),
                       published={k: row[k] for k in ("co2_kg_per_unit", "ch4_g_per_unit", "n2o_g_per_unit", "unit",
                                                       "heat_content_hhv", "heat_content_unit")},
                       **common)
            made += 1
        if made:
            stats.valued += 1
        else:
            stats.skip("no value published")


def _table2(ctx: _Context) -> None:
    for where, row, stats in ctx.rows("table2_mobile_combustion_co2"):
        fuel = row["fuel_type"]
        co2 = number(row["co2_kg_per_unit"], where=f"{where} co2_kg_per_unit")
        if co2 is None:
            stats.skip("no value published")
            continue
        stats.valued += 1
        biogenic = fuel in BIOGENIC_MOBILE_FUELS
        ctx.factor(external_id=f"t2:{slug(fuel)}", scope="1", level1="Mobile combustion", level2="CO2 by fuel",
                   level3=fuel, activity=f"{fuel}, mobile combustion (CO2)", unit=row["unit"],
                   kgco2e_per_unit=Decimal(0) if biogenic else co2, co2=None if biogenic else co2,
                   biogenic_co2=co2 if biogenic else None, gwp_basis="",
                   notes="CO2 only: add CH4 and N2O per vehicle-mile (Tables 3–4) or per gallon (Table 5)."
                   + (" Biofuel: its CO2 is biogenic, reported outside of scopes." if biogenic else ""),
                   conversion="Stored as published (kg CO2 per unit)." if not biogenic else
                   "Biogenic CO2 kept apart in biogenic CO2; the scope 1 CO2 of a 100 % biofuel is zero.",
                   published={"co2_kg_per_unit": row["co2_kg_per_unit"], "unit": row["unit"]},
                   keywords="vehicle fleet fuel transport")


def _ch4_n2o_factor(ctx: _Context, where: str, row: dict, stats: FileStats, *, external_id: str, level2: str,
                    level3: str, activity: str, unit: str, ch4_col: str, n2o_col: str, qualifier: str = "") -> None:
    ch4_g = number(row[ch4_col], where=f"{where} {ch4_col}")
    n2o_g = number(row[n2o_col], where=f"{where} {n2o_col}")
    if ch4_g is None and n2o_g is None:
        stats.skip("no value published")
        return
    stats.valued += 1
    total, _, ch4, n2o, _ = ctx.gases(co2_kg=None, ch4_g=ch4_g, n2o_g=n2o_g)
    published = {ch4_col: row[ch4_col], n2o_col: row[n2o_col]}
    if row.get("footnote"):
        published["footnote"] = row["footnote"]
    ctx.factor(external_id=external_id, scope="1", level1="Mobile combustion", level2=level2, level3=level3,
               qualifier=qualifier, activity=activity, unit=unit, kgco2e_per_unit=total, ch4=ch4, n2o=n2o,
               notes="CH4 and N2O only: add the fuel's CO2 from Table 2.",
               conversion=ctx.formula(co2=False, unit=unit), published=published,
               keywords="vehicle fleet methane nitrous oxide")


def _table3(ctx: _Context) -> None:
    for where, row, stats in ctx.rows("table3_mobile_ch4_n2o_onroad_gasoline"):
        vehicle, year = row["vehicle_type"], row["model_year"]
        _ch4_n2o_factor(ctx, where, row, stats, external_id=f"t3:{slug(vehicle)}:{year}",
                        level2="CH4 and N2O, on-road gasoline vehicles", level3=vehicle, qualifier=f"Model year {year}",
                        activity=f"{vehicle}, model year {year} (CH4 and N2O)", unit="vehicle-mile",
                        ch4_col="ch4_g_per_vehicle_mile", n2o_col="n2o_g_per_vehicle_mile")


def _table4(ctx: _Context) -> None:
    for where, row, stats in ctx.rows("table4_mobile_ch4_n2o_onroad_diesel_alt"):
        vehicle, fuel, year = row["vehicle_type"], row["fuel_type"], row["model_year"]
        label = f"{vehicle}, {fuel}" + (f", model year {year}" if year else "")
        _ch4_n2o_factor(ctx, where, row, stats, external_id=f"t4:{slug(vehicle)}:{slug(fuel)}:{year or 'all'}",
                        level2="CH4 and N2O, on-road diesel and alternative fuel vehicles", level3=vehicle,
                        qualifier=f"{fuel}" + (f", model year {year}" if year else ""),
                        activity=f"{label} (CH4 and N2O)", unit="vehicle-mile",
                        ch4_col="ch4_g_per_vehicle_mile", n2o_col="n2o_g_per_vehicle_mile")


def _table5(ctx: _Context) -> None:
    for where, row, stats in ctx.rows("table5_mobile_ch4_n2o_nonroad"):
        vehicle, fuel = row["vehicle_type"], row["fuel_type"]
        _ch4_n2o_factor(ctx, where, row, stats, external_id=f"t5:{slug(vehicle)}:{slug(fuel)}",
                        level2="CH4 and N2O, non-road vehicles", level3=vehicle, qualifier=fuel,
                        activity=f"{vehicle}, {fuel} (CH4 and N2O)", unit="gallon",
                        ch4_col="ch4_g_per_gallon", n2o_col="n2o_g_per_gallon")


def _table6(ctx: _Context) -> None:
    egrid = "eGRID2022" if ctx.spec.year == 2024 else "eGRID2023" if ctx.spec.year == 2025 else "eGRID"
    for where, row, stats in ctx.rows("table6_electricity_egrid_subregions"):
        code, name = row["egrid_subregion"], row["egrid_subregion_name"]
        is_us = code == "US Average"
        made = 0
        for prefix, label, scope in (("total_output", "total output", "2"), ("nonbaseload", "non-baseload", "")):
            lbs = {gas: number(row[f"{prefix}_{gas}_lb_per_mwh"], where=f"{where} {prefix}_{gas}_lb_per_mwh")
                   for gas in ("co2", "ch4", "n2o")}
            if all(value is None for value in lbs.values()):
                continue
            kg = {gas: lb_per_mwh_to_kg_per_kwh(value) if value is not None else None for gas, value in lbs.items()}
            co2 = kg["co2"]
            ch4 = gas_co2e(kg["ch4"], ctx.gwp["CH4"])
            n2o = gas_co2e(kg["n2o"], ctx.gwp["N2O"])
            ctx.factor(
                external_id=f"t6:{'US' if is_us else code}:{slug(label)}", scope=scope, level1="Electricity",
                level2=f"eGRID {label} emission rate", level3=name,
                activity=f"Grid electricity, {name}" + ("" if is_us else f" ({code})") + f", {label} rate",
                classification="eGRID", classification_code="" if is_us else code,
                region="US" if is_us else code, region_name="United States" if is_us else f"{name} (eGRID subregion)",
                unit="kWh", kgco2e_per_unit=exact_sum(co2, ch4, n2o), co2=co2, ch4=ch4, n2o=n2o,
                grid_electricity=scope == "2",
                notes=(f"{egrid} {label} rate. " + (
                    "Use for location-based Scope 2." if scope == "2" else
                    "Non-baseload rates estimate avoided emissions; EPA advises total output rates for Scope 2.")),
                conversion=("kg per kWh = lb per MWh × 0.45359237 kg/lb ÷ 1000 kWh/MWh; "
                            f"kg CO2e = CO2 + CH4 × {ctx.gwp['CH4']} + N2O × {ctx.gwp['N2O']}"),
                published={f"{prefix}_{gas}_lb_per_mwh": row[f"{prefix}_{gas}_lb_per_mwh"]
                           for gas in ("co2", "ch4", "n2o")},
                keywords=f"grid electricity power location-based egrid {code} purchased electricity")
            made += 1
        if made:
            stats.valued += 1
        else:
            stats.skip("no value published")


def _table7(ctx: _Context) -> None:
    for where, row, stats in ctx.rows("table7_steam_and_heat"):
        values = [number(row[c], where=f"{where} {c}") for c in PER_MMBTU]
        if all(v is None for v in values):
            stats.skip("no value published")
            continue
        stats.valued += 1
        total, co2, ch4, n2o, _ = ctx.gases(co2_kg=values[0], ch4_g=values[1], n2o_g=values[2])
        ctx.factor(external_id=f"t7:{slug(row['category'])}", scope="2", level1="Steam and heat",
                   level3=row["category"], activity=f"{row['category']} (purchased)", unit="mmBtu",
                   kgco2e_per_unit=total, co2=co2, ch4=ch4, n2o=n2o,
                   notes="Per mmBtu of steam or heat purchased.", conversion=ctx.formula(unit="mmBtu"),
                   published={k: row[k] for k in PER_MMBTU},
                   keywords="district heating steam purchased heat")


def _transport_table(ctx: _Context, table: str, prefix: str, level1: str) -> None:
    for where, row, stats in ctx.rows(table):
        vehicle, unit = row["vehicle_type"], row["unit"]
        values = [number(row[c], where=f"{where} {c}") for c in ("co2_kg_per_unit", "ch4_g_per_unit", "n2o_g_per_unit")]
        if all(v is None for v in values):
            stats.skip("no value published")
            continue
        stats.valued += 1
        total, co2, ch4, n2o, _ = ctx.gases(co2_kg=values[0], ch4_g=values[1], n2o_g=values[2])
        published = {k: row[k] for k in ("co2_kg_per_unit", "ch4_g_per_unit", "n2o_g_per_unit", "unit")}
        if row.get("footnote"):
            published["footnote"] = row["footnote"]
        ctx.factor(external_id=f"{prefix}:{slug(vehicle)}:{slug(unit)}", scope="3", level1=level1, level3=vehicle,
                   activity=f"{vehicle} ({unit})", unit=unit, kgco2e_per_unit=total, co2=co2, ch4=ch4, n2o=n2o,
                   conversion=ctx.formula(unit=unit), published=published,
                   keywords="transport travel freight commuting")


def _table9(ctx: _Context) -> None:
    for where, row, stats in ctx.rows("table9_scope3_waste"):
        material = row["material"]
        made = 0
        for column, label in WASTE_METHODS.items():
            value = number(row[column], where=f"{where} {column}")
            if value is None:
                continue
            made += 1
            ctx.factor(external_id=f"t9:{slug(material)}:{column}", scope="3", level1="Waste", level2=label,
                       level3=material, activity=f"{material}, {label.lower()}", unit="short ton",
                       kgco2e_per_unit=tonnes_to_kg(value), gwp_basis="AR4",
                       notes="Waste generated in operations (EPA WARM based; AR4 GWPs per EPA's note).",
                       conversion="kg CO2e per short ton = metric tons CO2e per short ton × 1000",
                       published={column: row[column], "unit": "metric tons CO2e per short ton"},
                       keywords="waste disposal end of life recycling landfill")
        if made:
            stats.valued += 1
        else:
            stats.skip("no value published (NA for every method)")


def _table11(ctx: _Context) -> None:
    for where, row, stats in ctx.rows("table11_gwp"):
        value = number(row["gwp100_ar5"], where=f"{where} gwp100_ar5")
        if value is None:
            stats.skip("no value published")
            continue
        stats.valued += 1
        ctx.parsed.gwps.append(GwpRecord(external_id=f"table11:{row['chemical_formula']}",
                                         species=row["chemical_formula"], name=row["name"],
                                         formula=row["chemical_formula"], report="AR5", metric="GWP100", value=value))


def _table12(ctx: _Context) -> None:
    for where, row, stats in ctx.rows("table12_gwp_blended_refrigerants"):
        value = number(row["gwp100_ar5"], where=f"{where} gwp100_ar5")
        if value is None:
            stats.skip("no value published")
            continue
        stats.valued += 1
        ctx.parsed.gwps.append(GwpRecord(external_id=f"table12:{row['ashrae_number']}", species=row["ashrae_number"],
                                         name=f"Refrigerant blend {row['ashrae_number']}", report="AR5",
                                         metric="GWP100", value=value,
                                         notes=f"Blend composition: {row['blend_composition']}"))
