"""The factor browser pages, each with its outsider cases.

Charlie (owner of Beta) must see nothing of Alpha's pages, not even that they exist (404);
anonymous visitors are sent to sign-in; readers may not write custom factors (403).
"""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factors.custom.models import CustomFactor
from factortrace.audit.models import AuditEntry

from .conftest import factor

pytestmark = pytest.mark.django_db


def _pages(detail_pk: int) -> list[str]:
    return ["/factors/", "/factors/?q=natural+gas&source=desnz-2024", f"/factors/{detail_pk}/", "/factors/sources/",
            "/factors/explain/", "/factors/explain/?keywords=diesel&unit=litres&region=GB&year=2024",
            "/factors/tables/gwp/", "/factors/tables/cbam-benchmarks/", "/factors/tables/energy/", "/factors/custom/"]


def _assert_csp_clean(html: str) -> None:
    """No inline style attributes and no inline scripts: the Content-Security-Policy forbids both."""
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_every_page_renders_for_every_role(library, tenant_a, people, client_for):
    detail = factor("desnz-2024", "1_100_1004_6_1")
    for role in ("owner", "officer", "accountant", "auditor"):
        client = client_for(people[role], tenant_a)
        for path in _pages(detail.pk):
            response = client.get(path)
            assert response.status_code == 200, (role, path)
            _assert_csp_clean(response.content.decode())


def test_outsiders_and_anonymous_see_nothing(library, tenant_a, owner_b, client_for):
    detail = factor("desnz-2024", "1_100_1004_6_1")
    with_custom = ["/factors/custom/new/", "/factors/custom/1/", "/factors/custom/1/edit/"]
    for path in _pages(detail.pk) + with_custom:
        assert client_for(owner_b, tenant_a).get(path).status_code == 404, path
        response = client_for(None, tenant_a).get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), path
    assert client_for(owner_b, tenant_a).post("/factors/custom/1/delete/").status_code == 404


def test_the_browser_finds_desnz_natural_gas_with_its_provenance(library, tenant_a, people, client_for):
    client = client_for(people["accountant"], tenant_a)
    page = client.get("/factors/", {"q": "natural gas", "source": "desnz-2024", "unit": "kWh (Gross CV)"})
    html = page.content.decode()
    assert "0.1829" in html and "Natural gas" in html
    natural_gas = factor("desnz-2024", "1_100_1004_6_1")
    assert f'href="/factors/{natural_gas.pk}/"' in html
    detail = client.get(f"/factors/{natural_gas.pk}/").content.decode()
    for text in ("0.1829", "kWh (Gross CV)", "Open Government Licence v3.0", "2024 v1.1", "1_100_1004_6_1",
                 "Contains public sector information", "0.18253", "0.00028", "0.00009", "DESNZ 2025", "0.18296",
                 "desnz_flat_2024.csv"):
        assert text in detail, text


def test_facets_filters_and_pagination(library, tenant_a, people, client_for):
    client = client_for(people["officer"], tenant_a)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/factors/", {"region": "gb", "scope": "2"})
    assert page.status_code == 200
    # A fixed number of queries (gate, counts, four facets, one page of rows), never one per row.
    queries = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET search_path")]
    assert len(queries) <= 16, queries
    assert page.context["page"].paginator.count > 0
    assert all(f.region == "GB" and f.scope == "2" for f in page.context["page"].object_list)
    html = page.content.decode()
    assert "Page 1 of" in html and "page=2" in html
    facets = page.context["facets"]
    assert {item["value"] for item in facets["regions"]} == {"GB"}
    empty = client.get("/factors/", {"q": "zzzqqq"})
    assert b'data-testid="factor-empty"' in empty.content and b"Clear all filters" in empty.content


