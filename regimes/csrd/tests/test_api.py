"""/api/v1/inventory/ and /api/v1/csrd/: CRUD of every inventory and CSRD model through HTTP
(session and API key), problem details, the period lock, the totals endpoint against a hand
calculation, filters, pagination, OpenAPI, and each endpoint with its outsider cases (another
tenant's member → 404, anonymous → 401, a reader writing → 403, an officer unlocking → 403).

Factors are DESNZ 2025 (v1) flat-file values (the root conftest's ``factor_library``):

    natural gas, kWh (Gross CV)       1_100_1004_6_1    0.18296 kg CO2e/kWh (CO2 0.18259, CH4 0.00028, N2O 0.00009)
    diesel (average biofuel blend)    1_101_1011_8_1    2.57082 kg CO2e/litre
    UK electricity (grid, location)   7_400_4000_5_1    0.177   kg CO2e/kWh
    WTT natural gas, kWh (Gross CV)   11_100_1004_6_1   0.03021 kg CO2e/kWh
    domestic flight, average, with RF 21_316_3160_11_1  0.22928 kg CO2e/passenger.km
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from django.core.cache import cache

from factors.models import EmissionFactor
from factortrace.api.keys import api_key_create
from factortrace.audit.models import AuditEntry
from regimes.csrd import services as csrd_services
from regimes.csrd.models import EnergyConsumption
from regimes.inventory import services
from regimes.inventory.models import (
    ActivityRecord,
    ReportingPeriod,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/inventory"
CSRD = "/api/v1/csrd"


def base_of(resource: str) -> str:
    """Energy lines and E1 totals are CSRD's; everything else is the shared inventory's."""
    return CSRD if resource == "energy" else BASE
PROBLEM = "application/problem+json"


@pytest.fixture
def desnz(factor_library, db):
    """DESNZ 2025 factors by publisher ID (the library is loaded once per session, root conftest)."""

    def factor(external_id: str) -> EmissionFactor:
        return EmissionFactor.objects.select_related("source").get(source__code="desnz-2025", external_id=external_id)

    return factor


@pytest.fixture(autouse=True)
def _fresh_rate_limit_buckets():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officer(tenant_a, people, client_for):
    return client_for(people["officer"], tenant_a)


def send(client, method: str, path: str, data=None, **extra):
    """A JSON request (``data`` as a dict, or a raw JSON string); GET sends ``data`` as the query."""
    if method == "get":
        return client.get(path, data, **extra)
    body = data if isinstance(data, str) else json.dumps(data or {})
    return getattr(client, method)(path, body, content_type="application/json", **extra)


def audit_actions(tenant, in_tenant, object_type: str, object_id) -> list[tuple[str, str]]:
    with in_tenant(tenant):
        return [(entry.action, entry.actor_email) for entry in AuditEntry.objects.filter(
            object_type=object_type, object_id=str(object_id)).order_by("sequence")]


def in_admin_deleted_filter(admin_client, model_name: str, pk: int) -> bool:
    """A soft-deleted row is kept: the organisation admin lists it under "deleted", not under "active"."""
    app = "csrd" if model_name == "energyconsumption" else "inventory"
    change_url = f"/admin/{app}/{model_name}/{pk}/change/"
    deleted = admin_client.get(f"/admin/{app}/{model_name}/", {"deleted": "yes"})
    active = admin_client.get(f"/admin/{app}/{model_name}/", {"deleted": "no"})
    assert deleted.status_code == active.status_code == 200
    return change_url in deleted.content.decode() and change_url not in active.content.decode()


# ---------------------------------------------------------------- data made through the services
@pytest.fixture
def inventory(tenant_a, people, in_tenant, desnz):
    """A draft period FY2025 with one facility, one activity, instrument, energy line and target."""
    owner = people["owner"]
    with in_tenant(tenant_a):
        period = services.period_create(actor=owner, data=dict(
            name="FY2025", year=2025, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31),
            net_revenue=D("50000000")))
        leeds = services.facility_create(actor=owner, data=dict(name="Leeds", code="LDS", country="GB"))
        gas = services.activity_create(actor=owner, data=dict(
            period=period, facility=leeds, scope="1", scope1_type="stationary", description="Natural gas, boilers",
            quantity=D("120000"), unit="kWh (Gross CV)", factor=desnz("1_100_1004_6_1")))
        go = services.instrument_create(actor=owner, data=dict(
            period=period, facility=leeds, kind="go", quantity_mwh=D("150"), emission_rate=D(0)))
        energy = csrd_services.energy_create(actor=owner, data=dict(
            period=period, category="fossil_natural_gas", mwh=D("120")))
        target = services.target_create(actor=owner, data=dict(
            name="Scope 1 and 2 −50 %", base_year=2020, base_value=D("200"), target_year=2030,
            target_value=D("100")))
    return {"period": period, "facility": leeds, "activity": gas, "instrument": go, "energy": energy,
            "target": target}


def endpoints(data) -> list[tuple[str, str]]:
    """(list URL, detail URL) of each resource."""
    return [(f"{BASE}/periods/", f"{BASE}/periods/{data['period'].pk}/"),
            (f"{BASE}/facilities/", f"{BASE}/facilities/{data['facility'].pk}/"),
            (f"{BASE}/activities/", f"{BASE}/activities/{data['activity'].pk}/"),
            (f"{BASE}/instruments/", f"{BASE}/instruments/{data['instrument'].pk}/"),
            (f"{CSRD}/energy/", f"{CSRD}/energy/{data['energy'].pk}/"),
            (f"{BASE}/targets/", f"{BASE}/targets/{data['target'].pk}/")]


def period_actions(data) -> list[str]:
    pk = data["period"].pk
    return [f"{BASE}/periods/{pk}/lock/", f"{BASE}/periods/{pk}/unlock/", f"{CSRD}/periods/{pk}/totals/"]


# ---------------------------------------------------------------- periods
def test_period_crud_through_http(tenant_a, people, officer, client_for, in_tenant):
    created = send(officer, "post", f"{BASE}/periods/", {
        "name": "FY2026", "year": 2026, "start": "2026-01-01", "end": "2026-12-31", "net_revenue": "81200000.5",
        "currency": "EUR", "status": "locked"})
    assert created.status_code == 201, created.json()
    period = created.json()
    assert period["status"] == "draft"  # status changes only through lock/unlock
    assert period["net_revenue"] == "81200000.5" and period["high_climate_impact_revenue"] is None
    assert period["created_by"] == period["updated_by"] == "officer@alpha.example"
    url = f"{BASE}/periods/{period['id']}/"

    assert officer.get(url).json()["name"] == "FY2026"
    patched = send(officer, "patch", url, {"methodology": "Operational control; DESNZ 2025 factors."})
    assert patched.status_code == 200 and patched.json()["methodology"].startswith("Operational control")
    replaced = send(officer, "put", url, {"name": "FY 2026", "year": 2026, "start": "2026-01-01",
                                          "end": "2026-12-31", "currency": "GBP", "net_revenue": None})
    assert replaced.status_code == 200
    assert replaced.json()["currency"] == "GBP" and replaced.json()["net_revenue"] is None

    assert officer.delete(url).status_code == 204
    assert officer.get(url).status_code == 404
    assert period["id"] not in [p["id"] for p in officer.get(f"{BASE}/periods/").json()["results"]]
    assert in_admin_deleted_filter(client_for(people["admin"], tenant_a), "reportingperiod", period["id"])
    assert audit_actions(tenant_a, in_tenant, "inventory.reportingperiod", period["id"]) == [
        ("inventory.period.created", "officer@alpha.example"), ("inventory.period.updated", "officer@alpha.example"),
        ("inventory.period.updated", "officer@alpha.example"), ("inventory.period.deleted", "officer@alpha.example")]


def test_period_validation_errors_are_problem_details(tenant_a, officer, in_tenant):
    response = send(officer, "post", f"{BASE}/periods/", {
        "name": "FY2026", "year": 2026, "start": "2026-12-31", "end": "2026-01-01", "currency": "euro",
        "net_revenue": "1.005"})
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["title"] == "Invalid request" and body["status"] == 400
    assert set(body["errors"]) == {"net_revenue", "currency"}  # the serializer's shape checks come first
    assert body["errors"]["net_revenue"] == ["Ensure that there are no more than 2 decimal places."]
    valid = {"name": "FY2026", "year": 2026, "start": "2026-01-01", "end": "2026-12-31"}
    for change, errors in (({"end": "2025-12-31"}, {"end": ["The period must end after it starts."]}),
                           ({"currency": "eur"}, {"currency": ["Use an ISO 4217 code such as EUR."]}),
                           ({"year": 1989}, {"year": ["Ensure this value is greater than or equal to 1990."]})):
        response = send(officer, "post", f"{BASE}/periods/", {**valid, **change})
        assert response.status_code == 400 and response.json()["errors"] == errors, change
    with in_tenant(tenant_a):
        assert not ReportingPeriod.all_objects.filter(year=2026).exists()
        assert not AuditEntry.objects.filter(action="inventory.period.created").exists()


def test_period_names_are_unique_among_live_periods(inventory, officer):
    payload = {"name": "FY2025", "year": 2025, "start": "2025-01-01", "end": "2025-12-31"}
    duplicate = send(officer, "post", f"{BASE}/periods/", payload)
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"] == {"name": ["There is already a period with this name."]}
    for kind in ("activities", "instruments", "energy"):  # a period is deleted only when empty
        key = {"activities": "activity", "instruments": "instrument", "energy": "energy"}[kind]
        assert send(officer, "delete", f"{base_of(kind)}/{kind}/{inventory[key].pk}/").status_code == 204
    assert officer.delete(f"{BASE}/periods/{inventory['period'].pk}/").status_code == 204
    assert send(officer, "post", f"{BASE}/periods/", payload).status_code == 201  # the deleted one is no obstacle


def test_deleting_a_period_or_facility_in_use_is_a_conflict(inventory, officer, tenant_a, in_tenant):
    for url in (f"{BASE}/periods/{inventory['period'].pk}/", f"{BASE}/facilities/{inventory['facility'].pk}/"):
        response = officer.delete(url)
        assert response.status_code == 409 and response["Content-Type"] == PROBLEM, url
        assert response.json()["title"] == "Conflict" and "delete them first" in response.json()["detail"]
    with in_tenant(tenant_a):
        assert ReportingPeriod.objects.filter(pk=inventory["period"].pk).exists()


# ---------------------------------------------------------------- the lock
def test_a_locked_period_refuses_every_change_with_409(inventory, tenant_a, people, officer, client_for, in_tenant):
    period, activity = inventory["period"], inventory["activity"]
    locked = officer.post(f"{BASE}/periods/{period.pk}/lock/")
    assert locked.status_code == 200 and locked.json()["status"] == "locked"
    message = "FY2025 is locked; unlock it before changing its data."
    refused = [
        send(officer, "post", f"{BASE}/activities/", {
            "period": period.pk, "facility": inventory["facility"].pk, "scope": "1", "scope1_type": "mobile",
            "description": "Diesel", "quantity": "10", "unit": "litres", "factor_keywords": "diesel"}),
        send(officer, "patch", f"{BASE}/activities/{activity.pk}/", {"quantity": "1"}),
        officer.delete(f"{BASE}/activities/{activity.pk}/"),
        send(officer, "post", f"{BASE}/instruments/", {"period": period.pk, "facility": inventory["facility"].pk,
                                                       "kind": "supplier", "emission_rate": "0.2"}),
        send(officer, "patch", f"{BASE}/instruments/{inventory['instrument'].pk}/", {"quantity_mwh": "10"}),
        officer.delete(f"{BASE}/instruments/{inventory['instrument'].pk}/"),
        send(officer, "post", f"{CSRD}/energy/", {"period": period.pk, "category": "nuclear", "mwh": "5"}),
        send(officer, "patch", f"{CSRD}/energy/{inventory['energy'].pk}/", {"mwh": "5"}),
        officer.delete(f"{CSRD}/energy/{inventory['energy'].pk}/"),
        send(officer, "patch", f"{BASE}/periods/{period.pk}/", {"methodology": "changed"}),
        officer.delete(f"{BASE}/periods/{period.pk}/"),
    ]
    for response in refused:
        assert response.status_code == 409, (response.request["PATH_INFO"], response.json())
        assert response["Content-Type"] == PROBLEM
        assert response.json() == {"type": "about:blank", "title": "Conflict", "status": 409, "detail": message}
    with in_tenant(tenant_a):
        assert ActivityRecord.objects.get(pk=activity.pk).quantity == D("120000")
        assert ActivityRecord.objects.count() == 1 and EnergyConsumption.objects.count() == 1

    assert officer.post(f"{BASE}/periods/{period.pk}/unlock/").status_code == 403  # unlocking needs MANAGE
    unlocked = client_for(people["admin"], tenant_a).post(f"{BASE}/periods/{period.pk}/unlock/")
    assert unlocked.status_code == 200 and unlocked.json()["status"] == "draft"
    assert send(officer, "patch", f"{BASE}/activities/{activity.pk}/", {"quantity": "1"}).status_code == 200
    assert audit_actions(tenant_a, in_tenant, "inventory.reportingperiod", period.pk)[-2:] == [
        ("inventory.period.locked", "officer@alpha.example"), ("inventory.period.unlocked", "admin@alpha.example")]


# ---------------------------------------------------------------- activities
def test_activity_with_a_library_factor_shows_snapshot_reason_and_gases(inventory, tenant_a, officer, desnz, in_tenant):
    gas = desnz("1_100_1004_6_1")
    response = send(officer, "post", f"{BASE}/activities/", {
        "period": inventory["period"].pk, "facility": inventory["facility"].pk, "scope": "1",
        "scope1_type": "stationary", "description": "Natural gas, paint-line ovens", "quantity": "120000.5",
        "unit": "kWh (Gross CV)", "factor": gas.pk, "data_quality": "measured", "ets_regulated": True})
    assert response.status_code == 201, response.json()
    activity = response.json()
    # 120 000.5 kWh × 0.18296 kg/kWh = 21 955.29148 kg; CO2 × 0.18259, CH4 × 0.00028, N2O × 0.00009
    assert activity["quantity"] == "120000.5"
    assert activity["emissions_kg"] == "21955.29148" and activity["emissions_t"] == "21.95529148"
    assert (activity["co2_kg"], activity["ch4_kg"], activity["n2o_kg"], activity["other_kg"]) == (
        "21910.891295", "33.60014", "10.800045", None)
    snapshot = activity["factor_snapshot"]
    assert (snapshot["value"], snapshot["unit"], snapshot["source_code"], snapshot["edition"]) == (
        "0.18296", "kWh (Gross CV)", "desnz-2025", "2025 v1")
    assert snapshot["source"] == "UK Government GHG Conversion Factors for Company Reporting"
    assert snapshot["factor_id"] == gas.pk and activity["factor"] == gas.pk and activity["custom_factor"] is None
    assert activity["factor_reason"] == "Chosen by the user: DESNZ 2025 1_100_1004_6_1, Natural gas."
    assert "factor_keywords" not in activity

    url = f"{BASE}/activities/{activity['id']}/"
    changed = send(officer, "patch", url, {"quantity": "1318000.123456", "notes": "Meter read 31 Dec"})
    assert changed.status_code == 200
    assert changed.json()["quantity"] == "1318000.123456"  # exact round trip, no padding, no rounding
    assert officer.get(url).json()["quantity"] == "1318000.123456"
    # 1 318 000.123456 × 0.18296 = 241 141.302587 50976 kg, stored at 6 decimals
    assert officer.get(url).json()["emissions_kg"] == "241141.302588"
    assert audit_actions(tenant_a, in_tenant, "inventory.activityrecord", activity["id"]) == [
        ("inventory.activity.created", "officer@alpha.example"),
        ("inventory.activity.updated", "officer@alpha.example")]


def test_a_deleted_activity_leaves_lists_and_totals_but_stays_restorable(inventory, tenant_a, people, officer,
                                                                         client_for, in_tenant):
    pk, period = inventory["activity"].pk, inventory["period"].pk
    before = officer.get(f"{CSRD}/periods/{period}/totals/").json()["e1_6"]["scope1"]["unrounded"]
    assert before == "21.9552"  # 120 000 kWh × 0.18296
    assert officer.delete(f"{BASE}/activities/{pk}/").status_code == 204
    assert officer.get(f"{BASE}/activities/{pk}/").status_code == 404
    assert officer.get(f"{BASE}/activities/", {"period": period}).json()["count"] == 0
    assert officer.get(f"{CSRD}/periods/{period}/totals/").json()["e1_6"]["scope1"]["unrounded"] == "0"
    assert in_admin_deleted_filter(client_for(people["admin"], tenant_a), "activityrecord", pk)
    assert audit_actions(tenant_a, in_tenant, "inventory.activityrecord", pk) == [
        ("inventory.activity.created", "owner@alpha.example"), ("inventory.activity.deleted", "officer@alpha.example")]


def test_activity_with_a_supplier_factor_and_a_get_edit_put_round_trip(inventory, tenant_a, people, officer,
                                                                       in_tenant):
    from factors.custom.services import custom_factor_create

    with in_tenant(tenant_a):
        steel = custom_factor_create(actor=people["officer"], data=dict(
            kind="supplier", supplier="Acme Steel", source_name="EPD S-P-01234 (2025)", activity="Hot-rolled coil",
            unit="tonne", kgco2e_per_unit=D("1850.5"), region="GB"))
    created = send(officer, "post", f"{BASE}/activities/", {
        "period": inventory["period"].pk, "facility": inventory["facility"].pk, "scope": "3", "scope3_category": 1,
        "description": "Steel coil", "quantity": "12.5", "unit": "tonne", "custom_factor": steel.pk,
        "factor_reason": "Supplier EPD for this contract"})
    assert created.status_code == 201, created.json()
    activity = created.json()
    assert activity["custom_factor"] == steel.pk and activity["factor"] is None
    assert activity["emissions_kg"] == "23131.25"  # 12.5 t × 1 850.5 kg CO2e/t
    assert activity["factor_snapshot"]["kind"] == "supplier"
    assert activity["factor_snapshot"]["source"] == "Supplier-specific factor: Acme Steel"
    assert activity["factor_reason"] == "Supplier EPD for this contract"

    # A client that reads, edits one field and PUTs the whole record back keeps factor and reason.
    url = f"{BASE}/activities/{activity['id']}/"
    record = officer.get(url).json()
    writable = {k: v for k, v in record.items() if k in (
        "period", "facility", "scope", "scope1_type", "energy_type", "scope3_category", "description", "quantity",
        "unit", "factor", "custom_factor", "factor_reason", "ets_regulated", "data_quality", "notes")}
    replaced = send(officer, "put", url, {**writable, "quantity": "13"})
    assert replaced.status_code == 200, replaced.json()
    assert replaced.json()["emissions_kg"] == "24056.5"  # 13 t × 1 850.5
    assert replaced.json()["factor_reason"] == "Supplier EPD for this contract"
    assert replaced.json()["factor_snapshot"] == activity["factor_snapshot"]


def test_list_queries_do_not_grow_with_the_rows(inventory, tenant_a, people, officer, in_tenant, desnz):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(resource: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(f"{base_of(resource)}/{resource}/").status_code == 200
        return len(captured)

    before = {resource: queries(resource) for resource in ("activities", "instruments", "energy", "facilities")}
    with in_tenant(tenant_a):
        for number in range(5):
            site = services.facility_create(actor=people["admin"], data=dict(name=f"Site {number}", country="GB"))
            services.activity_create(actor=people["officer"], data=dict(
                period=inventory["period"], facility=site, scope="1", scope1_type="stationary",
                description=f"Gas {number}", quantity=D(number + 1), unit="kWh (Gross CV)",
                factor=desnz("1_100_1004_6_1")))
            csrd_services.energy_create(actor=people["admin"], data=dict(period=inventory["period"], facility=site,
                                                                         category="nuclear", mwh=D(1)))
            services.instrument_create(actor=people["officer"], data=dict(
                period=inventory["period"], facility=site, kind="rec", quantity_mwh=D(1)))
    assert {resource: queries(resource) for resource in before} == before


def test_json_numbers_keep_every_digit(inventory, officer, desnz):
    period, facility, factor = inventory["period"].pk, inventory["facility"].pk, desnz("1_100_1004_6_1").pk
    body = (f'{{"period": {period}, "facility": {facility}, "scope": "1", "scope1_type": "stationary", '
            f'"description": "Gas", "quantity": 123456789012.345678, "unit": "kWh (Gross CV)", "factor": {factor}}}')
    response = send(officer, "post", f"{BASE}/activities/", body)
    assert response.status_code == 201, response.json()
    assert response.json()["quantity"] == "123456789012.345678"  # a float would have lost the last digits


def test_activity_factor_by_keywords_or_grid_is_resolved_with_its_reason(inventory, officer, desnz):
    common = {"period": inventory["period"].pk, "facility": inventory["facility"].pk}
    diesel = send(officer, "post", f"{BASE}/activities/", {
        **common, "scope": "1", "scope1_type": "mobile", "description": "Delivery vans", "quantity": "10000",
        "unit": "litres", "factor_keywords": "diesel"}).json()
    assert diesel["factor"] == desnz("1_101_1011_8_1").pk
    assert diesel["factor_snapshot"]["value"] == "2.57082" and diesel["emissions_kg"] == "25708.2"
    assert "Diesel (average biofuel blend)" in diesel["factor_reason"]

    grid = send(officer, "post", f"{BASE}/activities/", {
        **common, "scope": "2", "energy_type": "electricity", "description": "Grid electricity, Leeds",
        "quantity": "200", "unit": "MWh"}).json()
    assert grid["factor"] == desnz("7_400_4000_5_1").pk and grid["factor_snapshot"]["value"] == "0.177"
    assert grid["emissions_kg"] == "35400" and grid["emissions_t"] == "35.4"  # 200 000 kWh × 0.177
    assert grid["factor_reason"].startswith("Grid electricity for GB: DESNZ 2025")

    # A quantity change keeps the factor and its reason; new keywords choose a new factor.
    url = f"{BASE}/activities/{diesel['id']}/"
    kept = send(officer, "patch", url, {"quantity": "20000"}).json()
    assert kept["factor"] == diesel["factor"] and kept["factor_reason"] == diesel["factor_reason"]
    assert kept["emissions_kg"] == "51416.4"
    petrol = send(officer, "patch", url, {"factor_keywords": "petrol average biofuel blend"}).json()
    assert petrol["factor"] != diesel["factor"] and "Petrol" in petrol["factor_snapshot"]["activity"]


def test_activity_validation_errors_name_the_fields(inventory, tenant_a, officer, desnz, in_tenant):
    valid = {"period": inventory["period"].pk, "facility": inventory["facility"].pk, "scope": "1",
             "scope1_type": "stationary", "description": "Gas", "quantity": "100", "unit": "kWh (Gross CV)",
             "factor": desnz("1_100_1004_6_1").pk}
    cases = [
        ({"unit": "litres"}, "unit", ["Cannot convert 'litres' (volume) to 'kWh (Gross CV)' (energy)"]),
        ({"unit": "bananas"}, "unit", ["Unknown unit 'bananas'"]),
        ({"scope1_type": ""}, "scope1_type", ["Scope 1 needs a type: stationary, mobile, process or fugitive."]),
        ({"scope3_category": 6}, "scope3_category", ["Only Scope 3 activities have a category."]),
        ({"quantity": "-5"}, "quantity", ["Quantities cannot be negative; record a correction as its own line "
                                          "with a note."]),
        ({"quantity": "1.1234567"}, "quantity", ["Ensure that there are no more than 6 decimal places."]),
        ({"factor": 999999999}, "factor", ['Invalid pk "999999999" - object does not exist.']),
        ({"factor_keywords": "gas"}, "factor_keywords", ["Give one of factor, custom_factor or factor_keywords, "
                                                         "not several."]),
        ({"factor": None, "factor_keywords": "unobtainium smelting"}, "factor", None),
        ({"period": None}, "period", ["This field may not be null."]),
    ]
    for change, field, messages in cases:
        response = send(officer, "post", f"{BASE}/activities/", {**valid, **change})
        assert response.status_code == 400, (change, response.json())
        assert response["Content-Type"] == PROBLEM
        body = response.json()
        assert body["title"] == "Invalid request" and body["detail"] == "The request has invalid fields."
        assert field in body["errors"], (change, body)
        if messages is not None:
            assert body["errors"][field] == messages, (change, body)
    with in_tenant(tenant_a):
        assert ActivityRecord.objects.count() == 1  # the fixture's only
        assert not AuditEntry.objects.filter(action="inventory.activity.created").exclude(
            object_id=str(inventory["activity"].pk)).exists()


# ---------------------------------------------------------------- facilities, instruments, energy, targets
SIMPLE_RESOURCES = {
    "facilities": ("inventory.facility", {"name": "Ohio plant", "code": "OH1", "country": "US", "grid_region": "RFCW",
                                     "consolidation": "equity", "equity_share": "62.5"},
                   {"equity_share": "40"}),
    "instruments": ("inventory.contractualinstrument", {"kind": "supplier", "supplier": "Buckeye Power",
                                                   "emission_rate": "0.36200001"}, {"emission_rate": "0.362"}),
    "energy": ("csrd.energyconsumption", {"category": "renewable_self_generated", "description": "Rooftop solar",
                                          "mwh": "96.000001"}, {"mwh": "128"}),
    "targets": ("inventory.target", {"name": "Value-chain intensity −30 %", "kind": "intensity", "covers_scope3": True,
                                "scope2_method": "location", "base_year": 2022, "base_value": "62",
                                "target_year": 2030, "target_value": "43.4", "science_based": True},
                {"target_value": "43.45"}),
}
AUDIT_LABELS = {"facilities": "inventory.facility", "instruments": "inventory.instrument", "energy": "csrd.energy",
                "targets": "inventory.target"}


@pytest.mark.parametrize("resource", SIMPLE_RESOURCES)
def test_crud_with_an_api_key_writes_audit_entries_and_deletes_softly(resource, inventory, tenant_a, people,
                                                                      client_for, in_tenant):
    object_type, payload, change = SIMPLE_RESOURCES[resource]
    if resource in ("instruments", "energy"):
        payload = {**payload, "period": inventory["period"].pk, "facility": inventory["facility"].pk}
    with in_tenant(tenant_a):
        _, key = api_key_create(user=people["officer"], name="ERP sync")
    client = client_for(None, tenant_a, HTTP_AUTHORIZATION=f"Api-Key {key}")
    created = send(client, "post", f"{base_of(resource)}/{resource}/", payload)
    assert created.status_code == 201, created.json()
    record = created.json()
    for field, value in payload.items():
        assert record[field] == value, field  # decimals come back exactly as sent
    url = f"{base_of(resource)}/{resource}/{record['id']}/"
    updated = send(client, "patch", url, change)
    assert updated.status_code == 200 and all(updated.json()[k] == v for k, v in change.items())
    assert client.get(url).json()["updated_by"] == "officer@alpha.example"

    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert record["id"] not in [row["id"] for row in client.get(f"{base_of(resource)}/{resource}/").json()["results"]]
    label = AUDIT_LABELS[resource]
    assert audit_actions(tenant_a, in_tenant, object_type, record["id"]) == [
        (f"{label}.created", "officer@alpha.example"), (f"{label}.updated", "officer@alpha.example"),
        (f"{label}.deleted", "officer@alpha.example")]
    model_name = object_type.split(".")[1]
    assert in_admin_deleted_filter(client_for(people["admin"], tenant_a), model_name, record["id"])


def test_model_rules_come_back_as_field_errors(inventory, officer):
    common = {"period": inventory["period"].pk, "facility": inventory["facility"].pk}
    cases = [
        ("instruments", {**common, "kind": "go", "emission_rate": "0"}, "quantity_mwh",
         "Give the MWh the instrument covers."),
        ("instruments", {**common, "kind": "supplier", "quantity_mwh": "5", "emission_rate": "0.3"}, "quantity_mwh",
         "A supplier-specific rate covers the remaining supply: leave MWh empty."),
        ("energy", {**common, "category": "nuclear", "mwh": "-1"}, "mwh", "Energy consumption cannot be negative."),
        ("targets", {"name": "T", "base_year": 2030, "base_value": "10", "target_year": 2025, "target_value": "5"},
         "target_year", "The target year comes after the base year."),
        ("targets", {"name": "T", "covers_scope1": False, "covers_scope2": False, "base_year": 2020,
                     "base_value": "10", "target_year": 2030, "target_value": "5"},
         "covers_scope1", "A target covers at least one scope."),
        ("facilities", {"name": "Leeds", "country": "GB"}, "name", "There is already a facility with this name."),
        ("facilities", {"name": "Atlantis", "country": "XX"}, "country", None),
    ]
    for resource, payload, field, message in cases:
        response = send(officer, "post", f"{base_of(resource)}/{resource}/", payload)
        assert response.status_code == 400 and response["Content-Type"] == PROBLEM, (resource, response.json())
        errors = response.json()["errors"]
        assert field in errors, (resource, errors)
        if message is not None:
            assert errors[field] == [message]


# ---------------------------------------------------------------- totals
def test_totals_match_a_hand_calculation(tenant_a, people, officer, client_for, desnz):
    post = lambda resource, payload: send(officer, "post", f"{base_of(resource)}/{resource}/", payload).json()  # noqa: E731
    period = post("periods", {"name": "FY2025", "year": 2025, "start": "2025-01-01", "end": "2025-12-31",
                              "net_revenue": "50000000", "high_climate_impact_revenue": "20000000"})["id"]
    other = post("periods", {"name": "FY2024", "year": 2024, "start": "2024-01-01", "end": "2024-12-31"})["id"]
    leeds = post("facilities", {"name": "Leeds", "country": "GB"})["id"]
    sheffield = post("facilities", {"name": "Sheffield", "country": "GB"})["id"]
    bristol = post("facilities", {"name": "Bristol JV", "country": "GB", "consolidation": "equity",
                                  "equity_share": "40"})["id"]
    gas, wtt, flight = desnz("1_100_1004_6_1").pk, desnz("11_100_1004_6_1").pk, desnz("21_316_3160_11_1").pk
    lines = [
        (leeds, "1", {"scope1_type": "stationary", "ets_regulated": True, "factor": gas}, "120000", "kWh (Gross CV)"),
        (leeds, "1", {"scope1_type": "mobile", "factor_keywords": "diesel"}, "10000", "litres"),
        (bristol, "1", {"scope1_type": "stationary", "factor": gas}, "50000", "kWh (Gross CV)"),
        (leeds, "2", {"energy_type": "electricity"}, "200000", "kWh"),
        (sheffield, "2", {"energy_type": "electricity"}, "100", "MWh"),
        (leeds, "3", {"scope3_category": 3, "factor": wtt}, "120000", "kWh (Gross CV)"),
        (leeds, "3", {"scope3_category": 6, "factor": flight}, "50000", "passenger.km"),
    ]
    for facility, scope, details, quantity, unit in lines:
        response = send(officer, "post", f"{BASE}/activities/", {
            "period": period, "facility": facility, "scope": scope, "description": f"line {scope}",
            "quantity": quantity, "unit": unit, **details})
        assert response.status_code == 201, response.json()
    # Neither a deleted line nor another period's line counts.
    deleted = post("activities", {"period": period, "facility": leeds, "scope": "1", "scope1_type": "mobile",
                                  "description": "entered twice", "quantity": "999", "unit": "litres",
                                  "factor_keywords": "diesel"})["id"]
    assert officer.delete(f"{BASE}/activities/{deleted}/").status_code == 204
    post("activities", {"period": other, "facility": leeds, "scope": "1", "scope1_type": "mobile",
                        "description": "last year", "quantity": "999", "unit": "litres", "factor_keywords": "diesel"})
    post("instruments", {"period": period, "facility": leeds, "kind": "go", "quantity_mwh": "150",
                         "emission_rate": "0"})
    post("instruments", {"period": period, "facility": leeds, "kind": "supplier", "emission_rate": "0.25"})
    energy = {"fossil_natural_gas": "170", "fossil_crude_oil": "100.5", "fossil_purchased": "150.25",
              "nuclear": "30", "renewable_purchased": "150", "renewable_self_generated": "12.345678"}
    for category, mwh in energy.items():
        post("energy", {"period": period, "category": category, "mwh": mwh})
    absolute = post("targets", {"name": "Operational −50 %", "base_year": 2020, "base_value": "200",
                                "target_year": 2030, "target_value": "100"})["id"]
    intensity = post("targets", {"name": "Intensity −50 %", "kind": "intensity", "covers_scope3": True,
                                 "scope2_method": "location", "base_year": 2020, "base_value": "4",
                                 "target_year": 2030, "target_value": "2"})["id"]

    response = client_for(people["accountant"], tenant_a).get(f"{CSRD}/periods/{period}/totals/")  # readers may
    assert response.status_code == 200
    data = response.json()

    # ---- the hand calculation (kg CO2e = quantity × factor; equity share 40 % at Bristol)
    gas_f, diesel_f, grid_f, wtt_f, flight_f = D("0.18296"), D("2.57082"), D("0.177"), D("0.03021"), D("0.22928")
    scope1_kg = 120000 * gas_f + 10000 * diesel_f + 50000 * D("0.40") * gas_f      # 51 322.6
    ets_kg = 120000 * gas_f                                                           # 21 955.2
    scope2_location_kg = (200000 + 100 * 1000) * grid_f                               # 53 100
    # Market-based: Leeds 150 MWh GOs at 0, the other 50 MWh at the supplier's 0.25 kg/kWh;
    # Sheffield has no instrument and no residual mix → grid average.
    scope2_market_kg = 150000 * D(0) + 50000 * D("0.25") + 100000 * grid_f            # 30 200
    cat3_kg, cat6_kg = 120000 * wtt_f, 50000 * flight_f                               # 3 625.2, 11 464
    t = lambda kg: kg / 1000  # noqa: E731
    scope3_t = t(cat3_kg + cat6_kg)
    total_location_t = t(scope1_kg + scope2_location_kg) + scope3_t                   # 119.5118
    total_market_t = t(scope1_kg + scope2_market_kg) + scope3_t                       # 96.6118

    def fig(value: str, unrounded: D, unit: str = "t CO2e") -> dict:
        assert D(value) == unrounded.quantize(D(value)), (value, unrounded)  # value is unrounded, rounded
        return {"value": value, "unrounded": format(unrounded.normalize(), "f"), "unit": unit}

    e16 = data["e1_6"]
    assert e16["scope1"] == fig("51.323", t(scope1_kg))
    assert e16["scope1_ets"] == fig("21.955", t(ets_kg))
    assert e16["scope1_ets_share"] == fig("42.78", t(ets_kg) / t(scope1_kg) * 100, "%")
    assert e16["scope2_location"] == fig("53.100", t(scope2_location_kg))
    assert e16["scope2_market"] == fig("30.200", t(scope2_market_kg))
    assert e16["scope3_by_category"] == [
        {"category": 3, "name": "3 · Fuel- and energy-related activities", "emissions": fig("3.625", t(cat3_kg))},
        {"category": 6, "name": "6 · Business travel", "emissions": fig("11.464", t(cat6_kg))}]
    assert e16["scope3"] == fig("15.089", scope3_t)
    assert e16["total_location"] == fig("119.512", total_location_t)
    assert e16["total_market"] == fig("96.612", total_market_t)
    per_million = "t CO2e per EUR million"
    assert e16["intensity_location"] == fig("2.390", total_location_t / 50, per_million)   # revenue EUR 50 million
    assert e16["intensity_market"] == fig("1.932", total_market_t / 50, per_million)
    assert e16["scope1_by_type"] == [
        {"name": "Mobile combustion", "emissions": fig("25.708", t(10000 * diesel_f))},
        {"name": "Stationary combustion", "emissions": fig("25.614", t(120000 * gas_f + 20000 * gas_f))}]
    assert [(row["name"], row["emissions"]["unrounded"]) for row in e16["by_facility"]] == [
        ("Bristol JV", "3.6592"), ("Leeds", "98.1526"), ("Sheffield", "17.7")]
    leeds_site, sheffield_site = e16["scope2_sites"]
    assert leeds_site["facility"] == "Leeds" and leeds_site["location_based"] == fig("35.400", D("35.4"))
    assert leeds_site["market_based"] == fig("12.500", D("12.5"))
    assert [(s["basis"], s["mwh"]["unrounded"], s["kg_per_kwh"], s["emissions"]["unrounded"])
            for s in leeds_site["slices"]] == [("instrument", "150", "0", "0"), ("supplier", "50", "0.25", "12.5")]
    assert sheffield_site["market_based"] == fig("17.700", D("17.7"))
    assert [(s["basis"], s["kg_per_kwh"]) for s in sheffield_site["slices"]] == [("grid average", "0.177")]

    # ---- E1-5: fossil 170 + 100.5 + 150.25, nuclear 30, renewable 150 + 12.345678 MWh
    fossil, nuclear, renewable = D("420.75"), D("30"), D("162.345678")
    total = fossil + nuclear + renewable                                               # 613.095678
    e15 = data["e1_5"]
    assert e15["total"] == fig("613.096", total, "MWh")
    assert e15["fossil"] == fig("420.750", fossil, "MWh")
    assert e15["renewable"] == fig("162.346", renewable, "MWh")
    assert e15["nuclear"] == fig("30.000", nuclear, "MWh")
    assert e15["fossil_share"] == fig("68.63", fossil / total * 100, "%")
    assert e15["nuclear_share"] == fig("4.89", nuclear / total * 100, "%")
    assert e15["renewable_share"] == fig("26.48", renewable / total * 100, "%")
    assert e15["intensity_high_climate_impact"] == fig("30.655", total / 20, "MWh per EUR million")
    assert {row["category"]: row["consumption"]["unrounded"] for row in e15["by_category"]} == energy

    # ---- E1-4: absolute target on Scopes 1 + 2 (market); intensity target on all scopes (location)
    progress = {row["target"]["id"]: row for row in data["e1_4"]}
    current = t(scope1_kg + scope2_market_kg)                                          # 81.5226 t
    row = progress[absolute]
    assert row["current_year"] == 2025 and row["current_value"] == fig("81.523", current)
    assert row["reduction_needed"] == fig("50.00", D(50), "%")
    assert row["reduction_achieved"] == fig("59.24", (200 - current) / 200 * 100, "%")   # 59.2387 %
    assert row["progress"] == fig("118.48", (200 - current) / 100 * 100, "%")            # beyond the plan
    assert row["trajectory_value"] == fig("150.000", D(150))                             # 200 − 100 × 5/10
    assert row["on_track"] is True
    current = total_location_t / 50                                                     # 2.390236
    row = progress[intensity]
    assert row["current_value"] == fig("2.390", current, per_million)
    assert row["reduction_achieved"] == fig("40.24", (4 - current) / 4 * 100, "%")
    assert row["progress"] == fig("80.49", (4 - current) / 2 * 100, "%")
    assert row["trajectory_value"] == fig("3.000", D(3), per_million) and row["on_track"] is True

    assert data["period"]["name"] == "FY2025" and data["rounding"]["t_co2e_decimals"] == 3


def test_totals_of_an_empty_period_are_zero_and_ratios_null(tenant_a, people, in_tenant, officer):
    with in_tenant(tenant_a):
        period = services.period_create(actor=people["owner"], data=dict(
            name="FY2023", year=2023, start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31)))
    data = officer.get(f"{CSRD}/periods/{period.pk}/totals/").json()
    zero = {"value": "0.000", "unrounded": "0", "unit": "t CO2e"}
    assert data["e1_6"]["scope1"] == data["e1_6"]["total_market"] == zero
    assert data["e1_6"]["scope1_ets_share"] is None and data["e1_6"]["intensity_location"] is None
    assert data["e1_6"]["scope3_by_category"] == [] and data["e1_6"]["scope2_sites"] == []
    assert data["e1_5"]["total"] == {"value": "0.000", "unrounded": "0", "unit": "MWh"}
    assert data["e1_5"]["fossil_share"] is None and data["e1_4"] == []


# ---------------------------------------------------------------- filters and pagination
def test_activity_filters(inventory, officer, desnz):
    period, leeds = inventory["period"], inventory["facility"]
    other_period = send(officer, "post", f"{BASE}/periods/", {"name": "FY2024", "year": 2024, "start": "2024-01-01",
                                                               "end": "2024-12-31"}).json()["id"]
    ohio = send(officer, "post", f"{BASE}/facilities/", {"name": "Ohio", "country": "US"}).json()["id"]
    flight = desnz("21_316_3160_11_1").pk
    rows = [
        (period.pk, leeds.pk, {"scope": "3", "scope3_category": 6, "factor": flight, "data_quality": "estimated",
                               "description": "Flights to Glasgow", "unit": "passenger.km"}),
        (period.pk, ohio, {"scope": "3", "scope3_category": 7, "factor": flight, "data_quality": "estimated",
                           "description": "Commuting by plane (really)", "unit": "passenger.km"}),
        (other_period, leeds.pk, {"scope": "1", "scope1_type": "mobile", "factor_keywords": "diesel",
                                  "description": "Diesel vans", "unit": "litres", "notes": "From the fleet card"}),
    ]
    ids = {}
    for period_id, facility, details in rows:
        response = send(officer, "post", f"{BASE}/activities/", {"period": period_id, "facility": facility,
                                                                 "quantity": "100", **details})
        assert response.status_code == 201, response.json()
        ids[details["description"]] = response.json()["id"]
    gas = inventory["activity"].pk

    def found(**params) -> list[int]:
        response = officer.get(f"{BASE}/activities/", params)
        assert response.status_code == 200, response.json()
        return sorted(row["id"] for row in response.json()["results"])

    assert found() == sorted([gas, *ids.values()])
    assert found(period=period.pk) == sorted([gas, ids["Flights to Glasgow"], ids["Commuting by plane (really)"]])
    assert found(facility=ohio) == [ids["Commuting by plane (really)"]]
    assert found(scope="1") == sorted([gas, ids["Diesel vans"]])
    assert found(scope="1", period=period.pk) == [gas]
    assert found(scope1_type="mobile") == [ids["Diesel vans"]]
    assert found(scope3_category=6) == [ids["Flights to Glasgow"]]
    assert found(data_quality="estimated") == sorted([ids["Flights to Glasgow"], ids["Commuting by plane (really)"]])
    assert found(q="by PLANE") == [ids["Commuting by plane (really)"]]  # any case, description or notes
    assert found(q="fleet card") == [ids["Diesel vans"]]
    assert found(q="glasgow", scope3_category=7) == []
    ordered = officer.get(f"{BASE}/activities/", {"ordering": "-emissions_kg"}).json()["results"]
    assert [D(r["emissions_kg"]) for r in ordered] == sorted((D(r["emissions_kg"]) for r in ordered), reverse=True)
    for bad in ({"period": 999999}, {"scope": "4"}, {"scope3_category": 16}, {"data_quality": "guessed"}):
        response = officer.get(f"{BASE}/activities/", bad)
        assert response.status_code == 400 and response["Content-Type"] == PROBLEM, bad
        assert set(response.json()["errors"]) == set(bad)


def test_period_data_filters_and_uniform_pagination(inventory, officer):
    period = inventory["period"]
    other = send(officer, "post", f"{BASE}/periods/", {"name": "FY2024", "year": 2024, "start": "2024-01-01",
                                                        "end": "2024-12-31"}).json()["id"]
    for mwh in ("1", "2", "3"):
        assert send(officer, "post", f"{CSRD}/energy/", {"period": other, "category": "nuclear",
                                                          "mwh": mwh}).status_code == 201
    assert [r["id"] for r in officer.get(f"{CSRD}/energy/", {"period": period.pk}).json()["results"]] == [
        inventory["energy"].pk]
    assert officer.get(f"{CSRD}/energy/", {"period": other, "category": "nuclear"}).json()["count"] == 3
    assert officer.get(f"{BASE}/instruments/", {"period": other}).json()["count"] == 0
    assert officer.get(f"{BASE}/instruments/", {"period": period.pk, "kind": "go"}).json()["count"] == 1
    assert officer.get(f"{BASE}/periods/", {"year": 2024}).json()["count"] == 1
    assert officer.get(f"{BASE}/facilities/", {"q": "lds"}).json()["count"] == 1
    assert officer.get(f"{BASE}/targets/", {"kind": "absolute"}).json()["count"] == 1

    first = officer.get(f"{CSRD}/energy/", {"page_size": 2, "ordering": "id"}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 4 and len(first["results"]) == 2 and first["previous"] is None
    assert "page=2" in first["next"]
    second = officer.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None and second["previous"] is not None
    assert {r["id"] for r in first["results"]}.isdisjoint(r["id"] for r in second["results"])
    for resource in ("periods", "facilities", "activities", "instruments", "energy", "targets"):
        page = officer.get(f"{base_of(resource)}/{resource}/").json()
        assert set(page) == {"count", "next", "previous", "results"}, resource


# ---------------------------------------------------------------- outsiders and roles
def test_outsiders_get_404_and_anonymous_401_on_every_endpoint(inventory, tenant_a, tenant_b, owner_b, client_for):
    outsider, anonymous = client_for(owner_b, tenant_a), client_for(None, tenant_a)
    # Charlie (owner of Beta) must see nothing of Alpha's, not even that a record exists.
    for list_url, detail_url in endpoints(inventory):
        for method, url in (("get", list_url), ("post", list_url), ("get", detail_url), ("put", detail_url),
                            ("patch", detail_url), ("delete", detail_url)):
            response = send(outsider, method, url, {})
            assert response.status_code == 404, (method, url)
            response = send(anonymous, method, url, {})
            assert response.status_code == 401 and response["Content-Type"] == PROBLEM, (method, url)
    for url in period_actions(inventory):
        method = "get" if url.endswith("totals/") else "post"
        assert send(outsider, method, url).status_code == 404, url
        assert send(anonymous, method, url).status_code == 401, url
    # Beta's own API does not list Alpha's data either.
    beta = client_for(owner_b, tenant_b)
    assert beta.get(f"{BASE}/activities/").json()["count"] == 0


def test_readers_read_everything_and_write_nothing(inventory, tenant_a, people, client_for, in_tenant):
    for role in ("accountant", "auditor"):
        client = client_for(people[role], tenant_a)
        for list_url, detail_url in endpoints(inventory):
            assert client.get(list_url).status_code == 200, (role, list_url)
            assert client.get(detail_url).status_code == 200, (role, detail_url)
            for method, url in (("post", list_url), ("put", detail_url), ("patch", detail_url),
                                ("delete", detail_url)):
                response = send(client, method, url, {})
                assert response.status_code == 403 and response["Content-Type"] == PROBLEM, (role, method, url)
        pk = inventory["period"].pk
        assert client.get(f"{CSRD}/periods/{pk}/totals/").status_code == 200
        assert client.post(f"{BASE}/periods/{pk}/lock/").status_code == 403
        assert client.post(f"{BASE}/periods/{pk}/unlock/").status_code == 403
    with in_tenant(tenant_a):
        assert ReportingPeriod.objects.get(pk=inventory["period"].pk).status == "draft"


def test_an_api_key_carries_its_users_role(inventory, tenant_a, people, client_for, in_tenant):
    with in_tenant(tenant_a):
        _, reader_key = api_key_create(user=people["accountant"], name="BI tool")
        _, officer_key = api_key_create(user=people["officer"], name="ERP sync")
    reader = client_for(None, tenant_a, HTTP_AUTHORIZATION=f"Api-Key {reader_key}")
    writer = client_for(None, tenant_a, HTTP_AUTHORIZATION=f"Api-Key {officer_key}")
    period = inventory["period"].pk
    assert reader.get(f"{CSRD}/periods/{period}/totals/").status_code == 200
    assert send(reader, "post", f"{BASE}/facilities/", {"name": "X", "country": "GB"}).status_code == 403
    assert writer.post(f"{BASE}/periods/{period}/lock/").status_code == 200
    assert writer.post(f"{BASE}/periods/{period}/unlock/").status_code == 403
    with in_tenant(tenant_a):
        _, admin_key = api_key_create(user=people["admin"], name="admin script")
    admin = client_for(None, tenant_a, HTTP_AUTHORIZATION=f"Api-Key {admin_key}")
    assert admin.post(f"{BASE}/periods/{period}/unlock/").status_code == 200
    assert audit_actions(tenant_a, in_tenant, "inventory.reportingperiod", period)[-2:] == [
        ("inventory.period.locked", "officer@alpha.example"), ("inventory.period.unlocked", "admin@alpha.example")]


def test_records_of_a_soft_deleted_period_or_facility_cannot_be_referenced(inventory, officer):
    facility = send(officer, "post", f"{BASE}/facilities/", {"name": "Closed site", "country": "GB"}).json()["id"]
    assert officer.delete(f"{BASE}/facilities/{facility}/").status_code == 204
    response = send(officer, "post", f"{CSRD}/energy/", {"period": inventory["period"].pk, "facility": facility,
                                                          "category": "nuclear", "mwh": "1"})
    assert response.status_code == 400 and "facility" in response.json()["errors"]


# ---------------------------------------------------------------- OpenAPI
def test_openapi_schema_documents_the_csrd_api_without_warnings(tenant_a, officer):
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=[path("api/v1/inventory/", include("regimes.inventory.api_urls")),
                                       path("api/v1/csrd/", include("regimes.csrd.api_urls"))]).get_schema(
        request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular warned about the CSRD API (run manage.py spectacular --fail-on-warn)"
    validate_schema(schema)
    served = officer.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for resource in ("periods", "facilities", "activities", "instruments", "energy", "targets"):
        base = base_of(resource)
        assert f"{base}/{resource}/" in served["paths"] and f"{base}/{resource}/{{id}}/" in served["paths"]
    for action in ("lock", "unlock"):
        assert f"{BASE}/periods/{{id}}/{action}/" in served["paths"]
    totals = served["paths"][f"{CSRD}/periods/{{id}}/totals/"]["get"]
    assert totals["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/PeriodTotals")
    quantity = served["components"]["schemas"]["Activity"]["properties"]["quantity"]
    assert quantity["type"] == "string" and quantity["format"] == "decimal"
