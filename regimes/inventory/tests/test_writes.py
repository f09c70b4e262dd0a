"""Screens, the API and the organisation admin write through the same services: each write is
one audit entry, and a locked period refuses it whichever way it comes."""
import datetime as dt
import json
from decimal import Decimal as D

import pytest

from factors.models import EmissionFactor
from factortrace.audit.models import AuditEntry
from factortrace.audit.services import object_type_of
from regimes.inventory import services
from regimes.inventory.models import ActivityRecord, Facility, ReportingPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(tenant_a, people, in_tenant, factor_library):
    """Locked FY2024 with one gas line, draft FY2025, one facility."""
    with in_tenant(tenant_a):
        actor = people["officer"]
        fy24, fy25 = (services.period_create(actor=actor, data={
            "name": f"FY{year}", "year": year, "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)})
            for year in (2024, 2025))
        leeds = services.facility_create(actor=actor, data={"name": "Leeds", "code": "LDS", "country": "GB"})
        gas = services.activity_create(actor=actor, data={
            "period": fy24, "facility": leeds, "scope": "1", "scope1_type": "stationary", "description": "Boilers",
            "quantity": D("1000"), "unit": "kWh (Gross CV)",
            "factor": EmissionFactor.objects.get(source__code="desnz-2024", external_id="1_100_1004_6_1")})
        services.period_set_status(period=fy24, status=ReportingPeriod.Status.LOCKED, actor=people["owner"])
    return {"fy24": fy24, "fy25": fy25, "leeds": leeds, "gas": gas}


def actions(tenant, in_tenant, record) -> list[str]:
    with in_tenant(tenant):
        return list(AuditEntry.objects.filter(object_type=object_type_of(record), object_id=str(record.pk))
                    .order_by("sequence").values_list("action", flat=True))


FACILITY_FORM = {"name": "Leeds plant", "code": "LDS", "country": "GB", "grid_region": "", "consolidation":
                 "operational", "equity_share": "100"}
GAS_FORM = {"facility": None, "scope": "1", "scope1_type": "stationary", "description": "Boilers",
            "quantity": "2000", "unit": "kWh (Gross CV)", "data_quality": "measured"}


# ---------------------------------------------------------------- screens
def test_a_screen_edit_is_one_audited_service_call(books, tenant_a, people, in_tenant, client_for):
    leeds = books["leeds"]
    response = client_for(people["officer"], tenant_a).post(f"/inventory/facilities/{leeds.pk}/", FACILITY_FORM)
    assert response.status_code == 302
    assert actions(tenant_a, in_tenant, leeds) == ["inventory.facility.created", "inventory.facility.updated"]
    with in_tenant(tenant_a):
        entry = AuditEntry.objects.get(action="inventory.facility.updated", object_id=str(leeds.pk))
        assert (entry.before["name"], entry.after["name"], entry.actor_id) == ("Leeds", "Leeds plant",
                                                                              people["officer"].pk)


def test_a_screen_cannot_change_or_move_a_line_of_a_locked_period(books, tenant_a, people, in_tenant, client_for):
    gas = books["gas"]
    data = {**GAS_FORM, "facility": books["leeds"].pk, "period": books["fy25"].pk}  # out of locked FY2024
    response = client_for(people["officer"], tenant_a).post(f"/inventory/activities/{gas.pk}/", data)
    assert response.status_code == 200 and "FY2024 is locked" in response.content.decode()
    with in_tenant(tenant_a):
        stored = ActivityRecord.objects.get(pk=gas.pk)
        assert (stored.period_id, stored.quantity) == (books["fy24"].pk, D("1000"))
    assert actions(tenant_a, in_tenant, gas) == ["inventory.activity.created"]


def test_a_chosen_candidate_is_the_services_factor_and_wins_over_the_keywords(books, tenant_a, people, in_tenant,
                                                                             client_for):
    with in_tenant(tenant_a):
        factor = EmissionFactor.objects.get(source__code="desnz-2025", external_id="1_100_1004_6_1")
    officer = client_for(people["officer"], tenant_a)
    data = {**GAS_FORM, "facility": books["leeds"].pk, "period": books["fy25"].pk, "factor_keywords": "diesel",
            "factor_choice": f"lib:{factor.pk}", "factor_reason": "Top of the candidates"}
    assert officer.post("/inventory/activities/new/", data).status_code == 302
    with in_tenant(tenant_a):
        line = ActivityRecord.objects.get(period=books["fy25"])
        assert (line.factor_id, line.custom_factor_id, line.factor_reason) == (factor.pk, None,
                                                                               "Top of the candidates")
    response = officer.post("/inventory/activities/new/", {**data, "factor_choice": "lib:999999999"})
    assert response.status_code == 200 and "The chosen factor does not exist" in response.content.decode()


# ---------------------------------------------------------------- API
def test_an_api_write_is_one_audited_service_call_and_a_lock_is_409(books, tenant_a, people, in_tenant, client_for):
    api = client_for(people["officer"], tenant_a)
    leeds, gas = books["leeds"], books["gas"]
    response = api.patch(f"/api/v1/inventory/facilities/{leeds.pk}/", json.dumps({"code": "LDS-1"}),
                         content_type="application/json")
    assert response.status_code == 200 and response.json()["code"] == "LDS-1"
    assert actions(tenant_a, in_tenant, leeds) == ["inventory.facility.created", "inventory.facility.updated"]
    response = api.patch(f"/api/v1/inventory/activities/{gas.pk}/", json.dumps({"period": books["fy25"].pk}),
                         content_type="application/json")
    assert response.status_code == 409 and "FY2024 is locked" in response.json()["detail"]
    assert actions(tenant_a, in_tenant, gas) == ["inventory.activity.created"]
    response = api.patch(f"/api/v1/inventory/periods/{books['fy24'].pk}/", json.dumps({"status": "draft"}),
                         content_type="application/json")  # status is read-only: lock and unlock are actions
    assert response.status_code == 409
    with in_tenant(tenant_a):
        assert ReportingPeriod.objects.get(pk=books["fy24"].pk).is_locked


# ---------------------------------------------------------------- organisation admin
def test_the_admin_adds_and_changes_through_the_services(books, tenant_a, people, in_tenant, client_for):
    admin = client_for(people["admin"], tenant_a)
    response = admin.post("/admin/inventory/facility/add/", {**FACILITY_FORM, "name": "Ohio plant", "code": "OH1",
                                                              "country": "US", "grid_region": "RFCW"})
    assert response.status_code == 302
    with in_tenant(tenant_a):
        ohio = Facility.objects.get(code="OH1")
    assert response["Location"].endswith("/admin/inventory/facility/")
    response = admin.post(f"/admin/inventory/facility/{ohio.pk}/change/", {
        **FACILITY_FORM, "name": "Ohio plant", "code": "OH-1", "country": "US", "grid_region": "RFCW"})
    assert response.status_code == 302
    assert actions(tenant_a, in_tenant, ohio) == ["inventory.facility.created", "inventory.facility.updated"]
    with in_tenant(tenant_a):
        entry = AuditEntry.objects.get(action="inventory.facility.updated", object_id=str(ohio.pk))
        assert (entry.before["code"], entry.after["code"], entry.actor_id) == ("OH1", "OH-1", people["admin"].pk)


def test_the_admin_cannot_change_a_line_of_a_locked_period(books, tenant_a, people, in_tenant, client_for):
    gas = books["gas"]
    response = client_for(people["admin"], tenant_a).post(f"/admin/inventory/activityrecord/{gas.pk}/change/", {
        **GAS_FORM, "facility": books["leeds"].pk, "period": books["fy25"].pk, "factor": gas.factor_id,
        "custom_factor": "", "import_job": "", "notes": ""}, follow=True)
    assert "FY2024 is locked" in response.content.decode()
    with in_tenant(tenant_a):
        assert ActivityRecord.objects.get(pk=gas.pk).period_id == books["fy24"].pk
    assert actions(tenant_a, in_tenant, gas) == ["inventory.activity.created"]
