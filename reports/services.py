"""Requesting, running and serving reports."""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from factortrace.audit.services import audit_log
from factortrace.core.runs import Progress, run_fail, run_fail_stale, run_finish, run_start
from factortrace.core.tasks import enqueue_on_commit

from . import registry
from .models import Report
from .registry import BuildContext, RenderContext

logger = logging.getLogger(__name__)


class ReportError(Exception):
    """A report that cannot be produced from the data (shown to the user; not retried)."""


def report_request(*, kind_code: str, fmt: str, params: dict, actor) -> Report:
    """Create a queued run and queue its task after commit."""
    kind = registry.get(kind_code)
    output = kind.format(fmt)
    title = kind.title_for(params) if kind.title_for else kind.title
    with transaction.atomic():
        report = Report.objects.create(kind=kind.code, regime=kind.regime, title=title, format=output.code,
                                       parameters=params, standard=kind.standard, requested_by=actor)
        audit_log(action="reports.report.requested", actor=actor, obj=report,
                  after={"kind": kind.code, "format": output.code, "parameters": params})
        from .tasks import render_report  # noqa: PLC0415 — tasks import services

        enqueue_on_commit(render_report, report.pk)
    return report


def report_path(report: Report, extension: str) -> str:
    """Storage name under the tenant's schema; fixed per run, so a retry overwrites, never duplicates."""
    return f"{connection.schema_name}/reports/{report.uuid}.{extension}"


def _write_atomically(name: str, content: bytes) -> None:
    target = Path(settings.MEDIA_ROOT) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def report_run(report_id: int) -> Report:
    """Do the work of one run. Idempotent: a finished run is left alone; a retried one starts over
    and overwrites the same file."""
    report, started = run_start(Report, report_id)
    if not started:
        return report
    progress = Progress(report, every=0)  # a report reports a few steps: each one shows
    kind = registry.get(report.kind)
    output = kind.format(report.format)
    tenant = connection.tenant
    validation: dict = {}
    try:
        data = kind.build(BuildContext(report=report, tenant=tenant, params=report.parameters, progress=progress))
        progress(90, f"Rendering {output.label}", force=True)
        content = output.render(data, RenderContext(report=report, tenant=tenant, generated_at=timezone.now()))
        if output.validate is not None:
            progress(95, "Validating against the official schema", force=True)
            validation = output.validate(content)
            if not validation.get("ok", False):
                raise ReportError("The generated file failed validation: "
                                  + "; ".join(validation.get("errors", [])[:5]))
    except ReportError as exc:
        run_finish(report, Report.Status.FAILED, message=Report.FAILED_MESSAGE, error=str(exc), validation=validation)
        return Report.objects.get(pk=report_id)
    name = report_path(report, output.extension)
    _write_atomically(name, content)
    run_finish(report, Report.Status.SUCCEEDED, message="Ready", file=name, sha256=hashlib.sha256(content).hexdigest(),
               size=len(content), file_name=_download_name(report, tenant, output.extension), validation=validation)
    return Report.objects.get(pk=report_id)


def _download_name(report: Report, tenant, extension: str) -> str:
    stem = f"{tenant.slug}-{report.kind.replace('.', '-')}-{report.created_at:%Y%m%d-%H%M}"
    return f"{stem}.{extension}"


def report_fail(report_id: int, error: str) -> None:
    """Mark a run failed after its last retry (infrastructure errors)."""
    run_fail(Report, report_id, error)


def report_open(report: Report, *, actor):
    """Open the stored file for download and record who took it."""
    if report.status != Report.Status.SUCCEEDED or not report.file:
        raise FileNotFoundError("This report has no file")
    path = Path(settings.MEDIA_ROOT) / report.file.name
    if not report.file.name.startswith(f"{connection.schema_name}/"):
        raise FileNotFoundError("File outside this tenant's folder")  # defence in depth
    with transaction.atomic():
        audit_log(action="reports.report.downloaded", actor=actor, obj=report,
                  after={"sha256": report.sha256, "format": report.format})
    return path.open("rb")


def fail_stale() -> int:
    """Runs stuck in queued/running for hours (every retry exhausted, worker gone) → failed."""
    return run_fail_stale(Report)
