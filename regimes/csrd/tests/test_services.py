"""CSRD services with the real factor library: resolution, snapshots, locking, audit, soft delete."""
import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from factors.models import EmissionFactor
from factortrace.audit.models import AuditEntry
from factortrace.audit.services import audited_restore
from regimes.csrd import services as csrd_services
from regimes.csrd.selectors import period_figures
from regimes.inventory import services
from regimes.inventory.models import ActivityRecord, ContractualInstrument, ReportingPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tenant_a, people, in_tenant, factor_library):
    with in_tenant(tenant_a):
        owner = people["officer"]
        period = services.period_create(actor=owner, data=dict(name="FY2024", year=2024, start=dt.date(2024, 1, 1),
                                                               end=dt.date(2024, 12, 31), net_revenue=D("10000000")))
        leeds = services.facility_create(actor=owner, data=dict(name="Leeds", country="GB"))
        ohio = services.facility_create(actor=owner, data=dict(name="Ohio", country="US", grid_region="RFCW"))
        yield {"period": period, "leeds": leeds, "ohio": ohio, "actor": owner}


def _desnz_2024(external_id):
    return EmissionFactor.objects.get(source__code="desnz-2024", external_id=external_id)


def test_activity_with_a_library_factor_is_calculated_and_snapshotted(setup):
    activity = services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], scope="1", scope1_type="stationary",
        description="Boilers", quantity=D("120000"), unit="kWh (Gross CV)", factor=_desnz_2024("1_100_1004_6_1")))
    # 120 000 kWh × 0.18290 kg CO2e/kWh (DESNZ 2024) = 21 948 kg; CO2 part × 0.18253 = 21 903.6 kg
    assert activity.emissions_kg == D("21948")
    assert activity.co2_kg == D("21903.6")
    snap = activity.factor_snapshot
    assert (snap["value"], snap["unit"], snap["source_code"], snap["external_id"]) == \
        ("0.1829", "kWh (Gross CV)", "desnz-2024", "1_100_1004_6_1")
    assert AuditEntry.objects.filter(action="inventory.activity.created", object_id=str(activity.pk)).exists()


def test_scope2_electricity_resolves_the_grid_factor_of_the_facility_region(setup):
    uk = services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], scope="2", energy_type="electricity",
        description="Grid electricity", quantity=D("250000"), unit="kWh"))
    # DESNZ 2024 UK electricity 0.20705 kg/kWh → 51 762.5 kg
    assert uk.factor.external_id == "7_400_4000_5_1" and uk.emissions_kg == D("51762.5")
    assert "DESNZ" in uk.factor_reason
    us = services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["ohio"], scope="2", energy_type="electricity",
        description="Grid electricity", quantity=D("1"), unit="MWh"))
    assert us.factor.region == "RFCW" and us.factor.source.code == "epa-hub-2024"


def test_keywords_resolve_a_factor_and_say_why(setup):
    activity = services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], scope="1", scope1_type="mobile",
        description="Vans", quantity=D("1000"), unit="litres", factor_keywords="diesel average biofuel"))
    assert activity.factor is not None and activity.factor.unit == "litres"
    assert activity.factor_reason


def test_a_later_edition_never_changes_a_past_result(setup):
    factor = _desnz_2024("1_100_1004_6_1")
    activity = services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], scope="1", scope1_type="stationary", description="Boilers",
        quantity=D("1000"), unit="kWh (Gross CV)", factor=factor))
    # The publisher "corrects" the factor in the library…
    EmissionFactor.objects.filter(pk=factor.pk).update(kgco2e_per_unit=D("0.5"))
    # …editing the quantity keeps the snapshot the record was calculated with.
    activity = services.activity_update(activity=activity, actor=setup["actor"], data={"quantity": D("2000")})
    assert activity.factor_snapshot["value"] == "0.1829"
    assert activity.emissions_kg == D("365.8")


def test_unit_errors_name_both_units(setup):
    with pytest.raises(ValidationError) as excinfo:
        services.activity_create(actor=setup["actor"], data=dict(
            period=setup["period"], facility=setup["leeds"], scope="1", scope1_type="stationary",
            description="Boilers", quantity=D("1"), unit="litres", factor=_desnz_2024("1_100_1004_6_1")))
    assert "'litres' (volume)" in str(excinfo.value) and "kWh (Gross CV)" in str(excinfo.value)


def test_scope_rules_are_enforced(setup):
    with pytest.raises(ValidationError, match="Scope 1 needs a type"):
        services.activity_create(actor=setup["actor"], data=dict(
            period=setup["period"], facility=setup["leeds"], scope="1", description="x", quantity=D("1"),
            unit="kWh", factor=_desnz_2024("7_400_4000_5_1")))
    with pytest.raises(ValidationError, match="category"):
        services.activity_create(actor=setup["actor"], data=dict(
            period=setup["period"], facility=setup["leeds"], scope="3", description="x", quantity=D("1"),
            unit="kWh", factor=_desnz_2024("7_400_4000_5_1")))


