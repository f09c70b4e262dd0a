"""Real Chromium, real gunicorn, real Celery worker: an officer imports the sample CSV, watches
the progress, sees the E1-6 totals change, generates the ESRS E1 PDF and downloads it."""
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from tests.live import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.slow]
SAMPLE = (Path(__file__).resolve().parents[2] / "regimes" / "inventory" / "static" / "inventory"
          / "sample-activities-fy2025.csv")


def _tonnes(text: str) -> Decimal:
    return Decimal(re.search(r"[\d,]+\.\d", text).group(0).replace(",", ""))


def test_import_sample_see_totals_generate_and_download_the_pdf(web_server, celery_worker, demo_tenant, page,
                                                                settings, tmp_path):
    base = f"http://demo.localhost:{web_server}"
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", "officer@demo.example")
    page.fill("input[name=password]", settings.DEMO_OWNER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=dashboard-title]")

    page.goto(base + "/csrd/?period=")
    before = _tonnes(page.text_content("[data-testid=kpi-total-market]"))

    # Import the sample file into FY2025.
    page.goto(base + "/inventory/import/")
    page.select_option("select[name=period]", label="FY2025")
    page.set_input_files("input[type=file]", str(SAMPLE))
    page.click("[data-testid=import-submit]")
    status = page.wait_for_selector("[data-testid=import-status]")
    assert status.get_attribute("data-status") in {"queued", "validating", "committing", "succeeded"}
    page.screenshot(path=str(ARTIFACTS / "e2e-csrd-import-progress.png"), full_page=True)
    done = page.wait_for_selector("[data-testid=import-status][data-status=succeeded], "
                                  "[data-testid=import-status][data-status=failed]", timeout=90_000)
    assert done.get_attribute("data-status") == "succeeded", done.text_content()
    assert page.text_content("[data-testid=imported-rows]").strip() == "20"
    page.screenshot(path=str(ARTIFACTS / "e2e-csrd-import-done.png"), full_page=True)

    # The dashboard's totals include the imported rows.
    page.goto(base + "/csrd/")
    after = _tonnes(page.text_content("[data-testid=kpi-total-market]"))
    assert after > before
    page.screenshot(path=str(ARTIFACTS / "e2e-csrd-dashboard.png"), full_page=True)

    # Generate the ESRS E1 PDF: the run shows a progress bar, then a download button.
    page.click("[data-testid=generate-e1-pdf]")
    page.wait_for_selector("[data-testid=report-runs] tr[data-status] .report-status")
    first_status = page.get_attribute("[data-testid=report-runs] tbody tr", "data-status")
    assert first_status in {"queued", "running", "succeeded"}
    if first_status != "succeeded":
        assert page.locator("[data-testid=report-runs] tbody tr").first.locator("progress").count() == 1
    page.wait_for_selector("[data-testid=report-runs] tbody tr[data-status=succeeded] a[data-testid^=download-]",
                           timeout=90_000)
    with page.expect_download() as download_info:
        succeeded = "[data-testid=report-runs] tbody tr[data-status=succeeded]"
        page.locator(f"{succeeded} a[data-testid^=download-]").first.click()
    pdf = tmp_path / "esrs-e1.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Northwind Components GmbH" in text
    assert f"{after:,.1f}" in text, "the PDF shows the dashboard's market-based total"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / "e2e-csrd-pdf")],
                   check=True)
