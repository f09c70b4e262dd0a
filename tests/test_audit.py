"""The audit trail: hash chain, append-only guard, tamper detection, the log page and export."""
import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from factortrace.audit.models import AuditEntry
from factortrace.audit.services import GENESIS_HASH, audit_log, compute_hash, entry_payload, verify_chain

pytestmark = pytest.mark.django_db


def _write_entries(tenant, in_tenant, actor, n=3):
    with in_tenant(tenant), transaction.atomic():
        for i in range(n):
            audit_log(action="test.thing.updated", actor=actor, object_type="test.thing", object_id=str(i),
                      object_repr=f"Thing {i}", before={"value": i}, after={"value": i + 1})


def test_entries_chain_from_genesis_and_verify(tenant_a, people, in_tenant):
    _write_entries(tenant_a, in_tenant, people["officer"])
    with in_tenant(tenant_a):
        entries = list(AuditEntry.objects.order_by("sequence"))
        assert entries[0].prev_hash == GENESIS_HASH
        for previous, entry in zip(entries, entries[1:], strict=False):
            assert entry.prev_hash == previous.hash
            assert entry.sequence == previous.sequence + 1
        last = entries[-1]
        assert last.hash == compute_hash(last.prev_hash, entry_payload(last))
        assert last.actor_email == "officer@alpha.example"
        assert verify_chain().ok


def test_audit_log_refuses_to_run_outside_a_transaction(tenant_a, in_tenant):
    with in_tenant(tenant_a):
        # pytest-django wraps the test in a transaction; leave it for a moment to prove the guard.
        connection.in_atomic_block_backup = connection.in_atomic_block
        connection.in_atomic_block = False
        try:
            with pytest.raises(RuntimeError, match="inside transaction.atomic"):
                audit_log(action="test.x", object_type="t")
        finally:
            connection.in_atomic_block = connection.in_atomic_block_backup


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditentry SET action = 'forged'",
    "DELETE FROM audit_auditentry",
    "TRUNCATE audit_auditentry",
])
def test_the_database_refuses_to_change_history(statement, tenant_a, people, in_tenant):
    _write_entries(tenant_a, in_tenant, people["owner"], n=1)
    with (in_tenant(tenant_a), pytest.raises(DatabaseError, match="append-only"), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute(statement)


def test_tampering_is_found_and_the_first_broken_entry_named(tenant_a, people, in_tenant, capsys):
    _write_entries(tenant_a, in_tenant, people["owner"], n=4)
    with in_tenant(tenant_a):
        victim = AuditEntry.objects.order_by("sequence")[2]
        with connection.cursor() as cursor:
            # What an attacker with table-owner rights would have to do.
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
            cursor.execute("UPDATE audit_auditentry SET after = '{\"value\": 999}' WHERE id = %s", [victim.pk])
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only")
        result = verify_chain()
        assert not result.ok and result.first_broken == victim.sequence
    connection.set_schema_to_public()
    with pytest.raises(CommandError, match="alpha"):
        call_command("audit_verify", tenant="alpha")
    out = capsys.readouterr().out
    assert f"alpha: BROKEN at entry #{victim.sequence} (content does not match its hash)" in out


def test_audit_verify_passes_on_an_intact_chain(tenant_a, people, in_tenant, capsys):
    _write_entries(tenant_a, in_tenant, people["owner"], n=2)
    connection.set_schema_to_public()
    call_command("audit_verify", tenant="alpha")
    assert "alpha: OK" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No tenant"):
        call_command("audit_verify", tenant="nope")


def test_audit_page_filters_and_exports_csv(tenant_a, people, in_tenant, client_for):
    _write_entries(tenant_a, in_tenant, people["officer"], n=3)
    with in_tenant(tenant_a), transaction.atomic():
        audit_log(action="inventory.activity.updated", actor=people["owner"], object_type="inventory.activityrecord",
                  object_id="42", object_repr="=HYPERLINK(\"http://evil\")", after={"quantity": "1.5"})
    auditor = client_for(people["auditor"], tenant_a)
    page = auditor.get("/audit/", {"action": "inventory."})
    assert page.status_code == 200
    assert b"inventory.activity.updated" in page.content and b"test.thing.updated" not in page.content
    by_actor = auditor.get("/audit/", {"actor": "officer@"})
    assert b"test.thing.updated" in by_actor.content and b"inventory.activity.updated" not in by_actor.content

    export = auditor.get("/audit/export.csv", {"object": "42"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["object"].startswith("'="), "formula injection neutralised"
    assert rows[0]["changed_fields"] == "quantity"
    assert len(rows[0]["hash"]) == 64


def test_an_audit_export_is_itself_audited(tenant_a, people, in_tenant, client_for):
    _write_entries(tenant_a, in_tenant, people["officer"], n=2)
    export = client_for(people["auditor"], tenant_a).get("/audit/export.csv", {"action": "test."})
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    with in_tenant(tenant_a):
        entry = AuditEntry.objects.get(action="audit.log.exported")
        assert entry.actor_id == people["auditor"].pk and entry.request_id
        assert entry.after == {"filters": {"action": ["test."]}, "rows": len(rows),
                               "last_sequence": int(rows[-1]["sequence"])}
        assert verify_chain().ok


def test_officers_and_accountants_do_not_see_the_audit_log(tenant_a, people, client_for):
    for role in ("officer", "accountant"):
        assert client_for(people[role], tenant_a).get("/audit/").status_code == 403
