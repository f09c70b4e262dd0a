"""No 500s from input (issue 9, item 6): NUL bytes in query strings, and problem details for every
error under /api/ (500 included). Unit parsing has its own tests in factortrace/core/tests."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _client(client_for, *args):
    client = client_for(*args)
    client.raise_request_exception = False  # see the 500 a browser would see, not the exception
    return client


def test_a_nul_byte_in_a_query_parameter_is_400_not_a_database_error(tenant_a, people, client_for):
    client = _client(client_for, people["owner"], tenant_a)
    for url in ("/reports/?regime=%00", "/audit/?action=a%00b", "/factors/?q=%00", "/inventory/activities/?period=%00",
                "/reports/?%00=x"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert b"Bad request" in response.content or b"bad request" in response.content.lower(), url
    api = client.get("/api/v1/inventory/activities/?search=%00")
    assert api.status_code == 400
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["status"] == 400


def test_the_public_host_refuses_nul_bytes_too(tenancy, client_for):
    assert _client(client_for).get("/accounts/login/?next=%00").status_code == 400


def test_an_api_view_that_raises_answers_problem_json_500(tenant_a, people, client_for, monkeypatch):
    from factortrace.api import views

    def boom(self, request):
        raise RuntimeError("something broke inside")

    monkeypatch.setattr(views.MeView, "get", boom)
    response = _client(client_for, people["officer"], tenant_a).get("/api/v1/me/", HTTP_X_REQUEST_ID="req-500-test")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 500 and body["title"] == "Server error"
    assert "something broke" not in response.content.decode(), "internals are not shown"
    assert body["request_id"] == "req-500-test"


def test_every_api_error_is_problem_json(tenant_a, people, client_for, settings):
    client = _client(client_for, people["officer"], tenant_a)
    # 405 from DRF, 404 for an unknown path, 413 from the request-size middleware, 400 for NUL
    responses = {
        "405": client.delete("/api/v1/me/"),
        "404": client.get("/api/v1/nope/"),
        "400": client.get("/api/v1/me/?x=%00"),
    }
    settings.MAX_REQUEST_BYTES = 10
    responses["413"] = client.post("/api/v1/me/", "x" * 100, content_type="application/json")
    for code, response in responses.items():
        assert str(response.status_code) == code, (code, response.status_code)
        assert response["Content-Type"] == "application/problem+json", code
        assert response.json()["status"] == int(code)
    # People still get the styled pages.
    settings.MAX_REQUEST_BYTES = 64 * 1024 * 1024
    html = client.get("/no-such-page/")
    assert html.status_code == 404 and html["Content-Type"].startswith("text/html")
