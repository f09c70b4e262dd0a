"""EU and US number formats (DESIGN.md: ambiguous input is rejected, never guessed)."""
from decimal import Decimal

import pytest

from factortrace.core.numbers import NumberFormatError, parse_decimal


@pytest.mark.parametrize("text, expected", [
    ("1234.56", "1234.56"),
    ("1234,56", "1234.56"),      # EU decimal comma
    ("1,234.56", "1234.56"),     # US grouping
    ("1.234,56", "1234.56"),     # EU grouping
    ("1 234,56", "1234.56"),     # space grouping (FR, SE)
    ("1\u202f234,56", "1234.56"),  # narrow no-break space (what Excel FR exports)
    ("1'234.56", "1234.56"),     # Swiss apostrophe
    ("-12,5", "-12.5"),
    ("−3,5", "-3.5"),            # typographic minus
    ("0,125", "0.125"),          # leading zero: decimal, not grouping
    ("1234,567", "1234.567"),    # four digits before: cannot be grouping
    ("1.234.567", "1234567"),    # repeated mark can only be grouping
    ("1,234,567", "1234567"),
    ("1.5e3", "1500"),
    (".5", "0.5"),
    ("42", "42"),
])
def test_it_parses_eu_and_us_formats(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["1,234", "1.234", "12.500"])
def test_it_rejects_ambiguous_thousands(text):
    with pytest.raises(NumberFormatError, match="ambiguous"):
        parse_decimal(text)


@pytest.mark.parametrize("text, separator, expected", [
    ("1,234", ",", "1.234"),
    ("1,234", ".", "1234"),
    ("1.234", ",", "1234"),
    ("1.234", ".", "1.234"),
])
def test_declared_separator_resolves_ambiguity(text, separator, expected):
    assert parse_decimal(text, decimal_separator=separator) == Decimal(expected)


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("abc", "not a number"),
    ("12,34,567", "not in threes"),
    ("1 23,4", "not in threes"),
    ("1.234,567.8", "more than one decimal separator"),
    ("1e", "not a number"),
])
def test_it_names_what_is_wrong(text, message):
    with pytest.raises(NumberFormatError, match=message):
        parse_decimal(text)


def test_it_refuses_a_conflicting_declared_separator():
    with pytest.raises(NumberFormatError, match="this file uses"):
        parse_decimal("1,234.5", decimal_separator=",")


def test_spreadsheet_floats_keep_their_shortest_form():
    assert parse_decimal(0.1) == Decimal("0.1")
    assert parse_decimal(12) == Decimal(12)
