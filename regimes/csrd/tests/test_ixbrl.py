"""ESRS E1 Inline XBRL report: the tagged facts, read back from the XHTML with lxml.

Pure tests (no database), except the one marked ``slow`` that runs Arelle offline on a
realistic disclosure (all 15 Scope 3 categories, two targets, the full energy split).
"""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal as D

import pytest
from lxml import etree

from regimes.csrd.disclosure import (
    DisclosureError,
    E1Disclosure,
    E1Energy,
    E1Target,
    Scope,
    TargetKind,
)
from regimes.csrd.ixbrl import ESRS_ENTRY_POINT, ESRS_NS, render_e1_ixbrl

IX = "http://www.xbrl.org/2013/inlineXBRL"
XBRLI = "http://www.xbrl.org/2003/instance"
XBRLDI = "http://xbrl.org/2006/xbrldi"
XHTML = "http://www.w3.org/1999/xhtml"
UTR = "http://www.xbrl.org/2009/utr"
ISO4217 = "http://www.xbrl.org/2003/iso4217"
LINK = "http://www.xbrl.org/2003/linkbase"
XLINK = "http://www.w3.org/1999/xlink"
NS = {"ix": IX, "xbrli": XBRLI, "xbrldi": XBRLDI, "h": XHTML, "link": LINK}
LEI = "529900T8BM49AURSDO55"
FY2024 = (date(2024, 1, 1), date(2024, 12, 31))
TCO2E = ((UTR, "tCO2e"),), ()
MWH = ((UTR, "MWh"),), ()
PURE = (("http://www.xbrl.org/2003/instance", "pure"),), ()
EUR = ((ISO4217, "EUR"),), ()
TCO2E_PER_EUR = ((UTR, "tCO2e"),), ((ISO4217, "EUR"),)
YEAR_AXIS = "CurrentlyStatedBaselineMilestonesOrTargetYearsAxis"
METHODOLOGY = ("DisclosureOfMethodologiesSignificantAssumptionsAndEmissionsFactorsUsedToCalculateOrMeasure"
               "GHGEmissionsExplanatory")
SCIENCE_BASED = ("GHGEmissionReductionTargetIsScienceBasedAndCompatibleWithLimitingGlobalWarming"
                 "ToOneAndHalfDegreesCelsius")
NO_TAXONOMY = "ESRS taxonomy packages not found: set ESRS_TAXONOMY_DIR to shared/reference/esrs-xbrl-taxonomy-2024"

SCOPE3 = {
    1: D("41250"), 2: D("8310"), 3: D("2140"), 4: D("3520"), 5: D("410"), 6: D("1275"), 7: D("960"), 8: D("120"),
    9: D("2780"), 10: D("1540"), 11: D("15600"), 12: D("830"), 13: D("75"), 14: D("0"), 15: D("1190"),
}
SCOPE3_MEMBER_NAMES = {
    1: "Category1PurchasedGoodsAndServicesMember", 2: "Category2CapitalGoodsMember",
    3: "Category3FuelAndEnergyrelatedActivitiesMember", 4: "Category4UpstreamTransportationAndDistributionMember",
    5: "Category5WasteGeneratedInOperationsMember", 6: "Category6BusinessTravelMember",
    7: "Category7EmployeeCommutingMember", 8: "Category8UpstreamLeasedAssetsMember",
    9: "Category9DownstreamTransportationAndDistributionMember", 10: "Category10ProcessingOfSoldProductsMember",
    11: "Category11UseOfSoldProductsMember", 12: "Category12EndoflifeTreatmentOfSoldProductsMember",
    13: "Category13DownstreamLeasedAssetsMember", 14: "Category14FranchisesMember", 15: "Category15InvestmentsMember",
}


def energy(**changes) -> E1Energy:
    values = dict(
        fossil=D("48210.5"), nuclear=D("3120.0"), renewable_fuels=D("1850.0"), renewable_purchased=D("12400.0"),
        renewable_self_generated=D("960.5"), renewable=D("15210.5"), total=D("66541.0"),
        fossil_pct=D("72.45"), nuclear_pct=D("4.69"), renewable_pct=D("22.86"),
        fossil_coal=D("0"), fossil_crude_oil=D("9870.5"), fossil_natural_gas=D("30140.0"), fossil_other=D("0"),
        fossil_purchased=D("8200.0"),
        intensity_high_climate_impact=D("0.000233888"), net_revenue_high_climate_impact=D("198000000"),
    )
    values.update(changes)
    return E1Energy(**values)


