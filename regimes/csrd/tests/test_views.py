"""CSRD screens through HTTP: forms with EU numbers, factor search, totals, locking, outsiders."""
import datetime as dt
import re
from decimal import Decimal as D

import pytest

from factortrace.audit.models import AuditEntry
from regimes.csrd import services as csrd_services
from regimes.csrd.models import EnergyConsumption
from regimes.inventory import services
from regimes.inventory.models import ActivityRecord, Facility, ReportingPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(tenant_a, people, in_tenant, factor_library):
    with in_tenant(tenant_a):
        period = services.period_create(actor=people["owner"], data=dict(
            name="FY2025", year=2025, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31),
            net_revenue=D("20000000")))
        services.facility_create(actor=people["owner"], data=dict(name="Leeds", code="LDS", country="GB"))
    return period


def test_empty_dashboard_invites_to_create_a_period(tenant_a, people, client_for):
    page = client_for(people["officer"], tenant_a).get("/csrd/")
    assert page.status_code == 200 and b"Create a reporting period" in page.content


def test_officer_adds_an_activity_with_an_eu_number_and_sees_the_totals(period, tenant_a, people, in_tenant,
                                                                      client_for):
    client = client_for(people["officer"], tenant_a)
    with in_tenant(tenant_a):
        leeds = Facility.objects.get(code="LDS")
    response = client.post("/inventory/activities/new/", {
        "period": period.pk, "facility": leeds.pk, "scope": "2", "energy_type": "electricity",
        "description": "Grid electricity, Leeds", "quantity": "1.250.000,5", "unit": "kWh",
        "data_quality": "measured"})
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_tenant(tenant_a):
        activity = ActivityRecord.objects.get()
    # 1 250 000.5 kWh × 0.177 kg/kWh (DESNZ 2025 UK electricity) = 221 250.0885 kg
    assert activity.quantity == D("1250000.5") and activity.emissions_kg == D("221250.0885")
    dashboard = client.get("/csrd/").content.decode()
    assert re.search(r'data-testid="kpi-scope2-location">\s*221\.3', dashboard)
    # Intensity: 221.2500885 t / EUR 20 m = 11.06 t per EUR million
    assert re.search(r'data-testid="kpi-intensity">\s*11\.06', dashboard)


