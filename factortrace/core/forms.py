"""Form pieces every app shares: our field markup for every ``{{ form }}``, and the localised
decimal field (numbers typed in EU or US format)."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms.renderers import TemplatesSetting

from .numbers import NumberFormatError, parse_decimal


class FormRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


class LocalisedDecimalField(forms.CharField):
    """Accepts 1234.5, 1 234,5, 1.234,5 … (factortrace.core.numbers); refuses ambiguous input."""

    def __init__(self, *args, min_value: Decimal | None = None, **kwargs):
        self.min_value = min_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_decimal(value)
        except NumberFormatError as exc:
            raise forms.ValidationError(str(exc)) from None
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError(f"Must be at least {self.min_value}.")
        return number

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f").rstrip("0")
        return value