SCOPE1_TARGET = E1Target(
    name="Cut Scope 1 emissions 42% by 2030", kind=TargetKind.ABSOLUTE, scopes={Scope.SCOPE_1},
    base_year=2019, base_value=D("15000"), target_year=2030, target_value=D("8700"), reduction_pct=D("42.0"),
    science_based=True, identifier="GHG-1")
SCOPE3_INTENSITY_TARGET = E1Target(
    name="Halve Scope 3 intensity per revenue", kind=TargetKind.INTENSITY, scopes={Scope.SCOPE_3},
    intensity_denominator="EUR", base_year=2021, base_value=D("0.000310"), target_year=2032,
    target_value=D("0.000155"), reduction_pct=D("50"), science_based=False, identifier="GHG-2")


def disclosure(**changes) -> E1Disclosure:
    s1, s2l, s2m = D("12345"), D("6789"), D("5432")
    s3 = sum(SCOPE3.values())
    revenue = D("284500000")
    values = dict(
        entity_name="Acme Metals GmbH", lei=LEI, country="DE", currency="EUR",
        period_start=FY2024[0], period_end=FY2024[1],
        reporting_standard="ESRS Set 1 (Commission Delegated Regulation (EU) 2023/2772)",
        gross_scope1=s1, scope1_ets_pct=D("42.50"), scope2_location=s2l, scope2_market=s2m,
        scope3_by_category=SCOPE3, scope3_total=s3, total_location=s1 + s2l + s3, total_market=s1 + s2m + s3,
        net_revenue=revenue, energy=energy(), targets=(SCOPE1_TARGET, SCOPE3_INTENSITY_TARGET),
        methodology="Emission factors: DESNZ 2024 for fuels, IEA 2024 for grids.\n\n"
                    "Scope 3 category 1 is spend-based (EXIOBASE 3.8).",
    )
    values.update(changes)
    for intensity, total in (("intensity_location", "total_location"), ("intensity_market", "total_market")):
        revenue = values["net_revenue"]
        if intensity not in changes and isinstance(revenue, D) and revenue > 0 and isinstance(values[total], D):
            values[intensity] = (values[total] / revenue).quantize(D("1E-9"))  # E1-6 §53: t CO2e per EUR
        values.setdefault(intensity, D("0"))
    return E1Disclosure(**values)


# --- reading the document back ------------------------------------------------------------------


@dataclasses.dataclass
class Fact:
    concept: str  # local name in the ESRS namespace
    value: object  # Decimal for numbers, str otherwise
    period: tuple
    dims: dict
    unit: tuple | None
    decimals: int | None
    scale: int
    shown: str
    element: etree._Element


def qname_of(element, text: str) -> tuple[str, str]:
    prefix, local = text.strip().split(":")
    return element.nsmap[prefix], local


def read_facts(xhtml: bytes) -> list[Fact]:
    root = etree.fromstring(xhtml)
    contexts = {}
    for ctx in root.iterfind(".//xbrli:context", NS):
        start, end = ctx.findtext(".//xbrli:startDate", namespaces=NS), ctx.findtext(".//xbrli:endDate", namespaces=NS)
        period = (date.fromisoformat(start), date.fromisoformat(end)) if start else \
            (date.fromisoformat(ctx.findtext(".//xbrli:instant", namespaces=NS)),)
        dims = {}
        for member in ctx.iterfind(".//xbrldi:explicitMember", NS):
            dims[qname_of(member, member.get("dimension"))[1]] = qname_of(member, member.text)[1]
        for member in ctx.iterfind(".//xbrldi:typedMember", NS):
            dims[qname_of(member, member.get("dimension"))[1]] = member[0].text
        identifier = ctx.find(".//xbrli:identifier", NS)
        contexts[ctx.get("id")] = (period, dims, (identifier.get("scheme"), identifier.text))
    units = {}
    for unit in root.iterfind(".//xbrli:unit", NS):
        def measures(path, unit=unit):
            return tuple(qname_of(m, m.text) for m in unit.iterfind(path, NS))
        if unit.find("xbrli:divide", NS) is not None:
            units[unit.get("id")] = (measures(".//xbrli:unitNumerator/xbrli:measure"),
                                     measures(".//xbrli:unitDenominator/xbrli:measure"))
        else:
            units[unit.get("id")] = (measures("xbrli:measure"), ())
    facts = []
    for el in root.iter(f"{{{IX}}}nonFraction", f"{{{IX}}}nonNumeric"):
        namespace, concept = qname_of(el, el.get("name"))
        assert namespace == ESRS_NS
        period, dims, _ = contexts[el.get("contextRef")]
        shown = "".join(el.itertext())
        scale = int(el.get("scale", "0"))
        if el.tag.endswith("nonFraction"):
            assert el.get("format") == "ixt:num-dot-decimal"
            value = D(shown.replace(",", "")).scaleb(scale)
            if el.get("sign") == "-":
                value = -value
            unit, decimals = units[el.get("unitRef")], int(el.get("decimals"))
        else:
            fmt = el.get("format")
            value = {"ixt:fixed-true": "true", "ixt:fixed-false": "false"}.get(fmt, shown)
            unit = decimals = None
        facts.append(Fact(concept, value, period, dims, unit, decimals, scale, shown, el))
    return facts


