"""The asynchronous import API under /api/v1/imports/: upload (202), job status, error file,
the importer catalogue, problem details, OpenAPI, and the outsider cases (test importer)."""
from __future__ import annotations

import csv
import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from factortrace.api.keys import api_key_create
from factortrace.audit.models import AuditEntry
from factortrace.imports import import_run
from factortrace.imports.models import ImportJob

from .conftest import BAD_CSV, GOOD_CSV

pytestmark = pytest.mark.django_db

UPLOAD = "/api/v1/imports/sample.items/"
PROBLEM = "application/problem+json"


def post_file(client, content: bytes, name: str = "items.csv", **fields):
    with mock.patch("factortrace.imports.tasks.run_import.apply_async"):
        return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content), **fields})


def test_upload_answers_202_with_the_job_then_reports_its_result(importing, people, client_for, in_tenant):
    client = client_for(people["officer"], importing["tenant"])
    response = post_file(client, GOOD_CSV, batch=importing["batch"].pk, decimal_separator=".")
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued" and job["importer"] == "sample.items" and job["regime"] == "sample"
    assert job["parameters"] == {"batch": importing["batch"].pk, "batch_name": "B1", "decimal_separator": "."}
    assert job["requested_by"] == "officer@alpha.example" and len(job["sha256"]) == 64
    assert response["Location"] == job["links"]["self"] == f"http://alpha.localhost/api/v1/imports/{job['uuid']}/"
    assert job["links"]["page"] == f"http://alpha.localhost/imports/{job['uuid']}/"
    with in_tenant(importing["tenant"]):
        import_run(ImportJob.objects.get(uuid=job["uuid"]).pk)
    done = client.get(f"/api/v1/imports/{job['uuid']}/").json()
    assert (done["status"], done["progress"], done["total_rows"], done["imported_rows"]) == ("succeeded", 100, 2, 2)
    assert done["error_count"] == 0 and done["links"]["errors_file"] is None


