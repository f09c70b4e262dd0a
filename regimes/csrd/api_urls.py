"""/api/v1/csrd/ (tenant hosts): periods (lock, unlock, totals), facilities, activities,
instruments, energy, targets."""
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("periods", api.PeriodViewSet, basename="csrd-period")
router.register("facilities", api.FacilityViewSet, basename="csrd-facility")
router.register("activities", api.ActivityViewSet, basename="csrd-activity")
router.register("instruments", api.InstrumentViewSet, basename="csrd-instrument")
router.register("energy", api.EnergyViewSet, basename="csrd-energy")
router.register("targets", api.TargetViewSet, basename="csrd-target")

urlpatterns = router.urls
