"""/api/v1/factors/: list, search, detail, resolve, grid electricity, reference tables, custom CRUD.

Each endpoint with its outsider cases: anonymous → 401 problem JSON, a member of another tenant →
404, a reader writing → 403.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from factors.custom.models import CustomFactor
from factortrace.audit.models import AuditEntry

from .conftest import factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit_buckets():
    cache.clear()
    yield
    cache.clear()


def _read_endpoints(detail_pk: int) -> list[str]:
    return ["/api/v1/factors/", "/api/v1/factors/?q=natural%20gas", f"/api/v1/factors/{detail_pk}/",
            "/api/v1/factors/sources/", "/api/v1/factors/sources/desnz-2024/",
            "/api/v1/factors/resolve/?keywords=diesel&unit=litres&region=GB&year=2024",
            "/api/v1/factors/grid-electricity/?region=DE", "/api/v1/factors/gwp/", "/api/v1/factors/cbam-benchmarks/",
            "/api/v1/factors/custom/"]


def test_members_read_every_endpoint(library, tenant_a, people, client_for):
    detail = factor("desnz-2024", "1_100_1004_6_1")
    for role in ("accountant", "auditor", "officer"):
        client = client_for(people[role], tenant_a)
        for path in _read_endpoints(detail.pk):
            assert client.get(path).status_code == 200, (role, path)


def test_outsiders_get_404_and_anonymous_401(library, tenant_a, owner_b, client_for):
    detail = factor("desnz-2024", "1_100_1004_6_1")
    for path in _read_endpoints(detail.pk) + ["/api/v1/factors/custom/1/"]:
        response = client_for(owner_b, tenant_a).get(path)
        assert response.status_code == 404, path
        anonymous = client_for(None, tenant_a).get(path)
        assert anonymous.status_code == 401, path
        assert anonymous["Content-Type"].startswith("application/problem+json")
    assert client_for(owner_b, tenant_a).post("/api/v1/factors/custom/", {}).status_code == 404
    assert client_for(None, tenant_a).post("/api/v1/factors/custom/", {}).status_code == 401


def test_the_library_is_not_served_on_the_public_host(library, people, client_for):
    assert client_for(people["owner"]).get("/api/v1/factors/").status_code == 404


def test_search_and_filters(library, tenant_a, people, client_for):
    client = client_for(people["accountant"], tenant_a)
    data = client.get("/api/v1/factors/", {"q": "natural gas", "source": "desnz-2024", "unit": "kWh (Gross CV)"}).json()
    ids = [row["external_id"] for row in data["results"]]
    assert "1_100_1004_6_1" in ids
    row = next(r for r in data["results"] if r["external_id"] == "1_100_1004_6_1")
    assert row["kgco2e_per_unit"] == "0.1829" and row["co2"] == "0.18253"  # exact strings, never floats
    assert row["source"]["code"] == "desnz-2024"
    grid = client.get("/api/v1/factors/", {"grid": "true", "region": "uk"}).json()
    assert grid["count"] == 3 and {r["source"]["code"] for r in grid["results"]} == {"desnz-2024", "desnz-2025",
                                                                                     "ember-grid"}
    by_code = client.get("/api/v1/factors/", {"code": "72071111", "source": "cbam-defaults-ir-2026-1740",
                                              "region": "CN"}).json()
    assert [r["kgco2e_per_unit"] for r in by_code["results"]] == ["3169.000"]
    naics = client.get("/api/v1/factors/", {"code": "541511"}).json()["results"]
    assert naics[0]["kgco2e_per_unit"] == "0.084" and naics[0]["unit"] == "USD"
    ordered = client.get("/api/v1/factors/", {"source": "ember-grid", "ordering": "-kgco2e_per_unit",
                                              "page_size": 3}).json()["results"]
    values = [Decimal(r["kgco2e_per_unit"]) for r in ordered]
    assert values == sorted(values, reverse=True)
    bad = client.get("/api/v1/factors/", {"source": "no-such-source"})
    assert bad.status_code == 400


def test_detail_has_provenance_editions_snapshot_and_markup(library, tenant_a, people, client_for):
    client = client_for(people["auditor"], tenant_a)
    gas = client.get(f"/api/v1/factors/{factor('desnz-2024', '1_100_1004_6_1').pk}/").json()
    assert gas["source"]["licence"] == "Open Government Licence v3.0" and len(gas["source"]["file_sha256"]) == 64
    assert [e["source"] for e in gas["other_editions"]] == ["desnz-2025"]
    assert gas["snapshot"]["value"] == "0.1829" and gas["cbam_markup"] is None
    china = client.get(f"/api/v1/factors/{factor('cbam-defaults-ir-2026-1740', 'CN:72071111').pk}/").json()
    assert china["cbam_markup"] == {"2026": "3.486", "2027": "3.803", "2028": "4.120"}
    assert china["direct"] == "3169.000" and china["indirect"] is None


def test_resolve_explains_the_choice(library, tenant_a, people, client_for):
    client = client_for(people["accountant"], tenant_a)
    data = client.get("/api/v1/factors/resolve/", {"keywords": "diesel", "unit": "litres", "region": "GB",
                                                   "year": 2024, "limit": 5}).json()
    assert data["found"] and data["factor"]["source_code"] == "desnz-2024"
    assert data["factor"]["value"] == "2.51279"
    assert data["candidates"][0]["rung_label"] == "same region and year" and len(data["candidates"]) == 5
    assert data["candidate_count"] >= 5 and "Diesel (average biofuel blend)" in data["reason"]
    missing = client.get("/api/v1/factors/resolve/", {"keywords": "natural gas", "unit": "passenger.km"}).json()
    assert missing["found"] is False and missing["factor"] is None and missing["candidates"] == []
    for params, field in (({"keywords": "diesel", "unit": "bananas"}, "unit"), ({"unit": "kWh"}, "non_field_errors"),
                          ({"keywords": "diesel"}, "unit")):
        response = client.get("/api/v1/factors/resolve/", params)
        assert response.status_code == 400 and field in response.json()["errors"], params


def test_grid_electricity_endpoint(library, tenant_a, people, client_for):
    client = client_for(people["auditor"], tenant_a)
    data = client.get("/api/v1/factors/grid-electricity/", {"region": "GB", "year": 2025}).json()
    assert data["factor"]["source_code"] == "desnz-2025" and Decimal(data["factor"]["value"]) == Decimal("0.17700")
    assert client.get("/api/v1/factors/grid-electricity/").status_code == 400
    assert client.get("/api/v1/factors/grid-electricity/", {"region": "DE", "year": "x"}).status_code == 400


def test_reference_tables(library, tenant_a, people, client_for):
    client = client_for(people["accountant"], tenant_a)
    ch4 = client.get("/api/v1/factors/gwp/", {"species": "CH4", "report": "AR6", "source": "ipcc-gwp",
                                              "metric": "GWP100"}).json()["results"]
    assert {(r["species"], r["value"]) for r in ch4} >= {("CH4", "27.9")}
    sf6 = client.get("/api/v1/factors/gwp/", {"species": "SF6", "report": "AR5", "source": "ipcc-gwp",
                                              "metric": "GWP100"}).json()["results"]
    assert [r["value"] for r in sf6] == ["23500"]
    bench = client.get("/api/v1/factors/cbam-benchmarks/", {"q": "7207 11 11", "column": "B"}).json()["results"]
    assert {(r["production_route"], r["benchmark_tco2e_per_t"]) for r in bench} == {("C", "1.364"), ("D", "0.475"),
                                                                                  ("E", "0.066")}


def test_officer_crud_on_custom_factors_is_audited(library, tenant_a, people, client_for, in_tenant):
    client = client_for(people["officer"], tenant_a)
    created = client.post("/api/v1/factors/custom/", {
        "kind": "supplier", "supplier": "Acme Steel", "activity": "Hot-rolled coil", "unit": "tonne",
        "kgco2e_per_unit": "1850.5", "region": "DE", "year": 2025, "direct": "1700"}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kgco2e_per_unit"] == "1850.5" and body["direct"] == "1700"
    pk = body["id"]
    updated = client.patch(f"/api/v1/factors/custom/{pk}/", {"kgco2e_per_unit": "1801.25"},
                           content_type="application/json")
    assert updated.status_code == 200 and updated.json()["kgco2e_per_unit"] == "1801.25"
    assert client.get(f"/api/v1/factors/custom/{pk}/").json()["supplier"] == "Acme Steel"
    assert client.delete(f"/api/v1/factors/custom/{pk}/").status_code == 204
    assert client.get(f"/api/v1/factors/custom/{pk}/").status_code == 404
    with in_tenant(tenant_a):
        assert CustomFactor.all_objects.get(pk=pk).is_deleted
        actions = list(AuditEntry.objects.filter(object_id=str(pk), object_type="factors_custom.customfactor")
                       .order_by("sequence").values_list("action", flat=True))
    assert actions == ["factors.custom_factor.created", "factors.custom_factor.updated",
                       "factors.custom_factor.deleted"]


def test_invalid_custom_factor_is_a_400_with_field_errors(library, tenant_a, people, client_for):
    response = client_for(people["officer"], tenant_a).post("/api/v1/factors/custom/", {
        "kind": "supplier", "activity": "X", "unit": "bananas", "kgco2e_per_unit": "1"},
        content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "unit" in errors and "supplier" in errors


def test_readers_cannot_write_custom_factors(library, tenant_a, people, client_for, in_tenant):
    with in_tenant(tenant_a):
        custom = CustomFactor.objects.create(kind="custom", activity="Own value", unit="kWh",
                                             kgco2e_per_unit=Decimal("0.1"))
    for role in ("accountant", "auditor"):
        client = client_for(people[role], tenant_a)
        assert client.post("/api/v1/factors/custom/", {"activity": "x", "unit": "kWh", "kgco2e_per_unit": "1"},
                           content_type="application/json").status_code == 403
        assert client.patch(f"/api/v1/factors/custom/{custom.pk}/", {"kgco2e_per_unit": "2"},
                            content_type="application/json").status_code == 403
        assert client.delete(f"/api/v1/factors/custom/{custom.pk}/").status_code == 403
        assert client.get(f"/api/v1/factors/custom/{custom.pk}/").status_code == 200
    # The library itself is read-only for everyone.
    owner = client_for(people["owner"], tenant_a)
    assert owner.post("/api/v1/factors/", {}, content_type="application/json").status_code == 405


def test_openapi_schema_covers_the_factor_api_without_warnings(library, tenant_a, people, client_for):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf="factortrace.urls_tenant").get_schema(request=None, public=True)
    factor_paths = {path for path in schema["paths"] if path.startswith("/api/v1/factors/")}
    assert {"/api/v1/factors/", "/api/v1/factors/{id}/", "/api/v1/factors/resolve/",
            "/api/v1/factors/grid-electricity/", "/api/v1/factors/custom/", "/api/v1/factors/custom/{id}/",
            "/api/v1/factors/sources/{code}/", "/api/v1/factors/gwp/",
            "/api/v1/factors/cbam-benchmarks/"} <= factor_paths
    problems = [msg for msg in list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
                if "factors" in msg.lower()]
    assert problems == []
    served = client_for(people["officer"], tenant_a).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert "/api/v1/factors/resolve/" in served.json()["paths"]
