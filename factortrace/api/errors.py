"""API errors as RFC 9457 problem details, with field errors under ``errors``."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from factortrace.core.errors import Conflict


class ConflictError(exceptions.APIException):
    status_code = 409
    default_detail = "The record's current state does not allow this."
    default_code = "conflict"


def problem_exception_handler(exc, context):
    if isinstance(exc, Conflict):
        exc = ConflictError(" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    body = {"type": "about:blank", "status": response.status_code,
            "title": _title(response.status_code, exc)}
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = "The request has invalid fields."
        body["errors"] = data if isinstance(data, dict) else {"non_field_errors": data}
    elif isinstance(data, dict) and "detail" in data:
        body["detail"] = str(data["detail"])
    else:
        body["detail"] = str(data)
    problem = Response(body, status=response.status_code, headers=_headers(response))
    problem.content_type = "application/problem+json"
    return problem


def _title(code: int, exc) -> str:
    if isinstance(exc, exceptions.Throttled):
        return "Too many requests"
    return {400: "Invalid request", 401: "Authentication required", 403: "Forbidden", 404: "Not found",
            405: "Method not allowed", 409: "Conflict", 415: "Unsupported media type"}.get(code, "Error")


def _headers(response) -> dict:
    return {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}
