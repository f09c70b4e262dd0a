"""Bulk import of CSV and XLSX files: the framework every regime reuses.

The flow (DESIGN.md, "Reports and imports")::

    upload ──► import_request()  file kept under <schema>/imports/<uuid>.<ext> with its SHA-256,
                                 an ImportJob (queued), the task queued after commit
    task   ──► import_run()      the file is streamed (CSV, or XLSX in read-only mode) and every
                                 row checked by the importer; in ONE transaction the good rows go
                                 into the table by COPY as they pass (PostgreSQL indexes them
                                 while Python checks the next ones), then ONE audit entry and the
                                 job's success mark are added and the transaction commits.
                                 The first bad row rolls that transaction back — nothing was ever
                                 visible — and the rest of the file is still checked, so the error
                                 file (row, column, cell, value, reason) lists every problem.

A regime adds an importer by subclassing :class:`Importer` in ``<regime>/importing.py`` and
calling :func:`register`; that module is discovered on first use of the registry (like
``admin.py``), so nothing else needs editing. The contract is on :class:`Importer`.

What every importer gets for free, so files are refused the same way everywhere:
- the file checks: size limit (stated), extension and content agree (an ``.xlsx`` that is not
  a workbook, a workbook named ``.csv``), UTF-8 with the line of the first bad byte named and
  the encoding to use, empty files, header-only files;
- the header: delimiter detected from it (``,`` ``;`` TAB ``|``), columns matched by name or
  label in any case, missing required columns and unknown columns named;
- the cells: every text cell that a spreadsheet would run as a formula (``=``, ``@``, TAB, CR,
  or ``+``/``-`` followed by something other than a digit) is refused naming the cell; rows
  whose cell count differs from the header are refused (a delimiter inside an unquoted value);
- numbers in EU or US format through :func:`factortrace.core.numbers.parse_decimal` with the
  job's decimal separator (auto refuses ambiguous cells, naming row and column);
- the error file is formula-safe (:func:`factortrace.core.csvsafe.safe_cell`).
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from factortrace.audit.services import audit_log
from factortrace.core.runs import Progress, run_fail, run_fail_stale, run_finish, run_start
from factortrace.core.tasks import enqueue_on_commit

from .contract import Importer, ImportFileError, RowError
from .copywriter import CopyWriter, framework_columns
from .errorfile import ErrorFile
from .isolation import open_isolated
from .limits import Limits, from_settings, too_big
from .models import ImportJob
from .readers import TableReader
from .registry import get_importer
from .rows import Row, check_cells

logger = logging.getLogger(__name__)

#: The upload limit, for forms and messages (the limits are read from settings each time a file is checked).
MAX_IMPORT_BYTES = from_settings().file_bytes

EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx"}
DECIMAL_SEPARATORS = [("auto", "Detect (refuse ambiguous values such as 1,234)"),
                      (".", "Point — 1,234.56 (UK, US)"), (",", "Comma — 1.234,56 (most of the EU)")]


def upload_name(job_uuid, extension: str) -> str:
    """Storage name under the tenant's schema folder."""
    return f"{connection.schema_name}/imports/{job_uuid}.{extension}"


def errors_name(job: ImportJob) -> str:
    return f"{connection.schema_name}/imports/{job.uuid}-errors.csv"


def file_format_of(name: str) -> str:
    """'csv' or 'xlsx' from the file name; ValidationError naming what is accepted."""
    extension = Path(name or "").suffix.lower()
    if extension in EXTENSIONS:
        return EXTENSIONS[extension]
    if extension in (".xls", ".xlsm", ".xlsb", ".ods", ".numbers"):
        raise ValidationError({"file": f"{extension} files are not accepted: save the sheet as 'Excel Workbook "
                                       "(.xlsx)' or as 'CSV UTF-8 (Comma delimited)'."})
    raise ValidationError({"file": "Upload a .csv (UTF-8) or .xlsx file."})


def validate_params(importer: Importer, params: Mapping[str, Any]) -> dict:
    """The job's parameters, checked through the importer's form, plus the decimal separator."""
    separator = params.get("decimal_separator") or "auto"
    errors: dict[str, list[str]] = {}
    if separator not in dict(DECIMAL_SEPARATORS):
        errors["decimal_separator"] = ["Choose auto, '.' or ','."]
    cleaned: dict = {}
    if importer.params_form is not None:
        form = importer.params_form(data={k: v for k, v in params.items() if k != "decimal_separator"})
        if form.is_valid():
            cleaned = importer.params_from_cleaned(form.cleaned_data)
        else:
            for name, messages in form.errors.items():
                errors[name] = list(messages)
    if errors:
        raise ValidationError(errors)
    return {**cleaned, "decimal_separator": separator}


