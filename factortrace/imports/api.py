"""The asynchronous import API under /api/v1/imports/ (tenant hosts, members only).

    GET  /api/v1/imports/importers/        what can be imported: columns, parameters, templates
    POST /api/v1/imports/<importer>/       multipart: file, decimal_separator, the importer's
                                           parameters (inventory.activities: period) → 202 + the job
    GET  /api/v1/imports/<importer>/       that importer's jobs
    GET  /api/v1/imports/                  every job (filters: regime, kind, status)
    GET  /api/v1/imports/<uuid>/           status, progress, counts, first errors, links
    GET  /api/v1/imports/<uuid>/errors/    the error file (CSV: row, column, cell, value, reason)

Uploading needs EDIT, the rest VIEW. The upload calls the same service as the upload page
(:func:`factortrace.imports.services.import_request`), so the rules and messages are the same.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from factortrace.api.viewsets import TenantReadOnlyViewSet, TenantScopedMixin
from factortrace.audit.services import audit_access
from factortrace.core.roles import Cap

from .models import ImportJob
from .registry import UnknownImporter, get_importer, importers
from .services import DECIMAL_SEPARATORS, MAX_IMPORT_BYTES, import_open_errors, import_request, job_progress


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Row in the file as a spreadsheet numbers it")
    column = serializers.CharField(help_text="Column name (empty for a problem of the whole row or file)")
    cell = serializers.CharField(help_text="Spreadsheet cell reference, e.g. G7")
    value = serializers.CharField()
    reason = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    importer = serializers.CharField(source="kind", help_text="Importer code, e.g. inventory.activities")
    status_display = serializers.CharField(source="get_status_display")
    errors_preview = ImportErrorSerializer(many=True, read_only=True, help_text="The first problems found")
    requested_by = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ["uuid", "importer", "regime", "status", "status_display", "progress", "message", "original_name",
                  "size", "sha256", "read_as", "parameters", "total_rows", "imported_rows", "error_count",
                  "errors_preview", "error", "attempts", "requested_by", "created_at", "started_at", "finished_at",
                  "links"]
        read_only_fields = fields

    def to_representation(self, job: ImportJob) -> dict:
        data = super().to_representation(job)
        data["progress"], data["message"] = job_progress(job)  # live while rows stream in
        return data

    def get_requested_by(self, job: ImportJob) -> str | None:
        return job.requested_by.email if job.requested_by_id and job.requested_by else None

    @extend_schema_field(inline_serializer("ImportJobLinks", fields={
        "self": serializers.URLField(), "page": serializers.URLField(),
        "errors_file": serializers.URLField(allow_null=True)}))
    def get_links(self, job: ImportJob) -> dict:
        request = self.context.get("request")

        def absolute(url: str) -> str:
            return request.build_absolute_uri(url) if request is not None else url

        return {
            "self": absolute(reverse("import-job-detail", kwargs={"uuid": job.uuid})),
            "page": absolute(reverse("imports:detail", kwargs={"uuid": job.uuid})),
            "errors_file": absolute(reverse("import-job-errors", kwargs={"uuid": job.uuid}))
            if job.errors_file else None,
        }


@extend_schema_view(
    list=extend_schema(summary="Import jobs", description="Every import job, newest first."),
    retrieve=extend_schema(summary="One import job",
                           description="Status (queued, validating, succeeded, failed), progress in %, "
                                       "row counts, the first problems found and links to the page and the error "
                                       "file. Poll it until `status` is succeeded or failed."),
)
class ImportJobViewSet(TenantReadOnlyViewSet):
    queryset = ImportJob.objects.select_related("requested_by")
    serializer_class = ImportJobSerializer
    lookup_field = "uuid"
    filterset_fields = ["regime", "kind", "status"]
    ordering_fields = ["created_at"]

    @extend_schema(summary="The error file of a failed import", operation_id="imports_errors_file",
                   description="CSV (UTF-8 with BOM): row, column, cell, value, reason; formula-safe.",
                   responses={(200, "text/csv"): OpenApiTypes.BINARY,
                              404: OpenApiResponse(description="No error file")})
    @action(detail=True, methods=["get"])
    def errors(self, request, uuid=None):
        job = self.get_object()
        try:
            handle = import_open_errors(job)
        except FileNotFoundError:
            raise NotFound("This import has no error file.") from None
        audit_access(action="imports.errors.downloaded", actor=request.user, obj=job,
                     after={"file": job.errors_file.name})
        stem = job.original_name.rsplit(".", 1)[0] or "import"
        return FileResponse(handle, as_attachment=True, filename=f"{stem}-errors.csv", content_type="text/csv")


def _parameter_fields() -> dict:
    """Every importer's parameters as multipart fields, for the OpenAPI description."""
    fields: dict = {}
    for importer in importers():
        form_class = importer.params_form
        for name, form_field in (form_class.base_fields.items() if form_class else ()):
            help_text = f"{importer.code}: {form_field.help_text or form_field.label}"
            if name in fields:
                continue
            if isinstance(form_field, forms.ModelChoiceField):
                fields[name] = serializers.IntegerField(required=False, help_text=f"{help_text} (its id)")
            else:
                fields[name] = serializers.CharField(required=False, help_text=help_text)
    return fields


