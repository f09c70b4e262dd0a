"""Reading an upload: :func:`open_table` gives a :class:`TableReader` — how the file was read,
its header, and its data rows, streamed. CSV (UTF-8, delimiter detected from the header) and the
first worksheet of an XLSX workbook.

Every file is untrusted. What it *is* is checked before it is parsed (:class:`.limits.Limits`):
the size; for CSV the encoding, the length of each line and of the header; for XLSX the parts of
the package, what they unpack to and how far they are compressed, the number of shared strings
and the length of each. While rows are read, a cell longer than Excel's 32,767 characters, a
value beyond the allowed columns, XML nested too deep or a damaged package stop the file with a
message that names the problem. What no check foresees is bounded by the process that runs this
module for the worker (:mod:`.isolation`).

Plain Python (no Django): the readers take an open binary file and their limits as arguments.
A reader yields *records* — ``(row number, values of the named columns, problems)`` — which
:meth:`TableReader.rows` turns into :class:`.rows.Row` objects (the isolation child sends the
records to the worker, which builds the rows).
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import os
import re
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from .contract import Column, ImportFileError, RowError
from .limits import Limits, megabytes, too_big
from .rows import Row, cell_text, header_lookup, map_header, normalise_header

CSV_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
EXCEL_ROWS = 1_048_576
_UNHEADED = "is in a column without a header; name the column or remove the value"

#: (row number, the values of the named columns in header order — or None for a row that could
#: not be split into cells —, problems found while reading)
Record = tuple[int, "tuple | list | None", list[RowError]]


def column_letter(index: int) -> str:
    """1 → A, 27 → AA (spreadsheet column names)."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class TableReader(ABC):
    """An opened file: how it was read, its header, and its data rows (streamed)."""

    format: str = ""
    header_row: int = 1
    columns: list[str | None]
    decimal_separator: str | None = None

    @abstractmethod
    def records(self) -> Iterator[Record]:
        """The data rows as records, streamed."""

    def rows(self) -> Iterator[Row]:
        """The data rows, streamed."""
        names = [name for name in self.columns if name]
        refs = {name: column_letter(index + 1) for index, name in enumerate(self.columns) if name}
        separator = self.decimal_separator
        for number, values, errors in self.records():
            row = Row(number, dict(zip(names, values, strict=False)) if values is not None else {}, refs, separator)
            if errors:
                row.errors.extend(errors)
            yield row

    def progress(self) -> float:
        return 0.0

    def describe(self) -> str:
        return self.format.upper()

    def close(self) -> None:  # noqa: B027 — an optional hook: readers without resources
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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


def open_table(path: Path | str, file_format: str, columns: Sequence[Column], *, decimal_separator: str | None,
               limits: Limits | None = None) -> TableReader:
    """Open a stored upload for reading in this process. Raises ImportFileError for a file that
    cannot be read. (The worker reads uploads through :func:`.isolation.open_isolated`.)"""
    handle = Path(path).open("rb")  # noqa: SIM115 — the reader owns the handle and closes it
    try:
        return open_handle(handle, file_format, columns, decimal_separator=decimal_separator,
                           limits=limits or Limits())
    except BaseException:
        handle.close()
        raise


def open_handle(handle: IO[bytes], file_format: str, columns: Sequence[Column], *, decimal_separator: str | None,
                limits: Limits) -> TableReader:
    """A reader over an open binary file (which the reader closes)."""
    size = os.fstat(handle.fileno()).st_size
    if size == 0:
        raise ImportFileError("The file is empty.")
    if size > limits.file_bytes:
        raise ImportFileError(too_big(size, limits))
    head = handle.read(8)
    handle.seek(0)
    if file_format == "xlsx":
        return XlsxReader(handle, size, columns, decimal_separator, head, limits)
    if file_format == "csv":
        return CsvReader(handle, size, columns, decimal_separator, head, limits)
    raise ImportFileError(f"Unsupported file format {file_format!r}.")


_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
_SAVE_AS_CSV = "Save it as 'CSV UTF-8 (Comma delimited)' and upload it again."


