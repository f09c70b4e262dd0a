"""The tenant dashboard: one tile per regime, each with the regime's own summary."""
from __future__ import annotations

from django.shortcuts import render

from factortrace.core.roles import Cap
from factortrace.core.tenancy import require_cap
from regimes.base.registry import regimes


@require_cap(Cap.VIEW)
def dashboard(request):
    tiles = []
    for regime in regimes():
        summary = regime.summary(request) if regime.summary else []
        tiles.append({"regime": regime, "summary": summary})
    return render(request, "core/dashboard.html", {"tiles": tiles})