def find(facts, concept, **dims) -> list[Fact]:
    return [f for f in facts if f.concept == concept and f.dims == dims]


def one(facts, concept, **dims) -> Fact:
    found = find(facts, concept, **dims)
    assert len(found) == 1, f"{concept} {dims}: {len(found)} facts"
    return found[0]


@pytest.fixture(scope="module")
def report() -> bytes:
    return render_e1_ixbrl(disclosure())


@pytest.fixture(scope="module")
def facts(report) -> list[Fact]:
    return read_facts(report)


# --- E1-6 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("field, concept", [
    ("gross_scope1", "GrossScope1GreenhouseGasEmissions"),
    ("scope2_location", "GrossLocationBasedScope2GreenhouseGasEmissions"),
    ("scope2_market", "GrossMarketBasedScope2GreenhouseGasEmissions"),
    ("total_location", "LocationBasedGreenhouseGasEmissions"),
    ("total_market", "MarketBasedGreenhouseGasEmissions"),
])
def test_it_tags_e1_6_emissions_in_tco2e_for_the_reporting_period(facts, field, concept):
    fact = one(facts, concept)
    assert fact.value == getattr(disclosure(), field)
    assert (fact.unit, fact.decimals, fact.period, fact.scale) == (TCO2E, 0, FY2024, 0)


def test_scope3_total_appears_in_both_tables_with_one_value(facts):
    totals = find(facts, "GrossScope3GreenhouseGasEmissions")
    assert len(totals) == 2 and {f.value for f in totals} == {sum(SCOPE3.values())}


def test_every_scope3_category_is_on_the_explicit_ghg_protocol_axis(facts):
    tagged = {}
    for fact in facts:
        if fact.concept == "GrossScope3GreenhouseGasEmissions" and fact.dims:
            assert list(fact.dims) == ["Scope3GHGEmissionsCategoryGHGProtocolAxis"]
            assert fact.unit == TCO2E and fact.period == FY2024
            tagged[fact.dims["Scope3GHGEmissionsCategoryGHGProtocolAxis"]] = fact.value
    assert tagged == {SCOPE3_MEMBER_NAMES[n]: value for n, value in SCOPE3.items()}


def test_included_scope3_categories_are_a_hidden_enumeration_set_in_order(report, facts):
    fact = one(facts, "ListOfScope3GHGEmissionsCategoriesIncludedInInventoryGHGProtocol")
    values = fact.value.split(" ")
    assert values == sorted(values) and len(values) == 15
    assert f"{ESRS_NS}#Category14FranchisesMember" in values
    assert fact.element.getparent().tag == f"{{{IX}}}hidden"


def test_only_significant_categories_present_are_tagged():
    d = disclosure(scope3_by_category={6: D("1275"), 1: D("41250")})
    tagged = [f for f in read_facts(render_e1_ixbrl(d)) if f.concept == "GrossScope3GreenhouseGasEmissions" and f.dims]
    assert [f.dims["Scope3GHGEmissionsCategoryGHGProtocolAxis"] for f in tagged] == [
        "Category1PurchasedGoodsAndServicesMember", "Category6BusinessTravelMember"]


