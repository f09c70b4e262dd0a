"""The person's own security log, on the public host and on every tenant host they belong to
(there the membership gate applies like everywhere; the page shows no tenant data)."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .security import events_for


@never_cache
@login_required
def security_log(request):
    page = Paginator(events_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/security_log.html", {"page": page})
