"""URLs of the public host (BASE_DOMAIN): landing, accounts, workspaces, platform admin."""
from django.urls import include, path

from factortrace.accounts import views as account_views
from factortrace.core import views as core_views
from factortrace.core.admin import platform_admin

urlpatterns = [
    path("health", core_views.health, name="health"),
    path("ready", core_views.ready, name="ready"),
    path("accounts/security/", account_views.security_log, name="account_security_log"),
    path("accounts/", include("allauth.urls")),
    path("admin/", platform_admin.urls),
    path("", include("tenants.urls_public")),
]

handler404 = "factortrace.core.views.page_not_found"
handler403 = "factortrace.core.views.permission_denied"
