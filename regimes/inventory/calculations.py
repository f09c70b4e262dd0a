"""GHG inventory calculations — pure functions: dataclasses in, ``Decimal`` out; no database, no
clock. Every regime that reports greenhouse gases (ESRS E1-6, IFRS S2 §29(a)) uses these.

Sources:
- GHG Protocol Corporate Standard (2004), ch. 6 and Scope 2 Guidance (2015): emissions =
  activity data × emission factor; Scope 2 reported twice, location-based (grid average
  factors) and market-based (contractual instruments, then supplier-specific rate, then
  residual mix, then grid average — Scope 2 Guidance Table 6.3 and §6.11).
- ESRS E1 (Delegated Regulation (EU) 2023/2772): E1-6 §44, §48–52 (gross Scope 1/2/3 and
  totals), §53–55 (GHG intensity per net revenue), E1-4 §34 (targets, progress against the base
  year); IFRS S2 §29(a) and §33–36 ask for the same figures.

Figures stay at full precision here; rounding is a presentation choice (``quantize_t``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from factortrace.core.units import convert

ZERO = Decimal(0)
KG_PER_T = Decimal(1000)
KWH_PER_MWH = Decimal(1000)
MILLION = Decimal(1_000_000)


# ---------------------------------------------------------------- activity → emissions
@dataclass(frozen=True)
class FactorValues:
    """The part of a factor a calculation needs (from a factor snapshot): kg CO2e per ``unit``,
    and the per-gas parts in kg CO2e per ``unit`` where the publisher gives them."""

    value: Decimal
    unit: str
    co2: Decimal | None = None
    ch4: Decimal | None = None
    n2o: Decimal | None = None
    other: Decimal | None = None

    @classmethod
    def from_snapshot(cls, snapshot: dict) -> FactorValues:
        def dec(key):
            value = snapshot.get(key)
            return None if value in (None, "") else Decimal(str(value))

        return cls(value=Decimal(str(snapshot["value"])), unit=snapshot["unit"], co2=dec("co2"), ch4=dec("ch4"),
                   n2o=dec("n2o"), other=dec("other"))


@dataclass(frozen=True)
class Emissions:
    """kg CO2e, total and per gas (None where the factor has no gas breakdown)."""

    total_kg: Decimal
    co2_kg: Decimal | None = None
    ch4_kg: Decimal | None = None
    n2o_kg: Decimal | None = None
    other_kg: Decimal | None = None
    quantity_in_factor_unit: Decimal = ZERO


def activity_emissions(quantity: Decimal, unit: str, factor: FactorValues,
                       share: Decimal = Decimal(100)) -> Emissions:
    """Emissions of ``quantity`` ``unit`` through ``factor``: the quantity is first expressed in
    the factor's unit (pint; incompatible units raise ``UnitError`` naming both), then
    multiplied. ``share`` (percent) applies the equity-share consolidation approach
    (GHG Protocol Corporate Standard ch. 3).

    Example (DESNZ 2024, natural gas, gross CV): 120 000 kWh × 0.18290 kg/kWh = 21 948 kg.
    """
    if quantity < 0:
        raise ValueError("Quantities cannot be negative")
    amount = convert(quantity, unit, factor.unit) * share / Decimal(100)

    def part(per_unit: Decimal | None) -> Decimal | None:
        return None if per_unit is None else amount * per_unit

    return Emissions(total_kg=amount * factor.value, co2_kg=part(factor.co2), ch4_kg=part(factor.ch4),
                     n2o_kg=part(factor.n2o), other_kg=part(factor.other), quantity_in_factor_unit=amount)


# ---------------------------------------------------------------- Scope 2 market-based
@dataclass(frozen=True)
class Instrument:
    """A contractual instrument at one facility: ``kwh`` covered (None for a supplier-specific
    rate, which covers whatever instruments leave) at ``rate_kg_per_kwh``."""

    kind: str
    kwh: Decimal | None
    rate_kg_per_kwh: Decimal
    label: str = ""


@dataclass(frozen=True)
class Scope2Site:
    """Purchased electricity of one facility in the period (at 100 %), with its fallback factors.
    ``share`` (percent) is the equity share included under the equity share approach: the
    hierarchy runs on the whole site, then the result is scaled (GHG Protocol ch. 3)."""

    name: str
    consumption_kwh: Decimal
    grid_kg_per_kwh: Decimal
    instruments: tuple[Instrument, ...] = ()
    residual_mix_kg_per_kwh: Decimal | None = None
    share: Decimal = Decimal(100)


@dataclass(frozen=True)
class Scope2Slice:
    basis: str  # "instrument", "supplier", "residual mix", "grid average"
    label: str
    kwh: Decimal
    kg_per_kwh: Decimal

    @property
    def kg(self) -> Decimal:
        return self.kwh * self.kg_per_kwh


@dataclass(frozen=True)
class Scope2Result:
    """``location_kg``/``market_kg`` include the equity share; ``slices`` describe the whole site."""

    site: str
    location_kg: Decimal
    market_kg: Decimal
    slices: tuple[Scope2Slice, ...]
    unused_instrument_kwh: Decimal = ZERO
    share: Decimal = Decimal(100)


def scope2_market_based(site: Scope2Site) -> Scope2Result:
    """Market-based Scope 2 of one site, by the Scope 2 Guidance hierarchy (Table 6.3):

    1. energy attribute certificates and contracts (GOs, RECs, PPAs, green tariffs) — each
       covers its MWh at its own rate, in the order given, never more than was consumed;
    2. a supplier-specific emission rate for the remaining supply;
    3. the residual mix of the market, if known;
    4. the grid average (the location-based factor) — the Guidance's last resort, disclosed.

    Location-based uses the grid average for all consumption. Instruments beyond the
    consumption are reported as unused (they cannot lower emissions of other sites: the
    Guidance requires the same market, and we keep instruments per facility).
    """
    remaining = site.consumption_kwh
    slices: list[Scope2Slice] = []
    unused = ZERO
    supplier = None
    for instrument in site.instruments:
        if instrument.kwh is None:
            supplier = supplier or instrument
            continue
        covered = min(instrument.kwh, remaining)
        unused += instrument.kwh - covered
        if covered > 0:
            slices.append(Scope2Slice("instrument", instrument.label or instrument.kind, covered,
                                      instrument.rate_kg_per_kwh))
            remaining -= covered
    if remaining > 0:
        if supplier is not None:
            slices.append(Scope2Slice("supplier", supplier.label or "supplier-specific rate", remaining,
                                      supplier.rate_kg_per_kwh))
        elif site.residual_mix_kg_per_kwh is not None:
            slices.append(Scope2Slice("residual mix", "residual mix", remaining, site.residual_mix_kg_per_kwh))
        else:
            slices.append(Scope2Slice("grid average", "grid average (no residual mix available)", remaining,
                                      site.grid_kg_per_kwh))
    scale = site.share / Decimal(100)
    return Scope2Result(site=site.name, location_kg=site.consumption_kwh * site.grid_kg_per_kwh * scale,
                        market_kg=sum((s.kg for s in slices), ZERO) * scale, slices=tuple(slices),
                        unused_instrument_kwh=unused, share=site.share)


# ---------------------------------------------------------------- totals by scope (E1-6, IFRS S2 §29(a))
@dataclass(frozen=True)
class InventoryLine:
    """One activity record's contribution (kg CO2e). Scope 2 lines carry location-based kg."""

    scope: str
    emissions_kg: Decimal
    scope3_category: int | None = None
    ets_regulated: bool = False


