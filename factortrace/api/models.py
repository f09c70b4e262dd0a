"""API keys (tenant schema): bound to one tenant by living in its schema, and to one user."""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from factortrace.core.models import user_ref


class ApiKey(models.Model):
    """Only ``prefix`` (to find the row) and the SHA-256 of the whole key are stored; the key is
    shown once at creation. A key acts with its user's *current* role in this tenant, so taking
    the membership away disables the key too."""

    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    user = user_ref()
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} (ft_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
