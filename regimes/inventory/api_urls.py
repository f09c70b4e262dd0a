"""/api/v1/inventory/ (tenant hosts): periods (lock, unlock), facilities, activities, instruments,
targets."""
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("periods", api.PeriodViewSet, basename="inventory-period")
router.register("facilities", api.FacilityViewSet, basename="inventory-facility")
router.register("activities", api.ActivityViewSet, basename="inventory-activity")
router.register("instruments", api.InstrumentViewSet, basename="inventory-instrument")
router.register("targets", api.TargetViewSet, basename="inventory-target")

urlpatterns = router.urls