UPLOAD_REQUEST = inline_serializer("ImportUpload", fields={
    "file": serializers.FileField(help_text=f".csv (UTF-8; comma, semicolon or tab separated) or .xlsx, at most "
                                            f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB"),
    "decimal_separator": serializers.ChoiceField(choices=[value for value, _ in DECIMAL_SEPARATORS], required=False,
                                                 help_text="auto (default: ambiguous values such as 1,234 are "
                                                           "refused), '.' or ','"),
    **_parameter_fields(),
})


class ImportUploadView(TenantScopedMixin, generics.ListAPIView):
    """Upload a file to an importer (POST, 202) or list that importer's jobs (GET).

    Mounted at /api/v1/imports/<importer>/; a regime may also mount it for one importer with
    ``ImportUploadView.as_view(importer_code="inventory.activities")``.
    """

    queryset = ImportJob.objects.select_related("requested_by")
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]
    read_cap = Cap.VIEW
    write_cap = Cap.EDIT
    importer_code: str = ""

    def _importer(self):
        code = self.importer_code or self.kwargs.get("importer", "")
        try:
            return get_importer(code)
        except UnknownImporter:
            raise NotFound(f"There is no importer '{code}' (see /api/v1/imports/importers/).") from None

    def base_queryset(self):
        return super().base_queryset().filter(kind=self._importer().code)

    @extend_schema(summary="An importer's jobs", operation_id="imports_importer_jobs_list",
                   description="The jobs of one importer (e.g. inventory.activities), newest first.")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Upload a file to import", operation_id="imports_upload",
        description="Stores the file with its SHA-256 and queues the import; answers 202 with the job at once. "
                    "Every row is then checked; if any has a problem nothing is imported and the job lists the "
                    "problems (and links an error file), otherwise all rows are saved together. Poll the job's "
                    "`links.self`.",
        request={"multipart/form-data": UPLOAD_REQUEST},
        responses={202: ImportJobSerializer, 400: OpenApiResponse(description="Problem details with field errors"),
                   404: OpenApiResponse(description="Unknown importer")})
    def post(self, request, *args, **kwargs):
        importer = self._importer()
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "Attach the file as the multipart field 'file'."})
        names = importer.params_form.base_fields if importer.params_form else {}
        params = {name: request.data.get(name) for name in names}
        params["decimal_separator"] = request.data.get("decimal_separator") or "auto"
        job = import_request(importer_code=importer.code, uploaded_file=upload, params=params, actor=request.user)
        data = ImportJobSerializer(job, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["links"]["self"]})


class ImporterListView(APIView):
    """What can be imported: each importer's columns, parameters and template downloads."""

    read_cap = Cap.VIEW

    @extend_schema(summary="Importers", operation_id="imports_importers_list", responses=inline_serializer(
        "Importer", many=True, fields={
        "code": serializers.CharField(), "regime": serializers.CharField(), "title": serializers.CharField(),
        "description": serializers.CharField(), "columns": serializers.ListField(child=serializers.DictField()),
        "parameters": serializers.ListField(child=serializers.DictField()),
        "templates": serializers.DictField(child=serializers.URLField()), "upload": serializers.URLField(),
    }))
    def get(self, request):
        data = []
        for importer in importers():
            form_class = importer.params_form
            data.append({
                "code": importer.code, "regime": importer.regime, "title": importer.title,
                "description": importer.description,
                "columns": [{"name": c.name, "label": c.label, "required": c.required, "help": c.help,
                             "choices": list(c.choices), "example": c.example} for c in importer.columns],
                "parameters": [{"name": name, "label": str(f.label or name), "required": f.required,
                                "help": str(f.help_text)} for name, f in
                               (form_class.base_fields.items() if form_class else ())]
                + [{"name": "decimal_separator", "label": "Decimal separator", "required": False,
                    "help": "auto, '.' or ','"}],
                "templates": {fmt: request.build_absolute_uri(reverse("imports:template", args=[importer.code, fmt]))
                              for fmt in ("xlsx", "csv")},
                "upload": request.build_absolute_uri(reverse("import-upload", args=[importer.code])),
            })
        return Response(data)
