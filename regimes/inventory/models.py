"""The shared GHG inventory (tenant schema): reporting periods with their lock and net revenue,
facilities (the organisational boundary), activity records, Scope 2 contractual instruments and GHG
reduction targets. Every regime reads it through ``selectors.py`` and writes it through
``services.py`` (audited, period-lock aware). Every model is a ComplianceModel (who/when, soft
delete)."""
from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from factortrace.core.ghg import SCOPE3_CATEGORIES, Scope
from factortrace.core.models import ComplianceModel
from factortrace.core.validators import validate_country


def evidence_path(instance, filename: str) -> str:
    """Evidence lives under the tenant's schema folder, in a folder of its own per upload; it is
    served only by the membership-checked ``inventory:activity_evidence`` view."""
    from django.db import connection  # noqa: PLC0415
    from django.utils.text import get_valid_filename  # noqa: PLC0415

    return f"{connection.schema_name}/evidence/{uuid.uuid4().hex}/{get_valid_filename(filename)[-120:]}"


class ReportingPeriod(ComplianceModel):
    """A financial year. Locked periods refuse every edit of their data (services check it)."""

    audit_label = "inventory.period"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LOCKED = "locked", "Locked"

    name = models.CharField(max_length=40, help_text="e.g. FY2025")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    start = models.DateField()
    end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    net_revenue = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True,
                                      help_text="Net revenue of the period (ESRS E1-6 §53 intensity denominator)")
    currency = models.CharField(max_length=3, default="EUR")
    high_climate_impact_revenue = models.DecimalField(
        max_digits=20, decimal_places=2, null=True, blank=True,
        help_text="Net revenue from high climate impact sectors (E1-5 §40), if any")
    standard = models.CharField(max_length=200, blank=True,
                                help_text="The reporting standard reports name; empty: each regime's own")
    methodology = models.TextField(blank=True, help_text="Methods, assumptions and boundaries, printed in reports")
    scope2_frozen = models.JSONField(null=True, blank=True, editable=False,
                                     help_text="Market-based Scope 2 as computed when the period was locked "
                                               "(instruments, residual mixes and shares then in force)")

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=models.Q(deleted_at__isnull=True),
                                    name="inventory_period_unique_name",
                                    violation_error_message="A reporting period with this name exists."),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = "The period must end after it starts."
        if self.currency and not (len(self.currency) == 3 and self.currency.isalpha() and self.currency.isupper()):
            errors["currency"] = "Use an ISO 4217 code such as EUR."
        if self.net_revenue is not None and self.net_revenue < 0:
            errors["net_revenue"] = "Net revenue cannot be negative."
        if errors:
            raise ValidationError(errors)


class Facility(ComplianceModel):
    """A site or organisational unit inside the reporting boundary."""

    audit_label = "inventory.facility"

    class Consolidation(models.TextChoices):
        OPERATIONAL = "operational", "Operational control"
        FINANCIAL = "financial", "Financial control"
        EQUITY = "equity", "Equity share"

    name = models.CharField(max_length=120)
    code = models.CharField(max_length=40, blank=True, help_text="Your identifier, used in imports")
    country = models.CharField(max_length=2, validators=[validate_country])
    grid_region = models.CharField(max_length=10, blank=True,
                                   help_text="US eGRID subregion (e.g. RFCE) for location-based Scope 2; "
                                             "leave empty to use the country")
    consolidation = models.CharField(max_length=12, choices=Consolidation.choices,
                                     default=Consolidation.OPERATIONAL)
    equity_share = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(100),
                                       validators=[MinValueValidator(0), MaxValueValidator(100)],
                                       help_text="% of emissions included (equity share approach)")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=models.Q(deleted_at__isnull=True),
                                    name="inventory_facility_unique_name",
                                    violation_error_message="A facility with this name exists."),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def electricity_region(self) -> str:
        return self.grid_region or self.country


