"""Logging helpers: the request id (and tenant schema) on every record."""
from __future__ import annotations

import logging
from contextvars import ContextVar

from django.db import connection

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        try:
            record.schema = getattr(connection, "schema_name", "-")
        except Exception:  # noqa: BLE001 — logging must never fail
            record.schema = "-"
        return True
