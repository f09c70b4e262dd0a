"""Generic screens for regime records: create/edit through a service, soft delete through a
service. Views stay thin: the service validates, writes and audits; the view maps
``ValidationError`` back onto the form so people see the message next to the field.

A regime's views subclass these, set ``model``, ``form_class``, ``template_name`` and the
service callables, and pick a capability (``required_cap``).
"""
from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, View

from factortrace.audit.admin import TenantModelAdmin
from factortrace.core.roles import Cap
from factortrace.core.tenancy import CapRequiredMixin

from . import writers


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ServiceFormView(CapRequiredMixin, FormView):
    """Create (no ``pk`` in the URL) or edit (``pk``) one record through ``save_service``.

    ``save_service(instance, actor, form)`` saves and returns the instance, raising
    ValidationError for anything people can fix.
    """

    required_cap = Cap.EDIT
    model = None
    template_name = "regimes/form.html"
    success_url_name: str = ""
    title_create = "New"
    title_edit = "Edit"
    save_service: Callable = None

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.object = self.object or self.get_object()
        kwargs["instance"] = self.object if self.object is not None else self.new_instance()
        return kwargs

    def new_instance(self):
        return self.model()

    def form_valid(self, form):
        try:
            instance = type(self).save_service(form.instance, self.request.user, form)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Saved {self.model._meta.verbose_name}: {instance}.")
        return HttpResponseRedirect(self.get_success_url(instance))

    def get_success_url(self, instance=None):
        return reverse(self.success_url_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["title"] = self.title_edit if self.object is not None else self.title_create
        context["cancel_url"] = self.get_success_url(self.object) if self.object else reverse(self.success_url_name)
        return context


class ServiceDeleteView(CapRequiredMixin, View):
    """POST only: soft-delete through ``delete_service(instance, actor)``; restorable by admins."""

    required_cap = Cap.EDIT
    model = None
    success_url_name: str = ""
    delete_service: Callable = None
    http_method_names = ["post"]

    def post(self, request, pk):
        instance = get_object_or_404(self.model, pk=pk)
        try:
            type(self).delete_service(instance, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Deleted {instance} (an admin can restore it).")
        return HttpResponseRedirect(self.get_success_url(instance))

    def get_success_url(self, instance):
        return reverse(self.success_url_name)


class RecordAdmin(TenantModelAdmin):
    """Organisation-admin base for regime records: every save and delete goes through the
    record's registered service (:mod:`regimes.base.writers`) — locks, recalculation, audit.
    Set ``restore_service(obj, actor)`` where restoring has rules of its own."""

    save_service = staticmethod(writers.record_save)
    delete_service = staticmethod(writers.record_delete)
