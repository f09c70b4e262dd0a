"""Imports through a real Celery worker: one tenant's pile of imports — a hostile file among them —
does not hold the workers while another tenant's import waits, the hostile file fails with its
message, and the worker carries on."""
from __future__ import annotations

import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

from . import hostile
from .conftest import GOOD_CSV

QUEUE = "imports-fairness-test"  # its own queue: the session's worker must not take these tasks
# Marked here (not only by the root conftest) so that pytest-django runs it with the database tests,
# before the browser tests: it ends the worker's lingering sessions, which must not include theirs.
pytestmark = pytest.mark.django_db


def _wait(predicate, timeout=90, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out")


@pytest.mark.worker
@pytest.mark.slow
def test_one_tenants_imports_do_not_starve_another_and_a_hostile_file_fails_alone(tenancy, django_db_blocker, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tenants.utils import tenant_context

    from factortrace.imports import import_request
    from factortrace.imports.models import ImportJob
    from factortrace.imports.tasks import run_import
    from factortrace.imports.tests.sample.models import Batch, Item
    from tests.live import _end_other_sessions, committed, start_worker, stop

    alpha, beta = tenancy["alpha"], tenancy["beta"]
    officer, owner_b = tenancy["people"]["officer"], tenancy["owner_b"]
    slow_csv = (b"site,quantity,unit\r\n" + b"".join(b"S%c,%d,kg\r\n" % (65 + n, n) for n in range(6)))
    bomb = hostile.five_million_strings(tmp_path / "strings.xlsx").read_bytes()

    def upload(tenant, actor, content, name, importer="sample.items", **params):
        def work():
            with tenant_context(tenant):
                batch, _ = Batch.objects.get_or_create(name="worker-test")
                return import_request(importer_code=importer, uploaded_file=SimpleUploadedFile(name, content),
                                      params={"batch": batch.pk, **params}, actor=actor).pk
        with django_db_blocker.unblock():
            return committed(work)

    def job(tenant, pk):
        def read():
            with tenant_context(tenant):
                return ImportJob.objects.get(pk=pk)
        with django_db_blocker.unblock():
            return committed(read)

    run_import.app.control.purge()
    worker = start_worker("fairness", {"RUNS_PER_TENANT": "1", "RUNS_DEFER_SECONDS": "1"}, queue=QUEUE,
                          concurrency=2)
    send = run_import.apply_async
    ids = {}
    try:
        with mock.patch.object(run_import, "apply_async", lambda *a, **kw: send(*a, **{**kw, "queue": QUEUE})):
            ids["a1"] = upload(alpha, officer, slow_csv, "first.csv", "sample.slow", pause="1")
            ids["a2"] = upload(alpha, officer, slow_csv.replace(b"kg", b"t"), "second.csv", "sample.slow", pause="1")
            ids["bomb"] = upload(alpha, officer, bomb, "strings.xlsx")
            ids["b1"] = upload(beta, owner_b, GOOD_CSV, "beta.csv")
        b1 = _wait(lambda: (j := job(beta, ids["b1"])).is_finished and j)
        a2_then = job(alpha, ids["a2"])
        done = {key: _wait(lambda key=key: (j := job(alpha, ids[key])).is_finished and j)
                for key in ("a1", "a2", "bomb")}
        assert worker.poll() is None, "the worker survived"
    finally:
        stop(worker)
        run_import.app.control.purge()

        def clean():
            for tenant in (alpha, beta):
                with tenant_context(tenant):
                    Item.objects.filter(batch__name="worker-test").delete()
                    for stored in ImportJob.objects.filter(pk__in=ids.values()):
                        for name in (stored.file.name, stored.errors_file.name):
                            if name:
                                (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)
                    ImportJob.objects.filter(pk__in=ids.values()).delete()
                    Batch.objects.filter(name="worker-test").delete()
        with django_db_blocker.unblock():
            committed(clean)
            _end_other_sessions()
    # Beta's import did not wait for alpha's pile: it finished before alpha's second import started.
    assert b1.status == "succeeded" and b1.imported_rows == 2
    assert a2_then.started_at is None or a2_then.started_at > b1.finished_at
    assert done["a1"].status == done["a2"].status == "succeeded" and done["a1"].finished_at <= done["a2"].started_at
    bomb_job = done["bomb"]
    assert bomb_job.status == "failed" and "more than 1,000,000 different texts" in bomb_job.error
    assert bomb_job.imported_rows == 0 and bomb_job.attempts == 1
