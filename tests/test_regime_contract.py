"""Contract tests over the regime registry and the regime apps' shape (regimes/README.md)."""
import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from factortrace.core.admin import tenant_admin
from factortrace.core.models import ComplianceModel
from regimes.base.registry import regimes
from reports import registry as report_registry

ROOT = Path(__file__).resolve().parent.parent
SHAPE = ["apps.py", "regime.py", "models.py", "calculations.py", "services.py", "selectors.py", "forms.py",
         "views.py", "urls.py", "api.py", "report.py", "admin.py", "demo.py", "tests"]
REGIMES = regimes()


def test_at_least_one_regime_is_registered():
    assert {r.code for r in REGIMES} >= {"csrd"}


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_regime_app_has_the_shape(regime):
    folder = ROOT / "regimes" / regime.code
    missing = [name for name in SHAPE if not (folder / name).exists()]
    assert missing == [], f"regimes/{regime.code} lacks {missing}"
    assert (folder / "templates" / regime.code).is_dir()


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_regime_entry_is_complete(regime):
    assert regime.name and regime.description and regime.legal_basis
    assert reverse(regime.url_name, urlconf="factortrace.urls_tenant").startswith(f"/{regime.code}/")
    for kind in regime.report_kinds:
        assert report_registry.get(kind).regime == regime.code
    assert callable(regime.seed_demo)


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_regime_models_are_audited_soft_deletable_and_in_the_admin(regime):
    models = list(apps.get_app_config(regime.code).get_models())
    assert models
    for model in models:
        assert issubclass(model, ComplianceModel), model
        assert model.audit_label.startswith(f"{regime.code}."), model
        assert model in tenant_admin._registry, f"{model.__name__} is not in the organisation admin"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_regimes_never_import_each_other(regime):
    others = {f"regimes.{r.code}" for r in REGIMES if r.code != regime.code}
    for path in (ROOT / "regimes" / regime.code).rglob("*.py"):
        bad = {name for name in _imports(path) if any(name == o or name.startswith(o + ".") for o in others)}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_calculations_are_pure(regime):
    """No database, no clock, no Django models in calculations.py."""
    path = ROOT / "regimes" / regime.code / "calculations.py"
    names = _imports(path)
    assert not {n for n in names if n.startswith(("django.db", "django.utils.timezone")) or n.endswith(".models")}
    text = path.read_text()
    assert "datetime.now" not in text and "date.today" not in text and "timezone.now" not in text
