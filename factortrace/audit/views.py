"""The audit log page (owners, admins, auditors) and its CSV export."""
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from factortrace.core.csvsafe import csv_bytes
from factortrace.core.roles import Cap
from factortrace.core.tenancy import require_cap

from .filters import AuditFilter
from .models import AuditEntry
from .services import audit_access, canonical_json

EXPORT_LIMIT = 100_000


@require_cap(Cap.AUDIT)
def audit_log(request):
    filterset = AuditFilter(request.GET, queryset=AuditEntry.objects.all())
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    template = "audit/_entries.html" if request.htmx else "audit/log.html"
    return render(request, template, {"filter": filterset, "page": page,
                                      "query": request.GET.urlencode()})


@require_cap(Cap.AUDIT)
def audit_export(request):
    """CSV of the filtered entries, oldest first, with hashes so an auditor can re-verify offline."""
    entries = AuditFilter(request.GET, queryset=AuditEntry.objects.order_by("sequence")).qs[:EXPORT_LIMIT]
    header = ["sequence", "created_at", "actor", "action", "object_type", "object_id", "object", "changed_fields",
              "before", "after", "request_id", "prev_hash", "hash"]
    exported = {"rows": 0, "last_sequence": None}  # how far the export went, for its own entry

    def rows():
        for e in entries.iterator(chunk_size=2000):
            exported["rows"] += 1
            exported["last_sequence"] = e.sequence
            yield [e.sequence, e.created_at.isoformat(), e.actor_email, e.action, e.object_type, e.object_id,
                   e.object_repr, " ".join(e.changed_fields()),
                   canonical_json(e.before) if e.before is not None else "",
                   canonical_json(e.after) if e.after is not None else "", e.request_id, e.prev_hash, e.hash]

    response = HttpResponse(csv_bytes(header, rows()), content_type="text/csv; charset=utf-8")
    # Who took a copy of the trail, with which filters, is itself part of the trail.
    audit_access(action="audit.log.exported", actor=request.user, object_type="audit.log",
                 object_repr="Audit log CSV export",
                 after={"filters": {key: request.GET.getlist(key) for key in sorted(request.GET)}, **exported})
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{request.tenant.slug}-audit-{stamp}.csv"'
    return response
