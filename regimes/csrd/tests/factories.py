"""Test data of CSRD's own records (E1-5 energy lines), saved by ``regimes.csrd.services``;
the inventory's factories are re-exported so CSRD tests import from one place."""
from __future__ import annotations

from decimal import Decimal

import factory

from regimes.csrd import services
from regimes.csrd.models import EnergyConsumption
from regimes.inventory.tests.factories import (
    ActivityRecordFactory,
    ContractualInstrumentFactory,
    FacilityFactory,
    ReportingPeriodFactory,
    TargetFactory,
)
from tenants.tests.factories import ServiceFactory

__all__ = ["ActivityRecordFactory", "ContractualInstrumentFactory", "EnergyConsumptionFactory", "FacilityFactory",
           "ReportingPeriodFactory", "TargetFactory"]


class EnergyConsumptionFactory(ServiceFactory):
    """100 MWh of natural gas in the period (``energy_save``, period-lock aware)."""

    class Meta:
        model = EnergyConsumption

    period = factory.SubFactory(ReportingPeriodFactory)
    category = EnergyConsumption.Category.FOSSIL_GAS
    mwh = Decimal(100)

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.energy_create(actor=actor, data=kwargs)
