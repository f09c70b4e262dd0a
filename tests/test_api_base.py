"""API base: API keys (UI and auth), problem details, rate limits by plan, the local OpenAPI docs."""
import re

import pytest
from django.core.cache import cache

from factortrace.api.keys import api_key_create, api_key_revoke
from tenants.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_buckets():
    cache.clear()  # rate-limit buckets live in the cache
    yield
    cache.clear()


def test_a_key_made_in_the_ui_is_shown_once_and_works_with_the_users_role(tenant_a, people, client_for):
    page = client_for(people["accountant"], tenant_a).post("/account/api-keys/", {"name": "BI tool"})
    assert page.status_code == 200
    plaintext = re.search(rb'data-testid="new-key">(ft_[^<]+)<', page.content).group(1).decode()
    anonymous = client_for(None, tenant_a)
    response = anonymous.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert response.status_code == 200
    assert response.json() == {"email": "accountant@alpha.example", "tenant": "alpha", "role": "accountant",
                               "auth": "api_key", "key": {"name": "BI tool", "prefix": plaintext[:11],
                                                          "read_only": False, "expires_at": None}}
    # Shown once: the list shows only the prefix.
    listing = client_for(people["accountant"], tenant_a).get("/account/api-keys/").content
    assert plaintext.encode() not in listing and plaintext[:11].encode() in listing


def test_key_of_tenant_a_on_tenant_b_is_401(tenant_a, tenant_b, people, in_tenant, client_for):
    with in_tenant(tenant_a):
        _, plaintext = api_key_create(user=people["owner"], name="alpha key")
    response = client_for(None, tenant_b).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Invalid API key"


def test_revoked_or_garbled_keys_are_401(tenant_a, people, in_tenant, client_for):
    with in_tenant(tenant_a):
        key, plaintext = api_key_create(user=people["owner"], name="soon revoked")
        api_key_revoke(key=key, actor=people["owner"])
    client = client_for(None, tenant_a)
    for header in (f"Api-Key {plaintext}", "Api-Key ft_deadbeef_nope", "Basic Zm9vOmJhcg=="):
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=header).status_code == 401, header


def test_a_key_stops_working_when_the_membership_ends(tenant_a, people, in_tenant, client_for):
    from tenants.models import Membership

    with in_tenant(tenant_a):
        _, plaintext = api_key_create(user=people["auditor"], name="auditor script")
    Membership.objects.filter(tenant=tenant_a, user=people["auditor"]).delete()
    response = client_for(None, tenant_a).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert response.status_code == 401  # revoked with the membership (tests/test_credentials.py)


def test_rate_limit_by_plan_answers_429_with_retry_after(tenant_b, owner_b, in_tenant, client_for):
    tiny = Plan.objects.create(code="tiny", name="Tiny", api_requests_per_minute=3, max_members=2)
    tenant_b.plan = tiny
    tenant_b.save(update_fields=["plan"])
    with in_tenant(tenant_b):
        _, plaintext = api_key_create(user=owner_b, name="busy script")
    client = client_for(None, tenant_b)
    codes = [client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {plaintext}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["title"] == "Too many requests"


def test_openapi_schema_and_docs_are_served_from_local_files(tenant_a, people, client_for):
    client = client_for(people["officer"], tenant_a)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/me/" in schema.json()["paths"]
    for page in ("/api/v1/docs/", "/api/v1/redoc/"):
        html = client.get(page).content.decode()
        assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
        assert assets and all(a.startswith("/static/") for a in assets), assets  # no CDN
        for asset in assets:
            assert client.get(asset).status_code == 200, asset


def test_api_errors_are_problem_details(tenant_a, people, client_for):
    response = client_for(people["officer"], tenant_a).get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {"type": "about:blank", "title": "Not found", "status": 404,
                               "detail": "No such resource."}
    html = client_for(people["officer"], tenant_a).get("/no-such-page/")
    assert html.status_code == 404 and b"We could not find that page" in html.content


def test_session_api_calls_need_csrf_for_writes(tenant_a, people):
    from django.test import Client

    client = Client(HTTP_HOST="alpha.localhost", enforce_csrf_checks=True)
    client.force_login(people["owner"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/v1/me/").status_code == 200
    assert client.post("/api/v1/me/", {}).status_code == 403  # no CSRF token → refused before the method
