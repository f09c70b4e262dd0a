"""Operations probes and the tenant dashboard."""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from regimes.base.registry import regimes
from .roles import Cap

from .tenancy import require_cap

logger = logging.getLogger(__name__)


@never_cache
def health(request):
    """Liveness: the process answers. Checks nothing else on purpose."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return None
    except Exception as exc:  # noqa: BLE001 — reported, not raised
        return f"database: {exc.__class__.__name__}"


def _check_broker() -> str | None:
    import redis  # noqa: PLC0415

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"broker: {exc.__class__.__name__}"


@never_cache
def ready(request):
    """Readiness: database and broker reachable, else 503 (load balancers stop sending traffic)."""
    problems = [p for p in (_check_database(), _check_broker()) if p]
    if problems:
        logger.warning("not ready: %s", "; ".join(problems))
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ready"})


@require_cap(Cap.VIEW)
def dashboard(request):
    tiles = []
    for regime in regimes():
        summary = regime.summary(request) if regime.summary else []
        tiles.append({"regime": regime, "summary": summary})
    return render(request, "core/dashboard.html", {"tiles": tiles})


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    return JsonResponse({"type": "about:blank", "title": title, "status": status, "detail": detail},
                        status=status, content_type="application/problem+json")


def page_not_found(request, exception):
    """404: problem JSON for the API, the styled page for people."""
    if request.path_info.startswith("/api/"):
        return _problem(404, "Not found", "No such resource.")
    from django.views.defaults import page_not_found as default  # noqa: PLC0415

    return default(request, exception)


def permission_denied(request, exception):
    if request.path_info.startswith("/api/"):
        return _problem(403, "Forbidden", str(exception) or "Your role does not allow this.")
    from django.views.defaults import permission_denied as default  # noqa: PLC0415

    return default(request, exception)
