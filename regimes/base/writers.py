"""One entry point per verb for every regime record: ``record_save`` and ``record_delete``
dispatch to the service registered for the record's model, so screens, the organisation admin,
the API and the importer share one path (validation, locks, audit) without knowing which app
owns the model.

An app registers its writers once, at import of its ``services.py``::

    writers.register(Facility, "facility", facility_save, facility_delete)

where ``facility_save(*, facility, actor, **extra)`` and ``facility_delete(*, facility, actor)``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Writer:
    keyword: str
    save: Callable
    delete: Callable


_WRITERS: dict[type, Writer] = {}


def register(model: type, keyword: str, save: Callable, delete: Callable) -> None:
    writer = Writer(keyword, save, delete)
    if _WRITERS.get(model, writer) != writer:
        raise ValueError(f"{model.__name__} has writers already")
    _WRITERS[model] = writer


def writer_for(model: type) -> Writer:
    try:
        return _WRITERS[model]
    except KeyError:
        raise LookupError(f"No service writes {model.__name__}: register it in its app's services.py") from None


def record_save(instance, actor, **extra):
    """Save any registered record through its service; ``extra`` goes to the service (e.g.
    ``keywords`` for an activity)."""
    writer = writer_for(type(instance))
    return writer.save(**{writer.keyword: instance}, actor=actor, **extra)


def record_delete(instance, actor) -> None:
    """Soft-delete any registered record through its service."""
    writer = writer_for(type(instance))
    writer.delete(**{writer.keyword: instance}, actor=actor)
