"""Hostile import files, generated (nothing binary is kept in the repository). Each builds on a
real workbook or CSV for the test importer (sample.items) and swaps in the part that attacks:

    five_million_strings   a 200 KB XLSX declaring 5,000,000 shared strings (~85 MB of XML)
    one_huge_cell          a ~400 KB XLSX whose one shared string is 400 MB
    long_shared_string     a small XLSX whose one shared string is 2 MB (under the unpacked limit)
    long_inline_cell       a small XLSX whose one inline cell is 2 MB
    zip_bomb               a ~300 KB XLSX whose sheet unpacks to 300 MB
    dense_bomb             a ~100 KB XLSX whose sheet unpacks 1,000 : 1 to 100 MB (under the limit)
    deep_nesting           an XLSX whose sheet nests 100,000 elements
    far_column             an XLSX with a value in column XFD (16,384)
    huge_line              a 30 MB CSV whose second line has no end
    unclosed_quote         a CSV whose quote never closes: one 8 MB cell over many short lines
    long_header            a CSV whose header has a 200 KB column name
    entity_expansion       an XLSX whose sheet defines entities that expand to 20 GB ("billion laughs")
"""
from __future__ import annotations

import random
import zipfile
from collections.abc import Iterable
from pathlib import Path

HEADER = ["site", "quantity", "unit", "organic", "notes"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
PACKAGE_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Items" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
GOOD_ROW = (b'<row r="2"><c r="A2" t="inlineStr"><is><t>LDS</t></is></c><c r="B2"><v>12.5</v></c>'
            b'<c r="C2" t="inlineStr"><is><t>kg</t></is></c></row>')


def _base_parts() -> dict[str, Iterable[bytes]]:
    """A minimal workbook as Excel writes it (shared strings for the header), one good row."""
    return {"[Content_Types].xml": [CONTENT_TYPES], "_rels/.rels": [PACKAGE_RELS], "xl/workbook.xml": [WORKBOOK],
            "xl/_rels/workbook.xml.rels": [WORKBOOK_RELS], "xl/worksheets/sheet1.xml": _sheet(GOOD_ROW),
            "xl/sharedStrings.xml": _shared_strings([_header_strings()], len(HEADER))}


def good(path: Path) -> Path:
    return _write(path, {})


def _write(path: Path, replace: dict[str, Iterable[bytes]], level: int = 9) -> Path:
    parts = {**_base_parts(), **replace}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, chunks in parts.items():
            with archive.open(name, "w", force_zip64=True) as target:
                for chunk in chunks:
                    target.write(chunk)
    return path


def _shared_strings(strings: Iterable[bytes], count: int) -> Iterable[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'.encode()
    yield from strings
    yield b"</sst>"


def _header_strings() -> bytes:
    return b"".join(f"<si><t>{name}</t></si>".encode() for name in HEADER)


def _sheet(rows: bytes, inside: Iterable[bytes] = ()) -> Iterable[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    yield b'<row r="1">' + b"".join(f'<c r="{letter}1" t="s"><v>{index}</v></c>'.encode()
                                    for index, letter in enumerate("ABCDE")) + b"</row>"
    yield rows
    yield from inside
    yield b"</sheetData></worksheet>"


def five_million_strings(path: Path) -> Path:
    repeat = b"<si><t>x</t></si>" * 100_000
    return _write(path, {"xl/sharedStrings.xml": _shared_strings(
        [_header_strings(), *[repeat] * 50], 5_000_005)})


def one_huge_cell(path: Path, megabytes: int = 400) -> Path:
    block = b"A" * (1 << 20)
    return _write(path, {"xl/sharedStrings.xml": _shared_strings(
        [_header_strings(), b"<si><t>", *[block] * megabytes, b"</t></si>"], 6)})


def _letters(count: int) -> bytes:
    rng = random.Random(7)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(count)).encode()


def long_shared_string(path: Path) -> Path:
    return _write(path, {"xl/sharedStrings.xml": _shared_strings(
        [_header_strings(), b"<si><t>", _letters(2_000_000), b"</t></si>"], 6)})


def long_inline_cell(path: Path) -> Path:
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + _letters(2_000_000) + b"</t></is></c></row>"
    return _write(path, {"xl/worksheets/sheet1.xml": _sheet(row)})


def zip_bomb(path: Path, megabytes: int = 300) -> Path:
    block = b" " * (1 << 20)  # whitespace: valid XML, and it packs 1,000 : 1
    return _write(path, {"xl/worksheets/sheet1.xml": _sheet(b"", [block] * megabytes)})


def dense_bomb(path: Path) -> Path:
    return zip_bomb(path, megabytes=100)


def deep_nesting(path: Path, depth: int = 100_000) -> Path:
    return _write(path, {"xl/worksheets/sheet1.xml": _sheet(b"", [b"<x>" * depth, b"</x>" * depth])})


def far_column(path: Path) -> Path:
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>LDS</t></is></c><c r="XFD2"><v>1</v></c></row>'
    return _write(path, {"xl/worksheets/sheet1.xml": _sheet(row)})


def huge_line(path: Path, megabytes: int = 30) -> Path:
    with path.open("wb") as handle:
        handle.write(",".join(HEADER).encode() + b"\r\n")
        block = b"x" * (1 << 20)
        for _ in range(megabytes):
            handle.write(block)
    return path


def unclosed_quote(path: Path) -> Path:
    with path.open("wb") as handle:
        handle.write(",".join(HEADER).encode() + b"\r\nLDS,1,kg,no,\"")
        handle.write(b"a short line of text\r\n" * 400_000)
    return path


def long_header(path: Path, kilobytes: int = 200) -> Path:
    name = "a column named at length " * (kilobytes * 1024 // 25)
    path.write_bytes((",".join(HEADER) + "," + name + "\r\nLDS,1,kg,no,first,\r\n").encode())
    return path


def many_strings(path: Path, count: int = 900_000, padding: int = 0) -> Path:
    """Legal (under the shared-strings limit), but a table that needs memory to hold."""
    pad = "p" * padding
    strings = (b"".join(f"<si><t>distinct text number {n:07d}{pad}</t></si>".encode()
                        for n in range(start, start + 10_000)) for start in range(0, count, 10_000))
    return _write(path, {"xl/sharedStrings.xml": _shared_strings([_header_strings(), *strings], count + len(HEADER))},
                  level=1)


def many_rows(path: Path, count: int = 300_000) -> Path:
    """Legal, but work for the reader: ``count`` rows of numbers."""
    rows = (b"".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>LDS</t></is></c><c r="B{n}"><v>{n}.5</v></c>'
                     f'<c r="C{n}" t="inlineStr"><is><t>kg</t></is></c></row>'.encode()
                     for n in range(start, start + 10_000))
            for start in range(2, count + 2, 10_000))
    return _write(path, {"xl/worksheets/sheet1.xml": _sheet(b"", rows)}, level=1)


def entity_expansion(path: Path) -> Path:
    """'Billion laughs': entities that expand to gigabytes if a parser resolves them."""
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10))
    sheet = (f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet xmlns="{MAIN}"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData></worksheet>').encode()
    return _write(path, {"xl/worksheets/sheet1.xml": [sheet]})
