"""Screens of the shared GHG inventory (/inventory/). Reads through selectors, writes through
services; every view declares its capability (VIEW to read, EDIT to change, MANAGE to unlock a
period)."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from factortrace.audit.services import audit_access
from factortrace.core.roles import Cap
from factortrace.core.tenancy import has_cap, require_cap
from factortrace.core.units import UnitError, parse_unit
from regimes.base.crud import ServiceDeleteView, ServiceFormView

from . import services
from .calculations import ZERO
from .filters import ActivityFilter
from .forms import ActivityForm, FacilityForm, InstrumentForm, PeriodForm, TargetForm
from .models import ActivityRecord, ContractualInstrument, Facility, ReportingPeriod, Target
from .selectors import figures_by_period, period_figures, selected_period, targets_with_progress
from .services import FACTOR_INPUTS


# ---------------------------------------------------------------- activities
@require_cap(Cap.VIEW)
def activity_list(request):
    queryset = ActivityRecord.objects.select_related("facility", "period")
    data = request.GET.copy()
    if "period" not in data and (period := ReportingPeriod.objects.first()) is not None:
        data["period"] = str(period.pk)
    activity_filter = ActivityFilter(data, queryset=queryset, request=request)
    records = activity_filter.qs
    total_kg = records.aggregate(kg=Sum("emissions_kg"))["kg"] or ZERO
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    context = {"filter": activity_filter, "page": page, "total_t": total_kg / 1000, "count": page.paginator.count,
               "section": "activities", "query": data.urlencode()}
    template = "inventory/_activity_table.html" if request.htmx and request.htmx.target == "activity-table" \
        else "inventory/activities.html"
    return render(request, template, context)


class ActivityFormView(ServiceFormView):
    model = ActivityRecord
    form_class = ActivityForm
    template_name = "inventory/activity_form.html"
    success_url_name = "inventory:activities"
    title_create = "New activity"
    title_edit = "Edit activity"
    extra_inputs = FACTOR_INPUTS  # the form turns the chosen candidate into factor or custom_factor

    def new_instance(self):
        period = ReportingPeriod.objects.filter(status=ReportingPeriod.Status.DRAFT).first()
        return ActivityRecord(period=period)

    def get_success_url(self, instance=None):
        url = reverse("inventory:activities")
        return f"{url}?period={instance.period_id}" if instance is not None and instance.period_id else url


class ActivityDeleteView(ServiceDeleteView):
    model = ActivityRecord
    success_url_name = "inventory:activities"


def _int(value) -> int:
    return int(value) if value and str(value).isdigit() else 0


@require_cap(Cap.VIEW)
def activity_evidence(request, pk: int):
    """Download an activity's evidence file (members only; the file lives under the schema)."""
    activity = get_object_or_404(ActivityRecord, pk=pk)
    name = activity.evidence.name if activity.evidence else ""
    if not name or not name.startswith(f"{connection.schema_name}/"):
        raise Http404("No evidence")
    handle = activity.evidence.open("rb")
    audit_access(action="inventory.evidence.downloaded", actor=request.user, obj=activity, after={"file": name})
    return FileResponse(handle, as_attachment=True, filename=name.rsplit("/", 1)[-1])


@require_cap(Cap.EDIT)
def factor_candidates(request):
    """htmx partial: the resolution's choice and the other candidates for the form's inputs."""
    from factors.services import grid_electricity_factor, resolve_factor  # noqa: PLC0415

    params = request.GET
    unit = (params.get("unit") or "").strip()
    problem, resolution = None, None
    facility = Facility.objects.filter(pk=_int(params.get("facility"))).first()
    period = ReportingPeriod.objects.filter(pk=_int(params.get("period"))).first()
    scope = params.get("scope") or ""
    try:
        if not unit:
            raise UnitError("Enter the unit first.")
        parse_unit(unit)
        if scope == "2" and params.get("energy_type") == "electricity":
            if facility is None:
                raise ValueError("Choose the facility: Scope 2 electricity uses its grid region.")
            resolution = grid_electricity_factor(region=facility.electricity_region,
                                                 year=period.year if period else None)
        else:
            keywords = (params.get("factor_keywords") or params.get("description") or "").strip()
            if not keywords:
                raise ValueError("Type a few keywords (or a description) to find factors.")
            resolution = resolve_factor(keywords=keywords, unit=unit, region=facility.country if facility else "",
                                        year=period.year if period else None, scope=scope)
    except (UnitError, ValueError) as exc:
        problem = str(exc)
    candidates = resolution.candidates[:8] if resolution else []
    return render(request, "inventory/_factor_candidates.html", {
        "problem": problem, "resolution": resolution, "candidates": candidates})


