"""The shared import pages: the job page (live progress, then the count or the errors), the
error file, the templates, the list and the upload form helper — each with its outsider cases."""
from __future__ import annotations

import csv
import io
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from factortrace.audit.models import AuditEntry
from factortrace.imports.models import ImportJob

from .conftest import BAD_CSV, GOOD_CSV

pytestmark = pytest.mark.django_db


def test_a_queued_job_page_polls_its_progress(importing, people, client_for):
    job = importing["job"](GOOD_CSV)
    client = client_for(people["accountant"], importing["tenant"])  # readers may follow an import
    page = client.get(f"/imports/{job.uuid}/").content.decode()
    assert f'hx-get="/imports/{job.uuid}/status/"' in page and 'hx-trigger="every 1s"' in page
    assert '<progress class="bar"' in page and "Waiting for a worker" in page
    assert "<wbr>".join(job.sha256[i:i + 16] for i in range(0, 64, 16)) in page and "B1" in page
    status = client.get(f"/imports/{job.uuid}/status/").content.decode()
    assert status.startswith('<section class="card" id="import-status"') and "every 1s" in status


def test_progress_written_while_rows_stream_in_is_shown(importing, people, client_for, in_tenant):
    # While rows stream into the table the job's row cannot show progress (the write transaction
    # is not committed yet): the worker writes it to the cache, and pages and the API read it there.
    job = importing["job"](GOOD_CSV)
    with in_tenant(importing["tenant"]):
        ImportJob.objects.filter(pk=job.pk).update(status="validating")
        cache.set(job.progress_key, (42, "Checked 42,000 rows"))
    status = client_for(people["officer"], importing["tenant"]).get(f"/imports/{job.uuid}/status/")
    assert 'value="42"' in status.content.decode() and "Checked 42,000 rows" in status.content.decode()
    api = client_for(people["officer"], importing["tenant"]).get(f"/api/v1/imports/{job.uuid}/").json()
    assert (api["progress"], api["message"]) == (42, "Checked 42,000 rows")


def test_a_finished_job_stops_polling_and_shows_the_count(importing, people, client_for):
    job = importing["run"](GOOD_CSV)
    client = client_for(people["officer"], importing["tenant"])
    status = client.get(f"/imports/{job.uuid}/status/").content.decode()
    assert "hx-trigger" not in status and 'data-testid="imported-rows">2<' in status
    assert 'href="/items/"' in status  # the importer's result link
    assert client.get(f"/imports/{job.uuid}/errors.csv").status_code == 404  # nothing to list


def test_a_failed_job_shows_the_first_errors_and_offers_the_error_file(importing, people, client_for, in_tenant):
    job = importing["run"](BAD_CSV)
    client = client_for(people["auditor"], importing["tenant"])
    page = client.get(f"/imports/{job.uuid}/").content.decode()
    assert "Nothing was imported" in page and "5 problems in 1 of the file&#x27;s 2 rows" in page
    # The formula is refused, and the row's other cells are still checked and reported.
    assert "formula" in page and "&#x27;P4ris&#x27; is not a site code" in page and "must not be negative" in page
    assert "&#x27;zorkmids&#x27; is not one of" in page and "must be yes or no" in page
    assert f'href="/imports/{job.uuid}/errors.csv"' in page
    download = client.get(f"/imports/{job.uuid}/errors.csv")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert 'filename="items-errors.csv"' in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "cell", "value", "reason"] and len(rows) == 1 + job.error_count
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    with in_tenant(importing["tenant"]):  # who took the error file is in the trail
        assert AuditEntry.objects.filter(action="imports.errors.downloaded", object_id=str(job.pk),
                                         actor=people["auditor"]).exists()


def test_a_file_problem_is_shown_as_such(importing, people, client_for):
    job = importing["run"](b"site;quantity\r\nLDS;1\r\n", "items.csv")
    page = client_for(people["officer"], importing["tenant"]).get(f"/imports/{job.uuid}/").content.decode()
    assert 'data-testid="import-file-error"' in page and "missing required column unit" in page