def test_ambiguous_numbers_and_bad_units_come_back_with_the_field_named(period, tenant_a, people, in_tenant,
                                                                        client_for):
    with in_tenant(tenant_a):
        leeds = Facility.objects.get(code="LDS")
    response = client_for(people["officer"], tenant_a).post("/inventory/activities/new/", {
        "period": period.pk, "facility": leeds.pk, "scope": "1", "scope1_type": "stationary",
        "description": "Gas", "quantity": "1,500", "unit": "bananas", "data_quality": "measured"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "ambiguous" in form.errors["quantity"][0]
    assert "Unknown unit 'bananas'" in form.errors["unit"][0]
    with in_tenant(tenant_a):
        assert not ActivityRecord.objects.exists()


def test_factor_candidates_explain_the_choice(period, tenant_a, people, in_tenant, client_for):
    with in_tenant(tenant_a):
        leeds = Facility.objects.get(code="LDS")
    page = client_for(people["officer"], tenant_a).get("/inventory/factor-candidates/", {
        "factor_keywords": "natural gas", "unit": "kWh (Gross CV)", "scope": "1", "facility": leeds.pk,
        "period": period.pk})
    html = page.content.decode()
    assert 'data-testid="resolution-reason"' in html and 'name="factor_choice"' in html
    assert "0.18296" in html  # DESNZ 2025 natural gas, gross CV
    bad = client_for(people["officer"], tenant_a).get("/inventory/factor-candidates/", {"factor_keywords": "gas",
                                                                                    "unit": "bananas"})
    assert "Unknown unit" in bad.content.decode()


def test_inline_validation_returns_the_errors_without_saving(period, tenant_a, people, in_tenant, client_for):
    response = client_for(people["officer"], tenant_a).post("/inventory/activities/validate/", {
        "period": period.pk, "scope": "3", "description": "Steel", "quantity": "-5", "unit": "USD"},
        HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Scope 3 needs" in html or "Scope 3 category" in html
    assert "at least 0" in html
    with in_tenant(tenant_a):
        assert not ActivityRecord.objects.exists()


def test_lock_needs_edit_and_unlock_needs_manage(period, tenant_a, people, in_tenant, client_for):
    assert client_for(people["accountant"], tenant_a).post(f"/inventory/periods/{period.pk}/lock/").status_code == 403
    assert client_for(people["officer"], tenant_a).post(f"/inventory/periods/{period.pk}/lock/").status_code == 302
    assert client_for(people["officer"], tenant_a).post(f"/inventory/periods/{period.pk}/unlock/").status_code == 403
    assert client_for(people["admin"], tenant_a).post(f"/inventory/periods/{period.pk}/unlock/").status_code == 302
    with in_tenant(tenant_a):
        assert ReportingPeriod.objects.get(pk=period.pk).status == "draft"


def test_every_screen_renders_for_a_reader(period, tenant_a, people, client_for):
    client = client_for(people["auditor"], tenant_a)
    for path in ("/csrd/", "/inventory/activities/", "/inventory/periods/", "/inventory/facilities/",
                 "/inventory/instruments/", "/csrd/energy/", "/inventory/targets/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert b'href="/inventory/activities/new/"' not in page.content, path  # readers get no edit buttons


def test_readers_cannot_open_forms(period, tenant_a, people, client_for):
    for path in ("/inventory/activities/new/", "/inventory/periods/new/", "/inventory/targets/new/"):
        assert client_for(people["accountant"], tenant_a).get(path).status_code == 403, path


def test_another_tenant_cannot_reach_a_record_by_id(period, tenant_a, tenant_b, owner_b, in_tenant, client_for):
    # Charlie (owner of Beta) must see nothing of Alpha's, even with Alpha's ids on Beta's host.
    client = client_for(owner_b, tenant_b)
    assert client.get(f"/inventory/periods/{period.pk}/").status_code == 404
    assert client.post(f"/inventory/periods/{period.pk}/lock/").status_code == 404
    with in_tenant(tenant_a):
        assert ReportingPeriod.objects.get(pk=period.pk).status == "draft"


def test_evidence_is_stored_under_the_schema_and_served_to_members_only(period, tenant_a, tenant_b, people, owner_b,
                                                                         in_tenant, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with in_tenant(tenant_a):
        leeds = Facility.objects.get(code="LDS")
    invoice = SimpleUploadedFile("gas invoice 2025-03.pdf", b"%PDF-1.4 invoice", content_type="application/pdf")
    response = client_for(people["officer"], tenant_a).post("/inventory/activities/new/", {
        "period": period.pk, "facility": leeds.pk, "scope": "2", "energy_type": "electricity",
        "description": "Grid", "quantity": "100", "unit": "kWh", "data_quality": "measured", "evidence": invoice})
    assert response.status_code == 302
    with in_tenant(tenant_a):
        activity = ActivityRecord.objects.get()
    assert activity.evidence.name.startswith("alpha/evidence/") and activity.evidence_name == "gas_invoice_2025-03.pdf"
    download = client_for(people["auditor"], tenant_a).get(f"/inventory/activities/{activity.pk}/evidence/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 invoice"
    with in_tenant(tenant_a):  # who took the evidence is in the trail
        assert AuditEntry.objects.filter(action="inventory.evidence.downloaded", object_id=str(activity.pk),
                                         actor=people["auditor"]).exists()
    assert client_for(owner_b, tenant_b).get(f"/inventory/activities/{activity.pk}/evidence/").status_code == 404
    bad = SimpleUploadedFile("macro.xlsm", b"PK", content_type="application/octet-stream")
    response = client_for(people["officer"], tenant_a).post(f"/inventory/activities/{activity.pk}/", {
        "period": period.pk, "facility": leeds.pk, "scope": "2", "energy_type": "electricity",
        "description": "Grid", "quantity": "100", "unit": "kWh", "data_quality": "measured", "evidence": bad})
    assert response.status_code == 200 and "Evidence must be one of" in response.content.decode()


def test_the_organisation_admin_respects_the_period_lock(period, tenant_a, people, in_tenant, client_for):
    """Admin edits, deletes and restores go through the services (review finding)."""

    with in_tenant(tenant_a):
        energy = csrd_services.energy_create(actor=people["owner"], data=dict(period=period, category="nuclear",
                                                                              mwh=D("5")))
        services.period_set_status(period=period, status="locked", actor=people["owner"])
    admin = client_for(people["admin"], tenant_a)
    response = admin.post(f"/admin/csrd/energyconsumption/{energy.pk}/change/", {
        "period": period.pk, "category": "nuclear", "description": "", "mwh": "99"}, follow=True)
    assert "FY2025 is locked" in response.content.decode()
    response = admin.post("/admin/csrd/energyconsumption/", {"action": "soft_delete_selected",
                                                              "_selected_action": [energy.pk]}, follow=True)
    assert "FY2025 is locked" in response.content.decode()
    response = admin.post(f"/admin/inventory/reportingperiod/{period.pk}/change/", {
        "name": "FY2025", "year": 2025, "start": "2025-01-01", "end": "2025-12-31", "net_revenue": "1",
        "currency": "EUR", "standard": "x", "methodology": ""}, follow=True)
    assert "FY2025 is locked" in response.content.decode()
    with in_tenant(tenant_a):
        assert EnergyConsumption.objects.get(pk=energy.pk).mwh == D("5")
        assert ReportingPeriod.objects.get(pk=period.pk).net_revenue == D("20000000")


def test_factor_candidates_ignore_non_numeric_ids(period, tenant_a, people, client_for):
    response = client_for(people["officer"], tenant_a).get("/inventory/factor-candidates/", {
        "facility": "abc", "period": "x", "unit": "kWh", "factor_keywords": "electricity"})
    assert response.status_code == 200
