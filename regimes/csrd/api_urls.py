"""/api/v1/csrd/ (tenant hosts): E1-5 energy lines and the ESRS E1 totals of a period."""
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("periods", api.PeriodTotalsViewSet, basename="csrd-period")
router.register("energy", api.EnergyViewSet, basename="csrd-energy")

urlpatterns = router.urls