def import_request(*, importer_code: str, uploaded_file, params: dict, actor) -> ImportJob:
    """Check and store an upload, create its job and queue the import once this transaction commits.

    Raises ValidationError (``file`` or parameter fields) for anything the person can fix; the
    size limit is checked before a byte is stored or parsed.
    """
    importer = get_importer(importer_code)
    name = os.path.basename(getattr(uploaded_file, "name", "") or "")
    size = getattr(uploaded_file, "size", None)
    file_format = file_format_of(name)
    limits = from_settings()
    if size is not None and size > limits.file_bytes:
        raise ValidationError({"file": too_big(size, limits)})
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    cleaned = validate_params(importer, params)
    job = ImportJob(regime=importer.regime, kind=importer.code, parameters=cleaned, original_name=name[:255],
                    requested_by=actor if getattr(actor, "pk", None) else None)
    stored = upload_name(job.uuid, "xlsx" if file_format == "xlsx" else "csv")
    digest, written = _store(uploaded_file, stored, limits)
    try:
        job.file.name, job.sha256, job.size = stored, digest, written
        # The same file imported twice with the same parameters would count every line twice.
        earlier = next((previous for previous in ImportJob.objects.filter(
            kind=importer.code, sha256=digest, parameters=cleaned, status=ImportJob.Status.SUCCEEDED)
            if importer.model._default_manager.filter(import_job=previous).exists()), None)
        if earlier is not None:
            raise ValidationError({"file": f"This file (SHA-256 {digest[:12]}…) was already imported on "
                                           f"{earlier.created_at:%d %b %Y %H:%M} UTC with the same settings "
                                           f"({earlier.imported_rows} rows). Delete those rows first, or "
                                           "upload a file with only new rows."})
        with transaction.atomic():
            job.save(force_insert=True)
            from .tasks import run_import  # noqa: PLC0415 — tasks import this module

            enqueue_on_commit(run_import, job.pk)
    except BaseException:
        (Path(settings.MEDIA_ROOT) / stored).unlink(missing_ok=True)
        raise
    return job


def _store(uploaded_file, name: str, limits: Limits) -> tuple[str, int]:
    """Write the upload atomically under MEDIA_ROOT, hashing as it streams; refuse past the limit
    even if the client under-reported the size."""
    target = Path(settings.MEDIA_ROOT) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as fh:
            if hasattr(uploaded_file, "seek"):
                uploaded_file.seek(0)
            chunks = uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else iter(
                lambda: uploaded_file.read(1 << 20), b"")
            for chunk in chunks:
                written += len(chunk)
                if written > limits.file_bytes:
                    raise ValidationError({"file": too_big(written, limits)})
                digest.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if written == 0:
            raise ValidationError({"file": "The file is empty."})
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), written


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _Abandon(Exception):
    """Leave the write transaction, rolling it back (a row failed, or another run got there first)."""


def job_progress(job: ImportJob) -> tuple[int, str]:
    """(percent, message) of a job: while rows stream into the table the job's own row cannot
    show it (the write transaction is not committed yet), so it comes from the cache then."""
    return job.live_progress()


class _Progress(Progress):
    """The job's progress (see :class:`factortrace.core.runs.Progress`), and how many rows the
    write transaction read."""

    total = 0


def import_run(job_id: int) -> ImportJob:
    """Check every row of one job and, if all are good, commit them all with one audit entry.

    Idempotent and retry-safe: a finished job is left alone; an interrupted one starts over
    (nothing of it was committed: the rows, the audit entry and the success mark are one
    transaction), and of two runs of one job only the first to lock the job row commits.
    """
    job, started = run_start(ImportJob, job_id)
    if not started:
        return job
    importer = get_importer(job.kind)
    progress = _Progress(job)
    errors = ErrorFile(errors_name(job))
    try:
        path = Path(settings.MEDIA_ROOT) / job.file.name
        if not path.exists():
            raise FileNotFoundError(f"The stored upload {job.file.name} is missing")
        if _sha256_of(path) != job.sha256:
            raise ImportFileError("The stored file no longer matches the uploaded one (SHA-256 differs); "
                                  "upload it again.")
        separator = job.parameters.get("decimal_separator", "auto")
        file_format = "xlsx" if job.file.name.endswith(".xlsx") else "csv"
        context = importer.prepare(job)
        with open_isolated(path, file_format, importer.columns, limits=from_settings(),
                           decimal_separator=None if separator == "auto" else separator) as table:
            ImportJob.objects.filter(pk=job.pk).update(read_as=table.describe()[:60])
            rows = table.rows()
            result = _write(job, importer, context, table, rows, errors, progress)
            if result is not None:
                errors.discard()
                return result
            # A row failed: nothing was committed. Check the rest for the complete list of problems.
            total = progress.total + _check(importer, context, table, rows, errors, progress, None, progress.total)
        if total == 0 and errors.count == 0:
            raise ImportFileError("The file has a header row but no data rows to import.")
        return _finish_failed(job, errors, total=total)
    except ImportFileError as exc:
        errors.add(RowError(None, "", "", "", str(exc)))
        return _finish_failed(job, errors, total=0, file_error=str(exc))
    except (DataError, IntegrityError) as exc:
        # Validation should make this impossible; if the database still refuses, say so plainly.
        logger.exception("import %s: the database refused the rows", job.pk)
        message = f"The database refused the rows, nothing was imported: {str(exc).splitlines()[0]}"
        errors.add(RowError(None, "", "", "", message))
        return _finish_failed(job, errors, total=0, file_error=message)
    except BaseException:
        errors.discard()
        raise


