"""The hostile-file corpus (hostile.py), imported through the service the task runs: each file fails
in bounded time and memory with a message naming the problem, nothing is written, and the
process that imports it (the worker) is untouched — files are read by a child process with
memory and CPU limits, whose own use is measured here."""
from __future__ import annotations

import os
import time
from pathlib import Path
from unittest import mock

import pytest
from django.test import override_settings

from factortrace.imports import isolation
from factortrace.imports.limits import MB

from . import hostile

MEASURES = Path(__file__).resolve().parents[3] / "var" / "test-artifacts" / "hostile-corpus.txt"

pytestmark = pytest.mark.django_db

# name, file, words of the message
CORPUS = [
    ("five_million_strings", "xlsx", "more than 1,000,000 different texts"),
    ("one_huge_cell", "xlsx", "unpacks to 400 MB (its part xl/sharedStrings.xml alone to 400 MB)"),
    ("long_shared_string", "xlsx", "a text longer than a cell may be (32,767 characters"),
    ("long_inline_cell", "xlsx", "Cell A2 holds 2,000,000 characters; a cell may hold at most 32,767"),
    ("zip_bomb", "xlsx", "unpacks to 300 MB"),
    ("dense_bomb", "xlsx", "unpacks 1,0"),
    ("deep_nesting", "xlsx", "nested more than 256 levels deep"),
    ("entity_expansion", "xlsx", "declares entities (a document type definition)"),
    ("far_column", "xlsx", "Cell XFD2 holds a value in column 16,384; an import file may use at most 256 columns"),
    ("huge_line", "csv", "Line 2 of the file is more than"),
    ("unclosed_quote", "csv", "Row 2 has a cell longer than 32,767 characters"),
    ("long_header", "csv",
     "The header row (line 1) is 200 KB long; a header names the columns and may be at most 64 KB"),
]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    MEASURES.unlink(missing_ok=True)
    folder = tmp_path_factory.mktemp("hostile")
    files = {name: getattr(hostile, name)(folder / f"{name}.{fmt}") for name, fmt, _ in CORPUS}
    files["good"] = hostile.good(folder / "good.xlsx")
    return files


class Spy:
    """Keeps the child-process readers the service opened (their resource use is measured)."""

    def __init__(self):
        self.tables = []
        spy = self

        class Recorded(isolation.IsolatedTable):
            def __init__(self, *args, **kwargs):
                spy.tables.append(self)  # kept even when opening the file fails
                super().__init__(*args, **kwargs)

        self.table_class = Recorded

    def __call__(self, path, file_format, columns, *, decimal_separator, limits):
        return self.table_class(path, file_format, columns, decimal_separator, limits)


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB


def run_spied(importing, path, spy, measure: dict | None = None):
    """Upload ``path``, then run the import (as the worker does), measured: seconds, and how much
    the importing process grew."""
    queued = importing["job"](path.read_bytes(), path.name)
    from factortrace.imports import import_run

    with importing["in_tenant"](importing["tenant"]), \
            mock.patch("factortrace.imports.services.open_isolated", side_effect=spy):
        before, started = rss_mb(), time.monotonic()
        job = import_run(queued.pk)
        if measure is not None:
            measure.update(seconds=time.monotonic() - started, grown=rss_mb() - before)
    return job


def test_a_small_real_workbook_of_the_same_making_imports(importing, corpus):
    job = importing["run"](corpus["good"].read_bytes(), "good.xlsx")
    assert (job.status, job.imported_rows) == ("succeeded", 1), job.error


@pytest.mark.parametrize("name, fmt, words", CORPUS, ids=[name for name, _, _ in CORPUS])
def test_a_hostile_file_fails_fast_with_a_clear_message_and_nothing_written(importing, corpus, name, fmt, words):
    spy, measured = Spy(), {}
    job = run_spied(importing, corpus[name], spy, measured)
    seconds, grown = measured["seconds"], measured["grown"]
    assert job.status == "failed" and words in job.error, job.error
    assert job.imported_rows == 0 and importing["items"]() == []
    assert job.message == "The file cannot be read"
    (table,) = spy.tables
    child = table.usage
    MEASURES.parent.mkdir(parents=True, exist_ok=True)
    with MEASURES.open("a") as measures:
        measures.write(f"{name:22} {corpus[name].stat().st_size / 1024:>8,.0f} KB  {seconds:5.2f} s  "
                       f"reader peak {child.get('peak_mb', 0):4.0f} MB, CPU {child.get('cpu_s', 0):4.2f} s; "
                       f"worker grew {max(grown, 0):3.0f} MB\n")
    assert seconds < 15
    assert 0 < child["peak_mb"] < 256 and child["cpu_s"] < 10
    assert grown < 32  # the file never went through the worker's memory


@override_settings(IMPORT_LIMITS={"parse_memory_bytes": 256 * MB})
def test_a_file_that_needs_more_memory_than_a_reader_may_use_fails_saying_so(importing, tmp_path):
    path = hostile.many_strings(tmp_path / "strings.xlsx", count=500_000, padding=200)  # legal, ~300 MB to hold
    spy = Spy()
    job = run_spied(importing, path, spy)
    assert job.status == "failed" and "needed more than 256 MB of memory, the limit for one file" in job.error
    assert importing["items"]() == []


@override_settings(IMPORT_LIMITS={"parse_cpu_seconds": 1})
def test_a_file_that_needs_more_processor_time_than_a_reader_may_use_fails_saying_so(importing, tmp_path):
    path = hostile.many_rows(tmp_path / "rows.xlsx", count=300_000)  # legal, ~10 s of reading
    spy, measured = Spy(), {}
    job = run_spied(importing, path, spy, measured)
    assert job.status == "failed" and "took more than 1 second of processor time" in job.error, job.error
    assert measured["seconds"] < 10 and spy.tables[0].usage["cpu_s"] < 2
    assert importing["items"]() == []


def test_the_reader_runs_without_the_workers_environment(importing, monkeypatch):
    # The child gets neither the database URL nor any other secret of the worker's environment.
    monkeypatch.setenv("DATABASE_URL", "postgresql://secret@db/prod")
    env = isolation._child_env()
    assert set(env) == {"PATH", "LC_ALL", "PYTHONIOENCODING"}
