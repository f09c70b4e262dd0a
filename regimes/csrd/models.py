"""CSRD / ESRS E1 data of its own (tenant schema): the E1-5 energy consumption lines. The GHG
inventory (periods, facilities, activities, instruments, targets) is the shared one in
:mod:`regimes.inventory`. Every model is a ComplianceModel (who/when, soft delete) written only
through ``services.py`` (audited, period-lock aware)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from factortrace.core.models import ComplianceModel

STANDARD = "ESRS Set 1 — ESRS E1 Climate change (Commission Delegated Regulation (EU) 2023/2772)"


class EnergyConsumption(ComplianceModel):
    """E1-5 energy consumption in MWh by source (§37–38)."""

    audit_label = "csrd.energy"

    class Category(models.TextChoices):
        FOSSIL_COAL = "fossil_coal", "Fossil · coal and coal products"
        FOSSIL_OIL = "fossil_crude_oil", "Fossil · crude oil and petroleum products"
        FOSSIL_GAS = "fossil_natural_gas", "Fossil · natural gas"
        FOSSIL_OTHER = "fossil_other", "Fossil · other fossil sources"
        FOSSIL_PURCHASED = "fossil_purchased", "Fossil · purchased electricity, heat, steam, cooling"
        NUCLEAR = "nuclear", "Nuclear"
        RENEWABLE_FUELS = "renewable_fuels", "Renewable · fuels (biomass, biogas, …)"
        RENEWABLE_PURCHASED = "renewable_purchased", "Renewable · purchased electricity, heat, steam, cooling"
        RENEWABLE_SELF = "renewable_self_generated", "Renewable · self-generated non-fuel (solar, wind)"

    period = models.ForeignKey("inventory.ReportingPeriod", on_delete=models.PROTECT, related_name="csrd_energy")
    facility = models.ForeignKey("inventory.Facility", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="csrd_energy")
    category = models.CharField(max_length=30, choices=Category.choices)
    description = models.CharField(max_length=200, blank=True)
    mwh = models.DecimalField("MWh", max_digits=20, decimal_places=6)
    high_climate_impact = models.BooleanField(
        "From high climate impact activities", default=True,
        help_text="Consumed by activities in high climate impact sectors (NACE A–H and L; E1-5 §40). The energy "
                  "intensity counts only these lines.")

    class Meta:
        ordering = ["category"]
        verbose_name_plural = "energy consumption"

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.mwh.normalize():f} MWh"

    def clean(self):
        if self.mwh is not None and self.mwh < 0:
            raise ValidationError({"mwh": "Energy consumption cannot be negative."})
