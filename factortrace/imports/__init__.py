"""Bulk import of CSV and XLSX files: a platform service every regime reuses (tenant app, label
``imports``). An app adds an importer in ``<app>/importing.py``::

    from factortrace.imports import Column, Importer, register

The modules, along the flow of a file:

    contract         Importer (what an app implements), Column, ImportFileError, RowError
    registry         register(), importers(), get_importer(); discovers ``<app>/importing.py``
    rows             cells and rows: formula check, Row and its typed accessors, the header
    limits           Limits: what a file may be (size, unpacked size, shared strings, cells, columns …)
    readers          open_table(): CSV and XLSX, checked before they are parsed, then streamed
    isolation        open_isolated(): the readers in a child process with memory and CPU limits
    copywriter       CopyWriter: validated rows into the table by COPY, in one transaction
    errorfile        ErrorFile: every problem as formula-safe CSV
    services         import_request() (upload → job → task), import_run() (the task's work), …
    template_files   the downloadable CSV and XLSX templates of an importer
    models, tasks, views, urls, api, api_urls, admin   the job, its task, pages and API

The names below are importable from the package itself (loaded on first use, so importing the
package costs nothing and needs no app registry).
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "contract": ["Column", "Importer", "ImportFileError", "RowError"],
    "registry": ["UnknownImporter", "get_importer", "importers", "register"],
    "rows": ["Row", "check_cells", "cell_text", "formula_problem", "map_header", "normalise_choice",
             "normalise_header"],
    "readers": ["TableReader", "open_table"],
    "copywriter": ["CopyWriter", "Encoded", "JsonText", "copy_encoded", "copy_line"],
    "errorfile": ["ErrorFile"],
    "limits": ["Limits"],
    "isolation": ["open_isolated"],
    "services": ["DECIMAL_SEPARATORS", "MAX_IMPORT_BYTES", "import_fail", "import_fail_stale", "import_open_errors",
                 "import_request",
                 "import_run", "job_progress", "validate_params"],
    "template_files": ["import_template"],
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
