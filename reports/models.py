"""Report runs (tenant schema). One run is one file in one format."""
from __future__ import annotations

import uuid

from django.db import models

from factortrace.core.runs import Run


class Report(Run):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=80, db_index=True)
    regime = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=200)
    format = models.CharField(max_length=10)
    parameters = models.JSONField(default=dict, blank=True)
    standard = models.CharField(max_length=200, blank=True,
                                help_text="The standard/regulation edition the report follows.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    file = models.FileField(max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True, help_text="Name offered on download.")
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    validation = models.JSONField(default=dict, blank=True, help_text="Schema/XBRL validation outcome, if any.")

    STALE_ERROR = "The run did not finish (worker lost); please generate it again."
    INTERRUPTED_ERROR = ("The report was started {attempts} times and never finished: each time the worker "
                         "doing it was lost (stopped for using too much memory or time, or restarted). "
                         "Please generate it again.")

    class Meta(Run.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.title} ({self.format.upper()}, {self.get_status_display()})"
