from django.contrib import admin

from factortrace.core.admin import ReadOnlyTenantModelAdmin, tenant_admin

from .models import AuditEntry


@admin.register(AuditEntry, site=tenant_admin)
class AuditEntryAdmin(ReadOnlyTenantModelAdmin):
    list_display = ["sequence", "created_at", "actor_email", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_repr", "actor_email", "object_id"]
    date_hierarchy = "created_at"
