"""Public-schema models: who the tenants are, where they live, who belongs to them."""
from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django_tenants.clone import CloneSchema
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_tenant_base_schema, schema_exists

from factortrace.core.roles import Role
from factortrace.core.validators import validate_country, validate_eori, validate_lei

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
# Host labels that would shadow the public site or look official.
RESERVED_SLUGS = frozenset({
    "www", "api", "admin", "app", "mail", "static", "media", "public", "template", "status",
    "help", "support", "docs", "billing", "stripe", "auth", "login", "signup", "test",
})


def validate_slug(value: str) -> None:
    if not SLUG_RE.match(value or ""):
        raise ValidationError(
            "Use 3–40 lower-case letters, digits and hyphens, starting with a letter "
            "(it becomes your address: <slug>.%(base)s).", params={"base": settings.BASE_DOMAIN},
            code="invalid_slug",
        )
    if value in RESERVED_SLUGS or "--" in value:
        raise ValidationError("%(value)s is reserved; choose another.", params={"value": value},
                              code="reserved_slug")


class Plan(models.Model):
    """A commercial tier; limits are read by the API throttle and membership checks."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    api_requests_per_minute = models.PositiveIntegerField(default=60)
    max_members = models.PositiveIntegerField(default=5)
    monthly_price_eur = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    stripe_price_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["monthly_price_eur"]

    def __str__(self) -> str:
        return self.name


class Tenant(TenantMixin):
    """One company; its data lives in the PostgreSQL schema ``schema_name``."""

    name = models.CharField(max_length=120)
    slug = models.CharField(max_length=40, unique=True, validators=[validate_slug],
                            error_messages={"unique": "This address is taken; choose another."})
    legal_name = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, validators=[validate_country],
                               help_text="Country of registration (ISO 3166-1 alpha-2).")
    lei = models.CharField("LEI", max_length=20, blank=True, validators=[validate_lei],
                           help_text="Legal Entity Identifier (ISO 17442); used as entity id in iXBRL.")
    eori = models.CharField("EORI", max_length=17, blank=True, validators=[validate_eori],
                            help_text="Economic Operators Registration and Identification number (CBAM, EUDR).")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="tenants")
    is_demo = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    auto_create_schema = True
    auto_drop_schema = False  # dropping a company's data is a deliberate operator action

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Clone the migrated ``_template`` schema, data included — its ``django_migrations`` rows
        say exactly which migrations the copy has, so replaying them as fakes (what django-tenants
        does after a clone, ~0.3 s) adds nothing. Without a template, django-tenants migrates."""
        base = get_tenant_base_schema()
        if not (sync_schema and base and schema_exists(base)):
            return super().create_schema(check_if_exists=check_if_exists, sync_schema=sync_schema,
                                         verbosity=verbosity)
        if check_if_exists and schema_exists(self.schema_name):
            return False
        CloneSchema().clone_schema(base, self.schema_name, self.clone_mode)
        connection.set_schema_to_public()
        return True

    @staticmethod
    def schema_for_slug(slug: str) -> str:
        return slug.replace("-", "_")

    @property
    def display_legal_name(self) -> str:
        return self.legal_name or self.name


class Domain(DomainMixin):
    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tenant"], name="one_membership_per_tenant")]
        ordering = ["tenant__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.tenant}"


class Invitation(models.Model):
    """An e-mailed offer to join a tenant with a role. Only the token's hash is stored."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.email} → {self.tenant} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
