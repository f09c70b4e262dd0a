"""URL helpers for regime apps: one call gives a record's list, create, edit and delete routes.

    urlpatterns = [
        *crud("facilities/", "facility", list_view=views.facility_list,
              form_view=views.FacilityFormView, delete_view=views.FacilityDeleteView),
    ]

gives ``facilities/`` (name ``facilities``), ``facilities/new/`` (``facility_create``),
``facilities/<pk>/`` (``facility_edit``) and ``facilities/<pk>/delete/`` (``facility_delete``), the
names the kit's templates (``regimes/_row_actions.html``) and ``ServiceFormView`` expect.
"""
from __future__ import annotations

from django.urls import URLPattern, path


def crud(prefix: str, name: str, *, list_view, form_view, delete_view,
         list_name: str | None = None) -> list[URLPattern]:
    """The four routes of one record type; ``form_view``/``delete_view`` are view classes."""
    if prefix and not prefix.endswith("/"):
        raise ValueError(f"URL prefix {prefix!r} must end with a slash")
    return [
        path(prefix, list_view, name=list_name or f"{name}s"),
        path(f"{prefix}new/", form_view.as_view(), name=f"{name}_create"),
        path(f"{prefix}<int:pk>/", form_view.as_view(), name=f"{name}_edit"),
        path(f"{prefix}<int:pk>/delete/", delete_view.as_view(), name=f"{name}_delete"),
    ]