@require_cap(Cap.EDIT)
@require_POST
def activity_validate(request):
    """htmx inline validation: the form's errors without saving."""
    form = ActivityForm(request.POST, request.FILES)
    form.is_valid()
    instance = form.instance
    chosen = form.cleaned_data.get("factor") or form.cleaned_data.get("custom_factor")
    if not form.errors and instance.used_factor is None and not form.cleaned_data.get("factor_keywords") \
            and not chosen and not (instance.scope == "2" and instance.energy_type == "electricity"):
        form.add_error("factor_keywords", "Type keywords to find a factor, or pick one of the candidates.")
    return render(request, "regimes/_form_errors.html", {"form": form})


# ---------------------------------------------------------------- periods
@require_cap(Cap.VIEW)
def period_list(request):
    periods = list(ReportingPeriod.objects.all())
    figures = figures_by_period(periods)  # every period's totals in a fixed number of queries
    rows = [(period, figures[period.pk].totals) for period in periods]
    return render(request, "inventory/periods.html", {"rows": rows, "section": "periods",
                                                 "can_unlock": has_cap(request, Cap.MANAGE)})


class PeriodFormView(ServiceFormView):
    model = ReportingPeriod
    form_class = PeriodForm
    success_url_name = "inventory:periods"
    title_create = "New reporting period"
    title_edit = "Edit reporting period"


class PeriodDeleteView(ServiceDeleteView):
    model = ReportingPeriod
    success_url_name = "inventory:periods"


@require_cap(Cap.EDIT)
@require_POST
def period_lock(request, pk: int):
    period = get_object_or_404(ReportingPeriod, pk=pk)
    services.period_set_status(period=period, status=ReportingPeriod.Status.LOCKED, actor=request.user)
    messages.success(request, f"{period.name} is locked: its data can no longer change.")
    return redirect("inventory:periods")


@require_cap(Cap.MANAGE)
@require_POST
def period_unlock(request, pk: int):
    period = get_object_or_404(ReportingPeriod, pk=pk)
    services.period_set_status(period=period, status=ReportingPeriod.Status.DRAFT, actor=request.user)
    messages.warning(request, f"{period.name} is unlocked; reports already generated keep their figures.")
    return redirect("inventory:periods")


# ---------------------------------------------------------------- facilities
@require_cap(Cap.VIEW)
def facility_list(request):
    facilities = Facility.objects.all()
    emissions = {r["facility"]: r["kg"] for r in ActivityRecord.objects.values("facility")
                 .annotate(kg=Sum("emissions_kg")).order_by()}
    return render(request, "inventory/facilities.html", {
        "rows": [(f, (emissions.get(f.pk) or ZERO) / 1000) for f in facilities], "section": "facilities"})


class FacilityFormView(ServiceFormView):
    model = Facility
    form_class = FacilityForm
    success_url_name = "inventory:facilities"
    title_create = "New facility"
    title_edit = "Edit facility"


class FacilityDeleteView(ServiceDeleteView):
    model = Facility
    success_url_name = "inventory:facilities"


# ---------------------------------------------------------------- instruments
@require_cap(Cap.VIEW)
def instrument_list(request):
    period = selected_period(request)
    sites = period_figures(period).scope2_sites if period else ()
    return render(request, "inventory/instruments.html", {
        "period": period, "periods": ReportingPeriod.objects.all(), "section": "instruments",
        "instruments": ContractualInstrument.objects.filter(period=period).select_related("facility") if period else [],
        "sites": sites})


class InstrumentFormView(ServiceFormView):
    model = ContractualInstrument
    form_class = InstrumentForm
    success_url_name = "inventory:instruments"
    title_create = "New contractual instrument"
    title_edit = "Edit contractual instrument"

    def new_instance(self):
        return ContractualInstrument(period=ReportingPeriod.objects.filter(status="draft").first())


class InstrumentDeleteView(ServiceDeleteView):
    model = ContractualInstrument
    success_url_name = "inventory:instruments"


# ---------------------------------------------------------------- targets
@require_cap(Cap.VIEW)
def target_list(request):
    period = selected_period(request)
    progress = targets_with_progress(period, period_figures(period).totals) if period else \
        [(t, None) for t in Target.objects.all()]
    return render(request, "inventory/targets.html", {"period": period, "periods": ReportingPeriod.objects.all(),
                                                 "rows": progress, "section": "targets"})


class TargetFormView(ServiceFormView):
    model = Target
    form_class = TargetForm
    success_url_name = "inventory:targets"
    title_create = "New target"
    title_edit = "Edit target"


class TargetDeleteView(ServiceDeleteView):
    model = Target
    success_url_name = "inventory:targets"
