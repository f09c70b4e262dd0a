"""Test data for the public schema: people, tenants, memberships and invitations.

Every factory that has a service behind it creates through that service (``_create``), so a
factory can only make rows the application could have made: a tenant is cloned from the
``_template`` schema with its domain, audit trail and owner; a membership and an invitation
leave their audit entries in the tenant's trail. ``build()`` gives unsaved instances.

    owner = UserFactory(email="owner@acme.example")
    acme = TenantFactory(slug="acme", owner=owner)          # ~0.35 s: a real schema, cloned
    officer = MembershipFactory(tenant=acme, role=Role.OFFICER).user
    invitation = InvitationFactory(tenant=acme, invited_by=owner, role=Role.AUDITOR)
    client.post(invitation.accept_path)

The session tenants (alpha, beta and their people, root ``conftest.py``) are made with these
factories too; ask for them (``tenant_a``, ``people``) before making a new tenant.
"""
from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection

from factortrace.core.roles import Role
from tenants import services
from tenants.models import Domain, Invitation, Membership, Plan, Tenant

PASSWORD = "correct-horse-battery-staple"  # every factory-made person's password


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified primary e-mail address and the password :data:`PASSWORD`."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@people.example")
    full_name = factory.LazyAttribute(lambda user: user.email.split("@")[0].title())
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, password=PASSWORD, **kwargs):
        return model_class.objects.create_user(*args, password=password, **kwargs)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """``UserFactory(verified=False)`` leaves the address unconfirmed (as right after sign-up)."""
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=extracted is not False, primary=True)


def plan(code: str) -> Plan:
    """One of the plans ``plans_ensure`` keeps (free, team, enterprise)."""
    return Plan.objects.get(code=code)


class TenantFactory(factory.django.DjangoModelFactory):
    """A company, provisioned by ``tenants.services.tenant_create``: its schema cloned from the
    template (migrations included), its primary domain ``<slug>.<BASE_DOMAIN>`` and, when
    ``owner`` is given, the owner's membership."""

    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    country = "DE"
    legal_name = ""
    lei = ""
    eori = ""
    owner = None
    plan = None  # the service's default: the free plan
    is_demo = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.tenant_create(**kwargs)


class DomainFactory(factory.django.DjangoModelFactory):
    """A further (non-primary) host name of a tenant; the primary one comes with the tenant."""

    class Meta:
        model = Domain

    tenant = factory.SubFactory(TenantFactory)
    domain = factory.Sequence(lambda n: f"alias-{n}.localhost")
    is_primary = False


def owner_of(tenant: Tenant | None):
    """The tenant's first owner (the actor factories write as when none is given), or None."""
    if tenant is None or tenant.schema_name == "public":
        return None
    membership = (Membership.objects.select_related("user").filter(tenant=tenant, role=Role.OWNER)
                  .order_by("created", "pk").first())
    return membership.user if membership else None


def current_owner():
    """The owner of the tenant whose schema the connection is in (inside ``tenant_context``)."""
    return owner_of(getattr(connection, "tenant", None))


class MembershipFactory(factory.django.DjangoModelFactory):
    """A person in a tenant with a role, added by ``membership_add`` (audited in the tenant's
    trail, by ``actor``: the tenant's owner unless given)."""

    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OFFICER
    actor = factory.LazyAttribute(lambda membership: owner_of(membership.tenant))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.membership_add(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, actor=None, **kwargs):
        return model_class(*args, invited_by=actor, **kwargs)


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation sent through ``invitation_create`` by ``invited_by`` (who must be a
    member allowed to grant ``role``; the tenant's owner unless given). The e-mailed token is
    only in the link, so the factory keeps it on the instance: ``invitation.token`` and
    ``invitation.accept_path`` (``/invitations/<token>/`` on the public host)."""

    class Meta:
        model = Invitation

    tenant = factory.SubFactory(TenantFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@people.example")
    role = Role.OFFICER
    invited_by = factory.LazyAttribute(lambda invitation: owner_of(invitation.tenant))

    @classmethod
    def _create(cls, model_class, *args, tenant, email, role, invited_by, **kwargs):
        tokens = []
        invitation = services.invitation_create(
            tenant=tenant, email=email, role=role, actor=invited_by,
            actor_membership=Membership.objects.filter(tenant=tenant, user=invited_by).first(),
            accept_url_builder=lambda token: tokens.append(token) or f"/invitations/{token}/", **kwargs)
        invitation.token = tokens[0]
        invitation.accept_path = f"/invitations/{tokens[0]}/"
        return invitation


class ServiceFactory(factory.django.DjangoModelFactory):
    """Base of the factories of tenant records written by a service: ``_create`` hands an unsaved
    instance to the service as ``actor`` (the current tenant's owner unless given), so the row
    is validated, calculated and audited exactly as a person's entry would be. Subclasses name
    further service-only arguments in ``_service_arguments``; ``build()`` drops them."""

    class Meta:
        abstract = True

    _service_arguments: tuple[str, ...] = ()

    actor = factory.LazyFunction(current_owner)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        for name in ("actor", *cls._service_arguments):
            kwargs.pop(name, None)
        return model_class(*args, **kwargs)
