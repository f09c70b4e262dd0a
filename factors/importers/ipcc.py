"""IPCC global warming potentials (SAR … AR6) and the fossil / non-fossil methane supplement."""
from __future__ import annotations

import re

from .base import (
    FileStats,
    GwpRecord,
    ParsedSource,
    SourceFormatError,
    SourceSpec,
    ensure_unique,
    number,
    read_rows,
    required_number,
)

# Column names of the main table: <report><metric>, e.g. AR5GWP100, AR5CCFGWP100, AR6GTP100.
_COLUMN = re.compile(r"^(SAR|TAR|AR4|AR5|AR6)(CCF)?(GWP|GTP)(\d+)$")


def parse(spec: SourceSpec) -> ParsedSource:
    main_name, supplement_name = spec.files
    main, supplement = FileStats(name=main_name), FileStats(name=supplement_name)
    parsed = ParsedSource(files=[main, supplement])
    for line, row in read_rows(spec.path(main_name)):
        main.rows += 1
        species = row.pop("species")
        made = 0
        for column, text in row.items():
            match = _COLUMN.match(column)
            if match is None:
                raise SourceFormatError(f"{main_name}: unexpected column {column!r}")
            value = number(text, where=f"{main_name}:{line} {column}")
            if value is None:
                continue
            made += 1
            report, ccf, metric, horizon = match.groups()
            metric_name = f"{metric}{horizon}" + ("-CCF" if ccf else "")
            parsed.gwps.append(GwpRecord(
                external_id=f"{species}:{report}:{metric_name}", species=species, report=report, metric=metric_name,
                value=value, notes="With climate-carbon feedback (AR5 Table 8.7)." if ccf else ""))
        if made:
            main.valued += 1
        else:
            main.skip("no value published")
    for line, row in read_rows(spec.path(supplement_name)):
        supplement.rows += 1
        value = required_number(row["value"], where=f"{supplement_name}:{line}")
        supplement.valued += 1
        parsed.gwps.append(GwpRecord(
            external_id=f"supplement:{row['species']}:{row['report']}:{row['metric']}", species=row["species"],
            report=row["report"], metric=row["metric"], value=value,
            notes=f"{row['source_table']}. {row['note']}. Typed by the FactorTrace team: verify before disclosure."))
    ensure_unique(parsed.gwps, source=spec.code)
    return parsed
