"""/api/v1/ on tenant hosts: the OpenAPI schema, its docs (local files only), and each app's API."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from factortrace.core.roles import Cap
from factortrace.core.tenancy import require_cap

from . import views

schema_view = require_cap(Cap.VIEW)(SpectacularAPIView.as_view())
urlpatterns = [
    path("schema/", schema_view, name="api_schema"),
    path("docs/", require_cap(Cap.VIEW)(SpectacularSwaggerView.as_view(url_name="api_schema")), name="api_docs"),
    path("redoc/", require_cap(Cap.VIEW)(SpectacularRedocView.as_view(url_name="api_schema")), name="api_redoc"),
    path("me/", views.MeView.as_view(), name="api_me"),
    path("factors/", include("factors.custom.api_urls")),
    path("factors/", include("factors.api_urls")),
    path("imports/", include("factortrace.imports.api_urls")),
    path("inventory/", include("regimes.inventory.api_urls")),
    path("csrd/", include("regimes.csrd.api_urls")),
]
