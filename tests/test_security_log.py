"""The per-user security log (issue 9, item 3): what is recorded, who sees it, and failed sign-ins
that never tell whether an account exists."""
from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD, host_of
from factortrace.accounts.models import SecurityEvent

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # sign-in rate limits live in the cache
    yield
    cache.clear()


def _kinds(user) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).order_by("created_at", "id").values_list("kind", flat=True))


def _sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_sign_in_success_failure_and_lockout_are_in_the_users_log(tenant_a, people):
    auditor = people["auditor"]
    client = Client(HTTP_HOST=host_of(tenant_a), HTTP_USER_AGENT="Firefox/140 test", REMOTE_ADDR="203.0.113.7")
    assert _sign_in(client, auditor.email).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(5):
        _sign_in(client, auditor.email, "wrong-password")
    assert b"Too many failed login attempts" in _sign_in(client, "AUDITOR@alpha.example").content
    assert _kinds(auditor) == [Kind.SIGNED_IN, Kind.SIGNED_OUT] + [Kind.SIGNIN_FAILED] * 5 + [Kind.LOCKED_OUT]
    failed = SecurityEvent.objects.filter(user=auditor, kind=Kind.SIGNIN_FAILED).first()
    assert (failed.ip, failed.user_agent, failed.host) == ("203.0.113.7", "Firefox/140 test", "alpha.localhost")


def test_the_user_sees_their_log_on_the_public_host_and_on_tenant_hosts_and_nobody_elses(tenancy, people,
                                                                                          client_for):
    officer = people["officer"]
    _sign_in(Client(HTTP_HOST="localhost"), officer.email, "wrong-password")
    _sign_in(Client(HTTP_HOST="localhost"), people["auditor"].email, "wrong-password")
    for client in (client_for(officer), client_for(officer, tenancy["alpha"])):
        page = client.get("/accounts/security/")
        assert page.status_code == 200 and "no-store" in page["Cache-Control"]
        html = page.content.decode()
        assert 'data-kind="signin_failed"' in html and "Sign-in failed" in html
        assert html.count('data-kind="signin_failed"') == 1, "only the officer's own events"
        assert "Security log" in html  # linked from the user menu
    # Not a member of beta: the tenant gate answers 404 there, as for every page.
    assert client_for(officer, tenancy["beta"]).get("/accounts/security/").status_code == 404
    assert client_for(None).get("/accounts/security/").status_code == 302


def test_platform_staff_read_every_log_in_the_public_admin_and_cannot_change_it(tenancy, people, client_for):
    from django.contrib.auth import get_user_model

    _sign_in(Client(HTTP_HOST="localhost"), "nobody@nowhere.example", "guess")
    staff = get_user_model().objects.create_superuser(email="operator@platform.example", password=PASSWORD)
    admin = client_for(staff)
    listing = admin.get("/admin/accounts/securityevent/")
    assert listing.status_code == 200 and b"nobody@nowhere.example" in listing.content
    event = SecurityEvent.objects.get(email="nobody@nowhere.example")
    assert event.user is None
    assert admin.get("/admin/accounts/securityevent/add/").status_code == 403
    change = admin.get(f"/admin/accounts/securityevent/{event.pk}/change/")
    assert change.status_code == 200 and b'name="_save"' not in change.content
    assert admin.post(f"/admin/accounts/securityevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
    # A member is no platform operator.
    assert client_for(people["owner"]).get("/admin/accounts/securityevent/").status_code in (302, 403)


def _normalised(response) -> str:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'value="[^"]*@[^"]*"', 'value=""', html)  # the address typed is echoed back


