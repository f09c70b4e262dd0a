"""Request id and security headers."""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest

from .logging import request_id_var

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIdMiddleware:
    """Accepts a sane ``X-Request-ID`` from the proxy or makes one; it is in logs, audit
    entries and the response."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy (Django 5.2 sets the others itself:
    X-Frame-Options, Referrer-Policy, nosniff, HSTS behind HTTPS)."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        # The API docs pages are served by drf-spectacular from local files; they need inline
        # bootstrapping scripts of their own, so they get their own relaxed policy.
        if request.path_info.startswith("/api/v1/docs") or request.path_info.startswith("/api/v1/redoc"):
            response.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'",
            )
        else:
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestSizeLimitMiddleware:
    """Refuse request bodies over ``MAX_REQUEST_BYTES`` before reading them (413). Uploads have
    their own, smaller limits (imports 32 MB, evidence 20 MB) checked with a clear message;
    this is the outer bound that keeps a huge body from filling the disk first."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            from django.http import HttpResponse  # noqa: PLC0415

            limit = settings.MAX_REQUEST_BYTES // (1024 * 1024)
            return HttpResponse(f"The request is larger than {limit} MB.", status=413, content_type="text/plain")
        return self.get_response(request)
