"""Credential lifecycle (issue 9, item 2): invitations outlive neither their inviter's membership
nor their right to grant the role; API keys end with the membership, may expire and may be
read-only; a new key is never cached."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from conftest import PASSWORD
from factortrace.api.keys import api_key_create
from factortrace.api.models import ApiKey
from factortrace.audit.models import AuditEntry
from tenants import services
from tenants.models import Invitation, Membership

pytestmark = pytest.mark.django_db


def _invite(tenant, inviter, email, role) -> str:
    """Invite through the service as ``inviter``; returns the accept path on the public host."""
    urls = []
    services.invitation_create(tenant=tenant, email=email, role=role, actor=inviter,
                               actor_membership=Membership.objects.get(tenant=tenant, user=inviter),
                               accept_url_builder=lambda token: urls.append(f"/invitations/{token}/") or urls[-1])
    return urls[0]


def _signed_up(email):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# ---------------------------------------------------------------- invitations
def test_a_removed_admins_open_invitation_is_revoked_and_cannot_make_an_admin(tenant_a, people, client_for):
    accept = _invite(tenant_a, people["admin"], "new.admin@example.org", "admin")
    admin_membership = Membership.objects.get(tenant=tenant_a, user=people["admin"])
    client_for(people["owner"], tenant_a).post(f"/members/{admin_membership.pk}/remove/")
    assert not Membership.objects.filter(pk=admin_membership.pk).exists()

    invitation = Invitation.objects.get(email="new.admin@example.org")
    assert invitation.status == "revoked"
    with tenant_context(tenant_a):
        assert AuditEntry.objects.filter(action="tenants.invitation.revoked", object_id=str(invitation.pk)).exists()
    newcomer = _signed_up("new.admin@example.org")
    response = newcomer.post(accept, follow=True)
    assert not Membership.objects.filter(tenant=tenant_a, user__email="new.admin@example.org").exists()
    assert b"revoked" in response.content


def test_losing_the_right_to_grant_a_role_revokes_only_those_invitations(tenant_a, people, client_for):
    owner = people["owner"]
    services.membership_add(tenant=tenant_a, user=people["accountant"], role="owner", actor=owner)
    co_owner = people["accountant"]
    _invite(tenant_a, co_owner, "future.owner@example.org", "owner")
    _invite(tenant_a, co_owner, "future.officer@example.org", "officer")
    membership = Membership.objects.get(tenant=tenant_a, user=co_owner)
    client_for(owner, tenant_a).post(f"/members/{membership.pk}/role/", {"role": "admin"})
    assert Invitation.objects.get(email="future.owner@example.org").status == "revoked"  # admins make no owners
    assert Invitation.objects.get(email="future.officer@example.org").status == "open"
    client_for(owner, tenant_a).post(f"/members/{membership.pk}/role/", {"role": "officer"})
    assert Invitation.objects.get(email="future.officer@example.org").status == "revoked"  # officers invite nobody


def test_acceptance_rechecks_that_the_inviter_may_still_grant_the_role(tenant_a, people):
    accept = _invite(tenant_a, people["admin"], "late.admin@example.org", "admin")
    # The inviter's role changes behind the services' back (a script, the database): acceptance
    # still refuses, and the invitation is revoked.
    Membership.objects.filter(tenant=tenant_a, user=people["admin"]).update(role="auditor")
    newcomer = _signed_up("late.admin@example.org")
    response = newcomer.post(accept, follow=True)
    assert not Membership.objects.filter(tenant=tenant_a, user__email="late.admin@example.org").exists()
    assert b"no longer valid" in response.content
    assert Invitation.objects.get(email="late.admin@example.org").status == "revoked"


def test_an_invitation_from_a_deactivated_inviter_is_refused(tenant_a, people):
    accept = _invite(tenant_a, people["admin"], "via.inactive@example.org", "officer")
    type(people["admin"]).objects.filter(pk=people["admin"].pk).update(is_active=False)
    _signed_up("via.inactive@example.org").post(accept)
    assert not Membership.objects.filter(tenant=tenant_a, user__email="via.inactive@example.org").exists()


def test_a_valid_invitation_still_works(tenant_a, people):
    accept = _invite(tenant_a, people["admin"], "fine@example.org", "officer")
    response = _signed_up("fine@example.org").post(accept)
    assert response.status_code == 302
    assert Membership.objects.get(tenant=tenant_a, user__email="fine@example.org").role == "officer"


# ---------------------------------------------------------------- API keys
def _me(tenant, plaintext, method="get", path="/api/v1/me/"):
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    return getattr(client, method)(path, HTTP_AUTHORIZATION=f"Api-Key {plaintext}", content_type="application/json")


def test_ending_a_membership_revokes_the_keys_and_readding_does_not_revive_them(tenant_a, people, in_tenant,
                                                                               client_for):
    auditor = people["auditor"]
    with in_tenant(tenant_a):
        key, plaintext = api_key_create(user=auditor, name="auditor script")
    assert _me(tenant_a, plaintext).status_code == 200
    membership = Membership.objects.get(tenant=tenant_a, user=auditor)
    client_for(people["owner"], tenant_a).post(f"/members/{membership.pk}/remove/")
    with in_tenant(tenant_a):
        key.refresh_from_db()
        assert key.revoked_at is not None
        entry = AuditEntry.objects.get(action="api.key.revoked", object_id=str(key.pk))
        assert entry.actor_id == people["owner"].pk and entry.after["reason"] == "membership ended"
    assert _me(tenant_a, plaintext).status_code == 401

    services.membership_add(tenant=tenant_a, user=auditor, role="auditor", actor=people["owner"])
    response = _me(tenant_a, plaintext)
    assert response.status_code == 401 and response.json()["title"] == "Invalid API key"


def test_a_key_older_than_the_membership_never_works_even_if_revocation_was_missed(tenant_a, people, in_tenant):
    auditor = people["auditor"]
    with in_tenant(tenant_a):
        _, plaintext = api_key_create(user=auditor, name="missed")
    # The membership row vanishes without any Django signal (raw SQL), then the person is re-added.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM public.tenants_membership WHERE tenant_id = %s AND user_id = %s",
                       [tenant_a.pk, auditor.pk])
    services.membership_add(tenant=tenant_a, user=auditor, role="auditor", actor=people["owner"])
    assert _me(tenant_a, plaintext).status_code == 401


def test_expired_keys_are_refused(tenant_a, people, in_tenant):
    with in_tenant(tenant_a):
        _, soon = api_key_create(user=people["officer"], name="soon", expires_at=timezone.now() + timedelta(hours=1))
        past, gone = api_key_create(user=people["officer"], name="gone", expires_at=timezone.now() + timedelta(hours=1))
        ApiKey.objects.filter(pk=past.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _me(tenant_a, soon).status_code == 200
    response = _me(tenant_a, gone)
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"


def test_read_only_keys_read_and_get_403_on_every_unsafe_method(tenant_a, people, in_tenant):
    from tests.test_tenant_sweep import GATED

    with in_tenant(tenant_a):
        _, plaintext = api_key_create(user=people["owner"], name="dashboard", read_only=True)
    assert _me(tenant_a, plaintext).status_code == 200
    assert _me(tenant_a, plaintext, path="/api/v1/inventory/periods/").status_code == 200
    response = _me(tenant_a, plaintext, "post", "/api/v1/inventory/periods/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "read-only" in response.json()["detail"]
    for route in (r for r in GATED if r.is_api):
        for method in ("post", "put", "patch", "delete"):
            status = _me(tenant_a, plaintext, method, route.path).status_code
            assert status in (403, 405), f"{method.upper()} {route.path}: {status}"


def test_the_keys_page_makes_scoped_expiring_keys_and_is_never_cached(tenant_a, people, client_for, in_tenant):
    client = client_for(people["officer"], tenant_a)
    expires = (timezone.now() + timedelta(days=30)).date()
    page = client.post("/account/api-keys/",
                       {"name": "BI export", "read_only": "on", "expires_on": expires.isoformat()})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "no-store" in client.get("/account/api-keys/")["Cache-Control"]
    plaintext = re.search(rb'data-testid="new-key">(ft_[^<]+)<', page.content).group(1).decode()
    listing = client.get("/account/api-keys/").content.decode()
    assert "read-only" in listing and expires.strftime("%-d %b %Y") in listing
    me = _me(tenant_a, plaintext).json()
    assert me["key"]["read_only"] is True
    assert me["key"]["expires_at"].startswith(expires.isoformat())
    assert me["key"]["name"] == "BI export"
    # An expiry in the past is a form error.
    past = client.post("/account/api-keys/", {"name": "x", "expires_on": "2000-01-01"})
    assert past.status_code == 200 and b"in the future" in past.content
    with in_tenant(tenant_a):
        assert not ApiKey.objects.filter(name="x").exists()


def test_keys_are_revoked_when_a_member_is_removed_outside_any_request(tenant_a, people, in_tenant):
    """A platform operator or a script removes the member: no tenant request, no actor; keys still end."""
    with in_tenant(tenant_a):
        key, _ = api_key_create(user=people["accountant"], name="quiet")
    services.membership_remove(membership=Membership.objects.get(tenant=tenant_a, user=people["accountant"]),
                               actor=None)
    with in_tenant(tenant_a):
        key.refresh_from_db()
        assert key.revoked_at is not None
    assert mail.outbox == []