def test_ets_share_is_a_pure_ratio_shown_as_percent(facts):
    fact = one(facts, "PercentageOfScope1GreenhouseGasEmissionsFromRegulatedEmissionTradingSchemes")
    assert (fact.value, fact.unit, fact.scale, fact.decimals, fact.shown) == (D("0.4250"), PURE, -2, 4, "42.50")


def test_ets_share_is_left_out_when_not_given():
    facts = read_facts(render_e1_ixbrl(disclosure(scope1_ets_pct=None)))
    assert not find(facts, "PercentageOfScope1GreenhouseGasEmissionsFromRegulatedEmissionTradingSchemes")


def test_ghg_intensity_is_tagged_per_euro_and_shown_per_million(facts):
    d = disclosure()
    for concept, expected in (
            ("GHGEmissionsIntensityLocationbasedTotalGHGEmissionsPerNetRevenue", d.intensity_location),
            ("GHGEmissionsIntensityMarketbasedTotalGHGEmissionsPerNetRevenue", d.intensity_market)):
        fact = one(facts, concept)
        assert fact.value == expected and fact.unit == TCO2E_PER_EUR
        assert fact.scale == -6 and fact.decimals == 9
        assert D(fact.shown.replace(",", "")) == expected.scaleb(6)
    revenue = one(facts, "NetRevenueUsedToCalculateGHGIntensity")
    assert (revenue.value, revenue.unit, revenue.decimals, revenue.shown) == (D("284500000"), EUR, 0, "284,500,000")


def test_another_currency_is_used_for_revenue_and_the_intensity_denominator():
    facts = read_facts(render_e1_ixbrl(disclosure(currency="SEK", energy=energy(
        intensity_high_climate_impact=None, net_revenue_high_climate_impact=None), targets=(SCOPE1_TARGET,))))
    assert one(facts, "NetRevenueUsedToCalculateGHGIntensity").unit == (((ISO4217, "SEK"),), ())
    assert one(facts, "GHGEmissionsIntensityLocationbasedTotalGHGEmissionsPerNetRevenue").unit == (
        ((UTR, "tCO2e"),), ((ISO4217, "SEK"),))


@pytest.mark.parametrize("value, shown, decimals", [
    (D("12345.678"), "12,345.678", 3),
    (D("12345"), "12,345", 0),
    (D("0"), "0", 0),
    (D("1.2E+4"), "12,000", -3),
    (D("0.5"), "0.5", 1),
])
def test_numbers_round_trip_exactly_with_the_precision_they_carry(value, shown, decimals):
    d = disclosure(gross_scope1=value, total_location=value + D("6789") + sum(SCOPE3.values()),
                   total_market=value + D("5432") + sum(SCOPE3.values()))
    fact = one(read_facts(render_e1_ixbrl(d)), "GrossScope1GreenhouseGasEmissions")
    assert (fact.value, fact.shown, fact.decimals) == (value, shown, decimals)
    # same digits, not just the same number: the value at the precision decimals states is the input
    assert fact.value.quantize(D(1).scaleb(-fact.decimals)).as_tuple() == value.as_tuple()


# --- E1-5 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("field, concept", [
    ("fossil", "EnergyConsumptionFromFossilSources"),
    ("fossil_coal", "FuelConsumptionFromCoalAndCoalProducts"),
    ("fossil_crude_oil", "FuelConsumptionFromCrudeOilAndPetroleumProducts"),
    ("fossil_natural_gas", "FuelConsumptionFromNaturalGas"),
    ("fossil_other", "FuelConsumptionFromOtherFossilSources"),
    ("fossil_purchased", "ConsumptionOfPurchasedOrAcquiredElectricityHeatSteamOrCoolingFromFossilSources"),
    ("nuclear", "EnergyConsumptionFromNuclearSources"),
    ("renewable_fuels", "FuelConsumptionFromRenewableSources"),
    ("renewable_purchased", "ConsumptionOfPurchasedOrAcquiredElectricityHeatSteamAndCoolingFromRenewableSources"),
    ("renewable_self_generated", "ConsumptionOfSelfgeneratedNonfuelRenewableEnergy"),
    ("renewable", "EnergyConsumptionFromRenewableSources"),
    ("total", "EnergyConsumptionRelatedToOwnOperations"),
])
def test_energy_is_tagged_in_mwh(facts, field, concept):
    fact = one(facts, concept)
    assert (fact.value, fact.unit, fact.period) == (getattr(energy(), field), MWH, FY2024)


