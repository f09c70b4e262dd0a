"""The per-user security log: one writer, :func:`security_log`, and the receivers that feed it
from allauth's signals (``allauth.account.signals``, ``allauth.mfa.signals``), Django's sign-out
signal and the adapter's sign-in hooks (see ``adapter.py``).

Failed sign-ins never tell whether an account exists: the message is the same, the rate limit
counts the address either way, both backends hash the password either way (Django's ModelBackend
and allauth's backend each hash a dummy when there is no such user), and the log does the same
work either way — one look-up, one row (for an unknown address the row has no user and only
platform staff see it).
"""
from __future__ import annotations

import ipaddress

from .models import SecurityEvent, User

Kind = SecurityEvent.Kind


def _clean(value, limit: int) -> str:
    return str(value or "").replace("\x00", "")[:limit]


def _client_ip(request) -> str | None:
    address = (request.META.get("REMOTE_ADDR") or "") if request is not None else ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def security_log(kind: str, *, request=None, user=None, email: str = "", **detail) -> SecurityEvent:
    """Append one event to ``user``'s security log (public schema, whatever host we are on)."""
    host = ""
    if request is not None:
        try:
            host = request.get_host()
        except Exception:  # noqa: BLE001 — a disallowed host never reaches a view; be safe anyway
            host = ""
    return SecurityEvent.objects.create(
        user=user if getattr(user, "pk", None) else None, kind=kind,
        email=_clean(email or getattr(user, "email", ""), 254), ip=_client_ip(request),
        user_agent=_clean(request.headers.get("User-Agent", "") if request is not None else "", 300),
        host=_clean(host, 255), detail={key: _clean(value, 254) for key, value in detail.items()})


def signin_failed(request, login: str, *, kind: str = Kind.SIGNIN_FAILED) -> SecurityEvent:
    """A refused sign-in for ``login``; the same work whether or not an account has it."""
    login = _clean(login, 254).strip().lower()
    user = User.objects.filter(email__iexact=login).first() if login else None
    return security_log(kind, request=request, user=user, email=login)


def events_for(user):
    return SecurityEvent.objects.filter(user=user)


# ---------------------------------------------------------------- receivers
def _on(kind):
    def receiver(sender, request=None, user=None, **kwargs):
        if user is not None:
            security_log(kind, request=request, user=user)
    receiver.__name__ = f"on_{kind}"
    return receiver


on_signed_in = _on(Kind.SIGNED_IN)
on_signed_out = _on(Kind.SIGNED_OUT)
on_password_changed = _on(Kind.PASSWORD_CHANGED)
on_password_set = _on(Kind.PASSWORD_SET)
on_password_reset = _on(Kind.PASSWORD_RESET)


def on_email_changed(sender, request=None, user=None, from_email_address=None, to_email_address=None, **kwargs):
    security_log(Kind.EMAIL_CHANGED, request=request, user=user,
                 **{"from": getattr(from_email_address, "email", ""), "to": getattr(to_email_address, "email", "")})


def on_email_added(sender, request=None, user=None, email_address=None, **kwargs):
    security_log(Kind.EMAIL_ADDED, request=request, user=user, address=getattr(email_address, "email", ""))


def on_email_removed(sender, request=None, user=None, email_address=None, **kwargs):
    security_log(Kind.EMAIL_REMOVED, request=request, user=user, address=getattr(email_address, "email", ""))


def _types():
    from allauth.mfa.models import Authenticator  # noqa: PLC0415

    return Authenticator.Type


def on_authenticator_added(sender, request=None, user=None, authenticator=None, **kwargs):
    if authenticator is not None and authenticator.type == _types().TOTP:
        security_log(Kind.TOTP_ENABLED, request=request, user=user)


def on_authenticator_removed(sender, request=None, user=None, authenticator=None, **kwargs):
    if authenticator is not None and authenticator.type == _types().TOTP:
        security_log(Kind.TOTP_DISABLED, request=request, user=user)


def on_authenticator_reset(sender, request=None, user=None, authenticator=None, **kwargs):
    if authenticator is not None and authenticator.type == _types().RECOVERY_CODES:
        security_log(Kind.RECOVERY_CODES_RENEWED, request=request, user=user)


def on_authenticator_used(sender, request=None, user=None, authenticator=None, reauthenticated=False, **kwargs):
    if authenticator is not None and authenticator.type == _types().RECOVERY_CODES:
        security_log(Kind.RECOVERY_CODE_USED, request=request, user=user,
                     purpose="confirming an action" if reauthenticated else "sign-in")


def on_mfa_failed(sender, request=None, user=None, **kwargs):
    if user is not None:
        security_log(Kind.MFA_FAILED, request=request, user=user)


def connect() -> None:
    from allauth.account import signals as account  # noqa: PLC0415
    from allauth.mfa import signals as mfa  # noqa: PLC0415
    from django.contrib.auth.signals import user_logged_out  # noqa: PLC0415

    for signal, receiver in (
        (account.user_logged_in, on_signed_in), (user_logged_out, on_signed_out),
        (account.password_changed, on_password_changed), (account.password_set, on_password_set),
        (account.password_reset, on_password_reset), (account.email_changed, on_email_changed),
        (account.email_added, on_email_added), (account.email_removed, on_email_removed),
        (mfa.authenticator_added, on_authenticator_added), (mfa.authenticator_removed, on_authenticator_removed),
        (mfa.authenticator_reset, on_authenticator_reset), (mfa.authenticator_used, on_authenticator_used),
        (mfa.authentication_failed, on_mfa_failed),
    ):
        signal.connect(receiver, dispatch_uid=f"accounts.security.{receiver.__name__}")
