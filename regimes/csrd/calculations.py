"""ESRS E1 calculations that only ESRS asks for — pure functions: dataclasses in, ``Decimal`` out;
no database, no clock. The greenhouse-gas figures come from the shared inventory's calculations
(:mod:`regimes.inventory.calculations`).

Sources: ESRS E1 (Delegated Regulation (EU) 2023/2772), E1-5 §37–38 (energy mix) and §40–43
(energy intensity).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from regimes.inventory.calculations import MILLION, ZERO, GhgTotals, Scope2Result

# ---------------------------------------------------------------- E1-5 energy mix
FOSSIL = ("fossil_coal", "fossil_crude_oil", "fossil_natural_gas", "fossil_other", "fossil_purchased")
RENEWABLE = ("renewable_fuels", "renewable_purchased", "renewable_self_generated")


@dataclass(frozen=True)
class EnergyMix:
    by_category_mwh: dict[str, Decimal]
    fossil_mwh: Decimal
    nuclear_mwh: Decimal
    renewable_mwh: Decimal
    total_mwh: Decimal
    fossil_pct: Decimal | None
    nuclear_pct: Decimal | None
    renewable_pct: Decimal | None
    intensity_mwh_per_million: Decimal | None = None


def energy_mix(items: list[tuple[str, Decimal]], high_climate_impact_revenue: Decimal | None = None,
               high_climate_impact_mwh: Decimal | None = None) -> EnergyMix:
    """E1-5 §37: total energy consumption from fossil, nuclear and renewable sources (MWh) and
    their shares of the total (AR 34); §40–41: energy intensity = energy consumption from
    activities in high climate impact sectors / net revenue from those activities (MWh per
    million). Without a separate figure for those activities, all consumption is counted."""
    by_category: dict[str, Decimal] = {}
    for category, mwh in items:
        if category not in FOSSIL + RENEWABLE + ("nuclear",):
            raise ValueError(f"Unknown energy category {category!r}")
        if mwh < 0:
            raise ValueError("Energy consumption cannot be negative")
        by_category[category] = by_category.get(category, ZERO) + mwh
    fossil = sum((by_category.get(c, ZERO) for c in FOSSIL), ZERO)
    renewable = sum((by_category.get(c, ZERO) for c in RENEWABLE), ZERO)
    nuclear = by_category.get("nuclear", ZERO)
    total = fossil + nuclear + renewable

    def pct(part: Decimal) -> Decimal | None:
        return None if total == 0 else part / total * 100

    intensity = None
    if high_climate_impact_revenue and high_climate_impact_revenue > 0:
        numerator = total if high_climate_impact_mwh is None else high_climate_impact_mwh
        intensity = numerator / high_climate_impact_revenue * MILLION
    return EnergyMix(by_category, fossil, nuclear, renewable, total, pct(fossil), pct(nuclear), pct(renewable),
                     intensity)


@dataclass(frozen=True)
class PeriodFigures:
    """Everything the dashboard and the reports show for one period."""

    totals: GhgTotals
    energy: EnergyMix
    scope2_sites: tuple[Scope2Result, ...] = ()
    by_scope1_type_t: dict[str, Decimal] = field(default_factory=dict)
    by_facility_t: dict[str, Decimal] = field(default_factory=dict)
