"""Benchmark: provisioning a tenant by cloning the template schema (what `tenant_create` does)
beside creating one by running every tenant migration, in the same run.

    .venv/bin/python scripts/devservices.py up
    .venv/bin/python bench/bench_tenant_create.py

Goal: a usable tenant (schema, domain, owner, first audit entry) in under 1 s.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "factortrace.settings.base"

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from tenants.models import Tenant  # noqa: E402
from tenants.services import template_schema_ensure, tenant_create  # noqa: E402

ROUNDS = 5
GOAL_S = 1.0


def create(owner) -> tuple[float, str]:
    slug = f"bench-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    tenant_create(name=f"Bench {slug}", slug=slug, country="DE", owner=owner)
    return time.perf_counter() - started, slug


def drop(slug: str) -> None:
    tenant = Tenant.objects.get(slug=slug)
    tenant.delete(force_drop=True)
    connection.set_schema_to_public()


def main() -> None:
    template_schema_ensure()
    owner, _ = get_user_model().objects.get_or_create(email="bench-owner@bench.example")
    cloned, migrated = [], []
    slugs = []
    try:
        for _ in range(ROUNDS):
            seconds, slug = create(owner)
            cloned.append(seconds)
            slugs.append(slug)
        with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False, TENANT_BASE_SCHEMA=None):
            for _ in range(ROUNDS):
                seconds, slug = create(owner)
                migrated.append(seconds)
                slugs.append(slug)
    finally:
        for slug in slugs:
            drop(slug)
    print(f"tenant create, {ROUNDS} rounds each")
    print(f"  clone of _template   median {statistics.median(cloned):.3f} s   max {max(cloned):.3f} s")
    print(f"  run all migrations   median {statistics.median(migrated):.3f} s   max {max(migrated):.3f} s  (baseline)")
    print(f"  speed-up {statistics.median(migrated) / statistics.median(cloned):.1f}x; "
          f"goal < {GOAL_S:.1f} s: {'met' if max(cloned) < GOAL_S else 'NOT met'}")


if __name__ == "__main__":
    main()
