"""Import pages shared by every regime: the job page (live progress, then the result or the
errors), the error file, the templates, the list of imports — and :func:`import_upload`, the
form handling an app's upload page calls (e.g. ``regimes/inventory/import_views.py``).

Viewing jobs, error files and templates needs VIEW; uploading needs EDIT.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from factortrace.audit.services import audit_access
from factortrace.core.roles import Cap
from factortrace.core.tenancy import require_cap

from .contract import Importer
from .models import ImportJob
from .registry import UnknownImporter, get_importer, importers
from .services import DECIMAL_SEPARATORS, MAX_IMPORT_BYTES, import_open_errors, import_request, job_progress
from .template_files import import_template


# ---------------------------------------------------------------- the upload form
class UploadForm(forms.Form):
    file = forms.FileField(
        label="File", help_text=f"CSV (UTF-8, comma- or semicolon-separated) or Excel .xlsx, at most "
                                f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-"
                                                         "officedocument.spreadsheetml.sheet"}))
    decimal_separator = forms.ChoiceField(
        label="Decimal separator", choices=DECIMAL_SEPARATORS, initial="auto",
        help_text="How numbers typed as text are read. Excel cells holding numbers need no choice.")


def upload_form_class(importer: Importer) -> type[forms.Form]:
    """The importer's parameter fields (e.g. the period) followed by the file and the separator."""
    if importer.params_form is None:
        return UploadForm
    order = [*importer.params_form.base_fields, *UploadForm.base_fields]
    return type(f"{importer.params_form.__name__}Upload", (UploadForm, importer.params_form), {"field_order": order})


def import_upload(request: HttpRequest, importer: Importer, initial: dict | None = None):
    """Handle a regime's upload form: returns ``(form, job)``; ``job`` is None unless a file was
    accepted (then the page redirects to the job). The service validates the parameters again,
    so the page and the API follow the same rules."""
    form_class = upload_form_class(importer)
    if request.method != "POST":
        return form_class(initial=initial), None
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return form, None
    params = {name: request.POST.get(name) for name in (importer.params_form.base_fields if importer.params_form
                                                        else ())}
    params["decimal_separator"] = form.cleaned_data["decimal_separator"]
    try:
        job = import_request(importer_code=importer.code, uploaded_file=form.cleaned_data["file"], params=params,
                             actor=request.user)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
        else:
            form.add_error(None, exc.messages)
        return form, None
    return form, job


# ---------------------------------------------------------------- pages
def _importer_or_none(job: ImportJob) -> Importer | None:
    try:
        return get_importer(job.kind)
    except UnknownImporter:
        return None


def _job_context(job: ImportJob) -> dict:
    job.progress, job.message = job_progress(job)  # live while rows stream in (see services)
    importer = _importer_or_none(job)
    separator = dict(DECIMAL_SEPARATORS).get(job.parameters.get("decimal_separator", "auto"), "")
    params = importer.describe_params(job.parameters) if importer else []
    return {
        "job": job, "importer": importer,
        "parameters": [*params, ("Decimal separator", separator.split(" (")[0].split(" — ")[0])],
        "result_links": importer.result_links(job) if importer and job.status == ImportJob.Status.SUCCEEDED else [],
        "upload_url": importer.upload_url() if importer else None,
        "more_errors": max(0, job.error_count - len(job.errors_preview)),
        "seconds": job.seconds,
    }


@require_cap(Cap.VIEW)
def import_job_list(request: HttpRequest) -> HttpResponse:
    jobs = ImportJob.objects.all()
    regime = request.GET.get("regime", "")
    if regime:
        jobs = jobs.filter(regime=regime)
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    for job in page.object_list:
        job.progress, job.message = job_progress(job)
    available = importers()
    return render(request, "imports/list.html", {
        "page": page, "regime": regime, "importers": available,
        "regime_codes": sorted({importer.regime for importer in available}),
        "titles": {importer.code: importer.title for importer in available},
    })


@require_cap(Cap.VIEW)
def import_job_detail(request: HttpRequest, uuid) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.select_related("requested_by"), uuid=uuid)
    return render(request, "imports/detail.html", _job_context(job))


@require_cap(Cap.VIEW)
def import_job_status(request: HttpRequest, uuid) -> HttpResponse:
    """The htmx-polled part of the job page: progress while it runs, the result when done."""
    job = get_object_or_404(ImportJob, uuid=uuid)
    return render(request, "imports/_status.html", _job_context(job))


@require_cap(Cap.VIEW)
def import_job_errors(request: HttpRequest, uuid) -> FileResponse:
    job = get_object_or_404(ImportJob, uuid=uuid)
    try:
        handle = import_open_errors(job)
    except FileNotFoundError:
        raise Http404("This import has no error file") from None
    audit_access(action="imports.errors.downloaded", actor=request.user, obj=job, after={"file": job.errors_file.name})
    stem = job.original_name.rsplit(".", 1)[0] or "import"
    return FileResponse(handle, as_attachment=True, filename=f"{stem}-errors.csv", content_type="text/csv")


@require_cap(Cap.VIEW)
def import_template_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    try:
        importer = get_importer(code)
        template = import_template(importer, fmt)
    except (UnknownImporter, ValueError):
        raise Http404("No such template") from None
    response = HttpResponse(template.content, content_type=template.media_type)
    response["Content-Disposition"] = f'attachment; filename="{template.file_name}"'
    return response
