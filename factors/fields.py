"""A decimal column that keeps a publisher's number exactly as written.

Django's ``DecimalField`` maps to ``numeric(p, s)``, which pads every value to ``s`` decimal
places: DESNZ's ``0.18290`` would come back as ``0.18290000000000000000`` and the published
precision would be lost. PostgreSQL's unconstrained ``numeric`` stores the value *and its
scale* as given, so ``0.1829`` stays ``0.1829`` and ``3.23E-9`` stays exact. ``max_digits`` and
``decimal_places`` still validate what people type in forms and the API.
"""
from __future__ import annotations

from django.db import models


class ExactDecimalField(models.DecimalField):
    description = "Decimal number stored with the scale it was published with"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 40)
        kwargs.setdefault("decimal_places", 20)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "numeric"

    def cast_db_type(self, connection):
        return "numeric"
