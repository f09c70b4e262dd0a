"""Errors every layer shares."""
from __future__ import annotations

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """The data's current state refuses the write — a locked period, a record others still use.
    Forms show the message like any validation error; the API answers 409 Conflict (its problem
    handler maps this class), where other ``ValidationError``s are 400."""
