"""CSRD forms: layout and parsing only (numbers in EU or US format); the services validate."""
from __future__ import annotations

from decimal import Decimal

from django import forms

from factortrace.core.forms import LocalisedDecimalField
from regimes.inventory.selectors import open_periods

from .models import EnergyConsumption


class EnergyForm(forms.ModelForm):
    mwh = LocalisedDecimalField(min_value=Decimal(0), label="MWh")

    class Meta:
        model = EnergyConsumption
        fields = ["period", "facility", "category", "description", "mwh", "high_climate_impact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = open_periods(self.instance)
        self.fields["facility"].required = False
