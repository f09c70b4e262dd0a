"""The ESRS E1 figures of one reporting period, as the E1 report renderers take them.

Plain frozen dataclasses with ``Decimal`` figures: no models, no database, no clock. The CSRD
services compute the figures (``calculations.py``) and fill an :class:`E1Disclosure`; the
renderers (``ixbrl.py`` for Inline XBRL) only lay them out and tag them. Figures are published
exactly as given — quantize them to the precision you want to publish (whole tonnes, MWh)
before building the disclosure.

Units: GHG emissions in t CO2e; energy in MWh; money in ``currency``; GHG intensity in t CO2e
per currency unit (the unit ``utr:tCO2e / iso4217:EUR`` of ``dtr-types:ghgEmissionsPerMonetaryItemType``;
the report shows it per million); percentages as percentages (``Decimal("42.5")`` is 42.5 %).

Construction checks what a reader or Arelle would otherwise catch later: Decimals only (no
floats), no negative emissions or energy, ISO codes, LEI check digits, and that totals agree
with their parts within rounding — the Calculations 1.1 "round to nearest" rule Arelle applies
(``--calc c11r``) to the ESRS calculation linkbase (E1-6 totals, E1-5 energy mix). Derived
figures must match what they are derived from, within the same rounding: GHG intensity =
total / net revenue (catches a value per million), energy shares = part / total in percent,
a target's reduction = (base - target) / base in percent (catches ratios passed as percent).
Every problem is reported at once in :class:`DisclosureError`.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from factortrace.core.ghg import SCOPE3_CATEGORY_NAMES
from reports.xbrl.ixbrl import lei_is_valid
from reports.xbrl.rounding import check_decimal, check_ratio, check_total, rounding_interval

#: Denominators an intensity target may use, besides an ISO 4217 currency: Unit Type Registry
#: unit ids (namespace http://www.xbrl.org/2009/utr).
INTENSITY_PHYSICAL_DENOMINATORS: Mapping[str, str] = MappingProxyType({
    "t": "tonne", "kg": "kilogram", "MWh": "MWh", "GJ": "GJ", "m3": "m³", "km": "km", "sqm": "m²",
})

_ISO_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ISO_CURRENCY = re.compile(r"^[A-Z]{3}$")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TARGET_ID = re.compile(r"^[^,\s](?:[^,]*[^,\s])?$")  # esrs:linkIdentifierType: a token without commas


class Scope(StrEnum):
    """A GHG scope as a target covers it (Scope 2 in one of its two methods, E1-4 §34(b))."""

    SCOPE_1 = "scope1"
    SCOPE_2_LOCATION = "scope2-location"
    SCOPE_2_MARKET = "scope2-market"
    SCOPE_3 = "scope3"

    @property
    def label(self) -> str:
        return {
            Scope.SCOPE_1: "Scope 1",
            Scope.SCOPE_2_LOCATION: "Scope 2 (location-based)",
            Scope.SCOPE_2_MARKET: "Scope 2 (market-based)",
            Scope.SCOPE_3: "Scope 3",
        }[self]


class TargetKind(StrEnum):
    """E1-4 §34(a): a target in absolute value, or in intensity value."""

    ABSOLUTE = "absolute"
    INTENSITY = "intensity"


class DisclosureError(ValueError):
    """The figures cannot be published as they are; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# --- checks shared by the dataclasses (the number checks are reports.xbrl.rounding's) --------


def _text(problems: list[str], name: str, value, *, required: bool = True) -> None:
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{name} must be a{' non-empty' if required else ''} text")
    elif _XML_FORBIDDEN.search(value):
        # XML 1.0 cannot carry these (NUL, most C0 controls, lone surrogates, U+FFFE/FFFF).
        problems.append(f"{name} contains a control character that cannot appear in an XHTML report")


