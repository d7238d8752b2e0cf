"""Review: the corrections a person made, and the queue of cells that need one.

``corrections`` shows the corrections folder (``GOVREPORTS_CORRECTIONS``) as a table; the year tables read
the folder themselves and apply it (``year.py``), so a year runs without this asset. ``review_queue`` lists,
per year, every cell a person should settle, with the lines around it; ``govreports review export`` writes it
as a CSV to fill in, ``govreports review import`` appends the filled cells to the folder.
"""

import dagster as dg
import pandas as pd

from schemas.catalog import FACT_TABLES
from schemas.tables import Corrections, ReviewQueue

from .core.corrections import CorrectionsError
from .core.flattened import JOINED
from .core.review import UNSETTLED
from .partitions import YEARS
from .resources import CorrectionsFolder, Warehouse
from .validation import table_metadata, validated

_ARITHMETIC = ("balance", "outcome_sum", "other_handling_sum", "row_total", "review_total")
_ON_CELLS = ("missing_cells", "inferred_cells", "unparseable_cell", "correction_disagrees")
_UNSETTLED = tuple(UNSETTLED)  # statuses a person is asked to settle (a tuple prints as SQL's list)
_CONTEXT = 2  # lines shown above and below the cell's line


@dg.asset(group_name="review", io_manager_key="warehouse_io", metadata=table_metadata(Corrections),
          owners=["team:govreports"], tags={"stage": "review"})
def corrections(context: dg.AssetExecutionContext, corrections_folder: CorrectionsFolder) -> pd.DataFrame:
    """One row per cell a person corrected, from every CSV file of the corrections folder, with the file and
    line it comes from (``source``). A bad file fails the asset with its name and line, and no year applies
    anything until it is fixed."""
    try:
        frame = corrections_folder.read()
    except CorrectionsError as error:
        raise dg.Failure(description=str(error)) from None
    frame = validated(Corrections, frame)
    files = frame["source"].str.split(":").str[0].nunique() if len(frame) else 0
    context.add_output_metadata({"dagster/row_count": len(frame), "files": files,
                                 "folder": str(corrections_folder.root()),
                                 "cells_by_year": dg.MetadataValue.json(
                                     {str(k): int(v) for k, v in frame["year"].value_counts().sort_index().items()})})
    return frame


_SOURCES = {"facts": ("fact_active_disclosure", "fact_applications", "fact_review_litigation"),
            "issues": ("quality_issues",), "reports": ("raw_reports", "dim_reports")}


@dg.asset(group_name="review", io_manager_key="warehouse_io", metadata=table_metadata(ReviewQueue),
          partitions_def=YEARS, owners=["team:govreports"], tags={"stage": "review"},
          deps=[*(name for names in _SOURCES.values() for name in names)])
def review_queue(context: dg.AssetExecutionContext, warehouse: Warehouse) -> pd.DataFrame:
    """One row per report × cell of the year that needs a person: not placed (missing, unparseable), inferred,
    in a table whose arithmetic fails, or corrected where the parser now reads otherwise; with the labels, the
    parser's value and status, why, and the report's lines around the cell. Corrected cells leave the queue."""
    year = int(context.partition_key)
    frame = validated(ReviewQueue, queue(warehouse, year))
    counts = frame.groupby(["table", "cell_status"]).size().rename("cells").reset_index()
    context.add_output_metadata({"dagster/row_count": len(frame), "reports": int(frame["report_id"].nunique()),
                                 "cells_by_table_and_status": dg.MetadataValue.md(counts.to_markdown(index=False))})
    return frame


