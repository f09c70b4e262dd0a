"""The platform's own report: a tenant summary (members, roles, recent activity) as PDF and JSON.

It proves the pipeline end to end and doubles as an access review for auditors.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from factortrace.audit.models import AuditEntry
from factortrace.core import charts
from factortrace.core.roles import Role
from tenants.models import Membership

from .registry import BuildContext, OutputFormat, RenderContext, ReportKind, register
from .renderers import json_bytes, pdf_bytes


def build_tenant_summary(ctx: BuildContext) -> dict:
    ctx.progress(10, "Reading members")
    members = [
        {"name": m.user.full_name or m.user.email, "email": m.user.email, "role": m.get_role_display(),
         "role_code": m.role, "since": m.created.date()}
        for m in Membership.objects.filter(tenant=ctx.tenant).select_related("user").order_by("role", "user__email")
    ]
    ctx.progress(40, "Reading the audit trail")
    since = timezone.now() - dt.timedelta(days=30)
    per_day = {row["day"]: row["n"] for row in AuditEntry.objects.filter(created_at__gte=since)
               .annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("id"))}
    by_action = Counter(dict(AuditEntry.objects.filter(created_at__gte=since).values_list("action")
                             .annotate(n=Count("id")).values_list("action", "n")))
    ctx.progress(70, "Summarising")
    role_counts = Counter(m["role_code"] for m in members)
    return {
        "tenant": {"name": ctx.tenant.name, "legal_name": ctx.tenant.display_legal_name,
                   "country": ctx.tenant.country, "lei": ctx.tenant.lei, "eori": ctx.tenant.eori,
                   "slug": ctx.tenant.slug},
        "members": members,
        "roles": [{"role": label, "count": role_counts.get(value, 0)} for value, label in Role.choices],
        "activity_days": [{"day": (since.date() + dt.timedelta(days=n)),
                           "entries": per_day.get(since.date() + dt.timedelta(days=n), 0)} for n in range(1, 31)],
        "top_actions": [{"action": a, "count": n} for a, n in by_action.most_common(8)],
        "audit_entries_total": AuditEntry.objects.count(),
    }


def _pdf(data: dict, ctx: RenderContext) -> bytes:
    role_chart = charts.hbar([charts.Item(r["role"], r["count"]) for r in data["roles"]],
                             title="Members by role", width=520)
    activity = charts.columns([(f"{d['day']:%d}", [charts.Item("entries", d["entries"])])
                               for d in data["activity_days"]], title="Audit entries per day, last 30 days",
                              width=680, height=200)
    return pdf_bytes("reports/tenant_summary_pdf.html", {
        "data": data, "generated_at": ctx.generated_at, "report": ctx.report, "role_chart": role_chart,
        "activity_chart": activity})


def _json(data: dict, ctx: RenderContext) -> bytes:
    return json_bytes({"report": "platform.tenant_summary", "generated_at": ctx.generated_at, **data})


TENANT_SUMMARY = register(ReportKind(
    code="platform.tenant_summary",
    title="Tenant summary",
    regime="platform",
    description="Members and roles, and audit-trail activity of the last 30 days — an access review.",
    build=build_tenant_summary,
    formats=(
        OutputFormat("pdf", "PDF", "application/pdf", "pdf", _pdf),
        OutputFormat("json", "JSON", "application/json", "json", _json),
    ),
))

__all__ = ["TENANT_SUMMARY"]
