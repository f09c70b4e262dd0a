"""/factors/custom/ on tenant hosts: the tenant's own factors, in the ``factors`` namespace
(mounted with ``factors.urls`` by the project URLconf)."""
from django.urls import path

from . import views

urlpatterns = [
    path("custom/", views.custom_list, name="custom_list"),
    path("custom/new/", views.custom_create, name="custom_create"),
    path("custom/<int:pk>/", views.custom_detail, name="custom_detail"),
    path("custom/<int:pk>/edit/", views.custom_edit, name="custom_edit"),
    path("custom/<int:pk>/delete/", views.custom_delete, name="custom_delete"),
]
