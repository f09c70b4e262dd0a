"""/factors/ on tenant hosts: the library's pages. The project URLconf mounts them together with
``factors.custom.urls`` under the namespace ``factors``."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.factor_browse, name="browse"),
    path("<int:pk>/", views.factor_detail, name="detail"),
    path("sources/", views.source_list, name="sources"),
    path("explain/", views.factor_explain, name="explain"),
    path("tables/<slug:kind>/", views.reference_table, name="reference"),
]
