"""/inventory/: the shared GHG inventory's screens (every regime links here)."""
from django.urls import path

from . import import_views, views

app_name = "inventory"
urlpatterns = [
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.ActivityFormView.as_view(), name="activity_create"),
    path("activities/<int:pk>/", views.ActivityFormView.as_view(), name="activity_edit"),
    path("activities/<int:pk>/evidence/", views.activity_evidence, name="activity_evidence"),
    path("activities/<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="activity_delete"),
    path("activities/validate/", views.activity_validate, name="activity_validate"),
    path("import/", import_views.activity_import, name="import"),
    path("factor-candidates/", views.factor_candidates, name="factor_candidates"),
    path("periods/", views.period_list, name="periods"),
    path("periods/new/", views.PeriodFormView.as_view(), name="period_create"),
    path("periods/<int:pk>/", views.PeriodFormView.as_view(), name="period_edit"),
    path("periods/<int:pk>/delete/", views.PeriodDeleteView.as_view(), name="period_delete"),
    path("periods/<int:pk>/lock/", views.period_lock, name="period_lock"),
    path("periods/<int:pk>/unlock/", views.period_unlock, name="period_unlock"),
    path("facilities/", views.facility_list, name="facilities"),
    path("facilities/new/", views.FacilityFormView.as_view(), name="facility_create"),
    path("facilities/<int:pk>/", views.FacilityFormView.as_view(), name="facility_edit"),
    path("facilities/<int:pk>/delete/", views.FacilityDeleteView.as_view(), name="facility_delete"),
    path("instruments/", views.instrument_list, name="instruments"),
    path("instruments/new/", views.InstrumentFormView.as_view(), name="instrument_create"),
    path("instruments/<int:pk>/", views.InstrumentFormView.as_view(), name="instrument_edit"),
    path("instruments/<int:pk>/delete/", views.InstrumentDeleteView.as_view(), name="instrument_delete"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.TargetFormView.as_view(), name="target_create"),
    path("targets/<int:pk>/", views.TargetFormView.as_view(), name="target_edit"),
    path("targets/<int:pk>/delete/", views.TargetDeleteView.as_view(), name="target_delete"),
]
