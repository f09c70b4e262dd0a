"""Pinned query counts of the pages and endpoints that read many rows: the CSRD dashboard, the
period list, the activity list, the ESRS E1 totals API and the factor search (page and API).

Each is measured with a small and a larger inventory — more periods, activities, facilities
(each with a residual mix to look up), targets or matching factors — and must run the same
number of queries for both (an N+1 fails here), at most the pinned number. The data is made
with the factories, so every activity is calculated by the service.
"""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ActivityRecordFactory,
    ContractualInstrumentFactory,
    CustomFactorFactory,
    EmissionFactorFactory,
    EnergyConsumptionFactory,
    FacilityFactory,
    FactorSourceFactory,
    ReportingPeriodFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


def queries(client, url: str, **params) -> list[str]:
    """The SQL of one request (after a first one, so per-process caches are warm). django-tenants
    sets the search path before each query, so every second statement is a ``SET search_path``."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries]


def same_count(small: list[str], large: list[str]) -> bool:
    """True when both ran as many queries; otherwise fails showing the statements the larger data added."""
    if len(small) == len(large):
        return True
    added = [sql[:160] for sql in large if sql not in small] or large[len(small):]
    pytest.fail(f"{len(small)} queries with the small data, {len(large)} with the larger:\n" + "\n".join(added))


@pytest.fixture
def grow(tenant_a, in_tenant, factor_library):
    """``grow(periods=…, facilities=…)`` adds to tenant A's inventory: periods (years from 2025
    down) with, per facility, gas, electricity and flights, a guarantee of origin and an energy
    line; every GB facility has a residual mix. Returns the periods made so far, newest first."""
    made = {"periods": [], "facilities": []}

    def add(*, periods: int = 0, facilities: int = 0, activities_per_site: int = 1):
        with in_tenant(tenant_a):
            if not made["facilities"]:
                CustomFactorFactory(activity="Residual mix GB", region="GB", unit="kWh", kgco2e_per_unit=D("0.38"),
                                    scope="2")
            for _ in range(facilities):
                made["facilities"].append(FacilityFactory(country="GB"))
            for _ in range(periods):
                year = 2025 - len(made["periods"])
                made["periods"].append(ReportingPeriodFactory(year=year, net_revenue=D("10000000")))
            for period in made["periods"]:
                for site in made["facilities"]:
                    if period.activities.filter(facility=site).exists():
                        continue
                    ActivityRecordFactory.create_batch(activities_per_site, period=period, facility=site)
                    ActivityRecordFactory(period=period, facility=site, electricity=True, quantity=D("50000"))
                    ActivityRecordFactory(period=period, facility=site, flights=True, quantity=D("2000"))
                    ContractualInstrumentFactory(period=period, facility=site, quantity_mwh=D("10"))
                    EnergyConsumptionFactory(period=period, facility=site, mwh=D("50"))
        return made["periods"]

    return add


@pytest.fixture
def reader(tenant_a, people, client_for):
    return client_for(people["auditor"], tenant_a)


def test_csrd_dashboard_does_not_grow_with_periods_or_facilities(grow, reader, tenant_a, in_tenant,
                                                               django_assert_max_num_queries):
    grow(periods=2, facilities=1)
    with in_tenant(tenant_a):
        TargetFactory()
    small = queries(reader, "/csrd/")
    grow(periods=6, facilities=3)  # 8 periods (the trend shows 6), 4 sites with residual mixes
    with in_tenant(tenant_a):
        TargetFactory.create_batch(2)
    assert same_count(small, queries(reader, "/csrd/"))
    with django_assert_max_num_queries(DASHBOARD):
        page = reader.get("/csrd/")
    assert len(page.context["figures"].scope2_sites) == 4 and len(page.context["targets"]) == 3


def test_period_list_does_not_grow_with_periods(grow, reader, tenant_a, people, in_tenant,
                                                django_assert_max_num_queries):
    from regimes.inventory import services

    grow(periods=2, facilities=1)
    small = queries(reader, "/inventory/periods/")
    periods = grow(periods=6, facilities=3)
    with in_tenant(tenant_a):  # a locked period reads its frozen Scope 2
        services.period_set_status(period=periods[-1], status="locked", actor=people["owner"])
    assert same_count(small, queries(reader, "/inventory/periods/"))
    with django_assert_max_num_queries(PERIODS):
        page = reader.get("/inventory/periods/")
    assert len(page.context["rows"]) == 8


def test_activity_list_does_not_grow_with_activities(grow, reader, django_assert_max_num_queries):
    period, = grow(periods=1, facilities=1, activities_per_site=3)  # 5 activities
    small = queries(reader, "/inventory/activities/", period=period.pk)
    grow(facilities=3, activities_per_site=14)  # 5 + 3 × 16 = 53 activities: a full page of 50
    assert same_count(small, queries(reader, "/inventory/activities/", period=period.pk))
    with django_assert_max_num_queries(ACTIVITIES):
        page = reader.get("/inventory/activities/", {"period": period.pk})
    assert page.context["count"] == 53 and len(page.context["page"].object_list) == 50


def test_totals_api_does_not_grow_with_facilities_or_targets(grow, reader, tenant_a, in_tenant,
                                                             django_assert_max_num_queries):
    period, = grow(periods=1, facilities=1)
    with in_tenant(tenant_a):
        TargetFactory()
    url = f"/api/v1/csrd/periods/{period.pk}/totals/"
    small = queries(reader, url)
    grow(facilities=3)
    with in_tenant(tenant_a):
        TargetFactory.create_batch(3)
    assert same_count(small, queries(reader, url))
    with django_assert_max_num_queries(TOTALS):
        response = reader.get(url)
    assert len(response.json()["e1_6"]["scope2_sites"]) == 4 and len(response.json()["e1_4"]) == 4


@pytest.mark.parametrize("url", ["/factors/", "/api/v1/factors/"])
def test_factor_search_does_not_grow_with_matches(url, reader, factor_library, django_assert_max_num_queries):
    EmissionFactorFactory(activity="Quuxite briquettes, kiln fuel")
    small = queries(reader, url, q="quuxite")
    for _ in range(5):  # 30 more matches (more than a page) from 5 more sources, with facets
        source = FactorSourceFactory()
        EmissionFactorFactory.create_batch(6, source=source, activity=f"Quuxite pellets ({source.code})")
    assert same_count(small, queries(reader, url, q="quuxite"))
    with django_assert_max_num_queries(FACTOR_SEARCH[url]):
        response = reader.get(url, {"q": "quuxite"})
    count = response.context["page"].paginator.count if url == "/factors/" else response.json()["count"]
    assert count == 31


# The pinned counts, measured: half of each is django-tenants' ``SET search_path`` before every
# query; the rest is the request's own (session, user, membership, plan) and the page's reads.
DASHBOARD = 38      # was 62 with 2 periods and 152 with 8 (each period read twice or more, a query per site)
PERIODS = 24        # was 36 with 2 periods and 144 with 8 (7 queries per period, 1 per site)
ACTIVITIES = 20
TOTALS = 34         # was 40 with 4 sites (a residual-mix query per site)
FACTOR_SEARCH = {"/factors/": 31, "/api/v1/factors/": 14}
