from django.urls import path

from . import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("workspaces/", views.workspaces, name="workspaces"),
    path("workspaces/new/", views.workspace_create, name="workspace_create"),
    path("workspaces/<slug:slug>/open/", views.workspace_open, name="workspace_open"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept_public"),
]
