"""Tenant provisioning, memberships, invitations and the tenant-switch hop.

Writes to the public schema (tenants, memberships) are audited in the *tenant's* trail, so a
tenant's auditors see who joined, left or changed role.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from factortrace.audit.services import audit_log, ensure_append_only
from factortrace.core.roles import GRANTABLE_BY, Role

from .models import Domain, Invitation, Membership, Plan, Tenant

TEMPLATE_SCHEMA = settings.TENANT_BASE_SCHEMA


# ---------------------------------------------------------------- provisioning
def tenant_domain(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def tenant_url(tenant: Tenant, path: str = "/", request=None) -> str:
    """Absolute URL on the tenant's host, keeping the scheme and port of ``request``."""
    scheme = "https" if request is not None and request.is_secure() else "http"
    port = ""
    if request is not None:
        host = request.get_host()
        if ":" in host:
            port = ":" + host.rsplit(":", 1)[1]
    domain = tenant.get_primary_domain()
    return f"{scheme}://{domain.domain if domain else tenant_domain(tenant.slug)}{port}{path}"


def template_schema_ensure() -> None:
    """Create and migrate the schema new tenants are cloned from (idempotent)."""
    from django.core.management import call_command  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{TEMPLATE_SCHEMA}"')
    call_command("migrate_schemas", tenant=True, schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=0)
    connection.set_schema_to_public()


def tenant_create(*, name: str, slug: str, country: str, legal_name: str = "", lei: str = "", eori: str = "",
                  owner=None, plan: Plan | None = None, is_demo: bool = False) -> Tenant:
    """Validate, clone the template schema, add the domain and the owner's membership.

    Takes well under a second: the schema is a copy of ``_template`` with its migrations faked,
    not a fresh run of every migration.
    """
    tenant = Tenant(name=name.strip(), slug=slug.strip().lower(), country=country.strip().upper(),
                    legal_name=legal_name.strip(), lei=lei.strip().upper(), eori=eori.strip().upper(),
                    plan=plan or Plan.objects.filter(code="free").first(), is_demo=is_demo)
    tenant.schema_name = Tenant.schema_for_slug(tenant.slug)
    tenant.full_clean()
    if schema_exists(tenant.schema_name):
        raise ValidationError({"slug": f"The address {tenant.slug} is taken."})
    if not schema_exists(TEMPLATE_SCHEMA):
        template_schema_ensure()
    with transaction.atomic():
        tenant.save(verbosity=0)  # auto_create_schema: clones the template
        Domain.objects.create(domain=tenant_domain(tenant.slug), tenant=tenant, is_primary=True)
        with schema_context(tenant.schema_name):
            ensure_append_only()
            audit_log(action="tenants.tenant.created", actor=owner, obj=tenant,
                      after={"name": tenant.name, "slug": tenant.slug, "country": tenant.country})
        if owner is not None:
            membership_add(tenant=tenant, user=owner, role=Role.OWNER, actor=owner)
    return tenant


# ---------------------------------------------------------------- memberships
def _audit_membership(tenant: Tenant, verb: str, membership: Membership, actor, before=None) -> None:
    after = None if verb == "removed" else {"user": membership.user.email, "role": membership.role}
    with schema_context(tenant.schema_name):
        audit_log(action=f"tenants.membership.{verb}", actor=actor, object_type="tenants.membership",
                  object_id=str(membership.pk), object_repr=f"{membership.user.email} ({membership.role})",
                  before=before, after=after)


def membership_add(*, tenant: Tenant, user, role: str, actor=None) -> Membership:
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            tenant=tenant, user=user, defaults={"role": role, "invited_by": actor})
        if created:
            _audit_membership(tenant, "added", membership, actor)
        elif membership.role != role:
            membership = membership_set_role(membership=membership, role=role, actor=actor)
    return membership


def _owners_left(tenant: Tenant, excluding: Membership) -> int:
    return Membership.objects.filter(tenant=tenant, role=Role.OWNER).exclude(pk=excluding.pk).count()


def _check_grant(actor_membership: Membership | None, role: str) -> None:
    if actor_membership is None or role not in GRANTABLE_BY.get(actor_membership.role, []):
        raise PermissionDenied("You may not grant that role.")


