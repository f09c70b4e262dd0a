"""Server-rendered SVG charts: the page and the PDF show the same picture.

Presentation attributes only (``fill``, ``font-size``) — no ``style`` attributes, which the
Content-Security-Policy forbids. Every chart has a ``<title>`` and ``<desc>`` for screen readers
and a text fallback is the caller's job (tables next to charts).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0f6b4f", "#2b6cb0", "#c07d16", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#d35400",
           "#5b8c2a", "#a33c6b", "#34495e", "#b7950b", "#1f618d", "#6c3483", "#117864"]
TEXT = "#5d6b66"
GRID = "#e4e9e7"


@dataclass(frozen=True)
class Item:
    label: str
    value: Decimal | float | int
    color: str | None = None


def _fmt(value) -> str:
    number = float(value)
    if abs(number) >= 1_000_000:
        return f"{number / 1_000_000:,.1f} M"
    if abs(number) >= 10_000:
        return f"{number / 1000:,.1f} k"
    if abs(number) >= 100:
        return f"{number:,.0f}"
    return f"{number:,.2f}".rstrip("0").rstrip(".") if number else "0"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _svg(width: int, height: int, title: str, body: str, desc: str = "", kind: str = "") -> SafeString:
    return mark_safe(
        f'<svg class="chart{" chart-" + kind if kind else ""}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title><desc>{escape(desc or title)}</desc>{body}</svg>")


def hbar(items: Sequence[Item], *, title: str, unit: str = "", width: int = 640, bar: int = 22) -> SafeString:
    """Horizontal bars, one per item, labelled with the value."""
    items = list(items)
    if not items:
        return _svg(width, 40, title, f'<text x="0" y="24" fill="{TEXT}" font-size="13">No data</text>')
    label_w = min(220, max(60, max(len(i.label) for i in items) * 7))
    value_w = 90
    plot_w = width - label_w - value_w
    top = float(max(float(i.value) for i in items)) or 1.0
    height = len(items) * (bar + 10) + 10
    parts = []
    for n, item in enumerate(items):
        y = 5 + n * (bar + 10)
        w = max(1.0, plot_w * float(item.value) / top) if float(item.value) > 0 else 0
        color = item.color or PALETTE[n % len(PALETTE)]
        label = item.label if len(item.label) <= label_w // 7 else item.label[: label_w // 7 - 1] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar * 0.7:.1f}" text-anchor="end" fill="#1b2623" font-size="12">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" rx="3" fill="{color}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar * 0.7:.1f}" fill="{TEXT}" font-size="12">'
            f"{escape(_fmt(item.value))}{(' ' + escape(unit)) if unit else ''}</text>")
    return _svg(width, height, title, "".join(parts))


def columns(series: Sequence[tuple[str, Sequence[Item]]], *, title: str, unit: str = "", width: int = 640,
            height: int = 260) -> SafeString:
    """Stacked columns: ``series`` is [(column label, [Item(segment label, value), ...]), ...]."""
    series = list(series)
    if not series:
        return _svg(width, 40, title, f'<text x="0" y="24" fill="{TEXT}" font-size="13">No data</text>')
    left, bottom, top_pad = 56, 28, 12
    plot_h = height - bottom - top_pad
    totals = [sum(float(i.value) for i in items if float(i.value) > 0) for _, items in series]
    top = _nice_max(max(totals) if totals else 1)
    slot = (width - left) / len(series)
    col_w = min(56, slot * 0.6)
    parts = []
    for k in range(5):
        value = top * k / 4
        y = top_pad + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}" font-size="11">'
                     f"{escape(_fmt(value))}</text>")
    colors: dict[str, str] = {}
    for n, (label, items) in enumerate(series):
        x = left + slot * n + (slot - col_w) / 2
        y = top_pad + plot_h
        for item in items:
            if float(item.value) <= 0:
                continue
            color = item.color or colors.setdefault(item.label, PALETTE[len(colors) % len(PALETTE)])
            h = plot_h * float(item.value) / top
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" fill="{color}">'
                         f"<title>{escape(label)} · {escape(item.label)}: {escape(_fmt(item.value))} "
                         f"{escape(unit)}</title></rect>")
        parts.append(f'<text x="{x + col_w / 2:.1f}" y="{height - 10}" text-anchor="middle" fill="{TEXT}" '
                     f'font-size="11">{escape(label)}</text>')
    if unit:
        parts.append(f'<text x="{width - 4}" y="9" text-anchor="end" fill="{TEXT}" font-size="11">'
                     f"{escape(unit)}</text>")
    return _svg(width, height, title, "".join(parts))


def donut(items: Sequence[Item], *, title: str, size: int = 200, hole: float = 0.58) -> SafeString:
    """Shares of a whole; the centre shows the total."""
    items = [i for i in items if float(i.value) > 0]
    total = sum(float(i.value) for i in items)
    r = size / 2
    if not items or total <= 0:
        return _svg(size, size, title, f'<circle cx="{r}" cy="{r}" r="{r - 2}" fill="{GRID}"/>'
                    f'<text x="{r}" y="{r + 4}" text-anchor="middle" fill="{TEXT}" font-size="13">No data</text>',
                    kind="donut")
    parts, angle = [], -math.pi / 2
    inner = r * hole
    for n, item in enumerate(items):
        share = float(item.value) / total
        color = item.color or PALETTE[n % len(PALETTE)]
        if share >= 0.9999:
            parts.append(f'<circle cx="{r}" cy="{r}" r="{r}" fill="{color}"/>')
            continue
        end = angle + share * 2 * math.pi
        large = 1 if share > 0.5 else 0
        x1, y1 = r + r * math.cos(angle), r + r * math.sin(angle)
        x2, y2 = r + r * math.cos(end), r + r * math.sin(end)
        parts.append(f'<path d="M{r},{r} L{x1:.2f},{y1:.2f} A{r},{r} 0 {large} 1 {x2:.2f},{y2:.2f} Z" '
                     f'fill="{color}"><title>{escape(item.label)}: {share * 100:.1f} %</title></path>')
        angle = end
    parts.append(f'<circle cx="{r}" cy="{r}" r="{inner:.1f}" fill="#ffffff"/>'
                 f'<text x="{r}" y="{r + 6}" text-anchor="middle" fill="#1b2623" font-size="18" '
                 f'font-weight="bold">{escape(_fmt(total))}</text>')
    return _svg(size, size, title, "".join(parts), kind="donut")


def line(points: Sequence[tuple[str, Decimal | float]], *, title: str, unit: str = "", width: int = 640,
         height: int = 220, color: str = PALETTE[0]) -> SafeString:
    """A single series over labelled x positions (e.g. years)."""
    points = list(points)
    if not points:
        return _svg(width, 40, title, f'<text x="0" y="24" fill="{TEXT}" font-size="13">No data</text>')
    left, bottom, top_pad = 56, 28, 12
    plot_w, plot_h = width - left - 12, height - bottom - top_pad
    top = _nice_max(max(float(v) for _, v in points))
    step = plot_w / max(1, len(points) - 1)
    coords = [(left + step * n if len(points) > 1 else left + plot_w / 2,
               top_pad + plot_h - plot_h * float(v) / top) for n, (_, v) in enumerate(points)]
    parts = []
    for k in range(5):
        y = top_pad + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}" font-size="11">'
                     f"{escape(_fmt(top * k / 4))}</text>")
    path = " ".join(f"{'M' if n == 0 else 'L'}{x:.1f},{y:.1f}" for n, (x, y) in enumerate(coords))
    parts.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>')
    for (label, value), (x, y) in zip(points, coords, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}"><title>{escape(label)}: '
                     f"{escape(_fmt(value))} {escape(unit)}</title></circle>"
                     f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" fill="{TEXT}" font-size="11">'
                     f"{escape(label)}</text>")
    return _svg(width, height, title, "".join(parts))


def legend(items: Sequence[Item]) -> list[tuple[str, str]]:
    """(label, colour) pairs matching the default palette order, for an HTML legend."""
    return [(item.label, item.color or PALETTE[n % len(PALETTE)]) for n, item in enumerate(items)]
