"""/imports/ on tenant hosts: import jobs of every regime, their error files and the templates."""
from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_job_list, name="list"),
    path("<uuid:uuid>/", views.import_job_detail, name="detail"),
    path("<uuid:uuid>/status/", views.import_job_status, name="status"),
    path("<uuid:uuid>/errors.csv", views.import_job_errors, name="errors"),
    path("template/<str:code>.<str:fmt>", views.import_template_download, name="template"),
]
