"""URLs of a tenant host (<slug>.BASE_DOMAIN). Every view here sits behind the membership
middleware and declares a capability (tests/test_tenant_sweep.py checks both)."""
from django.urls import include, path

from factors import urls as factors_urls
from factors.custom import urls as custom_factors_urls
from factortrace.accounts import views as account_views
from factortrace.api import pages as api_pages
from factortrace.core import views as core_views
from factortrace.core.admin import tenant_admin
from factortrace.portal import views as portal_views
from regimes.base.registry import regimes
from tenants import views as tenant_views

# Every registered regime: its pages at /<code>/ and its API at /api/v1/<code>/.
regime_pages = [path(f"{regime.code}/", include(f"{regime.package}.urls")) for regime in regimes()]
regime_apis = [path(f"api/v1/{regime.code}/", include(f"{regime.package}.api_urls")) for regime in regimes()]

urlpatterns = [
    path("health", core_views.health, name="health"),
    path("ready", core_views.ready, name="ready"),
    path("", portal_views.dashboard, name="dashboard"),
    path("accounts/security/", account_views.security_log, name="account_security_log"),
    path("accounts/", include("allauth.urls")),
    path("hop/", tenant_views.hop, name="hop"),
    path("switch/<slug:slug>/", tenant_views.switch, name="switch"),
    path("members/", include("tenants.urls_tenant")),
    path("admin/", tenant_admin.urls),
    path("api/v1/", include("factortrace.api.urls")),
    path("api/v1/factors/", include("factors.custom.api_urls")),
    path("api/v1/factors/", include("factors.api_urls")),
    path("api/v1/imports/", include("factortrace.imports.api_urls")),
    path("api/v1/inventory/", include("regimes.inventory.api_urls")),
    *regime_apis,
    # One namespace for the shared library's pages and the tenant's own factors.
    path("factors/", include((factors_urls.urlpatterns + custom_factors_urls.urlpatterns, "factors"))),
    path("reports/", include("reports.urls")),
    path("imports/", include("factortrace.imports.urls")),
    path("inventory/", include("regimes.inventory.urls")),
    *regime_pages,
    path("audit/", include("factortrace.audit.urls")),
    path("account/api-keys/", api_pages.api_keys, name="api_keys"),
    path("account/api-keys/<int:pk>/revoke/", api_pages.api_key_revoke_view, name="api_key_revoke"),
]

handler404 = "factortrace.core.views.page_not_found"
handler403 = "factortrace.core.views.permission_denied"