# ---------------------------------------------------------------- CSV
class CsvReader(TableReader):
    """UTF-8 CSV (with or without BOM), delimiter detected from the header row."""

    format = "csv"

    def __init__(self, handle: IO[bytes], size: int, columns: Sequence[Column], decimal_separator: str | None,
                 head: bytes, limits: Limits):
        self._raw = handle
        self._text = None
        try:
            if head.startswith(_ZIP_MAGIC):
                raise ImportFileError("This file is an Excel workbook (.xlsx) but its name ends in .csv. "
                                      "Upload it with its .xlsx name, or save it as 'CSV UTF-8'.")
            if head.startswith(_OLE2_MAGIC):
                raise ImportFileError("This file is an old Excel workbook (.xls) or an encrypted file, not CSV. "
                                      "Save it as 'CSV UTF-8 (Comma delimited)' or as .xlsx.")
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                raise ImportFileError("The file is encoded as UTF-16 ('Unicode Text'). Save it as "
                                      "'CSV UTF-8 (Comma delimited)' (Excel: File › Save As) and upload it again.")
            self.size = size
            self.limits = limits
            self.decimal_separator = decimal_separator
            self._check_text()
            handle.seek(0)
            self._text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            self._read_header(columns)
        except BaseException:
            self.close()
            raise

    def _check_text(self) -> None:
        """Read the whole file once before any row: it must be UTF-8 without NUL bytes, and no line may
        be longer than the limit — so a bad byte is reported with its line, and one huge line is
        refused before anything tries to hold it."""
        pending = b""
        lines = 0         # complete lines before data[0]
        line_length = 0   # bytes of the line data[0] continues
        longest = self.limits.line_bytes
        handle = self._raw
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
                        raise ImportFileError("The file contains NUL bytes: it is not CSV text (perhaps UTF-16 or "
                                              "a binary file). " + _SAVE_AS_CSV) from None
                    line = lines + data.count(b"\n", 0, exc.start) + 1
                    byte = data[exc.start]
                    guess = bytes([byte]).decode("cp1252", errors="replace")
                    raise ImportFileError(
                        f"The file is not UTF-8: line {line} has the byte 0x{byte:02X} "
                        f"('{guess}' in Windows-1252, the encoding of Excel's plain 'CSV'). Save the file as "
                        "'CSV UTF-8 (Comma delimited)' — in Excel: File › Save As › CSV UTF-8 — or export "
                        "it as UTF-8 from your tool, and upload it again.") from None
            if b"\x00" in data:
                raise ImportFileError("The file contains NUL bytes: it is not CSV text (perhaps UTF-16 or a binary "
                                      "file). " + _SAVE_AS_CSV)
            pieces = data.split(b"\n")
            line_length += len(pieces[0])
            if len(pieces) > 1:
                lengths = [line_length, *map(len, pieces[1:-1])]
                if max(lengths) > longest:
                    index = next(i for i, length in enumerate(lengths) if length > longest)
                    self._line_too_long(lines + index + 1, lengths[index])
                lines += len(pieces) - 1
                line_length = len(pieces[-1])
            if line_length > longest:
                self._line_too_long(lines + 1, line_length, at_least=True)
            if not chunk:
                if pending:
                    raise ImportFileError("The file is not UTF-8: it ends in the middle of a character. "
                                          + _SAVE_AS_CSV)
                return

    def _line_too_long(self, line: int, length: int, at_least: bool = False) -> None:
        raise ImportFileError(
            f"Line {line} of the file is {'more than ' if at_least else ''}{megabytes(length)} long; a line may be at "
            f"most {megabytes(self.limits.line_bytes)} (a row of a real import is a few KB). Check that the file is "
            "a CSV export with one row per line.")

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
        size = len(line.encode("utf-8"))
        if size > self.limits.header_bytes:
            raise ImportFileError(
                f"The header row (line {record}) is {size / 1024:,.0f} KB long; a header names the columns and "
                f"may be at most {self.limits.header_bytes // 1024} KB. The columns are: "
                f"{', '.join(c.name for c in columns)}.")
        self.header_row = record
        self.delimiter, cells = self._detect_delimiter(line, columns)
        if len(cells) > self.limits.columns:
            raise ImportFileError(f"The header row has {len(cells):,} cells; an import file may have at most "
                                  f"{self.limits.columns} columns.")
        self.columns = map_header(cells, columns)
        self._reader = csv.reader(self._text, delimiter=self.delimiter)

    @staticmethod
    def _detect_delimiter(line: str, columns: Sequence[Column]) -> tuple[str, list[str]]:
        lookup = header_lookup(columns)
        best: tuple[int, str, list[str]] | None = None
        for delimiter in CSV_DELIMITERS:
            try:
                cells = next(csv.reader([line], delimiter=delimiter))
            except csv.Error:
                continue
            known = sum(1 for cell in cells if normalise_header(cell) in lookup)
            if best is None or known > best[0]:
                best = (known, delimiter, cells)
        if best is None or best[0] == 0:
            shown = line.strip()[:120]
            raise ImportFileError(
                f"The first row must be the header naming the columns ({', '.join(c.name for c in columns)}); "
                f"it reads '{shown}'. Download the template to start from the right header.")
        return best[1], best[2]

    def describe(self) -> str:
        return f"CSV, UTF-8, {_DELIMITER_NAMES[self.delimiter]}-separated"

    def records(self) -> Iterator[Record]:
        columns = self.columns
        width = len(columns)
        number = self.header_row
        name = _DELIMITER_NAMES[self.delimiter]
        indexes = [index for index, column in enumerate(columns) if column]
        blanks = [index for index, column in enumerate(columns) if column is None]
        try:
            for record in self._reader:
                number += 1
                if len(record) != width:
                    # Spreadsheets pad every row, header included, to the same width: a row of another
                    # width means a delimiter inside an unquoted value, and its cells would be misread.
                    if not record or _blank(record):
                        continue
                    yield number, None, [RowError(
                        number, "", "", "", f"has {len(record):,} cells but the header has {width}: check that "
                        f"values containing a {name} ('{self.delimiter}') are in double quotes"
                        + (", for example a decimal comma in a comma-separated file (\"12,5\")"
                           if self.delimiter == "," else ""))]
                    continue
                if _blank(record):
                    continue
                errors = []
                for index in blanks:
                    if record[index].strip():
                        errors.append(RowError(number, "", f"{column_letter(index + 1)}{number}",
                                               record[index].strip()[:200], _UNHEADED))
                yield number, [record[index].strip() for index in indexes], errors
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ImportFileError(
                    f"Row {number + 1} has a cell longer than {csv.field_size_limit():,} characters; "
                    f"a cell may hold at most {self.limits.cell_chars:,} (Excel's own limit). "
                    "Check the quotes around that row: a quote that is never closed makes the rest of the "
                    "file one cell.") from None
            raise ImportFileError(f"The file cannot be read as CSV near row {number}: {exc}.") from None

    def progress(self) -> float:
        try:
            return min(self._raw.tell() / self.size, 1.0)
        except (OSError, ValueError):
            return 0.0

    def close(self) -> None:
        for handle in (self._text, self._raw):
            if handle is not None:
                with contextlib.suppress(OSError, ValueError):
                    handle.close()


