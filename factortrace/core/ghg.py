"""GHG Protocol vocabulary shared by the factor library, the inventory and every regime: the
three scopes and the 15 Scope 3 categories, defined once.

Sources: GHG Protocol Corporate Standard (2004), ch. 4 (scopes); Corporate Value Chain (Scope 3)
Standard (2011), Table 5.3 (the 15 categories).
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from django.db import models


class Scope(models.TextChoices):
    SCOPE_1 = "1", "Scope 1"
    SCOPE_2 = "2", "Scope 2"
    SCOPE_3 = "3", "Scope 3"


#: GHG Protocol Corporate Value Chain (Scope 3) Standard, Table 5.3 — the 15 categories.
SCOPE3_CATEGORY_NAMES: Mapping[int, str] = MappingProxyType({
    1: "Purchased goods and services",
    2: "Capital goods",
    3: "Fuel- and energy-related activities",
    4: "Upstream transportation and distribution",
    5: "Waste generated in operations",
    6: "Business travel",
    7: "Employee commuting",
    8: "Upstream leased assets",
    9: "Downstream transportation and distribution",
    10: "Processing of sold products",
    11: "Use of sold products",
    12: "End-of-life treatment of sold products",
    13: "Downstream leased assets",
    14: "Franchises",
    15: "Investments",
})

#: Choices for forms and model fields: ``(3, "3 · Fuel- and energy-related activities")``.
SCOPE3_CATEGORIES: list[tuple[int, str]] = [(n, f"{n} · {name}") for n, name in SCOPE3_CATEGORY_NAMES.items()]