def test_the_list_shows_every_import_with_its_result(importing, people, client_for):
    importing["run"](GOOD_CSV)
    importing["run"](BAD_CSV, "broken.csv")
    page = client_for(people["accountant"], importing["tenant"]).get("/imports/").content.decode()
    assert "items.csv" in page and "broken.csv" in page and "Imported" in page and "Failed" in page
    assert "Sample items" in page and "5 problems" in page


def test_the_list_has_a_helpful_empty_state(tenant_a, people, client_for):
    page = client_for(people["officer"], tenant_a).get("/imports/").content.decode()
    assert "No imports yet" in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_download_with_the_guide(importing, people, client_for, fmt):
    from openpyxl import load_workbook

    response = client_for(people["accountant"], importing["tenant"]).get(f"/imports/template/sample.items.{fmt}")
    assert response.status_code == 200
    assert f'filename="factortrace-sample-items-template.{fmt}"' in response["Content-Disposition"]
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert "# unit (required): kg, t or l. Accepted: kg, t, l." in text
        assert "site,quantity,unit,organic,notes\r\nLDS,12.5,kg,no,\r\n" in text
    else:
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["Items", "Column guide"]
        assert [c.value for c in book["Items"][1]] == ["site", "quantity", "unit", "organic", "notes"]
        assert [c.value for c in book["Items"][2]][:3] == ["LDS", 12.5, "kg"]  # numbers as numbers
        assert "unit" in [row[0] for row in book["Column guide"].iter_rows(values_only=True)]


def test_a_template_imports_as_it_is(importing, people, client_for):
    client = client_for(people["officer"], importing["tenant"])
    for fmt in ("csv", "xlsx"):
        content = client.get(f"/imports/template/sample.items.{fmt}").content
        job = importing["run"](content, f"template.{fmt}")
        assert (job.status, job.imported_rows) == ("succeeded", 1), (job.error, job.errors_preview)


def test_unknown_templates_and_jobs_are_404(importing, people, client_for):
    client = client_for(people["officer"], importing["tenant"])
    assert client.get("/imports/template/sample.items.pdf").status_code == 404
    assert client.get("/imports/template/nope.things.csv").status_code == 404
    assert client.get("/imports/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_upload_form_helper_queues_a_job_or_shows_the_problems(importing, people, in_tenant, rf):
    from factortrace.imports import get_importer
    from factortrace.imports.views import import_upload

    importer = get_importer("sample.items")
    with in_tenant(importing["tenant"]):
        form, job = import_upload(rf.get("/upload/"), importer, initial={"batch": importing["batch"].pk})
        assert job is None and list(form.fields) == ["batch", "pause", "file", "decimal_separator"]
        request = rf.post("/upload/", {"batch": importing["locked"].pk, "decimal_separator": "auto",
                                       "file": SimpleUploadedFile("items.csv", GOOD_CSV)})
        request.user = people["officer"]
        form, job = import_upload(request, importer)
        assert job is None and form.errors == {"batch": ["B0 is locked."]}
        request = rf.post("/upload/", {"batch": importing["batch"].pk, "decimal_separator": ",",
                                       "file": SimpleUploadedFile("items.csv", GOOD_CSV)})
        request.user = people["officer"]
        with mock.patch("factortrace.imports.tasks.run_import.apply_async"):
            form, job = import_upload(request, importer)
        assert job is not None and job.parameters == {"batch": importing["batch"].pk, "batch_name": "B1",
                                                      "decimal_separator": ","}


def test_outsiders_see_nothing_of_an_import(importing, owner_b, tenant_b, client_for):
    job = importing["run"](BAD_CSV)
    urls = [f"/imports/{job.uuid}/", f"/imports/{job.uuid}/status/", f"/imports/{job.uuid}/errors.csv", "/imports/",
            "/imports/template/sample.items.csv"]
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