@pytest.mark.parametrize("field, concept", [
    ("fossil_pct", "PercentageOfFossilSourcesInTotalEnergyConsumption"),
    ("nuclear_pct", "PercentageOfEnergyConsumptionFromNuclearSourcesInTotalEnergyConsumption"),
    ("renewable_pct", "PercentageOfRenewableSourcesInTotalEnergyConsumption"),
])
def test_energy_shares_are_pure_ratios(facts, field, concept):
    fact = one(facts, concept)
    assert fact.value == getattr(energy(), field) / 100 and fact.unit == PURE and fact.scale == -2


def test_energy_intensity_and_high_impact_revenue(facts):
    intensity = one(facts, "EnergyIntensityFromActivitiesInHighClimateImpactSectorsTotalEnergyConsumptionPerNetRevenue")
    assert intensity.value == D("0.000233888") and intensity.unit == (((UTR, "MWh"),), ((ISO4217, "EUR"),))
    assert intensity.shown == "233.888"
    assert one(facts, "RevenueFromActivitiesInHighClimateImpactSectors").value == D("198000000")


def test_fossil_split_rows_are_left_out_when_not_given():
    facts = read_facts(render_e1_ixbrl(disclosure(energy=energy(
        fossil_coal=None, fossil_crude_oil=None, fossil_natural_gas=None, fossil_other=None, fossil_purchased=None,
        intensity_high_climate_impact=None, net_revenue_high_climate_impact=None))))
    assert not find(facts, "FuelConsumptionFromNaturalGas")
    assert not find(facts, "EnergyIntensityFromActivitiesInHighClimateImpactSectorsTotalEnergyConsumptionPerNetRevenue")
    assert one(facts, "EnergyConsumptionFromFossilSources").value == D("48210.5")


# --- E1-4 --------------------------------------------------------------------------------------


def target_dims(identifier, year_member=None):
    dims = {"IdentifierOfTargetTypedAxis": identifier}
    if year_member:
        dims[YEAR_AXIS] = year_member
    return dims


def test_each_target_is_a_typed_axis_member_with_name_years_and_flag(facts):
    for target in (SCOPE1_TARGET, SCOPE3_INTENSITY_TARGET):
        dims = target_dims(target.identifier)
        assert one(facts, "NameOfTarget", **dims).value == target.name
        assert one(facts, "BaseYearFromWhichProgressIsMeasured", **dims).value == str(target.base_year)
        assert one(facts, "PeriodToWhichTargetAppliesEndYear", **dims).value == str(target.target_year)
        flag = one(facts, SCIENCE_BASED, **dims)
        assert flag.value == ("true" if target.science_based else "false")
        assert flag.shown == ("Yes" if target.science_based else "No")
        assert all(f.period == FY2024 for f in facts if f.dims.get("IdentifierOfTargetTypedAxis") == target.identifier)


def test_target_values_sit_on_baseline_and_target_year_members(facts):
    base = one(facts, "MeasurableTargetAbsoluteValue", **target_dims("GHG-1", "BaselineYearMember"))
    goal = one(facts, "MeasurableTargetAbsoluteValue", **target_dims("GHG-1", "MilestonesAndTargetYearsMember"))
    pct = one(facts, "MeasurableTargetPercentage", **target_dims("GHG-1", "MilestonesAndTargetYearsMember"))
    assert (base.value, base.unit) == (D("15000"), TCO2E)
    assert (goal.value, goal.unit) == (D("8700"), TCO2E)
    assert (pct.value, pct.unit, pct.shown) == (D("0.420"), PURE, "42.0")


def test_intensity_target_values_are_per_currency_unit(facts):
    base = one(facts, "MeasurableTargetAbsoluteValue", **target_dims("GHG-2", "BaselineYearMember"))
    assert (base.value, base.unit, base.shown) == (D("0.000310"), TCO2E_PER_EUR, "310")


