"""Inventory forms: layout and parsing only (numbers in EU or US format); the services validate."""
from __future__ import annotations

from decimal import Decimal

from django import forms

from factors.custom.models import CustomFactor
from factors.models import EmissionFactor
from factortrace.core.forms import LocalisedDecimalField
from factortrace.core.units import UNIT_CHOICES, UnitError, canonical
from factortrace.core.validators import country_choices

from .models import ActivityRecord, ContractualInstrument, Facility, ReportingPeriod, Target
from .selectors import open_periods


def _unit_datalist() -> list[tuple[str, str]]:
    return [(value, label) for _, options in UNIT_CHOICES for value, label in options]


class PeriodForm(forms.ModelForm):
    net_revenue = LocalisedDecimalField(required=False, min_value=Decimal(0), label="Net revenue",
                                        help_text="Denominator of the GHG intensity (E1-6 §53).")
    high_climate_impact_revenue = LocalisedDecimalField(
        required=False, min_value=Decimal(0), label="Revenue from high climate impact sectors",
        help_text="For the energy intensity (E1-5 §40); leave empty if none.")

    class Meta:
        model = ReportingPeriod
        fields = ["name", "year", "start", "end", "currency", "net_revenue", "high_climate_impact_revenue",
                  "methodology"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}), "end": forms.DateInput(attrs={"type": "date"}),
                   "methodology": forms.Textarea(attrs={"rows": 4})}


class FacilityForm(forms.ModelForm):
    country = forms.ChoiceField(choices=[("", "— choose —")] + country_choices())
    equity_share = LocalisedDecimalField(min_value=Decimal(0), initial="100", label="Equity share (%)",
                                         help_text="Only used with the equity share approach.")

    class Meta:
        model = Facility
        fields = ["name", "code", "country", "grid_region", "consolidation", "equity_share"]


EVIDENCE_TYPES = (".pdf", ".png", ".jpg", ".jpeg", ".xlsx", ".xls", ".csv", ".docx", ".txt", ".eml")
EVIDENCE_MAX = 20 * 1024 * 1024


class ActivityForm(forms.ModelForm):
    quantity = LocalisedDecimalField(min_value=Decimal(0), help_text="EU or US format: 1 234,5 or 1,234.5")
    unit = forms.CharField(max_length=40, widget=forms.TextInput(attrs={"list": "unit-options", "autocomplete": "off"}),
                           help_text="e.g. kWh, kWh (Gross CV), litres, tonnes, passenger.km, EUR")
    factor_keywords = forms.CharField(
        required=False, max_length=200, label="Find a factor",
        help_text="Keywords to resolve the emission factor (e.g. 'natural gas', 'diesel', 'steel'). "
                  "Scope 2 electricity uses the grid factor of the facility's region.")
    factor_choice = forms.CharField(required=False, widget=forms.HiddenInput)  # "lib:<id>" or "custom:<id>"
    # Sent by the candidates partial with the choice (not rendered by the form itself).
    factor_reason = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ActivityRecord
        fields = ["period", "facility", "scope", "scope1_type", "energy_type", "scope3_category", "description",
                  "quantity", "unit", "data_quality", "ets_regulated", "notes", "evidence"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = open_periods(self.instance)
        self.fields["facility"].queryset = Facility.objects.all()
        self.unit_options = _unit_datalist()
        if self.instance.pk and self.instance.used_factor is not None:
            self.fields["factor_keywords"].help_text = (
                "Leave empty to keep the current factor; type keywords to choose another.")

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence and hasattr(evidence, "size"):
            name = evidence.name.lower()
            if not name.endswith(EVIDENCE_TYPES):
                raise forms.ValidationError(f"Evidence must be one of {', '.join(EVIDENCE_TYPES)}.")
            if evidence.size > EVIDENCE_MAX:
                raise forms.ValidationError("Evidence files are limited to 20 MB.")
        return evidence

    def clean_factor_reason(self):
        return self.cleaned_data["factor_reason"][:1000]

    def clean(self):
        """A chosen candidate becomes the service's ``factor`` or ``custom_factor`` (the other one
        cleared); it wins over the keywords, which only served to find the candidates."""
        cleaned = super().clean()
        choice = cleaned.get("factor_choice") or ""
        if not choice:
            return cleaned
        kind, _, pk = choice.partition(":")
        model = {"lib": EmissionFactor, "custom": CustomFactor}.get(kind)
        factor = model.objects.filter(pk=int(pk)).first() if model is not None and pk.isdigit() else None
        if factor is None:
            self.add_error("factor_keywords", "The chosen factor does not exist; find the factors again.")
            return cleaned
        cleaned["factor"], cleaned["custom_factor"] = (factor, None) if model is EmissionFactor else (None, factor)
        cleaned["factor_keywords"] = ""
        cleaned["factor_reason"] = cleaned.get("factor_reason") or "Chosen by the user from the candidates"
        return cleaned

    def clean_unit(self):
        unit = self.cleaned_data["unit"].strip()
        try:
            canonical(unit)
        except UnitError as exc:
            raise forms.ValidationError(str(exc)) from None
        return unit


class InstrumentForm(forms.ModelForm):
    quantity_mwh = LocalisedDecimalField(required=False, min_value=Decimal(0), label="MWh covered")
    emission_rate = LocalisedDecimalField(min_value=Decimal(0), initial="0", label="Emission rate (kg CO2e/kWh)")

    class Meta:
        model = ContractualInstrument
        fields = ["period", "facility", "kind", "supplier", "description", "quantity_mwh", "emission_rate",
                  "certificate_ids", "renewable"]
        widgets = {"certificate_ids": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = open_periods(self.instance)


class TargetForm(forms.ModelForm):
    base_value = LocalisedDecimalField(min_value=Decimal(0), label="Base-year value")
    target_value = LocalisedDecimalField(min_value=Decimal(0), label="Target value")

    class Meta:
        model = Target
        fields = ["name", "kind", "covers_scope1", "covers_scope2", "scope2_method", "covers_scope3", "base_year",
                  "base_value", "target_year", "target_value", "science_based", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
