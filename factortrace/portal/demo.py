"""The demo tenant `make run` serves: an owner you can sign in with, colleagues in every role,
and each regime's sample data (``Regime.seed_demo``). Idempotent: a second run changes nothing."""
from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from factortrace.core.roles import Role
from regimes.base.registry import regimes
from tenants.models import Membership, Plan, Tenant
from tenants.services import membership_add, tenant_create

DEMO_PEOPLE = [
    ("officer@demo.example", "Olivia Officer", Role.OFFICER),
    ("accountant@demo.example", "Arun Accountant", Role.ACCOUNTANT),
    ("auditor@demo.example", "Aude Auditor", Role.AUDITOR),
]


def _user(email: str, full_name: str, password: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if created:
        user.set_password(password)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def demo_ensure() -> Tenant:
    owner = _user(settings.DEMO_OWNER_EMAIL, "Dana Demo", settings.DEMO_OWNER_PASSWORD)
    tenant = Tenant.objects.filter(slug=settings.DEMO_TENANT_SLUG).first()
    if tenant is None:
        tenant = tenant_create(
            name="Northwind Components", slug=settings.DEMO_TENANT_SLUG, country="DE",
            legal_name="Northwind Components GmbH", lei="529900T8BM49AURSDO55", eori="DE123456789012345",
            owner=owner, plan=Plan.objects.filter(code="team").first(), is_demo=True)
    elif not Membership.objects.filter(tenant=tenant, user=owner).exists():
        membership_add(tenant=tenant, user=owner, role=Role.OWNER)
    for email, name, role in DEMO_PEOPLE:
        user = _user(email, name, settings.DEMO_OWNER_PASSWORD)
        if not Membership.objects.filter(tenant=tenant, user=user).exists():
            membership_add(tenant=tenant, user=user, role=role, actor=owner)
    with tenant_context(tenant):
        for regime in regimes():
            if regime.seed_demo:
                regime.seed_demo(tenant, owner)
    return tenant
