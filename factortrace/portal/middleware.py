"""The membership gate on tenant hosts.

The PostgreSQL schema is the wall (django-tenants routes each host to its schema); this
middleware is the gate in front of it: on a tenant host every view needs a membership of *this*
tenant. Anonymous browser users are sent to sign-in, anonymous API calls get 401 (or sign in
with an API key), signed-in non-members get 404 (we do not even confirm the tenant has such a
page). The only views that skip the gate are named in :data:`EXEMPT_VIEW_NAMES`.

It sits at the top because it joins memberships (``tenants``) and API keys
(``factortrace.api``); the role checks every view declares are in
:mod:`factortrace.core.tenancy` (``require_cap``, ``CapRequiredMixin``).
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest

from factortrace.api.keys import authenticate_request
from factortrace.core.problems import problem_response
from factortrace.core.tenancy import is_api_request, is_tenant_request
from tenants.models import Membership

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


def membership_for(user, tenant):
    """The user's membership of ``tenant`` or None; the only place memberships are looked up."""
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
            key = authenticate_request(request)
            if key is False:
                return problem_response(401, "Invalid API key", "The API key is unknown, revoked or expired.")
            if key is not None:
                request.api_key = key
                request.user = user = key.user
        if not user.is_authenticated:
            if api:
                return problem_response(401, "Authentication required",
                                        "Sign in, or send 'Authorization: Api-Key <key>'.")
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        membership = membership_for(user, request.tenant)
        if membership is None:
            if api:
                return problem_response(404, "Not found", "No such resource.")
            raise Http404("No such page")
        if request.api_key is not None and request.api_key.created_at < membership.created:
            # A key from an earlier membership of the same person never works for a new one.
            return problem_response(401, "Invalid API key", "The API key is unknown, revoked or expired.")
        request.membership = membership
        return None
