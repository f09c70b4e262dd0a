"""/csrd/: the ESRS E1 dashboard and the E1-5 energy lines."""
from django.urls import path

from regimes.base.urls import crud

from . import views

app_name = "csrd"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    *crud("energy/", "energy", list_name="energy", list_view=views.energy_list,
          form_view=views.EnergyFormView, delete_view=views.EnergyDeleteView),
]