# --- E1-4 ----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class E1Target:
    """A GHG emission reduction target (E1-4 §34; minimum content per ESRS 2 MDR-T §80).

    ``base_value`` and ``target_value`` are in t CO2e for an absolute target, in t CO2e per
    ``intensity_denominator`` for an intensity target (``"EUR"`` or another ISO 4217 code for
    per-revenue targets, or one of :data:`INTENSITY_PHYSICAL_DENOMINATORS`).
    ``reduction_pct`` is the reduction in the target year against the base year, in percent.
    ``identifier`` names the target in the XBRL typed dimension *Identifier of target*; pass a
    stable one (the target's database id) so the same target keeps it from year to year. When
    left out it is ``T<position>`` in the disclosure's list.
    """

    name: str
    kind: TargetKind
    scopes: frozenset[Scope]
    base_year: int
    base_value: Decimal
    target_year: int
    target_value: Decimal
    reduction_pct: Decimal
    science_based: bool
    identifier: str | None = None
    intensity_denominator: str | None = None

    def __post_init__(self):
        try:
            object.__setattr__(self, "scopes", frozenset(Scope(s) for s in self.scopes))
            object.__setattr__(self, "kind", TargetKind(self.kind))
        except (TypeError, ValueError):
            raise DisclosureError([f"Target '{self.name}': kind must be a TargetKind and scopes Scope values "
                                   f"(got {self.kind!r}, {self.scopes!r})"]) from None
        problems = self.problems()
        if problems:
            raise DisclosureError(problems)

    def problems(self) -> list[str]:
        p: list[str] = []
        label = f"Target '{self.name}'"
        _text(p, "Target name", self.name)
        if not self.scopes:
            p.append(f"{label}: covers no scope")
        for year_name in ("base_year", "target_year"):
            year = getattr(self, year_name)
            if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2100:
                p.append(f"{label}: {year_name} must be a year, got {year!r}")
        if isinstance(self.base_year, int) and isinstance(self.target_year, int) and self.target_year <= self.base_year:
            p.append(f"{label}: target year {self.target_year} is not after base year {self.base_year}")
        check_decimal(p, f"{label} base value", self.base_value)
        check_decimal(p, f"{label} target value", self.target_value)
        check_decimal(p, f"{label} reduction %", self.reduction_pct, maximum=Decimal(100))
        if not isinstance(self.science_based, bool):
            p.append(f"{label}: science_based must be True or False")
        identifier = self.identifier
        if identifier is not None and (not isinstance(identifier, str) or not _TARGET_ID.match(identifier)
                                       or _XML_FORBIDDEN.search(identifier)):
            p.append(f"{label}: identifier '{self.identifier}' must be non-empty, without commas or outer spaces")
        if self.kind == TargetKind.INTENSITY:
            d = self.intensity_denominator
            if not d or not (_ISO_CURRENCY.match(d) or d in INTENSITY_PHYSICAL_DENOMINATORS):
                p.append(f"{label}: an intensity target needs intensity_denominator, an ISO 4217 code or one of "
                         f"{', '.join(INTENSITY_PHYSICAL_DENOMINATORS)} (got {d!r})")
        elif self.intensity_denominator is not None:
            p.append(f"{label}: an absolute target has no intensity_denominator")
        if isinstance(self.base_value, Decimal) and self.base_value.is_finite() and self.base_value > 0:
            # E1-4 §34(a): the reduction is measured against the base-year value.
            check_ratio(p, f"{label}: reduction", self.reduction_pct, self.target_value, self.base_value,
                         factor=Decimal(100), complement=True,
                         expected=f"(base value - target value) / base value = "
                                  f"{(1 - self.target_value / self.base_value) * 100:.4g} %")
        return p

    @property
    def denominator_is_currency(self) -> bool:
        return bool(self.intensity_denominator and _ISO_CURRENCY.match(self.intensity_denominator))


