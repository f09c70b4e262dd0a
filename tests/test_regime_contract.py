"""Contract tests over the regime registry and the regime apps' shape (regimes/README.md).

Every registered regime — and the skeleton made from ``regimes/base/app_template``
(tests/test_regime_template.py runs these checks on it) — must pass them.
"""
import ast
import importlib
import re
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from factortrace.core.admin import tenant_admin
from factortrace.core.models import ComplianceModel
from factortrace.imports.registry import importers
from regimes.base.registry import regimes
from reports import registry as report_registry

REPO = Path(__file__).resolve().parent.parent
REQUIRED = ["apps.py", "regime.py", "models.py", "calculations.py", "services.py", "selectors.py", "forms.py",
            "views.py", "urls.py", "api.py", "api_urls.py", "admin.py", "demo.py", "tests", "migrations"]
REGIMES = regimes()


def folder_of(regime) -> Path:
    return Path(importlib.import_module(regime.package).__file__).resolve().parent


def test_at_least_one_regime_is_registered():
    assert {r.code for r in REGIMES} >= {"csrd"}


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_regime_app_has_the_shape(regime):
    folder = folder_of(regime)
    missing = [name for name in REQUIRED if not (folder / name).exists()]
    if regime.report_kinds:
        missing += [] if (folder / "report.py").exists() else ["report.py"]
    assert missing == [], f"regimes/{regime.code} lacks {missing}"
    assert (folder / "templates" / regime.code).is_dir()
    assert apps.get_app_config(regime.code).name == regime.package


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_regime_entry_is_complete(regime):
    assert regime.name and regime.description and regime.legal_basis
    assert reverse(regime.url_name, urlconf="factortrace.urls_tenant").startswith(f"/{regime.code}/")
    for kind in regime.report_kinds:
        assert report_registry.get(kind).regime == regime.code
    assert callable(regime.seed_demo)


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_regime_urls_are_namespaced_by_its_code(regime):
    urls = importlib.import_module(f"{regime.package}.urls")
    assert getattr(urls, "app_name", None) == regime.code, f"{regime.package}.urls needs app_name = {regime.code!r}"
    assert regime.url_name.startswith(f"{regime.code}:")


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_regime_models_are_audited_soft_deletable_and_in_the_admin(regime):
    models = list(apps.get_app_config(regime.code).get_models())
    assert models
    for model in models:
        assert issubclass(model, ComplianceModel), model
        assert model.audit_label.startswith(f"{regime.code}."), model
        assert model in tenant_admin._registry, f"{model.__name__} is not in the organisation admin"


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_every_xml_output_has_a_validator(regime):
    """An XML or XHTML file is offered only after its official schema accepted it."""
    for kind in regime.report_kinds:
        for output in report_registry.get(kind).formats:
            if "xml" in output.media_type or output.extension in ("xml", "xhtml"):
                assert output.validate is not None, f"{kind} {output.code} has no validator"


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_importers_belong_to_their_app(regime):
    for importer in importers():
        if importer.regime == regime.code or importer.code.startswith(f"{regime.code}."):
            assert importer.regime == regime.code and importer.code.startswith(f"{regime.code}."), importer.code
            assert importer.model._meta.app_label == regime.code, f"{importer.code} imports into another app's model"
            assert type(importer).__module__.startswith(regime.package + "."), type(importer).__module__


def _tag_libraries_of(package_folder: Path) -> set[str]:
    return {p.stem for p in (package_folder / "templatetags").glob("*.py") if p.stem != "__init__"}


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_no_template_loads_another_regimes_tag_library(regime):
    others = set().union(*[_tag_libraries_of(folder_of(r)) for r in REGIMES if r.code != regime.code])
    for template in (folder_of(regime) / "templates").rglob("*.html"):
        loaded = {name for match in re.finditer(r"{%\s*load\s+([^%]+?)\s*%}", template.read_text())
                  for name in match.group(1).split()}
        assert not loaded & others, f"{template} loads {loaded & others} of another regime"


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
    others = {r.package for r in REGIMES if r.code != regime.code}
    for path in folder_of(regime).rglob("*.py"):
        bad = {name for name in _imports(path) if any(name == o or name.startswith(o + ".") for o in others)}
        assert not bad, f"{path} imports {bad}"


@pytest.mark.parametrize("regime", REGIMES, ids=lambda r: r.code)
def test_calculations_are_pure(regime):
    """No database, no clock, no Django models in calculations.py."""
    path = folder_of(regime) / "calculations.py"
    names = _imports(path)
    assert not {n for n in names if n.startswith(("django", "rest_framework", "celery")) or n.endswith(".models")}
    text = path.read_text()
    assert "datetime.now" not in text and "date.today" not in text and "timezone.now" not in text


def test_every_regime_in_the_repository_is_in_the_import_contracts():
    """import-linter checks only what its contracts name: a regime left out would go unchecked."""
    contracts = {c["id"]: c for c in tomllib.loads((REPO / "pyproject.toml").read_text())
                 ["tool"]["importlinter"]["contracts"]}
    layers = " ".join(contracts["layers"]["layers"])
    independent = set(contracts["regimes-independent"]["modules"])
    for regime in REGIMES:
        if not folder_of(regime).is_relative_to(REPO):
            continue  # the skeleton generated in a temporary folder by test_regime_template.py
        assert regime.package in layers and regime.package in independent, regime.package
