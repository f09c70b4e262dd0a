"""Generic screens for regime records: create/edit through a service, soft delete through a
service. Views stay thin: the service validates, writes and audits; the view maps
``ValidationError`` back onto the form so people see the message next to the field.

A regime's views subclass these, set ``model``, ``form_class`` and ``template_name``, and pick a
capability (``required_cap``); the writes are the services the model's app registered with
:func:`regimes.base.writers.register`. The same goes for the organisation admin
(:class:`RecordAdmin`) and the API (:class:`RecordViewSet`).
"""
from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, View

from factortrace.api.viewsets import ServiceModelViewSet
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
    """Create (no ``pk`` in the URL) or edit (``pk``) one record through the services registered
    for ``model`` (:mod:`regimes.base.writers`).

    The form parses and validates; the service gets :meth:`service_data` — the form's model fields
    and ``extra_inputs`` from ``form.cleaned_data`` — never the form's instance: the form edits a
    copy of the record, and the update service reads the stored row again. A ``ValidationError``
    of the service is put back on the form.
    """

    required_cap = Cap.EDIT
    model = None
    template_name = "regimes/form.html"
    success_url_name: str = ""
    title_create = "New"
    title_edit = "Edit"
    extra_inputs: tuple[str, ...] = ()  # cleaned form values the service takes besides model fields

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
        # A ModelForm writes the posted values into its instance while it validates: give it a copy,
        # so the page (and anything else) still sees the record as stored.
        kwargs["instance"] = copy.copy(self.object) if self.object is not None else self.new_instance()
        return kwargs

    def new_instance(self):
        """The unsaved record whose values are the new form's initial values."""
        return self.model()

    def service_data(self, form) -> dict:
        model_fields = {field.name for field in self.model._meta.concrete_fields if field.editable}
        names = [name for name in form.fields if name in model_fields] + list(self.extra_inputs)
        return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}

    def form_valid(self, form):
        data, actor = self.service_data(form), self.request.user
        try:
            if self.object is None:
                instance = writers.record_create(self.model, actor, data)
            else:
                instance = writers.record_update(self.object, actor, data)
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
    """POST only: soft-delete through the model's registered delete service; restorable by admins."""

    required_cap = Cap.EDIT
    model = None
    success_url_name: str = ""
    http_method_names = ["post"]

    def post(self, request, pk):
        instance = get_object_or_404(self.model, pk=pk)
        try:
            writers.record_delete(instance, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Deleted {instance} (an admin can restore it).")
        return HttpResponseRedirect(self.get_success_url(instance))

    def get_success_url(self, instance):
        return reverse(self.success_url_name)


class RecordAdmin(TenantModelAdmin):
    """Organisation-admin base for regime records: every save and delete goes through the
    record's registered services (:mod:`regimes.base.writers`) — locks, recalculation, audit.
    Set ``restore_service(obj, actor)`` where restoring has rules of its own."""

    delete_service = staticmethod(writers.record_delete)

    def save_model(self, request, obj, form, change):
        """Django's admin hands over ``obj`` with the form's values already set on it; the service
        gets the values instead — all of the form's fields when adding, the changed ones when
        changing — and ``obj`` then mirrors what the service stored (the admin's message and
        redirect read it)."""
        model_fields = {field.name for field in obj._meta.concrete_fields if field.editable}
        names = form.changed_data if change else list(form.cleaned_data)
        data = {name: form.cleaned_data[name] for name in names if name in model_fields}
        if change:
            saved = writers.record_update(obj, request.user, data)
        else:
            saved = writers.record_create(type(obj), request.user, data)
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding, obj._state.db = False, saved._state.db


class RecordViewSet(ServiceModelViewSet):
    """API base for regime records: writes are the record's registered services."""

    create_service = staticmethod(writers.record_create)
    update_service = staticmethod(writers.record_update)
    delete_service = staticmethod(writers.record_delete)
