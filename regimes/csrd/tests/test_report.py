"""The ESRS E1 report through the pipeline, on the demo inventory: figures, PDF, iXBRL + Arelle."""
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context
from lxml import etree

from regimes.csrd.report import disclosure_for
from regimes.csrd.selectors import period_figures
from regimes.inventory.calculations import quantize
from regimes.inventory.models import ReportingPeriod
from reports.services import report_request, report_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def fy2025(demo_tenant):
    with tenant_context(demo_tenant):
        yield ReportingPeriod.objects.get(name="FY2025")


def _run(kind, fmt, params, actor):
    return report_run(report_request(kind_code=kind, fmt=fmt, params=params, actor=actor).pk)


def test_the_disclosure_carries_the_dashboard_figures_rounded_for_publication(fy2025, demo_tenant):
    figures = period_figures(fy2025)
    disclosure = disclosure_for(fy2025, demo_tenant, figures)
    totals = figures.totals
    # Rounded half up to 0.001 t, as every page and report prints them (1 010.8265 → 1 010.827).
    assert disclosure.gross_scope1 == quantize(totals.scope1_t, 3)
    assert disclosure.scope2_market == quantize(totals.scope2_market_t, 3)
    assert disclosure.total_market == quantize(totals.total_market_t, 3)
    # Within rounding of its parts (here the parts add up to 0.001 more).
    assert abs(disclosure.total_market - (disclosure.gross_scope1 + disclosure.scope2_market
                                          + disclosure.scope3_total)) <= D("0.0015")
    # The taxonomy wants t CO2e per EUR (the page shows per EUR million).
    assert disclosure.intensity_market == disclosure.total_market / D("86400000")
    assert {t.identifier for t in disclosure.targets} and all(t.identifier.startswith("T") for t in disclosure.targets)


def test_the_pdf_shows_the_key_totals(fy2025, demo_tenant, tmp_path):
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.get(email=settings.DEMO_OWNER_EMAIL)
    report = _run("csrd.esrs_e1", "pdf", {"period": fy2025.pk}, owner)
    assert report.status == "succeeded", report.error
    pdf = Path(settings.MEDIA_ROOT) / report.file.name
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == 3
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    totals = period_figures(fy2025).totals
    for value in (totals.scope1_t, totals.scope2_location_t, totals.scope2_market_t, totals.total_market_t):
        assert f"{quantize(value, 3):,}" in text, value
    assert "Appendix · Emission factors used" in text and "Open Government Licence" in text


def test_a_period_without_revenue_fails_with_a_message_a_person_can_act_on(demo_tenant):
    import datetime as dt

    from django.contrib.auth import get_user_model

    from regimes.inventory import services

    owner = get_user_model().objects.get(email=settings.DEMO_OWNER_EMAIL)
    with tenant_context(demo_tenant):
        period = services.period_create(actor=owner, data=dict(name="FY2026", year=2026, start=dt.date(2026, 1, 1),
                                                               end=dt.date(2026, 12, 31)))
        report = _run("csrd.esrs_e1", "xhtml", {"period": period.pk}, owner)
    assert report.status == "failed"
    assert report.error.startswith("FY2026 cannot be published as it is: net_revenue must be above zero")


@pytest.mark.slow
def test_the_ixbrl_of_the_demo_inventory_passes_arelle(fy2025, demo_tenant):
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.get(email=settings.DEMO_OWNER_EMAIL)
    report = _run("csrd.esrs_e1", "xhtml", {"period": fy2025.pk}, owner)
    assert report.status == "succeeded", report.error
    assert report.validation["validated"] is True and report.validation["ok"] is True, report.validation
    assert report.validation["errors"] == []
    root = etree.parse(str(Path(settings.MEDIA_ROOT) / report.file.name)).getroot()
    ix = {"ix": "http://www.xbrl.org/2013/inlineXBRL"}
    scope1 = root.xpath("//ix:nonFraction[@name='esrs:GrossScope1GreenhouseGasEmissions']", namespaces=ix)
    assert scope1 and D(scope1[0].text.replace(",", "")) == quantize(period_figures(fy2025).totals.scope1_t, 3)
