"""Roles a member can hold in a tenant, and what each may do.

Views ask for a *capability* (``Cap.EDIT``), never for a role list, so adding a role or
changing what a role may do is one edit here (checked by ``tests/test_tenant_sweep.py``).
The lowest layer holds them so that every app (audit, api, tenants, factors, reports, the
regimes) can ask for a capability; ``tenants.models.Membership`` stores the role.
"""
from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    OFFICER = "officer", "Compliance officer"
    ACCOUNTANT = "accountant", "Accountant"
    AUDITOR = "auditor", "Auditor"


class Cap(StrEnum):
    # Add a capability together with the first view that asks for it (there is no billing page
    # yet, so there is no BILLING: owners and admins would get it anyway).
    VIEW = "view"          # read the tenant's data
    EDIT = "edit"          # create, edit, import, submit
    DOWNLOAD = "download"  # download generated reports and exports
    AUDIT = "audit"        # read the audit trail
    MANAGE = "manage"      # members, invitations, tenant Django admin, settings


ROLE_CAPS: dict[str, frozenset[Cap]] = {
    Role.OWNER: frozenset(Cap),
    Role.ADMIN: frozenset(Cap),
    Role.OFFICER: frozenset({Cap.VIEW, Cap.EDIT, Cap.DOWNLOAD}),
    Role.ACCOUNTANT: frozenset({Cap.VIEW, Cap.DOWNLOAD}),
    Role.AUDITOR: frozenset({Cap.VIEW, Cap.DOWNLOAD, Cap.AUDIT}),
}


def role_can(role: str | None, cap: Cap) -> bool:
    return role is not None and cap in ROLE_CAPS.get(role, frozenset())


def roles_without(cap: Cap) -> list[str]:
    return [role for role, caps in ROLE_CAPS.items() if cap not in caps]


# Who may hand out which role: nobody grants more than they hold; only owners make owners.
GRANTABLE_BY: dict[str, list[str]] = {
    Role.OWNER: [r.value for r in Role],
    Role.ADMIN: [Role.ADMIN, Role.OFFICER, Role.ACCOUNTANT, Role.AUDITOR],
}
