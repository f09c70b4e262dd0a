"""Import jobs (tenant schema): one uploaded file on its way in."""
from __future__ import annotations

import uuid

from django.db import models

from factortrace.core.runs import Run


class ImportJob(Run):
    """One uploaded file on its way in: validated row by row, then committed all or nothing.

    The file is kept under the tenant's schema folder with its SHA-256; the error file (row,
    column, reason) is kept next to it when validation fails. Nothing is half-imported.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "validating", "Validating"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    regime = models.CharField(max_length=20, db_index=True)
    kind = models.CharField(max_length=60, help_text="Importer code, e.g. inventory.activities")
    parameters = models.JSONField(default=dict, blank=True)
    file = models.FileField(max_length=300)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    read_as = models.CharField(max_length=60, blank=True,
                               help_text="How the file was read, e.g. 'CSV, UTF-8, semicolon-separated'")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    total_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors_file = models.FileField(max_length=300, blank=True)
    errors_preview = models.JSONField(default=list, blank=True, help_text="First errors, shown on the page")
    error = models.TextField(blank=True, help_text="A problem with the file as a whole")

    STARTING_MESSAGE = "Reading the file"
    FAILED_MESSAGE = "The import did not finish; nothing was imported"
    STALE_ERROR = ("The import did not finish (the worker was lost); nothing was imported. "
                   "Please upload the file again.")
    INTERRUPTED_ERROR = ("The import was started {attempts} times and never finished: each time the worker doing it "
                         "was lost (stopped for using too much memory or time, or restarted). Nothing was imported. "
                         "Please upload the file again; if it fails again, split it into smaller files.")

    class Meta(Run.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    def reset(self) -> None:
        self.total_rows = self.imported_rows = self.error_count = 0
        self.errors_preview = []
        self.errors_file = ""
