"""Forms of the factor pages: the resolution explainer, and the unit checks every factor form uses."""
from __future__ import annotations

from django import forms

from factortrace.core.units import UNIT_CHOICES, UnitError, parse_unit

from .models import Scope

_UNIT_HELP = "A unit such as kWh, kWh (Gross CV), litres, tonne, km, passenger.km, tonne.km, EUR, USD."


def validated_unit(value: str) -> str:
    """The unit as typed, if pint can parse it; else a form error naming it and the accepted units."""
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
        return validated_unit(self.cleaned_data["unit"])

    def clean(self):
        data = super().clean()
        if not (data.get("keywords") or "").strip() and not (data.get("category") or "").strip():
            raise forms.ValidationError("Give keywords or a category.")
        return data


def unit_datalist() -> list[tuple[str, str]]:
    """Flat (value, label) list of the suggested units for a <datalist>."""
    return [choice for _, group in UNIT_CHOICES for choice in group]
