"""The CSRD regime's registry entry."""
from __future__ import annotations

from regimes.base.registry import Regime
from regimes.inventory.calculations import quantize
from regimes.inventory.selectors import period_figures, periods

from .demo import demo_csrd_ensure
from .models import STANDARD


def dashboard_summary(request) -> list[tuple[str, str]]:
    """The dashboard tile: latest period's E1-6 totals."""
    period = periods().first()
    if period is None:
        return [("Status", "No reporting period yet")]
    totals = period_figures(period).totals
    fmt = lambda v: f"{quantize(v, 1):,} t CO2e"  # noqa: E731
    return [("Period", f"{period.name} ({period.get_status_display().lower()})"),
            ("Scope 1", fmt(totals.scope1_t)), ("Scope 2 (market-based)", fmt(totals.scope2_market_t)),
            ("Scope 3", fmt(totals.scope3_t)), ("Total (market-based)", fmt(totals.total_market_t))]


def seed_demo(tenant, owner) -> None:
    demo_csrd_ensure(owner)


CSRD = Regime(
    code="csrd",
    name="CSRD · ESRS E1",
    description="Scope 1, 2 and 3 inventory, energy mix and targets; ESRS E1 report as iXBRL and PDF.",
    url_name="csrd:dashboard",
    legal_basis=STANDARD,
    summary=dashboard_summary,
    report_kinds=("csrd.esrs_e1", "csrd.inventory"),
    seed_demo=seed_demo,
)
