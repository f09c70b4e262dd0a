"""CSRD models in the organisation admin (owners and admins): audited writes, soft delete, restore."""
from django.contrib import admin

from factortrace.core.admin import tenant_admin
from regimes.base.crud import RecordAdmin
from regimes.inventory.services import record_restore

from .models import EnergyConsumption


@admin.register(EnergyConsumption, site=tenant_admin)
class EnergyConsumptionAdmin(RecordAdmin):
    list_display = ["category", "period", "facility", "mwh", "description"]
    list_filter = ["period", "category"]
    restore_service = staticmethod(lambda obj, actor: record_restore(instance=obj, actor=actor))
