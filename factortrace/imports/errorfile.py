"""The error file of a failed import: every problem (row, column, cell, value, reason) as CSV,
formula-safe, written atomically next to the upload; the first ones are kept for the page."""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from django.conf import settings

from factortrace.core.csvsafe import safe_cell

from .contract import RowError

PREVIEW_ERRORS = 50           # errors kept on the job for the page and the API
MAX_ERRORS_IN_FILE = 100_000  # the error file stops here (the count keeps going)


class ErrorFile:
    """Row errors, streamed to ``<schema>/imports/<uuid>-errors.csv`` (written atomically) with the
    first ones kept for the page. Cells are formula-safe: the file is opened in spreadsheets."""

    HEADER = ["row", "column", "cell", "value", "reason"]

    def __init__(self, name: str):
        self._safe = safe_cell
        self.name = name
        self.count = 0
        self.rows = 0  # rows with at least one problem (errors arrive in row order)
        self._last_row: int | None = None
        self.preview: list[dict] = []
        target = Path(settings.MEDIA_ROOT) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        self._target = target
        handle, self._temp = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
        self._fh = os.fdopen(handle, "w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._fh, lineterminator="\r\n")
        self._writer.writerow(self.HEADER)

    def add(self, error: RowError) -> None:
        self.count += 1
        if error.row is not None and error.row != self._last_row:
            self.rows += 1
            self._last_row = error.row
        if len(self.preview) < PREVIEW_ERRORS:
            self.preview.append(error.as_dict())
        if self.count <= MAX_ERRORS_IN_FILE:
            safe = self._safe
            self._writer.writerow(["" if error.row is None else error.row, safe(error.column), error.cell,
                                   safe(error.value), safe(error.reason)])

    def finish(self) -> str:
        if self.count > MAX_ERRORS_IN_FILE:
            self._writer.writerow(["", "", "", "", f"… and {self.count - MAX_ERRORS_IN_FILE:,} more errors "
                                                   f"(this file lists the first {MAX_ERRORS_IN_FILE:,})"])
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._temp, self._target)
        return self.name

    def discard(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        Path(self._temp).unlink(missing_ok=True)

