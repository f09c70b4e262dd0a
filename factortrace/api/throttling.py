"""Per-tenant API rate limit by plan tier (429 with Retry-After when exceeded)."""
from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_PER_MINUTE = 120


class TenantPlanThrottle(SimpleRateThrottle):
    """One bucket per tenant (the cache key function adds the schema), sized by its plan."""

    scope = "tenant"

    def __init__(self):  # rate depends on the request, resolved in allow_request
        pass

    def get_rate(self):
        return None

    def allow_request(self, request, view):
        tenant = getattr(request._request, "tenant", None)
        if tenant is None or tenant.schema_name == "public":
            return True
        plan = getattr(tenant, "plan", None)
        per_minute = plan.api_requests_per_minute if plan else getattr(
            settings, "API_DEFAULT_REQUESTS_PER_MINUTE", DEFAULT_PER_MINUTE)
        self.rate = f"{per_minute}/m"
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return f"throttle_tenant_{request._request.tenant.schema_name}"
