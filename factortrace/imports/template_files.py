"""The downloadable templates of an importer: CSV (the column guide as '#' lines) and XLSX (a
data sheet with drop-downs and a 'Column guide' sheet)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from factortrace.core.csvsafe import safe_cell

from .contract import Importer
from .readers import column_letter


def template_csv(importer: Importer) -> bytes:
    """The CSV template: the column guide as '#' lines (skipped on import), the header, example rows."""
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
    for title, _header, rows in importer.guide_sections():
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
    letters = [column_letter(index + 1) for index in range(len(importer.columns))]
    for letter, column in zip(letters, importer.columns, strict=False):
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
    for letter, width in zip("ABCDE", (22, 10, 80, 40, 24), strict=False):
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

