"""Test data for the shared GHG inventory: periods, facilities, activities, contractual
instruments and targets — each created through ``regimes.inventory.services`` (validated,
audited, period-lock aware), inside the tenant schema the test is in:

    with in_tenant(tenant_a):
        fy25 = ReportingPeriodFactory(year=2025, net_revenue=D("20000000"))
        leeds = FacilityFactory(name="Leeds", country="GB")
        gas = ActivityRecordFactory(period=fy25, facility=leeds, quantity=D("120000"))  # DESNZ 2025 gas
        grid = ActivityRecordFactory(period=fy25, facility=leeds, electricity=True)     # grid factor resolved
        ActivityRecordFactory.create_batch(50, period=fy25, facility=leeds)

Activities get their numbers only from the service: the factory picks a real library factor
(``factors.selectors.library_factor``; the ``factor_library`` fixture must be loaded) or none
(resolved by the service, e.g. Scope 2 grid electricity, or from ``keywords``), and
``activity_save`` fills the snapshot and the emissions. No factory writes an emission figure.
The writer is called in one place per factory (``_create``); everything else is declarations.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from factors.selectors import library_factor
from regimes.inventory import services
from regimes.inventory.models import ActivityRecord, ContractualInstrument, Facility, ReportingPeriod, Target
from tenants.tests.factories import ServiceFactory

# The library factors the traits use (DESNZ 2025 v1, publisher IDs).
NATURAL_GAS = ("desnz-2025", "1_100_1004_6_1")      # kWh (Gross CV), 0.18296 kg CO2e/kWh
DIESEL = ("desnz-2025", "1_101_1011_8_1")           # litres, average biofuel blend, 2.57082 kg CO2e/litre
DOMESTIC_FLIGHT = ("desnz-2025", "21_316_3160_11_1")  # passenger.km, average passenger, with RF


def library(source_and_id: tuple[str, str]):
    return factory.LazyFunction(lambda: library_factor(*source_and_id))


class ReportingPeriodFactory(ServiceFactory):
    """A financial year ``FY<year>`` (calendar dates), saved by ``period_save``; ``locked=True``
    then locks it with ``period_set_status`` (which freezes its market-based Scope 2)."""

    class Meta:
        model = ReportingPeriod

    _service_arguments = ("locked",)

    year = factory.Sequence(lambda n: 2025 - n % 30)
    name = factory.LazyAttribute(lambda period: f"FY{period.year}")
    start = factory.LazyAttribute(lambda period: dt.date(period.year, 1, 1))
    end = factory.LazyAttribute(lambda period: dt.date(period.year, 12, 31))
    net_revenue = None
    currency = "EUR"
    locked = False

    @classmethod
    def _create(cls, model_class, *args, actor=None, locked=False, **kwargs):
        period = services.period_create(actor=actor, data=kwargs)
        if locked:
            period = services.period_set_status(period=period, status=ReportingPeriod.Status.LOCKED, actor=actor)
        return period


class FacilityFactory(ServiceFactory):
    """A site in the boundary (operational control, GB) saved by ``facility_save``;
    ``FacilityFactory(joint_venture=True, equity_share=D("40"))`` is an equity-share site."""

    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"Site {n}")
    code = factory.Sequence(lambda n: f"S{n}")
    country = "GB"
    grid_region = ""
    consolidation = Facility.Consolidation.OPERATIONAL

    class Params:
        joint_venture = factory.Trait(consolidation=Facility.Consolidation.EQUITY, equity_share=Decimal(50))

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.facility_create(actor=actor, data=kwargs)


class ActivityRecordFactory(ServiceFactory):
    """An inventory line calculated by ``activity_save``: by default Scope 1 natural gas in
    boilers, 1 000 kWh (Gross CV) at the DESNZ 2025 factor. Traits: ``electricity`` (Scope 2,
    kWh, the grid factor of the facility's region resolved by the service), ``diesel`` (Scope 1
    mobile, litres) and ``flights`` (Scope 3 category 6, passenger.km). ``keywords="…"`` with
    ``factor=None`` lets the service resolve the factor from them."""

    class Meta:
        model = ActivityRecord

    _service_arguments = ("keywords",)

    period = factory.SubFactory(ReportingPeriodFactory)
    facility = factory.SubFactory(FacilityFactory)
    scope = "1"
    scope1_type = ActivityRecord.Scope1Type.STATIONARY
    description = factory.Sequence(lambda n: f"Natural gas, boilers ({n})")
    quantity = Decimal(1000)
    unit = "kWh (Gross CV)"
    factor = library(NATURAL_GAS)
    data_quality = ActivityRecord.Quality.MEASURED
    keywords = ""

    class Params:
        electricity = factory.Trait(scope="2", scope1_type="", energy_type=ActivityRecord.EnergyType.ELECTRICITY,
                                    description=factory.Sequence(lambda n: f"Grid electricity ({n})"), unit="kWh",
                                    factor=None)
        diesel = factory.Trait(scope1_type=ActivityRecord.Scope1Type.MOBILE, unit="litres", factor=library(DIESEL),
                               description=factory.Sequence(lambda n: f"Diesel, vans ({n})"))
        flights = factory.Trait(scope="3", scope1_type="", scope3_category=6, unit="passenger.km",
                                factor=library(DOMESTIC_FLIGHT),
                                description=factory.Sequence(lambda n: f"Domestic flights ({n})"))

    @classmethod
    def _create(cls, model_class, *args, actor=None, keywords="", **kwargs):
        extra = {"factor_keywords": keywords} if keywords else {}
        return services.activity_create(actor=actor, data={**kwargs, **extra})


class ContractualInstrumentFactory(ServiceFactory):
    """100 MWh of guarantees of origin at 0 kg/kWh, saved by ``instrument_save``; ``supplier_rate=True``
    makes it the site's supplier-specific rate (0.3 kg/kWh for the remaining supply)."""

    class Meta:
        model = ContractualInstrument

    period = factory.SubFactory(ReportingPeriodFactory)
    facility = factory.SubFactory(FacilityFactory)
    kind = ContractualInstrument.Kind.GO
    quantity_mwh = Decimal(100)
    emission_rate = Decimal(0)

    class Params:
        supplier_rate = factory.Trait(kind=ContractualInstrument.Kind.SUPPLIER, quantity_mwh=None,
                                      emission_rate=Decimal("0.3"), supplier="Utility Co")

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.instrument_create(actor=actor, data=kwargs)


class TargetFactory(ServiceFactory):
    """An absolute Scope 1 + 2 (market-based) target, 200 t in 2020 → 100 t in 2030 (``target_save``)."""

    class Meta:
        model = Target

    name = factory.Sequence(lambda n: f"Scope 1 and 2 −50 % ({n})")
    kind = Target.Kind.ABSOLUTE
    base_year = 2020
    base_value = Decimal(200)
    target_year = 2030
    target_value = Decimal(100)

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.target_create(actor=actor, data=kwargs)
