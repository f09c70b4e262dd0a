"""One entry point per verb for every regime record: ``record_create``, ``record_update`` and
``record_delete`` dispatch to the services registered for the record's model, so screens
(:class:`~regimes.base.crud.ServiceFormView`), the organisation admin
(:class:`~regimes.base.crud.RecordAdmin`) and the API (:class:`~regimes.base.crud.RecordViewSet`)
share one path (validation, locks, audit) without knowing which app owns the model.

The services' contract (``<thing>`` is the keyword given at registration)::

    <thing>_create(*, actor, data: dict) -> instance
    <thing>_update(*, <thing>: instance | id, actor, data: dict) -> instance  # only the id is read
    <thing>_delete(*, <thing>: instance | id, actor) -> None

``data`` holds validated values keyed by field name (related records as instances); a service
refuses keys it does not take (TypeError naming them, :func:`factortrace.core.inputs.accepted`)
and raises ``ValidationError`` (or ``Conflict``) for anything people can fix. An app registers
its services once, at import of its ``services.py``::

    writers.register(Facility, "facility", create=facility_create, update=facility_update,
                     delete=facility_delete)
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Writer:
    keyword: str
    create: Callable
    update: Callable
    delete: Callable


_WRITERS: dict[type, Writer] = {}


def register(model: type, keyword: str, *, create: Callable, update: Callable, delete: Callable) -> None:
    writer = Writer(keyword, create, update, delete)
    if _WRITERS.get(model, writer) != writer:
        raise ValueError(f"{model.__name__} has writers already")
    _WRITERS[model] = writer


def writer_for(model: type) -> Writer:
    try:
        return _WRITERS[model]
    except KeyError:
        raise LookupError(f"No service writes {model.__name__}: register it in its app's services.py") from None


def record_create(model: type, actor, data: Mapping[str, Any]):
    """Create a record of ``model`` from validated ``data``; returns the saved instance."""
    return writer_for(model).create(actor=actor, data=data)


def record_update(instance, actor, data: Mapping[str, Any]):
    """Change the stored ``instance`` (only its id is read) by ``data``; returns the saved instance."""
    writer = writer_for(type(instance))
    return writer.update(**{writer.keyword: instance}, actor=actor, data=data)


def record_delete(instance, actor) -> None:
    """Soft-delete any registered record through its service."""
    writer = writer_for(type(instance))
    writer.delete(**{writer.keyword: instance}, actor=actor)
