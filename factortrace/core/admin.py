"""Two admin sites.

* ``tenant_admin`` at ``/admin/`` on a tenant host, for members whose role may MANAGE: it shows
  only this tenant's schema and this tenant's memberships. Rights come from the membership,
  not from ``is_staff``; models register with :class:`factortrace.audit.admin.TenantModelAdmin`,
  whose every save/delete goes through the audited services.
* ``platform_admin`` at ``/admin/`` on the public host, for platform operators (``is_staff``):
  tenants, domains, plans, users.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, reverse

from .roles import Cap
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


class ServiceRefusalAsMessageMixin:
    """For model admins whose writes go through services: a refusal (``ValidationError``) is shown
    as an error message and nothing is saved, instead of a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.get_full_path())
