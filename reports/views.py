"""Reports page (live progress via htmx polling), generation and downloads."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from factortrace.core.roles import Cap
from factortrace.core.tenancy import require_cap

from . import registry, services
from .models import Report


def _kind_forms(data=None):
    forms = []
    for kind in registry.kinds():
        form = kind.params_form(data, prefix=kind.code.replace(".", "-")) if kind.params_form else None
        forms.append((kind, form))
    return forms


@require_cap(Cap.VIEW)
def report_list(request):
    runs = Report.objects.all()
    regime = request.GET.get("regime", "")
    if regime:
        runs = runs.filter(regime=regime)
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    return render(request, "reports/list.html", {
        "page": page, "kind_forms": _kind_forms(), "regime": regime,
        "report_regimes": sorted({kind.regime for kind in registry.kinds()}),
    })


@require_cap(Cap.VIEW)
def report_row(request, uuid):
    """The htmx-polled row: progress while running, download buttons when ready."""
    report = get_object_or_404(Report, uuid=uuid)
    return render(request, "reports/_row.html", {"report": report})


@require_cap(Cap.EDIT)
@require_POST
def report_create(request):
    try:
        kind = registry.get(request.POST.get("kind", ""))
        output = kind.format(request.POST.get("format", ""))
    except KeyError:
        raise Http404("Unknown report") from None
    params = {}
    if kind.params_form:
        form = kind.params_form(request.POST, prefix=kind.code.replace(".", "-"))
        if not form.is_valid():
            messages.error(request, "; ".join(f"{form.fields[f].label if f in form.fields else f}: {' '.join(e)}"
                                              for f, e in form.errors.items()))
            return _back(request)
        params = form.cleaned_params() if hasattr(form, "cleaned_params") else form.cleaned_data
    report = services.report_request(kind_code=kind.code, fmt=output.code, params=params, actor=request.user)
    messages.success(request, f"{report.title} ({output.label}) is being generated.")
    return _back(request)


def _back(request):
    """Back to the page the request came from (``next``), if it is on this host; else the list."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("reports:list")


@require_cap(Cap.DOWNLOAD)
def report_download(request, uuid):
    report = get_object_or_404(Report, uuid=uuid)
    try:
        handle = services.report_open(report, actor=request.user)
    except FileNotFoundError:
        raise Http404("This report has no file") from None
    output = registry.get(report.kind).format(report.format)
    response = FileResponse(handle, as_attachment=True, filename=report.file_name, content_type=output.media_type)
    response["X-Content-SHA256"] = report.sha256
    return response
