"""The demo tenant's inventory: a components manufacturer with a UK plant (Leeds) and a US plant
(Ohio), two financial years, so the dashboard has totals, charts and a trend.

Factors are picked by publisher ID so the figures are reproducible; the activities go through
the same services as people's entries (audited, calculated, snapshotted). Idempotent.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from factors.models import EmissionFactor

from . import services
from .models import ContractualInstrument, ReportingPeriod, Target

DESNZ = {2024: "desnz-2024", 2025: "desnz-2025"}
EPA_HUB = {2024: "epa-hub-2024", 2025: "epa-hub-2025"}

# (facility, scope, details, description, quantity per year {2024, 2025}, unit, (source, external id), quality)
ACTIVITIES = [
    ("Leeds plant", "1", {"scope1_type": "stationary"}, "Natural gas, boilers and paint-line ovens",
     {2024: "1318000", 2025: "1254000"}, "kWh (Gross CV)", ("desnz", "1_100_1004_6_1"), "measured"),
    ("Leeds plant", "1", {"scope1_type": "mobile"}, "Diesel, delivery fleet (7 vans)",
     {2024: "46800", 2025: "42150"}, "litres", ("desnz", "1_101_1011_8_1"), "measured"),
    ("Leeds plant", "1", {"scope1_type": "stationary", "ets_regulated": True},
     "Natural gas, heat-treatment furnace (EU ETS-equivalent UK ETS installation)",
     {2024: "2100000", 2025: "1985000"}, "kWh (Gross CV)", ("desnz", "1_100_1004_6_1"), "measured"),
    ("Ohio plant", "1", {"scope1_type": "stationary"}, "Natural gas, space heating",
     {2024: "4630", 2025: "4215"}, "mmBtu (Gross CV)", ("epa", "t1:natural-gas:mmbtu"), "measured"),
    ("Leeds plant", "2", {"energy_type": "electricity"}, "Grid electricity, Leeds",
     {2024: "1912000", 2025: "1806500"}, "kWh", ("grid", "GB"), "measured"),
    ("Ohio plant", "2", {"energy_type": "electricity"}, "Grid electricity, Ohio (eGRID RFCW)",
     {2024: "2510000", 2025: "2398000"}, "kWh", ("grid", "RFCW"), "measured"),
    ("Leeds plant", "3", {"scope3_category": 1}, "Steel coil and bar (spend, USD)",
     {2024: "3150000", 2025: "2870000"}, "USD", ("epa-sc", "331110"), "estimated"),
    ("Ohio plant", "3", {"scope3_category": 1}, "Machined parts from machine shops (spend, USD)",
     {2024: "1240000", 2025: "1385000"}, "USD", ("epa-sc", "332710"), "estimated"),
    ("Ohio plant", "3", {"scope3_category": 4}, "Inbound trucking, long-distance truckload (spend, USD)",
     {2024: "410000", 2025: "388000"}, "USD", ("epa-sc", "484121"), "estimated"),
    ("Leeds plant", "3", {"scope3_category": 6}, "Flights, short-haul economy (with radiative forcing)",
     {2024: "412000", 2025: "365000"}, "passenger.km", ("desnz", "21_316_3164_11_1"), "calculated"),
    ("Leeds plant", "3", {"scope3_category": 6}, "Hotel stays, UK",
     {2024: "512", 2025: "468"}, "room per night", ("desnz", "29_600_4000_13_1"), "calculated"),
    ("Leeds plant", "3", {"scope3_category": 7}, "Employee commuting, average diesel car",
     {2024: "486000", 2025: "471000"}, "km", ("desnz", "25_301_3069_4_1"), "estimated"),
]

def _factor(kind: str, key: str, year: int) -> EmissionFactor | None:
    if kind == "grid":
        return None  # Scope 2 electricity: resolved by the service (grid factor of the facility's region)
    source = {"desnz": DESNZ[year], "epa": EPA_HUB[year], "epa-sc": "epa-supply-chain-v1-3"}[kind]
    return EmissionFactor.objects.get(source__code=source, external_id=key)


def demo_inventory_ensure(owner) -> None:
    """Facilities, FY2024 and FY2025 with their activities and instruments, and two targets. The
    periods stay draft so regimes can add their own lines; :func:`demo_inventory_lock` locks
    FY2024 afterwards."""
    if ReportingPeriod.objects.filter(name="FY2025").exists():
        return
    leeds = services.facility_create(actor=owner, data={"name": "Leeds plant", "code": "LDS", "country": "GB"})
    ohio = services.facility_create(actor=owner, data={"name": "Ohio plant", "code": "OH1", "country": "US",
                                                       "grid_region": "RFCW"})
    sites = {"Leeds plant": leeds, "Ohio plant": ohio}
    for year, revenue in ((2024, D("81200000")), (2025, D("86400000"))):
        period = services.period_create(actor=owner, data={
            "name": f"FY{year}", "year": year, "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31),
            "net_revenue": revenue, "currency": "EUR"})
        for site, scope, details, description, quantities, unit, (kind, key), quality in ACTIVITIES:
            data = {"period": period, "facility": sites[site], "scope": scope, "description": description,
                    "quantity": D(quantities[year]), "unit": unit, "data_quality": quality, **details}
            if (factor := _factor(kind, key, year)) is not None:
                data.update(factor=factor, factor_reason="Chosen by the demo data set (publisher ID)")
            services.activity_create(actor=owner, data=data)
        services.instrument_create(actor=owner, data={
            "period": period, "facility": leeds, "kind": ContractualInstrument.Kind.GO,
            "supplier": "Yorkshire Wind Co-op", "description": "REGOs, onshore wind",
            "quantity_mwh": D("600") if year == 2024 else D("1000"), "emission_rate": D(0),
            "certificate_ids": "REGO R00123-R00456"})
        services.instrument_create(actor=owner, data={
            "period": period, "facility": ohio, "kind": ContractualInstrument.Kind.SUPPLIER,
            "supplier": "Buckeye Power", "description": "Supplier-specific emission rate (utility disclosure)",
            "emission_rate": D("0.3620")})
    services.target_create(actor=owner, data={
        "name": "Operational emissions −42 % by 2030", "kind": Target.Kind.ABSOLUTE, "covers_scope1": True,
        "covers_scope2": True, "scope2_method": Target.Scope2Method.MARKET, "covers_scope3": False,
        "base_year": 2022, "base_value": D("2450"), "target_year": 2030, "target_value": D("1421"),
        "science_based": True, "description": "Scope 1 and 2 (market-based), aligned with a 1.5 °C pathway."})
    services.target_create(actor=owner, data={
        "name": "Value-chain intensity −30 % by 2030", "kind": Target.Kind.INTENSITY, "covers_scope1": True,
        "covers_scope2": True, "scope2_method": Target.Scope2Method.MARKET, "covers_scope3": True,
        "base_year": 2022, "base_value": D("62"), "target_year": 2030, "target_value": D("43.4"),
        "science_based": False, "description": "t CO2e per EUR million of net revenue, all scopes."})


def demo_inventory_lock(owner) -> None:
    """Lock FY2024 (it is the closed year of the demo); nothing happens when it is locked already."""
    period = ReportingPeriod.objects.get(name="FY2024")
    if not period.is_locked:
        services.period_set_status(period=period, status=ReportingPeriod.Status.LOCKED, actor=owner)