def test_htmx_requests_get_the_results_fragment(library, tenant_a, people, client_for):
    response = client_for(people["auditor"], tenant_a).get("/factors/", {"q": "cement"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="factor-results"') and "<html" not in html


def test_cbam_detail_shows_direct_indirect_and_markup(library, tenant_a, people, client_for):
    china = factor("cbam-defaults-ir-2025-2621", "CN:72071111")
    html = client_for(people["accountant"], tenant_a).get(f"/factors/{china.pk}/").content.decode()
    assert "3.486" in html and "3.803" in html  # computed 2026 / 2027 from the total
    assert "superseded" in html and "CBAM IR 2026/1740" in html


def test_explain_page_shows_the_choice_and_candidates(library, tenant_a, people, client_for):
    page = client_for(people["auditor"], tenant_a).get(
        "/factors/explain/", {"keywords": "diesel", "unit": "litres", "region": "GB", "year": "2024"})
    html = page.content.decode()
    assert 'data-testid="reason"' in html and "same region and year" in html
    assert "Diesel (average biofuel blend)" in html and 'data-testid="candidates"' in html
    bad = client_for(people["auditor"], tenant_a).get("/factors/explain/", {"keywords": "diesel", "unit": "bananas"})
    assert "Unknown unit" in bad.content.decode()


def test_officer_creates_edits_and_deletes_a_custom_factor_with_audit(library, tenant_a, people, client_for,
                                                                      in_tenant):
    client = client_for(people["officer"], tenant_a)
    data = {"kind": "supplier", "supplier": "Stahl AG", "activity": "Hot-rolled coil", "unit": "tonne",
            "kgco2e_per_unit": "1850.5", "region": "de", "year": "2025", "scope": "3"}
    response = client.post("/factors/custom/new/", data)
    assert response.status_code == 302
    with in_tenant(tenant_a):
        custom = CustomFactor.objects.get(activity="Hot-rolled coil")
        assert custom.region == "DE" and custom.kgco2e_per_unit == Decimal("1850.5")
        assert custom.created_by == people["officer"]
        assert AuditEntry.objects.filter(action="factors.custom_factor.created", object_id=str(custom.pk)).exists()
    assert response.url == f"/factors/custom/{custom.pk}/"
    assert b"Stahl AG" in client.get(response.url).content
    response = client.post(f"/factors/custom/{custom.pk}/edit/", {**data, "kgco2e_per_unit": "1790"})
    assert response.status_code == 302
    response = client.post(f"/factors/custom/{custom.pk}/delete/")
    assert response.status_code == 302
    with in_tenant(tenant_a):
        assert not CustomFactor.objects.filter(pk=custom.pk).exists()
        assert CustomFactor.all_objects.get(pk=custom.pk).kgco2e_per_unit == Decimal("1790")
        actions = list(AuditEntry.objects.filter(object_id=str(custom.pk), object_type="factors_custom.customfactor")
                       .order_by("sequence").values_list("action", flat=True))
    assert actions == ["factors.custom_factor.created", "factors.custom_factor.updated",
                       "factors.custom_factor.deleted"]


def test_invalid_custom_factors_are_refused_with_field_errors(library, tenant_a, people, client_for, in_tenant):
    client = client_for(people["officer"], tenant_a)
    response = client.post("/factors/custom/new/", {"kind": "supplier", "activity": "X", "unit": "bananas",
                                                    "kgco2e_per_unit": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Unknown unit" in html and "Name the supplier" in html
    with in_tenant(tenant_a):
        assert not CustomFactor.objects.exists()


def test_readers_cannot_write_custom_factors(library, tenant_a, people, client_for, in_tenant):
    with in_tenant(tenant_a):
        custom = CustomFactor.objects.create(kind="custom", activity="Own value", unit="kWh",
                                             kgco2e_per_unit=Decimal("0.1"))
    for role in ("accountant", "auditor"):
        client = client_for(people[role], tenant_a)
        assert client.get("/factors/custom/new/").status_code == 403
        assert client.post("/factors/custom/new/", {"activity": "x"}).status_code == 403
        assert client.get(f"/factors/custom/{custom.pk}/edit/").status_code == 403
        assert client.post(f"/factors/custom/{custom.pk}/delete/").status_code == 403
        page = client.get(f"/factors/custom/{custom.pk}/")
        assert page.status_code == 200 and b"Edit</a>" not in page.content
    with in_tenant(tenant_a):
        assert CustomFactor.objects.filter(pk=custom.pk).exists()


def test_custom_factor_of_another_tenant_is_404(library, tenant_a, tenant_b, owner_b, people, client_for,
                                                in_tenant):
    with in_tenant(tenant_b):
        beta = CustomFactor.objects.create(kind="custom", activity="Beta only", unit="kWh",
                                           kgco2e_per_unit=Decimal("0.2"))
    # Alpha's officer asks for Beta's row id on Alpha's host: the row is not in Alpha's schema.
    client = client_for(people["officer"], tenant_a)
    assert client.get(f"/factors/custom/{beta.pk}/").status_code == 404
    assert client.post(f"/factors/custom/{beta.pk}/delete/").status_code == 404
    assert client_for(owner_b, tenant_b).get(f"/factors/custom/{beta.pk}/").status_code == 200


def test_empty_custom_list_invites_officers_only(library, tenant_a, people, client_for):
    officer = client_for(people["officer"], tenant_a).get("/factors/custom/").content.decode()
    assert 'data-testid="custom-empty"' in officer and 'data-testid="custom-new"' in officer
    accountant = client_for(people["accountant"], tenant_a).get("/factors/custom/").content.decode()
    assert 'data-testid="custom-empty"' in accountant and 'data-testid="custom-new"' not in accountant


def test_unknown_reference_table_is_404(library, tenant_a, people, client_for):
    assert client_for(people["officer"], tenant_a).get("/factors/tables/nope/").status_code == 404


def test_a_hostile_unit_is_the_forms_normal_field_error():
    from factors.forms import ResolveForm

    for text in ("')--", "m/0", "kg**(9**9**9)", "(" * 20 + "kg" + ")" * 20):
        form = ResolveForm({"keywords": "diesel", "unit": text})
        assert not form.is_valid()
        assert "Unknown unit" in form.errors["unit"][0], text
