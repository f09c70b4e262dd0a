"""Inventory models in the organisation admin (owners and admins): audited writes, soft delete, restore."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from factortrace.core.admin import tenant_admin
from factortrace.core.units import UnitError, parse_unit
from regimes.base.crud import RecordAdmin

from . import services
from .forms import ActivityForm
from .models import ActivityRecord, ContractualInstrument, Facility, ReportingPeriod, Target


class InventoryAdmin(RecordAdmin):
    """Every save, delete and restore goes through the inventory services (locks, recalculation)."""

    restore_service = staticmethod(lambda obj, actor: services.record_restore(instance=obj, actor=actor))


@admin.register(ReportingPeriod, site=tenant_admin)
class ReportingPeriodAdmin(InventoryAdmin):
    list_display = ["name", "year", "start", "end", "status", "net_revenue", "currency"]
    list_filter = ["status"]
    readonly_fields = ["status"]
    actions = ["lock", "unlock"]

    @admin.action(description="Lock selected periods")
    def lock(self, request, queryset):
        for period in queryset:
            services.period_set_status(period=period, status=ReportingPeriod.Status.LOCKED, actor=request.user)
        self.message_user(request, "Locked.")

    @admin.action(description="Unlock selected periods")
    def unlock(self, request, queryset):
        for period in queryset:
            services.period_set_status(period=period, status=ReportingPeriod.Status.DRAFT, actor=request.user)
        self.message_user(request, "Unlocked.")


@admin.register(Facility, site=tenant_admin)
class FacilityAdmin(InventoryAdmin):
    list_display = ["name", "code", "country", "grid_region", "consolidation", "equity_share"]
    search_fields = ["name", "code"]


class ActivityAdminForm(forms.ModelForm):
    """Checks what the service would refuse, so the admin shows it on the form, not as an error page."""

    class Meta:
        model = ActivityRecord
        fields = "__all__"  # noqa: DJ007 — the ModelAdmin's fieldsets choose what is shown

    def clean_evidence(self):
        return ActivityForm.clean_evidence(self)

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        if period is not None and period.is_locked:
            raise ValidationError(f"{period.name} is locked; unlock it before changing its data.")
        if self.instance.pk and self.instance.period.is_locked:
            raise ValidationError(f"{self.instance.period.name} is locked; unlock it before changing its data.")
        try:
            parse_unit(cleaned.get("unit") or "")
        except UnitError as exc:
            self.add_error("unit", str(exc))
        if not (cleaned.get("factor") or cleaned.get("custom_factor")):
            self.add_error("factor", "Choose a library or custom factor.")
        return cleaned


@admin.register(ActivityRecord, site=tenant_admin)
class ActivityRecordAdmin(InventoryAdmin):
    form = ActivityAdminForm
    list_display = ["description", "period", "facility", "scope", "scope3_category", "quantity", "unit",
                    "emissions_kg", "data_quality"]
    list_filter = ["period", "scope", "scope3_category", "data_quality", "facility"]
    search_fields = ["description", "notes"]
    raw_id_fields = ["factor", "custom_factor", "import_job"]
    readonly_fields = ["factor_snapshot", "factor_reason", "emissions_kg", "co2_kg", "ch4_kg", "n2o_kg", "other_kg",
                       "import_job", "row_number"]



@admin.register(ContractualInstrument, site=tenant_admin)
class ContractualInstrumentAdmin(InventoryAdmin):
    list_display = ["kind", "facility", "period", "supplier", "quantity_mwh", "emission_rate"]
    list_filter = ["period", "kind"]


@admin.register(Target, site=tenant_admin)
class TargetAdmin(InventoryAdmin):
    list_display = ["name", "kind", "base_year", "base_value", "target_year", "target_value", "science_based"]
