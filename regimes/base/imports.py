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
- the error file is formula-safe (:func:`reports.renderers.safe_cell`).
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import tempfile
import time
import uuid
import zipfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterator, Mapping, Sequence

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from factortrace.audit.services import audit_log
from factortrace.core.numbers import NumberFormatError, parse_decimal
from factortrace.core.tasks import enqueue_on_commit

from .models import ImportJob

logger = logging.getLogger(__name__)

# Above a 100,000-row activity file (about 12–20 MB as CSV, less as XLSX), well below 50 MB.
MAX_IMPORT_BYTES = int(getattr(settings, "IMPORT_MAX_BYTES", 32 * 1024 * 1024))
# An XLSX is a zip: refuse one that unpacks to far more than any real sheet (zip bombs).
MAX_XLSX_UNPACKED_BYTES = 40 * MAX_IMPORT_BYTES
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx"}
DECIMAL_SEPARATORS = [("auto", "Detect (refuse ambiguous values such as 1,234)"),
                      (".", "Point — 1,234.56 (UK, US)"), (",", "Comma — 1.234,56 (most of the EU)")]
PREVIEW_ERRORS = 50           # errors kept on the job for the page and the API
MAX_ERRORS_IN_FILE = 100_000  # the error file stops here (the count keeps going)
CSV_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


class ImportFileError(Exception):
    """A problem with the file (or the job) as a whole: shown to the person, never retried."""


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    cell: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "cell": self.cell, "value": self.value,
                "reason": self.reason}


# ---------------------------------------------------------------- the contract
@dataclass(frozen=True)
class Column:
    """One column of an import file.

    name      the header as the template writes it (``scope3_category``), also the key in rows
    label     a readable title; accepted as a header too (``Scope 3 category``)
    help      what to enter, printed in the template's guide and on the upload page
    example   a value for the guide
    required  the header must contain the column (a value may still be optional per row)
    choices   accepted values, for the guide and the XLSX drop-down
    aliases   further header spellings accepted
    """

    name: str
    label: str
    help: str
    example: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


