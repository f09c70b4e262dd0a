"""Untrusted files are parsed in a child process with hard limits, so a file built to exhaust
memory or processor time costs that child, never the worker.

    worker                                    child: python -I, no Django, no database, no secrets
    open_isolated() ── spawns; the upload ──►  limits: address space, CPU seconds, no files written
                       is the child's stdin    readers.open_handle(…).records()
                    ◄── frames (length + JSON): head, rows …, end | error
    IsolatedTable.rows() → Row objects for the importer (in the worker, with the database)

The child imports only the framework's plain-Python modules (contract, limits, rows, readers),
gets a minimal environment (no DATABASE_URL, no keys) and the file as an open descriptor, and
sends plain data (JSON; dates tagged), never objects. Whatever it sends is bounded: frames, cells
and columns have limits. If it dies — out of memory, out of CPU time, crashed — the import fails
with a message that says which, and the worker carries on.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from .contract import Column, ImportFileError, RowError
from .limits import Limits, megabytes
from .readers import Record, TableReader

ROOT = Path(__file__).resolve().parents[2]
MAX_FRAME = 64 * 1024 * 1024     # the most the worker reads in one frame
BATCH_ROWS = 500                 # rows per frame …
BATCH_CHARS = 512 * 1024         # … or about this much text
# The child runs without the project package's __init__ (which loads Celery and Django settings).
_BOOT = ("import sys, types; root = sys.argv[1]; sys.path.insert(0, root); "
         "package = types.ModuleType('factortrace'); package.__path__ = [root + '/factortrace']; "
         "sys.modules['factortrace'] = package; "
         "from factortrace.imports.isolation import child_main; child_main(sys.argv[2])")


# ---------------------------------------------------------------- the worker's side
def open_isolated(path: Path | str, file_format: str, columns: Sequence[Column], *, decimal_separator: str | None,
                  limits: Limits) -> IsolatedTable:
    """Open a stored upload for reading in a child process. Raises ImportFileError as
    :func:`.readers.open_table` does, and when the child cannot finish the file."""
    return IsolatedTable(Path(path), file_format, columns, decimal_separator, limits)


class IsolatedTable(TableReader):
    """The reader of a file parsed by a child process; its rows arrive as the child reads them."""

    def __init__(self, path: Path, file_format: str, columns: Sequence[Column], decimal_separator: str | None,
                 limits: Limits):
        self.format = file_format
        self.limits = limits
        self.decimal_separator = decimal_separator
        self.usage: dict[str, float] = {}
        self._progress = 0.0
        self._done = False
        request = json.dumps({"format": file_format, "separator": decimal_separator, "limits": limits.as_dict(),
                              "columns": [asdict(column) for column in columns]})
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 — open for the child's lifetime, closed in close()
        with path.open("rb") as upload:
            self._child = subprocess.Popen(
                [sys.executable, "-I", "-c", _BOOT, str(ROOT), request], stdin=upload, stdout=subprocess.PIPE,
                stderr=self._stderr, env=_child_env(), cwd="/", close_fds=True)
        self._out: IO[bytes] = self._child.stdout
        try:
            head = self._frame()
            self._check(head, "head")
            self.header_row = head["header_row"]
            self.columns = head["columns"]
            self._describe = head["describe"]
        except BaseException:
            self.close()
            raise

    def describe(self) -> str:
        return self._describe

    def progress(self) -> float:
        return self._progress

    def records(self) -> Iterator[Record]:
        while not self._done:
            frame = self._frame()
            if frame.get("t") == "end":
                self._done = True
                self.usage.update(frame.get("usage") or {})
                return
            self._check(frame, "rows")
            try:
                self._progress = min(max(float(frame.get("p") or 0.0), 0.0), 1.0)
                rows = [(int(number), values if values is None else list(values),
                         [RowError(*error) for error in errors] if errors else ())
                        for number, values, errors in frame["r"]]
            except (KeyError, TypeError, ValueError):
                raise self._failure("the reader's answer is malformed") from None
            yield from rows

    def _check(self, frame: dict, expected: str) -> None:
        if frame.get("t") == "error":
            self._done = True
            self.usage.update(frame.get("usage") or {})
            raise ImportFileError(frame.get("message") or "The file cannot be read.")
        if frame.get("t") != expected:
            raise self._failure(f"the reader answered {str(frame.get('t'))[:20]!r} where {expected!r} was due")

    def _frame(self) -> dict:
        header = self._out.read(4)
        if len(header) < 4:
            raise self._failure("the reader stopped")
        size = int.from_bytes(header, "big")
        if size > MAX_FRAME:
            raise self._failure(f"the reader sent {megabytes(size)} at once")
        data = self._out.read(size)
        if len(data) < size:
            raise self._failure("the reader stopped")
        try:
            return json.loads(data, object_hook=_decode)
        except ValueError:
            raise self._failure("the reader's answer is not readable") from None

    def _failure(self, what: str) -> ImportFileError:
        """Why the child could not finish, in words for the person who uploaded the file."""
        self._done = True
        status = self._reap(wait=5)
        limits = self.limits
        if status in (-signal.SIGXCPU, -signal.SIGKILL) and self.usage.get("cpu_s", 0) >= limits.parse_cpu_seconds - 1:
            seconds = f"{limits.parse_cpu_seconds} second{'s' if limits.parse_cpu_seconds != 1 else ''}"
            message = (f"Reading the file took more than {seconds} of processor time, the "
                       "limit for one file; it is far larger or more complex than a sheet of data. Split it into "
                       "smaller files, or save it as CSV.")
        elif status is not None and status < 0:
            name = signal.Signals(-status).name
            message = (f"The file could not be read: the reader stopped ({name}) — the file is damaged or built to "
                       "exhaust the server. Open it in Excel and save it again, or save it as CSV.")
        else:
            message = (f"The file could not be read ({what}; exit status {status}). Open it in Excel and save it "
                       "again, or save it as CSV.")
        self._log(message)
        return ImportFileError(message)

    def _reap(self, wait: float = 0) -> int | None:
        """Collect the child — killed if it still runs after ``wait`` seconds —, its exit status and its
        resource use."""
        child = self._child
        if child.returncode is not None:
            return child.returncode
        deadline = time.monotonic() + wait
        try:
            while True:
                pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() >= deadline:
                    os.kill(child.pid, signal.SIGKILL)  # not Popen.send_signal: it would collect the child
                    pid, status, usage = os.wait4(child.pid, 0)
                    break
                time.sleep(0.02)
        except ChildProcessError:  # collected elsewhere
            child.returncode = -1
            return child.returncode
        child.returncode = os.waitstatus_to_exitcode(status)
        self.usage["cpu_s"] = usage.ru_utime + usage.ru_stime  # the child's own peak memory comes in its frames
        return child.returncode

    def _log(self, message: str) -> None:
        import logging  # noqa: PLC0415

        try:
            self._stderr.seek(0)
            tail = self._stderr.read()[-2000:].decode("utf-8", "replace")
        except (OSError, ValueError):
            tail = ""
        logging.getLogger(__name__).warning("import reader failed: %s (usage %s) %s", message, self.usage, tail)

    def close(self) -> None:
        if self._child.returncode is None:
            self._reap(wait=0 if not self._done else 5)
        for stream in (self._out, self._stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.close()


def _child_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}


def _decode(tagged: dict) -> Any:
    if "$" not in tagged:
        return tagged  # a frame
    kind, value = tagged.get("$"), tagged.get("v")
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "time":
        return dt.time.fromisoformat(value)
    if kind == "timedelta":
        return dt.timedelta(seconds=float(value))
    if kind == "decimal":
        return Decimal(value)
    return str(value)


# ---------------------------------------------------------------- the child's side
def _encode(value: Any) -> dict:
    if isinstance(value, dt.datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    if isinstance(value, Decimal):
        return {"$": "decimal", "v": str(value)}
    return {"$": "text", "v": str(value)}


def _text_size(values) -> int:
    try:
        return sum(map(len, values))
    except TypeError:
        return sum(len(value) for value in values if isinstance(value, str))


def child_main(request_json: str) -> None:
    """Entry point of the child (see _BOOT): read the file given as stdin, send frames to stdout."""
    out = os.fdopen(1, "wb", buffering=1 << 16)
    encoder = json.JSONEncoder(default=_encode, ensure_ascii=False, separators=(",", ":"))

    def send(frame: dict) -> None:
        data = encoder.encode(frame).encode("utf-8")
        out.write(len(data).to_bytes(4, "big"))
        out.write(data)

    out_of_memory = b'{"t":"error","message":"%s"}'
    try:
        request = json.loads(request_json)
        limits = Limits(**request["limits"])
        out_of_memory %= (f"Reading the file needed more than {megabytes(limits.parse_memory_bytes)} of memory, the "
                          "limit for one file; it is far larger or more complex than a sheet of data. Split it into "
                          "smaller files, or save it as CSV.").encode()
        from . import readers  # noqa: PLC0415

        if request["format"] == "xlsx":  # everything the reader will need, loaded before the memory limit
            import lxml.etree  # noqa: F401,PLC0415
            import openpyxl.reader.excel  # noqa: PLC0415
            import openpyxl.styles.stylesheet  # noqa: PLC0415
            import openpyxl.utils.datetime  # noqa: PLC0415
            import openpyxl.xml.constants  # noqa: F401,PLC0415
        _limit_self(limits)
        import csv  # noqa: PLC0415

        csv.field_size_limit(limits.cell_chars)
        columns = [Column(**{**column, "choices": tuple(column["choices"]), "aliases": tuple(column["aliases"])})
                   for column in request["columns"]]
        handle = os.fdopen(0, "rb")
        with readers.open_handle(handle, request["format"], columns, decimal_separator=request["separator"],
                                 limits=limits) as table:
            send({"t": "head", "describe": table.describe(), "header_row": table.header_row,
                  "columns": table.columns})
            batch: list = []
            chars = 0
            for number, values, errors in table.records():
                batch.append([number, values, [list(asdict(error).values()) for error in errors] if errors else 0])
                if values is not None:
                    chars += _text_size(values)
                if len(batch) >= BATCH_ROWS or chars >= BATCH_CHARS:
                    send({"t": "rows", "p": table.progress(), "r": batch})
                    batch, chars = [], 0
            if batch:
                send({"t": "rows", "p": table.progress(), "r": batch})
        send({"t": "end", "usage": _usage()})
    except MemoryError:
        out.write(len(out_of_memory).to_bytes(4, "big"))
        out.write(out_of_memory)
    except ImportFileError as exc:
        if _near_memory_limit():  # a parser that ran out of memory reports it as something else
            out.write(len(out_of_memory).to_bytes(4, "big"))
            out.write(out_of_memory)
        else:
            send({"t": "error", "message": str(exc), "usage": _usage()})
    except RecursionError:
        send({"t": "error", "message": "The file is nested too deeply to be read; it is damaged or built to exhaust "
                                       "the server."})
    except Exception as exc:  # noqa: BLE001 — anything else: a file this reader cannot read
        if _near_memory_limit():
            out.write(len(out_of_memory).to_bytes(4, "big"))
            out.write(out_of_memory)
        else:
            send({"t": "error", "message": f"The file cannot be read ({exc.__class__.__name__}: {str(exc)[:200]})."})
    finally:
        try:
            out.flush()
        finally:
            os._exit(0)


def _usage() -> dict:
    """This process's peak resident memory (since it started this program: VmHWM, not ru_maxrss,
    which counts the worker's pages shared at fork) and processor time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = 0.0
    try:
        with open("/proc/self/status", "rb") as status:
            peak = next(int(line.split()[1]) / 1024 for line in status if line.startswith(b"VmHWM:"))
    except (OSError, StopIteration, ValueError):
        pass
    return {"peak_mb": peak, "cpu_s": usage.ru_utime + usage.ru_stime}


def _near_memory_limit() -> bool:
    """Whether this process has used most of its address space (an allocation then fails in C code,
    which reports it as a parse error)."""
    try:
        with open("/proc/self/status", "rb") as status:
            peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith(b"VmPeak:"))
    except (OSError, StopIteration, ValueError):
        return False
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    return limit != resource.RLIM_INFINITY and peak > 0.9 * limit


def _limit_self(limits: Limits) -> None:
    """The child's own limits, set before it reads a byte of the file."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.parse_memory_bytes, limits.parse_memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.parse_cpu_seconds, limits.parse_cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))   # it writes no file (its output is a pipe)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (32, 32))
