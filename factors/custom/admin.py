"""Tenant admins manage custom factors in the organisation admin (audited, soft delete)."""
from django.contrib import admin

from factortrace.audit.admin import TenantModelAdmin
from factortrace.core.admin import tenant_admin

from .models import CustomFactor
from .services import CUSTOM_FACTOR_FIELDS, custom_factor_create, custom_factor_delete, custom_factor_update


@admin.register(CustomFactor, site=tenant_admin)
class CustomFactorAdmin(TenantModelAdmin):
    list_display = ["activity", "kind", "supplier", "region", "year", "unit", "kgco2e_per_unit", "updated_at"]
    list_filter = ["kind", "scope"]
    search_fields = ["activity", "supplier", "source_name", "classification_code"]

    def save_model(self, request, obj, form, change):
        """The services get the form's values (the changed ones when changing), not Django's
        already-changed ``obj``; ``obj`` then mirrors what was stored (the admin's redirect reads it)."""
        data = {name: form.cleaned_data[name] for name in (form.changed_data if change else form.cleaned_data)
                if name in CUSTOM_FACTOR_FIELDS}
        if change:
            saved = custom_factor_update(factor=obj, actor=request.user, data=data)
        else:
            saved = custom_factor_create(actor=request.user, data=data)
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def delete_model(self, request, obj):
        custom_factor_delete(factor=obj, actor=request.user)

