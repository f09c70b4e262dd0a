"""ESRS E1 calculations, by hand. Factors are DESNZ/Defra 2024 (v1.1) flat-file values:

    natural gas, kWh (Gross CV)    1_100_1004_6_1   0.18290 kg CO2e/kWh  (CO2 0.18253, CH4 0.00028, N2O 0.00009)
    diesel (average biofuel blend) 1_101_1011_8_1   2.51279 kg CO2e/litre (CO2 2.4796, CH4 0.00029, N2O 0.0329)
    UK electricity                 7_400_4000_5_1   0.20705 kg CO2e/kWh
    short-haul flight, economy, RF 21_316_3164_11_1 0.18287 kg CO2e/passenger.km

No database: these are pure functions.
"""
from decimal import Decimal as D

import pytest

from factortrace.core.units import UnitError
from regimes.inventory.calculations import (
    FactorValues,
    Instrument,
    InventoryLine,
    Scope2Site,
    TargetSpec,
    activity_emissions,
    ghg_totals,
    quantize,
    scope2_market_based,
    target_progress,
)

GAS = FactorValues(D("0.18290"), "kWh (Gross CV)", co2=D("0.18253"), ch4=D("0.00028"), n2o=D("0.00009"))
DIESEL = FactorValues(D("2.51279"), "litres", co2=D("2.4796"), ch4=D("0.00029"), n2o=D("0.0329"))
UK_GRID = FactorValues(D("0.20705"), "kWh")
FLIGHT = FactorValues(D("0.18287"), "passenger.km")


@pytest.mark.parametrize("quantity, unit, factor, expected_kg", [
    # 120 000 kWh × 0.18290 = 21 948 kg
    (D("120000"), "kWh (Gross CV)", GAS, D("21948.00000")),
    # 120 MWh = 120 000 kWh → the same 21 948 kg (pint converts MWh → kWh first)
    (D("120"), "MWh", GAS, D("21948.00000")),
    # 432 GJ = 432 × 277.7… kWh = 120 000 kWh → 21 948 kg
    (D("432"), "GJ", GAS, D("21948")),
    # 18 500 litres diesel × 2.51279 = 46 486.615 kg
    (D("18500"), "litres", DIESEL, D("46486.61500")),
    # 18.5 m³ = 18 500 litres → the same
    (D("18.5"), "cubic metres", DIESEL, D("46486.615")),
    # 250 000 kWh UK grid × 0.20705 = 51 762.5 kg
    (D("250000"), "kWh", UK_GRID, D("51762.50000")),
    # 42 000 passenger·km × 0.18287 = 7 680.54 kg
    (D("42000"), "passenger.km", FLIGHT, D("7680.54000")),
])
def test_activity_emissions_by_hand(quantity, unit, factor, expected_kg):
    result = activity_emissions(quantity, unit, factor)
    assert result.total_kg == pytest.approx(expected_kg, abs=D("1e-9"))


def test_gas_breakdown_is_quantity_times_each_gas():
    result = activity_emissions(D("120000"), "kWh (Gross CV)", GAS)
    # 120 000 × 0.18253 = 21 903.6; × 0.00028 = 33.6; × 0.00009 = 10.8 (sum 21 948.0)
    assert (result.co2_kg, result.ch4_kg, result.n2o_kg) == (D("21903.60000"), D("33.60000"), D("10.80000"))
    assert result.other_kg is None
    assert result.co2_kg + result.ch4_kg + result.n2o_kg == result.total_kg


def test_equity_share_applies_the_percentage():
    # 40 % of 18 500 litres of diesel: 0.4 × 46 486.615 = 18 594.646 kg
    assert activity_emissions(D("18500"), "litres", DIESEL, share=D("40")).total_kg == D("18594.64600")


@pytest.mark.parametrize("unit, factor, message", [
    ("litres", GAS, "'litres' (volume) to 'kWh (Gross CV)' (energy)"),
    ("kWh (Net CV)", GAS, "gross and net"),
    ("EUR", DIESEL, "money in EUR"),
])
def test_incompatible_units_raise_naming_both(unit, factor, message):
    with pytest.raises(UnitError, match=message.replace("(", r"\(").replace(")", r"\)")):
        activity_emissions(D("1"), unit, factor)


def test_negative_quantities_are_refused():
    with pytest.raises(ValueError):
        activity_emissions(D("-1"), "litres", DIESEL)


