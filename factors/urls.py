"""/factors/ on tenant hosts (namespace ``factors``)."""
from django.urls import path

from . import views

app_name = "factors"
urlpatterns = [
    path("", views.factor_browse, name="browse"),
    path("<int:pk>/", views.factor_detail, name="detail"),
    path("sources/", views.source_list, name="sources"),
    path("explain/", views.factor_explain, name="explain"),
    path("tables/<slug:kind>/", views.reference_table, name="reference"),
    path("custom/", views.custom_list, name="custom_list"),
    path("custom/new/", views.custom_create, name="custom_create"),
    path("custom/<int:pk>/", views.custom_detail, name="custom_detail"),
    path("custom/<int:pk>/edit/", views.custom_edit, name="custom_edit"),
    path("custom/<int:pk>/delete/", views.custom_delete, name="custom_delete"),
]
