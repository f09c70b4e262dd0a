from django.contrib import admin

from factortrace.audit.admin import ReadOnlyTenantModelAdmin
from factortrace.core.admin import tenant_admin

from .models import Report


@admin.register(Report, site=tenant_admin)
class ReportAdmin(ReadOnlyTenantModelAdmin):
    list_display = ["title", "format", "status", "progress", "created_at", "finished_at", "size", "attempts"]
    list_filter = ["status", "regime", "format"]
    search_fields = ["title", "kind", "sha256"]
