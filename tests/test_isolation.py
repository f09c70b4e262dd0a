"""A record created in tenant A is invisible from tenant B: ORM, HTML views and the admin."""
import pytest

from factortrace.api.keys import api_key_create
from factortrace.api.models import ApiKey
from factortrace.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_in_a(tenant_a, people, in_tenant):
    with in_tenant(tenant_a):
        key, _ = api_key_create(user=people["owner"], name="Alpha ERP connector")
    return key


def test_orm_in_tenant_b_does_not_see_tenant_a_rows(key_in_a, tenant_a, tenant_b, in_tenant):
    with in_tenant(tenant_a):
        assert ApiKey.objects.filter(name="Alpha ERP connector").count() == 1
        assert AuditEntry.objects.filter(action="api.key.created").exists()
    with in_tenant(tenant_b):
        assert ApiKey.objects.filter(name="Alpha ERP connector").count() == 0
        assert not AuditEntry.objects.filter(object_repr__contains="Alpha ERP").exists()


def test_admin_of_b_lists_only_b(key_in_a, tenant_a, tenant_b, people, owner_b, client_for):
    on_a = client_for(people["owner"], tenant_a)
    assert b"Alpha ERP connector" in on_a.get("/admin/api/apikey/").content
    on_b = client_for(owner_b, tenant_b)
    page = on_b.get("/admin/api/apikey/")
    assert page.status_code == 200 and b"Alpha ERP connector" not in page.content
    members = on_b.get("/admin/tenants/membership/").content
    assert b"owner@beta.example" in members
    assert b"alpha.example" not in members, "never other tenants' people"
    # Alpha's key id typed into Beta's admin shows no Alpha key (ids are per schema: the same
    # number may be one of Beta's own keys, never Alpha's).
    response = on_b.get(f"/admin/api/apikey/{key_in_a.pk}/change/", follow=True)
    assert b"Alpha ERP connector" not in response.content and key_in_a.prefix.encode() not in response.content


def test_html_views_of_b_do_not_show_a(tenant_a, tenant_b, people, owner_b, client_for):
    assert b"officer@alpha.example" in client_for(people["owner"], tenant_a).get("/members/").content
    page = client_for(owner_b, tenant_b).get("/members/")
    assert page.status_code == 200 and b"alpha.example" not in page.content


def test_a_membership_id_of_a_cannot_be_changed_from_b(tenant_a, people, owner_b, client_for):
    from tenants.models import Membership

    target = Membership.objects.get(tenant=tenant_a, user=people["officer"])
    client = client_for(owner_b, owner_b.memberships.get().tenant)
    assert client.post(f"/members/{target.pk}/role/", {"role": "auditor"}).status_code == 404
    assert client.post(f"/members/{target.pk}/remove/").status_code == 404
    target.refresh_from_db()
    assert target.role == "officer"


def test_tenant_admin_is_for_owners_and_admins(tenant_a, people, client_for):
    assert client_for(people["owner"], tenant_a).get("/admin/").status_code == 200
    assert client_for(people["admin"], tenant_a).get("/admin/audit/auditentry/").status_code == 200
    for role in ("officer", "accountant", "auditor"):
        assert client_for(people[role], tenant_a).get("/admin/").status_code == 403
