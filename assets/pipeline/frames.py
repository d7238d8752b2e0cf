"""Parsed reports to rows and DataFrames, one function per table the pipeline writes.

Belongs here: the shape of each written table (column names and order follow the pandera models in
``schemas/tables.py``), including the intermediate stages (sections, rows as found). Nothing here
parses text.
"""

import json
from collections import Counter
from collections.abc import Iterator, Sequence

import pandas as pd
import pyarrow as pa

from schemas.catalog import FACT_TABLES, TO_WAN_YUAN

from ..parser.quality import UNKNOWN
from ..parser.report import ParsedReport
from ..parser.sections import Section
from ..parser.tables import Fact, FoundRow


def records_frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    """Records as a frame with the given columns in order, also when there are none."""
    return pd.DataFrame.from_records(records, columns=columns)


BOX = ("page", "x0", "top", "x1", "bottom")  # a PDF cell's page and box (null elsewhere)
CORRECTED = ("parsed_value", "parsed_status", "correction_reason", "reviewer")  # a corrected cell's (null elsewhere)
FACT_COLUMNS = {
    name: ["report_id", "year", table.row_dim, table.column_dim, "value", "cell_status", "raw", "source_line", *BOX,
                *CORRECTED]
    + (["unit", "value_wan_yuan"] if name == "active_disclosure" else [])
    for name, table in FACT_TABLES.items()
}


def fact_table(reports: list[ParsedReport], table: str, schema: pa.Schema) -> pa.Table:
    """One row per report × placed template cell of ``table``, built column by column as Arrow with the
    written ``schema`` (no ``year``: it is the partition). Much faster than records of dicts
    (benchmarks/RESULTS.md): these are the largest tables, ≈ 200 rows per report."""
    ids: list[str] = []
    facts: list[Fact] = []
    located: list[tuple[int, tuple]] = []  # (fact index, page and box) of the facts read from a PDF
    corrected: list[tuple[int, tuple]] = []  # (fact index, what it was) of the facts a person corrected
    for report in reports:
        mine = [fact for fact in report.facts if fact.table == table]
        if report.boxes:
            located += [(len(facts) + index, box) for index, fact in enumerate(mine)
                        if (box := report.box(fact)) is not None]
        if report.corrected:
            corrected += [(len(facts) + index, (before.parsed_value, before.parsed_status, before.reason,
                                                before.reviewer))
                          for index, fact in enumerate(mine)
                          if (before := report.corrected.get((fact.table, fact.row, fact.column))) is not None]
        ids += [report.report_id] * len(mine)
        facts += mine
    _, rows, columns, values, statuses, raws, lines, units, _ = zip(*facts, strict=True) if facts else [()] * 9
    spec = FACT_TABLES[table]
    data = {"report_id": ids, spec.row_dim: rows, spec.column_dim: columns, "value": values, "cell_status": statuses,
            "raw": raws, "source_line": lines}
    data.update(_sparse_columns(BOX, len(facts), located))
    data.update(_sparse_columns(CORRECTED, len(facts), corrected))
    if table == "active_disclosure":
        data["unit"] = units
        data["value_wan_yuan"] = [value * TO_WAN_YUAN[unit] if unit and value is not None else None
                                  for value, unit in zip(values, units, strict=True)]
    return arrow_table(data, schema)


def _sparse_columns(names: tuple[str, ...], count: int, given: list[tuple[int, tuple]]) -> dict[str, list]:
    """Columns ``names`` of ``count`` facts, null but at the facts ``given`` values (index, one per name):
    the page and box of a PDF's cells, what a corrected cell was."""
    columns: dict[str, list] = {name: [None] * count for name in names}
    for index, values in given:
        for name, value in zip(names, values, strict=True):
            columns[name][index] = value
    return columns


def arrow_table(columns: dict[str, Sequence], schema: pa.Schema) -> pa.Table:
    """Columns of Python values as an Arrow table of ``schema`` (every field of it, in its order)."""
    return pa.Table.from_arrays([pa.array(columns[f.name], type=f.type) for f in schema], schema=schema)


def year_frame(table: pa.Table, year: int) -> pd.DataFrame:
    """A written table (no partition column) as the frame its pandera model validates, ``year`` added."""
    frame = table.to_pandas()
    frame.insert(1, "year", year)
    return frame


NARRATIVE_COLUMNS = ["report_id", "year", "measure", "value", "qualifier", "sentence", "source_line"]


def narrative_frame(reports: list[ParsedReport]) -> pd.DataFrame:
    """One row per report × figure stated in its prose."""
    return records_frame([{"report_id": r.report_id, "year": r.year.year, "measure": n.measure, "value": n.value,
                    "qualifier": n.qualifier, "sentence": n.sentence, "source_line": n.source_line}
                   for r in reports for n in r.narrative], NARRATIVE_COLUMNS)


SECTION_COLUMNS = ["report_id", "year", "number", "kind", "title", "start_line", "end_line"]


def section_records(report_id: str, year: int, sections: list[Section]) -> list[dict]:
    """One record per section heading of a report."""
    return [{"report_id": report_id, "year": year, "number": s.number, "kind": s.kind, "title": s.title,
             "start_line": s.start_line, "end_line": s.end_line} for s in sections]


TABLE_COLUMNS = ["report_id", "year", "table", "row", "label", "label_line", "columns", "units", "position",
                 "raw", "source_line"]


