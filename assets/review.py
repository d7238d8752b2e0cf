"""Review: the corrections a person made, and the queue of cells that need one.

``corrections`` shows the corrections folder (``GOVREPORTS_CORRECTIONS``) as a table; the year tables read
the folder themselves and apply it (``year.py``), so a year runs without this asset. ``review_queue`` lists,
per year, every cell a person should settle, with the lines around it; ``govreports review export`` writes it
as a CSV to fill in, ``govreports review import`` appends the filled cells to the folder.
"""

import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pandas as pd

from schemas.catalog import FACT_TABLES
from schemas.tables import Corrections, ReviewQueue

from .parser.flattened import JOINED
from .parser.review import UNSETTLED
from .partitions import YEARS
from .pipeline.labels import COLUMN_LABELS, ROW_LABELS
from .storage.corrections import CorrectionsError
from .storage.parts import staged, to_arrow, write_part
from .storage.resources import CorrectionsFolder, Warehouse
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
def review_queue(context: dg.AssetExecutionContext, warehouse: Warehouse) -> Iterator[dg.Output]:
    """One row per report × cell of the year that needs a person: not placed (missing, unparseable), inferred,
    in a table whose arithmetic fails, or corrected where the parser now reads otherwise; with the labels, the
    parser's value and status, why, and the report's lines around the cell. Corrected cells leave the queue.
    Made and written ``REPORTS_AT_ONCE`` reports at a time (a year of 20,000 generated reports queues ≈ 240,000
    cells), as the year tables are: one Parquet part each."""
    year = int(context.partition_key)
    schema = to_arrow(ReviewQueue.validate(pd.DataFrame(columns=list(ReviewQueue.to_schema().columns)))).schema
    counts: Counter = Counter()
    reports = 0
    with tempfile.TemporaryDirectory(prefix=f"govreports-queue-{year}-") as spool:
        for number, frame in enumerate(queue_parts(warehouse, year)):
            frame = validated(ReviewQueue, frame)
            write_part(Path(spool), number, to_arrow(frame), schema)
            counts.update(zip(frame["table"], frame["cell_status"], strict=True))
            reports += frame["report_id"].nunique()
        rows = counts.total()
        table = pd.DataFrame([(*key, cells) for key, cells in sorted(counts.items())],
                             columns=["table", "cell_status", "cells"])
        yield dg.Output(staged(Path(spool), schema, rows), metadata={
            "dagster/row_count": rows, "reports": reports,
            "cells_by_table_and_status": dg.MetadataValue.md(table.to_markdown(index=False))})


REPORTS_AT_ONCE = 1000


def queue_parts(warehouse: Warehouse, year: int) -> Iterator[pd.DataFrame]:
    """The year's review queue, as frames of the ``ReviewQueue`` model's columns of ``REPORTS_AT_ONCE``
    reports each (none when the year has nothing to settle, or no tables yet)."""
    root = warehouse.root()
    if not all((root / asset / f"year={year}").exists() for names in _SOURCES.values() for asset in names):
        return

    def part(asset: str) -> str:
        return f"read_parquet('{root / asset}/year={year}/*.parquet')"

    unsettled = " union ".join(f"select report_id from {part('fact_' + name)} where cell_status in {_UNSETTLED}"
                               for name in FACT_TABLES)
    flagged = warehouse.query(f"""select distinct report_id from ({unsettled} union select report_id from
        {part('quality_issues')} where rule in {_ARITHMETIC + _ON_CELLS}) order by report_id""")["report_id"]
    for start in range(0, len(flagged), REPORTS_AT_ONCE):
        yield _queue(warehouse, part, flagged.iloc[start:start + REPORTS_AT_ONCE].tolist(), year)


def _queue(warehouse: Warehouse, part: Callable[[str], str], report_ids: list[str], year: int) -> pd.DataFrame:
    """The queue rows of ``report_ids``."""
    ids = ", ".join(f"'{report}'" for report in report_ids)

    facts = " union all ".join(
        f"select report_id, '{name}' as tab, {spec.row_dim} as r, {spec.column_dim} as c, value, cell_status, "
        f"source_line, page from {part('fact_' + name)} where report_id in ({ids})"
        for name, spec in FACT_TABLES.items())
    sql = f"""
    with issues as (select report_id, "table" as tab, row as r, "column" as c, message from {part('quality_issues')}
                    where rule in {_ARITHMETIC + _ON_CELLS} and report_id in ({ids})),
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
    join (select report_id, sha256 from {part('raw_reports')} where report_id in ({ids})) w using (report_id)
    join (select report_id, agency, source_path from {part('dim_reports')} where report_id in ({ids})) d
        using (report_id)
    order by k.report_id, k.tab, k.r, k.c"""
    frame = warehouse.query(sql)
    rows = warehouse.query(f"select report_id, text from {part('raw_reports')} where report_id in ({ids})")
    texts = dict(zip(rows["report_id"], rows["text"], strict=True))
    frame["context"] = [_around(texts[report], line) for report, line in zip(frame["report_id"], frame["source_line"],
                                                                              strict=True)]
    frame.insert(frame.columns.get_loc("column") + 1, "row_label", [
        ROW_LABELS[(t, r)] for t, r in zip(frame["table"], frame["row"], strict=True)])
    frame.insert(frame.columns.get_loc("row_label") + 1, "column_label", [
        COLUMN_LABELS[(t, c)] for t, c in zip(frame["table"], frame["column"], strict=True)])
    return frame


def _around(text: str, line: object) -> str | None:
    """The lines of ``text`` around ``line`` (1-based), numbered, that line marked '>'."""
    if pd.isna(line):
        return None
    lines = text.split("\n")
    number = int(line)
    shown = range(max(1, number - _CONTEXT), min(len(lines), number + _CONTEXT) + 1)
    return "\n".join(f"{'>' if n == number else ' '} {n}: {lines[n - 1].replace(JOINED, '')}" for n in shown)
