"""The bulk committer: validated rows go into the importer's table by PostgreSQL COPY, streamed
inside the job's one write transaction (see :class:`CopyWriter`), and the COPY text format."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection


class JsonText(str):
    """A JSON document already serialised (e.g. one factor snapshot shared by thousands of rows)."""


class Encoded(str):
    """A value already in COPY text form (see :func:`copy_encoded`): shared values such as a
    factor snapshot are escaped once per import, not once per row."""


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    # translate() with multi-character replacements is slow; most text has nothing to escape.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return str.translate(value, _COPY_ESCAPES)
    return value


def _copy_other(value: Any) -> str:
    if isinstance(value, Encoded):
        return value
    if isinstance(value, str):  # str subclasses such as TextChoices members: their text
        return _copy_text(str.__str__(value))
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_COPY_ESCAPES)
    raise TypeError(f"Cannot COPY a {type(value).__name__}")


# Exact types first (one dict lookup per value); anything else through _copy_other.
_COPY_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: _copy_text, JsonText: _copy_text, Encoded: lambda value: value, int: int.__repr__,
    Decimal: Decimal.__str__,  # numeric input accepts exponents; PostgreSQL rounds to the column's scale as on save
    bool: lambda value: "t" if value else "f", type(None): lambda value: "\\N",
}


def _copy_value(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    return _COPY_BY_TYPE.get(type(value), _copy_other)(value)


def copy_encoded(value: Any) -> Encoded:
    """``value`` in COPY text form, to return from ``parse_row`` for values many rows share."""
    return Encoded(_copy_value(value))


def copy_line(values: Sequence[Any], row_number: int, suffix: str) -> str:
    """One row in COPY text form: the importer's values, the row number, then ``suffix`` (the
    framework's columns, encoded once per job, with the line end)."""
    by_type = _COPY_BY_TYPE
    return "\t".join([by_type.get(type(v), _copy_other)(v) for v in values]) + "\t" + str(row_number) + suffix


class CopyWriter:
    """The bulk committer: validated rows go into the table by COPY, inside the job's one write
    transaction, *while the rows after them are still being checked* — PostgreSQL inserts and
    indexes on its own core as Python checks the next rows. Nothing is visible to anyone until
    that transaction commits, and it commits only when every row of the file was good.

    A query needed on the way (a factor seen for the first time) cannot run while a COPY is
    open on the connection: :meth:`before_query`, installed as a Django execute wrapper, ends
    the current COPY statement first, and the next rows start another.
    """

    BATCH = 64  # rows per write: small writes keep PostgreSQL and Python busy side by side (measured)

    def __init__(self, model, columns: Sequence[str], suffix: Sequence[Any]):
        quote = connection.ops.quote_name
        self.sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        self.suffix = "".join("\t" + _copy_value(value) for value in suffix) + "\n"
        self.count = 0
        self._lines: list[str] = []
        self._cursor = connection.cursor()
        self._context = None
        self._copy = None

    def add(self, values: Sequence[Any], row_number: int) -> None:
        self._lines.append(copy_line(values, row_number, self.suffix))
        self.count += 1
        if len(self._lines) >= self.BATCH:
            self._send()

    def _send(self) -> None:
        if not self._lines:
            return
        if self._copy is None:
            self._context = self._cursor.copy(self.sql)
            self._copy = self._context.__enter__()
        self._copy.write("".join(self._lines).encode("utf-8"))
        self._lines = []

    def _end_copy(self, error: BaseException | None = None) -> None:
        if self._copy is not None:
            context, self._context, self._copy = self._context, None, None
            if error is None:
                context.__exit__(None, None, None)  # waits until PostgreSQL has taken every row sent
            else:
                context.__exit__(type(error), error, None)  # COPY fails; the transaction is rolled back

    def before_query(self, execute, sql, params, many, context):
        """Django execute wrapper: end an open COPY before any other statement on the connection."""
        self._end_copy()
        return execute(sql, params, many, context)

    def finish(self) -> int:
        self._send()
        self._end_copy()
        self._cursor.close()
        return self.count

    def abort(self) -> None:
        self._lines = []
        # psycopg re-raises the COPY failure it was asked for.
        with contextlib.suppress(Exception):
            self._end_copy(RuntimeError("import abandoned"))
        self._cursor.close()


def framework_columns(model) -> tuple[list[str], bool]:
    """The columns the framework fills: the job, the row number (always) and who/when (if any)."""
    names = {f.attname for f in model._meta.concrete_fields}
    for required in ("import_job_id", "row_number"):
        if required not in names:
            raise TypeError(f"{model.__name__} needs {required} to be imported")
    stamps = all(name in names for name in ("created_at", "created_by_id", "updated_at", "updated_by_id"))
    return (["import_job_id", "created_at", "created_by_id", "updated_at", "updated_by_id"] if stamps
            else ["import_job_id"]), stamps

