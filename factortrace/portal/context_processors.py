"""Template context for the layout: tenant, membership, role, regime switcher, workspaces."""
from __future__ import annotations

from django.conf import settings

from factortrace.core.roles import Cap, role_can
from factortrace.core.tenancy import is_tenant_request
from regimes.base.registry import regimes


def tenancy(request) -> dict:
    membership = getattr(request, "membership", None)
    role = membership.role if membership else None
    context = {
        "base_domain": settings.BASE_DOMAIN,
        "on_tenant_host": is_tenant_request(request),
        "current_tenant": request.tenant if is_tenant_request(request) else None,
        "membership": membership,
        "caps": {cap.value: role_can(role, cap) for cap in Cap},
        "regimes": regimes() if membership else [],
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: only evaluated by templates that render the switcher.
        context["my_memberships"] = user.memberships.select_related("tenant").order_by("tenant__name")
    return context
