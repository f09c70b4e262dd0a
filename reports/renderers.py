"""Renderers every report kind can use: PDF (WeasyPrint), HTML/XHTML templates, CSV, JSON, XML.

All are pure: data in, bytes out.
"""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any, Iterable, Sequence

from django.conf import settings
from django.template.loader import render_to_string

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection (OWASP): text starting with = + - @ TAB CR gets a
    leading apostrophe, so Excel/LibreOffice show it as text instead of evaluating it. Numbers
    stay numbers (a negative Decimal is not text)."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with BOM (so Excel detects the encoding), comma-separated, formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(_plain(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def json_bytes(data: Any) -> bytes:
    """Deterministic JSON: sorted keys, Decimals as strings (exact), dates ISO 8601."""
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, default=_json_default) + "\n").encode()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def html_bytes(template: str, context: dict) -> bytes:
    return render_to_string(template, context).encode("utf-8")


def pdf_bytes(template: str, context: dict) -> bytes:
    """Render a Django template to PDF with WeasyPrint. Static files (CSS, fonts, images) are read
    from the project's static folders, never fetched over the network."""
    from weasyprint import HTML  # noqa: PLC0415 — heavy import, only in workers

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=_local_only_fetcher).write_pdf()


def _local_only_fetcher(url: str, timeout: int = 10, ssl_context=None):
    from weasyprint.urls import default_url_fetcher  # noqa: PLC0415

    if url.startswith(("file:", "data:")):
        return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    raise ValueError(f"Refusing to fetch {url!r} while rendering a PDF (offline by design)")


def xml_bytes(element) -> bytes:
    from lxml import etree  # noqa: PLC0415

    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)