class Importer(ABC):
    """Base class and contract of an importer. Subclass, set the attributes, implement
    :meth:`prepare` and :meth:`parse_row`, then ``register(MyImporter())``.

    Attributes
        code         unique id, ``<regime>.<what>`` (``csrd.activities``); stored on the job
        regime       the regime code (``csrd``)
        title        shown on pages (``GHG inventory activities``)
        description  one paragraph for the upload page and the template
        columns      the :class:`Column` specs, in template order
        params_form  a ``forms.Form`` of the job's parameters (e.g. the reporting period); the
                     upload page shows its fields, the API accepts them, :func:`import_request`
                     validates through it — one place for the rules
        model        the model rows are committed into (the bulk committer is :class:`CopyWriter`)
        fields       the model's column names (attnames) in the order :meth:`parse_row` returns
                     values; the framework adds ``import_job_id``, ``row_number`` and the
                     created/updated stamps when the model has them
        audit_action the code of the one audit entry written with the commit
        sheet_title  the first sheet's name in the XLSX template

    Methods (``context`` is whatever :meth:`prepare` returns: per-job lookups and caches)
        prepare(job)            → context; raise ImportFileError for a job-level problem
        parse_row(row, context) → tuple of values (see ``fields``); report problems with
                                  ``row.error(column, reason)`` — a row with errors is not kept.
                                  Rows with the same lookups should hit ``context`` caches: it
                                  runs once per row of files of 100,000 rows and more. Values
                                  many rows share can be returned pre-encoded (copy_encoded).
        lock(context)           called at the start of the write transaction (take row locks:
                                they are held until the commit) and again before the audit
                                entry: check the target is still open (period unlocked …);
                                raise ImportFileError otherwise
        audit_details(context)  → dict added to the audit entry
        params_from_cleaned(cleaned) → JSON-safe parameters stored on the job
        describe_params(params) → [(label, value)] for pages
        example_rows()          → rows (dicts by column name) for the templates
        guide_sections()        → extra reference tables for the template [(title, header, rows)]
        upload_url() / result_links(job) → where to upload, where to see imported rows
    """

    code: ClassVar[str] = ""
    regime: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    columns: ClassVar[tuple[Column, ...]] = ()
    params_form: ClassVar[type[forms.Form] | None] = None
    model: ClassVar[Any] = None
    fields: ClassVar[tuple[str, ...]] = ()
    audit_action: ClassVar[str] = ""
    sheet_title: ClassVar[str] = "Data"

    # -- per job (every importer implements both)
    @abstractmethod
    def prepare(self, job: ImportJob) -> Any:
        """Load what the rows are checked against (period, facilities, …); ImportFileError if the job
        cannot run at all."""

    @abstractmethod
    def parse_row(self, row: Row, context: Any) -> Sequence[Any]:
        """The row's values in ``fields`` order, or () after recording errors on ``row``."""

    def lock(self, context: Any) -> None:
        """Lock and re-check what the rows go into (see the class docstring)."""

    def audit_details(self, context: Any) -> dict:
        return {}

    # -- parameters
    def params_from_cleaned(self, cleaned: dict) -> dict:
        return {name: getattr(value, "pk", value) for name, value in cleaned.items()}

    def describe_params(self, params: dict) -> list[tuple[str, str]]:
        return []

    # -- pages and templates
    def example_rows(self) -> list[dict[str, str]]:
        return [{column.name: column.example for column in self.columns}]

    def guide_sections(self) -> list[tuple[str, list[str], list[list[str]]]]:
        return []

    def upload_url(self) -> str | None:
        return None

    def result_links(self, job: ImportJob) -> list[tuple[str, str]]:
        return []

    # -- derived
    @property
    def required_columns(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def __repr__(self) -> str:
        return f"<Importer {self.code}>"


# ---------------------------------------------------------------- registry
_REGISTRY: dict[str, Importer] = {}
_discovered = False


class UnknownImporter(KeyError):
    pass


def register(importer: Importer) -> Importer:
    if not importer.code or not importer.regime or "." not in importer.code:
        raise ValueError("An importer needs a code '<regime>.<what>' and a regime")
    if importer.model is None or not importer.fields or not importer.columns:
        raise ValueError(f"Importer {importer.code!r} needs a model, its fields and its columns")
    framework, _ = _framework_columns(importer.model)
    covered = {*importer.fields, "row_number", *framework}
    uncovered = [f.attname for f in importer.model._meta.concrete_fields
                 if not f.primary_key and not f.null and f.attname not in covered and not f.has_db_default()]
    if uncovered:
        raise ValueError(f"Importer {importer.code!r} leaves NOT NULL columns {uncovered} without a value")
    existing = _REGISTRY.get(importer.code)
    if existing is not None and type(existing) is not type(importer):
        raise ValueError(f"Importer {importer.code!r} is registered twice")
    _REGISTRY[importer.code] = importer
    return importer


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("importing")


def importers() -> list[Importer]:
    _discover()
    return sorted(_REGISTRY.values(), key=lambda importer: importer.code)


def get_importer(code: str) -> Importer:
    _discover()
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownImporter(code) from None


# ---------------------------------------------------------------- cells and rows
_FORMULA_ALWAYS = ("=", "@", "\t", "\r")
_FORMULA_FIRST = frozenset("=@\t\r+-")


def formula_problem(text: str) -> str | None:
    """Why a text cell would run as a spreadsheet formula (OWASP CSV injection), or None.

    ``=``, ``@``, TAB and CR always; ``+`` and ``-`` unless a digit (or a decimal mark) follows,
    so ``-5`` and ``+49 30 1234`` stay values while ``-cmd|…`` and ``+A1`` are refused.
    """
    if not text:
        return None
    first = text[0]
    if first in _FORMULA_ALWAYS:
        shown = {"\t": "a tab", "\r": "a carriage return"}.get(first, f"'{first}'")
        return (f"starts with {shown}, which spreadsheets run as a formula (formula injection); "
                "if it is a formula, enter its value; if it is text, remove the leading character")
    if first in "+-" and len(text) > 1 and not (text[1].isdigit() or text[1] in ".,"):
        return (f"starts with '{first}' followed by '{text[1]}', which spreadsheets run as a formula "
                "(formula injection); remove the leading character")
    return None


def cell_text(value: Any) -> str:
    """A cell's value as text for messages and text columns (XLSX numbers without a spurious .0)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?\Z")


def _ambiguous(text: str) -> bool:
    """'1.234': a point then exactly three digits after a 1–3 digit non-zero integer — read as
    one thousand two hundred and thirty-four in one convention (parse_decimal decides it)."""
    integer, _, fraction = text.partition(".")
    return len(fraction) == 3 and 1 <= len(integer) <= 3 and integer != "0"


class Row:
    """One data row: its number in the file (as a spreadsheet shows it), its cells by column
    name, and the problems found. The typed accessors record a problem and return a neutral
    value, so an importer reads every column and reports all of a row's problems at once."""

    __slots__ = ("number", "cells", "errors", "_refs", "_separator")

    def __init__(self, number: int, cells: dict[str, Any], refs: Mapping[str, str], decimal_separator: str | None):
        self.number = number
        self.cells = cells
        self.errors: list[RowError] = []
        self._refs = refs
        self._separator = decimal_separator

    def cell_ref(self, column: str) -> str:
        letter = self._refs.get(column)
        return f"{letter}{self.number}" if letter else ""

    def error(self, column: str, reason: str, value: Any = None) -> None:
        shown = cell_text(self.cells.get(column) if value is None else value)
        self.errors.append(RowError(self.number, column, self.cell_ref(column), shown[:200], reason))

    def has(self, column: str) -> bool:
        value = self.cells.get(column)
        return value is not None and value != ""

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.cells.get(column)
        text = value if type(value) is str else cell_text(value).strip()  # CSV cells arrive stripped
        if not text:
            if required:
                self.error(column, "is required")
            return ""
        if "\x00" in text:
            self.error(column, "contains a NUL character")
            return ""
        if max_length is not None and len(text) > max_length:
            self.error(column, f"is {len(text)} characters long; at most {max_length} fit")
            return text[:max_length]
        return text

    def decimal(self, column: str, *, required: bool = False, max_digits: int | None = None,
                decimal_places: int | None = None) -> Decimal | None:
        value = self.cells.get(column)
        if value is None or value == "":
            if required:
                self.error(column, "is required")
            return None
        if isinstance(value, bool) or isinstance(value, (dt.datetime, dt.date, dt.time)):
            self.error(column, "is not a number")
            return None
        if type(value) is str and _PLAIN_NUMBER.match(value) and (
                "." not in value or self._separator != "," and not _ambiguous(value)):
            # 1250 or 1250.75, the common case: no format detection, and the digits are counted here.
            integer, _, fraction = value.partition(".")
            if decimal_places is None or (len(fraction) <= decimal_places and (
                    max_digits is None or len(integer.lstrip("0")) <= max_digits - decimal_places)):
                return Decimal(value)
            number = Decimal(value)
        else:
            try:
                number = parse_decimal(value, decimal_separator=self._separator)
            except NumberFormatError as exc:
                self.error(column, str(exc))
                return None
        if max_digits is not None and decimal_places is not None \
                and abs(number) >= Decimal(10) ** (max_digits - decimal_places):
            self.error(column, f"is too large (at most {max_digits - decimal_places} digits before the decimal mark)")
            return None
        if decimal_places is not None and number.as_tuple().exponent < -decimal_places \
                and number != number.quantize(Decimal(1).scaleb(-decimal_places)):
            self.error(column, f"has more than {decimal_places} decimal places")
            return None
        return number

    def integer(self, column: str, *, required: bool = False, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        number = self.decimal(column, required=required)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.error(column, "must be a whole number")
            return None
        whole = int(number)
        if (minimum is not None and whole < minimum) or (maximum is not None and whole > maximum):
            self.error(column, f"must be between {minimum} and {maximum}")
            return None
        return whole

    def choice(self, column: str, choices: Mapping[str, str], *, required: bool = False, default: str = "",
               accepted: str = "") -> str:
        """``choices`` maps normalised spellings (lower case, single spaces) to stored values."""
        text = self.text(column)
        if not text:
            if required:
                self.error(column, "is required" + (f": {accepted}" if accepted else ""))
            return default
        stored = choices.get(text)
        if stored is None:
            stored = choices.get(normalise_choice(text))
        if stored is None:
            self.error(column, f"'{text}' is not one of: {accepted or ', '.join(sorted(set(choices.values())))}")
            return default
        return stored

    def boolean(self, column: str, *, default: bool = False) -> bool:
        value = self.cells.get(column)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        text = cell_text(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.error(column, "must be yes or no (also accepted: true/false, 1/0, x for yes)")
        return default


_TRUE = {"yes", "y", "true", "t", "1", "x", "ja", "oui", "si", "sí"}
_FALSE = {"no", "n", "false", "f", "0", "nein", "non"}


def normalise_choice(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def normalise_header(text: str) -> str:
    text = cell_text(text).strip().lower().rstrip("*").strip()
    for ch in " -./":
        text = text.replace(ch, "_")
    while "__" in text:
        text = text.replace("__", "_")
    return text.strip("_")


def header_lookup(columns: Sequence[Column]) -> dict[str, str]:
    lookup = {}
    for column in columns:
        for spelling in (column.name, column.label, *column.aliases):
            lookup[normalise_header(spelling)] = column.name
    return lookup


def map_header(cells: Sequence[Any], columns: Sequence[Column]) -> list[str | None]:
    """Column name per position of the header (None for a blank header cell).

    Raises ImportFileError naming unknown, repeated and missing required columns.
    """
    lookup = header_lookup(columns)
    mapped: list[str | None] = []
    unknown, seen, repeated = [], set(), []
    for cell in cells:
        text = cell_text(cell).strip()
        if not text:
            mapped.append(None)
            continue
        name = lookup.get(normalise_header(text))
        if name is None:
            unknown.append(text)
        elif name in seen:
            repeated.append(text)
        seen.add(name)
        mapped.append(name)
    problems = []
    if unknown:
        problems.append("unknown column" + ("s " if len(unknown) > 1 else " ") + ", ".join(f"'{u}'" for u in unknown))
    if repeated:
        problems.append("repeated column" + ("s " if len(repeated) > 1 else " ")
                        + ", ".join(f"'{r}'" for r in repeated))
    missing = [column.name for column in columns if column.required and column.name not in seen]
    if missing:
        problems.append("missing required column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
    if problems:
        expected = ", ".join(column.name for column in columns)
        raise ImportFileError(f"The header row has {'; '.join(problems)}. The columns are: {expected} "
                              "(download the template for their meaning).")
    return mapped


# ---------------------------------------------------------------- reading files
class TableReader(ABC):
    """An opened file: how it was read, its header, and its data rows (streamed)."""

    format: str = ""
    header_row: int = 1
    columns: list[str | None]

    @abstractmethod
    def rows(self) -> Iterator[Row]:
        """The data rows, streamed."""

    def progress(self) -> float:
        return 0.0

    def describe(self) -> str:
        return self.format.upper()

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _letters(count: int) -> list[str]:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    return [get_column_letter(index + 1) for index in range(count)]


def _refs(columns: Sequence[str | None]) -> dict[str, str]:
    return {name: letter for name, letter in zip(columns, _letters(len(columns))) if name}


def _is_comment(cells: Sequence[Any]) -> bool:
    """Guide lines above the header (the CSV template has them): first cell '#…', rest empty."""
    if not cells:
        return False
    first = cell_text(cells[0]).lstrip()
    return first.startswith("#") and not any(cell_text(c).strip() for c in cells[1:])


def _blank(cells: Sequence[Any]) -> bool:
    if all(type(c) is str for c in cells):
        return not "".join(cells).strip()
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def open_table(path: Path | str, file_format: str, columns: Sequence[Column], *,
               decimal_separator: str | None) -> TableReader:
    """Open a stored upload for reading. Raises ImportFileError for a file that cannot be read."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError("The file is empty.")
    if size > MAX_IMPORT_BYTES:
        raise ImportFileError(_too_big(size))
    with path.open("rb") as handle:
        head = handle.read(8)
    if file_format == "xlsx":
        return XlsxReader(path, columns, decimal_separator, head)
    if file_format == "csv":
        return CsvReader(path, columns, decimal_separator, head)
    raise ImportFileError(f"Unsupported file format {file_format!r}.")


def _too_big(size: int) -> str:
    return (f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_IMPORT_BYTES // (1024 * 1024)} MB "
            "per file. Split it into several files (each imports all or nothing).")


_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"


class CsvReader(TableReader):
    """UTF-8 CSV (with or without BOM), delimiter detected from the header row."""

    format = "csv"

    def __init__(self, path: Path, columns: Sequence[Column], decimal_separator: str | None, head: bytes):
        if head.startswith(_ZIP_MAGIC):
            raise ImportFileError("This file is an Excel workbook (.xlsx) but its name ends in .csv. "
                                  "Upload it with its .xlsx name, or save it as 'CSV UTF-8'.")
        if head.startswith(_OLE2_MAGIC):
            raise ImportFileError("This file is an old Excel workbook (.xls) or an encrypted file, not CSV. "
                                  "Save it as 'CSV UTF-8 (Comma delimited)' or as .xlsx.")
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ImportFileError("The file is encoded as UTF-16 ('Unicode Text'). Save it as "
                                  "'CSV UTF-8 (Comma delimited)' (Excel: File › Save As) and upload it again.")
        self.path = path
        self.size = path.stat().st_size
        self.decimal_separator = decimal_separator
        self._check_utf8()
        self._raw = path.open("rb")
        self._text = io.TextIOWrapper(self._raw, encoding="utf-8-sig", newline="")
        try:
            self._read_header(columns)
        except BaseException:
            self.close()
            raise

    def _check_utf8(self) -> None:
        """Decode the whole file once, so a bad byte is reported with its line before any row is read."""
        pending = b""
        offset = 0  # file offset of data[0]
        lines = 0
        with self.path.open("rb") as handle:
            while True:
                chunk = handle.read(1 << 20)
                data = pending + chunk
                if not data:
                    return
                try:
                    data.decode("utf-8")
                    pending = b""
                except UnicodeDecodeError as exc:
                    if chunk and exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                        pending = data[exc.start:]  # a character split between two reads
                        data = data[:exc.start]
                    else:
                        if b"\x00" in data[: exc.start + 1]:
                            raise ImportFileError(
                                "The file contains NUL bytes: it is not CSV text (perhaps UTF-16 or a binary "
                                "file). Save it as 'CSV UTF-8 (Comma delimited)' and upload it again.") from None
                        line = lines + data.count(b"\n", 0, exc.start) + 1
                        byte = data[exc.start]
                        guess = bytes([byte]).decode("cp1252", errors="replace")
                        raise ImportFileError(
                            f"The file is not UTF-8: line {line} has the byte 0x{byte:02X} "
                            f"('{guess}' in Windows-1252, the encoding of Excel's plain 'CSV'). Save the file as "
                            "'CSV UTF-8 (Comma delimited)' — in Excel: File › Save As › CSV UTF-8 — or export "
                            "it as UTF-8 from your tool, and upload it again.") from None
                if b"\x00" in data:
                    raise ImportFileError(
                        "The file contains NUL bytes: it is not CSV text (perhaps UTF-16 or a binary file). "
                        "Save it as 'CSV UTF-8 (Comma delimited)' and upload it again.")
                lines += data.count(b"\n")
                offset += len(data)
                if not chunk:
                    if pending:
                        raise ImportFileError("The file is not UTF-8: it ends in the middle of a character. "
                                              "Save it as 'CSV UTF-8 (Comma delimited)' and upload it again.")
                    return

    MAX_HEADER_CHARS = 128 * 1024  # csv's own field limit; a header is a few hundred characters

    def _read_header(self, columns: Sequence[Column]) -> None:
        record = 0
        while True:
            line = self._text.readline(self.MAX_HEADER_CHARS + 1)
            if not line:
                raise ImportFileError("The file has no header row: it is empty or holds only blank or '#' lines.")
            record += 1
            if len(line) > self.MAX_HEADER_CHARS:
                raise ImportFileError(f"The header row is longer than 128 KB (line {record}): it should name the "
                                      f"columns ({', '.join(c.name for c in columns)}). Download the template to "
                                      "start from the right header.")
            stripped = line.strip()
            if not stripped or stripped.lstrip('"').startswith("#"):
                continue
            break
        self.header_row = record
        self.delimiter, cells = self._detect_delimiter(line, columns)
        self.columns = map_header(cells, columns)
        self.refs = _refs(self.columns)
        self._reader = csv.reader(self._text, delimiter=self.delimiter)

    @staticmethod
    def _detect_delimiter(line: str, columns: Sequence[Column]) -> tuple[str, list[str]]:
        lookup = header_lookup(columns)
        best: tuple[int, str, list[str]] | None = None
        for delimiter in CSV_DELIMITERS:
            cells = next(csv.reader([line], delimiter=delimiter))
            known = sum(1 for cell in cells if normalise_header(cell) in lookup)
            if best is None or known > best[0]:
                best = (known, delimiter, cells)
        known, delimiter, cells = best
        if known == 0:
            shown = line.strip()[:120]
            raise ImportFileError(
                f"The first row must be the header naming the columns ({', '.join(c.name for c in columns)}); "
                f"it reads '{shown}'. Download the template to start from the right header.")
        return delimiter, cells

    def describe(self) -> str:
        return f"CSV, UTF-8, {_DELIMITER_NAMES[self.delimiter]}-separated"

    def rows(self) -> Iterator[Row]:
        columns = self.columns
        width = len(columns)
        refs = self.refs
        separator = self.decimal_separator
        number = self.header_row
        name = _DELIMITER_NAMES[self.delimiter]
        pairs = [(index, column) for index, column in enumerate(columns) if column]
        blanks = [index for index, column in enumerate(columns) if column is None]
        try:
            for record in self._reader:
                number += 1
                if len(record) != width:
                    # Spreadsheets pad every row, header included, to the same width: a row of another
                    # width means a delimiter inside an unquoted value, and its cells would be misread.
                    if not record or _blank(record):
                        continue
                    else:
                        row = Row(number, {}, refs, separator)
                        row.errors.append(RowError(
                            number, "", "", "", f"has {len(record)} cells but the header has {width}: check that "
                            f"values containing a {name} ('{self.delimiter}') are in double quotes"
                            + (", for example a decimal comma in a comma-separated file (\"12,5\")"
                               if self.delimiter == "," else "")))
                        yield row
                        continue
                if _blank(record):
                    continue
                row = Row(number, {column: record[index].strip() for index, column in pairs}, refs, separator)
                for index in blanks:
                    if record[index].strip():
                        row.errors.append(RowError(number, "", _letters(index + 1)[-1] + str(number),
                                                   record[index].strip()[:200],
                                                   "is in a column without a header; name the column or remove "
                                                   "the value"))
                yield row
        except csv.Error as exc:
            raise ImportFileError(f"The file cannot be read as CSV near row {number}: {exc}.") from None

    def progress(self) -> float:
        try:
            return min(self._raw.tell() / self.size, 1.0)
        except (OSError, ValueError):
            return 0.0

    def close(self) -> None:
        for handle in (getattr(self, "_text", None), getattr(self, "_raw", None)):
            if handle is not None:
                try:
                    handle.close()
                except (OSError, ValueError):
                    pass


class XlsxReader(TableReader):
    """The first worksheet of an .xlsx workbook, streamed (openpyxl read-only mode).

    Formula cells are read as their formula text (``data_only=False``) and refused by the
    formula check: a cached result may be stale or missing, so only values are imported.
    """

    format = "xlsx"

    def __init__(self, path: Path, columns: Sequence[Column], decimal_separator: str | None, head: bytes):
        if head.startswith(_OLE2_MAGIC):
            raise ImportFileError("This file is not an .xlsx workbook: it is an old Excel 97–2003 (.xls) file or "
                                  "an encrypted workbook. Save it as 'Excel Workbook (.xlsx)' without a password.")
        if not head.startswith(_ZIP_MAGIC):
            looks = "CSV or other text" if _looks_like_text(path) else "not a spreadsheet"
            raise ImportFileError(f"This file is named .xlsx but is not an Excel workbook (it looks like {looks}). "
                                  "Save it as 'Excel Workbook (.xlsx)', or upload CSV text with a .csv name.")
        self.decimal_separator = decimal_separator
        self._workbook = None
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                unpacked = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            raise ImportFileError("This file is named .xlsx but is not a readable workbook (a damaged zip). "
                                  "Open it in Excel and save it again as 'Excel Workbook (.xlsx)'.") from None
        if "xl/workbook.xml" not in names:
            raise ImportFileError("This file is a zip archive but not an Excel workbook (no xl/workbook.xml). "
                                  "Save your sheet as 'Excel Workbook (.xlsx)'.")
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise ImportFileError(f"The workbook unpacks to {unpacked / 1024 / 1024:.0f} MB, far more than a sheet "
                                  "of data; split it into smaller files.")
        import openpyxl  # noqa: PLC0415 — only needed by workers and template downloads

        try:
            self._workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
            sheet = self._workbook.worksheets[0]
            self.sheet_name = sheet.title
            # Some writers store a wrong sheet dimension; read-only mode would silently stop there.
            self.estimated_rows = sheet.max_row or 0
            sheet.reset_dimensions()
            self._rows = sheet.iter_rows(values_only=True)
            self._read_header(columns)
        except ImportFileError:
            self.close()
            raise
        except Exception as exc:  # openpyxl raises many kinds for a broken package
            self.close()
            raise ImportFileError(f"The workbook cannot be read ({exc.__class__.__name__}: {exc}). Open it in Excel "
                                  "and save it again as 'Excel Workbook (.xlsx)'.") from None
        self._count = self.header_row

    def _read_header(self, columns: Sequence[Column]) -> None:
        number = 0
        for cells in self._rows:
            number += 1
            if _blank(cells) or _is_comment(cells):
                continue
            self.header_row = number
            cells = list(cells)
            while cells and (cells[-1] is None or cell_text(cells[-1]).strip() == ""):
                cells.pop()
            self.columns = map_header(cells, columns)
            self.refs = _refs(self.columns)
            return
        raise ImportFileError(f"The first sheet ('{self.sheet_name}') has no header row: it is empty.")

    def describe(self) -> str:
        return f"XLSX, sheet '{self.sheet_name}'"

    def rows(self) -> Iterator[Row]:
        columns = self.columns
        width = len(columns)
        refs = self.refs
        separator = self.decimal_separator
        pairs = [(index, column) for index, column in enumerate(columns) if column]
        number = self.header_row
        for cells in self._rows:
            number += 1
            self._count = number
            if _blank(cells):
                continue
            length = len(cells)
            values = {}
            for index, column in pairs:
                value = cells[index] if index < length else None
                if isinstance(value, str):
                    value = value.strip()
                elif value is not None and not isinstance(value, (int, float, Decimal, bool, dt.date, dt.time)):
                    value = "=" + str(getattr(value, "text", value))  # an array formula object
                values[column] = value
            row = Row(number, values, refs, separator)
            for index in range(length):
                if (index >= width or columns[index] is None) and cells[index] is not None \
                        and cell_text(cells[index]).strip():
                    row.errors.append(RowError(number, "", _letters(index + 1)[-1] + str(number),
                                               cell_text(cells[index])[:200],
                                               "is in a column without a header; name the column or remove the "
                                               "value"))
            yield row

    def progress(self) -> float:
        if not self.estimated_rows:
            return 0.0
        return min(self._count / self.estimated_rows, 1.0)

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason != "unexpected end of data":
            return False
    return b"\x00" not in head


def check_cells(row: Row) -> None:
    """The formula-injection check over every text cell of a row (before the importer sees it)."""
    for column, value in row.cells.items():
        if value and type(value) is str and value[0] in _FORMULA_FIRST:
            problem = formula_problem(value)
            if problem:
                row.error(column, problem)


# ---------------------------------------------------------------- COPY: the bulk committer
class JsonText(str):
    """A JSON document already serialised (e.g. one factor snapshot shared by thousands of rows)."""


class Encoded(str):
    """A value already in COPY text form (see :func:`copy_encoded`): shared values such as a
    factor snapshot are escaped once per import, not once per row."""


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    # translate() with multi-character replacements is slow; most text has nothing to escape.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return str.translate(value, _COPY_ESCAPES)
    return value


def _copy_other(value: Any) -> str:
    if isinstance(value, Encoded):
        return value
    if isinstance(value, str):  # str subclasses such as TextChoices members: their text
        return _copy_text(str.__str__(value))
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_COPY_ESCAPES)
    raise TypeError(f"Cannot COPY a {type(value).__name__}")


# Exact types first (one dict lookup per value); anything else through _copy_other.
_COPY_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: _copy_text, JsonText: _copy_text, Encoded: lambda value: value, int: int.__repr__,
    Decimal: Decimal.__str__,  # numeric input accepts exponents; PostgreSQL rounds to the column's scale as on save
    bool: lambda value: "t" if value else "f", type(None): lambda value: "\\N",
}


def _copy_value(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    return _COPY_BY_TYPE.get(type(value), _copy_other)(value)


def copy_encoded(value: Any) -> Encoded:
    """``value`` in COPY text form, to return from ``parse_row`` for values many rows share."""
    return Encoded(_copy_value(value))


def copy_line(values: Sequence[Any], row_number: int, suffix: str) -> str:
    """One row in COPY text form: the importer's values, the row number, then ``suffix`` (the
    framework's columns, encoded once per job, with the line end)."""
    by_type = _COPY_BY_TYPE
    return "\t".join([by_type.get(type(v), _copy_other)(v) for v in values]) + "\t" + str(row_number) + suffix


class CopyWriter:
    """The bulk committer: validated rows go into the table by COPY, inside the job's one write
    transaction, *while the rows after them are still being checked* — PostgreSQL inserts and
    indexes on its own core as Python checks the next rows. Nothing is visible to anyone until
    that transaction commits, and it commits only when every row of the file was good.

    A query needed on the way (a factor seen for the first time) cannot run while a COPY is
    open on the connection: :meth:`before_query`, installed as a Django execute wrapper, ends
    the current COPY statement first, and the next rows start another.
    """

    BATCH = 64  # rows per write: small writes keep PostgreSQL and Python busy side by side (measured)

    def __init__(self, model, columns: Sequence[str], suffix: Sequence[Any]):
        quote = connection.ops.quote_name
        self.sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        self.suffix = "".join("\t" + _copy_value(value) for value in suffix) + "\n"
        self.count = 0
        self._lines: list[str] = []
        self._cursor = connection.cursor()
        self._context = None
        self._copy = None

    def add(self, values: Sequence[Any], row_number: int) -> None:
        self._lines.append(copy_line(values, row_number, self.suffix))
        self.count += 1
        if len(self._lines) >= self.BATCH:
            self._send()

    def _send(self) -> None:
        if not self._lines:
            return
        if self._copy is None:
            self._context = self._cursor.copy(self.sql)
            self._copy = self._context.__enter__()
        self._copy.write("".join(self._lines).encode("utf-8"))
        self._lines = []

    def _end_copy(self, error: BaseException | None = None) -> None:
        if self._copy is not None:
            context, self._context, self._copy = self._context, None, None
            if error is None:
                context.__exit__(None, None, None)  # waits until PostgreSQL has taken every row sent
            else:
                context.__exit__(type(error), error, None)  # COPY fails; the transaction is rolled back

    def before_query(self, execute, sql, params, many, context):
        """Django execute wrapper: end an open COPY before any other statement on the connection."""
        self._end_copy()
        return execute(sql, params, many, context)

    def finish(self) -> int:
        self._send()
        self._end_copy()
        self._cursor.close()
        return self.count

    def abort(self) -> None:
        self._lines = []
        try:
            self._end_copy(RuntimeError("import abandoned"))
        except Exception:  # noqa: BLE001 — psycopg re-raises the COPY failure it was asked for
            pass
        self._cursor.close()


def _framework_columns(model) -> tuple[list[str], bool]:
    """The columns the framework fills: the job, the row number (always) and who/when (if any)."""
    names = {f.attname for f in model._meta.concrete_fields}
    for required in ("import_job_id", "row_number"):
        if required not in names:
            raise TypeError(f"{model.__name__} needs {required} to be imported")
    stamps = all(name in names for name in ("created_at", "created_by_id", "updated_at", "updated_by_id"))
    return (["import_job_id", "created_at", "created_by_id", "updated_at", "updated_by_id"] if stamps
            else ["import_job_id"]), stamps


# ---------------------------------------------------------------- error file
class ErrorFile:
    """Row errors, streamed to ``<schema>/imports/<uuid>-errors.csv`` (written atomically) with the
    first ones kept for the page. Cells are formula-safe: the file is opened in spreadsheets."""

    HEADER = ["row", "column", "cell", "value", "reason"]

    def __init__(self, name: str):
        from reports.renderers import safe_cell  # noqa: PLC0415

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


# ---------------------------------------------------------------- services
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
    if size is not None and size > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _too_big(size)})
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    cleaned = validate_params(importer, params)
    job = ImportJob(regime=importer.regime, kind=importer.code, parameters=cleaned, original_name=name[:255],
                    requested_by=actor if getattr(actor, "pk", None) else None)
    stored = upload_name(job.uuid, "xlsx" if file_format == "xlsx" else "csv")
    digest, written = _store(uploaded_file, stored)
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


def _store(uploaded_file, name: str) -> tuple[str, int]:
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
                if written > MAX_IMPORT_BYTES:
                    raise ValidationError({"file": _too_big(written)})
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


def _progress_key(job: ImportJob) -> str:
    return f"imports:progress:{job.uuid}"


def job_progress(job: ImportJob) -> tuple[int, str]:
    """(percent, message) of a running job. While rows stream into the table the job's own row
    cannot show it (the write transaction is not committed yet), so progress goes to the cache
    (its keys carry the schema) and pages and the API read it from there."""
    if not job.is_finished:
        cached = cache.get(_progress_key(job))
        if cached:
            return cached
    return job.progress, job.message


class _Progress:
    """The job's progress, at most twice a second (a 100,000-row file must not cost 100,000
    writes): to the cache always, to the job's row when outside the write transaction."""

    def __init__(self, job: ImportJob):
        self.job = job
        self._last = 0.0
        self.in_transaction = False
        self.total = 0  # rows read by the write transaction

    def __call__(self, percent: float, message: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= 0.5:
            self._last = now
            value = (max(0, min(99, int(percent))), message[:200])
            cache.set(_progress_key(self.job), value, timeout=24 * 3600)
            if not self.in_transaction:
                ImportJob.objects.filter(pk=self.job.pk).update(progress=value[0], message=value[1])


def import_run(job_id: int) -> ImportJob:
    """Check every row of one job and, if all are good, commit them all with one audit entry.

    Idempotent and retry-safe: a finished job is left alone; an interrupted one starts over
    (nothing of it was committed: the rows, the audit entry and the success mark are one
    transaction), and of two runs of one job only the first to lock the job row commits.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job
        job.status = ImportJob.Status.VALIDATING
        job.attempts += 1
        job.started_at = timezone.now()
        job.finished_at = None
        job.progress, job.message, job.error = 0, "Reading the file", ""
        job.total_rows = job.imported_rows = job.error_count = 0
        job.errors_preview = []
        job.errors_file = ""
        job.save()
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
        with open_table(path, file_format, importer.columns,
                        decimal_separator=None if separator == "auto" else separator) as table:
            ImportJob.objects.filter(pk=job.pk).update(read_as=table.describe()[:60])
            rows = table.rows()
            result = _write(job, importer, context, table, rows, errors, progress)
            if result is not None:
                errors.discard()
                cache.delete(_progress_key(job))
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
    extra, stamps = _framework_columns(importer.model)
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
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.SUCCEEDED, total_rows=progress.total, imported_rows=count, progress=100,
                finished_at=timezone.now(), message=f"Imported {count:,} rows")
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
    cache.delete(_progress_key(job))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, finished_at=timezone.now(), total_rows=total, imported_rows=0,
        error_count=errors.count, errors_preview=[] if file_error else errors.preview, errors_file=name,
        error=file_error, progress=100,
        message="The file cannot be read" if file_error else _summary(errors, total))
    return ImportJob.objects.get(pk=job.pk)


def import_fail(job_id: int, error: str) -> None:
    """Mark a job failed after its last retry (infrastructure errors); never touches a finished job."""
    ImportJob.objects.filter(pk=job_id).exclude(status__in=[ImportJob.Status.SUCCEEDED, ImportJob.Status.FAILED]) \
        .update(status=ImportJob.Status.FAILED, error=error[:2000], finished_at=timezone.now(),
                message="The import did not finish; nothing was imported")


STALE_AFTER = dt.timedelta(hours=2)  # a 100,000-row file takes seconds; hours mean the run is lost


def import_fail_stale() -> int:
    """Jobs still queued or running hours after upload (every retry used up, or the message
    lost) are marked failed — nothing of them was committed — so nobody waits on them forever."""
    cutoff = timezone.now() - STALE_AFTER
    return ImportJob.objects.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING,
                                                ImportJob.Status.COMMITTING], created_at__lt=cutoff).update(
        status=ImportJob.Status.FAILED, finished_at=timezone.now(),
        error="The import did not finish (the worker was lost); nothing was imported. Please upload the file again.",
        message="The import did not finish; nothing was imported")


def import_open_errors(job: ImportJob):
    """Open the error file of a failed job for download."""
    name = job.errors_file.name if job.errors_file else ""
    if not name or not name.startswith(f"{connection.schema_name}/"):
        raise FileNotFoundError("This import has no error file")
    return (Path(settings.MEDIA_ROOT) / name).open("rb")


# ---------------------------------------------------------------- templates
def template_csv(importer: Importer) -> bytes:
    """The CSV template: the column guide as '#' lines (skipped on import), the header, example rows."""
    from reports.renderers import safe_cell  # noqa: PLC0415

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    lines = [f"# {importer.title} — FactorTrace import template. Lines starting with # are ignored.",
             "# One row per record. Delete the example rows. Save as 'CSV UTF-8'; ',' or ';' separated both work.",
             "# Numbers: 1234.5 or 1234,5; choose the decimal separator on the upload page when values such as "
             "1,234 appear."]
    for column in importer.columns:
        accepted = f" Accepted: {', '.join(column.choices)}." if column.choices else ""
        required = "required" if column.required else "optional"
        lines.append(f"# {column.name} ({required}): {column.help}{accepted}")
    for title, header, rows in importer.guide_sections():
        lines.append(f"# {title}: " + "; ".join(" — ".join(cell for cell in row if cell) for row in rows))
    for line in lines:
        writer.writerow([line])
    writer.writerow([column.name for column in importer.columns])
    for example in importer.example_rows():
        writer.writerow([safe_cell(example.get(column.name, "")) for column in importer.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(importer: Importer) -> bytes:
    """The XLSX template: a data sheet (header, example rows, drop-downs) and a 'Column guide' sheet."""
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    from reports.renderers import safe_cell  # noqa: PLC0415

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = importer.sheet_title[:31]
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="0A4D39")
    sheet.append([column.name for column in importer.columns])
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for example in importer.example_rows():
        sheet.append([_xlsx_example(safe_cell(example.get(column.name, ""))) for column in importer.columns])
    sheet.freeze_panes = "A2"
    letters = _letters(len(importer.columns))
    for letter, column in zip(letters, importer.columns):
        sheet.column_dimensions[letter].width = max(12, min(40, len(column.name) + 6, len(column.example) + 6))
        if column.choices and len(",".join(column.choices)) < 250:
            validation = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True,
                                        showErrorMessage=True, errorTitle=column.label,
                                        error=f"Use one of: {', '.join(column.choices)}")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}100000")
    guide = workbook.create_sheet("Column guide")
    guide.append([f"{importer.title} — how to fill in the '{sheet.title}' sheet"])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([importer.description])
    guide.append(["Only the first sheet is imported. Delete the example rows. Every row is checked first; if "
                  "any row has a problem nothing is imported and you get a list of the problems."])
    guide.append([])
    guide.append(["Column", "Required", "What to enter", "Accepted values", "Example"])
    for cell in guide[guide.max_row]:
        cell.font, cell.fill = bold, fill
    for column in importer.columns:
        guide.append([column.name, "yes" if column.required else "no", column.help, ", ".join(column.choices),
                      safe_cell(column.example)])
    for title, header, rows in importer.guide_sections():
        guide.append([])
        guide.append([title])
        guide[f"A{guide.max_row}"].font = Font(bold=True)
        guide.append(header)
        for cell in guide[guide.max_row]:
            cell.font, cell.fill = bold, fill
        for row in rows:
            guide.append([safe_cell(cell) for cell in row])
    for letter, width in zip("ABCDE", (22, 10, 80, 40, 24)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_example(value: str) -> Any:
    """Example numbers as numbers (so Excel shows them as such), everything else as text."""
    if isinstance(value, str) and value and value.replace(".", "", 1).isdigit():
        return int(value) if value.isdigit() else float(value)
    return value


@dataclass
class TemplateFile:
    content: bytes
    file_name: str
    media_type: str


def import_template(importer: Importer, fmt: str) -> TemplateFile:
    stem = f"factortrace-{importer.code.replace('.', '-')}-template"
    if fmt == "csv":
        return TemplateFile(template_csv(importer), f"{stem}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return TemplateFile(template_xlsx(importer), f"{stem}.xlsx",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    raise ValueError(f"Unknown template format {fmt!r}")


__all__ = ["Column", "copy_encoded", "copy_line", "CopyWriter", "DECIMAL_SEPARATORS", "Encoded", "ErrorFile",
           "formula_problem", "get_importer", "import_fail", "import_fail_stale", "import_open_errors",
           "import_request", "import_run", "import_template", "Importer", "importers", "ImportFileError", "JsonText",
           "map_header", "MAX_IMPORT_BYTES", "open_table", "register", "Row", "RowError", "UnknownImporter",
           "validate_params"]
