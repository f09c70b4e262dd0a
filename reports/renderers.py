"""Renderers every report kind can use: PDF (WeasyPrint), JSON, XML; CSV is
:func:`factortrace.core.csvsafe.csv_bytes` (the audit export uses it too).

All are pure: data in, bytes out.
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from lxml import etree


def json_bytes(data: Any) -> bytes:
    """Deterministic JSON: sorted keys, Decimals as strings (exact), dates ISO 8601."""
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, default=_json_default) + "\n").encode()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def pdf_bytes(template: str, context: dict) -> bytes:
    """Render a Django template to PDF with WeasyPrint. Static files (CSS, fonts, images) are read
    from the project's static folders, never fetched over the network."""
    from weasyprint import HTML  # noqa: PLC0415 — heavy import, only in workers

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=_local_only_fetcher).write_pdf()


def _local_only_fetcher(url: str, timeout: int = 10, ssl_context=None):
    from weasyprint.urls import default_url_fetcher  # noqa: PLC0415 — heavy import (weasyprint), only in workers

    if url.startswith(("file:", "data:")):
        return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    raise ValueError(f"Refusing to fetch {url!r} while rendering a PDF (offline by design)")


def xml_bytes(element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)
