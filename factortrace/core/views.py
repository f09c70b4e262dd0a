"""Operations probes and the error handlers (problem JSON for the API, styled pages for people)."""
from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache

from .problems import problem_response

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


def page_not_found(request, exception):
    """404: problem JSON for the API, the styled page for people."""
    if request.path_info.startswith("/api/"):
        return problem_response(404, "Not found", "No such resource.")
    return defaults.page_not_found(request, exception)


def permission_denied(request, exception):
    if request.path_info.startswith("/api/"):
        return problem_response(403, "Forbidden", str(exception) or "Your role does not allow this.")
    return defaults.permission_denied(request, exception)
