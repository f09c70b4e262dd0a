"""/api/v1/ on tenant hosts: the OpenAPI schema, its docs (local files only) and the caller's key.
Each app's API is routed beside these by the project's tenant URLs (``factortrace.urls_tenant``):
this layer does not know the apps above it."""
from django.urls import path
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
]
