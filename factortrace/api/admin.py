from django.contrib import admin, messages

from factortrace.audit.admin import TenantModelAdmin
from factortrace.core.admin import tenant_admin

from .keys import api_key_revoke
from .models import ApiKey


@admin.register(ApiKey, site=tenant_admin)
class ApiKeyAdmin(TenantModelAdmin):
    list_display = ["name", "prefix", "user", "read_only", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at", "read_only"]
    fields = ["name", "prefix", "user", "read_only", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # keys are made by their owner on the API keys page, shown once

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke selected keys")
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(key=key, actor=request.user)
        messages.success(request, "Keys revoked.")
