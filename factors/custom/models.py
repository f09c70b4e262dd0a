"""Tenant custom factors and supplier-specific factors (tenant schema).

Same value fields as :class:`factors.models.EmissionFactor`, plus where the number comes from.
In factor resolution a tenant's custom factor outranks a supplier-specific one, which outranks
every library factor (see :func:`factors.services.resolve_factor`).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from factors.fields import ExactDecimalField
from factors.models import GwpBasis, Scope
from factortrace.core.models import ComplianceModel
from factortrace.core.units import UnitError, parse_unit


class CustomFactorKind(models.TextChoices):
    CUSTOM = "custom", "Custom factor"
    SUPPLIER = "supplier", "Supplier-specific factor"


class CustomFactor(ComplianceModel):
    audit_label = "factors.custom_factor"

    kind = models.CharField(max_length=10, choices=CustomFactorKind.choices, default=CustomFactorKind.CUSTOM)
    supplier = models.CharField(max_length=200, blank=True, help_text="Required for supplier-specific factors")
    source_name = models.CharField(max_length=200, blank=True, verbose_name="Where the value comes from",
                                   help_text="e.g. 'Supplier EPD S-P-01234 (2025)', 'Own metering 2024'")
    reference = models.CharField(max_length=300, blank=True, help_text="Document number or URL of the evidence")
    scope = models.CharField(max_length=1, choices=Scope.choices, blank=True)
    level1 = models.CharField(max_length=200, blank=True, verbose_name="Category")
    level2 = models.CharField(max_length=200, blank=True, verbose_name="Sub-category")
    level3 = models.CharField(max_length=600, blank=True, verbose_name="Level 3")
    level4 = models.CharField(max_length=200, blank=True, verbose_name="Level 4")
    activity = models.CharField(max_length=600)
    classification = models.CharField(max_length=40, blank=True, help_text="CN, NAICS-2017, NACE-2 …")
    classification_code = models.CharField(max_length=40, blank=True)
    region = models.CharField(max_length=40, blank=True,
                              help_text="ISO 3166 alpha-2 (DE), a US eGRID subregion, or GLOBAL; blank = any")
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Blank = any year")
    unit = models.CharField(max_length=60, help_text="Activity unit, e.g. kWh, litres, tonne, EUR")
    kgco2e_per_unit = ExactDecimalField(verbose_name="kg CO2e per unit")
    co2 = ExactDecimalField(null=True, blank=True, verbose_name="CO2 (kg CO2e per unit)")
    ch4 = ExactDecimalField(null=True, blank=True, verbose_name="CH4 (kg CO2e per unit)")
    n2o = ExactDecimalField(null=True, blank=True, verbose_name="N2O (kg CO2e per unit)")
    other = ExactDecimalField(null=True, blank=True, verbose_name="Other gases (kg CO2e per unit)")
    biogenic_co2 = ExactDecimalField(null=True, blank=True, verbose_name="Biogenic CO2 (kg per unit)")
    direct = ExactDecimalField(null=True, blank=True, verbose_name="Direct emissions (kg CO2e per unit)")
    indirect = ExactDecimalField(null=True, blank=True, verbose_name="Indirect emissions (kg CO2e per unit)")
    gwp_basis = models.CharField(max_length=3, choices=GwpBasis.choices, blank=True, verbose_name="GWP basis")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, help_text="Method and boundaries of the value")
    tenant_notes = models.TextField(blank=True, verbose_name="Internal notes")

    class Meta:
        ordering = ["kind", "activity", "id"]
        indexes = [models.Index(fields=["kind", "unit"], name="factors_custom_kind_unit")]

    def __str__(self) -> str:
        who = f" ({self.supplier})" if self.kind == CustomFactorKind.SUPPLIER and self.supplier else ""
        return f"{self.activity}{who} · {self.kgco2e_per_unit} kg CO2e/{self.unit}"

    @property
    def hierarchy(self) -> list[str]:
        return [level for level in (self.level1, self.level2, self.level3, self.level4) if level]

    @property
    def context_path(self) -> list[str]:
        return [level for level in self.hierarchy if level != self.activity and level not in self.activity]

    @property
    def gas_breakdown(self) -> list[tuple[str, object]]:
        return [(label, value) for label, value in (("CO2", self.co2), ("CH4", self.ch4), ("N2O", self.n2o),
                                                    ("Other", self.other)) if value is not None]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.region = (self.region or "").strip().upper()
        if self.unit:
            try:
                parse_unit(self.unit)
            except UnitError as exc:
                errors["unit"] = f"{exc}. Use a unit such as kWh, kWh (Gross CV), litres, tonne, km, tonne.km, EUR."
        if self.kind == CustomFactorKind.SUPPLIER and not self.supplier.strip():
            errors["supplier"] = "Name the supplier of a supplier-specific factor."
        if self.kind == CustomFactorKind.CUSTOM and self.supplier.strip():
            errors["supplier"] = "Only supplier-specific factors name a supplier; change the kind or clear this."
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = "Ends before it starts."
        if self.year is not None and not 1990 <= self.year <= 2100:
            errors["year"] = "Give a year between 1990 and 2100."
        if errors:
            raise ValidationError(errors)
