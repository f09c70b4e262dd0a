"""The run lifecycle an import shares with reports (factortrace/core/runs.py): the attempt cap, the
time limit, lost runs, and the tenant's fair share of the workers."""
from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.test import override_settings
from django.utils import timezone

from factortrace.core import runs
from factortrace.core.runs import Run, slot_release, slot_take
from factortrace.imports import import_fail_stale, import_run
from factortrace.imports.models import ImportJob
from factortrace.imports.tasks import run_import
from reports.models import Report
from reports.services import report_request, report_run
from reports.tasks import render_report

from .conftest import GOOD_CSV

pytestmark = pytest.mark.django_db


@pytest.fixture
def slots():
    """Clean run slots for the schemas these tests use."""
    schemas = ["alpha", "beta"]
    runs._client().delete(*[runs._slots_key(schema) for schema in schemas])
    yield
    runs._client().delete(*[runs._slots_key(schema) for schema in schemas])


# ---------------------------------------------------------------- the attempt cap
def test_a_job_started_as_often_as_allowed_is_failed_instead_of_started_again(importing, in_tenant):
    job = importing["job"](GOOD_CSV)
    with in_tenant(importing["tenant"]):
        ImportJob.objects.filter(pk=job.pk).update(status="validating", attempts=Run.MAX_ATTEMPTS)
        job = import_run(job.pk)
    assert job.status == "failed" and job.attempts == Run.MAX_ATTEMPTS and job.finished_at
    assert job.error.startswith(f"The import was started {Run.MAX_ATTEMPTS} times and never finished")
    assert "Nothing was imported" in job.error and importing["items"]() == []
    assert job.message == "The import did not finish; nothing was imported"


def test_the_same_cap_holds_for_reports(tenant_a, people, in_tenant):
    with in_tenant(tenant_a):
        report = report_request(kind_code="platform.tenant_summary", fmt="json", params={}, actor=people["owner"])
        Report.objects.filter(pk=report.pk).update(status="running", attempts=Run.MAX_ATTEMPTS)
        report = report_run(report.pk)
    assert report.status == "failed" and f"started {Run.MAX_ATTEMPTS} times" in report.error


def test_retries_and_redeliveries_share_the_cap():
    assert run_import.max_retries == render_report.max_retries == Run.MAX_ATTEMPTS - 1
    assert run_import.acks_late and run_import.reject_on_worker_lost


# ---------------------------------------------------------------- time limits, lost runs
def test_a_run_stopped_at_the_soft_time_limit_fails_saying_so(importing, in_tenant, settings):
    from factortrace.imports import services

    settings.CELERY_TASK_SOFT_TIME_LIMIT = 600
    job = importing["job"](GOOD_CSV)
    with in_tenant(importing["tenant"]):
        with mock.patch.object(services, "import_run", side_effect=SoftTimeLimitExceeded()):
            assert run_import.run(job.pk) == "failed"
        job.refresh_from_db()
    assert job.status == "failed" and job.error.startswith("It was stopped after 10 minutes, the time limit of one run")


def test_a_run_killed_at_the_hard_time_limit_is_failed_by_the_sweep(importing, in_tenant, settings):
    settings.CELERY_TASK_TIME_LIMIT = 660
    killed, running = importing["job"](GOOD_CSV), importing["job"](GOOD_CSV.replace(b"first", b"second"))
    with in_tenant(importing["tenant"]):
        now = timezone.now()
        ImportJob.objects.filter(pk=killed.pk).update(status="validating", started_at=now - dt.timedelta(minutes=20))
        ImportJob.objects.filter(pk=running.pk).update(status="validating", started_at=now - dt.timedelta(minutes=5))
        assert import_fail_stale() == 1
        killed.refresh_from_db(), running.refresh_from_db()
    assert killed.status == "failed" and running.status == "validating"


def test_the_worker_limits_are_set():
    from django.conf import settings

    assert 0 < settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD > 0
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT


# ---------------------------------------------------------------- fair shares
@override_settings(RUNS_PER_TENANT=1)
def test_a_tenant_holds_at_most_its_share_of_run_slots(slots):
    assert slot_take("alpha", "task-1")
    assert not slot_take("alpha", "task-2")          # alpha's share is taken …
    assert slot_take("beta", "task-3")               # … beta's is its own
    assert slot_take("alpha", "task-1")              # a redelivered task takes its own slot again
    slot_release("alpha", "task-1")
    assert slot_take("alpha", "task-2")


@override_settings(RUNS_PER_TENANT=2)
def test_the_share_is_a_setting_and_a_lost_workers_slot_lapses(slots):
    assert slot_take("alpha", "task-1") and slot_take("alpha", "task-2") and not slot_take("alpha", "task-3")
    runs._client().zadd(runs._slots_key("alpha"), {"task-1": 1})  # its lease ran out (the worker died)
    assert slot_take("alpha", "task-3")


def delivered(task, job_id: int, task_id: str):
    """Run ``task`` as a worker would deliver it (a request with an id, not a direct call)."""
    task.push_request(id=task_id, called_directly=False, args=(job_id,), kwargs={}, retries=0,
                      delivery_info={"routing_key": "celery"})
    try:
        return task.run(job_id)
    finally:
        task.pop_request()


@override_settings(RUNS_PER_TENANT=1, RUNS_DEFER_SECONDS=3)
def test_a_run_beyond_the_tenants_share_waits_and_frees_the_worker(importing, in_tenant, slots):
    job = importing["job"](GOOD_CSV)
    assert slot_take("alpha", "another-import")
    with in_tenant(importing["tenant"]), mock.patch.object(run_import, "apply_async") as again:
        assert delivered(run_import, job.pk, "this-import") == "deferred"
        job.refresh_from_db()
        assert job.status == "queued" and job.attempts == 0  # not started: it does not count
        again.assert_called_once()
        assert again.call_args.kwargs["args"] == (job.pk,) and again.call_args.kwargs["queue"] == "celery"
        assert again.call_args.kwargs["headers"] == {"_schema_name": "alpha"}
        assert 3 <= again.call_args.kwargs["countdown"] <= 4.5
        slot_release("alpha", "another-import")
        assert delivered(run_import, job.pk, "this-import") == "succeeded"
    assert runs._client().zcard(runs._slots_key("alpha")) == 0  # released after the run
