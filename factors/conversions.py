"""Pure, exact conversions applied once when a publisher's value is loaded, and the CBAM mark-up.

Everything here takes and returns ``Decimal`` and runs in a decimal context that *traps*
inexact results: if a conversion could not be represented exactly (it never should — every
constant below is a terminating decimal) it raises instead of silently rounding.
No database, no clock.
"""
from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

# Exact by definition: the international avoirdupois pound is 0.45359237 kg (1959 agreement).
KG_PER_LB = Decimal("0.45359237")
THOUSAND = Decimal(1000)

EXACT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN,
                        traps=[decimal.Inexact, decimal.InvalidOperation, decimal.DivisionByZero,
                               decimal.Overflow])


def exact_sum(*values: Decimal | None) -> Decimal:
    """Sum of the values that are not None, exactly."""
    total = Decimal(0)
    for value in values:
        if value is not None:
            total = EXACT.add(total, value)
    return total


def multiply(value: Decimal, factor: Decimal) -> Decimal:
    return EXACT.multiply(value, factor)


def divide_by_thousand(value: Decimal) -> Decimal:
    """g → kg, t → … per thousand: a shift of the decimal point, always exact."""
    return EXACT.divide(value, THOUSAND)


def grams_to_kg(value: Decimal) -> Decimal:
    return divide_by_thousand(value)


def tonnes_to_kg(value: Decimal) -> Decimal:
    """t CO2e per t (CBAM) → kg CO2e per t."""
    return EXACT.multiply(value, THOUSAND)


def per_thousand_to_per_unit(value: Decimal) -> Decimal:
    """kg CO2e per thousand EUR (FIGARO) → kg CO2e per EUR."""
    return divide_by_thousand(value)


def lb_per_mwh_to_kg_per_kwh(value: Decimal) -> Decimal:
    """eGRID lb/MWh → kg/kWh: × 0.45359237 kg/lb ÷ 1000 kWh/MWh."""
    return EXACT.divide(EXACT.multiply(value, KG_PER_LB), THOUSAND)


def grams_per_kwh_to_kg_per_kwh(value: Decimal) -> Decimal:
    """Ember and IFI g/kWh → kg/kWh."""
    return divide_by_thousand(value)


def gas_co2e(mass_kg: Decimal | None, gwp: Decimal) -> Decimal | None:
    """kg of a gas → kg CO2e with a GWP (None stays None: not published)."""
    if mass_kg is None:
        return None
    return EXACT.multiply(mass_kg, gwp)


# ---------------------------------------------------------------- CBAM mark-up
# Implementing Regulation (EU) 2025/2621 (default values for the definitive period): when a
# declarant uses default values, the total embedded emissions are increased by a mark-up that
# grows over the first years of the definitive period — +10 % for 2026, +20 % for 2027, +30 % from 2028 — except for
# fertilisers (CN 2808, 2814, 2834 21, 3102, 3105), where the mark-up is +1 % in every year.
# The corrected annex of IR (EU) 2026/1740 no longer prints marked-up columns: the mark-up is
# applied to the TOTAL (direct + indirect) value.
CBAM_MARKUP_BY_YEAR = {2026: Decimal("0.10"), 2027: Decimal("0.20"), 2028: Decimal("0.30")}
CBAM_FERTILISER_MARKUP = Decimal("0.01")
CBAM_FIRST_YEAR = 2026
CBAM_PUBLISHED_QUANTUM = Decimal("0.001")  # the annex prints t CO2e/t with three decimals


class CbamMarkupError(ValueError):
    """A mark-up was asked for outside the definitive period or for an unknown sector."""


def _is_fertiliser(sector: str) -> bool:
    return sector.strip().lower() in {"fertilisers", "fertilizers", "fertiliser", "fertilizer"}


def cbam_markup_rate(*, year: int, sector: str) -> Decimal:
    """The mark-up fraction for ``year`` (0.10 = +10 %). Years after 2028 keep +30 %."""
    if year < CBAM_FIRST_YEAR:
        raise CbamMarkupError(f"The CBAM mark-up applies from {CBAM_FIRST_YEAR} (definitive period); got {year}")
    if not sector or not sector.strip():
        raise CbamMarkupError("Name the CBAM sector (cement, iron and steel, aluminium, fertilisers, hydrogen)")
    if _is_fertiliser(sector):
        return CBAM_FERTILISER_MARKUP
    return CBAM_MARKUP_BY_YEAR.get(year, CBAM_MARKUP_BY_YEAR[2028])


def cbam_default_with_markup(total: Decimal, *, year: int, sector: str, rounded: bool = True) -> Decimal:
    """Default value including the mark-up, from the TOTAL default value.

    ``total`` is in the unit it is given in (t CO2e/t as published, or kg CO2e/t): the mark-up is
    a ratio. With ``rounded`` the result is rounded half-up to the annex's three decimals of
    t CO2e/t (pass the published t CO2e/t value); without, the exact product is returned.
    Example (China, CN 7207 11 11, route C, 2026): 3.169 × 1.10 = 3.4859 → 3.486.
    """
    if not isinstance(total, Decimal):
        raise TypeError("cbam_default_with_markup() takes a Decimal")
    exact = EXACT.multiply(total, EXACT.add(Decimal(1), cbam_markup_rate(year=year, sector=sector)))
    return exact.quantize(CBAM_PUBLISHED_QUANTUM, rounding=ROUND_HALF_UP) if rounded else exact
