"""/api/v1/factors/ (tenant hosts): library, sources, resolution, grid electricity, reference tables
(custom factors: ``factors.custom.api_urls``)."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("sources", api.FactorSourceViewSet, basename="factor-source")
router.register("gwp", api.GwpViewSet, basename="gwp")
router.register("cbam-benchmarks", api.BenchmarkViewSet, basename="cbam-benchmark")
router.register("", api.EmissionFactorViewSet, basename="emission-factor")

urlpatterns = [
    path("resolve/", api.ResolveView.as_view(), name="factor-resolve"),
    path("grid-electricity/", api.GridElectricityView.as_view(), name="factor-grid-electricity"),
    *router.urls,
]
