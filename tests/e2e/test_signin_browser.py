"""Real Chromium: sign in on demo.localhost and see the dashboard."""
import pytest

from tests.live import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_sign_in_on_the_demo_tenant_shows_the_dashboard(web_server, demo_tenant, page, settings):
    base = f"http://demo.localhost:{web_server}"
    page.goto(base + "/")
    assert "/accounts/login/" in page.url, "anonymous visitors are sent to sign-in"
    page.fill("input[name=login]", settings.DEMO_OWNER_EMAIL)
    page.fill("input[name=password]", settings.DEMO_OWNER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=dashboard-title]")
    assert page.text_content("[data-testid=dashboard-title]").strip() == demo_tenant.name
    assert page.text_content("[data-testid=role]").strip() == "Owner"
    page.screenshot(path=str(ARTIFACTS / "e2e-dashboard.png"), full_page=True)


def test_a_member_of_another_tenant_gets_the_404_page(web_server, demo_tenant, tenancy, page):
    from conftest import PASSWORD

    page.goto(f"http://demo.localhost:{web_server}/accounts/login/")
    page.fill("input[name=login]", tenancy["owner_b"].email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    response = page.goto(f"http://demo.localhost:{web_server}/members/")
    assert response.status == 404
    assert "We could not find that page" in page.content()