def test_target_type_and_scopes_are_hidden_enumerations(facts):
    kind = one(facts, "AbsoluteOrRelativeTarget", **target_dims("GHG-1"))
    assert kind.value == f"{ESRS_NS}#AbsoluteTargetMember"
    assert one(facts, "AbsoluteOrRelativeTarget", **target_dims("GHG-2")).value == f"{ESRS_NS}#RelativeTargetMember"
    metrics = one(facts, "ESRSMetricsAndMonetaryAmountsUsedForTarget", **target_dims("GHG-1"))
    assert metrics.value == f"{ESRS_NS}#GrossScope1GreenhouseGasEmissions"
    assert kind.element.getparent().tag == metrics.element.getparent().tag == f"{{{IX}}}hidden"


def test_a_single_scope_target_also_carries_the_e1_4_scope_facts_nested(facts):
    base = one(facts, "GrossScope1GreenhouseGasEmissions", **{YEAR_AXIS: "BaselineYearMember"})
    goal = one(facts, "GrossScope1GreenhouseGasEmissions", **{YEAR_AXIS: "Milestone2030YearMember"})
    pct = one(facts, "PercentageOfScope1GreenhouseGasEmissionsReductionAsOfEmissionsOfBaseYear",
              **{YEAR_AXIS: "Milestone2030YearMember"})
    assert (base.value, goal.value, pct.value) == (D("15000"), D("8700"), D("0.420"))
    # nested inside the MDR-T facts: one displayed number, two concepts
    assert base.element.getparent().get("name") == "esrs:MeasurableTargetAbsoluteValue"
    assert pct.element.getparent().get("name") == "esrs:MeasurableTargetPercentage"


def test_combined_scope_targets_have_no_single_scope_facts_and_all_scopes_map_to_the_total():
    s1_s2 = dataclasses.replace(SCOPE1_TARGET, identifier="A", scopes={Scope.SCOPE_1, Scope.SCOPE_2_MARKET})
    all_scopes = dataclasses.replace(SCOPE1_TARGET, identifier="B", target_year=2033,
                                     scopes={Scope.SCOPE_1, Scope.SCOPE_2_LOCATION, Scope.SCOPE_3})
    facts = read_facts(render_e1_ixbrl(disclosure(targets=(s1_s2, all_scopes))))
    assert not find(facts, "GrossScope1GreenhouseGasEmissions", **{YEAR_AXIS: "BaselineYearMember"})
    metrics = ("GrossMarketBasedScope2GreenhouseGasEmissions", "GrossScope1GreenhouseGasEmissions")
    assert one(facts, "ESRSMetricsAndMonetaryAmountsUsedForTarget", **target_dims("A")).value == " ".join(
        f"{ESRS_NS}#{c}" for c in metrics)
    # 2033 has no milestone member of its own
    total = one(facts, "GrossGreenhouseGasEmissions", **{YEAR_AXIS: "MilestonesAndTargetYearsMember"})
    assert total.value == D("8700")


def test_two_targets_disagreeing_on_a_scope_fact_leave_it_out():
    other = dataclasses.replace(SCOPE1_TARGET, identifier="GHG-9", base_value=D("14000"), target_value=D("8120"),
                                target_year=2035)
    facts = read_facts(render_e1_ixbrl(disclosure(targets=(SCOPE1_TARGET, other))))
    # different base values on the same Baseline member: neither is tagged as Scope 1 baseline
    assert not find(facts, "GrossScope1GreenhouseGasEmissions", **{YEAR_AXIS: "BaselineYearMember"})
    # the target years differ (2030, 2035), so each target-year fact stays
    assert one(facts, "GrossScope1GreenhouseGasEmissions", **{YEAR_AXIS: "Milestone2035YearMember"}).value == D("8120")
    # the per-target facts are all there
    assert one(facts, "MeasurableTargetAbsoluteValue", **target_dims("GHG-9", "BaselineYearMember")).value == D("14000")


def test_targets_without_identifier_are_numbered_by_position():
    unnamed = dataclasses.replace(SCOPE1_TARGET, identifier=None)
    facts = read_facts(render_e1_ixbrl(disclosure(targets=(SCOPE3_INTENSITY_TARGET, unnamed))))
    assert one(facts, "NameOfTarget", **target_dims("T2")).value == SCOPE1_TARGET.name


