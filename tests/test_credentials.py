"""Credential lifecycle (issue 9, item 2): invitations outlive neither their inviter's membership
nor their right to grant the role; API keys end with the membership, may expire and may be
read-only; a new key is never cached."""
from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from conftest import PASSWORD
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
