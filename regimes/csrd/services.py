"""CSRD writes of its own records (E1-5 energy lines): one transaction, one audit entry, and the
inventory's period lock checked against the stored row. Inventory records are written by
:mod:`regimes.inventory.services`; the contract is that of :mod:`regimes.base.writers`."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from factortrace.audit.services import audited_delete, audited_save
from factortrace.core.inputs import accepted, assign, stored_for_update
from regimes.base import writers
from regimes.inventory.services import check_periods_unlocked, check_unlocked

from .models import EnergyConsumption

ENERGY_FIELDS = ("period", "facility", "category", "description", "mwh", "high_climate_impact")


def energy_create(*, actor, data: Mapping[str, Any]) -> EnergyConsumption:
    data = accepted(data, ENERGY_FIELDS, service="energy_create")
    with transaction.atomic():
        return _energy_write(EnergyConsumption(), data, actor=actor, stored_period_id=None)


def energy_update(*, energy: EnergyConsumption | int, actor, data: Mapping[str, Any]) -> EnergyConsumption:
    data = accepted(data, ENERGY_FIELDS, service="energy_update")
    with transaction.atomic():
        energy = stored_for_update(EnergyConsumption, energy)
        return _energy_write(energy, data, actor=actor, stored_period_id=energy.period_id)


def _energy_write(energy: EnergyConsumption, data: dict, *, actor, stored_period_id: int | None):
    assign(energy, data)
    energy.full_clean()
    check_periods_unlocked(energy, stored_period_id=stored_period_id)
    return audited_save(energy, actor=actor)


def energy_delete(*, energy: EnergyConsumption | int, actor) -> None:
    with transaction.atomic():
        energy = stored_for_update(EnergyConsumption, energy)
        check_unlocked(energy.period_id)
        audited_delete(energy, actor=actor)


writers.register(EnergyConsumption, "energy", create=energy_create, update=energy_update, delete=energy_delete)
