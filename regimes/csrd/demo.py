"""The demo tenant's ESRS E1 data of its own: the E1-5 energy lines of FY2024 and FY2025, added to
the shared demo inventory (:mod:`regimes.inventory.demo`) before FY2024 is locked. Idempotent."""
from __future__ import annotations

from decimal import Decimal as D

from regimes.inventory.demo import demo_inventory_ensure, demo_inventory_lock
from regimes.inventory.models import ReportingPeriod

from . import services
from .models import EnergyConsumption

ENERGY = {  # MWh per category and year (E1-5)
    2024: [("fossil_natural_gas", "Natural gas, both plants", "4772"), ("fossil_crude_oil", "Diesel fleet", "468"),
           ("fossil_purchased", "Grid electricity, fossil share", "3020"),
           ("nuclear", "Grid electricity, nuclear share", "545"),
           ("renewable_purchased", "Grid electricity and GOs, renewable share", "857"),
           ("renewable_self_generated", "Rooftop solar, Leeds", "96")],
    2025: [("fossil_natural_gas", "Natural gas, both plants", "4474"), ("fossil_crude_oil", "Diesel fleet", "421"),
           ("fossil_purchased", "Grid electricity, fossil share", "2410"),
           ("nuclear", "Grid electricity, nuclear share", "520"),
           ("renewable_purchased", "Grid electricity and GOs, renewable share", "1274"),
           ("renewable_self_generated", "Rooftop solar, Leeds", "128")],
}


def demo_csrd_ensure(owner) -> None:
    demo_inventory_ensure(owner)
    if not EnergyConsumption.objects.exists():
        for year, lines in ENERGY.items():
            period = ReportingPeriod.objects.get(name=f"FY{year}")
            for category, description, mwh in lines:
                services.energy_create(actor=owner, data={"period": period, "category": category,
                                                          "description": description, "mwh": D(mwh)})
    demo_inventory_lock(owner)
