"""The gate on tenant hosts: membership middleware, one role decorator, one view mixin.

The PostgreSQL schema is the wall (django-tenants routes each host to its schema); this
module is the gate in front of it:

* :class:`MembershipMiddleware` — on a tenant host every view needs a membership of *this*
  tenant. Anonymous browser users are sent to sign-in, anonymous API calls get 401, signed-in
  non-members get 404 (we do not even confirm the tenant has such a page). The only views that
  skip the gate are named in :data:`EXEMPT_VIEW_NAMES`.
* :func:`require_cap` / :class:`CapRequiredMixin` — a member whose role lacks the capability
  gets 403. Every tenant view declares one; ``tests/test_tenant_sweep.py`` fails otherwise.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, JsonResponse
from django_tenants.utils import get_public_schema_name

from tenants.roles import Cap, role_can

# The complete list of tenant-host views reachable without a membership. Keep it short:
# signing in and out, password reset, e-mail confirmation, the MFA step of sign-in,
# the tenant switch hop (it signs you in), and the operations probes.
EXEMPT_VIEW_NAMES = frozenset({
    "health",
    "ready",
    "account_login",
    "account_logout",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_inactive",
    "mfa_authenticate",
    "hop",
    "javascript-catalog",
})


# allauth's pages about the signed-in person's *own* account (e-mail addresses, password, MFA).
# On a tenant host they sit behind the membership gate like everything else, need no further
# capability, and never show tenant data.
OWN_ACCOUNT_VIEW_PREFIXES = ("account_", "mfa_")


def is_tenant_request(request: HttpRequest) -> bool:
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.schema_name != get_public_schema_name()


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    response = JsonResponse({"type": "about:blank", "title": title, "status": status, "detail": detail},
                            status=status, content_type="application/problem+json")
    if status == 401:
        response["WWW-Authenticate"] = 'Api-Key realm="api"'
    return response


def membership_for(user, tenant):
    """The user's membership of ``tenant`` or None; the only place memberships are looked up."""
    from tenants.models import Membership  # noqa: PLC0415 — app registry

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Membership.objects.select_related("tenant").filter(user=user, tenant=tenant).first()


class MembershipMiddleware:
    """Runs after authentication; see the module docstring."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.membership = None
        request.api_key = None
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not is_tenant_request(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEW_NAMES:
            # Exempt views still learn the membership if there is one (layout shows the role).
            request.membership = membership_for(request.user, request.tenant)
            return None
        api = is_api_request(request)
        user = request.user
        if api and not user.is_authenticated:
            from factortrace.api.keys import authenticate_request  # noqa: PLC0415

            key = authenticate_request(request)
            if key is False:
                return _problem(401, "Invalid API key", "The API key is unknown, revoked or expired.")
            if key is not None:
                request.api_key = key
                request.user = user = key.user
        if not user.is_authenticated:
            if api:
                return _problem(401, "Authentication required",
                                "Sign in, or send 'Authorization: Api-Key <key>'.")
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        membership = membership_for(user, request.tenant)
        if membership is None:
            if api:
                return _problem(404, "Not found", "No such resource.")
            raise Http404("No such page")
        if request.api_key is not None and request.api_key.created_at < membership.created:
            # A key from an earlier membership of the same person never works for a new one.
            return _problem(401, "Invalid API key", "The API key is unknown, revoked or expired.")
        request.membership = membership
        return None


def request_role(request: HttpRequest) -> str | None:
    membership = getattr(request, "membership", None)
    return membership.role if membership else None


def has_cap(request: HttpRequest, cap: Cap) -> bool:
    return role_can(request_role(request), cap)


def check_cap(request: HttpRequest, cap: Cap) -> None:
    """Raise 403 unless the request's member may ``cap``; also asserts we are on a tenant host."""
    if not is_tenant_request(request) or connection.schema_name == get_public_schema_name():
        # A tenant view reached on the public host would read public tables: refuse loudly.
        raise Http404("Not a tenant host")
    if getattr(request, "membership", None) is None:
        raise Http404("No such page")
    if not has_cap(request, cap):
        raise PermissionDenied(f"Your role may not do this ({cap.value}).")


def require_cap(cap: Cap):
    """Decorator for function views: ``@require_cap(Cap.EDIT)``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            check_cap(request, cap)
            return view(request, *args, **kwargs)

        wrapped.required_cap = cap
        return wrapped

    return decorator


class CapRequiredMixin:
    """Mixin for class-based views: set ``required_cap`` (default VIEW)."""

    required_cap: Cap = Cap.VIEW

    def dispatch(self, request, *args, **kwargs):
        check_cap(request, self.required_cap)
        return super().dispatch(request, *args, **kwargs)
