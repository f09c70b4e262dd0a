"""CSRD template filters (numbers come from ``{% load numbers %}``)."""
from django import template

from regimes.csrd.models import EnergyConsumption

register = template.Library()


@register.filter
def energy_label(category: str) -> str:
    """E1-5 category code → its label (e.g. fossil_crude_oil → Crude oil and petroleum products)."""
    label = dict(EnergyConsumption.Category.choices).get(category, category)
    return label.split(" · ", 1)[-1].capitalize()
