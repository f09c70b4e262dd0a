"""The global user: one person, one account, any number of tenant memberships."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Signs in with e-mail. ``is_staff``/``is_superuser`` mean *platform operator* (public admin);
    rights inside a tenant come only from a :class:`tenants.models.Membership`."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Platform operator: may use the public admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else self.email.split("@")[0])


class SecurityEvent(models.Model):
    """One entry of a person's security log (public schema): sign-ins and their failures,
    lockouts, second-factor changes, password and e-mail changes, organisation switches.

    Shown to the person (``/accounts/security/`` on every host) and, read-only, to platform
    staff in the public admin. A failed sign-in for an address no account has is stored too
    (``user`` empty, staff only), so both cases do the same work (see ``accounts.security``)."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGNED_OUT = "signed_out", "Signed out"
        SIGNIN_FAILED = "signin_failed", "Sign-in failed (wrong e-mail or password)"
        LOCKED_OUT = "locked_out", "Sign-in refused: too many failed attempts"
        MFA_FAILED = "mfa_failed", "Sign-in failed (wrong two-factor code)"
        TOTP_ENABLED = "totp_enabled", "Authenticator app (TOTP) turned on"
        TOTP_DISABLED = "totp_disabled", "Authenticator app (TOTP) turned off"
        RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
        RECOVERY_CODES_RENEWED = "recovery_codes_renewed", "Recovery codes regenerated"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_SET = "password_set", "Password set"
        PASSWORD_RESET = "password_reset", "Password reset by e-mail link"
        EMAIL_CHANGED = "email_changed", "Primary e-mail address changed"
        EMAIL_ADDED = "email_added", "E-mail address added"
        EMAIL_REMOVED = "email_removed", "E-mail address removed"
        ORGANISATION_SWITCHED = "organisation_switched", "Switched organisation"

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="security_events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    email = models.CharField(max_length=254, blank=True, help_text="The address signed in with, or the account's.")
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    host = models.CharField(max_length=255, blank=True, help_text="The host the request came to.")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="security_event_user_time"),
                   models.Index(fields=["-created_at"], name="security_event_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.email or '?'} ({self.created_at:%Y-%m-%d %H:%M})"
