"""The tenant's custom and supplier-specific factors: list, detail, create, edit, delete.

Reading needs VIEW, writing needs EDIT. Rows live in the tenant's own schema (the connection is
already on it); the URLs share the ``factors`` namespace with the library's pages.
"""
from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from factors.forms import unit_datalist
from factors.services import factor_snapshot
from factors.views import page_of
from factortrace.core.roles import Cap
from factortrace.core.tenancy import has_cap, require_cap

from .filters import CustomFactorFilter
from .forms import CustomFactorForm
from .models import CustomFactor
from .services import custom_factor_create, custom_factor_delete, custom_factor_update


@require_cap(Cap.VIEW)
def custom_list(request: HttpRequest) -> HttpResponse:
    filterset = CustomFactorFilter(request.GET or None, queryset=CustomFactor.objects.order_by("kind", "activity"))
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else CustomFactor.objects.order_by(
        "kind", "activity")
    return render(request, "factors/custom_list.html", {
        "filter": filterset, "page": page_of(request, queryset), "can_edit": has_cap(request, Cap.EDIT),
        "any": CustomFactor.objects.exists(),
    })


@require_cap(Cap.VIEW)
def custom_detail(request: HttpRequest, pk: int) -> HttpResponse:
    factor = get_object_or_404(CustomFactor, pk=pk)
    return render(request, "factors/custom_detail.html", {
        "factor": factor, "can_edit": has_cap(request, Cap.EDIT), "snapshot": factor_snapshot(factor)})


@require_cap(Cap.EDIT)
def custom_create(request: HttpRequest) -> HttpResponse:
    return _custom_form(request, CustomFactor(), created=True)


@require_cap(Cap.EDIT)
def custom_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _custom_form(request, get_object_or_404(CustomFactor, pk=pk), created=False)


def _custom_form(request: HttpRequest, factor: CustomFactor, *, created: bool) -> HttpResponse:
    # The form edits a copy: a ModelForm writes the posted values into its instance as it validates.
    form = CustomFactorForm(request.POST or None, instance=copy.copy(factor))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        try:
            if created:
                saved = custom_factor_create(actor=request.user, data=data)
            else:
                saved = custom_factor_update(factor=factor, actor=request.user, data=data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{'Created' if created else 'Saved'} {saved.activity}.")
            return redirect("factors:custom_detail", pk=saved.pk)
    return render(request, "factors/custom_form.html", {"form": form, "factor": factor, "created": created,
                                                        "units": unit_datalist()})


@require_cap(Cap.EDIT)  # outermost: a reader gets 403 whatever the method
@require_POST
def custom_delete(request: HttpRequest, pk: int) -> HttpResponse:
    factor = get_object_or_404(CustomFactor, pk=pk)
    custom_factor_delete(factor=factor, actor=request.user)
    messages.success(request, f"Deleted {factor.activity}. An admin can restore it from the organisation admin.")
    return redirect("factors:custom_list")
