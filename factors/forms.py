"""Forms of the factor pages: the resolution explainer and tenant custom factors."""
from __future__ import annotations

from django import forms

from factortrace.core.units import UNIT_CHOICES, UnitError, parse_unit

from .custom.models import CustomFactor
from .models import Scope

_UNIT_HELP = "A unit such as kWh, kWh (Gross CV), litres, tonne, km, passenger.km, tonne.km, EUR, USD."


def _clean_unit(value: str) -> str:
    value = (value or "").strip()
    try:
        parse_unit(value)
    except UnitError as exc:
        raise forms.ValidationError(f"{exc}. {_UNIT_HELP}") from exc
    return value


class ResolveForm(forms.Form):
    keywords = forms.CharField(required=False, max_length=200, help_text="e.g. diesel, natural gas, electricity")
    category = forms.CharField(required=False, max_length=200,
                               help_text="A category or path, e.g. Fuels > Liquid fuels (optional)")
    unit = forms.CharField(max_length=60, help_text=_UNIT_HELP,
                           widget=forms.TextInput(attrs={"list": "unit-choices", "autocomplete": "off"}))
    region = forms.CharField(required=False, max_length=40,
                             help_text="ISO 3166 alpha-2 (GB, DE), US eGRID subregion (CAMX) or GLOBAL")
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100)
    scope = forms.ChoiceField(required=False, choices=[("", "Any scope")] + [c for c in Scope.choices if c[0]])

    def clean_unit(self):
        return _clean_unit(self.cleaned_data["unit"])

    def clean(self):
        data = super().clean()
        if not (data.get("keywords") or "").strip() and not (data.get("category") or "").strip():
            raise forms.ValidationError("Give keywords or a category.")
        return data


class CustomFactorForm(forms.ModelForm):
    class Meta:
        model = CustomFactor
        fields = ["kind", "supplier", "activity", "unit", "kgco2e_per_unit", "region", "year", "scope", "level1",
                  "level2", "classification", "classification_code", "co2", "ch4", "n2o", "other", "biogenic_co2",
                  "direct", "indirect", "gwp_basis", "valid_from", "valid_to", "source_name", "reference", "notes",
                  "tenant_notes"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "tenant_notes": forms.Textarea(attrs={"rows": 3}),
            "unit": forms.TextInput(attrs={"list": "unit-choices", "autocomplete": "off"}),
        }
        labels = {"kgco2e_per_unit": "kg CO2e per unit", "co2": "CO2 (kg CO2e per unit)",
                  "ch4": "CH4 (kg CO2e per unit)", "n2o": "N2O (kg CO2e per unit)", "gwp_basis": "GWP basis"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [("", "Not stated")] + [choice for choice in Scope.choices if choice[0]]
        self.fields["gwp_basis"].choices = [("", "Not stated / CO2 only")] + [c for c in self.fields[
            "gwp_basis"].choices if c[0]]

    def clean_unit(self):
        return _clean_unit(self.cleaned_data["unit"])


def unit_datalist() -> list[tuple[str, str]]:
    """Flat (value, label) list of the suggested units for a <datalist>."""
    return [choice for _, group in UNIT_CHOICES for choice in group]
