"""allauth adapter: sign-up happens on the public host only; tenant hosts are sign-in only."""
from allauth.account.adapter import DefaultAccountAdapter

from factortrace.core.tenancy import is_tenant_request


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