# --- E1-5 ----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class E1Energy:
    """Energy consumption and mix in MWh (E1-5 §37; the shares per AR 34).

    ``renewable`` is the total of ``renewable_fuels`` (§37(c)(i)), ``renewable_purchased``
    (purchased or acquired electricity, heat, steam and cooling from renewable sources,
    §37(c)(ii)) and ``renewable_self_generated`` (self-generated non-fuel renewable energy,
    §37(c)(iii)); ``total`` = fossil + nuclear + renewable. The ``fossil_*`` split (§38) and
    the energy intensity (§40-41) apply to undertakings in high climate impact sectors.
    ``intensity_high_climate_impact`` is MWh per currency unit (shown per million).
    """

    fossil: Decimal
    nuclear: Decimal
    renewable_fuels: Decimal
    renewable_purchased: Decimal
    renewable_self_generated: Decimal
    renewable: Decimal
    total: Decimal
    fossil_pct: Decimal
    nuclear_pct: Decimal
    renewable_pct: Decimal
    fossil_coal: Decimal | None = None
    fossil_crude_oil: Decimal | None = None
    fossil_natural_gas: Decimal | None = None
    fossil_other: Decimal | None = None
    fossil_purchased: Decimal | None = None
    intensity_high_climate_impact: Decimal | None = None
    net_revenue_high_climate_impact: Decimal | None = None

    FOSSIL_SPLIT = ("fossil_coal", "fossil_crude_oil", "fossil_natural_gas", "fossil_other", "fossil_purchased")

    def __post_init__(self):
        problems = self.problems()
        if problems:
            raise DisclosureError(problems)

    def problems(self) -> list[str]:
        p: list[str] = []
        for name in ("fossil", "nuclear", "renewable_fuels", "renewable_purchased", "renewable_self_generated",
                     "renewable", "total"):
            check_decimal(p, f"Energy {name}", getattr(self, name))
        for name in ("fossil_pct", "nuclear_pct", "renewable_pct"):
            check_decimal(p, f"Energy {name}", getattr(self, name), maximum=Decimal(100))
        for name in self.FOSSIL_SPLIT + ("intensity_high_climate_impact", "net_revenue_high_climate_impact"):
            check_decimal(p, f"Energy {name}", getattr(self, name), optional=True)
        check_total(p, "Total energy consumption", self.total,
                     {"fossil": self.fossil, "nuclear": self.nuclear, "renewable": self.renewable})
        check_total(p, "Renewable energy consumption", self.renewable,
                     {"fuels": self.renewable_fuels, "purchased": self.renewable_purchased,
                      "self-generated": self.renewable_self_generated})
        split = {name: getattr(self, name) for name in self.FOSSIL_SPLIT if getattr(self, name) is not None}
        if split:
            # Calculations 1.1 adds the split items that are present, so present ones must add up.
            check_total(p, "Fossil energy consumption", self.fossil, split)
        if isinstance(self.total, Decimal) and self.total.is_finite() and self.total > 0:
            # AR 34: the shares are of total energy consumption, in percent.
            for share, part in (("fossil_pct", self.fossil), ("nuclear_pct", self.nuclear),
                                ("renewable_pct", self.renewable)):
                if isinstance(part, Decimal) and part.is_finite():
                    check_ratio(p, f"Energy {share}", getattr(self, share), part, self.total, factor=Decimal(100),
                                 expected=f"{share.removesuffix('_pct')} / total = {part / self.total * 100:.4g} %")
        return p

    @property
    def fossil_split(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in self.FOSSIL_SPLIT if getattr(self, name) is not None}


