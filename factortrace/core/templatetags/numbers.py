"""Number formatting for every page and PDF: fixed decimals with thousands separators, never floats
(``{% load numbers %}``)."""
from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


def _fixed(value, places: int) -> str:
    if value is None or value == "":
        return "—"
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{number:,.{places}f}"


@register.filter
def dec(value, places=2):
    return _fixed(value, int(places))


@register.filter
def t1(value):
    return _fixed(value, 1)


@register.filter
def t3(value):
    return _fixed(value, 3)


@register.filter
def kg_t(value):
    """kg → t, one decimal."""
    return "—" if value is None else _fixed(Decimal(value) / 1000, 1)


@register.filter
def kwh_mwh(value):
    return "—" if value is None else _fixed(Decimal(value) / 1000, 1)


@register.filter
def pct(value):
    return "—" if value is None else f"{_fixed(value, 1)} %"


@register.filter
def clamp_pct(value):
    """For <progress>: 0–100, whole numbers."""
    if value is None:
        return 0
    return int(max(Decimal(0), min(Decimal(100), Decimal(value))).to_integral_value())
