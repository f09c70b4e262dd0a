"""The import flow through the service the task runs, with the test importer (sample.items):
registry, all or nothing, COPY, the error file, progress, locks, retries, lost jobs and the task."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from factortrace.audit.models import AuditEntry
from factortrace.core.runs import Progress
from factortrace.imports import (
    Column,
    Importer,
    UnknownImporter,
    get_importer,
    import_fail,
    import_fail_stale,
    import_run,
    importers,
    register,
)
from factortrace.imports.models import ImportJob
from factortrace.imports.tests.sample.models import Batch, Item

from .conftest import BAD_CSV, GOOD_CSV, HEADER

pytestmark = pytest.mark.django_db


def many_rows(count: int, bad_at: int | None = None) -> bytes:
    lines = [HEADER] + [f"S{'1' if n == bad_at else ''}{'ABCDEFGHIJ'[n % 10]}{'ABCDEFGHIJ'[n // 10 % 10]},"
                        f"{'-' if n == bad_at else ''}{n}.5,kg,no,row {n}\r\n" for n in range(count)]
    return "".join(lines).encode()


def error_file_rows(job) -> list[list[str]]:
    content = (Path(settings.MEDIA_ROOT) / job.errors_file.name).read_text("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


# ---------------------------------------------------------------- the registry
def test_importers_are_discovered_from_their_apps():
    assert {"sample.items", "sample.slow", "inventory.activities"} <= {importer.code for importer in importers()}
    assert get_importer("sample.items").title == "Sample items"
    with pytest.raises(UnknownImporter):
        get_importer("sample.nothing")


def test_an_importer_must_name_itself_and_cover_its_table():
    class Rowless(Importer):  # what rows would become does not matter to registration
        def prepare(self, job):
            return None

        def parse_row(self, row, context):
            return ()

    class Nameless(Rowless):
        code = "items"
        regime = "sample"

    with pytest.raises(ValueError, match="<regime>.<what>"):
        register(Nameless())

    class Incomplete(Rowless):
        code = "sample.partial"
        regime = "sample"
        columns = (Column("site", "Site", "where"),)
        model = Item
        fields = ("batch_id", "site")

    with pytest.raises(ValueError, match=r"NOT NULL columns \['quantity', 'unit'"):
        register(Incomplete())
    assert "sample.partial" not in {importer.code for importer in importers()}


# ---------------------------------------------------------------- all or nothing
def test_a_good_file_is_committed_with_its_row_numbers_stamps_and_one_audit_entry(importing, in_tenant, people):
    job = importing["run"](GOOD_CSV)
    assert (job.status, job.total_rows, job.imported_rows, job.error_count) == ("succeeded", 2, 2, 0)
    assert (job.progress, job.message, job.attempts) == (100, "Imported 2 rows", 1)
    assert job.read_as == "CSV, UTF-8, comma-separated" and job.started_at and job.finished_at and not job.errors_file
    with in_tenant(importing["tenant"]):
        rows = list(Item.objects.order_by("row_number").values())
        assert [(r["site"], r["quantity"], r["unit"], r["organic"], r["notes"], r["row_number"]) for r in rows] == [
            ("LDS", D("125000"), "kg", True, "first delivery", 2), ("OHI", D("36.5"), "t", False, "", 3)]
        assert {(r["import_job_id"], r["batch_id"], r["created_by_id"], r["updated_by_id"]) for r in rows} == {
            (job.pk, importing["batch"].pk, people["officer"].pk, people["officer"].pk)}
        (entry,) = AuditEntry.objects.filter(action="sample.import.committed")
        assert entry.object_type == "imports.importjob" and entry.object_id == str(job.pk)
        expected = {"rows": 2, "importer": "sample.items", "file": "items.csv", "batch": "B1"}
        assert expected.items() <= entry.after.items()


def test_a_file_with_a_bad_row_imports_nothing_and_lists_every_problem(importing, in_tenant):
    job = importing["run"](BAD_CSV)
    assert (job.status, job.total_rows, job.imported_rows, job.error_count, job.error) == ("failed", 2, 0, 5, "")
    assert job.message == "5 problems in 1 of the file's 2 rows; nothing was imported"
    assert importing["items"]() == []
    assert [(e["row"], e["column"], e["cell"]) for e in job.errors_preview] == [
        (3, "notes", "E3"), (3, "site", "A3"), (3, "quantity", "B3"), (3, "unit", "C3"), (3, "organic", "D3")]
    rows = error_file_rows(job)
    assert rows[0] == ["row", "column", "cell", "value", "reason"] and len(rows) == 6
    assert rows[1][3].startswith("'=HYPERLINK") and "formula" in rows[1][4]  # neutralised for spreadsheets
    assert "'zorkmids' is not one of: kg, t or l" in rows[4][4]


def test_a_bad_row_after_thousands_streamed_rolls_everything_back_and_the_rest_is_still_checked(importing):
    # Rows 2–2,001 are already in PostgreSQL (COPY streams them as they pass) when row 2,002 fails.
    content = many_rows(3000, bad_at=2000)[:-2] + b"\r\nS,1,kg,no,last\r\n"
    job = importing["run"](content)
    assert job.status == "failed" and job.total_rows == 3001 and importing["items"]() == []
    assert [(e["row"], e["column"]) for e in job.errors_preview] == [(2002, "site"), (2002, "quantity"),
                                                                     (3002, "site")]


def test_a_large_file_is_committed_whole(importing):
    job = importing["run"](many_rows(5000))
    assert (job.status, job.imported_rows) == ("succeeded", 5000)
    items = importing["items"]()
    assert len(items) == 5000 and items[0] == ("SAA", D("0.5"), "kg", 2) and items[-1][3] == 5001


def test_an_xlsx_file_is_imported(importing):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (["site", "quantity", "unit", "organic"], ["LDS", 12.5, "kg", True], ["OHI", 3, "tonnes", None]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    job = importing["run"](buffer.getvalue(), "items.xlsx")
    assert job.status == "succeeded", (job.error, job.errors_preview)
    assert job.read_as == "XLSX, sheet 'Sheet'"
    assert importing["items"]() == [("LDS", D("12.5"), "kg", 2), ("OHI", D("3"), "t", 3)]


def test_a_file_problem_fails_the_job_with_one_line_in_the_error_file(importing):
    job = importing["run"](b"site;quantity\r\nLDS;1\r\n")
    assert job.status == "failed" and "missing required column unit" in job.error
    assert job.message == "The file cannot be read" and job.errors_preview == []
    assert len(error_file_rows(job)) == 2 and importing["items"]() == []


def test_a_header_without_rows_is_a_file_problem(importing):
    job = importing["run"](HEADER.encode())
    assert job.status == "failed" and job.error == "The file has a header row but no data rows to import."


def test_a_target_locked_while_the_file_was_checked_gets_nothing(importing, in_tenant):
    job = importing["job"](GOOD_CSV)
    with in_tenant(importing["tenant"]):
        Batch.objects.filter(pk=importing["batch"].pk).update(locked=True)
        job = import_run(job.pk)
    assert job.status == "failed" and "B1 was locked while the file was checked" in job.error
    assert importing["items"]() == []


def test_the_parameters_go_through_the_importers_form(importing):
    with pytest.raises(ValidationError) as info:
        importing["job"](GOOD_CSV, batch=importing["locked"].pk)
    assert info.value.message_dict == {"batch": ["B0 is locked."]}
    with pytest.raises(ValidationError) as info:
        importing["job"](GOOD_CSV, decimal_separator=";")
    assert "decimal_separator" in info.value.message_dict


def test_the_same_file_is_refused_while_its_rows_exist(importing):
    first = importing["run"](GOOD_CSV)
    with pytest.raises(ValidationError) as info:
        importing["job"](GOOD_CSV)
    assert f"was already imported on {first.created_at:%d %b %Y}" in info.value.message_dict["file"][0]


def test_progress_is_reported_while_rows_stream_in(importing):
    seen = []
    original = Progress.__call__

    def spy(self, percent, message, *, force=False):
        seen.append((int(percent), message, self.in_transaction))
        return original(self, percent, message, force=force)

    with mock.patch.object(Progress, "__call__", spy):
        job = importing["run"](many_rows(3000))
    assert job.status == "succeeded"
    assert ("Checked 1,000 rows", True) in {(message, in_transaction) for _, message, in_transaction in seen}
    assert seen[-1][1:] == ("Saving 3,000 rows", True) and 0 < seen[0][0] < 95


# ---------------------------------------------------------------- retries, lost jobs, the task
def test_an_interrupted_job_starts_over_and_a_finished_one_is_left_alone(importing, in_tenant):
    job = importing["job"](GOOD_CSV)
    with in_tenant(importing["tenant"]):
        ImportJob.objects.filter(pk=job.pk).update(status="validating", attempts=1, progress=40)
        done = import_run(job.pk)
        assert (done.status, done.attempts, done.imported_rows) == ("succeeded", 2, 2)
        again = import_run(job.pk)
    assert again.attempts == 2 and len(importing["items"]()) == 2


def test_jobs_lost_for_hours_are_failed_and_recent_ones_are_left_alone(importing, in_tenant):
    old, recent = importing["job"](GOOD_CSV), importing["job"](BAD_CSV)
    with in_tenant(importing["tenant"]):
        ImportJob.objects.filter(pk=old.pk).update(status="validating",
                                                   created_at=timezone.now() - dt.timedelta(hours=3))
        assert import_fail_stale() == 1
        old.refresh_from_db(), recent.refresh_from_db()
    assert old.status == "failed" and "upload the file again" in old.error and old.finished_at
    assert recent.status == "queued"


def test_the_tasks_last_failure_never_overwrites_a_result(importing, in_tenant):
    done, lost = importing["run"](GOOD_CSV), importing["job"](BAD_CSV)
    with in_tenant(importing["tenant"]):
        import_fail(done.pk, "OperationalError: gone")
        import_fail(lost.pk, "OperationalError: gone")
        done.refresh_from_db(), lost.refresh_from_db()
    assert done.status == "succeeded" and done.error == ""
    assert lost.status == "failed" and lost.error == "OperationalError: gone"
    assert lost.message == "The import did not finish; nothing was imported"


def test_the_task_fails_the_job_on_an_unexpected_error_and_retries_infrastructure_errors(importing, in_tenant):
    from django.db import OperationalError

    from factortrace.imports import services
    from factortrace.imports.tasks import run_import

    job = importing["job"](GOOD_CSV)
    with in_tenant(importing["tenant"]):
        with mock.patch.object(services, "import_run", side_effect=KeyError("boom")):
            assert run_import.run(job.pk) == "failed"
        job.refresh_from_db()
        assert job.status == "failed" and "KeyError" in job.error
        other = ImportJob.objects.create(regime="sample", kind="sample.items", file=job.file.name,
                                         original_name="x.csv", sha256=job.sha256, size=job.size,
                                         parameters=job.parameters)
        with mock.patch.object(services, "import_run", side_effect=OperationalError("server closed")), \
                mock.patch.object(run_import, "retry", side_effect=RuntimeError("retry requested")), \
                pytest.raises((OperationalError, RuntimeError)):
            run_import.run(other.pk)
        other.refresh_from_db()
        assert other.status == "queued"  # left for the retry
        assert import_run(other.pk).status == "succeeded"
