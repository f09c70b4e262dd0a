"""Factor resolution: each rung of the ladder, unit compatibility, reasons, snapshots, grid factors."""
from __future__ import annotations

from decimal import Decimal

import pytest

from factors.custom.models import CustomFactor
from factors.selectors import cbam_default_factor, factor_search, other_editions, search_query
from factors.selectors import library as library_queryset
from factors.services import factor_snapshot, grid_electricity_factor, resolve_factor
from factortrace.core.units import UnitError

from .conftest import factor

pytestmark = pytest.mark.django_db

DIESEL_2024 = ("desnz-2024", "1_101_1011_8_1")  # Diesel (average biofuel blend), litres


def test_diesel_litres_gb_2024_is_desnz_2024_with_a_reason(library):
    result = resolve_factor(keywords="diesel", unit="litres", region="GB", year=2024)
    assert result.found
    assert (result.factor.source.code, result.factor.external_id) == DIESEL_2024
    assert result.factor.kgco2e_per_unit == Decimal("2.51279")
    assert result.chosen.rung_label == "same region and year"
    assert "Diesel (average biofuel blend)" in result.reason and "same region and year" in result.reason
    assert "No tenant custom or supplier-specific factor matched" in result.reason
    # Scope 1 diesel before the scope 3 well-to-tank factor of the same fuel.
    wtt = [c for c in result.candidates if c.factor.level1 == "WTT- fuels"]
    assert wtt and result.candidates.index(wtt[0]) > 0


def test_same_region_nearest_year(library):
    later = resolve_factor(keywords="diesel", unit="litres", region="GB", year=2027)
    assert later.factor.source.code == "desnz-2025" and later.chosen.rung_label == "same region, nearest year"
    assert "2025 is the nearest year" in later.reason
    earlier = resolve_factor(keywords="diesel", unit="litres", region="GB", year=2023)
    assert earlier.factor.source.code == "desnz-2024"


def test_global_factor_when_the_region_has_none(library):
    result = resolve_factor(keywords="grid electricity", unit="kWh", region="AQ", year=2024)
    assert result.factor.region == "GLOBAL" and result.factor.source.code == "ember-grid"
    assert result.chosen.rung_label == "global factor"
    assert "No factor for AQ matched, so the global one applies" in result.reason


def test_tenant_custom_beats_supplier_beats_library(library, tenant_a, people, in_tenant):
    with in_tenant(tenant_a):
        supplier = CustomFactor.objects.create(kind="supplier", supplier="Fuel Co", activity="Diesel from Fuel Co",
                                               unit="litres", kgco2e_per_unit=Decimal("2.4"), region="GB")
        result = resolve_factor(keywords="diesel", unit="litres", region="GB", year=2024)
        assert result.factor == supplier and result.chosen.rung_label == "supplier-specific factor"
        custom = CustomFactor.objects.create(kind="custom", activity="Diesel, own measurement", unit="litres",
                                             kgco2e_per_unit=Decimal("2.45"), year=2024)
        result = resolve_factor(keywords="diesel", unit="litres", region="GB", year=2024)
        assert result.factor == custom and result.chosen.rung_label == "tenant custom factor"
        assert [c.rung for c in result.candidates[:3]] == [0, 1, 2]
        assert "supplier-specific" in result.reason
        snapshot = factor_snapshot(result.factor)
        assert snapshot["source_code"] == "custom" and snapshot["value"] == "2.45"


def test_custom_factors_of_another_tenant_are_invisible(library, tenant_a, tenant_b, in_tenant):
    with in_tenant(tenant_b):
        CustomFactor.objects.create(kind="custom", activity="Diesel of Beta", unit="litres",
                                    kgco2e_per_unit=Decimal("9.99"))
    with in_tenant(tenant_a):
        result = resolve_factor(keywords="diesel", unit="litres", region="GB", year=2024)
    assert result.factor.source.code == "desnz-2024"
    # On the public schema only the library takes part.
    assert resolve_factor(keywords="diesel", unit="litres", region="GB", year=2024).factor.source.code == "desnz-2024"


def test_custom_factor_for_another_region_or_period_is_not_used(library, tenant_a, in_tenant):
    import datetime as dt

    with in_tenant(tenant_a):
        CustomFactor.objects.create(kind="custom", activity="Diesel in France", unit="litres", region="FR",
                                    kgco2e_per_unit=Decimal("2.6"))
        CustomFactor.objects.create(kind="custom", activity="Diesel contract", unit="litres",
                                    kgco2e_per_unit=Decimal("2.6"), valid_from=dt.date(2020, 1, 1),
                                    valid_to=dt.date(2021, 12, 31))
        result = resolve_factor(keywords="diesel", unit="litres", region="GB", year=2024)
    assert result.factor.source.code == "desnz-2024"


def test_only_unit_compatible_factors_and_gross_net_kept_apart(library):
    net = resolve_factor(keywords="natural gas", unit="kWh (Net CV)", region="GB", year=2024)
    assert net.factor.unit == "kWh (Net CV)" and net.factor.kgco2e_per_unit == Decimal("0.20264")
    assert all(c.factor.unit != "kWh (Gross CV)" for c in net.candidates)
    gross = resolve_factor(keywords="natural gas", unit="kWh (Gross CV)", region="GB", year=2024)
    assert gross.factor.kgco2e_per_unit == Decimal("0.1829")
    assert all(c.factor.unit != "kWh (Net CV)" for c in gross.candidates)
    # A plain kWh (basis not stated) matches both and prefers gross, as energy bills are.
    plain = resolve_factor(keywords="natural gas", unit="kWh", region="GB", year=2024)
    assert plain.factor.external_id == "1_100_1004_6_1"
    assert {c.factor.unit for c in plain.candidates} >= {"kWh (Gross CV)", "kWh (Net CV)"}
    # Convertible units count too: MWh activity data matches kWh factors.
    assert resolve_factor(keywords="natural gas", unit="MWh", region="GB", year=2024).factor.unit == "kWh (Gross CV)"