class ActivityRecord(ComplianceModel):
    """One line of the GHG inventory: a quantity in a unit, the factor it used (FK and snapshot)
    and the emissions calculated from them."""

    audit_label = "inventory.activity"

    Scope = Scope  # one home: factortrace.core.ghg

    class Scope1Type(models.TextChoices):
        STATIONARY = "stationary", "Stationary combustion"
        MOBILE = "mobile", "Mobile combustion"
        PROCESS = "process", "Process emissions"
        FUGITIVE = "fugitive", "Fugitive emissions"

    class EnergyType(models.TextChoices):
        ELECTRICITY = "electricity", "Electricity"
        HEAT = "heat", "Heat"
        STEAM = "steam", "Steam"
        COOLING = "cooling", "Cooling"

    class Quality(models.TextChoices):
        MEASURED = "measured", "Measured"
        CALCULATED = "calculated", "Calculated"
        ESTIMATED = "estimated", "Estimated"

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="activities")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="activities")
    scope = models.CharField(max_length=1, choices=Scope.choices, db_index=True)
    scope1_type = models.CharField("Scope 1 type", max_length=12, choices=Scope1Type.choices, blank=True)
    energy_type = models.CharField("Purchased energy", max_length=12, choices=EnergyType.choices, blank=True,
                                   help_text="Scope 2: what was purchased")
    scope3_category = models.PositiveSmallIntegerField("Scope 3 category", choices=SCOPE3_CATEGORIES, null=True,
                                                       blank=True, db_index=True)
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=24, decimal_places=6)
    unit = models.CharField(max_length=40)
    factor = models.ForeignKey("factors.EmissionFactor", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    custom_factor = models.ForeignKey("factors_custom.CustomFactor", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    factor_snapshot = models.JSONField(default=dict, blank=True,
                                       help_text="The factor's value, unit, source and edition when calculated")
    factor_reason = models.TextField(blank=True, help_text="Why this factor was chosen")
    emissions_kg = models.DecimalField(max_digits=24, decimal_places=6, default=Decimal(0),
                                       help_text="kg CO2e (Scope 2: location-based)")
    co2_kg = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    ch4_kg = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    n2o_kg = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    other_kg = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    share_pct = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(100), editable=False,
                                    help_text="% of the line included (the facility's equity share when calculated)")
    ets_regulated = models.BooleanField("Under an emission trading scheme", default=False,
                                        help_text="Scope 1 emissions covered by a regulated emission trading scheme "
                                                  "(EU ETS) — E1-6 §48(b)")
    data_quality = models.CharField(max_length=12, choices=Quality.choices, default=Quality.CALCULATED)
    evidence = models.FileField(max_length=300, blank=True, upload_to=evidence_path,
                                help_text="Invoice, meter reading or calculation (PDF, image, spreadsheet; max 20 MB)")
    notes = models.TextField(blank=True)
    import_job = models.ForeignKey("imports.ImportJob", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    row_number = models.PositiveIntegerField(null=True, blank=True, help_text="Row in the imported file")

    class Meta:
        ordering = ["period", "scope", "scope3_category", "facility__name", "id"]
        verbose_name = "activity"
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["period", "scope"], name="inventory_act_period_scope")]

    def __str__(self) -> str:
        return f"{self.description} ({self.quantity.normalize():f} {self.unit})"

    @property
    def emissions_t(self) -> Decimal:
        return self.emissions_kg / 1000

    @property
    def evidence_name(self) -> str:
        return self.evidence.name.rsplit("/", 1)[-1] if self.evidence else ""

    @property
    def used_factor(self):
        return self.custom_factor or self.factor

    def clean(self):
        errors = {}
        if self.scope == self.Scope.SCOPE_1 and not self.scope1_type:
            errors["scope1_type"] = "Scope 1 needs a type: stationary, mobile, process or fugitive."
        if self.scope != self.Scope.SCOPE_1:
            if self.scope1_type:
                errors["scope1_type"] = "Only Scope 1 activities have a Scope 1 type."
            if self.ets_regulated:
                errors["ets_regulated"] = "Only Scope 1 emissions can be under an emission trading scheme."
        if self.scope == self.Scope.SCOPE_2 and not self.energy_type:
            errors["energy_type"] = "Scope 2 needs the purchased energy: electricity, heat, steam or cooling."
        if self.scope != self.Scope.SCOPE_2 and self.energy_type:
            errors["energy_type"] = "Only Scope 2 activities have a purchased energy type."
        if self.scope == self.Scope.SCOPE_3 and not self.scope3_category:
            errors["scope3_category"] = "Scope 3 needs a GHG Protocol category (1–15)."
        if self.scope != self.Scope.SCOPE_3 and self.scope3_category:
            errors["scope3_category"] = "Only Scope 3 activities have a category."
        if self.quantity is not None and self.quantity < 0:
            errors["quantity"] = "Quantities cannot be negative; record a correction as its own line with a note."
        if self.factor_id and self.custom_factor_id:
            errors["factor"] = "Use either a library factor or a custom factor, not both."
        if errors:
            raise ValidationError(errors)


