"""Fixtures for tests that need real processes: a web server (gunicorn) and a Celery worker
running against the *test* database, and headless Chromium driven by Playwright.

Data these tests use must be committed (created under ``django_db_blocker.unblock()`` outside a
test transaction): the ``tenancy`` and ``demo_tenant`` session fixtures are. Tests using them do
not request ``db``, so nothing is flushed (see STACK-NOTES: flushes truncate the tenant table).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "var" / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def live_env() -> dict[str, str]:
    """Environment for child processes: same settings, but the *test* database."""
    from urllib.parse import quote

    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    url = f"postgresql://{db['USER']}@{host}{':' + str(db['PORT']) if db['PORT'] else ''}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "factortrace.settings.test", "DATABASE_URL": url,
           "REDIS_URL": settings.REDIS_URL, "CACHE_URL": settings.CACHES["default"]["LOCATION"],
           "MEDIA_ROOT": str(settings.MEDIA_ROOT), "PYTHONUNBUFFERED": "1"}
    env.pop("TEST_DB_NAME", None)
    return env


def wait_http(url: str, host: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers={"Host": host})
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _end_other_sessions() -> None:
    """The test database can only be dropped when no session uses it: stopped children's
    backends linger briefly, and a test run under Playwright's greenlets may have opened a
    second connection of its own. End them (test database only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(scope="session")
def web_server(tenancy, django_db_blocker):
    """A gunicorn serving the test database; yields its base port."""
    port = _free_port()
    log = open(ROOT / "var" / "test-live-server.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "factortrace.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--timeout", "60"],
        cwd=ROOT, env=live_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/health", "localhost")
        yield port
    finally:
        stop(process)
        with django_db_blocker.unblock():
            _end_other_sessions()


@pytest.fixture(scope="session")
def demo_tenant(tenancy, factor_library, django_db_blocker):
    """The demo tenant exactly as `make run` creates it (committed)."""
    from factortrace.portal.demo import demo_ensure

    with django_db_blocker.unblock():
        tenant = demo_ensure()
    from django.db import connection

    connection.set_schema_to_public()
    return tenant


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + the ORM in one test
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def start_worker(name: str, extra_env: dict | None = None, queue: str = "celery",
                 concurrency: int = 1) -> subprocess.Popen:
    """A real Celery worker (prefork, ``concurrency`` children) on the test database and the test broker."""
    log = open(ROOT / "var" / f"test-worker-{name}.log", "wb")  # noqa: SIM115
    env = {**live_env(), **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.worker_app", "worker", "--loglevel", "INFO",
         "--concurrency", str(concurrency), "--hostname", f"{name}@%h", "--queues", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    log_path = ROOT / "var" / f"test-worker-{name}.log"
    while time.monotonic() < deadline:
        if b"ready." in log_path.read_bytes():
            return process
        if process.poll() is not None:
            raise RuntimeError(f"worker {name} exited: {log_path.read_text()[-2000:]}")
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"worker {name} not ready in 60 s")


@pytest.fixture(scope="session")
def celery_worker(tenancy, django_db_blocker):
    """A worker for the whole session (tests that need one just request it)."""
    from factortrace.celery import app

    app.control.purge()  # nothing left over from an earlier, interrupted run
    process = start_worker("session")
    yield process
    stop(process)
    with django_db_blocker.unblock():
        _end_other_sessions()


def committed(fn, *args, **kwargs):
    """Run ``fn`` on a fresh database connection in its own thread, so what it writes is committed
    now — visible to the web server and workers (the test itself runs inside a transaction that is
    rolled back). Use inside ``django_db_blocker.unblock()``. Returns ``fn``'s result."""
    import threading

    from django.db import connections

    result: dict = {}

    def target():
        try:
            result["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 — re-raised in the test's thread
            result["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")
