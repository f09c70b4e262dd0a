"""CSRD screens: the ESRS E1 dashboard and the E1-5 energy lines. The inventory's screens
(activities, periods, facilities, instruments, targets, import) are the shared ones under
/inventory/. Reads through selectors, writes through services; every view declares its capability."""
from __future__ import annotations

from django.shortcuts import render

from factortrace.core import charts
from factortrace.core.ghg import SCOPE3_CATEGORY_NAMES
from factortrace.core.roles import Cap
from factortrace.core.tenancy import require_cap
from regimes.base.crud import ServiceDeleteView, ServiceFormView
from regimes.inventory.models import ActivityRecord, ReportingPeriod
from regimes.inventory.selectors import selected_period, targets_with_progress
from reports.models import Report
from reports.registry import get as report_kind

from . import services  # noqa: F401 — registers the energy writers
from .forms import EnergyForm
from .models import STANDARD, EnergyConsumption
from .report import chart_context
from .selectors import dashboard_figures, period_figures


# ---------------------------------------------------------------- dashboard
@require_cap(Cap.VIEW)
def dashboard(request):
    period = selected_period(request)
    context = {"period": period, "periods": ReportingPeriod.objects.all(), "section": "dashboard", "standard": STANDARD}
    if period is None:
        return render(request, "csrd/dashboard.html", context)
    figures, history = dashboard_figures(period)
    context.update({
        "figures": figures, "totals": figures.totals, "energy": figures.energy,
        "targets": targets_with_progress(period, figures.totals),
        "scope3_rows": [(n, SCOPE3_CATEGORY_NAMES[n], v) for n, v in figures.totals.scope3_by_category_t.items()],
        "activity_count": ActivityRecord.objects.filter(period=period).count(),
        "trend_chart": charts.columns(
            [(p.name, [charts.Item("Scope 1", f.totals.scope1_t, charts.PALETTE[0]),
                       charts.Item("Scope 2 (market)", f.totals.scope2_market_t, charts.PALETTE[1]),
                       charts.Item("Scope 3", f.totals.scope3_t, charts.PALETTE[2])]) for p, f in history],
            title="Total GHG emissions (market-based) by period, t CO2e", unit="t CO2e", width=560, height=240),
        "trend_legend": [("Scope 1", charts.PALETTE[0]), ("Scope 2 (market-based)", charts.PALETTE[1]),
                         ("Scope 3", charts.PALETTE[2])],
        "recent_reports": Report.objects.filter(kind="csrd.esrs_e1")[:5],
        "e1_kind": report_kind("csrd.esrs_e1"),
        **chart_context(figures),
    })
    return render(request, "csrd/dashboard.html", context)


# ---------------------------------------------------------------- energy
@require_cap(Cap.VIEW)
def energy_list(request):
    period = selected_period(request)
    figures = period_figures(period) if period else None
    context = {"period": period, "periods": ReportingPeriod.objects.all(), "section": "energy",
               "entries": EnergyConsumption.objects.filter(period=period).select_related("facility") if period else [],
               "mix": figures.energy if figures else None}
    if figures:
        context.update(chart_context(figures))
    return render(request, "csrd/energy.html", context)


class EnergyFormView(ServiceFormView):
    model = EnergyConsumption
    form_class = EnergyForm
    success_url_name = "csrd:energy"
    title_create = "New energy consumption"
    title_edit = "Edit energy consumption"

    def new_instance(self):
        return EnergyConsumption(period=ReportingPeriod.objects.filter(status="draft").first())


class EnergyDeleteView(ServiceDeleteView):
    model = EnergyConsumption
    success_url_name = "csrd:energy"
