"""ESRS E1-5 energy mix: pure, hand-calculated (no database)."""
from decimal import Decimal as D

import pytest

from regimes.csrd.calculations import energy_mix


def test_energy_mix_shares():
    # 600 MWh gas + 250 MWh grid (fossil share of purchased) → fossil 850; nuclear 50; renewable 100 + 0 + 0.
    mix = energy_mix([("fossil_natural_gas", D("600")), ("fossil_purchased", D("250")), ("nuclear", D("50")),
                      ("renewable_purchased", D("100"))], high_climate_impact_revenue=D("20000000"))
    assert (mix.fossil_mwh, mix.nuclear_mwh, mix.renewable_mwh, mix.total_mwh) == (
        D("850"), D("50"), D("100"), D("1000"))
    assert (mix.fossil_pct, mix.nuclear_pct, mix.renewable_pct) == (D("85"), D("5"), D("10"))
    # 1 000 MWh / EUR 20 m = 50 MWh per EUR million (all consumption counted as high-impact)
    assert mix.intensity_mwh_per_million == D("50")
    # Only the 600 MWh of high climate impact activities count when that figure is given (§40):
    # 600 / 20 = 30 MWh per EUR million.
    assert energy_mix([("fossil_natural_gas", D("600")), ("nuclear", D("400"))], D("20000000"),
                      high_climate_impact_mwh=D("600")).intensity_mwh_per_million == D("30")


def test_energy_mix_refuses_unknown_categories_and_negative_values():
    with pytest.raises(ValueError):
        energy_mix([("coal", D("1"))])
    with pytest.raises(ValueError):
        energy_mix([("nuclear", D("-1"))])
    assert energy_mix([]).fossil_pct is None


# ---------------------------------------------------------------- E1-4
