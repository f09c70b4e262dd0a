from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from factortrace.core.admin import platform_admin

from .models import SecurityEvent, User


@admin.register(User, site=platform_admin)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name"]}),
        ("Platform rights", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = []
    list_filter = ["is_staff", "is_active"]


@admin.register(SecurityEvent, site=platform_admin)
class SecurityEventAdmin(admin.ModelAdmin):
    """Every person's security log, for platform staff: read-only (it is evidence)."""

    list_display = ["created_at", "kind", "email", "user", "ip", "host"]
    list_filter = ["kind", "created_at"]
    search_fields = ["email", "ip", "host"]
    date_hierarchy = "created_at"
    fields = ["created_at", "kind", "user", "email", "ip", "host", "user_agent", "detail"]
    readonly_fields = fields
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
