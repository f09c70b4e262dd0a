"""The inventory's import page: upload an activities file into a reporting period.

The form handling, the job page, the error file and the templates are the shared ones of
``regimes.base`` (namespace ``imports``); this page adds the inventory's context around them.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from factortrace.core.roles import Cap
from factortrace.core.tenancy import require_cap
from factortrace.imports import get_importer
from factortrace.imports.models import ImportJob
from factortrace.imports.views import import_upload

from .importing import ActivityImporter
from .models import Facility, ReportingPeriod


@require_cap(Cap.EDIT)
def activity_import(request: HttpRequest) -> HttpResponse:
    importer = get_importer(ActivityImporter.code)
    periods = ReportingPeriod.objects.all()
    chosen = periods.filter(pk=request.GET.get("period")).first() if request.GET.get("period", "").isdigit() else None
    chosen = chosen or periods.filter(status=ReportingPeriod.Status.DRAFT).first()
    form, job = import_upload(request, importer, initial={"period": chosen.pk if chosen else None})
    if job is not None:
        messages.success(request, f"{job.original_name} was uploaded; every row is being checked.")
        return redirect("imports:detail", uuid=job.uuid)
    return render(request, "inventory/import.html", {
        "importer": importer, "form": form,
        "has_periods": periods.exists(),
        "has_open_period": periods.filter(status=ReportingPeriod.Status.DRAFT).exists(),
        "facility_count": Facility.objects.count(),
        "recent": ImportJob.objects.filter(kind=importer.code)[:10],
    })