def add_found_cells(columns: dict[str, list], report_id: str, rows: list[FoundRow]) -> None:
    """Append to ``columns`` (one list per report_tables column but ``year``) one row per cell as found; a
    row label without cells is one row with no position."""
    for row in rows:
        count = len(row.values) or 1
        shared = {"report_id": report_id, "table": row.table, "row": row.row, "label": row.label,
                  "label_line": row.line, "columns": ",".join(row.columns) if row.columns is not None else None,
                  "units": ";".join(f"{k}={v}" for k, v in row.units.items()) or None}
        for name, value in shared.items():
            columns[name] += [value] * count
        columns["position"] += range(count) if row.values else [None]
        columns["raw"] += [token.text for token in row.values] or [None]
        columns["source_line"] += [token.line for token in row.values] or [None]


DIM_COLUMNS = ["report_id", "year", "source_path", "agency", "agency_full", "agency_id", "admin_level",
               "agency_kind", "province", "city", "county", "division_code", "title", "publish_date", "template",
               "year_conflict", "year_confidence", "year_evidence", "encoding", "source_format", "cells",
               "cells_missing", "errors", "quality_score", "trusted",
               *(f"trusted_{table}" for table in FACT_TABLES)]


def dim_record(report: ParsedReport, source_path: str) -> dict:
    """The dim_reports row of one report, with its quality figures. A table of it is trusted when it was
    found, every cell of it placed, and no error-severity rule failed on it or on the report as a whole
    (the rollups sum a table's figures over such reports); a table with inferred cells only when every
    check of it holds (none fails, none is not computable)."""
    cells = Counter(f.table for f in report.facts)
    unplaced = Counter(f.table for f in report.facts if f.cell_status in UNKNOWN)
    error_tables = {i.table for i in report.issues if i.severity == "error"}
    errors = sum(i.severity == "error" for i in report.issues)
    total, missing = cells.total(), unplaced.total()
    rule_failed = any(c.status == "fails" for c in report.checks)
    inferred = {f.table for f in report.facts if f.cell_status == "inferred"}
    unproven = {c.table for c in report.checks if c.table in inferred and c.status != "holds"}
    placed_share = (total - missing) / total if total else 0.0
    return {"report_id": report.report_id, "year": report.year.year, "source_path": source_path,
            "agency": report.agency.name, "agency_full": report.agency.full_name,
            "agency_id": report.agency.agency_id, "admin_level": report.agency.admin_level,
            "agency_kind": report.agency.kind, **report.agency.region.as_dict(),
            "title": report.title, "publish_date": report.publish_date,
            "template": report.template, "year_conflict": report.year.conflict,
            "year_confidence": report.year.confidence,
            "year_evidence": json.dumps(report.year.evidence, ensure_ascii=False),
            "encoding": report.encoding, "source_format": report.source_format, "cells": total,
            "cells_missing": missing, "errors": errors,
            "quality_score": placed_share * (0.5 if rule_failed else 1.0),
            "trusted": errors == 0 and missing == 0 and cells.keys() == FACT_TABLES.keys()
            and not unproven,
            **{f"trusted_{table}": cells[table] > 0 and not unplaced[table] and not error_tables & {table, None}
               and table not in unproven for table in FACT_TABLES}}


ISSUE_COLUMNS = ["report_id", "year", "source_path", "rule", "severity", "table", "row", "column", "expected",
                 "found", "message"]


def issue_records(report: ParsedReport, source_path: str) -> list[dict]:
    return [{"report_id": report.report_id, "year": report.year.year, "source_path": source_path}
            | issue.as_dict() for issue in report.issues]


LISTED_PATHS = 5  # files a same_agency_year message names; the rest are counted (query the rule for all)


def same_agency_issues(dims: pd.DataFrame, year: int, rows: int) -> Iterator[pd.DataFrame]:
    """A ``same_agency_year`` issue for each report of an agency_id that has more than one report in
    the year (different content: identical copies are duplicates, found by the inventory), in frames of
    at most ``rows`` issues: a year can have as many issues as reports, and one frame of all their messages
    set the main process's peak (benchmarks/RESULTS.md). ``dims`` has report_id, source_path and agency_id,
    in reading order."""
    dims = dims[dims["agency_id"].notna()]
    size = dims.groupby("agency_id", sort=False)["report_id"].transform("size")
    shared = dims[size >= 2].reset_index(drop=True)
    if shared.empty:
        return
    size = size[size >= 2].reset_index(drop=True)
    listed = shared.groupby("agency_id", sort=False)["source_path"].agg(_listed)
    for start in range(0, len(shared), rows):
        part, found = shared.iloc[start:start + rows], size.iloc[start:start + rows].astype(str)
        yield pd.DataFrame({
            "report_id": part["report_id"], "year": year, "source_path": part["source_path"],
            "rule": "same_agency_year", "severity": "warning", "table": None, "row": None, "column": None,
            "expected": "one report per agency and year", "found": found,
            "message": part["agency_id"] + " has " + found + " different reports this year: "
            + part["agency_id"].map(listed)}, columns=ISSUE_COLUMNS)


def _listed(paths: pd.Series) -> str:
    """The first few paths of a group, and how many more (an agency of a generated corpus can have
    thousands of reports: listing all in each of its rows made the issues grow with the square)."""
    named = ", ".join(paths.iloc[:LISTED_PATHS])
    return named + (f", and {len(paths) - LISTED_PATHS} more" if len(paths) > LISTED_PATHS else "")