def membership_set_role(*, membership: Membership, role: str, actor=None,
                        actor_membership: Membership | None = None) -> Membership:
    if actor_membership is not None:
        _check_grant(actor_membership, role)
        _check_grant(actor_membership, membership.role)
    if membership.role == Role.OWNER and role != Role.OWNER and _owners_left(membership.tenant, membership) == 0:
        raise ValidationError("A tenant keeps at least one owner.")
    with transaction.atomic():
        before = {"user": membership.user.email, "role": membership.role}
        membership.role = role
        membership.save(update_fields=["role"])
        _audit_membership(membership.tenant, "role_changed", membership, actor, before=before)
        invitations_revoke_ungrantable(tenant=membership.tenant, inviter=membership.user, actor=actor,
                                       reason="the inviter's role changed")
    return membership


def membership_remove(*, membership: Membership, actor=None, actor_membership: Membership | None = None) -> None:
    if actor_membership is not None and membership.pk != actor_membership.pk:
        _check_grant(actor_membership, membership.role)
    if membership.role == Role.OWNER and _owners_left(membership.tenant, membership) == 0:
        raise ValidationError("A tenant keeps at least one owner.")
    with transaction.atomic():
        before = {"user": membership.user.email, "role": membership.role}
        _audit_membership(membership.tenant, "removed", membership, actor, before=before)
        # Receivers of post_delete (API keys of this member) record who ended the membership.
        membership.removed_by = actor
        membership.delete()
        invitations_revoke_ungrantable(tenant=membership.tenant, inviter=membership.user, actor=actor,
                                       reason="the inviter left the organisation")


# ---------------------------------------------------------------- invitations
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(*, tenant: Tenant, email: str, role: str, actor, actor_membership: Membership,
                      accept_url_builder) -> Invitation:
    """Invite ``email`` with ``role``; e-mail a link to the public host. Returns the invitation.

    ``accept_url_builder(token)`` returns the absolute accept URL (views know host and scheme).
    """
    _check_grant(actor_membership, role)
    email = email.strip().lower()
    if Membership.objects.filter(tenant=tenant, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member."})
    plan = tenant.plan
    if plan and Membership.objects.filter(tenant=tenant).count() >= plan.max_members:
        raise ValidationError(f"Your plan ({plan.name}) allows {plan.max_members} members.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.filter(tenant=tenant, email__iexact=email, accepted_at__isnull=True,
                                  revoked_at__isnull=True).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            tenant=tenant, email=email, role=role, token_hash=_token_hash(token), invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS))
        with schema_context(tenant.schema_name):
            audit_log(action="tenants.invitation.created", actor=actor, object_type="tenants.invitation",
                      object_id=str(invitation.pk), object_repr=email, after={"email": email, "role": role})
        url = accept_url_builder(token)
        context = {"invitation": invitation, "url": url, "inviter": actor}
        transaction.on_commit(lambda: send_mail(
            subject=f"You are invited to {tenant.name} on FactorTrace",
            message=render_to_string("tenants/email/invitation.txt", context),
            from_email=None, recipient_list=[email]))
    return invitation


def invitation_by_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("tenant").filter(token_hash=_token_hash(token)).first()


def _inviter_may_grant(invitation: Invitation) -> bool:
    """Whether the invitation's sender, today, is an active member who may grant its role.
    Locks the sender's membership row until commit, so a concurrent removal waits for us."""
    inviter = invitation.invited_by
    if inviter is None or not inviter.is_active:
        return False
    membership = Membership.objects.select_for_update().filter(tenant_id=invitation.tenant_id, user=inviter).first()
    return membership is not None and invitation.role in GRANTABLE_BY.get(membership.role, [])


def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """The invitee (signed in with the invited address, verified) joins with the invited role —
    if the person who sent the invitation may still grant that role (else it is revoked)."""
    if not invitation.is_open:
        raise ValidationError(f"This invitation is {invitation.status}.")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(f"This invitation is for {invitation.email}; you are signed in as {user.email}.")
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open:
            raise ValidationError(f"This invitation is {locked.status}.")
        if _inviter_may_grant(locked):
            membership = membership_add(tenant=invitation.tenant, user=user, role=invitation.role,
                                        actor=invitation.invited_by)
            locked.accepted_at = timezone.now()
            locked.accepted_by = user
            locked.save(update_fields=["accepted_at", "accepted_by"])
            return membership
    invitation_revoke(invitation=locked, actor=None, reason="the inviter may no longer grant this role")
    raise ValidationError(f"This invitation is no longer valid: the person who sent it may no longer grant this "
                          f"role. Ask an owner or admin of {invitation.tenant.name} for a new invitation.")


