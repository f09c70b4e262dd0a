"""allauth adapter: sign-up happens on the public host only; tenant hosts are sign-in only.
Refused sign-ins (wrong password, rate limit) go to the security log (``security.py``)."""
from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from factortrace.core.tenancy import is_tenant_request

from . import security


def _login_of(credentials) -> str:
    return credentials.get("email", credentials.get("username", "")) or ""


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return not is_tenant_request(request)

    def get_login_redirect_url(self, request) -> str:
        return "/" if is_tenant_request(request) else "/workspaces/"

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys failed sign-ins per host; users are global here, so one account has one
        # counter on every tenant host (the cache key function keeps these keys schema-free too).
        # Checked against allauth 65.21 (pinned): DefaultAccountAdapter.pre_authenticate uses it.
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"any-host:{login}"

    def pre_authenticate(self, request, **credentials) -> None:
        # allauth refuses here, before any password check, once the address or the IP has too
        # many failures (the same for addresses no account has).
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            security.signin_failed(request, _login_of(credentials), kind=security.Kind.LOCKED_OUT)
            raise

    def authentication_failed(self, request, **credentials) -> None:
        super().authentication_failed(request, **credentials)
        security.signin_failed(request, _login_of(credentials))
