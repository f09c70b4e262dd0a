"""/inventory/: the shared GHG inventory's screens (every regime links here)."""
from django.urls import path

from regimes.base.urls import crud

from . import import_views, views

app_name = "inventory"
urlpatterns = [
    *crud("activities/", "activity", list_name="activities", list_view=views.activity_list,
          form_view=views.ActivityFormView, delete_view=views.ActivityDeleteView),
    path("activities/<int:pk>/evidence/", views.activity_evidence, name="activity_evidence"),
    path("activities/validate/", views.activity_validate, name="activity_validate"),
    path("import/", import_views.activity_import, name="import"),
    path("factor-candidates/", views.factor_candidates, name="factor_candidates"),
    *crud("periods/", "period", list_view=views.period_list,
          form_view=views.PeriodFormView, delete_view=views.PeriodDeleteView),
    path("periods/<int:pk>/lock/", views.period_lock, name="period_lock"),
    path("periods/<int:pk>/unlock/", views.period_unlock, name="period_unlock"),
    *crud("facilities/", "facility", list_name="facilities", list_view=views.facility_list,
          form_view=views.FacilityFormView, delete_view=views.FacilityDeleteView),
    *crud("instruments/", "instrument", list_view=views.instrument_list,
          form_view=views.InstrumentFormView, delete_view=views.InstrumentDeleteView),
    *crud("targets/", "target", list_view=views.target_list,
          form_view=views.TargetFormView, delete_view=views.TargetDeleteView),
]
