"""Reading import files, without the database: encodings, delimiters, headers, cells, formulas,
XLSX, and the COPY spool. The importer's columns here are a toy spec; the CSRD importer's own
rules are tested in regimes/inventory/tests/test_importing.py; the whole flow in test_services.py."""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal as D

import pytest

from factortrace.imports import (
    Column,
    ImportFileError,
    JsonText,
    Row,
    check_cells,
    copy_encoded,
    copy_line,
    formula_problem,
    map_header,
    normalise_header,
    open_table,
)

COLUMNS = (
    Column("site", "Site", "where", required=True),
    Column("quantity", "Quantity", "how much", required=True),
    Column("unit", "Unit", "of what", required=True),
    Column("scope3_category", "Scope 3 category", "which", aliases=("cat",)),
    Column("notes", "Notes", "anything"),
)


def write(tmp_path, content: bytes, name: str = "data.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def read(tmp_path, content: bytes, name: str = "data.csv", separator=None):
    fmt = "xlsx" if name.endswith(".xlsx") else "csv"
    with open_table(write(tmp_path, content, name), fmt, COLUMNS, decimal_separator=separator) as table:
        rows = list(table.rows())
        for row in rows:
            check_cells(row)
        return table, rows


def problem(tmp_path, content: bytes, name: str = "data.csv") -> str:
    with pytest.raises(ImportFileError) as info:
        read(tmp_path, content, name)
    return str(info.value)


# ---------------------------------------------------------------- formulas
@pytest.mark.parametrize("text, refused", [
    ("=HYPERLINK(\"http://evil\")", True),
    ("=1+1", True),
    ("@SUM(A1)", True),
    ("+A1", True),
    ("-cmd|' /C calc'!A0", True),
    ("\tleading tab", True),
    ("\rcarriage", True),
    ("-5", False),      # a negative number, not a formula
    ("+49 30 1234", False),
    ("-0,5", False),
    ("-", False),       # a lone dash means "none" in many sheets
    ("Natural gas = boilers", False),  # only a leading character matters
    ("", False),
])
def test_formula_prefixes_are_refused_and_numbers_are_not(text, refused):
    assert (formula_problem(text) is not None) is refused


# ---------------------------------------------------------------- headers
def test_headers_match_by_name_label_or_alias_in_any_case():
    assert normalise_header("Scope 3 category *") == "scope_3_category"
    assert map_header(["SITE", "Quantity", "unit", "Scope-3 Category", "", "NOTES"], COLUMNS) == [
        "site", "quantity", "unit", "scope3_category", None, "notes"]
    assert map_header(["site", "quantity", "unit", "cat"], COLUMNS)[3] == "scope3_category"


def test_missing_unknown_and_repeated_columns_are_all_named():
    with pytest.raises(ImportFileError) as info:
        map_header(["site", "colour", "site", "notes"], COLUMNS)
    message = str(info.value)
    assert "unknown column 'colour'" in message
    assert "repeated column 'site'" in message
    assert "missing required columns quantity, unit" in message


# ---------------------------------------------------------------- CSV
def test_us_csv_with_bom_and_crlf_is_read(tmp_path):
    table, rows = read(tmp_path, "\ufeffsite,quantity,unit,notes\r\nLDS,\"1,234.5\",kWh,first\r\nOH1,12,litres,\r\n"
                       .encode("utf-8"))
    assert table.describe() == "CSV, UTF-8, comma-separated"
    assert [row.number for row in rows] == [2, 3]
    assert rows[0].cells == {"site": "LDS", "quantity": "1,234.5", "unit": "kWh", "notes": "first"}
    assert rows[0].decimal("quantity") == D("1234.5") and not rows[0].errors


def test_semicolon_csv_with_decimal_commas_is_read(tmp_path):
    table, rows = read(tmp_path, b"site;quantity;unit\nLDS;1.234,56;kWh\nOH1;12,5;t\nOH2;1 250,75;kg\n")
    assert table.describe() == "CSV, UTF-8, semicolon-separated"
    assert [row.decimal("quantity") for row in rows] == [D("1234.56"), D("12.5"), D("1250.75")]
    assert all(not row.errors for row in rows)


def test_tab_separated_text_is_read(tmp_path):
    _, rows = read(tmp_path, b"site\tquantity\tunit\nLDS\t5\tkWh\n")
    assert rows[0].decimal("quantity") == D(5)


def test_ambiguous_number_is_refused_in_auto_mode_naming_row_and_column(tmp_path):
    _, rows = read(tmp_path, b"site;quantity;unit\nLDS;1,234;kWh\n")
    assert rows[0].decimal("quantity") is None
    (error,) = rows[0].errors
    assert (error.row, error.column, error.cell, error.value) == (2, "quantity", "B2", "1,234")
    assert "ambiguous" in error.reason


def test_the_chosen_decimal_separator_resolves_ambiguity(tmp_path):
    _, rows = read(tmp_path, b"site;quantity;unit\nLDS;1,234;kWh\n", separator=",")
    assert rows[0].decimal("quantity") == D("1.234")
    _, rows = read(tmp_path, b"site,quantity,unit\nLDS,\"1,234\",kWh\n", separator=".")
    assert rows[0].decimal("quantity") == D("1234")


def test_guide_lines_before_the_header_are_skipped_and_rows_keep_their_spreadsheet_number(tmp_path):
    content = b'# Template\n"# site (required): where, or here"\n\nsite,quantity,unit\nLDS,1,kWh\n\nOH1,2,kWh\n'
    table, rows = read(tmp_path, content)
    assert table.header_row == 4
    assert [row.number for row in rows] == [5, 7]


def test_windows_1252_is_refused_naming_the_line_and_the_encoding_to_use(tmp_path):
    content = "site,quantity,unit,notes\nLDS,1,kWh,ok\nOH1,2,kWh,Caf\u00e9 r\u00e9sum\u00e9\n".encode("cp1252")
    message = problem(tmp_path, content)
    assert "not UTF-8" in message and "line 3" in message and "0xE9" in message
    assert "CSV UTF-8" in message


def test_a_bad_byte_after_the_first_megabyte_is_found_on_its_line(tmp_path):
    rows = b"".join(b"LDS,1,kWh,plain text row\n" for _ in range(60_000))
    message = problem(tmp_path, b"site,quantity,unit,notes\n" + rows + b"OH1,2,kWh,na\xefve\n")
    assert "line 60002" in message


def test_utf16_is_refused_with_what_to_do(tmp_path):
    message = problem(tmp_path, "site,quantity,unit\nLDS,1,kWh\n".encode("utf-16"))
    assert "UTF-16" in message and "CSV UTF-8" in message


def test_empty_and_blank_files_are_refused(tmp_path):
    assert problem(tmp_path, b"") == "The file is empty."
    assert "no header row" in problem(tmp_path, b"\n\n  \n")


def test_a_file_without_a_recognisable_header_says_what_the_header_should_be(tmp_path):
    message = problem(tmp_path, b"LDS,1,kWh\nOH1,2,kWh\n")
    assert "first row must be the header" in message and "site, quantity, unit" in message


@pytest.mark.parametrize("header", [
    b"site,quantity,unit," + b"x" * 200_000,            # one cell over csv's 128 KB field limit
    b"site,quantity,unit" + b",extra" * 30_000,           # 180 KB of short cells
    b'"' + b"y" * 140_000,                                # an unclosed quote running to the end
])
def test_a_header_row_over_64_kb_is_the_imports_normal_error(tmp_path, header):
    message = problem(tmp_path, header + b"\nLDS,1,kWh\n")
    assert "The header row (line 1) is" in message and "may be at most 64 KB" in message and len(message) < 500


def test_header_only_file_has_no_rows(tmp_path):
    _, rows = read(tmp_path, b"site,quantity,unit\n")
    assert rows == []


def test_a_row_with_more_cells_than_the_header_is_refused_with_the_likely_cause(tmp_path):
    _, rows = read(tmp_path, b"site,quantity,unit\nLDS,1234,5,kWh\n")
    (error,) = rows[0].errors
    assert error.row == 2 and "4 cells but the header has 3" in error.reason
    assert "decimal comma" in error.reason


def test_a_semicolon_inside_an_unquoted_value_is_refused(tmp_path):
    _, rows = read(tmp_path, b"site;quantity;unit;notes\nLDS;1;kWh;gas; boilers\n")
    (error,) = rows[0].errors
    assert "5 cells but the header has 4" in error.reason and "semicolon" in error.reason


def test_rows_padded_by_a_spreadsheet_are_fine(tmp_path):
    # Excel pads every row, the header too, to the widest row it ever saw.
    _, rows = read(tmp_path, b"site;quantity;unit;;\nLDS;1;kWh;;\n")
    assert not rows[0].errors and rows[0].cells["unit"] == "kWh"


def test_a_row_wider_than_the_header_is_refused_even_if_the_extra_cells_are_empty(tmp_path):
    _, rows = read(tmp_path, b"site;quantity;unit\nLDS;1;kWh;\n")
    assert "4 cells but the header has 3" in rows[0].errors[0].reason


def test_a_value_under_a_blank_header_is_refused(tmp_path):
    _, rows = read(tmp_path, b"site,quantity,,unit\nLDS,1,oops,kWh\nOH1,2,,kWh\n")
    assert [e.cell for e in rows[0].errors] == ["C2"] and not rows[1].errors


def test_formula_cells_are_refused_naming_the_cell(tmp_path):
    _, rows = read(tmp_path, b'site,quantity,unit,notes\nLDS,1,kWh,"=HYPERLINK(""http://x"",""y"")"\n'
                             b"OH1,2,kWh,-2+3\n")
    (first,) = rows[0].errors
    assert (first.column, first.cell) == ("notes", "D2") and "formula" in first.reason
    assert rows[1].errors == []  # '-' then a digit reads as a (negative) number, as the rule says


def test_a_workbook_named_csv_is_refused(tmp_path):
    assert "Excel workbook" in problem(tmp_path, b"PK\x03\x04rest-of-a-zip")


# ---------------------------------------------------------------- cells
def make_row(**cells):
    return Row(7, cells, {"quantity": "B", "notes": "E"}, None)


def test_decimal_places_and_magnitude_follow_the_model_field():
    row = make_row(quantity="0.1234567")
    assert row.decimal("quantity", max_digits=24, decimal_places=6) is None
    assert "more than 6 decimal places" in row.errors[0].reason
    row = make_row(quantity="1.5000000")
    assert row.decimal("quantity", max_digits=24, decimal_places=6) == D("1.5")
    row = make_row(quantity="1e19")
    assert row.decimal("quantity", max_digits=24, decimal_places=6) is None
    assert "too large" in row.errors[0].reason


def test_text_length_and_required_values_are_checked():
    row = make_row(notes="x" * 301, quantity="")
    assert row.text("notes", max_length=300) == "x" * 300
    assert row.decimal("quantity", required=True) is None
    assert [(e.column, e.cell) for e in row.errors] == [("notes", "E7"), ("quantity", "B7")]
    assert "is required" in row.errors[1].reason


@pytest.mark.parametrize("value, expected", [("yes", True), ("X", True), ("0", False), ("No", False), ("", False),
                                             (True, True)])
def test_booleans(value, expected):
    assert make_row(flag=value).boolean("flag") is expected


def test_a_boolean_that_is_neither_is_an_error():
    row = make_row(flag="maybe")
    row.boolean("flag")
    assert "yes or no" in row.errors[0].reason


def test_spreadsheet_numbers_are_text_without_a_spurious_decimal():
    assert make_row(site=101.0).text("site") == "101"
    assert make_row(quantity=1234.5).decimal("quantity") == D("1234.5")


# ---------------------------------------------------------------- XLSX
def workbook(rows, formula_at=None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if formula_at:
        sheet[formula_at] = "=B2*2"
    book.create_sheet("Column guide").append(["ignored"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_first_sheet_is_read_with_typed_cells(tmp_path):
    content = workbook([["site", "quantity", "unit", "notes"], ["LDS", 1234.5, "kWh", None], [None] * 4,
                        [101, 2, "litres", "x"]])
    table, rows = read(tmp_path, content, "data.xlsx")
    assert table.describe() == "XLSX, sheet 'Sheet'"
    assert [row.number for row in rows] == [2, 4]
    assert rows[0].decimal("quantity") == D("1234.5") and rows[1].text("site") == "101"


def test_xlsx_formula_cells_are_refused_naming_the_cell(tmp_path):
    content = workbook([["site", "quantity", "unit"], ["LDS", 1, "kWh"], ["OH1", 2, "kWh"]], formula_at="B3")
    _, rows = read(tmp_path, content, "data.xlsx")
    (error,) = rows[1].errors
    assert (error.row, error.column, error.cell) == (3, "quantity", "B3") and "formula" in error.reason


def test_csv_text_named_xlsx_is_refused(tmp_path):
    message = problem(tmp_path, b"site,quantity,unit\nLDS,1,kWh\n", "data.xlsx")
    assert "not an Excel workbook" in message and "CSV" in message


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "not an Excel workbook" in problem(tmp_path, buffer.getvalue(), "data.xlsx")


def test_an_old_xls_or_encrypted_workbook_is_refused(tmp_path):
    assert ".xls" in problem(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "data.xlsx")


def test_a_damaged_workbook_is_refused(tmp_path):
    content = workbook([["site", "quantity", "unit"]])
    assert "workbook" in problem(tmp_path, content[: len(content) // 2], "data.xlsx")


# ---------------------------------------------------------------- COPY text
def test_rows_are_written_in_postgresql_copy_text_with_escapes():
    first = copy_line(["tab\there", "line\nbreak\\", None, True, JsonText('{"k":"v\\n"}')], 7, "\t42\n")
    second = copy_line([D("1.50"), 3, "", False, {"x": [1, 2]}, copy_encoded("a\tb")], 8, "\t42\n")
    assert first == 'tab\\there\tline\\nbreak\\\\\t\\N\tt\t{"k":"v\\\\n"}\t7\t42\n'
    assert second == '1.50\t3\t\tf\t{"x":[1,2]}\ta\\tb\t8\t42\n'


# ---------------------------------------------------------------- limits, before parsing
def limited(tmp_path, content: bytes, name: str, **limits):
    from factortrace.imports import Limits

    fmt = "xlsx" if name.endswith(".xlsx") else "csv"
    path = write(tmp_path, content, name)
    with pytest.raises(ImportFileError) as info, \
            open_table(path, fmt, COLUMNS, decimal_separator=None, limits=Limits(**limits)) as table:
        list(table.rows())
    return str(info.value)


def test_a_line_longer_than_the_limit_is_refused_naming_it(tmp_path):
    content = b"site,quantity,unit\nLDS,1,kWh\nOH1,2,kWh," + b"x" * 3000 + b"\n"
    assert limited(tmp_path, content, "data.csv", line_bytes=2048).startswith("Line 3 of the file is ")


def test_a_header_longer_than_the_limit_or_wider_than_the_columns_is_refused(tmp_path):
    assert "header row (line 1) is 4 KB long" in limited(
        tmp_path, b"site,quantity,unit," + b"n" * 4000 + b"\nLDS,1,kWh,\n", "data.csv", header_bytes=1024)
    assert "header row has 300 cells; an import file may have at most 256 columns" in limited(
        tmp_path, b"site,quantity,unit" + b"," * 297 + b"\nLDS,1,kWh\n", "data.csv")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    assert "the limit is 1 MB" in limited(tmp_path, b"site,quantity,unit\n" + b"LDS,1,kWh\n" * 200_000, "data.csv",
                                          file_bytes=1024 * 1024)


def test_xlsx_limits_apply_to_the_package_and_to_cells(tmp_path):
    content = workbook([["site", "quantity", "unit", "notes"], ["LDS", 1, "kWh", "y" * 500]])
    assert "may unpack to at most" in limited(tmp_path, content, "data.xlsx", xlsx_unpacked_bytes=4096)
    assert "package of" in limited(tmp_path, content, "data.xlsx", xlsx_parts=3)
    assert "Cell D2 holds 500 characters; a cell may hold at most 100" in limited(tmp_path, content, "data.xlsx",
                                                                                  cell_chars=100)


# ---------------------------------------------------------------- the isolated reader
def test_the_child_process_reads_what_the_worker_would_read(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    from factortrace.imports import Limits, open_isolated

    book = Workbook()
    sheet = book.active
    sheet.append(["site", "quantity", "unit", "notes", None, "scope3_category"])
    sheet.append(["LDS", 1234.5, "kWh", dt.datetime(2025, 3, 1, 12, 30), "stray", 6])  # noqa: DTZ001 — a spreadsheet cell has no time zone
    sheet.append(["Café ☕", True, "=B2*2", dt.date(2025, 1, 2), None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    for name, content in (("data.xlsx", buffer.getvalue()),
                          ("data.csv", "site;quantity;unit\nLDS;1,5;kWh\n\"Café ☕\";2;t\n".encode())):
        path = write(tmp_path, content, name)
        fmt = name.rsplit(".", 1)[1]
        with open_table(path, fmt, COLUMNS, decimal_separator=None) as local:
            expected = [(row.number, row.cells, row.errors) for row in local.rows()]
            described = local.describe()
        with open_isolated(path, fmt, COLUMNS, decimal_separator=None, limits=Limits()) as isolated:
            assert isolated.describe() == described
            assert [(row.number, row.cells, list(row.errors)) for row in isolated.rows()] == expected
        assert isolated.usage["cpu_s"] > 0
    assert expected[0][1]["site"] == "LDS"


def test_a_file_problem_found_by_the_child_is_the_same_message(tmp_path):
    from factortrace.imports import Limits, open_isolated

    path = write(tmp_path, "site,quantity,unit\nOH1,2,Caf\u00e9\n".encode("cp1252"), "data.csv")
    with pytest.raises(ImportFileError, match="not UTF-8: line 2 has the byte 0xE9"):
        open_isolated(path, "csv", COLUMNS, decimal_separator=None, limits=Limits())