@dataclass(frozen=True)
class GhgTotals:
    """Gross emissions by scope in t CO2e (full precision): ESRS E1-6, IFRS S2 §29(a)(i)."""

    scope1_t: Decimal
    scope1_ets_t: Decimal
    scope2_location_t: Decimal
    scope2_market_t: Decimal
    scope3_by_category_t: dict[int, Decimal]
    scope3_t: Decimal
    total_location_t: Decimal
    total_market_t: Decimal
    net_revenue: Decimal | None
    intensity_location_per_million: Decimal | None
    intensity_market_per_million: Decimal | None

    @property
    def scope1_ets_pct(self) -> Decimal | None:
        """E1-6 §48(b): percentage of Scope 1 from regulated emission trading schemes."""
        return None if self.scope1_t == 0 else self.scope1_ets_t / self.scope1_t * 100

    @property
    def intensity_location_per_unit(self) -> Decimal | None:
        return None if self.intensity_location_per_million is None else self.intensity_location_per_million / MILLION



def ghg_totals(lines: list[InventoryLine], scope2_market_kg: Decimal, net_revenue: Decimal | None) -> GhgTotals:
    """Gross Scope 1, Scope 2 (both methods), Scope 3 per category and total, total GHG both
    ways (E1-6 §44, §52: total = Scope 1 + Scope 2 + Scope 3), and GHG intensity per net revenue
    in t CO2e per million of revenue (§53–54; the XBRL fact is per currency unit)."""
    scope1 = scope1_ets = scope2_location = ZERO
    by_category: dict[int, Decimal] = {}
    for line in lines:
        if line.scope == "1":
            scope1 += line.emissions_kg
            if line.ets_regulated:
                scope1_ets += line.emissions_kg
        elif line.scope == "2":
            scope2_location += line.emissions_kg
        elif line.scope == "3":
            if line.scope3_category is None or not 1 <= line.scope3_category <= 15:
                raise ValueError(f"Scope 3 line without a valid category: {line}")
            by_category[line.scope3_category] = by_category.get(line.scope3_category, ZERO) + line.emissions_kg
        else:
            raise ValueError(f"Unknown scope {line.scope!r}")
    to_t = lambda kg: kg / KG_PER_T  # noqa: E731
    scope3_t = to_t(sum(by_category.values(), ZERO))
    total_location = to_t(scope1 + scope2_location) + scope3_t
    total_market = to_t(scope1 + scope2_market_kg) + scope3_t
    has_revenue = net_revenue is not None and net_revenue > 0
    return GhgTotals(
        scope1_t=to_t(scope1), scope1_ets_t=to_t(scope1_ets),
        scope2_location_t=to_t(scope2_location), scope2_market_t=to_t(scope2_market_kg),
        scope3_by_category_t={k: to_t(v) for k, v in sorted(by_category.items())}, scope3_t=scope3_t,
        total_location_t=total_location, total_market_t=total_market, net_revenue=net_revenue,
        intensity_location_per_million=total_location / net_revenue * MILLION if has_revenue else None,
        intensity_market_per_million=total_market / net_revenue * MILLION if has_revenue else None,
    )


