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


class NulByteMiddleware:
    """A NUL byte in the path or a query parameter is a 400 for every view, before any of them
    runs: PostgreSQL refuses NUL in text, so such a value would otherwise reach a filter and end
    as a DataError (500). Forms and serializers already refuse NUL in their own fields."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if "\x00" in request.path_info or any(
                "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            from django.core.exceptions import SuspiciousOperation  # noqa: PLC0415

            # Django answers a SuspiciousOperation with the URLconf's 400 handler and logs it
            # under django.security.
            raise SuspiciousOperation("NUL byte in the URL or a query parameter")
        return self.get_response(request)


_PROBLEM_TITLES = {
    400: "Invalid request", 401: "Authentication required", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 406: "Not acceptable", 409: "Conflict", 413: "Request too large",
    415: "Unsupported media type", 429: "Too many requests", 500: "Server error", 502: "Bad gateway",
    503: "Service unavailable",
}
_PROBLEM_DETAILS = {
    400: "The request could not be understood.",
    405: "This method is not allowed here.",
    500: "An unexpected error occurred; it was logged. Quote the request id if you contact support.",
}
_KEPT_HEADERS = ("Retry-After", "WWW-Authenticate", "Allow", "Cache-Control", "Vary")


class ApiProblemMiddleware:
    """Under ``/api/`` every error answer is an RFC 9457 problem (``application/problem+json``),
    whichever layer made it: DRF's handler already does so for API views; this turns the rest
    (Django's 400/404/500 handlers, middleware refusals such as 413, a view that raised) into the
    same shape. Internals are never shown; a 500 carries the request id."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if response.status_code < 400 or not request.path_info.startswith("/api/"):
            return response
        if response.get("Content-Type", "").startswith("application/problem+json"):
            return response
        return self.problem(request, response)

    @staticmethod
    def problem(request: HttpRequest, response):
        from django.http import JsonResponse  # noqa: PLC0415

        status = response.status_code
        detail = _PROBLEM_DETAILS.get(status, "")
        if not detail and response.get("Content-Type", "").startswith("text/plain") \
                and not getattr(response, "streaming", False) and len(response.content) <= 500:
            detail = response.content.decode("utf-8", errors="replace").strip()
        body = {"type": "about:blank", "title": _PROBLEM_TITLES.get(status, "Error"), "status": status,
                "detail": detail or _PROBLEM_TITLES.get(status, "Error") + "."}
        if status >= 500:
            body["request_id"] = getattr(request, "request_id", "")
        problem = JsonResponse(body, status=status, content_type="application/problem+json")
        for header in _KEPT_HEADERS:
            if header in response:
                problem[header] = response[header]
        return problem