def test_a_failed_sign_in_never_tells_whether_the_account_exists(tenant_a, people, monkeypatch):
    from django.contrib.auth.hashers import MD5PasswordHasher

    from factortrace.accounts import security

    hashes, logging_queries = [], []
    original_encode, original_failed = MD5PasswordHasher.encode, security.signin_failed

    def counting_encode(self, *args, **kwargs):
        hashes.append(1)
        return original_encode(self, *args, **kwargs)

    def counting_failed(*args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            result = original_failed(*args, **kwargs)
        logging_queries.append(len(queries))
        return result

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    monkeypatch.setattr(security, "signin_failed", counting_failed)

    def attempt(email):
        hashes.clear()
        logging_queries.clear()
        response = _sign_in(Client(HTTP_HOST=host_of(tenant_a)), email, "not-the-password")
        return response, len(hashes), list(logging_queries)

    known, known_hashes, known_log = attempt(people["accountant"].email)
    unknown, unknown_hashes, unknown_log = attempt("no.such.person@alpha.example")
    assert known.status_code == unknown.status_code == 200
    assert _normalised(known) == _normalised(unknown), "same page, same message"
    assert b"not correct" in known.content
    # What takes time is the same on both paths: as many password hashes (each backend hashes a
    # dummy when there is no such user), and the security log does the same work (a look-up and a
    # row). allauth itself makes one more indexed query for an address without a verified
    # EmailAddress — well under a millisecond beside the password hashes.
    assert known_hashes == unknown_hashes >= 2
    assert known_log == unknown_log == [4]  # SET search_path, SELECT, SET search_path, INSERT
    # The lockout comes for addresses without an account too.
    for _ in range(5):
        _sign_in(Client(HTTP_HOST=host_of(tenant_a)), "ghost@alpha.example", "x")
    locked = _sign_in(Client(HTTP_HOST=host_of(tenant_a)), "ghost@alpha.example", "x")
    assert b"Too many failed login attempts" in locked.content


def test_password_change_reset_and_email_change_are_logged(tenancy, people, client_for):
    from allauth.account.models import EmailAddress

    user = tenancy["shared"]
    client = client_for(user)
    new_password = "another-long-passphrase-2026"
    client.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new_password,
                                               "password2": new_password})
    EmailAddress.objects.create(user=user, email="firm.second@example.org", verified=True)
    client.post("/accounts/email/", {"email": "firm.second@example.org", "action_primary": ""})
    public = Client(HTTP_HOST="localhost")
    public.post("/accounts/password/reset/", {"email": "firm.second@example.org"})
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)
    form = public.get(re.sub(r"^https?://[^/]+", "", link), follow=True)
    public.post(form.redirect_chain[-1][0], {"password1": PASSWORD + "-x", "password2": PASSWORD + "-x"})
    kinds = _kinds(user)
    assert {Kind.PASSWORD_CHANGED, Kind.EMAIL_CHANGED, Kind.PASSWORD_RESET} <= set(kinds), kinds
    change = SecurityEvent.objects.get(user=user, kind=Kind.EMAIL_CHANGED)
    assert change.detail == {"from": "accountant@firm.example", "to": "firm.second@example.org"}


def test_totp_on_and_off_and_recovery_code_use_are_logged(tenancy, django_capture_on_commit_callbacks):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    user = tenancy["owner_b"]
    public = Client(HTTP_HOST="localhost")
    _sign_in(public, user.email)
    public.post(public.get("/accounts/2fa/totp/activate/").url, {"password": PASSWORD})
    secret = public.get("/accounts/2fa/totp/activate/").context["form"].secret
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals "added" on commit
        public.post("/accounts/2fa/totp/activate/",
                    {"code": format_hotp_value(hotp_value(secret, int(time.time()) // 30))})
    codes = public.get("/accounts/2fa/recovery-codes/").context["unused_codes"]

    tenant_client = Client(HTTP_HOST=host_of(tenancy["beta"]))
    _sign_in(tenant_client, user.email)
    tenant_client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    tenant_client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert tenant_client.get("/").status_code == 200

    public.post("/accounts/2fa/totp/deactivate/", {})
    kinds = _kinds(user)
    for kind in (Kind.TOTP_ENABLED, Kind.MFA_FAILED, Kind.RECOVERY_CODE_USED, Kind.TOTP_DISABLED):
        assert kind in kinds, (kind, kinds)
    assert kinds.index(Kind.TOTP_ENABLED) < kinds.index(Kind.RECOVERY_CODE_USED) < kinds.index(Kind.TOTP_DISABLED)
    page = Client(HTTP_HOST="localhost")
    page.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert "Recovery code used" in page.get("/accounts/security/").content.decode()


def test_an_organisation_switch_is_logged(tenancy, client_for):
    accountant = tenancy["shared"]
    hop = client_for(accountant, tenancy["alpha"]).get("/switch/beta/")
    Client(HTTP_HOST="beta.localhost").get(re.sub(r"^https?://[^/]+", "", hop.url))
    event = SecurityEvent.objects.get(user=accountant, kind=Kind.ORGANISATION_SWITCHED)
    assert event.detail == {"tenant": "beta"} and event.host == "beta.localhost"
