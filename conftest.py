"""Project-wide pytest fixtures.

Tenant schemas are created once per session (cloned from the template schema), with one
member per role in tenant A and an owner in tenant B. Tests that talk HTTP use
``client_for(user, tenant)``; ORM work on tenant data goes inside ``tenant_context``.

Pure calculation tests need no fixture and never touch the database.
"""
from __future__ import annotations

import pytest

from tenants.tests.factories import PASSWORD  # noqa: F401 — tests import it from here; Django is set up first


def pytest_collection_modifyitems(items):
    # pytest-django creates the test database only if a collected test is marked for it; a run of
    # only live-server tests would otherwise write fixtures into the development database.
    for item in items:
        if "tenancy" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="session")
def tenancy(django_db_setup, django_db_blocker):
    """Public tenant, template schema, tenants A (alpha) and B (beta) and their people, made with
    the factories (``tenants/tests/factories.py``) through the provisioning services."""
    from django.core.cache import cache
    from django.db import connection

    from factortrace.core.roles import Role
    from factortrace.portal.management.commands.platform_setup import public_tenant_ensure
    from tenants.models import Tenant
    from tenants.services import plans_ensure, template_schema_ensure
    from tenants.tests.factories import MembershipFactory, TenantFactory, UserFactory, plan

    assert connection.settings_dict["NAME"].startswith("test_"), "test data goes only into a test database"
    with django_db_blocker.unblock():
        cache.clear()
        plans_ensure()
        public_tenant_ensure()
        template_schema_ensure()

        people = {"owner": UserFactory(email="owner@alpha.example")}
        alpha = TenantFactory(name="Alpha Industries", slug="alpha", country="DE", owner=people["owner"],
                              legal_name="Alpha Industries AG", lei="529900T8BM49AURSDO55", plan=plan("team"))
        for role in (Role.ADMIN, Role.OFFICER, Role.ACCOUNTANT, Role.AUDITOR):
            people[role.value] = MembershipFactory(tenant=alpha, role=role, user__email=f"{role.value}@alpha.example",
                                                   actor=people["owner"]).user
        owner_b = UserFactory(email="owner@beta.example")
        beta = TenantFactory(name="Beta Trading", slug="beta", country="FR", owner=owner_b)
        shared = UserFactory(email="accountant@firm.example")  # an external accountant serving both
        MembershipFactory(tenant=alpha, user=shared, role=Role.ACCOUNTANT, actor=people["owner"])
        MembershipFactory(tenant=beta, user=shared, role=Role.ACCOUNTANT, actor=owner_b)
        return {"alpha": Tenant.objects.get(pk=alpha.pk), "beta": Tenant.objects.get(pk=beta.pk),
                "people": people, "owner_b": owner_b, "shared": shared}


@pytest.fixture
def tenant_a(tenancy):
    return tenancy["alpha"]


@pytest.fixture
def tenant_b(tenancy):
    return tenancy["beta"]


@pytest.fixture
def people(tenancy):
    """Members of tenant A by role: owner, admin, officer, accountant, auditor."""
    return tenancy["people"]


@pytest.fixture
def owner_b(tenancy):
    return tenancy["owner_b"]


@pytest.fixture(autouse=True)
def _public_schema_after_test():
    """Requests switch the connection's schema; put it back so tests do not leak into each other."""
    yield
    from django.db import connection

    if hasattr(connection, "set_schema_to_public"):
        connection.set_schema_to_public()


def host_of(tenant) -> str:
    return f"{tenant.slug}.localhost"


@pytest.fixture
def client_for(db, tenancy):
    """``client_for(user, tenant)`` → a test client signed in as ``user`` on ``tenant``'s host.
    ``user=None`` gives an anonymous client; ``tenant=None`` the public host."""
    from django.test import Client

    def make(user=None, tenant=None, **extra):
        client = Client(HTTP_HOST=host_of(tenant) if tenant else "localhost", **extra)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def in_tenant():
    """``with in_tenant(tenant): ...`` — ORM work in a tenant's schema."""
    from django_tenants.utils import tenant_context

    return tenant_context


from tests.live import browser, celery_worker, demo_tenant, page, web_server  # noqa: E402,F401 — shared fixtures


@pytest.fixture(scope="session")
def factor_library(django_db_setup, django_db_blocker):
    """The whole shipped factor library, loaded once per session into the test database
    (about 15 s). Tests of regimes that calculate with real factors request it."""
    from factors.loading import load_sources

    with django_db_blocker.unblock():
        return {result.code: result for result in load_sources()}