def invitation_revoke(*, invitation: Invitation, actor, reason: str = "") -> None:
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        with schema_context(invitation.tenant.schema_name):
            audit_log(action="tenants.invitation.revoked", actor=actor, object_type="tenants.invitation",
                      object_id=str(invitation.pk), object_repr=invitation.email,
                      after={"reason": reason} if reason else None)


def invitations_revoke_ungrantable(*, tenant: Tenant, inviter, actor=None, reason: str) -> int:
    """Revoke ``inviter``'s open invitations to ``tenant`` whose role they may no longer grant
    (all of them once they are no longer a member). Returns how many were revoked."""
    membership = Membership.objects.filter(tenant=tenant, user=inviter).first()
    grantable = GRANTABLE_BY.get(membership.role, []) if membership is not None and inviter.is_active else []
    stale = Invitation.objects.filter(tenant=tenant, invited_by=inviter, accepted_at__isnull=True,
                                      revoked_at__isnull=True).exclude(role__in=grantable)
    count = 0
    for invitation in stale.select_related("tenant"):
        invitation_revoke(invitation=invitation, actor=actor, reason=reason)
        count += 1
    return count


# ---------------------------------------------------------------- switching tenants
# Sessions are per host on purpose; switching hands the session over with a signed, single-use,
# 60-second token bound to the user, the target tenant and the user's password hash.
HOP_SALT = "factortrace.tenants.hop"
HOP_MAX_AGE = 60


def hop_token_create(*, user, tenant: Tenant) -> str:
    if not Membership.objects.filter(user=user, tenant=tenant).exists():
        raise PermissionDenied("Not a member")
    payload = {"u": user.pk, "t": tenant.schema_name, "n": secrets.token_urlsafe(12),
               "h": user.get_session_auth_hash()[:16]}
    return signing.dumps(payload, salt=HOP_SALT)


def hop_url(*, user, tenant: Tenant, request) -> str:
    """Absolute URL on ``tenant``'s host that signs ``user`` in there (works from any host)."""
    from django.urls import reverse  # noqa: PLC0415

    token = hop_token_create(user=user, tenant=tenant)
    return tenant_url(tenant, f"{reverse('hop', urlconf=settings.ROOT_URLCONF)}?token={token}", request)


def _hop_user(token: str, tenant: Tenant):
    """(user, nonce) a valid token names for ``tenant``, or (None, None); does not use it up."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    try:
        payload = signing.loads(token, salt=HOP_SALT, max_age=HOP_MAX_AGE)
    except signing.BadSignature:
        return None, None
    if payload.get("t") != tenant.schema_name:
        return None, None
    user = get_user_model().objects.filter(pk=payload.get("u"), is_active=True).first()
    if user is None or user.get_session_auth_hash()[:16] != payload.get("h"):
        return None, None
    if not Membership.objects.filter(user=user, tenant=tenant).exists():
        return None, None
    return user, payload["n"]


def hop_token_peek(*, token: str, tenant: Tenant):
    """The user a token would sign in, without using the token (for a confirmation page)."""
    return _hop_user(token, tenant)[0]


def hop_token_consume(*, token: str, tenant: Tenant):
    """Return the user the token signs in on ``tenant``, or None (expired, reused, wrong tenant)."""
    user, nonce = _hop_user(token, tenant)
    if user is None or not cache.add(f"hop-used:{nonce}", 1, timeout=HOP_MAX_AGE * 2):
        return None  # invalid, or already used once
    return user


# ---------------------------------------------------------------- plans
DEFAULT_PLANS = [
    {"code": "free", "name": "Community", "api_requests_per_minute": 60, "max_members": 5,
     "monthly_price_eur": 0},
    {"code": "team", "name": "Team", "api_requests_per_minute": 600, "max_members": 25,
     "monthly_price_eur": 490},
    {"code": "enterprise", "name": "Enterprise", "api_requests_per_minute": 3000, "max_members": 500,
     "monthly_price_eur": 2900},
]


def plans_ensure() -> None:
    for plan in DEFAULT_PLANS:
        Plan.objects.update_or_create(code=plan["code"], defaults=plan)
