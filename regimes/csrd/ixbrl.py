"""ESRS E1 as an Inline XBRL 1.1 report: :func:`render_e1_ixbrl` (an :class:`E1Disclosure` in,
XHTML bytes out) tagged with the EFRAG ESRS Set 1 XBRL taxonomy (30 August 2024,
``https://xbrl.efrag.org/taxonomy/esrs/2023-12-22/esrs_all.xsd``).

How each figure is tagged was read from the taxonomy itself (esrs_cor.xsd, the definition
linkbases def_esrs_3010xx.xml, the dimension defaults dim_esrs_990000.xml and the reference
linkbase for the paragraphs):

* every fact has the reporting period as a duration context — all E1 concepts are
  ``periodType="duration"``, including baseline and target values, whose year is carried by the
  *Currently stated, baseline, milestones or target years* axis (301043/301046 hypercubes);
* all hypercubes are closed and use ``xbrli:scenario``; the axes not used here have defaults
  (reporting scope, GHG category, decarbonisation lever, ...) and are left out;
* Scope 3 categories are the explicit axis ``esrs:Scope3GHGEmissionsCategoryGHGProtocolAxis``
  with ``esrs:Category<N>...Member`` on ``esrs:GrossScope3GreenhouseGasEmissions`` (role 301065);
* targets are the ESRS 2 MDR-T cube (role 301042) with the typed axis
  ``esrs:IdentifierOfTargetTypedAxis`` (domain ``esrs:LIT``), one context per target; where a
  target covers exactly one scope (or all three) its base value, target value and reduction are
  also tagged, nested in the same displayed numbers, with the E1-4 scope concepts (roles
  301043, 301046) — unless two targets would give the same fact different values;
* units from the UTR: ``utr:tCO2e`` (``ghgEmissionsItemType``), ``utr:MWh`` (``energyItemType``),
  ``xbrli:pure`` for percentages (0.425 for 42.5 %), the currency for money, and the divide
  units ``utr:tCO2e/iso4217:EUR`` and ``utr:MWh/iso4217:EUR`` the UTR defines for
  ``ghgEmissionsPerMonetaryItemType`` and ``energyPerMonetaryItemType``. Intensities are shown per
  million of currency with ``scale="-6"``, so the tagged value stays per currency unit.

Figures are rendered exactly (no rounding here); the CSRD calculations decide the precision.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from lxml import etree

from reports.xbrl.ixbrl import (
    LEI_SCHEME,
    MWH,
    NS_XHTML,
    PURE,
    TCO2E,
    Duration,
    Entity,
    InlineXbrlDocument,
    Unit,
    currency,
    per,
)

from .disclosure import (
    INTENSITY_PHYSICAL_DENOMINATORS,
    SCOPE3_CATEGORY_NAMES,
    E1Disclosure,
    E1Target,
    Scope,
    TargetKind,
)

ESRS_NS = "https://xbrl.efrag.org/taxonomy/esrs/2023-12-22"
ESRS_ENTRY_POINT = "https://xbrl.efrag.org/taxonomy/esrs/2023-12-22/esrs_all.xsd"
TAXONOMY_NAME = "ESRS Set 1 XBRL Taxonomy (EFRAG, 30 August 2024)"

# --- the concept mapping ---------------------------------------------------------------------

# E1-6 Gross Scopes 1, 2, 3 and total GHG emissions — no dimensions (role 301063).
E1_6_GHG = (
    # (field, concept, label, ESRS paragraph)
    ("gross_scope1", "esrs:GrossScope1GreenhouseGasEmissions",  # E1-6 §44(a), §48(a)
     "Gross Scope 1 GHG emissions", "E1-6 §48(a)"),
    ("scope1_ets_pct", "esrs:PercentageOfScope1GreenhouseGasEmissionsFromRegulatedEmissionTradingSchemes",  # §48(b)
     "Percentage of Scope 1 GHG emissions from regulated emission trading schemes", "E1-6 §48(b)"),
    ("scope2_location", "esrs:GrossLocationBasedScope2GreenhouseGasEmissions",  # E1-6 §44(b), §49(a)
     "Gross location-based Scope 2 GHG emissions", "E1-6 §49(a)"),
    ("scope2_market", "esrs:GrossMarketBasedScope2GreenhouseGasEmissions",  # E1-6 §44(b), §49(b)
     "Gross market-based Scope 2 GHG emissions", "E1-6 §49(b)"),
    ("scope3_total", "esrs:GrossScope3GreenhouseGasEmissions",  # E1-6 §44(c), §51
     "Gross Scope 3 GHG emissions", "E1-6 §51"),
    ("total_location", "esrs:LocationBasedGreenhouseGasEmissions",  # E1-6 §44(d), §52(a)
     "Total GHG emissions (location-based)", "E1-6 §52(a)"),
    ("total_market", "esrs:MarketBasedGreenhouseGasEmissions",  # E1-6 §44(d), §52(b)
     "Total GHG emissions (market-based)", "E1-6 §52(b)"),
)

# E1-6 Scope 3 by GHG Protocol category: explicit axis, role 301065 — E1-6 §51, AR 46(d).
SCOPE3_AXIS = "esrs:Scope3GHGEmissionsCategoryGHGProtocolAxis"
SCOPE3_MEMBERS = {
    1: "esrs:Category1PurchasedGoodsAndServicesMember",
    2: "esrs:Category2CapitalGoodsMember",
    3: "esrs:Category3FuelAndEnergyrelatedActivitiesMember",
    4: "esrs:Category4UpstreamTransportationAndDistributionMember",
    5: "esrs:Category5WasteGeneratedInOperationsMember",
    6: "esrs:Category6BusinessTravelMember",
    7: "esrs:Category7EmployeeCommutingMember",
    8: "esrs:Category8UpstreamLeasedAssetsMember",
    9: "esrs:Category9DownstreamTransportationAndDistributionMember",
    10: "esrs:Category10ProcessingOfSoldProductsMember",
    11: "esrs:Category11UseOfSoldProductsMember",
    12: "esrs:Category12EndoflifeTreatmentOfSoldProductsMember",
    13: "esrs:Category13DownstreamLeasedAssetsMember",
    14: "esrs:Category14FranchisesMember",
    15: "esrs:Category15InvestmentsMember",
}
# enum2 set over the same members (domain role 999142) — E1-6 AR 46(i).
SCOPE3_INCLUDED_LIST = "esrs:ListOfScope3GHGEmissionsCategoriesIncludedInInventoryGHGProtocol"

# E1-6 intensity per net revenue (role 301069).
NET_REVENUE = "esrs:NetRevenueUsedToCalculateGHGIntensity"  # E1-6 AR 55(b), monetaryItemType
INTENSITY_LOCATION = "esrs:GHGEmissionsIntensityLocationbasedTotalGHGEmissionsPerNetRevenue"  # E1-6 §53
INTENSITY_MARKET = "esrs:GHGEmissionsIntensityMarketbasedTotalGHGEmissionsPerNetRevenue"  # E1-6 §53
# E1-6 AR 39(b): methods, assumptions and emission factors (textBlockItemType, escaped XHTML).
METHODOLOGY = ("esrs:DisclosureOfMethodologiesSignificantAssumptionsAndEmissionsFactorsUsedToCalculateOrMeasure"
               "GHGEmissionsExplanatory")

# E1-5 energy consumption and mix, MWh (role 301051; calculation role 301050 sums them).
ENERGY_TOTAL = "esrs:EnergyConsumptionRelatedToOwnOperations"  # E1-5 §37
ENERGY_FOSSIL = "esrs:EnergyConsumptionFromFossilSources"  # E1-5 §37(a)
ENERGY_FOSSIL_SPLIT = {
    "fossil_coal": ("esrs:FuelConsumptionFromCoalAndCoalProducts",  # E1-5 §38(a)
                    "Fuel consumption from coal and coal products", "E1-5 §38(a)"),
    "fossil_crude_oil": ("esrs:FuelConsumptionFromCrudeOilAndPetroleumProducts",  # E1-5 §38(b)
                         "Fuel consumption from crude oil and petroleum products", "E1-5 §38(b)"),
    "fossil_natural_gas": ("esrs:FuelConsumptionFromNaturalGas",  # E1-5 §38(c)
                           "Fuel consumption from natural gas", "E1-5 §38(c)"),
    "fossil_other": ("esrs:FuelConsumptionFromOtherFossilSources",  # E1-5 §38(d)
                     "Fuel consumption from other fossil sources", "E1-5 §38(d)"),
    # E1-5 §38(e)
    "fossil_purchased": ("esrs:ConsumptionOfPurchasedOrAcquiredElectricityHeatSteamOrCoolingFromFossilSources",
                         "Purchased or acquired electricity, heat, steam or cooling from fossil sources",
                         "E1-5 §38(e)"),
}
ENERGY_FOSSIL_PCT = "esrs:PercentageOfFossilSourcesInTotalEnergyConsumption"  # E1-5 AR 34
ENERGY_NUCLEAR = "esrs:EnergyConsumptionFromNuclearSources"  # E1-5 §37(b)
ENERGY_NUCLEAR_PCT = "esrs:PercentageOfEnergyConsumptionFromNuclearSourcesInTotalEnergyConsumption"  # AR 34
ENERGY_RENEWABLE = "esrs:EnergyConsumptionFromRenewableSources"  # E1-5 §37(c)
ENERGY_RENEWABLE_FUELS = "esrs:FuelConsumptionFromRenewableSources"  # E1-5 §37(c)(i)
# E1-5 §37(c)(ii)
ENERGY_RENEWABLE_PURCHASED = "esrs:ConsumptionOfPurchasedOrAcquiredElectricityHeatSteamAndCoolingFromRenewableSources"
ENERGY_RENEWABLE_SELF = "esrs:ConsumptionOfSelfgeneratedNonfuelRenewableEnergy"  # E1-5 §37(c)(iii)
ENERGY_RENEWABLE_PCT = "esrs:PercentageOfRenewableSourcesInTotalEnergyConsumption"  # E1-5 AR 34
# E1-5 §40, energyPerMonetaryItemType (utr:MWh / iso4217)
ENERGY_INTENSITY = "esrs:EnergyIntensityFromActivitiesInHighClimateImpactSectorsTotalEnergyConsumptionPerNetRevenue"
REVENUE_HIGH_IMPACT = "esrs:RevenueFromActivitiesInHighClimateImpactSectors"  # E1-5 §43, AR 38(b)

# E1-4 targets through ESRS 2 MDR-T (role 301042): one typed-axis member per target.
TARGET_AXIS = "esrs:IdentifierOfTargetTypedAxis"
TARGET_DOMAIN = "esrs:LIT"
TARGET_NAME = "esrs:NameOfTarget"  # ESRS 2 §80
TARGET_ABSOLUTE_OR_RELATIVE = "esrs:AbsoluteOrRelativeTarget"  # ESRS 2 §80(b), enum2 (role 999112)
TARGET_METRICS = "esrs:ESRSMetricsAndMonetaryAmountsUsedForTarget"  # ESRS 2 §80, enum2 set (role 999000)
TARGET_BASE_YEAR = "esrs:BaseYearFromWhichProgressIsMeasured"  # ESRS 2 §80(d), E1-4 §34(c); gYear
TARGET_END_YEAR = "esrs:PeriodToWhichTargetAppliesEndYear"  # ESRS 2 §80(e), E1-4 §34(d); gYear
TARGET_VALUE = "esrs:MeasurableTargetAbsoluteValue"  # ESRS 2 §80(b); base value at baseline, target at target year
TARGET_PERCENTAGE = "esrs:MeasurableTargetPercentage"  # ESRS 2 §80(b); the reduction in %
# E1-4 §34(e): science-based and compatible with 1.5 °C (booleanItemType)
TARGET_SCIENCE_BASED = \
    "esrs:GHGEmissionReductionTargetIsScienceBasedAndCompatibleWithLimitingGlobalWarmingToOneAndHalfDegreesCelsius"
YEAR_AXIS = "esrs:CurrentlyStatedBaselineMilestonesOrTargetYearsAxis"
BASELINE = "esrs:BaselineYearMember"
TARGET_YEARS = "esrs:MilestonesAndTargetYearsMember"
MILESTONE_YEARS = {year: f"esrs:Milestone{year}YearMember" for year in (2025, 2030, 2035, 2040, 2045, 2050)}
ABSOLUTE_TARGET = "esrs:AbsoluteTargetMember"
RELATIVE_TARGET = "esrs:RelativeTargetMember"  # an intensity target is relative to an activity metric

# Scopes a target covers -> the E1-6 metric it is set on (members of ListOfMetricsAbstract).
SCOPE_METRICS = {
    Scope.SCOPE_1: "esrs:GrossScope1GreenhouseGasEmissions",
    Scope.SCOPE_2_LOCATION: "esrs:GrossLocationBasedScope2GreenhouseGasEmissions",
    Scope.SCOPE_2_MARKET: "esrs:GrossMarketBasedScope2GreenhouseGasEmissions",
    Scope.SCOPE_3: "esrs:GrossScope3GreenhouseGasEmissions",
}
# E1-4 §34(a)-(b) scope concepts for absolute targets: emissions at baseline / target year
# (role 301043) and the reduction as % of base-year emissions (role 301046).
_S1, _S2L, _S2M, _S3 = Scope.SCOPE_1, Scope.SCOPE_2_LOCATION, Scope.SCOPE_2_MARKET, Scope.SCOPE_3
TARGET_SCOPE_CONCEPTS = {
    frozenset({_S1}): ("esrs:GrossScope1GreenhouseGasEmissions",
                       "esrs:PercentageOfScope1GreenhouseGasEmissionsReductionAsOfEmissionsOfBaseYear"),
    frozenset({_S2L}): ("esrs:GrossLocationBasedScope2GreenhouseGasEmissions",
                        "esrs:PercentageOfLocationBasedScope2GreenhouseGasEmissionsReductionAsOfEmissionsOfBaseYear"),
    frozenset({_S2M}): ("esrs:GrossMarketBasedScope2GreenhouseGasEmissions",
                        "esrs:PercentageOfMarketBasedScope2GreenhouseGasEmissionsReductionAsOfEmissionsOfBaseYear"),
    frozenset({_S3}): ("esrs:GrossScope3GreenhouseGasEmissions",
                       "esrs:PercentageOfScope3GreenhouseGasEmissionsReductionAsOfEmissionsOfBaseYear"),
    frozenset({_S1, _S2L, _S3}): ("esrs:GrossGreenhouseGasEmissions",
                                  "esrs:PercentageOfTotalGreenhouseGasEmissionsReductionAsOfEmissionsOfBaseYear"),
    frozenset({_S1, _S2M, _S3}): ("esrs:GrossGreenhouseGasEmissions",
                                  "esrs:PercentageOfTotalGreenhouseGasEmissionsReductionAsOfEmissionsOfBaseYear"),
}

PER_MILLION = -6  # intensities are tagged per currency unit and shown per million

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")

STYLESHEET = """
:root { --ink: #17212b; --muted: #5a6673; --line: #d9dfe6; --band: #f3f6f8; --accent: #0f6b50; }
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef1f4; color: var(--ink);
  font: 10.5pt/1.5 "Inter", "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
div.page { max-width: 1000px; margin: 24px auto; background: #fff; padding: 40px 48px 32px;
  box-shadow: 0 1px 4px rgba(23, 33, 43, .12); }
.cover { border-top: 6px solid var(--accent); padding-top: 22px; margin-bottom: 8px; }
.eyebrow { margin: 0; color: var(--accent); font-size: 8.5pt; font-weight: 600; letter-spacing: .1em;
  text-transform: uppercase; }
h1 { margin: 6px 0 2px; font-size: 25pt; line-height: 1.15; }
.entity { margin: 0 0 18px; font-size: 14pt; color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 24px; margin: 0;
  padding: 14px 18px; background: var(--band); border-radius: 4px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
div.contents { margin: 22px 0 6px; font-size: 9.5pt; color: var(--muted); }
div.contents a { color: var(--accent); text-decoration: none; margin-right: 18px; }
div.section { margin-top: 34px; break-inside: avoid; }
h2 { margin: 0 0 4px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); font-size: 14.5pt; }
h2 .code { color: var(--accent); margin-right: 8px; }
p.lead { margin: 6px 0 12px; color: var(--muted); font-size: 9.5pt; }
h3 { margin: 22px 0 6px; font-size: 11pt; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: baseline; }
thead th { font-size: 8.5pt; font-weight: 600; color: var(--muted); vertical-align: bottom;
  border-bottom: 1.5px solid var(--ink); }
table.targets { font-size: 9.5pt; }
.num { text-align: right; white-space: nowrap; }
td.ref { color: var(--muted); font-size: 8.5pt; white-space: nowrap; width: 1%; }
tr.group td { padding-top: 12px; font-weight: 600; color: var(--accent); border-bottom: none; }
tr.detail td:first-child { padding-left: 26px; }
tr.total td { font-weight: 700; background: var(--band); border-top: 1.5px solid var(--ink); }
.unit { color: var(--muted); font-size: 8.5pt; margin-left: 4px; }
.id { display: block; color: var(--muted); font-size: 8pt; }
.note { color: var(--muted); font-size: 9pt; margin: 8px 0 0; }
.methodology p { margin: 0 0 8px; }
div.footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted);
  font-size: 8.5pt; }
