"""The limits of an import, each stated to people in the message that enforces it.

Why these: a file is refused for what it *is* before it is parsed — its size, what an XLSX
unpacks to, how many shared strings it declares, how long a line or a cell is, how many
columns it uses — and what no check can foresee is bounded by the child process that parses it
(memory and CPU limits, see :mod:`.isolation`). Excel's own limits are 32,767 characters per
cell and 16,384 columns; an import file needs far fewer columns.

Plain Python (no Django): the reading child receives its limits as values. The project's
values come from settings (``IMPORT_*``, see :func:`from_settings`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    #: an upload (CSV or XLSX): about 300,000 activity rows as CSV
    file_bytes: int = 32 * MB
    #: what an XLSX may unpack to, all parts together: 4 × the file limit. A 100,000-row sheet
    #: written with inline strings (openpyxl) is 63 MB; with shared strings (Excel) about half.
    xlsx_unpacked_bytes: int = 128 * MB
    #: parts of an XLSX package (a workbook has a dozen or two)
    xlsx_parts: int = 1_000
    #: compression ratio of one part over 1 MB: real sheets compress 5–20 : 1, zip bombs 1,000 : 1
    xlsx_ratio: int = 200
    #: distinct strings of a workbook (its shared-strings table)
    shared_strings: int = 1_000_000
    #: characters in one cell (Excel's own limit)
    cell_chars: int = 32_767
    #: columns a file may use (header and rows)
    columns: int = 256
    #: one line of a CSV file (a row of the widest real file is a few KB)
    line_bytes: int = 1 * MB
    #: the header line of a CSV file
    header_bytes: int = 64 * 1024
    #: the process that parses a file: address space and processor time
    parse_memory_bytes: int = 1024 * MB
    parse_cpu_seconds: int = 120

    def as_dict(self) -> dict:
        return asdict(self)


def from_settings() -> Limits:
    """The project's limits: ``IMPORT_MAX_BYTES`` and ``IMPORT_LIMITS`` (a dict of the fields of
    :class:`Limits`) override the defaults."""
    from django.conf import settings  # noqa: PLC0415 — this module is also the child's, which has no Django

    overrides = dict(getattr(settings, "IMPORT_LIMITS", {}) or {})
    if getattr(settings, "IMPORT_MAX_BYTES", None):
        overrides.setdefault("file_bytes", int(settings.IMPORT_MAX_BYTES))
    return Limits(**overrides)


def megabytes(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size < 10 * MB else f"{size / MB:,.0f} MB"


def too_big(size: int, limits: Limits) -> str:
    return (f"The file is {size / MB:.1f} MB; the limit is {limits.file_bytes // MB} MB "
            "per file. Split it into several files (each imports all or nothing).")
