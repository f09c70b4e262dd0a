"""Public host: landing, workspaces, onboarding, invitations. Tenant host: members, switching."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from factortrace.accounts.models import SecurityEvent
from factortrace.accounts.security import security_log
from factortrace.core.roles import GRANTABLE_BY, Cap
from factortrace.core.tenancy import is_tenant_request, require_cap

from . import services
from .forms import InvitationForm, RoleForm, TenantSignupForm
from .models import Invitation, Membership


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# ---------------------------------------------------------------- public host
def landing(request):
    if request.user.is_authenticated:
        return redirect("workspaces")
    return render(request, "tenants/landing.html")


@login_required
def workspaces(request):
    memberships = request.user.memberships.select_related("tenant").order_by("tenant__name")
    return render(request, "tenants/workspaces.html", {"memberships": memberships})


@login_required
def workspace_create(request):
    form = TenantSignupForm(request.POST or None)
    owned = Membership.objects.filter(user=request.user, role="owner").count()
    if request.method == "POST" and owned >= settings.MAX_OWNED_WORKSPACES and not request.user.is_staff:
        # Each workspace is a new host; a cap keeps sign-up from being a way to mint them.
        form.add_error(None, f"You already own {owned} organisations, the most one account may create. "
                             "Contact the operator if you need more.")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tenant = services.tenant_create(owner=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"{tenant.name} is ready.")
            return redirect("workspace_open", slug=tenant.slug)
    return render(request, "tenants/workspace_create.html", {"form": form})


@login_required
def workspace_open(request, slug: str):
    """Hand the signed-in user over to a tenant host (sessions are per host)."""
    membership = Membership.objects.filter(user=request.user, tenant__slug=slug).select_related("tenant").first()
    if membership is None:
        raise Http404("No such workspace")
    return redirect(services.hop_url(user=request.user, tenant=membership.tenant, request=request))


def invitation_accept(request, token: str):
    invitation = services.invitation_by_token(token)
    if invitation is None:
        raise Http404("Unknown invitation")
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"You joined {invitation.tenant.name}.")
            return redirect("workspace_open", slug=invitation.tenant.slug)
    return render(request, "tenants/invitation_accept.html", {"invitation": invitation, "token": token})


# ---------------------------------------------------------------- tenant host
def hop(request):
    """Exempt from the membership gate: the token proves the user and the membership.

    When someone else is already signed in on this host, ask before replacing the session: a
    link from a colleague must not silently sign you in as them (login CSRF).
    """
    if not is_tenant_request(request):
        raise Http404()
    token = request.POST.get("token") or request.GET.get("token", "")
    if request.method == "GET" and request.user.is_authenticated:
        arriving = services.hop_token_peek(token=token, tenant=request.tenant)
        if arriving is not None and arriving.pk != request.user.pk:
            return render(request, "tenants/hop_confirm.html", {"arriving": arriving, "token": token})
    user = services.hop_token_consume(token=token, tenant=request.tenant)
    if user is None:
        messages.error(request, "That link has expired; please sign in.")
        return redirect("account_login")
    if not request.user.is_authenticated or request.user.pk != user.pk:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    security_log(SecurityEvent.Kind.ORGANISATION_SWITCHED, request=request, user=user, tenant=request.tenant.slug)
    return redirect("dashboard")


@require_cap(Cap.VIEW)
def switch(request, slug: str):
    target = Membership.objects.filter(user=request.user, tenant__slug=slug).select_related("tenant").first()
    if target is None:
        raise Http404("No such workspace")
    return redirect(services.hop_url(user=request.user, tenant=target.tenant, request=request))


@require_cap(Cap.MANAGE)
def member_list(request):
    tenant = request.tenant
    form = InvitationForm(request.POST or None, grantor_role=request.membership.role)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                tenant=tenant, email=form.cleaned_data["email"], role=form.cleaned_data["role"],
                actor=request.user, actor_membership=request.membership,
                accept_url_builder=lambda token: _public_url(request, reverse(
                    "invitation_accept_public", args=[token], urlconf="factortrace.urls_public")))
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied:
            form.add_error("role", "You may not grant that role.")
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("members:list")
    members = Membership.objects.filter(tenant=tenant).select_related("user").order_by("user__email")
    invitations = Invitation.objects.filter(tenant=tenant).order_by("-created")[:50]
    return render(request, "tenants/members.html", {
        "members": members, "invitations": invitations, "form": form,
        "grantable": GRANTABLE_BY.get(request.membership.role, []), "role_form": RoleForm(),
    })


def _public_url(request, path: str) -> str:
    host = request.get_host()
    port = ":" + host.rsplit(":", 1)[1] if ":" in host else ""
    return f"{request.scheme}://{settings.BASE_DOMAIN}{port}{path}"


@require_cap(Cap.MANAGE)
@require_POST
def member_role(request, pk: int):
    membership = get_object_or_404(Membership, pk=pk, tenant=request.tenant)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(membership=membership, role=form.cleaned_data["role"], actor=request.user,
                                         actor_membership=request.membership)
            messages.success(request, f"{membership.user.email} is now {membership.get_role_display()}.")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("members:list")


@require_cap(Cap.MANAGE)
@require_POST
def member_remove(request, pk: int):
    membership = get_object_or_404(Membership, pk=pk, tenant=request.tenant)
    try:
        services.membership_remove(membership=membership, actor=request.user, actor_membership=request.membership)
        messages.success(request, f"{membership.user.email} was removed.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("members:list")


@require_cap(Cap.MANAGE)
@require_POST
def invitation_revoke(request, pk: int):
    invitation = get_object_or_404(Invitation, pk=pk, tenant=request.tenant)
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("members:list")
