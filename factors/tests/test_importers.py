"""Importers parse the shipped files into records — no database.

Every count is checked twice: against the figure the publisher or the provenance note states,
and against an independent count of the raw CSV written here with nothing but ``csv``.
"""
from __future__ import annotations

import csv
import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest

from factors.importers import SOURCES, SourceFormatError, source_spec
from factors.importers.base import number
from factortrace.core.units import parse_unit

DATA = Path(__file__).resolve().parent.parent / "data"
NUMERIC = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")


def rows(relative: str) -> list[dict]:
    with (DATA / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def valued(value: str) -> bool:
    return bool(NUMERIC.match((value or "").strip()))


@pytest.fixture(scope="module")
def parsed():
    return {spec.code: spec.parse(spec) for spec in SOURCES}


# ---------------------------------------------------------------- independent counts of the raw files
def desnz_counts(year: int) -> dict[str, int]:
    data = rows(f"uk_desnz_ghg_conversion_factors/desnz_flat_{year}.csv")
    column = f"GHG Conversion Factor {year}"
    with_value = [r for r in data if r[column].strip()]
    return {
        "totals": sum(r["GHG/Unit"] == "kg CO2e" for r in with_value),
        "outside_scopes": sum(r["Scope"] == "Outside of Scopes" for r in with_value),
        "gases": sum(r["GHG/Unit"].startswith("kg CO2e of") and r["Scope"] != "Outside of Scopes" for r in with_value),
        "energy": sum(r["GHG/Unit"] in ("kWh (Net CV)", "kWh (net)") for r in with_value),
        "valued": len(with_value),
    }


def epa_hub_count(year: int) -> int:
    folder = f"us_epa_ghg_emission_factors_hub/{year}/"
    t1 = rows(folder + "table1_stationary_combustion.csv")
    count = sum(valued(r["co2_kg_per_mmbtu"]) for r in t1) + sum(valued(r["co2_kg_per_unit"]) for r in t1)
    for table in ("table2_mobile_combustion_co2", "table3_mobile_ch4_n2o_onroad_gasoline",
                  "table4_mobile_ch4_n2o_onroad_diesel_alt", "table5_mobile_ch4_n2o_nonroad", "table7_steam_and_heat",
                  "table8_scope3_upstream_downstream_transport", "table10_scope3_business_travel_commuting"):
        count += len(rows(folder + f"{table}.csv"))
    count += 2 * len(rows(folder + "table6_electricity_egrid_subregions.csv"))  # total output + non-baseload
    count += sum(valued(v) for r in rows(folder + "table9_scope3_waste.csv") for k, v in r.items() if k != "material")
    return count


def cbam_valued(relative: str) -> int:
    return sum(valued(r["direct_tco2e_per_t"]) for r in rows(relative))


EXPECTED_FACTORS = {
    # source: (count the provenance/issue states, independent count of the raw file)
    "desnz-2024": (2616 + 56, lambda: desnz_counts(2024)["totals"] + desnz_counts(2024)["outside_scopes"]),
    "desnz-2025": (2616 + 56, lambda: desnz_counts(2025)["totals"] + desnz_counts(2025)["outside_scopes"]),
    "epa-hub-2024": (576, lambda: epa_hub_count(2024)),
    "epa-hub-2025": (579, lambda: epa_hub_count(2025)),
    "epa-supply-chain-v1-3": (1016, lambda: len(rows(
        "us_epa_supply_chain_ghg_factors/SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv"))),
    "cbam-defaults-ir-2025-2621": (10926, lambda: cbam_valued("eu_cbam/cbam_default_values_ir_2025_2621_annex_i.csv")),
    "cbam-defaults-ir-2026-1740": (10910, lambda: cbam_valued("eu_cbam/cbam_default_values_ir_2026_1740_annex_i.csv")),
    "cbam-precursors-ir-2025-2621": (260, lambda: len(rows(
        "eu_cbam/cbam_precursor_defaults_unknown_origin_ir_2025_2621_annex_iv.csv"))),
    "ember-grid": (222, lambda: sum(valued(r["emissions_intensity_gco2e_per_kwh"]) for r in rows(
        "grid_electricity_intensity/ember_average_grid_intensity_latest.csv"))),
    "ifi-grid-2021": (233 * 5, lambda: sum(valued(v) for r in rows(
        "grid_electricity_intensity/ifi_default_grid_factors_2021_v3.1.csv") for k, v in r.items()
        if k.endswith("_gco2_per_kwh"))),
    "exiobase-3-8-2": (864, lambda: sum(valued(r["kgCO2e-AR5"]) for r in rows(
        "exiobase_spend_factors/oefdb_exiobase382_2019_pxp_5regions.csv"))),
    "figaro-2019": (1884, lambda: sum(valued(r["total_scopes_1_2_3_upstream"]) for r in rows(
        "figaro_spend_factors/figaro_emission_factors_26ed_2019.csv"))),
}


@pytest.mark.parametrize("code", sorted(EXPECTED_FACTORS))
def test_every_valued_row_becomes_a_factor(parsed, code):
    stated, count_raw = EXPECTED_FACTORS[code]
    assert len(parsed[code].factors) == stated == count_raw()


@pytest.mark.parametrize("year", [2024, 2025])
def test_desnz_row_accounting(parsed, year):
    """7,029 valued rows = 2,616 kg CO2e totals + 3,906 gas parts attached + 56 biogenic CO2 + 451 SECR kWh."""
    raw = desnz_counts(year)
    result = parsed[f"desnz-{year}"]
    assert raw == {"totals": 2616, "outside_scopes": 56, "gases": 3906, "energy": 451, "valued": 7029}
    assert sum(result.attached.values()) == raw["gases"]
    assert len(result.energy) == raw["energy"]
    assert result.files[0].valued == 7029 and result.files[0].skipped == {"no value published": 1711}
    assert sum(f.outside_of_scopes for f in result.factors) == 56
    # The gas parts land on the factor with the same ID stem and add up to its total.
    for record in result.factors:
        if record.co2 is not None and record.ch4 is not None and record.n2o is not None:
            assert abs(record.co2 + record.ch4 + record.n2o - record.kgco2e_per_unit) <= Decimal("0.00002"), \
                record.external_id


def test_other_record_kinds(parsed):
    assert len(parsed["cbam-benchmarks-ir-2025-2620"].benchmarks) == 2465 == len(
        rows("eu_cbam/cbam_benchmarks_ir_2025_2620.csv"))
    ipcc_values = sum(valued(v) for r in rows("ipcc_gwp/gwp_ipcc_assessment_reports.csv") for k, v in r.items()
                      if k != "species")
    assert len(parsed["ipcc-gwp"].gwps) == ipcc_values + 7 == 897
    assert len(parsed["epa-hub-2024"].gwps) == 2
    assert len(parsed["epa-hub-2025"].gwps) == 2 + 32 + 30


def test_every_unit_parses_and_every_key_is_unique(parsed):
    for code, result in parsed.items():
        for kind in ("factors", "energy", "gwps", "benchmarks"):
            records = getattr(result, kind)
            keys = [r.external_id for r in records]
            assert len(keys) == len(set(keys)), (code, kind)
        for record in [*result.factors, *result.energy]:
            parse_unit(record.unit)


def _find(parsed, code: str, external_id: str):
    return next(r for r in parsed[code].factors if r.external_id == external_id)


@pytest.mark.parametrize("code, external_id, field, expected", [
    # DESNZ spot values (publisher's table; PROVENANCE.md)
    ("desnz-2024", "1_100_1004_6_1", "kgco2e_per_unit", "0.18290"),
    ("desnz-2024", "1_100_1004_6_1", "co2", "0.18253"),
    ("desnz-2024", "7_400_4000_5_1", "kgco2e_per_unit", "0.20705"),
    ("desnz-2025", "1_100_1004_6_1", "kgco2e_per_unit", "0.18296"),
    ("desnz-2025", "7_400_4000_5_1", "kgco2e_per_unit", "0.17700"),
    # EPA Hub natural gas 53.06 kg CO2/mmBtu and 0.05444 kg CO2/scf
    ("epa-hub-2024", "t1:natural-gas:mmbtu", "co2", "53.06"),
    ("epa-hub-2024", "t1:natural-gas:unit", "co2", "0.05444"),
    ("epa-hub-2025", "t7:steam-and-heat", "co2", "66.33"),
    # EPA supply chain, kg CO2e per 2022 USD with margins
    ("epa-supply-chain-v1-3", "327310", "kgco2e_per_unit", "3.924"),
    ("epa-supply-chain-v1-3", "331110", "kgco2e_per_unit", "0.787"),
    ("epa-supply-chain-v1-3", "541511", "kgco2e_per_unit", "0.084"),
    # Ember (g/kWh ÷ 1000) and FIGARO (per kEUR ÷ 1000)
    ("ember-grid", "GBR", "kgco2e_per_unit", "0.21579"),
    ("ember-grid", "FRA", "kgco2e_per_unit", "0.04418"),
    ("ember-grid", "World", "kgco2e_per_unit", "0.47294"),
    ("figaro-2019", "DE:C23", "kgco2e_per_unit", "1.06365"),
    ("figaro-2019", "BG:D35", "kgco2e_per_unit", "6.82954"),
    ("exiobase-3-8-2", "building_materials-type_cement_lime_plaster:DE", "kgco2e_per_unit", "1.5413"),
])
def test_spot_values_as_published(parsed, code, external_id, field, expected):
    assert getattr(_find(parsed, code, external_id), field) == Decimal(expected)


def test_epa_biomass_co2_is_kept_apart(parsed):
    wood = _find(parsed, "epa-hub-2025", "t1:wood-and-wood-residuals:mmbtu")
    assert wood.co2 is None and wood.biogenic_co2 == Decimal("93.8")
    assert wood.kgco2e_per_unit == Decimal("7.2") / 1000 * 28 + Decimal("3.6") / 1000 * 265


def test_egrid_rates_are_converted_from_pounds(parsed):
    us = _find(parsed, "epa-hub-2025", "t6:US:total-output")
    assert us.co2 == Decimal("771.523") * Decimal("0.45359237") / 1000
    assert us.grid_electricity and us.scope == "2" and us.region == "US"
    baseload = _find(parsed, "epa-hub-2025", "t6:US:non-baseload")
    assert not baseload.grid_electricity and baseload.scope == ""


def test_cbam_keys_match_across_editions_and_the_correction_shows(parsed):
    old = {r.external_id: r for r in parsed["cbam-defaults-ir-2025-2621"].factors}
    new = {r.external_id: r for r in parsed["cbam-defaults-ir-2026-1740"].factors}
    assert old["OTHER:72262000"].kgco2e_per_unit == Decimal("5588.000")
    assert new["OTHER:72262000"].kgco2e_per_unit == Decimal("5500.000")
    # Clinker: one CN code in 2025 (told apart by description) → TARIC codes in 2026, same keys.
    assert old["CN:2523100090"].activity == "Grey clinker"
    assert new["CN:2523100090"].activity.startswith("Other clinker")
    assert old["CN:2523100090"].kgco2e_per_unit == new["CN:2523100090"].kgco2e_per_unit == Decimal("1390.000")
    # Taiwan stainless steel: a transcription error in 2025, no value after the correction.
    assert "TW:72191100" in old and "TW:72191100" not in new
    assert len(set(old) & set(new)) > 10000


@pytest.mark.parametrize("code, key, total, direct, indirect", [
    ("cbam-defaults-ir-2025-2621", "CN:72071111", "3169.000", "3169.000", None),
    ("cbam-defaults-ir-2025-2621", "IN:7601", "1870.000", "1870.000", None),
    ("cbam-defaults-ir-2025-2621", "US:28041000", "26640.000", None, None),
    ("cbam-defaults-ir-2025-2621", "AL:28080000", "2760.000", "2730.000", "40.000"),
    ("cbam-defaults-ir-2026-1740", "CN:72071111", "3169.000", "3169.000", None),
    ("cbam-defaults-ir-2026-1740", "OTHER:7601", "2203.000", "2203.000", None),
    ("cbam-defaults-ir-2026-1740", "TR:7208", "2428.000", None, None),
    ("cbam-defaults-ir-2026-1740", "OTHER:72071111", "3996.000", None, None),
])
def test_cbam_default_values_by_country_and_cn_code(parsed, code, key, total, direct, indirect):
    record = _find(parsed, code, key)
    assert record.kgco2e_per_unit == Decimal(total) and record.unit == "tonne"
    if direct is not None:
        assert record.direct == Decimal(direct)
    if indirect is not None:
        assert record.indirect == Decimal(indirect)
    assert record.valid_from.isoformat() == "2026-01-01"


def test_supply_chain_gas_parts_add_up_to_about_the_total(parsed):
    for record in parsed["epa-supply-chain-v1-3"].factors:
        parts = record.co2 + record.ch4 + record.n2o + record.other
        # EPA rounds each gas to three significant figures.
        assert abs(parts - record.kgco2e_per_unit) <= Decimal("0.02") * record.kgco2e_per_unit + Decimal("0.001"), \
            record.external_id


def test_a_malformed_file_is_refused_with_file_row_and_column(tmp_path, settings):
    spec = source_spec("ember-grid")
    target = tmp_path / spec.files[0]
    target.parent.mkdir(parents=True)
    text = (DATA / spec.files[0]).read_text(encoding="utf-8").replace(",123.71,", ",12x.71,", 1)
    target.write_text(text, encoding="utf-8")
    settings.DATA_DIR = tmp_path
    with pytest.raises(SourceFormatError, match=r"ember_average_grid_intensity_latest.csv:3 gco2e: '12x.71'"):
        spec.parse(spec)


def test_a_file_of_another_shape_is_refused(tmp_path, settings):
    spec = dataclasses.replace(source_spec("figaro-2019"))
    target = tmp_path / spec.files[0]
    target.parent.mkdir(parents=True)
    target.write_text("year,country\n2019,AT\n", encoding="utf-8")
    settings.DATA_DIR = tmp_path
    with pytest.raises(SourceFormatError, match="missing column"):
        spec.parse(spec)


@pytest.mark.parametrize("text, expected", [("0.1829", Decimal("0.1829")), ("", None),
                                            ("3.23e-09", Decimal("3.23e-09"))])
def test_numbers_are_read_exactly(text, expected):
    assert number(text, where="x") == expected


def test_unknown_source_code_names_the_known_ones():
    with pytest.raises(KeyError, match="desnz-2024"):
        source_spec("defra-1999")
