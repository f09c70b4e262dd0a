"""/api/v1/factors/custom/ (tenant hosts): the tenant's custom and supplier-specific factors.
Included before ``factors.api_urls``, whose catch-all ``<pk>/`` would otherwise come first."""
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("custom", api.CustomFactorViewSet, basename="custom-factor")

urlpatterns = router.urls
