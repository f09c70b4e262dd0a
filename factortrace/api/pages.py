"""The API keys page: each member makes and revokes their own keys (shown once, never cached)."""
import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from factortrace.core.roles import Cap
from factortrace.core.tenancy import require_cap

from .keys import api_key_create, api_key_revoke
from .models import ApiKey


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name", help_text="What uses it, e.g. “ERP export nightly”.")
    read_only = forms.BooleanField(required=False, label="Read-only",
                                   help_text="It may read (GET) but never create, change or delete anything.")
    expires_on = forms.DateField(required=False, label="Expires on",
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text="Optional. The key stops working at the start of this day (UTC).")

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.now().date():
            raise forms.ValidationError("Choose a day in the future.")
        return day

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC) if day else None


@never_cache  # the response may hold a new key in plain text: no browser or proxy keeps it
@require_cap(Cap.VIEW)
def api_keys(request):
    form = ApiKeyForm(request.POST or None)
    plaintext = None
    if request.method == "POST" and form.is_valid():
        key, plaintext = api_key_create(user=request.user, name=form.cleaned_data["name"],
                                        read_only=form.cleaned_data["read_only"], expires_at=form.expires_at())
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