def _write(job: ImportJob, importer: Importer, context, table: TableReader, rows: Iterator[Row], errors: ErrorFile,
           progress: _Progress) -> ImportJob | None:
    """The write transaction: rows streamed in as they pass, then the audit entry and the success
    mark. Returns the finished job, or None (rolled back) when a row failed; ``progress.total``
    tells how many rows were read."""
    extra, stamps = framework_columns(importer.model)
    now = timezone.now()
    suffix = [job.pk] + ([now, job.requested_by_id, now, job.requested_by_id] if stamps else [])
    progress.total = 0
    try:
        with transaction.atomic():
            importer.lock(context)  # e.g. the period row, held until the commit
            writer = CopyWriter(importer.model, [*importer.fields, "row_number", *extra], suffix)
            progress.in_transaction = True
            try:
                with connection.execute_wrapper(writer.before_query):
                    progress.total = _check(importer, context, table, rows, errors, progress, writer, 0)
                if errors.count or progress.total == 0:
                    raise _Abandon
                progress(97, f"Saving {writer.count:,} rows", force=True)
                count = writer.finish()
            except BaseException:
                writer.abort()
                raise
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status == ImportJob.Status.SUCCEEDED:
                raise _Abandon  # another delivery of this task committed the file first
            importer.lock(context)
            audit_log(action=importer.audit_action or f"{importer.regime}.import.committed",
                      actor=locked.requested_by, obj=locked,
                      after={"job": str(locked.uuid), "importer": importer.code, "file": locked.original_name,
                             "sha256": locked.sha256, "size": locked.size, "rows": count,
                             **importer.audit_details(context)})
            run_finish(job, ImportJob.Status.SUCCEEDED, message=f"Imported {count:,} rows",
                       total_rows=progress.total, imported_rows=count)
    except _Abandon:
        progress.in_transaction = False
        job.refresh_from_db()
        return job if job.status == ImportJob.Status.SUCCEEDED else None
    finally:
        progress.in_transaction = False
    return ImportJob.objects.get(pk=job.pk)


def _check(importer: Importer, context, table: TableReader, rows: Iterator[Row], errors: ErrorFile,
           progress: _Progress, writer: CopyWriter | None, done: int) -> int:
    """Rows through the cell checks and the importer. With a ``writer``, good rows are written
    and the first bad row stops the loop (the caller rolls back); without one, the remaining
    rows are only checked, for the error file. Returns the number of rows read."""
    total = 0
    parse_row = importer.parse_row
    for row in rows:
        total += 1
        if not row.errors:  # (a row that does not fit the header has no cells to check)
            check_cells(row)
            if row.errors:
                _parse_without_refused_cells(parse_row, row, context)
            else:
                values = parse_row(row, context)
        if row.errors:
            for error in row.errors:
                errors.add(error)
            if writer is not None:
                return total
        elif writer is not None:
            writer.add(values, row.number)
        if total % 1000 == 0:
            progress(table.progress() * 95, f"Checked {done + total:,} rows")
    return total


def _parse_without_refused_cells(parse_row, row: Row, context) -> None:
    """A row with formula cells: the importer still checks its other cells (so every problem of
    the row is reported at once), seeing the refused cells as empty; its complaints about those
    same cells are dropped — the formula is the problem there."""
    refused = {error.column for error in row.errors}
    found = len(row.errors)
    for column in refused:
        row.cells[column] = None
    parse_row(row, context)
    row.errors[found:] = [error for error in row.errors[found:] if error.column not in refused]


def _summary(errors: ErrorFile, total: int) -> str:
    problems = f"{errors.count:,} problem{'s' if errors.count != 1 else ''}"
    return f"{problems} in {errors.rows:,} of the file's {total:,} row{'s' if total != 1 else ''}; nothing was imported"


def _finish_failed(job: ImportJob, errors: ErrorFile, *, total: int, file_error: str = "") -> ImportJob:
    name = errors.finish()
    run_finish(job, ImportJob.Status.FAILED, progress=100, total_rows=total, imported_rows=0,
               error_count=errors.count, errors_preview=[] if file_error else errors.preview, errors_file=name,
               error=file_error, message="The file cannot be read" if file_error else _summary(errors, total))
    return ImportJob.objects.get(pk=job.pk)


def import_fail(job_id: int, error: str) -> None:
    """Mark a job failed after its last retry (infrastructure errors); never touches a finished job."""
    run_fail(ImportJob, job_id, error)


def import_fail_stale() -> int:
    """Jobs still queued or running hours after upload (every retry used up, or the message
    lost) are marked failed — nothing of them was committed — so nobody waits on them forever."""
    return run_fail_stale(ImportJob)


def import_open_errors(job: ImportJob):
    """Open the error file of a failed job for download."""
    name = job.errors_file.name if job.errors_file else ""
    if not name or not name.startswith(f"{connection.schema_name}/"):
        raise FileNotFoundError("This import has no error file")
    return (Path(settings.MEDIA_ROOT) / name).open("rb")
