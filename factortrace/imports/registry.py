"""The importers of every app: ``register(MyImporter())`` in ``<app>/importing.py``; those modules
are discovered on first use of the registry (like ``admin.py``), so nothing else needs editing."""
from __future__ import annotations

from django.utils.module_loading import autodiscover_modules

from .contract import Importer
from .copywriter import framework_columns

_REGISTRY: dict[str, Importer] = {}
_discovered = False


class UnknownImporter(KeyError):
    pass


def register(importer: Importer) -> Importer:
    if not importer.code or not importer.regime or "." not in importer.code:
        raise ValueError("An importer needs a code '<regime>.<what>' and a regime")
    if importer.model is None or not importer.fields or not importer.columns:
        raise ValueError(f"Importer {importer.code!r} needs a model, its fields and its columns")
    framework, _ = framework_columns(importer.model)
    covered = {*importer.fields, "row_number", *framework}
    uncovered = [f.attname for f in importer.model._meta.concrete_fields
                 if not f.primary_key and not f.null and f.attname not in covered and not f.has_db_default()]
    if uncovered:
        raise ValueError(f"Importer {importer.code!r} leaves NOT NULL columns {uncovered} without a value")
    existing = _REGISTRY.get(importer.code)
    if existing is not None and type(existing) is not type(importer):
        raise ValueError(f"Importer {importer.code!r} is registered twice")
    _REGISTRY[importer.code] = importer
    return importer


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("importing")


def importers() -> list[Importer]:
    _discover()
    return sorted(_REGISTRY.values(), key=lambda importer: importer.code)


def get_importer(code: str) -> Importer:
    _discover()
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownImporter(code) from None
