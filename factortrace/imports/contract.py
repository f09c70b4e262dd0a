"""The contract between the import framework and an importer: :class:`Importer` (what a regime
implements), :class:`Column` (one column of its files), and the two kinds of problem —
:class:`ImportFileError` (the file as a whole) and :class:`RowError` (one cell or row).

Plain Python: the child process that reads untrusted files imports this module without Django.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from django import forms

    from .models import ImportJob
    from .rows import Row


class ImportFileError(Exception):
    """A problem with the file (or the job) as a whole: shown to the person, never retried."""


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    cell: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "cell": self.cell, "value": self.value,
                "reason": self.reason}


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    name      the header as the template writes it (``scope3_category``), also the key in rows
    label     a readable title; accepted as a header too (``Scope 3 category``)
    help      what to enter, printed in the template's guide and on the upload page
    example   a value for the guide
    required  the header must contain the column (a value may still be optional per row)
    choices   accepted values, for the guide and the XLSX drop-down
    aliases   further header spellings accepted
    """

    name: str
    label: str
    help: str
    example: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


class Importer(ABC):
    """Base class and contract of an importer. Subclass, set the attributes, implement
    :meth:`prepare` and :meth:`parse_row`, then ``register(MyImporter())``.

    Attributes
        code         unique id, ``<regime>.<what>`` (``inventory.activities``); stored on the job
        regime       the regime code (``csrd``)
        title        shown on pages (``GHG inventory activities``)
        description  one paragraph for the upload page and the template
        columns      the :class:`Column` specs, in template order
        params_form  a ``forms.Form`` of the job's parameters (e.g. the reporting period); the
                     upload page shows its fields, the API accepts them, :func:`import_request`
                     validates through it — one place for the rules
        model        the model rows are committed into (the bulk committer is :class:`CopyWriter`)
        fields       the model's column names (attnames) in the order :meth:`parse_row` returns
                     values; the framework adds ``import_job_id``, ``row_number`` and the
                     created/updated stamps when the model has them
        audit_action the code of the one audit entry written with the commit
        sheet_title  the first sheet's name in the XLSX template

    Methods (``context`` is whatever :meth:`prepare` returns: per-job lookups and caches)
        prepare(job)            → context; raise ImportFileError for a job-level problem
        parse_row(row, context) → tuple of values (see ``fields``); report problems with
                                  ``row.error(column, reason)`` — a row with errors is not kept.
                                  Rows with the same lookups should hit ``context`` caches: it
                                  runs once per row of files of 100,000 rows and more. Values
                                  many rows share can be returned pre-encoded (copy_encoded).
        lock(context)           called at the start of the write transaction (take row locks:
                                they are held until the commit) and again before the audit
                                entry: check the target is still open (period unlocked …);
                                raise ImportFileError otherwise
        audit_details(context)  → dict added to the audit entry
        params_from_cleaned(cleaned) → JSON-safe parameters stored on the job
        describe_params(params) → [(label, value)] for pages
        example_rows()          → rows (dicts by column name) for the templates
        guide_sections()        → extra reference tables for the template [(title, header, rows)]
        upload_url() / result_links(job) → where to upload, where to see imported rows
    """

    code: ClassVar[str] = ""
    regime: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    columns: ClassVar[tuple[Column, ...]] = ()
    params_form: ClassVar[type[forms.Form] | None] = None
    model: ClassVar[Any] = None
    fields: ClassVar[tuple[str, ...]] = ()
    audit_action: ClassVar[str] = ""
    sheet_title: ClassVar[str] = "Data"

    # -- per job (every importer implements both)
    @abstractmethod
    def prepare(self, job: ImportJob) -> Any:
        """Load what the rows are checked against (period, facilities, …); ImportFileError if the job
        cannot run at all."""

    @abstractmethod
    def parse_row(self, row: Row, context: Any) -> Sequence[Any]:
        """The row's values in ``fields`` order, or () after recording errors on ``row``."""

    def lock(self, context: Any) -> None:  # noqa: B027 — an optional hook: most importers need no lock
        """Lock and re-check what the rows go into (see the class docstring)."""

    def audit_details(self, context: Any) -> dict:
        return {}

    # -- parameters
    def params_from_cleaned(self, cleaned: dict) -> dict:
        return {name: getattr(value, "pk", value) for name, value in cleaned.items()}

    def describe_params(self, params: dict) -> list[tuple[str, str]]:
        return []

    # -- pages and templates
    def example_rows(self) -> list[dict[str, str]]:
        return [{column.name: column.example for column in self.columns}]

    def guide_sections(self) -> list[tuple[str, list[str], list[list[str]]]]:
        return []

    def upload_url(self) -> str | None:
        return None

    def result_links(self, job: ImportJob) -> list[tuple[str, str]]:
        return []

    # -- derived
    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def __repr__(self) -> str:
        return f"<Importer {self.code}>"

