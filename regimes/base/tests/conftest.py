"""Fixtures of the import framework's page and API tests: a tenant with something to import
into. The framework is exercised through the one importer that exists (inventory.activities)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = "facility,scope,scope1_type,scope3_category,description,quantity,unit,factor\r\n"
GOOD_CSV = (HEADER + "LDS,1,stationary,,Natural gas,125000,kWh (Gross CV),desnz-2025:1_100_1004_6_1\r\n"
            "LDS,3,,6,Flights,36500,passenger.km,desnz-2025:21_316_3164_11_1\r\n").encode()
BAD_CSV = (HEADER + "LDS,1,stationary,,Natural gas,125000,kWh (Gross CV),desnz-2025:1_100_1004_6_1\r\n"
           "Paris,1,,,=HYPERLINK(\"http://evil.example\"),-5,zorkmids,\r\n").encode()


@pytest.fixture
def importing(tenant_a, people, in_tenant, factor_library):
    """Tenant A with an open FY2025, a locked FY2024 and one facility (LDS); ``job(content)``
    uploads a file as the officer (queued), ``run(content)`` uploads and runs it."""
    from regimes.base.imports import import_request, import_run
    from regimes.inventory import services
    from regimes.inventory.models import Facility, ReportingPeriod

    officer = people["officer"]
    with in_tenant(tenant_a):
        fy25 = services.period_save(period=ReportingPeriod(name="FY2025", year=2025, start=dt.date(2025, 1, 1),
                                                           end=dt.date(2025, 12, 31)), actor=officer)
        fy24 = services.period_save(period=ReportingPeriod(name="FY2024", year=2024, start=dt.date(2024, 1, 1),
                                                           end=dt.date(2024, 12, 31)), actor=officer)
        services.period_set_status(period=fy24, status=ReportingPeriod.Status.LOCKED, actor=officer)
        services.facility_save(facility=Facility(name="Leeds plant", code="LDS", country="GB"), actor=officer)

    def job(content: bytes, name: str = "inventory.csv"):
        with in_tenant(tenant_a):
            return import_request(importer_code="inventory.activities", uploaded_file=SimpleUploadedFile(name, content),
                                  params={"period": fy25.pk}, actor=officer)

    def run(content: bytes, name: str = "inventory.csv"):
        queued = job(content, name)
        with in_tenant(tenant_a):
            return import_run(queued.pk)

    return {"tenant": tenant_a, "fy25": fy25, "fy24": fy24, "job": job, "run": run}
