"""The API keys page: each member makes and revokes their own keys (shown once)."""
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from factortrace.core.roles import Cap
from factortrace.core.tenancy import require_cap

from .keys import api_key_create, api_key_revoke
from .models import ApiKey


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name", help_text="What uses it, e.g. “ERP export nightly”.")


@require_cap(Cap.VIEW)
def api_keys(request):
    form = ApiKeyForm(request.POST or None)
    plaintext = None
    if request.method == "POST" and form.is_valid():
        key, plaintext = api_key_create(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, f"Key “{key.name}” created. Copy it now: it is not shown again.")
        form = ApiKeyForm()
    keys = ApiKey.objects.filter(user=request.user)
    return render(request, "api/keys.html", {"form": form, "keys": keys, "plaintext": plaintext,
                                             "role": request.membership.get_role_display()})


@require_cap(Cap.VIEW)
@require_POST
def api_key_revoke_view(request, pk: int):
    key = get_object_or_404(ApiKey, pk=pk, user=request.user, revoked_at__isnull=True)
    api_key_revoke(key=key, actor=request.user)
    messages.success(request, f"Key “{key.name}” revoked.")
    return redirect("api_keys")
