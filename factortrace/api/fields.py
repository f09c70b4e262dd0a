"""Serializer pieces every API shares: exact decimal strings and the record base serializer."""
from __future__ import annotations

from django.db import models
from rest_framework import serializers


class ExactDecimal(serializers.DecimalField):
    """A read-only decimal string at full precision (no padding, no exponent)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(max_digits=None, decimal_places=None, normalize_output=True, **kwargs)


class FixedDecimal(serializers.DecimalField):
    """A read-only decimal string printed with the scale it has (``"53.100"`` keeps its zeros:
    they state the precision of a rounded figure)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(max_digits=None, decimal_places=None, **kwargs)


class RecordSerializer(serializers.ModelSerializer):
    """Unpadded decimal strings, and who/when of the record (read-only, e-mail addresses)."""

    created_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    updated_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.DecimalField):
            field_kwargs["normalize_output"] = True
        return field_class, field_kwargs


AUDIT_FIELDS = ["created_at", "created_by", "updated_at", "updated_by"]
