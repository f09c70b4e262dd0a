"""Every URL pattern of the tenant URLconf, requested as an outsider.

For each pattern (admin and API included) with sample arguments:
- anonymous → sign-in redirect (401 problem JSON for /api/);
- a signed-in member of *another* tenant → 404;
- a member whose role lacks the view's capability → 403.
And an architecture check: every view declares its capability, or is in the one exemption list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from factortrace.core.roles import Cap, roles_without
from factortrace.portal.middleware import EXEMPT_VIEW_NAMES, OWN_ACCOUNT_VIEW_PREFIXES

pytestmark = pytest.mark.django_db

_SAMPLES = {"int": "999999", "slug": "no-such-thing", "str": "no-such-thing", "path": "no/such/thing",
            "uuid": "00000000-0000-0000-0000-000000000000"}


@dataclass
class Route:
    path: str
    name: str
    view: object

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def _sample(pattern) -> str:
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "_route"):
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLES[m.group(1) or "str"], text)
    # regex pattern: take the first alternative of each group, a sample for wildcards
    text = text.lstrip("^").rstrip("$").replace(r"\Z", "").replace("\\", "")
    text = re.sub(r"\(\?P<\w+>([^)]*)\)", lambda m: m.group(1).split("|")[0] if "|" in m.group(1) or
                  m.group(1).isidentifier() else "1", text)
    return text


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + _sample(pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield Route("/" + prefix + _sample(pattern), name, pattern.callback)


def tenant_routes() -> list[Route]:
    return list(_walk(get_resolver("factortrace.urls_tenant").url_patterns))


def required_cap_of(route: Route) -> Cap | None:
    if route.name.startswith(OWN_ACCOUNT_VIEW_PREFIXES):
        return Cap.VIEW  # the member's own account pages (allauth): the membership gate is the check
    return required_cap(route.view)


def required_cap(view) -> Cap | None:
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        cap = getattr(candidate, "required_cap", None) if candidate is not None else None
        if cap is not None:
            return cap
    cls = getattr(view, "cls", None)
    if cls is not None:  # DRF: reads need read_cap, writes write_cap
        return getattr(cls, "read_cap", Cap.VIEW)
    return None


ROUTES = tenant_routes()
GATED = [r for r in ROUTES if r.name.split(":")[-1] not in EXEMPT_VIEW_NAMES]


def test_the_sweep_sees_the_whole_tenant_urlconf():
    names = {r.name for r in ROUTES}
    assert {"dashboard", "members:list", "tenant_admin:index", "api_schema"} <= names
    assert len(GATED) > 20


@pytest.mark.parametrize("route", GATED, ids=lambda r: r.name or r.path)
def test_every_gated_view_declares_a_capability(route):
    assert required_cap_of(route) is not None, (
        f"{route.path} ({route.name}) has neither @require_cap/CapRequiredMixin nor a DRF base viewset")


def test_exemptions_are_only_the_listed_ones():
    exempt = {r.name.split(":")[-1] for r in ROUTES if r.name.split(":")[-1] in EXEMPT_VIEW_NAMES}
    assert exempt <= EXEMPT_VIEW_NAMES


@pytest.mark.parametrize("route", GATED, ids=lambda r: r.name or r.path)
def test_anonymous_is_sent_to_sign_in(route, tenant_a, client_for):
    response = client_for(None, tenant_a).get(route.path)
    if route.is_api:
        assert response.status_code == 401, route.path
        assert response["Content-Type"].startswith("application/problem+json")
    else:
        assert response.status_code == 302, route.path
        assert response.url.startswith("/accounts/login/"), route.path


@pytest.mark.parametrize("route", GATED, ids=lambda r: r.name or r.path)
def test_member_of_another_tenant_gets_404(route, tenant_a, owner_b, client_for):
    # Charlie (owner of Beta) must see nothing of Alpha's, not even that a page exists.
    client = client_for(owner_b, tenant_a)
    assert client.get(route.path).status_code == 404, route.path
    assert client.post(route.path).status_code == 404, route.path


@pytest.mark.parametrize("route", [r for r in GATED if required_cap_of(r) not in (None, Cap.VIEW)],
                         ids=lambda r: r.name or r.path)
def test_member_with_too_small_a_role_gets_403(route, tenant_a, people, client_for):
    cap = required_cap_of(route)
    for role in roles_without(cap):
        client = client_for(people[role], tenant_a)
        response = client.get(route.path)
        assert response.status_code == 403, f"{route.path} as {role}: {response.status_code}"


@pytest.mark.parametrize("route", [r for r in GATED if getattr(r.view, "cls", None) is not None],
                         ids=lambda r: r.name or r.path)
def test_api_writes_need_the_write_capability(route, tenant_a, people, client_for):
    # An @action may raise the bar for itself (write_cap in its initkwargs, e.g. unlock → MANAGE).
    write_cap = getattr(route.view, "initkwargs", {}).get("write_cap", getattr(route.view.cls, "write_cap", Cap.EDIT))
    for role in roles_without(write_cap):
        client = client_for(people[role], tenant_a)
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(route.path, {}, content_type="application/json")
            assert response.status_code in (403, 405), (
                f"{method.upper()} {route.path} as {role}: {response.status_code}")