def test_a_locked_period_refuses_every_change(setup):
    activity = services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], scope="2", energy_type="electricity",
        description="Grid", quantity=D("10"), unit="kWh"))
    services.period_set_status(period=setup["period"], status="locked", actor=setup["actor"])
    assert AuditEntry.objects.filter(action="inventory.period.locked").exists()
    with pytest.raises(services.PeriodLocked, match="FY2024 is locked"):
        services.activity_update(activity=activity, actor=setup["actor"], data={"quantity": D("20")})
    with pytest.raises(services.PeriodLocked):
        services.activity_delete(activity=activity, actor=setup["actor"])
    with pytest.raises(services.PeriodLocked):
        services.instrument_create(actor=setup["actor"], data=dict(
            period=setup["period"], facility=setup["leeds"], kind="go", quantity_mwh=D("1")))
    with pytest.raises(services.PeriodLocked):
        services.period_update(period=setup["period"], actor=setup["actor"], data={"net_revenue": D("1")})
    assert ActivityRecord.objects.get(pk=activity.pk).quantity == D("10")


def test_soft_delete_hides_and_restore_brings_back(setup):
    activity = services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], scope="2", energy_type="electricity",
        description="Grid", quantity=D("1000"), unit="kWh"))
    services.activity_delete(activity=activity, actor=setup["actor"])
    assert not ActivityRecord.objects.filter(pk=activity.pk).exists()
    assert ActivityRecord.all_objects.get(pk=activity.pk).deleted_by == setup["actor"]
    assert period_figures(setup["period"]).totals.scope2_location_t == 0
    audited_restore(ActivityRecord.all_objects.get(pk=activity.pk), actor=setup["actor"])
    assert period_figures(setup["period"]).totals.scope2_location_t == D("0.20705")
    actions = list(AuditEntry.objects.filter(object_id=str(activity.pk), object_type="inventory.activityrecord")
                   .order_by("sequence").values_list("action", flat=True))
    assert actions == ["inventory.activity.created", "inventory.activity.deleted", "inventory.activity.restored"]


def test_market_based_uses_the_instruments_of_the_site(setup):
    services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], scope="2", energy_type="electricity",
        description="Grid", quantity=D("250000"), unit="kWh"))
    services.instrument_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], kind="go", quantity_mwh=D("100"), emission_rate=D("0")))
    totals = period_figures(setup["period"]).totals
    # Location: 250 000 × 0.20705 = 51.7625 t. Market: 100 MWh at 0, 150 000 kWh at the grid
    # average (no residual mix loaded) 0.20705 = 31.0575 t.
    assert totals.scope2_location_t == D("51.7625")
    assert totals.scope2_market_t == D("31.0575")


def test_facilities_in_use_cannot_be_deleted(setup):
    services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], scope="2", energy_type="electricity",
        description="Grid", quantity=D("1"), unit="kWh"))
    with pytest.raises(ValidationError, match="has activities"):
        services.facility_delete(facility=setup["leeds"], actor=setup["actor"])


def test_an_equity_share_joint_venture_scales_market_based_too(setup):
    jv = services.facility_create(actor=setup["actor"], data=dict(name="JV", country="GB", consolidation="equity",
                                                                  equity_share=D("40")))
    services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=jv, scope="2", energy_type="electricity", description="Grid",
        quantity=D("100000"), unit="kWh"))
    services.instrument_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=jv, kind="supplier", emission_rate=D("0.25")))
    totals = period_figures(setup["period"]).totals
    # 40 % of 100 000 kWh: location 0.4 × 100 000 × 0.20705 = 8 282 kg; market 0.4 × 100 000 × 0.25 = 10 000 kg
    assert totals.scope2_location_t == D("8.282")
    assert totals.scope2_market_t == D("10")


# ---------------------------------------------------------------- review findings
def test_a_residual_mix_per_mwh_is_converted_to_per_kwh(setup):
    """600 kg CO2e/MWh is 0.6 kg/kWh: 150 000 kWh left after 100 MWh of GOs → 90 000 kg."""
    from factors.custom.services import custom_factor_create

    custom_factor_create(actor=setup["actor"], data=dict(
        kind="custom", activity="Residual mix GB", region="GB", year=2024, unit="MWh", kgco2e_per_unit=D("600"),
        scope="2"))
    services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], scope="2", energy_type="electricity",
        description="Grid", quantity=D("250000"), unit="kWh"))
    services.instrument_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], kind="go", quantity_mwh=D("100")))
    assert period_figures(setup["period"]).totals.scope2_market_t == D("90")