def test_physical_intensity_denominator_uses_the_utr_unit():
    per_tonne = dataclasses.replace(SCOPE3_INTENSITY_TARGET, intensity_denominator="t", base_value=D("1.20"),
                                    target_value=D("0.60"))
    facts = read_facts(render_e1_ixbrl(disclosure(targets=(per_tonne,))))
    base = one(facts, "MeasurableTargetAbsoluteValue", **target_dims("GHG-2", "BaselineYearMember"))
    assert (base.value, base.unit, base.scale) == (D("1.20"), (((UTR, "tCO2e"),), ((UTR, "t"),)), 0)


# --- the document ------------------------------------------------------------------------------


def test_it_is_an_inline_xbrl_xhtml_document_with_the_esrs_entry_point(report):
    root = etree.fromstring(report)
    assert root.tag == f"{{{XHTML}}}html"
    assert report.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    refs = root.findall(".//ix:references/link:schemaRef", NS)
    assert [r.get(f"{{{XLINK}}}href") for r in refs] == [ESRS_ENTRY_POINT]
    header = root.find(".//ix:header", NS)
    assert header.getparent().get("style") == "display:none"
    assert {r.get("id") for r in root.iterfind(".//xbrli:context", NS)} >= {
        f.get("contextRef") for f in root.iter(f"{{{IX}}}nonFraction", f"{{{IX}}}nonNumeric")}
    identifiers = {(i.get("scheme"), i.text) for i in root.iterfind(".//xbrli:identifier", NS)}
    assert identifiers == {("http://standards.iso.org/iso/17442", LEI)}


def test_every_figure_in_a_table_is_tagged(report):
    root = etree.fromstring(report)
    cells = root.xpath("//h:td[contains(concat(' ', @class, ' '), ' num ')]", namespaces=NS)
    assert len(cells) > 40
    for cell in cells:
        assert cell.xpath(".//ix:nonFraction | .//ix:nonNumeric", namespaces=NS), etree.tostring(cell)


def test_methodology_is_an_escaped_text_block(facts):
    fact = one(facts, METHODOLOGY)
    assert fact.element.get("escape") == "true"
    assert [p.text for p in fact.element] == ["Emission factors: DESNZ 2024 for fuels, IEA 2024 for grids.",
                                              "Scope 3 category 1 is spend-based (EXIOBASE 3.8)."]


def test_the_same_disclosure_gives_the_same_bytes():
    first = render_e1_ixbrl(disclosure())
    assert render_e1_ixbrl(disclosure()) == first
    reordered = disclosure(scope3_by_category=dict(reversed(list(SCOPE3.items()))))
    assert render_e1_ixbrl(reordered) == first


def test_hostile_text_is_escaped_and_kept_exactly():
    hostile = 'Acme <script>alert("x")</script> & Söhne \'GmbH\' ]]> <!--'
    target = dataclasses.replace(SCOPE1_TARGET, name=f"Target {hostile}")
    d = disclosure(entity_name=hostile, targets=(target,), methodology=f"Method {hostile}",
                   reporting_standard="ESRS & <b>bold</b>")
    report = render_e1_ixbrl(d)
    root = etree.fromstring(report)  # still well-formed XML
    assert not root.xpath("//h:script | //h:b", namespaces=NS)
    assert root.findtext("h:head/h:title", namespaces=NS).startswith(hostile)
    facts = read_facts(report)
    assert one(facts, "NameOfTarget", **target_dims("GHG-1")).value == f"Target {hostile}"
    block = one(facts, METHODOLOGY)
    assert [p.text for p in block.element] == [f"Method {hostile}"]
    assert b"<script>" not in report and b"&lt;script&gt;" in report


def test_without_lei_the_fallback_scheme_identifies_the_undertaking():
    report = render_e1_ixbrl(disclosure(lei=None, local_identifier="acme-metals"))
    identifiers = {(i.get("scheme"), i.text) for i in etree.fromstring(report).iterfind(".//xbrli:identifier", NS)}
    assert identifiers == {("https://factortrace.org/xbrl/entity-identifier", "acme-metals")}


def test_a_non_calendar_period_is_the_context_period():
    d = disclosure(period_start=date(2023, 7, 1), period_end=date(2024, 6, 30))
    fact = one(read_facts(render_e1_ixbrl(d)), "GrossScope1GreenhouseGasEmissions")
    assert fact.period == (date(2023, 7, 1), date(2024, 6, 30))


# --- what the disclosure refuses -----------------------------------------------------------------


