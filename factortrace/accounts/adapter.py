"""allauth adapter: sign-up happens on the public host only; tenant hosts are sign-in only."""
from allauth.account.adapter import DefaultAccountAdapter

from factortrace.core.tenancy import is_tenant_request


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return not is_tenant_request(request)

    def get_login_redirect_url(self, request) -> str:
        return "/" if is_tenant_request(request) else "/workspaces/"
