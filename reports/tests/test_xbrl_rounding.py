"""reports.xbrl.rounding: the Calculations 1.1 round-to-nearest checks every disclosure runs.

Worked by hand: a figure shown with n decimals stands for ±half a unit of its last digit.
"""
from decimal import Decimal as D

import pytest

from reports.xbrl.rounding import (
    check_decimal,
    check_ratio,
    check_total,
    ratio_agrees,
    rounding_interval,
    totals_agree,
)


def test_rounding_interval_follows_the_digits_shown():
    assert rounding_interval(D("12.3")) == (D("12.25"), D("12.35"))
    assert rounding_interval(D("1.2E+3")) == (D("1150"), D("1250"))
    assert rounding_interval(D("7")) == (D("6.5"), D("7.5"))


@pytest.mark.parametrize("total, parts, agree", [
    (D("301"), [D("100.4"), D("200.4")], True),  # parts [300.70, 300.90] meet [300.5, 301.5]: 300.8 shown as 301
    (D("300"), [D("100.4"), D("200.4")], False),  # [299.5, 300.5] misses them
    (D("301"), [D("100"), D("200")], True),  # whole numbers rounded one by one may differ by one
    (D("302"), [D("100"), D("200")], False),
    (D("300.9"), [D("100.4"), D("200.4")], True),
    (D("301.0"), [D("100.4"), D("200.4")], False),
])
def test_totals_agree_under_calculation_1_1_rounding(total, parts, agree):
    assert totals_agree(total, parts) is agree


@pytest.mark.parametrize("value, numerator, denominator, factor, complement, agree", [
    # 1,234 t / 56,789,000 EUR = 0.0000217296... t/EUR; shown as 0.0000217 it agrees
    (D("0.0000217"), D("1234"), D("56789000"), D(1), False, True),
    # the same figure per million (21.73) passed as per currency unit does not
    (D("21.73"), D("1234"), D("56789000"), D(1), False, False),
    # share in percent: 250 / 1000 * 100 = 25.0
    (D("25.0"), D("250"), D("1000"), D(100), False, True),
    (D("0.25"), D("250"), D("1000"), D(100), False, False),  # a ratio passed as a percentage
    # reduction: (1 - 700 / 1000) * 100 = 30 %
    (D("30"), D("700"), D("1000"), D(100), True, True),
    (D("70"), D("700"), D("1000"), D(100), True, False),
    (D("5"), D("1"), D("0"), D(1), False, True),  # zero denominator: nothing to compare
])
def test_ratios_agree_within_the_rounding_of_every_input(value, numerator, denominator, factor, complement, agree):
    assert ratio_agrees(value, numerator, denominator, factor=factor, complement=complement) is agree


def test_checks_collect_every_problem_with_its_name():
    problems: list[str] = []
    assert check_decimal(problems, "Scope 1", D("-1")) is True
    assert check_decimal(problems, "Scope 2", 1.5) is False
    assert check_decimal(problems, "Scope 3", D("NaN")) is False
    assert check_decimal(problems, "Share", D("101"), maximum=D(100)) is True
    assert check_decimal(problems, "Optional", None, optional=True) is False
    check_total(problems, "Total", D("302"), {"Scope 1": D("100"), "Scope 2": D("200")})
    check_total(problems, "Total", D("301"), {"Scope 1": D("100"), "Scope 2": D("200")})  # agrees
    check_ratio(problems, "Share", D("0.25"), D("250"), D("1000"), factor=D(100), expected="part / total in %")
    assert problems == [
        "Scope 1 must not be below 0 (got -1)",
        "Scope 2 must be a Decimal, got float",
        "Scope 3 must be a finite number",
        "Share must not exceed 100 (got 101)",
        "Total 302 does not equal Scope 1 100 + Scope 2 200 = 300",
        "Share 0.25 does not match part / total in %",
    ]
