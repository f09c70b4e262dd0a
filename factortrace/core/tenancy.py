"""Role checks on tenant hosts: one decorator, one view mixin, and the request helpers.

* :func:`require_cap` / :class:`CapRequiredMixin` — a member whose role lacks the capability
  gets 403. Every tenant view declares one; ``tests/test_tenant_sweep.py`` fails otherwise.
* They read ``request.membership``, which the membership gate
  (:class:`factortrace.portal.middleware.MembershipMiddleware`) sets on every tenant request.
"""
from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest
from django_tenants.utils import get_public_schema_name

from .roles import Cap, role_can


def is_tenant_request(request: HttpRequest) -> bool:
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.schema_name != get_public_schema_name()


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


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
