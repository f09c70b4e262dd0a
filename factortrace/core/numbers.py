"""Numbers typed by people: EU and US formats, parsed to ``Decimal`` — or a clear refusal.

Accepted: ``1234.56``, ``1234,56``, ``1,234.56``, ``1.234,56``, ``1 234,56`` (also with a
narrow no-break space or an apostrophe as group separator: ``1'234.56``), a leading sign,
scientific notation (``1.5e3``). Refused as *ambiguous*: a single separator followed by exactly
three digits, like ``1,234`` or ``1.234`` — it is one thousand two hundred and thirty-four in
one convention and one point two three four in the other. Pass ``decimal_separator`` (from a
user preference or the file's declared format) to resolve it.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_GROUP_CHARS = " \u00a0\u202f'’"
_SCIENTIFIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+$")


class NumberFormatError(ValueError):
    """The text is not a number, or is ambiguous between EU and US formats."""


def parse_decimal(text: str | int | float | Decimal, *, decimal_separator: str | None = None) -> Decimal:
    """Parse ``text`` into a finite Decimal. ``decimal_separator`` is ``"."``, ``","`` or None (infer).

    Raises :class:`NumberFormatError` with a message a person can act on.
    """
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int) and not isinstance(text, bool):
        value = Decimal(text)
    elif isinstance(text, float):
        value = Decimal(repr(text))  # spreadsheets give floats; repr keeps the shortest exact form
    else:
        value = _parse_text(str(text), decimal_separator)
    if not value.is_finite():
        raise NumberFormatError(f"'{text}' is not a finite number")
    return value


def _parse_text(raw: str, decimal_separator: str | None) -> Decimal:
    text = raw.strip()
    if not text:
        raise NumberFormatError("empty value")
    if decimal_separator not in (None, ".", ","):
        raise ValueError("decimal_separator must be '.', ',' or None")
    if _SCIENTIFIC.match(text):
        return _to_decimal(text, raw)
    sign = ""
    if text[0] in "+-−":
        sign = "-" if text[0] in "-−" else ""
        text = text[1:].strip()
    for ch in _GROUP_CHARS:
        if ch in text:
            # A space-like or apostrophe group separator: the other mark, if any, is the decimal one.
            if not re.fullmatch(r"\d{1,3}([" + re.escape(_GROUP_CHARS) + r"]\d{3})+([.,]\d+)?", text):
                raise NumberFormatError(f"'{raw}' has digit groups that are not in threes")
            text = "".join(c for c in text if c not in _GROUP_CHARS)
            break
    if not re.fullmatch(r"[\d.,]+", text) or not any(c.isdigit() for c in text):
        raise NumberFormatError(f"'{raw}' is not a number")
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        # Both present: the last one is the decimal separator, the other groups thousands.
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        if text.count(decimal_mark) > 1:
            raise NumberFormatError(f"'{raw}' has more than one decimal separator")
        if decimal_separator and decimal_separator != decimal_mark:
            raise NumberFormatError(f"'{raw}' uses '{decimal_mark}' as decimal separator, "
                                    f"but this file uses '{decimal_separator}'")
        integer, _, fraction = text.partition(decimal_mark)
        _check_groups(integer, group_mark, raw)
        return _to_decimal(sign + integer.replace(group_mark, "") + "." + fraction, raw)
    mark = "." if dots else "," if commas else None
    if mark is None:
        return _to_decimal(sign + text, raw)
    count = dots or commas
    if count > 1:
        # Only grouping can repeat: 1.234.567 or 1,234,567.
        _check_groups(text, mark, raw)
        if decimal_separator == mark:
            raise NumberFormatError(f"'{raw}' has more than one decimal separator")
        return _to_decimal(sign + text.replace(mark, ""), raw)
    integer, _, fraction = text.partition(mark)
    if decimal_separator is not None:
        if mark == decimal_separator:
            return _to_decimal(sign + integer + "." + fraction, raw)
        _check_groups(text, mark, raw)
        return _to_decimal(sign + integer + fraction, raw)
    if len(fraction) == 3 and integer and integer != "0" and len(integer) <= 3:
        raise NumberFormatError(
            f"'{raw}' is ambiguous: {integer}{mark}{fraction} is {integer}{fraction} with '{mark}' "
            f"as thousands separator, or {integer}.{fraction} with '{mark}' as decimal separator. "
            "Write it without a thousands separator (e.g. 1234.5 or 1234,5) or set the file's decimal separator.")
    return _to_decimal(sign + (integer or "0") + "." + fraction, raw)


def _check_groups(integer: str, group_mark: str, raw: str) -> None:
    groups = integer.split(group_mark)
    if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise NumberFormatError(f"'{raw}' has digit groups that are not in threes")


def _to_decimal(text: str, raw: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise NumberFormatError(f"'{raw}' is not a number") from None
