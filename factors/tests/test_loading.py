"""The loaded library: counts per source, spot values from the database, idempotent re-loads."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.core.management import call_command

from factors.importers import SOURCES, source_spec
from factors.loading import LoadError, load_source, load_sources
from factors.models import CbamBenchmark, EmissionFactor, EnergyConversionFactor, FactorSource, GlobalWarmingPotential

from .conftest import factor

pytestmark = pytest.mark.django_db

EXPECTED_COUNTS = {
    "desnz-2024": {"emission_factors": 2672, "energy_conversions": 451},
    "desnz-2025": {"emission_factors": 2672, "energy_conversions": 451},
    "epa-hub-2024": {"emission_factors": 576, "gwp_values": 2},
    "epa-hub-2025": {"emission_factors": 579, "gwp_values": 64},
    "epa-supply-chain-v1-3": {"emission_factors": 1016},
    "cbam-defaults-ir-2025-2621": {"emission_factors": 10926},
    "cbam-defaults-ir-2026-1740": {"emission_factors": 10910},
    "cbam-precursors-ir-2025-2621": {"emission_factors": 260},
    "cbam-benchmarks-ir-2025-2620": {"cbam_benchmarks": 2465},
    "ember-grid": {"emission_factors": 222},
    "ifi-grid-2021": {"emission_factors": 1165},
    "ipcc-gwp": {"gwp_values": 897},
    "exiobase-3-8-2": {"emission_factors": 864},
    "figaro-2019": {"emission_factors": 1884},
}


def test_every_source_is_loaded_with_its_counts(library):
    assert set(EXPECTED_COUNTS) == {spec.code for spec in SOURCES}
    for code, counts in EXPECTED_COUNTS.items():
        source = FactorSource.objects.get(code=code)
        assert source.counts == counts, code
        assert source.row_count == sum(counts.values())
        assert EmissionFactor.objects.filter(source=source).count() == counts.get("emission_factors", 0), code
        assert EnergyConversionFactor.objects.filter(source=source).count() == counts.get("energy_conversions", 0)
        assert GlobalWarmingPotential.objects.filter(source=source).count() == counts.get("gwp_values", 0)
        assert CbamBenchmark.objects.filter(source=source).count() == counts.get("cbam_benchmarks", 0)
        assert source.loaded_at is not None and len(source.file_sha256) == 64
        assert source.licence and source.attribution
    assert EmissionFactor.objects.count() == 33746


@pytest.mark.parametrize("code, external_id, value, unit", [
    ("desnz-2024", "1_100_1004_6_1", "0.18290", "kWh (Gross CV)"),   # natural gas, gross CV
    ("desnz-2024", "7_400_4000_5_1", "0.20705", "kWh"),              # UK electricity
    ("desnz-2025", "7_400_4000_5_1", "0.17700", "kWh"),
    ("epa-hub-2024", "t1:natural-gas:mmbtu", "53.1145", "mmBtu (Gross CV)"),
    ("epa-supply-chain-v1-3", "327310", "3.924", "USD"),             # cement manufacturing
    ("ember-grid", "DEU", "0.34206", "kWh"),
    ("cbam-defaults-ir-2026-1740", "CN:72071111", "3169", "tonne"),
])
def test_spot_values_in_the_database(library, code, external_id, value, unit):
    row = factor(code, external_id)
    assert row.kgco2e_per_unit == Decimal(value)
    assert row.unit == unit


def test_values_come_back_with_the_published_scale(library):
    # Unconstrained numeric: no float round trip, no padding to a fixed scale.
    natural_gas = factor("desnz-2024", "1_100_1004_6_1")
    assert str(natural_gas.kgco2e_per_unit) == "0.1829"
    assert (natural_gas.co2, natural_gas.ch4, natural_gas.n2o) == (Decimal("0.18253"), Decimal("0.00028"),
                                                                   Decimal("0.00009"))
    epa = factor("epa-hub-2024", "t1:natural-gas:mmbtu")
    assert epa.co2 == Decimal("53.06") and epa.published["co2_kg_per_mmbtu"] == "53.06"
    assert epa.gwp_basis == "AR5" and "CH4 g ÷ 1000 × 28" in epa.conversion


def test_cbam_edition_supersession(library):
    old, new = FactorSource.objects.get(code="cbam-defaults-ir-2025-2621"), FactorSource.objects.get(
        code="cbam-defaults-ir-2026-1740")
    assert old.superseded_by == new and new.superseded_by is None
    assert factor(old.code, "OTHER:72262000").kgco2e_per_unit == Decimal("5588")
    assert factor(new.code, "OTHER:72262000").kgco2e_per_unit == Decimal("5500")


def test_a_second_load_changes_nothing_and_is_fast(library):
    before = dict(EmissionFactor.objects.values_list("id", "kgco2e_per_unit"))
    results = load_sources()
    assert {r.status for r in results} == {"unchanged"}
    assert sum(r.seconds for r in results) < 2
    after = dict(EmissionFactor.objects.values_list("id", "kgco2e_per_unit"))
    assert before == after


def test_a_forced_reload_keeps_primary_keys(library):
    ids = dict(EmissionFactor.objects.filter(source__code="desnz-2024").values_list("external_id", "id"))
    result = load_source(source_spec("desnz-2024"), force=True)
    assert result.status == "loaded" and result.counts["emission_factors"] == 2672 and result.deleted == 0
    assert dict(EmissionFactor.objects.filter(source__code="desnz-2024").values_list("external_id", "id")) == ids


def test_rows_gone_from_a_new_file_are_removed(library):
    spec = source_spec("ember-grid")

    def parse_without_world(s):
        parsed = spec.parse(s)
        parsed.factors = [r for r in parsed.factors if r.external_id != "World"]
        return parsed

    result = load_source(dataclasses.replace(spec, parse=parse_without_world, loader_version=2))
    assert result.status == "loaded" and result.deleted == 1
    assert not EmissionFactor.objects.filter(source__code="ember-grid", external_id="World").exists()
    assert FactorSource.objects.get(code="ember-grid").counts == {"emission_factors": 221}


def test_changed_metadata_is_refreshed_without_reloading(library):
    spec = dataclasses.replace(source_spec("ipcc-gwp"), description="Updated description")
    result = load_source(spec)
    assert result.status == "unchanged"
    assert FactorSource.objects.get(code="ipcc-gwp").description == "Updated description"


def test_unknown_sources_are_refused(library):
    with pytest.raises(LoadError, match="Unknown source"):
        load_sources(["no-such-source"])


def test_the_command_prints_counts_per_source(library, capsys):
    call_command("load_factors", "--source", "desnz-2024", "--source", "cbam-defaults-ir-2026-1740")
    out = capsys.readouterr().out
    assert "desnz-2024" in out and "unchanged" in out and "2,672 emission factors, 451 energy conversions" in out
    assert "10,910 emission factors" in out
    call_command("load_factors", "--list")
    assert "figaro-2019" in capsys.readouterr().out


def test_the_command_reports_file_accounting_when_it_loads(library, capsys):
    call_command("load_factors", "--source", "cbam-defaults-ir-2026-1740", "--force")
    out = capsys.readouterr().out
    assert "12,540 rows, 10,910 with a value, 755 '–' (use the Other Countries and Territories value); " \
           "875 heading row (no value)" in out


def test_a_factor_still_used_by_a_tenant_record_is_not_deleted(library, tenant_a, in_tenant):
    """Regimes keep foreign keys to factors in every tenant schema; PostgreSQL, not Django's
    collector (which runs in the public schema), is what sees them."""
    from django.db import connection

    world = factor("ember-grid", "World")
    with in_tenant(tenant_a), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_factor_use (id serial PRIMARY KEY, factor_id bigint NOT NULL "
                       "REFERENCES public.factors_emissionfactor (id) DEFERRABLE INITIALLY DEFERRED)")
        cursor.execute("INSERT INTO test_factor_use (factor_id) VALUES (%s)", [world.pk])
    spec = source_spec("ember-grid")

    def parse_without_world(s):
        parsed = spec.parse(s)
        parsed.factors = [r for r in parsed.factors if r.external_id != "World"]
        return parsed

    with pytest.raises(LoadError, match=r"still used by calculated records \(e.g. \['World'\]\)"):
        load_source(dataclasses.replace(spec, parse=parse_without_world, loader_version=2))
    assert EmissionFactor.objects.filter(pk=world.pk).exists()
    assert FactorSource.objects.get(code="ember-grid").loader_version == 1  # the failed load left no trace
