"""CSRD writes of its own records (E1-5 energy lines): one transaction, one audit entry, and the
inventory's period lock checked. Inventory records are written by :mod:`regimes.inventory.services`."""
from __future__ import annotations

from django.db import transaction

from factortrace.audit.services import audited_delete, audited_save
from regimes.base import writers
from regimes.inventory.services import check_periods_unlocked, check_unlocked

from .models import EnergyConsumption


def energy_save(*, energy: EnergyConsumption, actor) -> EnergyConsumption:
    energy.full_clean()
    with transaction.atomic():
        check_periods_unlocked(energy)
        return audited_save(energy, actor=actor)


def energy_delete(*, energy: EnergyConsumption, actor) -> None:
    with transaction.atomic():
        check_unlocked(energy.period)
        audited_delete(energy, actor=actor)


writers.register(EnergyConsumption, "energy", energy_save, energy_delete)