class ContractualInstrument(ComplianceModel):
    """A Scope 2 contractual instrument (GHG Protocol Scope 2 Guidance, ch. 6–7): it covers
    electricity consumed at one facility in the same market, at its own emission rate."""

    audit_label = "inventory.instrument"

    class Kind(models.TextChoices):
        GO = "go", "Guarantee of origin (EU)"
        REC = "rec", "Renewable energy certificate (REC / I-REC)"
        PPA = "ppa", "Power purchase agreement"
        GREEN_TARIFF = "green_tariff", "Green tariff (with attributes)"
        SUPPLIER = "supplier", "Supplier-specific emission rate"

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="instruments")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="instruments")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    description = models.CharField(max_length=200, blank=True)
    supplier = models.CharField(max_length=120, blank=True)
    quantity_mwh = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True,
                                       help_text="MWh covered; empty for a supplier rate (it covers what the "
                                                 "instruments do not)")
    emission_rate = models.DecimalField(max_digits=14, decimal_places=8, default=Decimal(0),
                                        help_text="kg CO2e per kWh of the covered electricity (0 for renewables)")
    certificate_ids = models.TextField(blank=True, help_text="Registry or certificate numbers")
    renewable = models.BooleanField(default=True, help_text="The attributes are from renewable sources")

    class Meta:
        ordering = ["facility__name", "kind"]

    def __str__(self) -> str:
        amount = f"{self.quantity_mwh.normalize():f} MWh" if self.quantity_mwh is not None else "remaining supply"
        return f"{self.get_kind_display()} · {self.facility} · {amount}"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.SUPPLIER:
            if self.quantity_mwh is not None:
                errors["quantity_mwh"] = "A supplier-specific rate covers the remaining supply: leave MWh empty."
        elif self.quantity_mwh is None or self.quantity_mwh <= 0:
            errors["quantity_mwh"] = "Give the MWh the instrument covers."
        if self.emission_rate is not None and self.emission_rate < 0:
            errors["emission_rate"] = "An emission rate cannot be negative."
        if errors:
            raise ValidationError(errors)


class Target(ComplianceModel):
    """A GHG reduction target (ESRS E1-4 §34; IFRS S2 §33–36)."""

    audit_label = "inventory.target"

    class Kind(models.TextChoices):
        ABSOLUTE = "absolute", "Absolute (t CO2e)"
        INTENSITY = "intensity", "Intensity (t CO2e per million of revenue)"

    class Scope2Method(models.TextChoices):
        LOCATION = "location", "Location-based"
        MARKET = "market", "Market-based"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ABSOLUTE)
    covers_scope1 = models.BooleanField("Scope 1", default=True)
    covers_scope2 = models.BooleanField("Scope 2", default=True)
    scope2_method = models.CharField(max_length=10, choices=Scope2Method.choices, default=Scope2Method.MARKET)
    covers_scope3 = models.BooleanField("Scope 3", default=False)
    base_year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    base_value = models.DecimalField(max_digits=20, decimal_places=6,
                                     help_text="t CO2e, or t CO2e per million of revenue for intensity targets")
    target_year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    target_value = models.DecimalField(max_digits=20, decimal_places=6)
    science_based = models.BooleanField(default=False, help_text="Validated by SBTi or equivalent")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["target_year", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if not (self.covers_scope1 or self.covers_scope2 or self.covers_scope3):
            errors["covers_scope1"] = "A target covers at least one scope."
        if self.base_year and self.target_year and self.target_year <= self.base_year:
            errors["target_year"] = "The target year comes after the base year."
        if self.base_value is not None and self.base_value <= 0:
            errors["base_value"] = "The base-year value must be positive."
        if self.target_value is not None and self.target_value < 0:
            errors["target_value"] = "The target value cannot be negative."
        if errors:
            raise ValidationError(errors)

    @property
    def scope_labels(self) -> list[str]:
        labels = []
        if self.covers_scope1:
            labels.append("Scope 1")
        if self.covers_scope2:
            labels.append(f"Scope 2 ({self.get_scope2_method_display().lower()})")
        if self.covers_scope3:
            labels.append("Scope 3")
        return labels
