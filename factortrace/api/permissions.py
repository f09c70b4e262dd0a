"""One permission class for the whole API: the member's role must hold the view's capability."""
from rest_framework.permissions import SAFE_METHODS, BasePermission

from factortrace.core.roles import Cap
from factortrace.core.tenancy import has_cap, is_tenant_request


class TenantRolePermission(BasePermission):
    """Reads need ``view.read_cap`` (default VIEW), writes ``view.write_cap`` (default EDIT);
    a read-only API key never writes."""

    message = "Your role in this organisation does not allow this."

    def has_permission(self, request, view) -> bool:
        if not is_tenant_request(request) or getattr(request._request, "membership", None) is None:
            return False
        if request.method not in SAFE_METHODS and getattr(request.auth, "read_only", False):
            self.message = "This API key is read-only: it may use GET, HEAD and OPTIONS only."
            return False
        cap = getattr(view, "read_cap", Cap.VIEW) if request.method in SAFE_METHODS \
            else getattr(view, "write_cap", Cap.EDIT)
        return has_cap(request._request, cap)
