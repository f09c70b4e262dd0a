"""Sign-up, sign-in, MFA, invitations and switching between tenants, through HTTP."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from conftest import PASSWORD, host_of
from tenants.models import Membership, Tenant

pytestmark = pytest.mark.django_db


def _link(message, pattern: str) -> str:
    match = re.search(pattern, message.body)
    assert match, message.body
    return match.group(0)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_signup_verify_email_create_organisation_and_land_on_its_dashboard(tenancy):
    public = Client(HTTP_HOST="localhost")
    response = public.post("/accounts/signup/", {"email": "new.founder@gamma.example", "password1": PASSWORD,
                                                 "password2": PASSWORD})
    assert response.status_code == 302
    assert len(mail.outbox) == 1, "a verification e-mail is sent"
    confirm = _path(_link(mail.outbox[0], r"https?://\S+/accounts/confirm-email/\S+/"))
    assert public.post(confirm).status_code == 302
    assert public.get("/workspaces/").status_code == 200

    response = public.post("/workspaces/new/", {"name": "Gamma Steel", "slug": "gamma-steel", "country": "PL",
                                                "legal_name": "Gamma Steel S.A.", "lei": "", "eori": ""})
    assert response.status_code == 302
    tenant = Tenant.objects.get(slug="gamma-steel")
    assert Membership.objects.get(tenant=tenant).role == "owner"

    # The public session is handed to the tenant host with a one-time token.
    hop = public.get(response.url)
    assert hop.status_code == 302 and "gamma-steel.localhost" in hop.url and "/hop/?token=" in hop.url
    tenant_client = Client(HTTP_HOST="gamma-steel.localhost")
    landed = tenant_client.get(_path(hop.url), follow=True)
    assert landed.status_code == 200
    assert b"Gamma Steel" in landed.content
    # The token works once only.
    again = Client(HTTP_HOST="gamma-steel.localhost").get(_path(hop.url))
    assert again.status_code == 302 and "/accounts/login/" in again.url


def test_signup_refuses_a_taken_or_reserved_address(tenancy, client_for):
    user = tenancy["people"]["owner"]
    public = client_for(user)
    for slug, message in [("alpha", b"taken"), ("www", b"reserved"), ("Bad_Slug", b"lower-case")]:
        response = public.post("/workspaces/new/", {"name": "X", "slug": slug, "country": "DE"})
        assert response.status_code == 200
        assert message in response.content, slug


def test_signup_is_closed_on_tenant_hosts(tenant_a):
    response = Client(HTTP_HOST=host_of(tenant_a)).get("/accounts/signup/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_sign_in_and_out_on_a_tenant_host(tenant_a, people):
    client = Client(HTTP_HOST=host_of(tenant_a))
    response = client.post("/accounts/login/", {"login": people["officer"].email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    dashboard = client.get("/")
    assert dashboard.status_code == 200 and b"Compliance officer" in dashboard.content
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_and_repeated_failures_lock_the_account(tenant_a, people):
    from django.core.cache import cache

    cache.clear()
    client = Client(HTTP_HOST=host_of(tenant_a))
    email = people["auditor"].email
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": email, "password": "wrong-password"})
        assert response.status_code == 200
        assert b"not correct" in response.content or b"incorrect" in response.content
    # Even the right password is refused while the account is rate-limited…
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session
    # …on every host: the counter is per account, not per tenant (no fresh bucket per workspace).
    for host in ("beta.localhost", "localhost"):
        response = Client(HTTP_HOST=host).post("/accounts/login/", {"login": email, "password": PASSWORD})
        assert b"Too many failed login attempts" in response.content, host
    cache.clear()


def test_password_reset_sends_a_working_link(tenant_a, people):
    client = Client(HTTP_HOST=host_of(tenant_a))
    client.post("/accounts/password/reset/", {"email": people["accountant"].email})
    assert len(mail.outbox) == 1
    link = _path(_link(mail.outbox[0], r"https?://\S+/accounts/password/reset/key/\S+/"))
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new_password = "a-brand-new-passphrase-2026"
    response = client.post(form.redirect_chain[-1][0] if form.redirect_chain else link,
                           {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    # A fresh copy: the session-wide fixture object must keep its password hash (the change is
    # rolled back with the test transaction).
    user = type(people["accountant"]).objects.get(pk=people["accountant"].pk)
    assert user.check_password(new_password)


def test_totp_mfa_activation_then_sign_in_needs_a_code_or_a_recovery_code(tenancy):
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    user = tenancy["owner_b"]
    public = Client(HTTP_HOST="localhost")
    assert public.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code == 302

    # Turning MFA on is a sensitive action: allauth asks for the password again first.
    page = public.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 302 and "/accounts/reauthenticate/" in page.url
    assert public.post(page.url, {"password": PASSWORD}).status_code == 302
    page = public.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    if time.time() % 30 > 27:  # the code must still be valid when the server checks it
        time.sleep(30 - time.time() % 30 + 0.1)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = public.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    codes_page = public.get("/accounts/2fa/recovery-codes/")
    recovery_codes = codes_page.context["unused_codes"]
    assert len(recovery_codes) >= 8

    # Sign-in on the tenant host now stops at the MFA step.
    client = Client(HTTP_HOST=host_of(tenancy["beta"]))
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "/accounts/2fa/authenticate/" in response.url
    assert client.get("/").status_code == 302, "not signed in before the second factor"
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": recovery_codes[0]})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    Authenticator.objects.filter(user=user).delete()


def test_invitation_flow_new_person_joins_with_the_invited_role(tenant_a, people, client_for,
                                                               django_capture_on_commit_callbacks):
    owner = client_for(people["owner"], tenant_a)
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves after commit
        response = owner.post("/members/", {"email": "Invitee@Example.org", "role": "auditor"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    accept = _path(_link(mail.outbox[0], r"https?://localhost\S*/invitations/\S+/"))

    public = Client(HTTP_HOST="localhost")
    page = public.get(accept)
    assert page.status_code == 200 and b"Join Alpha Industries" in page.content
    public.post("/accounts/signup/", {"email": "invitee@example.org", "password1": PASSWORD, "password2": PASSWORD})
    confirm = _path(_link(mail.outbox[1], r"https?://\S+/accounts/confirm-email/\S+/"))
    public.post(confirm)
    response = public.post(accept)
    assert response.status_code == 302
    membership = Membership.objects.get(tenant=tenant_a, user__email="invitee@example.org")
    assert membership.role == "auditor"
    # Accepted invitations cannot be reused.
    assert b"accepted" in public.get(accept).content


def test_invitation_for_another_address_is_refused(tenant_a, people, client_for,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(people["owner"], tenant_a).post("/members/", {"email": "someone@example.org", "role": "officer"})
    accept = _path(_link(mail.outbox[0], r"https?://localhost\S*/invitations/\S+/"))
    wrong = client_for(people["auditor"])
    response = wrong.post(accept, follow=True)
    assert not Membership.objects.filter(tenant=tenant_a, user__email="someone@example.org").exists()
    assert b"This invitation is for someone@example.org" in response.content


def test_admins_cannot_make_owners_and_officers_cannot_invite(tenant_a, people, client_for):
    response = client_for(people["admin"], tenant_a).post("/members/", {"email": "x@example.org", "role": "owner"})
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    assert client_for(people["officer"], tenant_a).post(
        "/members/", {"email": "x@example.org", "role": "officer"}).status_code == 403


def test_the_last_owner_cannot_be_demoted(tenant_b, owner_b, client_for):
    membership = Membership.objects.get(tenant=tenant_b, user=owner_b)
    client_for(owner_b, tenant_b).post(f"/members/{membership.pk}/role/", {"role": "admin"}, follow=True)
    membership.refresh_from_db()
    assert membership.role == "owner"


def test_an_accountant_of_two_tenants_switches_between_them(tenancy, client_for):
    accountant = tenancy["shared"]
    on_alpha = client_for(accountant, tenancy["alpha"])
    response = on_alpha.get("/switch/beta/")
    assert response.status_code == 302 and "beta.localhost" in response.url
    on_beta = Client(HTTP_HOST="beta.localhost")
    landed = on_beta.get(_path(response.url), follow=True)
    assert b"Beta Trading" in landed.content and b"Accountant" in landed.content
    # A hop token minted for beta does not open alpha.
    stolen = Client(HTTP_HOST="alpha.localhost").get(_path(on_alpha.get("/switch/beta/").url))
    assert stolen.status_code == 302 and "/accounts/login/" in stolen.url
    # And nobody can switch into a tenant they do not belong to.
    assert client_for(tenancy["people"]["officer"], tenancy["alpha"]).get("/switch/beta/").status_code == 404


def test_a_switch_link_never_silently_replaces_someone_elses_session(tenancy, client_for):
    """A colleague's hop link opened while signed in as yourself asks first (login CSRF)."""
    alpha = tenancy["alpha"]
    colleague = client_for(tenancy["people"]["auditor"])
    link = _path(colleague.get(f"/workspaces/{alpha.slug}/open/").url)
    victim = client_for(tenancy["people"]["officer"], alpha)
    page = victim.get(link)
    assert page.status_code == 200 and b"Switch to auditor@alpha.example?" in page.content
    assert victim.get("/").context["user"].email == "officer@alpha.example"
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    assert victim.post("/hop/", {"token": token}).status_code == 302
    assert victim.get("/").context["user"].email == "auditor@alpha.example"