@pytest.mark.parametrize("changes, message", [
    ({"gross_scope1": 12345.0}, "gross_scope1 must be a Decimal, got float"),
    ({"gross_scope1": D("-1")}, "gross_scope1 must not be below 0"),
    ({"lei": "529900T8BM49AURSDO56"}, "not valid"),
    ({"lei": None}, "An LEI or a local identifier is needed"),
    ({"country": "Germany"}, "ISO 3166-1"),
    ({"currency": "eur"}, "ISO 4217"),
    ({"total_location": D("99999")}, "Total GHG emissions (location-based) 99999 does not equal"),
    ({"scope3_by_category": {16: D("1")}}, "not a GHG Protocol category 1-15"),
    ({"scope3_by_category": {1: D("90000")}}, "more than the Scope 3 total"),
    ({"net_revenue": D("0")}, "must be above zero"),
    ({"scope1_ets_pct": D("101")}, "must not exceed 100"),
    ({"period_end": date(2023, 12, 31)}, "ends"),
    ({"entity_name": "Acme\x00"}, "control character"),
    ({"targets": (SCOPE1_TARGET, SCOPE1_TARGET)}, "Target identifiers must be unique: GHG-1"),
    # an intensity per EUR million where the taxonomy wants per EUR: a million times too high
    ({"intensity_location": D("348.450")}, "intensity_location 348.450 does not match total / net revenue"),
])
def test_it_refuses_figures_that_cannot_be_published(changes, message):
    with pytest.raises(DisclosureError, match=message.replace("(", r"\(").replace(")", r"\)")):
        disclosure(**changes)


def test_it_names_every_problem_at_once():
    with pytest.raises(DisclosureError) as caught:
        disclosure(country="DEU", currency="euro", gross_scope1=D("-5"))
    assert len(caught.value.problems) >= 4  # country, currency, negative, and the totals that no longer add up


@pytest.mark.parametrize("changes, message", [
    ({"kind": TargetKind.INTENSITY}, "needs intensity_denominator"),
    ({"intensity_denominator": "EUR"}, "an absolute target has no intensity_denominator"),
    ({"target_year": 2019}, "is not after base year"),
    ({"reduction_pct": D("120")}, "must not exceed 100"),
    ({"scopes": set()}, "covers no scope"),
    ({"scopes": {"scope4"}}, "scopes Scope values"),
    ({"identifier": "a,b"}, "without commas"),
    ({"base_value": 15000}, "must be a Decimal"),
    ({"target_value": D("9700")}, "reduction 42.0 does not match"),  # 15000 -> 9700 is 35.3 %
    ({"reduction_pct": D("0.42")}, "reduction 0.42 does not match"),  # a ratio where percent is expected
])
def test_a_target_refuses_inconsistent_definitions(changes, message):
    values = {f.name: getattr(SCOPE1_TARGET, f.name) for f in dataclasses.fields(E1Target)}
    values.update(changes)
    with pytest.raises(DisclosureError, match=message):
        E1Target(**values)


def test_energy_shares_must_be_percentages_of_the_total():
    with pytest.raises(DisclosureError, match="Energy fossil_pct 0.7245 does not match"):
        energy(fossil_pct=D("0.7245"))
    assert energy(fossil_pct=D("72"), nuclear_pct=D("5"), renewable_pct=D("23")).fossil_pct == D("72")


def test_energy_totals_must_add_up():
    with pytest.raises(DisclosureError, match="Total energy consumption 70000 does not equal"):
        energy(total=D("70000"))
    with pytest.raises(DisclosureError, match="Fossil energy consumption"):
        energy(fossil_natural_gas=D("1"))


# --- Arelle --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_report_passes_arelle_offline_validation(tmp_path):
    from reports.xbrl.validate import arelle_validate, esrs_packages

    packages = esrs_packages()
    assert packages, NO_TAXONOMY
    d = disclosure(entity_name='Acme <Metals> & "Sons" GmbH')
    assert len(d.scope3_by_category) == 15 and len(d.targets) == 2 and d.energy.fossil_split
    path = tmp_path / "esrs-e1.xhtml"
    path.write_bytes(render_e1_ixbrl(d))

    result = arelle_validate(path, packages, scratch_dir=tmp_path)

    assert result.errors == [] and result.warnings == []
    assert result.ok and result.exit_code == 0
    assert result.seconds < 120
