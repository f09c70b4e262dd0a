"""The demo's figures as a golden file: refactors must not move a single digit.

``tests/golden/demo_figures.json`` was recorded from main before the GHG inventory moved out of
CSRD (issue 8). For every demo period it holds the full-precision E1-6 totals the dashboard
shows, the Scope 2 sites, the energy mix, target progress, the published E1 disclosure (what
the PDF and the iXBRL print) and the SHA-256 of the iXBRL document, which is deterministic.

Re-record only when an issue changes a figure on purpose::

    FACTORTRACE_GOLDEN_WRITE=1 make test PYTEST_ARGS='tests/test_demo_figures.py'
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from regimes.csrd.ixbrl import render_e1_ixbrl
from regimes.csrd.report import disclosure_for
from regimes.csrd.selectors import period_figures
from regimes.inventory.models import ReportingPeriod
from regimes.inventory.selectors import targets_with_progress

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
GOLDEN = Path(__file__).parent / "golden" / "demo_figures.json"


def _plain(value):
    """Dataclasses, Decimals, dates and enums as JSON-ready values (Decimals exactly, as text)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def demo_figures(tenant) -> dict:
    result = {}
    with tenant_context(tenant):
        for period in ReportingPeriod.objects.order_by("year"):
            figures = period_figures(period)
            disclosure = disclosure_for(period, tenant, figures)
            result[period.name] = {
                "totals": _plain(figures.totals),
                "scope2_sites": _plain(figures.scope2_sites),
                "energy": _plain(figures.energy),
                "by_scope1_type_t": _plain(figures.by_scope1_type_t),
                "by_facility_t": _plain(figures.by_facility_t),
                "targets": [[target.name, _plain(progress)]
                            for target, progress in targets_with_progress(period, figures.totals)],
                "disclosure": _plain(disclosure),
                "ixbrl_sha256": hashlib.sha256(render_e1_ixbrl(disclosure)).hexdigest(),
            }
    return result


def test_the_demo_figures_match_the_golden_file(demo_tenant):
    figures = demo_figures(demo_tenant)
    if os.environ.get("FACTORTRACE_GOLDEN_WRITE"):
        GOLDEN.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert sorted(figures) == sorted(expected)
    for period, values in expected.items():
        for key, value in values.items():
            assert figures[period][key] == value, f"{period} · {key} changed"
