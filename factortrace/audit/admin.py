"""The base of every model admin on the tenant admin (role-based rights, audited writes, soft
delete) and the audit log's own read-only admin. The sites are in :mod:`factortrace.core.admin`."""
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from factortrace.core.admin import ServiceRefusalAsMessageMixin, tenant_admin
from factortrace.core.roles import Cap
from factortrace.core.tenancy import has_cap

from .models import AuditEntry
from .services import audited_delete, audited_restore, audited_save


class TenantModelAdmin(ServiceRefusalAsMessageMixin, admin.ModelAdmin):
    """Base for every model on the tenant admin: role-based rights, audited writes, soft delete.

    Shows soft-deleted rows too (filter "Deleted"), with a "Restore" action. A regime whose
    writes have rules (period locks, recalculation) sets ``save_service(obj, actor)``,
    ``delete_service(obj, actor)`` and ``restore_service(obj, actor)`` so the admin goes through
    the same services as the screens and the API; a refusal is shown as an error message.
    """

    save_service = None
    delete_service = None
    restore_service = None

    def has_module_permission(self, request):
        return has_cap(request, Cap.MANAGE)

    def has_view_permission(self, request, obj=None):
        return has_cap(request, Cap.MANAGE)

    def has_add_permission(self, request):
        return has_cap(request, Cap.MANAGE)

    def has_change_permission(self, request, obj=None):
        return has_cap(request, Cap.MANAGE)

    def has_delete_permission(self, request, obj=None):
        return has_cap(request, Cap.MANAGE)

    def get_queryset(self, request):
        model = self.model
        manager = getattr(model, "all_objects", model._default_manager)
        return manager.get_queryset()

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if hasattr(self.model, "all_objects"):
            filters.append(DeletedFilter)
        return filters

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not hasattr(self.model, "all_objects"):
            return actions
        actions.pop("delete_selected", None)
        actions["soft_delete_selected"] = (soft_delete_selected, "soft_delete_selected", "Delete selected (soft)")
        actions["restore_selected"] = (restore_selected, "restore_selected", "Restore selected")
        return actions

    def save_model(self, request, obj, form, change):
        if type(self).save_service is not None:
            type(self).save_service(obj, request.user)
        elif hasattr(obj, "touch"):
            audited_save(obj, actor=request.user)
        else:
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if type(self).delete_service is not None:
            type(self).delete_service(obj, request.user)
        elif hasattr(obj, "soft_delete"):
            audited_delete(obj, actor=request.user)
        else:
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        _each(self, request, queryset, self.delete_model, "deleted")

    def restore_model(self, request, obj):
        if type(self).restore_service is not None:
            type(self).restore_service(obj, request.user)
        else:
            audited_restore(obj, actor=request.user)


def _each(modeladmin, request, queryset, action, done: str) -> None:
    count, refused = 0, []
    for obj in queryset:
        try:
            action(request, obj)
            count += 1
        except ValidationError as exc:
            refused.append(f"{obj}: {' '.join(exc.messages)}")
    if count:
        messages.success(request, f"{count} {done}.")
    for problem in refused:
        messages.error(request, problem)


def soft_delete_selected(modeladmin, request, queryset):
    _each(modeladmin, request, queryset.filter(deleted_at__isnull=True), modeladmin.delete_model,
          "deleted (restorable)")


def restore_selected(modeladmin, request, queryset):
    _each(modeladmin, request, queryset.filter(deleted_at__isnull=False), modeladmin.restore_model, "restored")


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", "Active"), ("yes", "Deleted")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


class ReadOnlyTenantModelAdmin(TenantModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry, site=tenant_admin)
class AuditEntryAdmin(ReadOnlyTenantModelAdmin):
    list_display = ["sequence", "created_at", "actor_email", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_repr", "actor_email", "object_id"]
    date_hierarchy = "created_at"
