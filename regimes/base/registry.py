"""The regime registry: each regime app registers one :class:`Regime` in ``AppConfig.ready``.

The layout's regime switcher, the dashboard tiles, the report pipeline and the contract tests
read this registry; nothing else needs to know which regimes exist.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Regime:
    """A compliance regime's entry.

    code          short id, also the app's URL namespace and audit prefix ("csrd")
    name          shown in the switcher ("CSRD · ESRS E1")
    description   one line for the dashboard tile
    url_name      the regime's home page (namespaced URL name)
    legal_basis   the act(s) it implements, shown in reports
    summary       optional callable(request) -> list of (label, value) for the dashboard tile
    report_kinds  report kinds (registered with ``reports.registry``) this regime offers
    seed_demo     optional callable(tenant, owner) that fills the demo tenant (idempotent);
                  runs inside the tenant's schema
    """

    code: str
    name: str
    description: str
    url_name: str
    legal_basis: str
    summary: Callable | None = None
    report_kinds: tuple[str, ...] = field(default_factory=tuple)
    seed_demo: Callable | None = None

    @property
    def package(self) -> str:
        """The regime's app package; its ``urls`` and ``api_urls`` are routed from here."""
        return f"regimes.{self.code}"


_REGISTRY: dict[str, Regime] = {}


def register(regime: Regime) -> Regime:
    if regime.code in _REGISTRY and _REGISTRY[regime.code] != regime:
        raise ValueError(f"Regime {regime.code!r} is registered twice")
    _REGISTRY[regime.code] = regime
    return regime


def regimes() -> list[Regime]:
    return list(_REGISTRY.values())


def get(code: str) -> Regime:
    return _REGISTRY[code]
