"""Fixtures of the factor library tests.

The session fixture ``factor_library`` (root conftest) loads every shipped source once per test
session (about 15 s); tests that only parse files or convert numbers need no fixture at all.
"""
from __future__ import annotations

import pytest


@pytest.fixture
def library(factor_library, db):
    """Per-test access to the loaded library (inside the test's transaction).

    A ``transaction=True`` test elsewhere in the session flushes every table, the library's too:
    if that happened, load it again (inside this test's transaction, so only for this test).
    """
    from factors.loading import load_sources
    from factors.models import EmissionFactor

    if not EmissionFactor.objects.exists():
        return {result.code: result for result in load_sources()}
    return factor_library


def factor(source_code: str, external_id: str):
    from factors.models import EmissionFactor

    return EmissionFactor.objects.select_related("source").get(source__code=source_code, external_id=external_id)
