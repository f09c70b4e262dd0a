"""Figure checks every XBRL disclosure needs before it is tagged: Decimals only, finite, within
bounds, and totals and ratios that agree with their parts within rounding.

The agreement rule is XBRL Calculations 1.1 "round to nearest" — what Arelle applies with
``--calc c11r`` to a taxonomy's calculation linkbase: a figure shown as 12.3 stands for any value
in [12.25, 12.35], and a total agrees with its parts when its interval meets the sum of theirs.
Pure functions (no Django): a regime's disclosure dataclasses call them in ``__post_init__`` and
collect every problem into one list, so a person sees all of them at once.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal


def rounding_interval(value: Decimal) -> tuple[Decimal, Decimal]:
    """The values a figure may stand for given the digits it shows: 12.3 stands for [12.25, 12.35]."""
    half = Decimal(5).scaleb(value.as_tuple().exponent - 1)
    return value - half, value + half


def totals_agree(total: Decimal, parts: Iterable[Decimal]) -> bool:
    """Calculations 1.1 round-to-nearest: the total's interval meets the sum of the parts' intervals."""
    low = high = Decimal(0)
    for part in parts:
        part_low, part_high = rounding_interval(part)
        low, high = low + part_low, high + part_high
    total_low, total_high = rounding_interval(total)
    return total_low <= high and low <= total_high


def ratio_agrees(value: Decimal, numerator: Decimal, denominator: Decimal, *, factor: Decimal = Decimal(1),
                 complement: bool = False) -> bool:
    """Whether ``value`` (at the precision it shows) can be ``factor * numerator / denominator`` —
    or ``factor * (1 - numerator / denominator)`` with ``complement`` — for some numerator and
    denominator within their own rounding. Non-negative inputs; a zero denominator always agrees."""
    n_low, n_high = rounding_interval(numerator)
    d_low, d_high = rounding_interval(denominator)
    if d_low <= 0:
        return True
    low, high = max(n_low, Decimal(0)) / d_high, n_high / d_low
    if complement:
        low, high = 1 - high, 1 - low
    v_low, v_high = rounding_interval(value)
    return v_low <= high * factor and low * factor <= v_high


def check_decimal(problems: list[str], name: str, value, *, minimum: Decimal | None = Decimal(0),
                  maximum: Decimal | None = None, optional: bool = False) -> bool:
    """Append why ``value`` cannot be published as a number; True when it is a usable Decimal."""
    if value is None and optional:
        return False
    if not isinstance(value, Decimal):
        problems.append(f"{name} must be a Decimal, got {type(value).__name__}")
        return False
    if not value.is_finite():
        problems.append(f"{name} must be a finite number")
        return False
    if minimum is not None and value < minimum:
        problems.append(f"{name} must not be below {minimum} (got {value})")
    if maximum is not None and value > maximum:
        problems.append(f"{name} must not exceed {maximum} (got {value})")
    return True


def check_total(problems: list[str], what: str, total: Decimal, parts: Mapping[str, Decimal]) -> None:
    """Append a problem when ``total`` does not equal its named ``parts`` within rounding."""
    values = [v for v in parts.values() if isinstance(v, Decimal)]
    if not isinstance(total, Decimal) or len(values) != len(parts):
        return  # the type problem is reported already
    if not totals_agree(total, values):
        listed = " + ".join(f"{name} {value}" for name, value in parts.items())
        problems.append(f"{what} {total} does not equal {listed} = {sum(values)}")


def check_ratio(problems: list[str], what: str, value, numerator, denominator, *, factor: Decimal = Decimal(1),
                complement: bool = False, expected: str) -> None:
    """Append a problem when ``value`` is not ``factor * numerator / denominator`` within rounding."""
    if not all(isinstance(v, Decimal) and v.is_finite() for v in (value, numerator, denominator)):
        return  # reported as a type problem already
    if not ratio_agrees(value, numerator, denominator, factor=factor, complement=complement):
        problems.append(f"{what} {value} does not match {expected}")