def queue(warehouse: Warehouse, year: int) -> pd.DataFrame:
    """The year's review queue as a frame of the ``ReviewQueue`` model's columns."""
    root = warehouse.root()

    def part(asset: str) -> str:
        return f"read_parquet('{root / asset}/year={year}/*.parquet')"

    facts = " union all ".join(  # only the cells of reports with something to settle: not a year's millions
        f"select report_id, '{name}' as tab, {spec.row_dim} as r, {spec.column_dim} as c, value, cell_status, "
        f"source_line, page from {part('fact_' + name)} where cell_status in {_UNSETTLED} "
        f"or report_id in (select report_id from issues)" for name, spec in FACT_TABLES.items())
    sql = f"""
    with issues as (select report_id, "table" as tab, row as r, "column" as c, message from {part('quality_issues')}
                    where rule in {_ARITHMETIC + _ON_CELLS}),
    facts as ({facts}),
    flagged as (
        select f.report_id, f.tab, f.r, f.c, i.message from facts f
        join issues i on f.report_id = i.report_id and f.tab = i.tab
        where (i.r is null or f.r = i.r) and (i.c is null or f.c = i.c) and f.cell_status != 'corrected'
        union all
        select report_id, tab, r, c, 'cell_status ' || cell_status from facts
        where cell_status in {_UNSETTLED}
    ),
    cells as (select report_id, tab, r, c, string_agg(distinct message, ' | ' order by message) as flagged_because
              from flagged group by all)
    select k.report_id, {year} as year, w.sha256, d.agency, d.source_path, k.tab as "table", k.r as row,
           k.c as "column", f.value as parsed_value, f.cell_status, k.flagged_because, f.source_line, f.page
    from cells k join facts f using (report_id, tab, r, c)
    join (select report_id, sha256 from {part('raw_reports')}) w using (report_id)
    join (select report_id, agency, source_path from {part('dim_reports')}) d using (report_id)
    order by k.report_id, k.tab, k.r, k.c"""
    if not all((root / asset / f"year={year}").exists() for names in _SOURCES.values() for asset in names):
        return pd.DataFrame(columns=list(ReviewQueue.to_schema().columns))
    frame = warehouse.query(sql)
    texts = _texts(warehouse, part("raw_reports"), frame["report_id"].unique().tolist())
    frame["context"] = [_around(texts[report], line) for report, line in zip(frame["report_id"], frame["source_line"],
                                                                              strict=True)]
    frame.insert(frame.columns.get_loc("column") + 1, "row_label", [
        _ROW_LABELS[(t, r)] for t, r in zip(frame["table"], frame["row"], strict=True)])
    frame.insert(frame.columns.get_loc("row_label") + 1, "column_label", [
        _COLUMN_LABELS[(t, c)] for t, c in zip(frame["table"], frame["column"], strict=True)])
    return frame


_ROW_LABELS = {(name, code.code): code.label for name, spec in FACT_TABLES.items() for code in spec.rows}
_COLUMN_LABELS = {(name, code.code): code.label for name, spec in FACT_TABLES.items() for code in spec.columns}


def _texts(warehouse: Warehouse, reports_part: str, report_ids: list[str]) -> dict[str, str]:
    """The text of the queued reports only (a year's texts are ≈ 100 MB per 20,000 reports), in slices."""
    texts: dict[str, str] = {}
    for start in range(0, len(report_ids), _TEXTS_AT_ONCE):
        ids = ", ".join(f"'{report}'" for report in report_ids[start:start + _TEXTS_AT_ONCE])
        rows = warehouse.query(f"select report_id, text from {reports_part} where report_id in ({ids})")
        texts.update(zip(rows["report_id"], rows["text"], strict=True))
    return texts


_TEXTS_AT_ONCE = 2000


def _around(text: str, line: object) -> str | None:
    """The lines of ``text`` around ``line`` (1-based), numbered, that line marked '>'."""
    if pd.isna(line):
        return None
    lines = text.split("\n")
    number = int(line)
    shown = range(max(1, number - _CONTEXT), min(len(lines), number + _CONTEXT) + 1)
    return "\n".join(f"{'>' if n == number else ' '} {n}: {lines[n - 1].replace(JOINED, '')}" for n in shown)
