"""The shared import pages: the job page (live progress, then the count or the errors), the
error file, the templates and the list — each with its outsider cases."""
from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache

from factortrace.audit.models import AuditEntry
from regimes.base.models import ImportJob

from .conftest import BAD_CSV, GOOD_CSV

pytestmark = pytest.mark.django_db


def test_a_queued_job_page_polls_its_progress(importing, people, client_for):
    job = importing["job"](GOOD_CSV)
    client = client_for(people["accountant"], importing["tenant"])  # readers may follow an import
    page = client.get(f"/imports/{job.uuid}/").content.decode()
    assert f'hx-get="/imports/{job.uuid}/status/"' in page and 'hx-trigger="every 1s"' in page
    assert '<progress class="bar"' in page and "Waiting for a worker" in page
    assert "<wbr>".join(job.sha256[i:i + 16] for i in range(0, 64, 16)) in page and "FY2025" in page
    status = client.get(f"/imports/{job.uuid}/status/").content.decode()
    assert status.startswith('<section class="card" id="import-status"') and "every 1s" in status


def test_progress_written_while_rows_stream_in_is_shown(importing, people, client_for, in_tenant):
    # While rows stream into the table the job's row cannot show progress (the write transaction
    # is not committed yet): the worker writes it to the cache, and pages and the API read it there.
    job = importing["job"](GOOD_CSV)
    with in_tenant(importing["tenant"]):
        ImportJob.objects.filter(pk=job.pk).update(status="validating")
        cache.set(f"imports:progress:{job.uuid}", (42, "Checked 42,000 rows"))
    status = client_for(people["officer"], importing["tenant"]).get(f"/imports/{job.uuid}/status/")
    assert 'value="42"' in status.content.decode() and "Checked 42,000 rows" in status.content.decode()
    api = client_for(people["officer"], importing["tenant"]).get(f"/api/v1/imports/{job.uuid}/").json()
    assert (api["progress"], api["message"]) == (42, "Checked 42,000 rows")


def test_a_finished_job_stops_polling_and_shows_the_count(importing, people, client_for):
    job = importing["run"](GOOD_CSV)
    client = client_for(people["officer"], importing["tenant"])
    status = client.get(f"/imports/{job.uuid}/status/").content.decode()
    assert "hx-trigger" not in status and 'data-testid="imported-rows">2<' in status
    assert client.get(f"/imports/{job.uuid}/errors.csv").status_code == 404  # nothing to list


def test_a_failed_job_shows_the_first_errors_and_offers_the_error_file(importing, people, client_for, in_tenant):
    job = importing["run"](BAD_CSV)
    client = client_for(people["auditor"], importing["tenant"])
    page = client.get(f"/imports/{job.uuid}/").content.decode()
    assert "Nothing was imported" in page and "5 problems in 1 of the file&#x27;s 2 rows" in page
    # The formula is refused, and the row's other cells are still checked and reported.
    assert "formula" in page and "unknown facility &#x27;Paris&#x27;" in page and "negative" in page
    assert "Unknown unit &#x27;zorkmids&#x27;" in page and "Scope 1 needs a type" in page
    assert f'href="/imports/{job.uuid}/errors.csv"' in page
    download = client.get(f"/imports/{job.uuid}/errors.csv")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert 'filename="inventory-errors.csv"' in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "cell", "value", "reason"] and len(rows) == 1 + job.error_count
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    with in_tenant(importing["tenant"]):  # who took the error file is in the trail
        assert AuditEntry.objects.filter(action="imports.errors.downloaded", object_id=str(job.pk),
                                         actor=people["auditor"]).exists()


def test_a_file_problem_is_shown_as_such(importing, people, client_for):
    job = importing["run"]("facility;scope\r\nLDS;1\r\n".encode(), "inventory.csv")
    page = client_for(people["officer"], importing["tenant"]).get(f"/imports/{job.uuid}/").content.decode()
    assert 'data-testid="import-file-error"' in page and "missing required columns" in page


def test_the_list_shows_every_import_with_its_result(importing, people, client_for):
    importing["run"](GOOD_CSV)
    importing["run"](BAD_CSV, "broken.csv")
    page = client_for(people["accountant"], importing["tenant"]).get("/imports/").content.decode()
    assert "inventory.csv" in page and "broken.csv" in page and "Imported" in page and "Failed" in page
    assert "GHG inventory activities" in page
    assert "Import GHG inventory activities" not in page  # accountants do not get the upload button


def test_the_list_has_a_helpful_empty_state(tenant_a, people, client_for):
    page = client_for(people["officer"], tenant_a).get("/imports/").content.decode()
    assert "No imports yet" in page and 'href="/csrd/import/"' in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_download_with_the_guide(importing, people, client_for, fmt):
    from openpyxl import load_workbook

    response = client_for(people["accountant"], importing["tenant"]).get(f"/imports/template/csrd.activities.{fmt}")
    assert response.status_code == 200
    assert f'filename="factortrace-csrd-activities-template.{fmt}"' in response["Content-Disposition"]
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert "# scope3_category (optional):" in text and "# Your facilities: LDS — Leeds plant — GB" in text
        assert "facility,scope,scope1_type,energy_type,scope3_category,description" in text
    else:
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["Activities", "Column guide"]
        assert [c.value for c in book["Activities"][1]][:3] == ["facility", "scope", "scope1_type"]
        guide = [row[0] for row in book["Column guide"].iter_rows(values_only=True)]
        assert "factor_keywords" in guide and "Your facilities" in guide


def test_unknown_templates_and_jobs_are_404(importing, people, client_for):
    client = client_for(people["officer"], importing["tenant"])
    assert client.get("/imports/template/csrd.activities.pdf").status_code == 404
    assert client.get("/imports/template/nope.things.csv").status_code == 404
    assert client.get("/imports/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_outsiders_see_nothing_of_an_import(importing, owner_b, tenant_b, client_for):
    job = importing["run"](BAD_CSV)
    urls = [f"/imports/{job.uuid}/", f"/imports/{job.uuid}/status/", f"/imports/{job.uuid}/errors.csv", "/imports/",
            "/imports/template/csrd.activities.csv"]
    # Charlie (owner of Beta) must see nothing of Alpha's, not even that the pages exist …
    charlie = client_for(owner_b, importing["tenant"])
    assert [charlie.get(url).status_code for url in urls] == [404] * len(urls)
    # … nor reach Alpha's job from Beta's own host, where its uuid means nothing.
    own_host = client_for(owner_b, tenant_b)
    assert [own_host.get(url).status_code for url in urls[:3]] == [404] * 3
    anonymous = client_for(None, importing["tenant"])
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
