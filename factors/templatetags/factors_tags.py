"""Display helpers for factor pages: exact decimals, scope labels."""
from decimal import Decimal
from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def exact(value) -> str:
    """A Decimal exactly as stored (no exponent, no padding, no rounding); '—' for None."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@register.filter
def scope_label(value: str) -> str:
    return f"Scope {value}" if value else "No scope"


@register.filter
def words(value: str) -> str:
    """snake_case → words ('emission_factors' → 'emission factors')."""
    return str(value).replace("_", " ")


@register.filter
def host(url: str) -> str:
    """'https://www.gov.uk/government/…' → 'www.gov.uk' (a short, honest link text)."""
    return urlsplit(url or "").netloc or url
