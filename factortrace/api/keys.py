"""Creating, revoking and checking API keys. Keys look like ``ft_<prefix>_<secret>``."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from factortrace.audit.services import audit_log, snapshot

from .models import ApiKey

_HEADER_SCHEMES = ("api-key", "bearer")


def _hash(key: str) -> str:
    # The key carries 240 bits of randomness: a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(*, user, name: str, read_only: bool = False, expires_at=None) -> tuple[ApiKey, str]:
    """Return the stored key and the plaintext, which is never kept."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValueError("An API key's expiry must be in the future")
    prefix = secrets.token_hex(4)
    plaintext = f"ft_{prefix}_{secrets.token_urlsafe(30)}"
    with transaction.atomic():
        key = ApiKey.objects.create(name=name.strip()[:80] or "API key", prefix=prefix,
                                    key_hash=_hash(plaintext), user=user, read_only=read_only,
                                    expires_at=expires_at)
        audit_log(action="api.key.created", actor=user, obj=key, after=snapshot(key, exclude=["key_hash"]))
    return key, plaintext


def api_key_revoke(*, key: ApiKey, actor, reason: str = "") -> ApiKey:
    with transaction.atomic():
        before = snapshot(key, exclude=["key_hash"])
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        after = snapshot(key, exclude=["key_hash"])
        if reason:
            after["reason"] = reason
        audit_log(action="api.key.revoked", actor=actor, obj=key, before=before, after=after)
    return key


def revoke_keys_of_ended_membership(sender, instance, **kwargs) -> None:
    """post_delete of a Membership: revoke the member's keys in that tenant's schema, so adding
    the person again later never brings them back. ``instance.removed_by`` (set by
    ``tenants.services.membership_remove``) is the actor; other deletions record none."""
    from django_tenants.utils import schema_context  # noqa: PLC0415

    actor = getattr(instance, "removed_by", None)
    with schema_context(instance.tenant.schema_name):
        for key in ApiKey.objects.filter(user_id=instance.user_id, revoked_at__isnull=True):
            api_key_revoke(key=key, actor=actor, reason="membership ended")


def parse_header(value: str) -> str | None:
    scheme, _, credential = value.partition(" ")
    if scheme.lower() in _HEADER_SCHEMES and credential.strip().startswith("ft_"):
        return credential.strip()
    return None


def authenticate_key(plaintext: str) -> ApiKey | None:
    """The active key in the *current schema* matching ``plaintext``, else None."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != "ft":
        return None
    now = timezone.now()
    key = (ApiKey.objects.select_related("user").filter(prefix=parts[1], revoked_at__isnull=True)
           .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)).first())
    if key is None or not hmac.compare_digest(key.key_hash, _hash(plaintext)) or not key.user.is_active:
        return None
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def authenticate_request(request) -> ApiKey | None | bool:
    """None: no API-key header; False: a key was sent but is not valid here; else the key."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    plaintext = parse_header(header)
    if plaintext is None:
        return False
    return authenticate_key(plaintext) or False
