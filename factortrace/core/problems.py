"""RFC 9457 problem details for responses made outside DRF (the membership gate, 403/404 handlers)."""
from __future__ import annotations

from django.http import JsonResponse


def problem_response(status: int, title: str, detail: str) -> JsonResponse:
    response = JsonResponse({"type": "about:blank", "title": title, "status": status, "detail": detail},
                            status=status, content_type="application/problem+json")
    if status == 401:
        response["WWW-Authenticate"] = 'Api-Key realm="api"'
    return response
