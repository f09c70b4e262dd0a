"""/csrd/: the ESRS E1 dashboard and the E1-5 energy lines."""
from django.urls import path

from . import views

app_name = "csrd"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("energy/", views.energy_list, name="energy"),
    path("energy/new/", views.EnergyFormView.as_view(), name="energy_create"),
    path("energy/<int:pk>/", views.EnergyFormView.as_view(), name="energy_edit"),
    path("energy/<int:pk>/delete/", views.EnergyDeleteView.as_view(), name="energy_delete"),
]