@media print { body { background: #fff; } div.page { box-shadow: none; margin: 0; padding: 0; max-width: none; } }
"""


def _long_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _period_label(start: date, end: date) -> str:
    if start == date(end.year, 1, 1) and end == date(end.year, 12, 31):
        return f"FY{end.year}"
    return f"P{start.isoformat()}_{end.isoformat()}"


def _pct_value(percent: Decimal) -> Decimal:
    """42.50 (%) -> 0.4250, the xbrli:pure value of a percentItemType (exact)."""
    return percent.scaleb(-2)


class _E1Report:
    """Lays out one disclosure; one instance per rendering."""

    def __init__(self, disclosure: E1Disclosure):
        self.d = disclosure
        self.doc = InlineXbrlDocument(
            title=f"{disclosure.entity_name} — ESRS E1 Climate change — "
                  f"{_period_label(disclosure.period_start, disclosure.period_end)}",
            schema_refs=[ESRS_ENTRY_POINT], namespaces={"esrs": ESRS_NS}, stylesheet=STYLESHEET)
        self.entity = Entity.for_undertaking(lei=disclosure.lei, local_identifier=disclosure.local_identifier)
        self.period = Duration(disclosure.period_start, disclosure.period_end)
        self.label = _period_label(disclosure.period_start, disclosure.period_end)
        self.ctx = self.doc.context(self.entity, self.period, id=self.label)
        self.money = currency(disclosure.currency)

    # --- small builders ----------------------------------------------------------------------

    def el(self, parent, tag, text=None, **kw):
        return self.doc.element(parent, tag, text, **kw)

    def context(self, suffix: str, *, explicit=None, typed=None) -> str:
        return self.doc.context(self.entity, self.period, explicit=explicit, typed=typed, id=f"{self.label}_{suffix}")

    def number_cell(self, row, concept, value, *, unit: Unit, context=None, scale=0, suffix=None, also=()):
        cell = self.el(row, "td", cls="num")
        cell.append(self.doc.non_fraction(concept, value, context=context or self.ctx, unit=unit, scale=scale,
                                          also=also))
        if suffix:
            self.doc.append_text(cell, f"\u00a0{suffix}")
        return cell

    def table(self, parent, headers: list[tuple[str, str | None]]):
        table = self.el(parent, "table")
        head_row = self.el(self.el(table, "thead"), "tr")
        for text, cls in headers:
            self.el(head_row, "th", text, cls=cls)
        return self.el(table, "tbody")

    def group_row(self, body, text, span):
        self.el(self.el(body, "tr", cls="group"), "td", text, colspan=str(span))

    def metric_row(self, body, label, ref, concept, value, *, unit, cls=None, scale=0, suffix=None):
        row = self.el(body, "tr", cls=cls)
        self.el(row, "td", label)
        self.el(row, "td", ref, cls="ref")
        self.number_cell(row, concept, value, unit=unit, scale=scale, suffix=suffix)
        return row

    def section(self, anchor, code, title, lead):
        section = self.el(self.main, "div", cls="section", id=anchor)
        heading = self.el(section, "h2")
        if code:
            self.el(heading, "span", code, cls="code")
        self.doc.append_text(heading, title)
        self.el(section, "p", lead, cls="lead")
        return section

    # --- the page ------------------------------------------------------------------------------

    def render(self) -> bytes:
        self.main = self.el(self.doc.body, "div", cls="page")
        self.cover()
        self.ghg_emissions()
        self.scope3_breakdown()
        self.energy()
        self.targets()
        self.methodology()
        self.footer()
        return self.doc.to_bytes()

    def cover(self):
        d = self.d
        header = self.el(self.main, "div", cls="cover")
        self.el(header, "p", "Sustainability statement · Environmental information", cls="eyebrow")
        self.el(header, "h1", "Climate change (ESRS E1)")
        self.el(header, "p", d.entity_name, cls="entity")
        facts = self.el(header, "dl", cls="facts")
        rows = [("Undertaking", d.entity_name)]
        if self.entity.scheme == LEI_SCHEME:
            rows.append(("LEI", self.entity.identifier))
        else:
            rows.append(("Identifier", f"{self.entity.identifier} (no LEI given; FactorTrace identifier)"))
        rows += [
            ("Country", d.country),
            ("Reporting period", f"{_long_date(d.period_start)} – {_long_date(d.period_end)}"),
            ("Reporting standard", d.reporting_standard),
            ("Digital tagging", f"Inline XBRL, {TAXONOMY_NAME}"),
            ("Units", f"GHG emissions in t CO2e, energy in MWh, amounts in {d.currency}"),
        ]
        for term, value in rows:
            self.el(facts, "dt", term)
            self.el(facts, "dd", value)
        nav = self.el(self.main, "div", cls="contents")
        for anchor, text in (("e1-6", "E1-6 GHG emissions"), ("e1-6-scope3", "Scope 3 by category"),
                             ("e1-5", "E1-5 Energy"), ("e1-4", "E1-4 Targets"), ("basis", "Basis of preparation")):
            self.el(nav, "a", text, href=f"#{anchor}")

    def ghg_emissions(self):
        d = self.d
        section = self.section("e1-6", "E1-6", "Gross Scopes 1, 2, 3 and total GHG emissions",
                               "Gross emissions in metric tonnes of CO2 equivalent (t CO2e) for the reporting period, "
                               "Scope 2 both location-based and market-based (E1-6 §44).")
        body = self.table(section, [("Disclosure", None), ("ESRS", None), ("t CO2e", "num")])
        rows = {field: (concept, label, ref) for field, concept, label, ref in E1_6_GHG}
        self.group_row(body, "Scope 1 GHG emissions", 3)
        self.metric_row(body, *self._ghg("gross_scope1", rows), unit=TCO2E, cls="detail")
        if d.scope1_ets_pct is not None:
            concept, label, ref = rows["scope1_ets_pct"]
            self.metric_row(body, label, ref, concept, _pct_value(d.scope1_ets_pct), unit=PURE, cls="detail",
                            scale=-2, suffix="%")
        self.group_row(body, "Scope 2 GHG emissions", 3)
        self.metric_row(body, *self._ghg("scope2_location", rows), unit=TCO2E, cls="detail")
        self.metric_row(body, *self._ghg("scope2_market", rows), unit=TCO2E, cls="detail")
        self.group_row(body, "Scope 3 GHG emissions", 3)
        self.metric_row(body, *self._ghg("scope3_total", rows), unit=TCO2E, cls="detail")
        self.metric_row(body, *self._ghg("total_location", rows), unit=TCO2E, cls="total")
        self.metric_row(body, *self._ghg("total_market", rows), unit=TCO2E, cls="total")

        self.el(section, "h3", "GHG intensity per net revenue")
        money = d.currency
        body = self.table(section, [("Disclosure", None), ("ESRS", None), ("Value", "num")])
        self.metric_row(body, f"Net revenue used to calculate GHG intensity ({money})", "E1-6 AR 55(b)",
                        NET_REVENUE, d.net_revenue, unit=self.money)
        intensity_unit = per(TCO2E, self.money)
        self.metric_row(body, f"GHG intensity, location-based (t CO2e per {money} million)", "E1-6 §53",
                        INTENSITY_LOCATION, d.intensity_location, unit=intensity_unit, scale=PER_MILLION)
        self.metric_row(body, f"GHG intensity, market-based (t CO2e per {money} million)", "E1-6 §53",
                        INTENSITY_MARKET, d.intensity_market, unit=intensity_unit, scale=PER_MILLION)
        self.el(section, "p", f"Intensity = total GHG emissions / net revenue. Tagged in t CO2e per {money} "
                              f"(the unit of the taxonomy); shown per {money} million.", cls="note")

    def _ghg(self, field, rows):
        concept, label, ref = rows[field]
        return label, ref, concept, getattr(self.d, field)

    def scope3_breakdown(self):
        d = self.d
        section = self.section("e1-6-scope3", "E1-6", "Scope 3 GHG emissions by category",
                               "Gross Scope 3 emissions of each significant category of the GHG Protocol Corporate "
                               "Value Chain (Scope 3) Standard (E1-6 §51, AR 46).")
        body = self.table(section, [("#", None), ("Category (GHG Protocol)", None), ("t CO2e", "num")])
        for category, value in d.scope3_by_category.items():
            row = self.el(body, "tr")
            self.el(row, "td", str(category), cls="ref")
            self.el(row, "td", SCOPE3_CATEGORY_NAMES[category])
            # E1-6 §51 / AR 46(d): Scope 3 per category on the explicit GHG Protocol category axis.
            context = self.context(f"scope3_cat{category}", explicit={SCOPE3_AXIS: SCOPE3_MEMBERS[category]})
            self.number_cell(row, "esrs:GrossScope3GreenhouseGasEmissions", value, unit=TCO2E, context=context)
        row = self.el(body, "tr", cls="total")
        self.el(row, "td", "")
        self.el(row, "td", "Gross Scope 3 GHG emissions")
        self.number_cell(row, "esrs:GrossScope3GreenhouseGasEmissions", d.scope3_total, unit=TCO2E)
        if d.scope3_by_category:
            # E1-6 AR 46(i): the categories included in the inventory (enumeration, not readable as shown).
            self.doc.hide(self.doc.enumeration(SCOPE3_INCLUDED_LIST,
                                               [SCOPE3_MEMBERS[c] for c in d.scope3_by_category], context=self.ctx))
            missing = [str(c) for c in SCOPE3_CATEGORY_NAMES if c not in d.scope3_by_category]
            if missing:
                self.el(section, "p", f"Categories not listed ({', '.join(missing)}) are not significant for the "
                                      "undertaking or not reported separately.", cls="note")
        else:
            self.el(section, "p", "No breakdown by category is reported for this period.", cls="note")

    def energy(self):
        e = self.d.energy
        section = self.section("e1-5", "E1-5", "Energy consumption and mix",
                               "Energy consumption related to own operations in MWh, by source (E1-5 §37, AR 34).")
        body = self.table(section, [("Energy consumption and mix", None), ("ESRS", None), ("MWh / %", "num")])
        self.group_row(body, "Fossil sources", 3)
        for field, (concept, label, ref) in ENERGY_FOSSIL_SPLIT.items():
            value = getattr(e, field)
            if value is not None:
                self.metric_row(body, label, ref, concept, value, unit=MWH, cls="detail")
        self.metric_row(body, "Total fossil energy consumption", "E1-5 §37(a)", ENERGY_FOSSIL, e.fossil,
                        unit=MWH, cls="detail")
        self.metric_row(body, "Share of fossil sources in total energy consumption", "E1-5 AR 34",
                        ENERGY_FOSSIL_PCT, _pct_value(e.fossil_pct), unit=PURE, cls="detail", scale=-2, suffix="%")
        self.group_row(body, "Nuclear sources", 3)
        self.metric_row(body, "Consumption from nuclear sources", "E1-5 §37(b)", ENERGY_NUCLEAR, e.nuclear,
                        unit=MWH, cls="detail")
        self.metric_row(body, "Share of nuclear sources in total energy consumption", "E1-5 AR 34",
                        ENERGY_NUCLEAR_PCT, _pct_value(e.nuclear_pct), unit=PURE, cls="detail", scale=-2, suffix="%")
        self.group_row(body, "Renewable sources", 3)
        self.metric_row(body, "Fuel consumption from renewable sources, including biomass", "E1-5 §37(c)(i)",
                        ENERGY_RENEWABLE_FUELS, e.renewable_fuels, unit=MWH, cls="detail")
        self.metric_row(body, "Purchased or acquired electricity, heat, steam and cooling from renewable sources",
                        "E1-5 §37(c)(ii)", ENERGY_RENEWABLE_PURCHASED, e.renewable_purchased, unit=MWH, cls="detail")
        self.metric_row(body, "Self-generated non-fuel renewable energy", "E1-5 §37(c)(iii)",
                        ENERGY_RENEWABLE_SELF, e.renewable_self_generated, unit=MWH, cls="detail")
        self.metric_row(body, "Total renewable energy consumption", "E1-5 §37(c)", ENERGY_RENEWABLE, e.renewable,
                        unit=MWH, cls="detail")
        self.metric_row(body, "Share of renewable sources in total energy consumption", "E1-5 AR 34",
                        ENERGY_RENEWABLE_PCT, _pct_value(e.renewable_pct), unit=PURE, cls="detail", scale=-2,
                        suffix="%")
        self.metric_row(body, "Total energy consumption", "E1-5 §37", ENERGY_TOTAL, e.total, unit=MWH, cls="total")

        if e.intensity_high_climate_impact is not None or e.net_revenue_high_climate_impact is not None:
            money = self.d.currency
            self.el(section, "h3", "Energy intensity (high climate impact sectors)")
            body = self.table(section, [("Disclosure", None), ("ESRS", None), ("Value", "num")])
            if e.net_revenue_high_climate_impact is not None:
                self.metric_row(body, f"Net revenue from activities in high climate impact sectors ({money})",
                                "E1-5 §43, AR 38(b)", REVENUE_HIGH_IMPACT, e.net_revenue_high_climate_impact,
                                unit=self.money)
            if e.intensity_high_climate_impact is not None:
                self.metric_row(body, f"Energy intensity, total energy consumption per net revenue (MWh per {money} "
                                      "million)", "E1-5 §40", ENERGY_INTENSITY, e.intensity_high_climate_impact,
                                unit=per(MWH, self.money), scale=PER_MILLION)

    def targets(self):
        d = self.d
        section = self.section("e1-4", "E1-4", "Targets related to climate change mitigation",
                               "GHG emission reduction targets: scopes covered, base year and value, target year and "
                               "value, and whether they are science-based (E1-4 §34; ESRS 2 MDR-T §80).")
        if not d.targets:
            self.el(section, "p", "The undertaking has not disclosed GHG emission reduction targets for this period.",
                    cls="note")
            return
        body = self.table(section, [("Target", None), ("Type", None), ("Scopes covered", None), ("Base year", "num"),
                                    ("Base value", "num"), ("Target year", "num"), ("Target value", "num"),
                                    ("Reduction", "num"), ("Science-based, 1.5 °C", None)])
        body.getparent().set("class", "targets")
        nested = self._scope_level_facts()
        for position, target in enumerate(d.targets):
            identifier = d.target_identifier(position)
            typed = {TARGET_AXIS: (TARGET_DOMAIN, identifier)}
            ctx = self.context(f"target{position + 1}", typed=typed)
            ctx_base = self.context(f"target{position + 1}_base", typed=typed, explicit={YEAR_AXIS: BASELINE})
            ctx_goal = self.context(f"target{position + 1}_goal", typed=typed, explicit={YEAR_AXIS: TARGET_YEARS})
            unit, scale, unit_label = self._target_unit(target)
            row = self.el(body, "tr")

            cell = self.el(row, "td")
            cell.append(self.doc.non_numeric(TARGET_NAME, target.name, context=ctx))  # ESRS 2 §80
            self.el(cell, "span", f"ID {identifier}", cls="id")
            kind_text, kind_member = (("Absolute", ABSOLUTE_TARGET) if target.kind == TargetKind.ABSOLUTE
                                      else ("Intensity", RELATIVE_TARGET))
            cell = self.el(row, "td", kind_text)
            self.el(cell, "span", unit_label, cls="id")
            # ESRS 2 §80(b) absolute or relative; §80 metrics used = the scopes covered (E1-4 §34(b)).
            self.doc.hide(self.doc.enumeration(TARGET_ABSOLUTE_OR_RELATIVE, [kind_member], context=ctx))
            self.doc.hide(self.doc.enumeration(TARGET_METRICS, [SCOPE_METRICS[s] for s in target.scopes], context=ctx))
            self.el(row, "td", ", ".join(s.label for s in sorted(target.scopes, key=list(Scope).index)))

            cell = self.el(row, "td", cls="num")  # ESRS 2 §80(d), E1-4 §34(c): base year
            cell.append(self.doc.non_numeric(TARGET_BASE_YEAR, str(target.base_year), context=ctx))
            base, goal, pct = nested.get(position, ((), (), ()))
            # E1-4 §34(c): baseline value; §34(a),(d): target value; ESRS 2 §80(b) measurable target.
            self.number_cell(row, TARGET_VALUE, target.base_value, unit=unit, context=ctx_base, scale=scale,
                             also=base)
            cell = self.el(row, "td", cls="num")  # ESRS 2 §80(e), E1-4 §34(d): target year
            cell.append(self.doc.non_numeric(TARGET_END_YEAR, str(target.target_year), context=ctx))
            self.number_cell(row, TARGET_VALUE, target.target_value, unit=unit, context=ctx_goal, scale=scale,
                             also=goal)
            # E1-4 §34(a): reduction as a percentage of base-year emissions.
            self.number_cell(row, TARGET_PERCENTAGE, _pct_value(target.reduction_pct), unit=PURE, context=ctx_goal,
                             scale=-2, suffix="%", also=pct)
            cell = self.el(row, "td")  # E1-4 §34(e)
            cell.append(self.doc.boolean(TARGET_SCIENCE_BASED, target.science_based, context=ctx))
        self.el(section, "p", "Base and target values are in the unit shown under Type. Reduction: in the target "
                              "year against the base year.", cls="note")

    def _target_unit(self, target: E1Target) -> tuple[Unit, int, str]:
        if target.kind == TargetKind.ABSOLUTE:
            return TCO2E, 0, "t CO2e"
        denominator = target.intensity_denominator
        if target.denominator_is_currency:
            return per(TCO2E, currency(denominator)), PER_MILLION, f"t CO2e per {denominator} million"
        return (per(TCO2E, Unit((f"utr:{denominator}",))), 0,
                f"t CO2e per {INTENSITY_PHYSICAL_DENOMINATORS[denominator]}")

    def _scope_level_facts(self) -> dict[int, tuple[tuple, tuple, tuple]]:
        """For absolute targets on one scope (or all three), the E1-4 §34(a)-(b) scope facts to nest
        in the base value, target value and reduction cells. A fact two targets would report with
        different values (same scope, same base or milestone) is left out for both."""
        candidates = defaultdict(list)  # (concept, member) -> [(position, slot, value)]
        for position, target in enumerate(self.d.targets):
            concepts = TARGET_SCOPE_CONCEPTS.get(target.scopes)
            if target.kind != TargetKind.ABSOLUTE or concepts is None:
                continue
            emissions, reduction = concepts
            milestone = MILESTONE_YEARS.get(target.target_year, TARGET_YEARS)
            candidates[(emissions, BASELINE)].append((position, 0, target.base_value))
            candidates[(emissions, milestone)].append((position, 1, target.target_value))
            candidates[(reduction, milestone)].append((position, 2, _pct_value(target.reduction_pct)))
        nested: dict[int, list[list]] = defaultdict(lambda: [[], [], []])
        for (concept, member), uses in sorted(candidates.items()):
            if len({value for _, _, value in uses}) != 1:
                continue
            context = self.context(f"{member.split(':')[1]}", explicit={YEAR_AXIS: member})
            for position, slot, _ in uses:
                nested[position][slot].append((concept, context))
        return {position: tuple(tuple(slot) for slot in slots) for position, slots in nested.items()}

    def methodology(self):
        d = self.d
        section = self.section("basis", "", "Basis of preparation",
                               "How the figures in this report were prepared.")
        basis = self.el(section, "div")
        for text in (
            "GHG emissions follow the GHG Protocol Corporate Standard and its Scope 2 Guidance and Corporate Value "
            "Chain (Scope 3) Standard, as ESRS E1 requires. Location-based Scope 2 uses grid-average emission "
            "factors; market-based Scope 2 uses contractual instruments (energy attribute certificates, power "
            "purchase agreements, supplier-specific rates) first, then residual-mix factors, and only then "
            "grid-average factors.",
            "Figures are gross (before removals and carbon credits) and are shown with the precision they were "
            "calculated to; totals and their parts agree within that precision. GHG intensity is total GHG "
            "emissions divided by the net revenue stated above.",
        ):
            self.el(basis, "p", text)
        paragraphs = [p.strip() for p in d.methodology.replace("\r\n", "\n").split("\n\n") if p.strip()]
        if paragraphs:
            self.el(section, "h3", "Methodologies, significant assumptions and emission factors")
            holder = self.el(section, "div", cls="methodology")
            content = []
            for text in paragraphs:
                p = etree.Element(f"{{{NS_XHTML}}}p")
                p.text = " ".join(text.split("\n"))
                content.append(p)
            # E1-6 AR 39(b): text block, the XHTML paragraphs are part of the value.
            holder.append(self.doc.non_numeric(METHODOLOGY, content, context=self.ctx, escape=True))

    def footer(self):
        footer = self.el(self.main, "div", cls="footer")
        self.el(footer, "p", f"Inline XBRL 1.1 document. Every figure is tagged with the {TAXONOMY_NAME}, entry "
                             f"point {ESRS_ENTRY_POINT}; open it in an Inline XBRL viewer to inspect the tags. "
                             "Numbers use a comma as thousands separator and a point as decimal separator.")
        self.el(footer, "p", "Prepared with FactorTrace.")


def render_e1_ixbrl(disclosure: E1Disclosure) -> bytes:
    """The ESRS E1 report of ``disclosure`` as Inline XBRL (XHTML, UTF-8).

    Deterministic: the same disclosure gives the same bytes. Validate the file with
    :func:`reports.xbrl.validate.arelle_validate` and :func:`reports.xbrl.validate.esrs_packages`.
    """
    if not isinstance(disclosure, E1Disclosure):
        raise TypeError(f"render_e1_ixbrl takes an E1Disclosure, got {type(disclosure).__name__}")
    return _E1Report(disclosure).render()
