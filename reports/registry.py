"""The renderer registry: report kinds and their output formats.

A regime registers a :class:`ReportKind` (usually in ``AppConfig.ready``). The pipeline
(:mod:`reports.services`, :mod:`reports.tasks`) does the rest: queueing, progress, storing the
file under the tenant's schema with its SHA-256, downloads through a membership-checked view.

Contract for a kind's callables:
- ``build(ctx: BuildContext) -> data`` runs in the worker, inside the tenant's schema. It may
  read the database, must not write compliance data, and reports progress with
  ``ctx.progress(percent, message)``. It must be repeatable: a retried run calls it again.
- ``OutputFormat.render(data, ctx: RenderContext) -> bytes`` turns the data into the file. Pure:
  no database, no clock (use ``ctx.generated_at``).
- ``OutputFormat.validate(content: bytes) -> dict`` (optional) checks the bytes against the
  official schema; ``{"ok": False, ...}`` fails the run, so an invalid file is never offered.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OutputFormat:
    code: str
    label: str
    media_type: str
    extension: str
    render: Callable[[Any, RenderContext], bytes]
    validate: Callable[[bytes], dict] | None = None


@dataclass(frozen=True)
class ReportKind:
    code: str
    title: str
    regime: str
    description: str
    build: Callable[[BuildContext], Any]
    formats: tuple[OutputFormat, ...]
    params_form: type | None = None
    standard: str = ""
    title_for: Callable[[dict], str] | None = None  # title of one run from its parameters

    def format(self, code: str) -> OutputFormat:
        for output in self.formats:
            if output.code == code:
                return output
        raise KeyError(f"{self.code} has no format {code!r}")


@dataclass
class BuildContext:
    report: Any
    tenant: Any
    params: dict
    progress: Callable[[int, str], None]


@dataclass(frozen=True)
class RenderContext:
    report: Any
    tenant: Any
    generated_at: dt.datetime
    extra: dict = field(default_factory=dict)


_KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    if kind.code in _KINDS and _KINDS[kind.code] is not kind:
        raise ValueError(f"Report kind {kind.code!r} is registered twice")
    _KINDS[kind.code] = kind
    return kind


def get(code: str) -> ReportKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise KeyError(f"Unknown report kind {code!r}") from None


def kinds(regime: str | None = None) -> list[ReportKind]:
    return [kind for kind in _KINDS.values() if regime is None or kind.regime == regime]