def test_instruments_and_energy_cannot_leave_or_enter_a_locked_period(setup):

    draft = services.period_create(actor=setup["actor"], data=dict(name="FY2025", year=2025, start=dt.date(2025, 1, 1),
                                                                   end=dt.date(2025, 12, 31)))
    go = services.instrument_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], kind="go", quantity_mwh=D("50")))
    gas = csrd_services.energy_create(actor=setup["actor"], data=dict(
        period=setup["period"], category="fossil_natural_gas", mwh=D("10")))
    services.period_set_status(period=setup["period"], status="locked", actor=setup["actor"])
    with pytest.raises(services.PeriodLocked):
        services.instrument_update(instrument=go, actor=setup["actor"], data={"period": draft})
    with pytest.raises(services.PeriodLocked):
        csrd_services.energy_update(energy=gas, actor=setup["actor"], data={"period": draft})
    assert ContractualInstrument.objects.get(pk=go.pk).period_id == setup["period"].pk


def test_a_locked_period_keeps_its_scope2_when_boundaries_or_residual_mixes_change(setup):
    from factors.custom.services import custom_factor_create

    jv = services.facility_create(actor=setup["actor"], data=dict(name="JV", country="GB", consolidation="equity",
                                                                  equity_share=D("50")))
    services.activity_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=jv, scope="2", energy_type="electricity", description="Grid",
        quantity=D("100000"), unit="kWh"))
    before = period_figures(setup["period"]).totals
    services.period_set_status(period=setup["period"], status="locked", actor=setup["actor"])
    with pytest.raises(ValidationError, match="locked FY2024"):
        services.facility_update(facility=jv, actor=setup["actor"], data={"equity_share": D("100")})
    custom_factor_create(actor=setup["actor"], data=dict(
        kind="custom", activity="Residual mix GB", region="GB", year=2024, unit="kWh", kgco2e_per_unit=D("0.9"),
        scope="2"))
    after = period_figures(ReportingPeriod.objects.get(pk=setup["period"].pk)).totals
    assert (after.scope2_location_t, after.scope2_market_t) == (before.scope2_location_t, before.scope2_market_t)


@pytest.mark.parametrize("unit, factor_id, field, message", [
    ("EUR", None, "unit", "Scope 2 quantities are purchased energy"),
    ("kWh", "1_100_1004_6_1", "factor", "Scope 1 factor"),
])
def test_scope2_electricity_is_energy_at_a_grid_factor(setup, unit, factor_id, field, message):
    from factors.custom.services import custom_factor_create

    factor = _desnz_2024(factor_id) if factor_id else None
    custom = None
    if factor is None:
        custom = custom_factor_create(actor=setup["actor"], data=dict(
            kind="supplier", supplier="Utility", activity="Tariff", region="GB", year=2024, unit="EUR",
            kgco2e_per_unit=D("0.5"), scope="2"))
    with pytest.raises(ValidationError) as excinfo:
        services.activity_create(actor=setup["actor"], data=dict(
            period=setup["period"], facility=setup["leeds"], scope="2", energy_type="electricity",
            description="Grid", quantity=D("1000"), unit=unit, factor=factor, custom_factor=custom))
    assert message in excinfo.value.message_dict[field][0]


def test_a_site_has_one_supplier_rate(setup):
    services.instrument_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["leeds"], kind="supplier", emission_rate=D("0.3")))
    with pytest.raises(ValidationError, match="already has a supplier-specific rate"):
        services.instrument_create(actor=setup["actor"], data=dict(
            period=setup["period"], facility=setup["leeds"], kind="supplier", emission_rate=D("0.1")))


def test_instruments_of_a_site_without_consumption_are_reported_unused(setup):
    services.instrument_create(actor=setup["actor"], data=dict(
        period=setup["period"], facility=setup["ohio"], kind="rec", quantity_mwh=D("20")))
    sites = period_figures(setup["period"]).scope2_sites
    assert [(s.site, s.unused_instrument_kwh, s.market_kg) for s in sites] == [("Ohio", D("20000"), 0)]


def test_energy_without_a_calorific_basis_is_refused_against_a_gross_cv_factor(setup):
    """Gross and net CV differ by ~10 % for natural gas: 'kWh' alone is not enough."""
    with pytest.raises(ValidationError) as excinfo:
        services.activity_create(actor=setup["actor"], data=dict(
            period=setup["period"], facility=setup["leeds"], scope="1", scope1_type="stationary",
            description="Boilers", quantity=D("1000"), unit="kWh", factor=_desnz_2024("1_100_1004_6_1")))
    assert "write 'kWh (Gross CV)' or 'kWh (Net CV)'" in excinfo.value.message_dict["unit"][0]
