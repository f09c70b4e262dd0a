"""/api/v1/imports/ (tenant hosts): import jobs of every regime; see factortrace/imports/api.py."""
from django.urls import path

from . import api

urlpatterns = [
    path("", api.ImportJobViewSet.as_view({"get": "list"}), name="import-job-list"),
    path("importers/", api.ImporterListView.as_view(), name="importer-list"),
    path("<uuid:uuid>/", api.ImportJobViewSet.as_view({"get": "retrieve"}), name="import-job-detail"),
    path("<uuid:uuid>/errors/", api.ImportJobViewSet.as_view({"get": "errors"}), name="import-job-errors"),
    path("<str:importer>/", api.ImportUploadView.as_view(), name="import-upload"),
]
