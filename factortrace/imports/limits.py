"""The limits of an import, stated to people in the messages that enforce them."""
from __future__ import annotations

from django.conf import settings

# Above a 100,000-row activity file (about 12–20 MB as CSV, less as XLSX), well below 50 MB.
MAX_IMPORT_BYTES = int(getattr(settings, "IMPORT_MAX_BYTES", 32 * 1024 * 1024))
# An XLSX is a zip: refuse one that unpacks to far more than any real sheet (zip bombs).
MAX_XLSX_UNPACKED_BYTES = 40 * MAX_IMPORT_BYTES


def too_big(size: int) -> str:
    return (f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_IMPORT_BYTES // (1024 * 1024)} MB "
            "per file. Split it into several files (each imports all or nothing).")
