"""The custom factor form (tenant custom and supplier-specific factors)."""
from __future__ import annotations

from django import forms

from factors.forms import validated_unit
from factors.models import Scope

from .models import CustomFactor


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
        return validated_unit(self.cleaned_data["unit"])
