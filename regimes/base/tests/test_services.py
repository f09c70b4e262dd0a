"""The import framework's contract and bookkeeping: the registry refuses incomplete importers,
lost jobs are failed, a task's last failure never touches a finished job."""
from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from regimes.base import imports
from regimes.base.imports import Column, Importer, import_fail, import_fail_stale, import_run, register
from regimes.base.models import ImportJob

from .conftest import GOOD_CSV


def test_the_csrd_importer_is_discovered_from_its_regime():
    assert "inventory.activities" in [importer.code for importer in imports.importers()]
    with pytest.raises(imports.UnknownImporter):
        imports.get_importer("csrd.nothing")


def test_an_importer_must_name_itself_and_its_target():
    class Rowless(Importer):  # what rows would become does not matter to registration
        def prepare(self, job):
            return None

        def parse_row(self, row, context):
            return ()

    class Nameless(Rowless):
        code = "activities"
        regime = "csrd"

    with pytest.raises(ValueError, match="<regime>.<what>"):
        register(Nameless())

    from regimes.inventory.models import ActivityRecord

    class Incomplete(Rowless):
        code = "csrd.partial"
        regime = "csrd"
        columns = (Column("description", "Description", "what"),)
        model = ActivityRecord
        fields = ("period_id", "facility_id", "description")

    with pytest.raises(ValueError, match="NOT NULL columns"):
        register(Incomplete())
    assert "csrd.partial" not in {importer.code for importer in imports.importers()}


@pytest.mark.django_db
def test_jobs_lost_for_hours_are_failed_and_recent_ones_are_left_alone(importing, in_tenant):
    old, recent = importing["job"](GOOD_CSV), importing["job"](GOOD_CSV)
    with in_tenant(importing["tenant"]):
        ImportJob.objects.filter(pk=old.pk).update(status="validating",
                                                   created_at=timezone.now() - dt.timedelta(hours=3))
        assert import_fail_stale() == 1
        old.refresh_from_db(), recent.refresh_from_db()
    assert old.status == "failed" and "upload the file again" in old.error and old.finished_at
    assert recent.status == "queued"


@pytest.mark.django_db
def test_the_tasks_last_failure_never_overwrites_a_result(importing, in_tenant):
    # The second file differs (the same file twice is refused while its rows exist).
    done, lost = importing["run"](GOOD_CSV), importing["job"](GOOD_CSV.replace(b"Flights", b"Flights, second file"))
    with in_tenant(importing["tenant"]):
        import_fail(done.pk, "OperationalError: gone")
        import_fail(lost.pk, "OperationalError: gone")
        done.refresh_from_db(), lost.refresh_from_db()
    assert done.status == "succeeded" and done.error == ""
    assert lost.status == "failed" and lost.error == "OperationalError: gone"


@pytest.mark.django_db
def test_the_task_fails_the_job_on_an_unexpected_error_and_retries_infrastructure_errors(importing, in_tenant):
    from django.db import OperationalError

    from regimes.base.tasks import run_import

    job = importing["job"](GOOD_CSV)
    with in_tenant(importing["tenant"]):
        with mock.patch.object(imports, "import_run", side_effect=KeyError("boom")):
            assert run_import.run(job.pk) == "failed"
        job.refresh_from_db()
        assert job.status == "failed" and "KeyError" in job.error
        other = ImportJob.objects.create(regime="csrd", kind="inventory.activities", file=job.file.name,
                                         original_name="x.csv", sha256=job.sha256, size=job.size,
                                         parameters=job.parameters)
        with mock.patch.object(imports, "import_run", side_effect=OperationalError("server closed")), \
                mock.patch.object(run_import, "retry", side_effect=RuntimeError("retry requested")):
            with pytest.raises((OperationalError, RuntimeError)):
                run_import.run(other.pk)
        other.refresh_from_db()
        assert other.status == "queued"  # left for the retry
        assert import_run(other.pk).status == "succeeded"