def test_no_compatible_unit_is_explained_not_guessed(library):
    result = resolve_factor(keywords="natural gas", unit="passenger.km", region="GB", year=2024)
    assert not result.found and result.factor is None
    assert "convertible to 'passenger.km'" in result.reason
    with pytest.raises(UnitError, match="bananas"):
        resolve_factor(keywords="diesel", unit="bananas")
    with pytest.raises(ValueError, match="keywords or a category"):
        resolve_factor(unit="litres")
    with pytest.raises(ValueError, match="scope"):
        resolve_factor(keywords="diesel", unit="litres", scope="4")


def test_outside_of_scope_biogenic_lines_are_never_chosen(library):
    result = resolve_factor(keywords="biodiesel", unit="litres", region="GB", year=2024)
    assert result.found and not any(c.factor.outside_of_scopes for c in result.candidates)


def test_category_and_scope_narrow_the_candidates(library):
    result = resolve_factor(category="WTT- fuels > Liquid fuels", keywords="diesel", unit="litres", region="GB",
                            year=2024)
    assert result.factor.level1 == "WTT- fuels" and result.factor.scope == "3"
    scoped = resolve_factor(keywords="diesel", unit="litres", region="GB", year=2024, scope="3")
    assert scoped.factor.scope == "3"


def test_official_national_factor_before_ember(library):
    result = resolve_factor(keywords="electricity", unit="kWh", region="uk", year=2024)
    assert (result.factor.source.code, result.factor.external_id) == ("desnz-2024", "7_400_4000_5_1")
    assert "official national inventories first" in result.reason


def test_the_correcting_cbam_edition_wins(library):
    result = resolve_factor(keywords="flat rolled high speed steel", unit="tonne", region="ZZ", year=2026)
    assert result.factor.source.code == "cbam-defaults-ir-2026-1740"
    assert result.factor.kgco2e_per_unit == Decimal("5500")


@pytest.mark.parametrize("region, year, source, value", [
    ("GB", 2024, "desnz-2024", "0.20705"),
    ("GB", 2025, "desnz-2025", "0.17700"),
    ("US", 2025, "epa-hub-2025", None),
    ("CAMX", 2024, "epa-hub-2024", None),
    ("DE", 2024, "ember-grid", "0.34206"),
    ("FR", None, "ember-grid", "0.04418"),
    ("AQ", 2024, "ember-grid", "0.47294"),
])
def test_grid_electricity_preference(library, region, year, source, value):
    result = grid_electricity_factor(region=region, year=year)
    assert result.factor.source.code == source
    assert result.factor.grid_electricity
    if value is not None:
        assert result.factor.kgco2e_per_unit == Decimal(value)


def test_egrid_subregion_value(library):
    camx = grid_electricity_factor(region="CAMX", year=2025).factor
    expected = (Decimal("436.655") + Decimal("0.025") * 28 + Decimal("0.003") * 265) * Decimal("0.45359237") / 1000
    assert camx.kgco2e_per_unit == expected


def test_snapshot_of_a_library_factor(library):
    snapshot = factor_snapshot(factor("desnz-2024", "1_100_1004_6_1"))
    assert snapshot["value"] == "0.1829" and snapshot["unit"] == "kWh (Gross CV)"
    assert snapshot["source_code"] == "desnz-2024" and snapshot["edition"] == "2024 v1.1"
    assert snapshot["licence"] == "Open Government Licence v3.0"
    assert "Open Government Licence" in snapshot["attribution"]
    assert (snapshot["co2"], snapshot["ch4"], snapshot["n2o"], snapshot["other"]) == ("0.18253", "0.00028",
                                                                                   "0.00009", None)
    assert set(snapshot) >= {"value", "unit", "source", "source_code", "edition", "licence", "attribution",
                             "external_id", "gwp_basis", "co2", "ch4", "n2o", "other"}


def test_cbam_default_lookup_with_fallback(library):
    found, fallback = cbam_default_factor(cn_code="7207 11 11", country="CN")
    assert not fallback and found.kgco2e_per_unit == Decimal("3169")
    # Taiwan stainless: '–' after the correction → the Other Countries value.
    found, fallback = cbam_default_factor(cn_code="7219 11 00", country="TW")
    assert fallback and found.region == "GLOBAL"
    old, _ = cbam_default_factor(cn_code="7219 11 00", country="TW", source_code="cbam-defaults-ir-2025-2621")
    assert old.region == "TW"
    with pytest.raises(ValueError, match="several goods"):
        cbam_default_factor(cn_code="2523 10 00", country="CN")
    clinker, _ = cbam_default_factor(cn_code="2523 10 00", country="CN", description="white")
    assert clinker.kgco2e_per_unit == Decimal("1300")


def test_search_and_other_editions(library):
    results = factor_search(library_queryset(), "natural ga")
    assert results.filter(external_id="1_100_1004_6_1").exists()
    assert search_query("   ") is None
    # tsquery operators typed by people are dropped, not executed (no syntax error, no injection).
    assert factor_search(library_queryset(), "natural & | ! gas:* (").filter(external_id="1_100_1004_6_1").exists()
    editions = list(other_editions(factor("desnz-2024", "1_100_1004_6_1")))
    assert [e.source.code for e in editions] == ["desnz-2025"]
    assert editions[0].kgco2e_per_unit == Decimal("0.18296")
