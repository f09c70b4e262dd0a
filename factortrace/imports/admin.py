from django.contrib import admin

from factortrace.audit.admin import ReadOnlyTenantModelAdmin
from factortrace.core.admin import tenant_admin

from .models import ImportJob


@admin.register(ImportJob, site=tenant_admin)
class ImportJobAdmin(ReadOnlyTenantModelAdmin):
    list_display = ["original_name", "kind", "status", "total_rows", "imported_rows", "error_count", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["original_name", "sha256"]