# ---------------------------------------------------------------- reduction targets (E1-4, IFRS S2 §33–36)
@dataclass(frozen=True)
class TargetSpec:
    kind: str  # "absolute" | "intensity"
    base_year: int
    base_value: Decimal
    target_year: int
    target_value: Decimal


@dataclass(frozen=True)
class TargetProgress:
    current_year: int
    current_value: Decimal | None
    reduction_needed_pct: Decimal           # (base - target) / base × 100
    reduction_achieved_pct: Decimal | None  # (base - current) / base × 100
    progress_pct: Decimal | None            # share of the planned reduction achieved
    trajectory_value: Decimal               # linear path from base to target, at current_year
    on_track: bool | None = None


def target_progress(target: TargetSpec, current_year: int, current_value: Decimal | None) -> TargetProgress:
    """Progress of a reduction target in ``current_year`` (E1-4 §34(e)): reduction achieved
    against the base year, the share of the planned reduction achieved, and whether the
    current value is at or below a straight line from base to target (a common, disclosed
    convention; ESRS does not prescribe a trajectory)."""
    if target.target_year <= target.base_year:
        raise ValueError("The target year must come after the base year")
    if target.base_value <= 0:
        raise ValueError("The base value must be positive")
    planned = target.base_value - target.target_value
    span = Decimal(target.target_year - target.base_year)
    elapsed = Decimal(min(max(current_year - target.base_year, 0), target.target_year - target.base_year))
    trajectory = target.base_value - planned * elapsed / span
    needed_pct = planned / target.base_value * 100
    if current_value is None:
        return TargetProgress(current_year, None, needed_pct, None, None, trajectory)
    achieved = target.base_value - current_value
    return TargetProgress(
        current_year=current_year, current_value=current_value, reduction_needed_pct=needed_pct,
        reduction_achieved_pct=achieved / target.base_value * 100,
        progress_pct=(achieved / planned * 100) if planned != 0 else None,
        trajectory_value=trajectory, on_track=current_value <= trajectory)


# ---------------------------------------------------------------- presentation
def quantize(value: Decimal | None, places: int = 3) -> Decimal | None:
    """Round half up to ``places`` decimals (what reports print); None stays None."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class InventoryFigures:
    """The greenhouse-gas figures of one period, as every regime shows them."""

    totals: GhgTotals
    scope2_sites: tuple[Scope2Result, ...] = ()
    by_scope1_type_t: dict[str, Decimal] = field(default_factory=dict)
    by_facility_t: dict[str, Decimal] = field(default_factory=dict)
