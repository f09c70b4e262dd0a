"""The one unit registry (pint) and the conversions every regime uses.

Rules:
- Quantities are ``Decimal``; conversion factors are exact Decimals from pint's definitions.
- Incompatible dimensions raise :class:`UnitError` naming both units — never a silent number.
- Currencies are dimensions of their own (EUR, USD, GBP, …): there is no FX conversion
  without a stated rate (:func:`convert_currency` takes one explicitly).
- Gross and net calorific value stay distinct: ``kWh (Gross CV)`` never converts to
  ``kWh (Net CV)``. A plain ``kWh`` is "basis not stated" and matches either.
- Counting units publishers use are dimensions too: passenger (passenger·km), room·night,
  vehicle (vehicle·km), FTE hour.

Public API: :data:`ureg`, :class:`UnitError`, :func:`parse_unit`, :func:`convert`,
:func:`conversion_factor`, :func:`compatible`, :func:`canonical`, :data:`UNIT_CHOICES`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pint

ureg = pint.UnitRegistry(non_int_type=Decimal, autoconvert_offset_to_baseunit=False, cache_folder=None)

# Emissions, counting units and currencies (each currency its own dimension).
for definition in (
    "kgCO2e = [emissions] = kg_CO2e",
    "tCO2e = 1000 * kgCO2e = t_CO2e",
    "gCO2e = 0.001 * kgCO2e = g_CO2e",
    "MtCO2e = 1e9 * kgCO2e",
    "passenger = [passenger]",
    "vehicle = [vehicle]",
    "room_night = [room_night] = room-night",
    "fte_hour = [fte_hour] = FTE_hour",
    "EUR = [currency_EUR]",
    "kEUR = 1000 * EUR",
    "mEUR = 1000000 * EUR",
    "USD = [currency_USD]",
    "GBP = [currency_GBP]",
    "CHF = [currency_CHF]",
    "mmBtu = 1000000 * Btu = MMBtu = mmbtu",
    "scf = foot ** 3",
    "ccf = 100 * foot ** 3",
    "Mcf = 1000 * foot ** 3",
):
    ureg.define(definition)

_CURRENCIES = ("EUR", "USD", "GBP", "CHF")


class UnitError(ValueError):
    """A unit that cannot be parsed, or two units that cannot be converted."""


@dataclass(frozen=True)
class ParsedUnit:
    text: str            # what was given
    expression: str      # pint expression
    cv_basis: str | None  # "gross", "net" or None (not stated / not an energy unit)

    @property
    def quantity(self) -> pint.Quantity:
        return ureg.Quantity(Decimal(1), self.expression)


# Spellings used by DESNZ, EPA and people → pint expressions. Matched case-insensitively
# after the calorific-value tag is removed.
_ALIASES = {
    "tonnes": "tonne", "tonne": "tonne", "t": "tonne", "metric ton": "tonne", "metric tons": "tonne",
    "short ton": "short_ton", "short tons": "short_ton", "ton (short)": "short_ton",
    "long ton": "long_ton", "kg": "kg", "kilogram": "kg", "kilograms": "kg", "g": "gram", "lb": "pound",
    "lbs": "pound", "pound": "pound",
    "litres": "liter", "litre": "liter", "liters": "liter", "liter": "liter", "l": "liter",
    "million litres": "megaliter", "ml": "milliliter", "kl": "kiloliter",
    "cubic metres": "meter ** 3", "cubic meters": "meter ** 3", "m3": "meter ** 3", "m³": "meter ** 3",
    "m^3": "meter ** 3", "gallon": "gallon", "gallons": "gallon", "us gallon": "gallon",
    "gallon (us)": "gallon", "imperial gallon": "imperial_gallon", "scf": "scf", "ccf": "ccf", "mcf": "Mcf",
    "kwh": "kilowatt_hour", "mwh": "megawatt_hour", "gwh": "gigawatt_hour", "wh": "watt_hour",
    "gj": "gigajoule", "mj": "megajoule", "tj": "terajoule",
    "therm": "therm", "therms": "therm", "mmbtu": "mmBtu", "btu": "Btu",
    "km": "kilometer", "kilometres": "kilometer", "kilometers": "kilometer", "miles": "mile", "mile": "mile",
    "passenger.km": "passenger * kilometer", "passenger km": "passenger * kilometer",
    "passenger-km": "passenger * kilometer", "pkm": "passenger * kilometer", "p.km": "passenger * kilometer",
    "passenger.mile": "passenger * mile", "passenger-mile": "passenger * mile", "passenger mile": "passenger * mile",
    "tonne.km": "tonne * kilometer", "tonne-km": "tonne * kilometer", "tonne km": "tonne * kilometer",
    "tkm": "tonne * kilometer", "t.km": "tonne * kilometer",
    "ton-mile": "short_ton * mile", "ton.mile": "short_ton * mile", "short ton-mile": "short_ton * mile",
    "vehicle-mile": "vehicle * mile", "vehicle.mile": "vehicle * mile", "vehicle mile": "vehicle * mile",
    "vehicle-km": "vehicle * kilometer", "vehicle.km": "vehicle * kilometer",
    "room per night": "room_night", "room night": "room_night", "room-night": "room_night",
    "per fte working hour": "fte_hour", "fte hour": "fte_hour",
    "kgco2e": "kgCO2e", "kg co2e": "kgCO2e", "tco2e": "tCO2e", "t co2e": "tCO2e", "gco2e": "gCO2e",
    "g co2e": "gCO2e",
    "eur": "EUR", "€": "EUR", "keur": "kEUR", "thousand eur": "kEUR", "usd": "USD", "$": "USD",
    "gbp": "GBP", "£": "GBP", "chf": "CHF",
}

# Spellings found in suppliers' files and invoices (added with the factor library; aliases only).
_ALIASES.update({
    "kilowatt-hour": "kilowatt_hour", "kilowatt-hours": "kilowatt_hour", "megawatt-hour": "megawatt_hour",
    "megawatt-hours": "megawatt_hour", "million btu": "mmBtu", "metric tonne": "tonne", "metric tonnes": "tonne",
    "tonne-kilometre": "tonne * kilometer", "tonne-kilometres": "tonne * kilometer",
    "tonne kilometres": "tonne * kilometer", "tonnes.km": "tonne * kilometer",
    "passenger-kilometre": "passenger * kilometer", "passenger-kilometres": "passenger * kilometer",
    "passenger kilometres": "passenger * kilometer", "passenger-miles": "passenger * mile",
    "passenger miles": "passenger * mile", "vehicle-miles": "vehicle * mile", "vehicle miles": "vehicle * mile",
    "vehicle-kilometres": "vehicle * kilometer", "vehicle km": "vehicle * kilometer",
    "ton-miles": "short_ton * mile", "short ton-miles": "short_ton * mile", "short ton mile": "short_ton * mile",
    "room nights": "room_night", "room-nights": "room_night",
})

_CV_PATTERN = re.compile(r"\s*\((gross|net)(?:\s*cv)?\)\s*$|\s+(gross|net)(?:\s*cv)?\s*$", re.IGNORECASE)

# The choices offered in forms (value, label).
UNIT_CHOICES = [
    ("Energy", [("kWh", "kWh"), ("kWh (Gross CV)", "kWh, gross CV"), ("kWh (Net CV)", "kWh, net CV"),
                ("MWh", "MWh"), ("GJ", "GJ"), ("therm", "therm"), ("mmBtu", "mmBtu")]),
    ("Volume", [("litres", "litres"), ("cubic metres", "m³"), ("gallon", "US gallon"), ("scf", "scf")]),
    ("Mass", [("kg", "kg"), ("tonnes", "tonnes"), ("short ton", "short ton")]),
    ("Distance and transport", [("km", "km"), ("miles", "miles"), ("passenger.km", "passenger·km"),
                                ("tonne.km", "tonne·km"), ("vehicle-mile", "vehicle·mile")]),
    ("Spend", [("EUR", "EUR"), ("USD", "USD"), ("GBP", "GBP")]),
    ("Other", [("room per night", "room·night"), ("per FTE working hour", "FTE hour")]),
]


# What a person may type beyond the spellings above: unit names joined by ``*``, ``/``, ``.`` or
# spaces, a one-digit exponent (``m^3``, ``kg**-1``), shallow parentheses. Anything else (pint
# evaluates its input as arithmetic: ``kg**(9**9**9)``, ``m/0``, deep nesting) is refused before
# pint sees it, so hostile input costs nothing and always ends in a UnitError.
MAX_UNIT_LENGTH = 64
MAX_UNIT_NESTING = 3
_UNIT_CHARS = re.compile(r"^[\w .*/^()²³€$£-]*$")
_EXPONENT = re.compile(r"\*\*|\^")
_SMALL_EXPONENT = re.compile(r"\s*-?\d(?![\w.(])(?!\s*(\*\*|\^))")


def _shown(raw: str) -> str:
    return "".join(char if char.isprintable() else "\ufffd" for char in raw)


def _check_expression(raw: str, expression: str) -> None:
    """Refuse what is not a plain unit expression (see above); raises :class:`UnitError`."""
    raw = _shown(raw)
    if not _UNIT_CHARS.match(expression):
        raise UnitError(f"Unknown unit '{raw}'")
    depth = 0
    for char in expression:
        depth += (char == "(") - (char == ")")
        if depth < 0 or depth > MAX_UNIT_NESTING:
            raise UnitError(f"Unknown unit '{raw}': unbalanced or too deeply nested parentheses")
    if depth:
        raise UnitError(f"Unknown unit '{raw}': unbalanced parentheses")
    for match in _EXPONENT.finditer(expression):
        if not _SMALL_EXPONENT.match(expression, match.end()):
            raise UnitError(f"Unknown unit '{raw}': an exponent is one digit, e.g. m^3 or kg**-1")


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> ParsedUnit:
    """Parse a publisher's or person's unit spelling. Raises :class:`UnitError` — never anything
    else, whatever the input."""
    if text is None or not str(text).strip():
        raise UnitError("No unit given")
    raw = str(text).strip()
    if len(raw) > MAX_UNIT_LENGTH:
        raise UnitError(f"Unknown unit '{_shown(raw[:MAX_UNIT_LENGTH])}…': "
                        f"a unit is at most {MAX_UNIT_LENGTH} characters")
    cv = None
    match = _CV_PATTERN.search(raw)
    base = raw
    if match:
        cv = (match.group(1) or match.group(2)).lower()
        base = raw[: match.start()].strip()
    key = base.lower()
    expression = _ALIASES.get(key)
    if expression is None:
        expression = base
        _check_expression(raw, expression)
    try:
        quantity = ureg.Quantity(Decimal(1), expression)
    except Exception as exc:
        raise UnitError(f"Unknown unit '{_shown(raw)}'") from exc
    if not isinstance(quantity, pint.Quantity) or quantity.magnitude != 1:
        raise UnitError(f"'{raw}' is not a unit")
    if cv and not quantity.check("[energy]"):
        raise UnitError(f"'{raw}': a calorific-value basis only applies to energy units")
    return ParsedUnit(text=raw, expression=expression, cv_basis=cv)


def canonical(text: str) -> str:
    """A stable spelling for storage and display, e.g. 'litres' → 'liter'."""
    parsed = parse_unit(text)
    unit = f"{parsed.quantity.units:~}"
    return f"{unit} ({parsed.cv_basis} CV)" if parsed.cv_basis else unit


def compatible(a: str, b: str) -> bool:
    try:
        conversion_factor(a, b)
        return True
    except UnitError:
        return False


@lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> Decimal:
    """Multiply a value in ``from_unit`` by this to get it in ``to_unit``."""
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    if source.cv_basis and target.cv_basis and source.cv_basis != target.cv_basis:
        raise UnitError(
            f"Cannot convert '{source.text}' to '{target.text}': gross and net calorific values differ "
            "by fuel (about 10 % for natural gas); use a factor on the same basis")
    try:
        factor = source.quantity.to(target.quantity.units).magnitude
    except pint.errors.DimensionalityError as exc:
        raise UnitError(
            f"Cannot convert '{source.text}' ({_dimension_name(source)}) to '{target.text}' "
            f"({_dimension_name(target)})") from exc
    return Decimal(factor)


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """``value`` in ``from_unit`` expressed in ``to_unit``. Raises :class:`UnitError`."""
    if not isinstance(value, Decimal):
        raise TypeError("convert() takes a Decimal")
    return value * conversion_factor(from_unit, to_unit)


def convert_currency(value: Decimal, from_currency: str, to_currency: str, *, rate: Decimal) -> Decimal:
    """Explicit FX: ``rate`` is units of ``to_currency`` per one ``from_currency``."""
    source, target = parse_unit(from_currency), parse_unit(to_currency)
    if not (_is_currency(source) and _is_currency(target)):
        raise UnitError(f"'{from_currency}' → '{to_currency}' is not a currency conversion")
    base_from = source.quantity.to_base_units()
    base_to = target.quantity.to_base_units()
    return value * base_from.magnitude * rate / base_to.magnitude


def _is_currency(parsed: ParsedUnit) -> bool:
    dims = parsed.quantity.dimensionality
    return len(dims) == 1 and next(iter(dims)).startswith("[currency_")


_DIMENSION_NAMES = {
    ureg.get_dimensionality(dims): name for dims, name in (
        ("[energy]", "energy"), ("[length]", "distance"), ("[mass]", "mass"), ("[volume]", "volume"),
        ("[emissions]", "emissions"), ("[passenger] * [length]", "passenger distance"),
        ("[mass] * [length]", "freight, mass × distance"), ("[vehicle] * [length]", "vehicle distance"),
        ("[room_night]", "hotel nights"), ("[fte_hour]", "working hours"),
    )
}


def _dimension_name(parsed: ParsedUnit) -> str:
    dims = parsed.quantity.dimensionality
    if _is_currency(parsed):
        return f"money in {str(dims)[len('[currency_'):-1]}"
    return _DIMENSION_NAMES.get(dims, str(dims))