# --- the disclosure --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class E1Disclosure:
    """ESRS E1 figures of one undertaking for one reporting period.

    Identity: ``entity_name``; ``lei`` (ISO 17442) — or, for drafts without an LEI,
    ``local_identifier`` (tagged under FactorTrace's own scheme); ``country`` (ISO 3166-1
    alpha-2) and ``currency`` (ISO 4217); ``period_start``/``period_end`` (both included);
    ``reporting_standard`` — the standard and version the report follows, shown on the cover
    (e.g. "ESRS Set 1, Commission Delegated Regulation (EU) 2023/2772").

    E1-6 (t CO2e): ``gross_scope1`` and ``scope1_ets_pct`` (share from regulated emission
    trading schemes, %); ``scope2_location``/``scope2_market``; ``scope3_by_category``
    (GHG Protocol category 1-15 -> t CO2e, significant categories only) and ``scope3_total``;
    ``total_location``/``total_market``; ``net_revenue`` (in ``currency``) and the intensities
    ``intensity_location``/``intensity_market`` in t CO2e per currency unit.

    E1-5: ``energy``. E1-4: ``targets``. ``methodology``: the undertaking's note on methods,
    assumptions and emission factors (paragraphs separated by blank lines).
    """

    entity_name: str
    lei: str | None
    country: str
    currency: str = "EUR"
    period_start: date
    period_end: date
    reporting_standard: str
    gross_scope1: Decimal
    scope1_ets_pct: Decimal | None = None
    scope2_location: Decimal
    scope2_market: Decimal
    scope3_by_category: Mapping[int, Decimal] = field(default_factory=dict)
    scope3_total: Decimal
    total_location: Decimal
    total_market: Decimal
    net_revenue: Decimal
    intensity_location: Decimal
    intensity_market: Decimal
    energy: E1Energy
    targets: tuple[E1Target, ...] = ()
    methodology: str = ""
    local_identifier: str | None = None

    def __post_init__(self):
        categories = self.scope3_by_category
        if isinstance(categories, Mapping):
            # A read-only copy, in category order when the keys are numbers (the report lists 1..15).
            items = list(categories.items())
            if all(isinstance(k, int) for k, _ in items):
                items.sort()
            object.__setattr__(self, "scope3_by_category", MappingProxyType(dict(items)))
        object.__setattr__(self, "targets", tuple(self.targets))
        problems = self.problems()
        if problems:
            raise DisclosureError(problems)

    def problems(self) -> list[str]:
        p: list[str] = []
        _text(p, "Entity name", self.entity_name)
        _text(p, "Reporting standard", self.reporting_standard)
        if self.lei:
            if not isinstance(self.lei, str) or not lei_is_valid(self.lei.strip().upper()):
                p.append(f"LEI '{self.lei}' is not valid (ISO 17442: 20 characters with check digits)")
        elif not (self.local_identifier or "").strip():
            p.append("An LEI or a local identifier is needed to identify the undertaking")
        if not isinstance(self.country, str) or not _ISO_COUNTRY.match(self.country):
            p.append(f"Country '{self.country}' is not an ISO 3166-1 alpha-2 code")
        if not isinstance(self.currency, str) or not _ISO_CURRENCY.match(self.currency):
            p.append(f"Currency '{self.currency}' is not an ISO 4217 code")
        if not (isinstance(self.period_start, date) and isinstance(self.period_end, date)):
            p.append("period_start and period_end must be dates")
        elif self.period_end < self.period_start:
            p.append(f"The period ends ({self.period_end}) before it starts ({self.period_start})")

        for name in ("gross_scope1", "scope2_location", "scope2_market", "scope3_total", "total_location",
                     "total_market", "intensity_location", "intensity_market"):
            check_decimal(p, name, getattr(self, name))
        check_decimal(p, "scope1_ets_pct", self.scope1_ets_pct, maximum=Decimal(100), optional=True)
        if check_decimal(p, "net_revenue", self.net_revenue) and self.net_revenue == 0:
            p.append("net_revenue must be above zero: the GHG intensity is per net revenue (E1-6 §53)")

        if not isinstance(self.scope3_by_category, Mapping):
            p.append("scope3_by_category must map a GHG Protocol category number to t CO2e")
        else:
            for category, value in self.scope3_by_category.items():
                if not isinstance(category, int) or isinstance(category, bool) or category not in SCOPE3_CATEGORY_NAMES:
                    p.append(f"Scope 3 category {category!r} is not a GHG Protocol category 1-15")
                check_decimal(p, f"Scope 3 category {category}", value)
            values = [v for v in self.scope3_by_category.values() if isinstance(v, Decimal) and v.is_finite()]
            if values and isinstance(self.scope3_total, Decimal) and len(values) == len(self.scope3_by_category):
                # Significant categories only (AR 46(d)), so their sum may fall short of the
                # total — but it must not exceed it.
                low = sum(rounding_interval(v)[0] for v in values)
                if low > rounding_interval(self.scope3_total)[1]:
                    p.append(f"Scope 3 categories add up to {sum(values)}, "
                             f"more than the Scope 3 total {self.scope3_total}")

        check_total(p, "Total GHG emissions (location-based)", self.total_location,
                     {"Scope 1": self.gross_scope1, "Scope 2 location-based": self.scope2_location,
                      "Scope 3": self.scope3_total})
        check_total(p, "Total GHG emissions (market-based)", self.total_market,
                     {"Scope 1": self.gross_scope1, "Scope 2 market-based": self.scope2_market,
                      "Scope 3": self.scope3_total})
        if isinstance(self.net_revenue, Decimal) and self.net_revenue.is_finite() and self.net_revenue > 0:
            # E1-6 §53: total GHG emissions / net revenue, in t CO2e per currency unit — a value per
            # million (as the calculations may show it) would be tagged a million times too high.
            for name, total in (("intensity_location", self.total_location), ("intensity_market", self.total_market)):
                if isinstance(total, Decimal) and total.is_finite():
                    check_ratio(p, name, getattr(self, name), total, self.net_revenue,
                                 expected=f"total / net revenue = {total / self.net_revenue:.6E} t CO2e per "
                                          f"{self.currency} (per currency unit, not per million)")

        if not isinstance(self.energy, E1Energy):
            p.append("energy must be an E1Energy")
        if not all(isinstance(t, E1Target) for t in self.targets):
            p.append("targets must be E1Target instances")
        else:
            ids = [t.identifier or f"T{n}" for n, t in enumerate(self.targets, start=1)]
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            if repeated:
                p.append(f"Target identifiers must be unique: {', '.join(repeated)}")
        _text(p, "methodology", self.methodology, required=False)
        if self.local_identifier is not None:
            _text(p, "local_identifier", self.local_identifier)
        return p

    def target_identifier(self, position: int) -> str:
        """The identifier of ``targets[position]`` in the XBRL typed dimension."""
        return self.targets[position].identifier or f"T{position + 1}"
