"""Two admin sites.

* ``tenant_admin`` at ``/admin/`` on a tenant host, for members whose role may MANAGE: it shows
  only this tenant's schema and this tenant's memberships. Rights come from the membership,
  not from ``is_staff``, and every save/delete goes through the audited services.
* ``platform_admin`` at ``/admin/`` on the public host, for platform operators (``is_staff``):
  tenants, domains, plans, users.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, reverse

from factortrace.audit.services import audited_delete, audited_restore, audited_save
from tenants.roles import Cap

from .tenancy import has_cap, is_tenant_request, require_cap


class TenantAdminSite(admin.AdminSite):
    site_header = "FactorTrace — organisation admin"
    site_title = "FactorTrace admin"
    index_title = "Your organisation's data"
    enable_nav_sidebar = False

    def has_permission(self, request) -> bool:
        return (is_tenant_request(request) and request.user.is_active
                and getattr(request, "membership", None) is not None and has_cap(request, Cap.MANAGE))

    def get_urls(self):
        # Every admin URL (model pages, index, login, catch-all) goes through the same role check
        # as the rest of the tenant host, so members without MANAGE get 403, never a login loop.
        return _gate(super().get_urls())

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("tenant_admin:index")
            raise PermissionDenied("Only owners and admins use the organisation admin.")
        return redirect_to_login(request.GET.get("next", reverse("tenant_admin:index")), reverse("account_login"))

    def logout(self, request, extra_context=None):
        return redirect("account_logout")

    def each_context(self, request):
        context = super().each_context(request)
        context["site_header"] = f"{request.tenant.name} — admin" if is_tenant_request(request) else self.site_header
        return context


def _gate(patterns):
    gated = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            pattern.url_patterns[:] = _gate(pattern.url_patterns)
            gated.append(pattern)
        else:
            gated.append(URLPattern(pattern.pattern, require_cap(Cap.MANAGE)(pattern.callback),
                                    pattern.default_args, pattern.name))
    return gated


class PlatformAdminSite(admin.AdminSite):
    site_header = "FactorTrace — platform operations"
    site_title = "FactorTrace platform"
    index_title = "Tenants, plans and users"

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not request.user.is_staff:
            raise PermissionDenied("Platform operators only.")
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next", reverse("admin:index")), reverse("account_login"))
        return super().login(request, extra_context)


tenant_admin = TenantAdminSite(name="tenant_admin")
platform_admin = PlatformAdminSite(name="admin")


class TenantModelAdmin(admin.ModelAdmin):
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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:  # a service refused the change: say why, nothing is saved
            messages.error(request, " ".join(exc.messages))
            return redirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.get_full_path())


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
