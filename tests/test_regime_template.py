"""The regime skeleton: ``manage.py startapp --template regimes/base/app_template <code> regimes/<code>``
makes a registered, routed, tested, empty regime.

The skeleton is generated into a temporary folder (``regimes.__path__`` is extended there by a
settings module, so the repository is never written), its migration is made with
``makemigrations``, ruff checks the generated code with the project's rules, and a separate pytest
process — its own test database, cache and broker numbers — runs the generated tests together
with the regime contract tests and the tenant sweep for the new regime's URLs (outsiders 404,
anonymous to sign-in, too small roles 403, every view declaring its capability).
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = "zzkit"
pytestmark = pytest.mark.slow


def _run(args, *, cwd, env, timeout=300):
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    return result


@pytest.fixture(scope="module")
def skeleton(tmp_path_factory):
    base = tmp_path_factory.mktemp("skeleton")
    target = base / "regimes" / CODE
    target.mkdir(parents=True)
    (base / "settings_skeleton.py").write_text(textwrap.dedent(f"""\
        import regimes

        regimes.__path__.append({str(base / "regimes")!r})

        from factortrace.settings.test import *  # noqa: F403
        from factortrace.settings.test import INSTALLED_APPS, REGIMES, TENANT_APPS

        REGIMES = [*REGIMES, "regimes.{CODE}"]
        TENANT_APPS = [*TENANT_APPS, "regimes.{CODE}"]
        INSTALLED_APPS = [*INSTALLED_APPS, "regimes.{CODE}"]
        """))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(base), str(ROOT)]),
           "DJANGO_SETTINGS_MODULE": "settings_skeleton", "TEST_DB_NAME": f"test_factortrace_{CODE}",
           "TEST_CACHE_DB": "6", "TEST_BROKER_DB": "7", "TEST_MEDIA_DIR": f"test-media-{CODE}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    _run([*manage, "startapp", "--template", str(ROOT / "regimes" / "base" / "app_template"), CODE, str(target)],
         cwd=ROOT, env=env)
    _run([*manage, "makemigrations", CODE], cwd=ROOT, env=env)
    return base, target, env


def test_the_skeleton_has_the_regime_shape(skeleton):
    _, target, _ = skeleton
    for name in ("apps.py", "regime.py", "models.py", "calculations.py", "services.py", "selectors.py", "forms.py",
                 "views.py", "urls.py", "api.py", "api_urls.py", "serializers.py", "admin.py", "demo.py",
                 "migrations/0001_initial.py", f"templates/{CODE}/dashboard.html", "tests/test_regime.py"):
        assert (target / name).is_file(), name
    assert not list(target.rglob("*-tpl"))
    assert f'app_name = "{CODE}"' in (target / "urls.py").read_text()


def test_the_skeleton_is_small(skeleton):
    """About 150 lines of wiring: everything else comes from the kit."""
    _, target, _ = skeleton
    wiring = [p for p in target.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
    lines = sum(len([line for line in p.read_text().splitlines() if line.strip()]) for p in wiring)
    assert lines < 330, lines


def test_the_generated_code_passes_ruff(skeleton):
    _, target, env = skeleton
    _run([sys.executable, "-m", "ruff", "check", "--config", str(ROOT / "pyproject.toml"),
          "--force-exclude", "--extend-exclude", "migrations", str(target)],
         cwd=ROOT, env=env)


def test_the_generated_regime_passes_its_tests_the_contract_and_the_sweep(skeleton):
    base, target, env = skeleton
    (base / "pytest.ini").write_text(textwrap.dedent("""\
        [pytest]
        DJANGO_SETTINGS_MODULE = settings_skeleton
        addopts = -p no:cacheprovider --strict-markers
        markers =
            slow: slow
            browser: browser
            worker: worker
        """))
    # The project's fixtures (tenants A and B, a member per role, client_for), loaded as this
    # folder's conftest; the contract and sweep tests run as they are, for the new regime.
    (base / "conftest.py").write_text((ROOT / "conftest.py").read_text())
    checks = base / "checks"
    checks.mkdir()
    (checks / "__init__.py").write_text("")
    for name in ("test_regime_contract.py", "test_tenant_sweep.py"):
        (checks / name).write_text((ROOT / "tests" / name).read_text())
    result = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", str(target / "tests"),
                   str(checks / "test_regime_contract.py"), str(checks / "test_tenant_sweep.py"),
                   "-k", f"{CODE} or test_exemptions or test_the_sweep_sees", "--rootdir", str(base)],
                  cwd=base, env=env, timeout=600)
    summary = result.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary, result.stdout[-3000:]
    passed = int(summary.split(" passed")[0].split()[-1])
    assert passed >= 30, summary  # the generated tests plus the contract and sweep cases of the new regime
