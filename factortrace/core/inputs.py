"""Inputs of write services. A service names the fields it takes; anything else is a caller's
mistake and is refused by name, never set on a model. Updates start from the stored row, read
under ``SELECT … FOR UPDATE``: what the caller's copy of the record says is never trusted (a view
or a form may have changed it before the call)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def accepted(data: Mapping[str, Any], fields: Iterable[str], *, service: str) -> dict[str, Any]:
    """``data`` as a new dict, or TypeError naming the keys ``service`` does not take."""
    fields = tuple(fields)
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise TypeError(f"{service}() does not take {', '.join(map(repr, unknown))}; "
                        f"it takes {', '.join(fields)}")
    return dict(data)


def assign(instance: models.Model, data: Mapping[str, Any]) -> None:
    """Set model fields from validated ``data`` as a ModelForm would (``save_form_data``: a file
    field given ``None`` keeps its file, ``False`` clears it). Call it with ``accepted`` data only."""
    for name, value in data.items():
        instance._meta.get_field(name).save_form_data(instance, value)


def stored_for_update(model: type[M], record: M | int) -> M:
    """The stored row of ``record`` (an instance — only its id is read — or an id), locked until the
    transaction ends. Soft-deleted rows too (the organisation admin edits them)."""
    pk = record if isinstance(record, int) else record.pk
    if pk is None:
        raise ValueError(f"{model.__name__} has no id: create it instead of updating it")
    manager = getattr(model, "all_objects", model._default_manager)
    return manager.select_for_update().get(pk=pk)
