"""The report pipeline: request → task → stored file with SHA-256 → membership-checked download."""
import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from factortrace.core.csvsafe import csv_bytes, safe_cell
from reports.models import Report
from reports.services import report_request, report_run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
    ("+49 30 1234", "'+49 30 1234"),
    ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
    ("@SUM(1)", "'@SUM(1)"),
    ("\tTAB", "'\tTAB"),
    ("plain text", "plain text"),
    (-12.5, -12.5),  # numbers are not text and stay numbers
])
def test_csv_cells_are_neutralised_against_formula_injection(value, expected):
    assert safe_cell(value) == expected


def test_csv_is_utf8_with_bom_for_excel():
    content = csv_bytes(["name", "t CO2e"], [["Café =1+1", "12.5"]])
    assert content.startswith("\ufeff".encode())
    assert "Café '=1+1" not in content.decode("utf-8-sig")  # only a *leading* = is neutralised
    assert "Café =1+1" in content.decode("utf-8-sig")


def test_generate_from_the_page_queues_after_commit_and_renders(tenant_a, people, in_tenant, client_for,
                                                                django_capture_on_commit_callbacks):
    from unittest import mock

    officer = client_for(people["officer"], tenant_a)
    with mock.patch("reports.tasks.render_report.apply_async") as apply_async, \
            django_capture_on_commit_callbacks(execute=True):
        response = officer.post("/reports/new/", {"kind": "platform.tenant_summary", "format": "json"})
    assert response.status_code == 302
    with in_tenant(tenant_a):
        report = Report.objects.get(kind="platform.tenant_summary", format="json")
        assert report.status == "queued" and report.requested_by_id == people["officer"].pk
        apply_async.assert_called_once_with(args=(report.pk,), kwargs={}, headers={"_schema_name": "alpha"})
        report = report_run(report.pk)
    assert report.status == "succeeded", report.error
    assert report.file.name == f"alpha/reports/{report.uuid}.json"
    content = (Path(settings.MEDIA_ROOT) / report.file.name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == report.sha256 and len(content) == report.size
    data = json.loads(content)
    assert data["tenant"]["name"] == "Alpha Industries"
    assert {m["email"] for m in data["members"]} >= {"owner@alpha.example", "auditor@alpha.example"}

    # The accountant may download, and the download is in the audit trail.
    download = client_for(people["accountant"], tenant_a).get(f"/reports/{report.uuid}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["X-Content-SHA256"] == report.sha256
    assert "attachment" in download["Content-Disposition"]
    with in_tenant(tenant_a):
        from factortrace.audit.models import AuditEntry

        assert AuditEntry.objects.filter(action="reports.report.downloaded", object_id=str(report.pk)).exists()


def test_accountants_cannot_generate_but_can_see_the_list(tenant_a, people, client_for):
    accountant = client_for(people["accountant"], tenant_a)
    assert accountant.post("/reports/new/", {"kind": "platform.tenant_summary", "format": "pdf"}).status_code == 403
    page = accountant.get("/reports/")
    assert page.status_code == 200 and b"Generate PDF" not in page.content


def test_a_report_of_tenant_a_cannot_be_fetched_from_tenant_b(tenant_a, tenant_b, people, owner_b, in_tenant,
                                                              client_for):
    with in_tenant(tenant_a):
        report = report_run(report_request(kind_code="platform.tenant_summary", fmt="json", params={},
                                           actor=people["owner"]).pk)
    # Same uuid on B's host: B's schema has no such row.
    assert client_for(owner_b, tenant_b).get(f"/reports/{report.uuid}/download/").status_code == 404
    assert client_for(owner_b, tenant_b).get(f"/reports/{report.uuid}/row/").status_code == 404


def test_the_progress_row_polls_until_finished(tenant_a, people, in_tenant, client_for):
    with in_tenant(tenant_a):
        report = report_request(kind_code="platform.tenant_summary", fmt="json", params={}, actor=people["owner"])
    client = client_for(people["officer"], tenant_a)
    row = client.get(f"/reports/{report.uuid}/row/").content
    assert b'hx-trigger="every 1s"' in row and b"<progress" in row
    with in_tenant(tenant_a):
        report_run(report.pk)
    row = client.get(f"/reports/{report.uuid}/row/").content
    assert b"hx-trigger" not in row and b"Download" in row


# ---------------------------------------------------------------- real worker, real Valkey
def _wait(predicate, timeout=60, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out")


def _report(tenant, pk):
    from django_tenants.utils import tenant_context

    with tenant_context(tenant):
        return Report.objects.get(pk=pk)


def _committed_request(django_db_blocker, tenant, **kwargs):
    from django_tenants.utils import tenant_context

    from tests.live import committed

    def request():
        with tenant_context(tenant):
            return report_request(**kwargs)  # commits, then the task is queued

    with django_db_blocker.unblock():
        return committed(request)


@pytest.mark.worker
@pytest.mark.slow
def test_a_real_worker_renders_the_tenant_summary_pdf(celery_worker, tenancy, django_db_blocker, tmp_path):
    tenant = tenancy["beta"]
    report = _committed_request(django_db_blocker, tenant, kind_code="platform.tenant_summary", fmt="pdf",
                                params={}, actor=tenancy["owner_b"])
    with django_db_blocker.unblock():
        done = _wait(lambda: (r := _report(tenant, report.pk)).is_finished and r)
    assert done.status == "succeeded", done.error
    pdf = Path(settings.MEDIA_ROOT) / done.file.name
    assert pdf.read_bytes()[:5] == b"%PDF-" and hashlib.sha256(pdf.read_bytes()).hexdigest() == done.sha256
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 5000 for p in pages)  # real, non-blank pictures
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "Beta Trading" in text and "owner@beta.example" in text


@pytest.mark.worker
@pytest.mark.slow
def test_a_worker_killed_mid_report_leaves_it_to_the_next_worker(tenancy, django_db_blocker):
    import tests.slow_report  # noqa: F401 — registers the test-only kind in this process
    from factortrace.celery import app
    from tests.live import _end_other_sessions, start_worker, stop

    app.control.purge()
    tenant = tenancy["alpha"]
    env = {"CELERY_VISIBILITY_TIMEOUT": "2"}  # unacked messages of a dead worker come back after 2 s
    queue = "kill-test"  # its own queue: the session's worker must not take the task
    first = start_worker("doomed", env, queue=queue)
    try:
        from unittest import mock

        from reports.tasks import render_report

        send = render_report.apply_async
        with mock.patch.object(render_report, "apply_async", lambda *a, **kw: send(*a, queue=queue, **kw)):
            report = _committed_request(django_db_blocker, tenant, kind_code="test.slow", fmt="txt",
                                        params={"steps": 8, "step_seconds": 0.5}, actor=tenancy["people"]["owner"])
        with django_db_blocker.unblock():
            _wait(lambda: _report(tenant, report.pk).progress >= 25)
        os.killpg(first.pid, signal.SIGKILL)  # the whole worker, mid-run, no chance to clean up
        first.wait()
        with django_db_blocker.unblock():
            mid = _report(tenant, report.pk)
        assert mid.status == "running" and mid.attempts == 1
        time.sleep(2.5)
        second = start_worker("rescuer", env, queue=queue)
        try:
            with django_db_blocker.unblock():
                done = _wait(lambda: (r := _report(tenant, report.pk)).is_finished and r, timeout=90)
        finally:
            stop(second)
    finally:
        stop(first)
        with django_db_blocker.unblock():
            _end_other_sessions()
    assert done.status == "succeeded", done.error
    assert done.attempts == 2
    folder = Path(settings.MEDIA_ROOT) / "alpha" / "reports"
    assert [p.name for p in folder.iterdir() if str(report.uuid) in p.name or p.name.startswith(".partial")] \
        == [f"{report.uuid}.txt"], "one file, no leftovers"
    with django_db_blocker.unblock():
        from django_tenants.utils import tenant_context

        with tenant_context(tenant):
            assert Report.objects.filter(kind="test.slow").count() == 1