# ---------------------------------------------------------------- Scope 2
@pytest.mark.parametrize("site, location_kg, market_kg, bases", [
    # No instruments, no residual mix: market-based = grid average = location-based.
    # 250 000 kWh × 0.20705 = 51 762.5 kg both ways.
    (Scope2Site("Leeds", D("250000"), D("0.20705")), D("51762.5"), D("51762.5"), ["grid average"]),
    # GOs for 100 MWh at 0: the other 150 000 kWh at the residual mix 0.3 → 45 000 kg.
    (Scope2Site("Leeds", D("250000"), D("0.20705"), (Instrument("go", D("100000"), D("0")),),
                residual_mix_kg_per_kwh=D("0.3")),
     D("51762.5"), D("45000.0"), ["instrument", "residual mix"]),
    # A PPA for 100 MWh at 0, then the supplier's rate 0.1 for the rest: 150 000 × 0.1 = 15 000 kg.
    # The supplier rate wins over the residual mix (Scope 2 Guidance Table 6.3).
    (Scope2Site("Leeds", D("250000"), D("0.20705"),
                (Instrument("ppa", D("100000"), D("0")), Instrument("supplier", None, D("0.1"))),
                residual_mix_kg_per_kwh=D("0.3")),
     D("51762.5"), D("15000.0"), ["instrument", "supplier"]),
    # Instruments beyond consumption cover only what was consumed: market-based 0.
    (Scope2Site("Leeds", D("250000"), D("0.20705"), (Instrument("rec", D("300000"), D("0")),)),
     D("51762.5"), D("0"), ["instrument"]),
])
def test_market_based_hierarchy(site, location_kg, market_kg, bases):
    result = scope2_market_based(site)
    assert result.location_kg == location_kg
    assert result.market_kg == market_kg
    assert [s.basis for s in result.slices] == bases
    assert sum(s.kwh for s in result.slices) == site.consumption_kwh


def test_unused_instrument_volume_is_reported():
    result = scope2_market_based(Scope2Site("Leeds", D("250000"), D("0.2"), (Instrument("rec", D("300000"), D("0")),)))
    assert result.unused_instrument_kwh == D("50000")


# ---------------------------------------------------------------- E1-6
def test_ghg_totals_by_hand():
    lines = [
        InventoryLine("1", D("21948.0")),                    # gas boilers
        InventoryLine("1", D("46486.615"), ets_regulated=True),  # process site under EU ETS
        InventoryLine("2", D("51762.5")),                    # UK electricity, location-based
        InventoryLine("3", D("7680.54"), 6),                 # flights
        InventoryLine("3", D("120000"), 1),                  # purchased goods (spend-based)
        InventoryLine("3", D("2319.46"), 6),                 # more travel
    ]
    totals = ghg_totals(lines, scope2_market_kg=D("15000"), net_revenue=D("48000000"))
    # Scope 1: (21 948.0 + 46 486.615) / 1000 = 68.434615 t; ETS share 46.486615 / 68.434615 = 67.93 %
    assert totals.scope1_t == D("68.434615")
    assert quantize(totals.scope1_ets_pct, 2) == D("67.93")
    assert totals.scope2_location_t == D("51.7625") and totals.scope2_market_t == D("15")
    # Scope 3: cat 1 120 t, cat 6 (7 680.54 + 2 319.46) / 1000 = 10 t
    assert totals.scope3_by_category_t == {1: D("120"), 6: D("10")}
    assert totals.scope3_t == D("130")
    # Totals: 68.434615 + 51.7625 + 130 = 250.197115 t (location); 68.434615 + 15 + 130 = 213.434615 t (market)
    assert totals.total_location_t == D("250.197115")
    assert totals.total_market_t == D("213.434615")
    # Intensity per EUR million: 250.197115 / 48 = 5.2124398958… t/EURm
    assert quantize(totals.intensity_location_per_million, 4) == D("5.2124")
    assert quantize(totals.intensity_market_per_million, 4) == D("4.4466")
    assert totals.intensity_location_per_unit == totals.intensity_location_per_million / 1_000_000


def test_intensity_is_none_without_revenue():
    totals = ghg_totals([InventoryLine("1", D("1000"))], D("0"), None)
    assert totals.intensity_location_per_million is None and totals.scope1_ets_pct == D("0")


def test_scope3_lines_need_a_category():
    with pytest.raises(ValueError, match="category"):
        ghg_totals([InventoryLine("3", D("1"))], D("0"), None)


# ---------------------------------------------------------------- E1-5
@pytest.mark.parametrize("year, current, achieved, progress, trajectory, on_track", [
    # Base 2020: 1 000 t; target 2030: 580 t (-42 %). In 2025 a straight line is at 790 t.
    (2025, D("760"), D("24"), D("57.14"), D("790"), True),
    (2025, D("850"), D("15"), D("35.71"), D("790"), False),
    (2030, D("580"), D("42"), D("100"), D("580"), True),
])
def test_target_progress(year, current, achieved, progress, trajectory, on_track):
    result = target_progress(TargetSpec("absolute", 2020, D("1000"), 2030, D("580")), year, current)
    assert result.reduction_needed_pct == D("42")
    assert result.reduction_achieved_pct == achieved
    assert quantize(result.progress_pct, 2) == progress
    assert result.trajectory_value == trajectory
    assert result.on_track is on_track


def test_target_progress_validates_the_target():
    with pytest.raises(ValueError):
        target_progress(TargetSpec("absolute", 2030, D("1000"), 2020, D("500")), 2025, D("1"))
    with pytest.raises(ValueError):
        target_progress(TargetSpec("absolute", 2020, D("0"), 2030, D("0")), 2025, D("1"))


def test_equity_share_scales_both_scope2_methods():
    # A 40 % joint venture: 100 000 kWh at grid 0.177, supplier rate 0.25 for all of it.
    # Whole site: location 17 700 kg, market 25 000 kg; 40 % of each: 7 080 and 10 000 kg.
    result = scope2_market_based(Scope2Site("JV", D("100000"), D("0.177"), (Instrument("supplier", None, D("0.25")),),
                                            share=D("40")))
    assert (result.location_kg, result.market_kg) == (D("7080"), D("10000"))
