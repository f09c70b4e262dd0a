"""Tenant admins manage custom factors in the organisation admin (audited, soft delete)."""
from django.contrib import admin

from factortrace.audit.admin import TenantModelAdmin
from factortrace.core.admin import tenant_admin

from .models import CustomFactor


@admin.register(CustomFactor, site=tenant_admin)
class CustomFactorAdmin(TenantModelAdmin):
    list_display = ["activity", "kind", "supplier", "region", "year", "unit", "kgco2e_per_unit", "updated_at"]
    list_filter = ["kind", "scope"]
    search_fields = ["activity", "supplier", "source_name", "classification_code"]
