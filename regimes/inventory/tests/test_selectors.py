"""The inventory's figures read for several periods at once (period list, dashboard trend) are
each period's own: instruments, residual mixes and unused certificates never cross periods."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from factors.tests.factories import CustomFactorFactory
from regimes.inventory.selectors import figures_by_period, period_figures, trend

from .factories import ActivityRecordFactory, ContractualInstrumentFactory, FacilityFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db


def test_figures_of_several_periods_read_together_are_each_periods_own(tenant_a, in_tenant, factor_library):
    with in_tenant(tenant_a):
        fy24, fy25 = ReportingPeriodFactory(year=2024), ReportingPeriodFactory(year=2025)
        leeds, ohio = FacilityFactory(name="Leeds", country="GB"), FacilityFactory(name="Ohio", country="US",
                                                                                   grid_region="RFCW")
        for period in (fy24, fy25):
            ActivityRecordFactory(period=period, facility=leeds, electricity=True, quantity=D("100000"))
        CustomFactorFactory(activity="Residual mix GB 2024", region="GB", year=2024, unit="MWh",
                            kgco2e_per_unit=D("600"), scope="2")
        CustomFactorFactory(activity="Residual mix GB 2025", region="GB", year=2025, unit="kWh",
                            kgco2e_per_unit=D("0.5"), scope="2")
        ContractualInstrumentFactory(period=fy25, facility=leeds, quantity_mwh=D("40"))
        ContractualInstrumentFactory(period=fy25, facility=ohio, kind="rec", quantity_mwh=D("20"))

        together = figures_by_period([fy25, fy24, fy25])
        assert together == {fy24.pk: period_figures(fy24), fy25.pk: period_figures(fy25)}
        # FY2024: 100 000 kWh × 0.20705 (DESNZ 2024 UK grid) = 20.705 t location; no instrument,
        # all at the 2024 residual mix 600 kg/MWh = 60 t market-based.
        assert (together[fy24.pk].totals.scope2_location_t, together[fy24.pk].totals.scope2_market_t) == \
            (D("20.705"), D("60"))
        assert [site.site for site in together[fy24.pk].scope2_sites] == ["Leeds"]
        # FY2025: 100 000 kWh × 0.177 (DESNZ 2025) = 17.7 t location; 40 MWh of GOs at 0, the other
        # 60 000 kWh at the 2025 residual mix 0.5 kg/kWh = 30 t; Ohio's REC of 20 MWh is unused.
        assert (together[fy25.pk].totals.scope2_location_t, together[fy25.pk].totals.scope2_market_t) == \
            (D("17.7"), D("30"))
        assert [(site.site, site.unused_instrument_kwh) for site in together[fy25.pk].scope2_sites] == [
            ("Leeds", D("0")), ("Ohio", D("20000"))]
        assert trend() == [(fy24, together[fy24.pk]), (fy25, together[fy25.pk])]
