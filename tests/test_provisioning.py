"""Tenant provisioning: the template clone, the command, and what a new tenant starts with."""
import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from factortrace.audit.services import verify_chain
from tenants.models import Domain, Membership, Tenant

pytestmark = pytest.mark.django_db


def test_tenant_create_command_makes_a_usable_tenant(tenancy, client_for, capsys):
    call_command("tenant_create", slug="delta-foods", name="Delta Foods", country="NL",
                 owner="ceo@delta.example", password="a-long-enough-password")
    out = capsys.readouterr().out
    assert "Created Delta Foods at delta-foods.localhost (schema delta_foods)" in out
    tenant = Tenant.objects.get(slug="delta-foods")
    assert Domain.objects.get(tenant=tenant).domain == "delta-foods.localhost"
    owner = Membership.objects.get(tenant=tenant)
    assert owner.role == "owner" and owner.user.email == "ceo@delta.example"
    with schema_context("delta_foods"):
        # Cloned with the append-only guard and a first audit entry.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = 'delta_foods' AND t.tgname LIKE 'audit_%%'")
            assert cursor.fetchone()[0] == 2
        assert verify_chain().ok
    connection.set_schema_to_public()
    # The clone carries the template's migration records: nothing is left to apply.
    from django.db.migrations.executor import MigrationExecutor

    with schema_context("delta_foods"):
        executor = MigrationExecutor(connection)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    connection.set_schema_to_public()
    response = client_for(owner.user, tenant).get("/")
    assert response.status_code == 200 and b"Delta Foods" in response.content


def test_tenant_create_command_reports_bad_input(tenancy):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="country"):
        call_command("tenant_create", slug="epsilon", name="Epsilon", country="XX", owner="e@epsilon.example")
    with pytest.raises(CommandError, match="LEI"):
        call_command("tenant_create", slug="epsilon", name="Epsilon", country="DE", lei="12345",
                     owner="e@epsilon.example")
    assert not Tenant.objects.filter(slug="epsilon").exists()
