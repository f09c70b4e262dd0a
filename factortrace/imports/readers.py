"""Reading an upload: :func:`open_table` gives a :class:`TableReader` — how the file was read,
its header, and its data rows, streamed. CSV (UTF-8, delimiter detected from the header) and the
first worksheet of an XLSX workbook (openpyxl, read-only).

Plain Python (no Django): the limits arrive as arguments, so the child process that reads
untrusted files (see :mod:`.isolation`) runs this module as it is.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from abc import ABC, abstractmethod
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, Sequence

from .contract import Column, ImportFileError, RowError
from .limits import MAX_IMPORT_BYTES, MAX_XLSX_UNPACKED_BYTES, too_big
from .rows import Row, cell_text, header_lookup, map_header, normalise_header

CSV_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


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


def column_letters(count: int) -> list[str]:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    return [get_column_letter(index + 1) for index in range(count)]


def _refs(columns: Sequence[str | None]) -> dict[str, str]:
    return {name: letter for name, letter in zip(columns, column_letters(len(columns))) if name}


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
        raise ImportFileError(too_big(size))
    with path.open("rb") as handle:
        head = handle.read(8)
    if file_format == "xlsx":
        return XlsxReader(path, columns, decimal_separator, head)
    if file_format == "csv":
        return CsvReader(path, columns, decimal_separator, head)
    raise ImportFileError(f"Unsupported file format {file_format!r}.")




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

    def _read_header(self, columns: Sequence[Column]) -> None:
        record = 0
        while True:
            line = self._text.readline()
            if not line:
                raise ImportFileError("The file has no header row: it is empty or holds only blank or '#' lines.")
            record += 1
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
                        row.errors.append(RowError(number, "", column_letters(index + 1)[-1] + str(number),
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
                    row.errors.append(RowError(number, "", column_letters(index + 1)[-1] + str(number),
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

