"""Cells and rows: the formula-injection check, cell text, :class:`Row` with its typed accessors
(each records a problem and returns a neutral value, so every problem of a row is reported at
once), and the header: names, labels and aliases matched in any case.

Plain Python (no Django): the child process that reads files builds on it.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from factortrace.core.numbers import NumberFormatError, parse_decimal

from .contract import Column, ImportFileError, RowError

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
        if isinstance(value, (bool, dt.datetime, dt.date, dt.time)):
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



def check_cells(row: Row) -> None:
    """The formula-injection check over every text cell of a row (before the importer sees it)."""
    for column, value in row.cells.items():
        if value and type(value) is str and value[0] in _FORMULA_FIRST:
            problem = formula_problem(value)
            if problem:
                row.error(column, problem)

