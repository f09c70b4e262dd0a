from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_create, name="create"),
    path("<uuid:uuid>/row/", views.report_row, name="row"),
    path("<uuid:uuid>/download/", views.report_download, name="download"),
]