def test_a_failed_job_lists_its_first_errors_and_links_the_error_file(importing, people, client_for, in_tenant):
    job = importing["run"](BAD_CSV)
    client = client_for(people["accountant"], importing["tenant"])
    data = client.get(f"/api/v1/imports/{job.uuid}/").json()
    assert data["status"] == "failed" and data["imported_rows"] == 0 and data["error_count"] == 5
    assert {"row": 3, "column": "site", "cell": "A3", "value": "P4ris"}.items() <= data["errors_preview"][1].items()
    assert data["links"]["errors_file"] == f"http://alpha.localhost/api/v1/imports/{job.uuid}/errors/"
    download = client.get(f"/api/v1/imports/{job.uuid}/errors/")
    assert download.status_code == 200 and download["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "cell", "value", "reason"] and len(rows) == 6
    assert rows[1][3].startswith("'=HYPERLINK")  # neutralised for spreadsheets
    with in_tenant(importing["tenant"]):
        assert AuditEntry.objects.filter(action="imports.errors.downloaded", object_id=str(job.pk),
                                         actor=people["accountant"]).exists()


def test_jobs_are_listed_and_filtered(importing, people, client_for):
    importing["run"](GOOD_CSV)
    importing["run"](BAD_CSV, "broken.csv")
    client = client_for(people["auditor"], importing["tenant"])
    everything = client.get("/api/v1/imports/").json()
    assert everything["count"] == 2 and {j["original_name"] for j in everything["results"]} == {
        "items.csv", "broken.csv"}
    failed = client.get("/api/v1/imports/", {"status": "failed"}).json()
    assert [j["original_name"] for j in failed["results"]] == ["broken.csv"]
    assert client.get(UPLOAD).json()["count"] == 2
    assert client.get("/api/v1/imports/sample.slow/").json()["count"] == 0


def test_the_importer_catalogue_describes_columns_parameters_and_templates(tenant_a, people, client_for):
    data = client_for(people["accountant"], tenant_a).get("/api/v1/imports/importers/").json()
    (importer,) = [i for i in data if i["code"] == "sample.items"]
    assert [c["name"] for c in importer["columns"]] == ["site", "quantity", "unit", "organic", "notes"]
    assert {"name": "unit", "required": True, "choices": ["kg", "t", "l"]}.items() <= importer["columns"][2].items()
    assert [p["name"] for p in importer["parameters"]] == ["batch", "pause", "decimal_separator"]
    assert importer["templates"]["xlsx"] == "http://alpha.localhost/imports/template/sample.items.xlsx"
    assert importer["upload"] == "http://alpha.localhost/api/v1/imports/sample.items/"


@pytest.mark.parametrize("fields, field, words", [
    ({}, "file", "Attach the file"),
    ({"file": ("a.csv", b"")}, "file", "empty"),
    ({"file": ("a.xls", b"x")}, "file", ".xls files are not accepted"),
    ({"file": ("a.csv", b"x" * (50 * 1024 * 1024))}, "file", "the limit is 32 MB"),
    ({"file": ("a.csv", GOOD_CSV), "batch": "locked"}, "batch", "B0 is locked"),
    ({"file": ("a.csv", GOOD_CSV), "batch": "999999"}, "batch", "Select a valid choice"),
    ({"file": ("a.csv", GOOD_CSV), "decimal_separator": ";"}, "decimal_separator", "auto"),
])
def test_bad_uploads_are_problem_details_naming_the_field(importing, people, client_for, in_tenant, fields, field,
                                                          words):
    data = {}
    for key, value in fields.items():
        if key == "file":
            data["file"] = SimpleUploadedFile(*value)
        elif key == "batch" and value == "locked":
            data["batch"] = importing["locked"].pk
        else:
            data[key] = value
    data.setdefault("batch", importing["batch"].pk)
    with mock.patch("factortrace.imports.tasks.run_import.apply_async") as queued:
        response = client_for(people["officer"], importing["tenant"]).post(UPLOAD, data)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["title"] == "Invalid request" and any(words in message for message in body["errors"][field])
    queued.assert_not_called()
    with in_tenant(importing["tenant"]):
        assert ImportJob.objects.count() == 0


def test_an_unknown_importer_is_404(importing, people, client_for):
    response = client_for(people["officer"], importing["tenant"]).post("/api/v1/imports/nope.things/", {})
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM


def test_an_api_key_can_upload(importing, people, client_for, in_tenant):
    with in_tenant(importing["tenant"]):
        _, secret = api_key_create(user=people["officer"], name="ERP export")
    client = client_for(None, importing["tenant"], HTTP_AUTHORIZATION=f"Api-Key {secret}")
    response = post_file(client, GOOD_CSV, batch=importing["batch"].pk)
    assert response.status_code == 202 and response.json()["requested_by"] == "officer@alpha.example"


def test_readers_cannot_upload(importing, people, client_for):
    for role in ("accountant", "auditor"):
        response = post_file(client_for(people[role], importing["tenant"]), GOOD_CSV, batch=importing["batch"].pk)
        assert response.status_code == 403 and response["Content-Type"] == PROBLEM, role


def test_outsiders_and_anonymous_callers_get_nothing(importing, owner_b, tenant_b, client_for):
    job = importing["run"](BAD_CSV)
    urls = ["/api/v1/imports/", f"/api/v1/imports/{job.uuid}/", f"/api/v1/imports/{job.uuid}/errors/",
            "/api/v1/imports/importers/", UPLOAD]
    # Charlie (owner of Beta) must see nothing of Alpha's …
    charlie = client_for(owner_b, importing["tenant"])
    assert [charlie.get(url).status_code for url in urls] == [404] * len(urls)
    assert post_file(charlie, GOOD_CSV, batch=importing["batch"].pk).status_code == 404
    # … nor find Alpha's job from his own tenant's API.
    own = client_for(owner_b, tenant_b)
    assert own.get(f"/api/v1/imports/{job.uuid}/").status_code == 404
    assert own.get(f"/api/v1/imports/{job.uuid}/errors/").status_code == 404
    anonymous = client_for(None, importing["tenant"])
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 401 and response["Content-Type"] == PROBLEM, url


def test_the_openapi_schema_documents_the_import_endpoints(tenant_a, people, client_for):
    schema = client_for(people["officer"], tenant_a).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert {"/api/v1/imports/", "/api/v1/imports/{uuid}/", "/api/v1/imports/{uuid}/errors/",
            "/api/v1/imports/importers/", "/api/v1/imports/{importer}/"} <= set(paths)
    upload = paths["/api/v1/imports/{importer}/"]["post"]
    assert "202" in upload["responses"]
    body = upload["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"file", "decimal_separator", "batch"} <= set(schema["components"]["schemas"][body]["properties"])