# ---------------------------------------------------------------- XLSX
_SHARED_STRING_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si(?=[\s>/])")
_XML_OPTIONS = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True,
                    remove_pis=True)
_MAX_DEPTH = 256  # libxml2's own limit without huge_tree


class XlsxReader(TableReader):
    """The first worksheet of an .xlsx workbook, streamed.

    The package is inspected first (parts, unpacked sizes, compression, shared strings). Then
    openpyxl reads the workbook's small parts (relationships, styles for the date formats) and
    the shared strings, and the sheet is streamed with lxml (no entities, no network, libxml2's
    limits on depth and text size) cell by cell as openpyxl's reader would (:class:`_CellParser`).
    Formula cells are read as their formula text and refused by the formula check: a cached
    result may be stale or missing, so only values are imported.
    """

    format = "xlsx"

    def __init__(self, handle: IO[bytes], size: int, columns: Sequence[Column], decimal_separator: str | None,
                 head: bytes, limits: Limits):
        self._handle = handle
        self._archive = None
        self._source = None
        self.limits = limits
        self.decimal_separator = decimal_separator
        try:
            if head.startswith(_OLE2_MAGIC):
                raise ImportFileError("This file is not an .xlsx workbook: it is an old Excel 97–2003 (.xls) file or "
                                      "an encrypted workbook. Save it as 'Excel Workbook (.xlsx)' without a password.")
            if not head.startswith(_ZIP_MAGIC):
                looks = "CSV or other text" if _looks_like_text(handle) else "not a spreadsheet"
                raise ImportFileError(f"This file is named .xlsx but is not an Excel workbook (it looks like {looks}). "
                                      "Save it as 'Excel Workbook (.xlsx)', or upload CSV text with a .csv name.")
            self._archive = self._open_package(handle)
            self._open_workbook()
            self._read_header(columns)
        except (ImportFileError, MemoryError):
            self.close()
            raise
        except Exception as exc:  # noqa: BLE001 — openpyxl and lxml raise many kinds for a broken package
            self.close()
            raise _unreadable(exc) from None

    # -- the package, before anything is parsed
    def _open_package(self, handle: IO[bytes]) -> zipfile.ZipFile:
        try:
            archive = zipfile.ZipFile(handle)
            parts = archive.infolist()
        except (zipfile.BadZipFile, ValueError, EOFError):
            raise ImportFileError("This file is named .xlsx but is not a readable workbook (a damaged zip). "
                                  "Open it in Excel and save it again as 'Excel Workbook (.xlsx)'.") from None
        limits = self.limits
        if len(parts) > limits.xlsx_parts:
            raise ImportFileError(f"This workbook is a package of {len(parts):,} parts; a workbook has a few dozen "
                                  f"(at most {limits.xlsx_parts:,} are read). Save the sheet as a new workbook.")
        if "xl/workbook.xml" not in {part.filename for part in parts}:
            raise ImportFileError("This file is a zip archive but not an Excel workbook (no xl/workbook.xml). "
                                  "Save your sheet as 'Excel Workbook (.xlsx)'.")
        unpacked = sum(part.file_size for part in parts)
        if unpacked > limits.xlsx_unpacked_bytes:
            largest = max(parts, key=lambda part: part.file_size)
            raise ImportFileError(
                f"The workbook unpacks to {megabytes(unpacked)} (its part {largest.filename} alone to "
                f"{megabytes(largest.file_size)}); an import file may unpack to at most "
                f"{megabytes(limits.xlsx_unpacked_bytes)}. A file that grows this much is damaged or a zip bomb; if "
                "it is a real sheet, split it into smaller files.")
        if any(part.flag_bits & 0x1 for part in parts):
            raise ImportFileError("This workbook is encrypted (password-protected). Save it without a password.")
        return archive

    def _check_compression(self) -> None:
        for part in self._archive.infolist():
            if part.file_size > 1024 * 1024 and part.file_size > self.limits.xlsx_ratio * max(part.compress_size, 1):
                raise ImportFileError(
                    f"The workbook's part {part.filename} unpacks {part.file_size / max(part.compress_size, 1):,.0f} "
                    f"times its packed size ({megabytes(part.compress_size)} → {megabytes(part.file_size)}); real "
                    f"sheets pack 5 to 20 times, at most {self.limits.xlsx_ratio} is read. The file is damaged or a "
                    "zip bomb.")

    def _count_shared_strings(self, name: str) -> None:
        """Count the strings of the shared-strings part by streaming it (no XML parsing), and bound the
        size of each one, before openpyxl reads them all into memory."""
        limits = self.limits
        per_string = limits.cell_chars * 16 + 4096  # characters may be escapes (&#x1F600;), runs carry markup
        count = 0
        carry = b""
        with self._archive.open(name) as source:
            while chunk := source.read(1 << 20):
                pieces = _SHARED_STRING_START.split(carry + chunk)
                count += len(pieces) - 1
                if count > limits.shared_strings:
                    raise ImportFileError(
                        f"The workbook holds more than {limits.shared_strings:,} different texts (its shared-strings "
                        f"table); an import file may hold at most {limits.shared_strings:,}. A real sheet of "
                        "300,000 rows has fewer; this file is damaged or built to exhaust the server.")
                carry = pieces[-1]
                if len(carry) > per_string or (len(pieces) > 2 and max(map(len, pieces[1:-1])) > per_string):
                    raise ImportFileError(
                        f"The workbook holds a text longer than a cell may be ({limits.cell_chars:,} characters, "
                        "Excel's own limit); the file is damaged or built to exhaust the server.")

    def _open_workbook(self) -> None:
        from openpyxl.reader.excel import ExcelReader  # noqa: PLC0415 — imported only when a workbook is read
        from openpyxl.styles.stylesheet import apply_stylesheet  # noqa: PLC0415
        from openpyxl.xml.constants import SHARED_STRINGS  # noqa: PLC0415

        reader = ExcelReader(self._handle, read_only=True, data_only=False)
        reader.archive.close()
        reader.archive = self._archive
        reader.valid_files = self._archive.namelist()
        for name in ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"):
            if name in reader.valid_files and self._archive.getinfo(name).file_size > 16 * 1024 * 1024:
                size = megabytes(self._archive.getinfo(name).file_size)
                raise ImportFileError(f"The workbook's part {name} is {size}"
                                      "; a workbook's own description is a few KB. The file is damaged.")
        reader.read_manifest()
        strings = reader.package.find(SHARED_STRINGS)
        strings_part = strings.PartName[1:] if strings is not None else None
        if strings_part is not None:
            self._count_shared_strings(strings_part)
        self._check_compression()
        self.shared_strings = self._read_shared_strings(strings_part) if strings_part else []
        reader.read_workbook()
        apply_stylesheet(self._archive, reader.wb)
        workbook = reader.wb
        for sheet, relation in reader.parser.find_sheets():
            if relation.target in reader.valid_files and "chartsheet" not in relation.Type:
                self.sheet_name, self._sheet_part = sheet.name, relation.target
                break
        else:
            raise ImportFileError("The workbook has no worksheet.")
        self._sheet_size = max(self._archive.getinfo(self._sheet_part).file_size, 1)
        self._epoch, self._date_formats = workbook.epoch, workbook._date_formats
        self._timedelta_formats = workbook._timedelta_formats
        self._source = self._archive.open(self._sheet_part)
        self._cells = self._sheet_rows()

    def _read_shared_strings(self, name: str) -> list[str]:
        """The shared strings, as openpyxl reads them (plain text and formatted runs, phonetic guides
        left out, ``_x005F_`` unescaped), streamed with lxml."""
        from lxml import etree  # noqa: PLC0415
        from openpyxl.xml.constants import SHEET_MAIN_NS  # noqa: PLC0415

        text_of = _CellParser([], None, set(), set()).text
        strings = []
        longest = self.limits.cell_chars
        with self._archive.open(name) as source:
            for _, node in etree.iterparse(source, events=("end",), tag=f"{{{SHEET_MAIN_NS}}}si", **_XML_OPTIONS):
                text = text_of(node)
                if "x005F_" in text:
                    text = text.replace("x005F_", "")
                if len(text) > longest:
                    raise ImportFileError(f"The workbook holds a text of {len(text):,} characters; a cell may hold at "
                                          f"most {longest:,} (Excel's own limit).")
                strings.append(text)
                _release(node)
        return strings

    # -- the sheet, streamed
    def _sheet_rows(self) -> Iterator[tuple[int, dict[int, Any]]]:
        """(row number, {column index: value}) for each row of the sheet that has a value; rows are
        not padded (a value far to the right costs nothing but its error)."""
        from lxml import etree  # noqa: PLC0415
        from openpyxl.xml.constants import SHEET_MAIN_NS  # noqa: PLC0415

        cell_tag = f"{{{SHEET_MAIN_NS}}}c"
        parse_cell = _CellParser(self.shared_strings, self._epoch, self._date_formats, self._timedelta_formats)
        limits = self.limits
        previous = 0
        for _, element in etree.iterparse(self._source, events=("end",), tag=f"{{{SHEET_MAIN_NS}}}row",
                                          **_XML_OPTIONS):
            given = element.get("r")
            number = int(given) if given and given.isdigit() else previous + 1
            if not previous < number <= EXCEL_ROWS:
                raise ImportFileError(f"The sheet's rows are numbered out of order (row {number:,} after row "
                                      f"{previous:,}); the workbook is damaged. Open it in Excel and save it again.")
            previous = number
            cells = {}
            column = 0
            for child in element:
                if child.tag != cell_tag:
                    continue
                reference = child.get("r")
                try:
                    column = _column_index(reference) if reference else column + 1
                    value = parse_cell(child)
                except (IndexError, ValueError, TypeError, KeyError, OverflowError) as exc:
                    raise ImportFileError(f"Cell {reference or f'in row {number}'} cannot be read "
                                          f"({exc.__class__.__name__}: {str(exc)[:100]}); the workbook is damaged. "
                                          "Open it in Excel and save it again.") from None
                if value is None:
                    continue
                if column > limits.columns:
                    raise ImportFileError(
                        f"Cell {column_letter(column)}{number} holds a value in column {column:,}; an import file may "
                        f"use at most {limits.columns} columns ({column_letter(limits.columns)}). Delete the columns "
                        "to the right of your data.")
                if isinstance(value, str) and len(value) > limits.cell_chars:
                    raise ImportFileError(f"Cell {column_letter(column)}{number} holds {len(value):,} characters; a "
                                          f"cell may hold at most {limits.cell_chars:,} (Excel's own limit).")
                cells[column - 1] = value
            _release(element)
            if cells:
                yield number, cells

    def _read_header(self, columns: Sequence[Column]) -> None:
        for number, cells in self._cells:
            dense = [cells.get(index) for index in range(max(cells) + 1)]
            if _blank(dense) or _is_comment(dense):
                continue
            self.header_row = number
            while dense and (dense[-1] is None or cell_text(dense[-1]).strip() == ""):
                dense.pop()
            self.columns = map_header(dense, columns)
            return
        raise ImportFileError(f"The first sheet ('{self.sheet_name}') has no header row: it is empty.")

    def describe(self) -> str:
        return f"XLSX, sheet '{self.sheet_name}'"

    def records(self) -> Iterator[Record]:
        columns = self.columns
        indexes = [index for index, column in enumerate(columns) if column]
        named = set(indexes)
        try:
            for number, cells in self._cells:
                values = []
                blank = True
                for index in indexes:
                    value = cells.get(index)
                    if isinstance(value, str):
                        value = value.strip()
                        blank = blank and not value
                    elif value is not None:
                        blank = False
                        if not isinstance(value, (int, float, Decimal, bool, dt.date, dt.time, dt.timedelta)):
                            value = "=" + str(getattr(value, "text", value))  # an array formula object
                    values.append(value)
                errors = []
                if len(cells) > len(named) or not named.issuperset(cells):
                    for index in sorted(cells.keys() - named):
                        value = cells[index]
                        if cell_text(value).strip():
                            blank = False
                            errors.append(RowError(number, "", f"{column_letter(index + 1)}{number}",
                                                   cell_text(value)[:200], _UNHEADED))
                if blank:
                    continue
                yield number, values, errors
        except (ImportFileError, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 — a damaged part found while streaming
            raise _unreadable(exc) from None

    def progress(self) -> float:
        try:
            return min(self._source.tell() / self._sheet_size, 1.0)
        except (AttributeError, OSError, ValueError):
            return 0.0

    def close(self) -> None:
        for closable in (self._source, self._archive, self._handle):
            if closable is not None:
                # Closing a damaged package may fail; there is nothing to keep.
                with contextlib.suppress(Exception):
                    closable.close()
        self._source = self._archive = None


_COLUMNS: dict[str, int] = {}


def _column_index(reference: str) -> int:
    """'AB12' → 28."""
    letters = reference.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        if not (0 < len(letters) <= 3 and letters.isalpha() and letters.isupper()):
            raise ValueError(f"{reference[:20]!r} is not a cell reference")
        index = 0
        for letter in letters:
            index = index * 26 + ord(letter) - 64
        _COLUMNS[letters] = index
    return index


class _CellParser:
    """A cell's value as openpyxl's read-only parser gives it (numbers, dates by the cell's
    style, shared and inline strings, booleans, errors as text), formulas as their text (never
    their cached result) — without building openpyxl objects for every cell."""

    def __init__(self, shared_strings: list[str], epoch, date_formats, timedelta_formats):
        from openpyxl.utils.datetime import from_excel, from_ISO8601  # noqa: PLC0415
        from openpyxl.xml.constants import SHEET_MAIN_NS  # noqa: PLC0415

        self.shared_strings = shared_strings
        self.epoch = epoch
        self.date_formats = date_formats
        self.timedelta_formats = timedelta_formats
        self.from_excel, self.from_iso = from_excel, from_ISO8601
        self.v, self.f = f"{{{SHEET_MAIN_NS}}}v", f"{{{SHEET_MAIN_NS}}}f"
        self.inline, self.t, self.r = f"{{{SHEET_MAIN_NS}}}is", f"{{{SHEET_MAIN_NS}}}t", f"{{{SHEET_MAIN_NS}}}r"

    def __call__(self, cell) -> Any:
        kind = cell.get("t", "n")
        formula = cell.find(self.f)
        if formula is not None:
            return "=" + (formula.text or "")
        if kind == "inlineStr":
            container = cell.find(self.inline)
            return None if container is None else self.text(container)
        value = cell.findtext(self.v)
        if not value:
            return None
        if kind == "n":
            number = float(value) if "." in value or "E" in value or "e" in value else int(value)
            style = cell.get("s")
            if style and int(style) in self.date_formats:
                return self.from_excel(number, self.epoch, timedelta=int(style) in self.timedelta_formats)
            return number
        if kind == "s":
            return self.shared_strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return self.from_iso(value)
        return value  # "str" (a formula's text result), "e" (an error such as #N/A)

    def text(self, container) -> str:
        """An inline string: its plain text and its formatted runs (phonetic guides left out)."""
        snippets = []
        for child in container:
            if child.tag == self.t:
                snippets.append(child.text or "")
            elif child.tag == self.r:
                snippets.append(child.findtext(self.t) or "")
        return "".join(snippets)


def _release(element) -> None:
    """Free a parsed element and the siblings before it (lxml keeps the tree it built)."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _unreadable(exc: BaseException) -> ImportFileError:
    text = str(exc)
    if "Excessive depth" in text or "depth" in text and "nest" in text:
        return ImportFileError(f"The workbook's XML is nested more than {_MAX_DEPTH} levels deep; a spreadsheet needs "
                               "a handful. The file is damaged or built to exhaust the server.")
    if "entity" in text.lower() or "DOCTYPE" in text:
        return ImportFileError("The workbook's XML declares entities (a document type definition), which spreadsheets "
                               "never use; they can expand a small file to gigabytes. The file is damaged or built to "
                               "exhaust the server.")
    if "huge text node" in text or "xmlSAX2Characters" in text:
        return ImportFileError("The workbook holds a text far longer than a cell may be (32,767 characters, Excel's "
                               "own limit); the file is damaged or built to exhaust the server.")
    if isinstance(exc, (zipfile.BadZipFile, EOFError)) or "CRC" in text:
        return ImportFileError("The workbook is damaged (a part of the package does not unpack). Open it in Excel "
                               "and save it again as 'Excel Workbook (.xlsx)'.")
    return ImportFileError(f"The workbook cannot be read ({exc.__class__.__name__}: {text[:200]}). Open it in Excel "
                           "and save it again as 'Excel Workbook (.xlsx)'.")


def _looks_like_text(handle: IO[bytes]) -> bool:
    handle.seek(0)
    head = handle.read(4096)
    handle.seek(0)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason != "unexpected end of data":
            return False
    return b"\x00" not in head
