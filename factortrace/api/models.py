"""API keys (tenant schema): bound to one tenant by living in its schema, and to one user."""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from factortrace.core.models import user_ref


class ApiKey(models.Model):
    """Only ``prefix`` (to find the row) and the SHA-256 of the whole key are stored; the key is
    shown once at creation. A key acts with its user's *current* role in this tenant; it is
    revoked when the membership ends and never works for a later membership of the same person.
    ``read_only`` keys may only read (GET, HEAD, OPTIONS); ``expires_at`` is optional."""

    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    user = user_ref()
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(default=False, help_text="Only reads (GET, HEAD, OPTIONS); writes get 403.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Stops working at this time (optional).")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} (ft_{self.prefix}_…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def status(self) -> str:
        return "revoked" if self.revoked_at else "expired" if self.is_expired else "active"

    @property
    def scope(self) -> str:
        return "read-only" if self.read_only else "read and write"
