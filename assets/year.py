"""The year-partitioned assets, from raw text to facts, computed in one pass and written as nine assets.

``raw_reports`` → ``report_sections`` → ``report_tables`` → the facts, ``dim_reports`` and
``quality_issues`` are separate assets with their own lineage, schema, checks and groups in the UI, but
one step computes them (``year_tables``): each report of the year is read and parsed once, in batches over
every core (``core/year_pass.py``), and each batch's rows are validated and written as Parquet parts on
local disk by the worker that made them. Nothing of the year is held in memory at once. Any subset of the
nine can be materialized (the UI and ``--select`` allow it); the pass then writes only those. The parts are
published by the IO manager when the step yields each output; a failure in any batch fails the step before
anything is published. Every part's footer holds the fingerprint of what the year was built from
(``core/versions.py``), which ``govreports run --changed`` compares before rebuilding a year.
"""

import tempfile
from collections import Counter
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import dagster as dg
import pandas as pd
import pyarrow as pa

from schemas.tables import QualityIssues

from .ingestion import take_inventory
from .parser.review import Correction
from .partitions import YEARS
from .pipeline.frames import ISSUE_COLUMNS, records_frame, same_agency_issues
from .pipeline.memory import release_unused_memory
from .pipeline.pool import default_workers, ordered_map
from .pipeline.versions import INPUTS_KEY, inputs_fingerprint
from .pipeline.year_pass import AGENCY_FIELDS, FACT_OUTPUTS, MODELS, STAGES, arrow_schema, write_batch, year_tasks
from .storage.corrections import CorrectionsError, corrections_of
from .storage.parts import StoredTable, staged, to_arrow, write_part
from .storage.resources import CorrectionsFolder, RawDirectory, Warehouse, YearLocked
from .validation import table_metadata, validated

_NOTE = (" `value` is null unless `cell_status` is number or none_word; short rows are `missing`, never "
         "shifted; `source_line` and `raw` point at the cell in the report.")
_DESCRIPTIONS = {
    "raw_reports": "One row per report of the year (duplicates excluded): normalized text, one line per source "
                   "line (HTML pages rendered, tables as pipe rows), with the file it came from, how it was "
                   "decoded and its source format.",
    "report_sections": "One row per report × top-level section heading (一、总体情况 … 六、其他需要报告的事项), "
                       "with the 1-based line range it covers.",
    "report_tables": "One row per report × table cell as found in 表二/表三/表四, in reading order, with the row "
                     "label it follows and its source line. Nothing is placed yet: counts may be short.",
    "fact_active_disclosure": "表二 主动公开: one row per report × item × measure." + _NOTE,
    "fact_applications": "表三 依申请: one row per report × template row × applicant column." + _NOTE,
    "fact_review_litigation": "表四 复议诉讼: one row per report × proceeding × outcome." + _NOTE,
    "fact_narrative": "Figures stated in the prose (items published, applications received, reviews, suits): one "
                      "row per report × measure, with the sentence and line.",
    "dim_reports": "One row per report: agency, year with its evidence and conflict flag, template, source_path, "
                   "quality_score and trusted.",
    "quality_issues": "One row per finding (rule, severity, table/row/column, expected, found, message): broken "
                      "arithmetic, unplaced rows, year conflicts, duplicates.",
}
_GROUPS = {"raw_reports": "ingestion", "report_sections": "parsing", "report_tables": "parsing",
           "quality_issues": "quality"}
_STAGES = ("raw_reports", "report_sections", "report_tables")
_INVENTORY = dg.AssetKey("raw_file_inventory")
_DEPS = {"raw_reports": {_INVENTORY}, "report_sections": {dg.AssetKey("raw_reports")},
         "report_tables": {dg.AssetKey("raw_reports"), dg.AssetKey("report_sections")}}
_NORMALIZED_DEPS = {_INVENTORY, *(dg.AssetKey(stage) for stage in _STAGES)}
_CORRECTED = {name: {dg.AssetKey("corrections")} for name in (*FACT_OUTPUTS, "dim_reports", "quality_issues")}


def _out(name: str) -> dg.AssetOut:
    group = _GROUPS.get(name, "facts")
    return dg.AssetOut(io_manager_key="warehouse_io", group_name=group, description=_DESCRIPTIONS[name],
                       is_required=False,
                       metadata=table_metadata(MODELS[name]), owners=["team:govreports"], tags={"stage": group})


@dg.multi_asset(outs={name: _out(name) for name in MODELS}, partitions_def=YEARS, name="year_tables",
                ins={"raw_file_inventory": dg.AssetIn()}, deps=["corrections"], can_subset=True,
                internal_asset_deps={name: _DEPS.get(name, _NORMALIZED_DEPS) | _CORRECTED.get(name, set())
                                     for name in MODELS})
def year_tables(context: dg.AssetExecutionContext, raw_dir: RawDirectory, warehouse: Warehouse,
                corrections_folder: CorrectionsFolder, raw_file_inventory: StoredTable):
    """Read, section, tokenize, place and check every report of the year, apply a person's corrections of it;
    write each stage's table. The year's lock is held until the last table is published, so the nine come
    from one run. The corrections are read from their folder itself (the ``corrections`` asset shows them):
    a year runs without that asset materialized, and without an inventory: it then takes it first."""
    year = int(context.partition_key)
    if not raw_file_inventory.exists():
        _inventory_first(context, raw_dir, warehouse, raw_file_inventory)
    try:
        corrections = corrections_folder.read()
    except CorrectionsError as error:
        raise dg.Failure(description=f"corrections folder: {error}; nothing of the year was written") from None
    try:
        with warehouse.writing_year(year):
            yield from _year_pass(context, raw_dir, raw_file_inventory, year, corrections[corrections["year"] == year])
    except YearLocked as locked:
        raise dg.Failure(description=str(locked)) from None


def _inventory_first(context: dg.AssetExecutionContext, raw_dir: RawDirectory, warehouse: Warehouse,
                     inventory: StoredTable) -> None:
    """A year run on a warehouse without an inventory (the first backfill of a fresh instance) takes the
    inventory itself, writes it where ``raw_file_inventory`` lives and records it as that asset's
    materialization: the next year runs read it. Two runs doing so at once write the same table."""
    context.log.info(f"no {_INVENTORY.to_user_string()} yet: inventorying {raw_dir.root()} first")
    frame, metadata = take_inventory(context.log, raw_dir, warehouse)
    inventory.write(frame)
    context.log_event(dg.AssetMaterialization(asset_key=_INVENTORY, metadata=metadata | {
        "taken_by": f"the {context.partition_key} run of year_tables: there was no inventory yet"}))


def _year_pass(context: dg.AssetExecutionContext, raw_dir: RawDirectory, raw_file_inventory: StoredTable,
               year: int, corrections: pd.DataFrame) -> Iterator[dg.Output]:
    inventory = raw_file_inventory.read(year=year)  # not the files of other years: a run holds one year
    inputs = inputs_fingerprint(inventory, corrections)  # in every part's footer: `run --changed` compares it
    footer = {INPUTS_KEY: inputs.encode()}
    chosen = inventory[inventory["outcome"] == "report"]
    selected = [name for name in MODELS if dg.AssetKey(name) in context.selected_asset_keys]
    counts = {name: Counter() for name in selected}
    seconds: Counter = Counter()  # of the workers, by stage of the pass: where the year's time went
    agencies: list[pa.Table] = []  # what same_agency_year needs of every dim row of the year: three short fields
    with tempfile.TemporaryDirectory(prefix=f"govreports-{year}-") as spool:
        workers = default_workers()
        batches = 0
        by_report: dict[str, tuple[Correction, ...]] = {}
        for correction in corrections_of(corrections):
            by_report[correction.report_id] = (*by_report.get(correction.report_id, ()), correction)
        tasks = year_tasks(raw_dir.root(), year, chosen, workers, Path(spool), tuple(selected), footer, by_report)
        for batch in ordered_map(write_batch, tasks, workers):  # each worker writes its batches' parts
            if batch.failures:
                raise dg.Failure(description=batch.failures[0], metadata={"failures": len(batch.failures)})
            for name in selected:
                counts[name].update(batch.counts[name])
            seconds.update(batch.seconds)
            agencies.append(batch.tables["agencies"])
            batches += 1
        if "quality_issues" in selected:
            orphans = corrections[~corrections["report_id"].isin(chosen["report_id"])]
            _write_year_issues(Path(spool) / "quality_issues", batches, counts["quality_issues"], year,
                               _agency_frame(agencies), inventory, footer, orphans)
        del agencies
        release_unused_memory()  # the pass's buffers, before the checks read what was written
        by_stage = {stage: round(seconds[stage], 4) for stage in STAGES}
        context.log.info(f"{len(chosen)} reports over {workers} worker(s), seconds by stage: {by_stage}")
        for name in selected:
            staged_table = staged(Path(spool) / name, arrow_schema(name), counts[name]["rows"], footer)
            metadata = _metadata(name, counts[name]) | {"worker_seconds_by_stage": dg.MetadataValue.json(by_stage),
                                                        "inputs_fingerprint": inputs}
            yield dg.Output(staged_table, output_name=name, metadata=metadata)


def _metadata(name: str, counts: Counter) -> dict:
    """What the UI shows for one output: row count and the figures of that table."""
    def prefixed(prefix: str) -> dg.MetadataValue:
        return dg.MetadataValue.json({k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith(prefix)})

    metadata = {"dagster/row_count": counts["rows"]}
    if name == "raw_reports":
        metadata["reports"] = counts["rows"]
    if name == "report_sections":
        metadata |= {"sections": counts["rows"], "reports": counts["reports"]}
    if name == "report_tables":
        metadata["cells_found"] = counts["cells_found"]
    if name in FACT_OUTPUTS:
        metadata |= {"reports": counts["reports"], "cell_status": prefixed("cell_status:")}
    if name == "dim_reports":
        metadata |= {"trusted": counts["trusted"], "year_conflicts": counts["year_conflicts"]}
    if name == "quality_issues":
        metadata["rules"] = prefixed("rule:")
    return metadata


# Rows of the year's own quality issues (same_agency_year, inventory) validated and written at a time, each
# slice a part after the batches' parts. Written at once, a year's issues made one row group as large as
# they were many, and the quality_issues schema check, reading it whole, set the run's memory peak
# (benchmarks/RESULTS.md).
ISSUE_SLICE = 20_000


def _agency_frame(agencies: list[pa.Table]) -> pd.DataFrame:
    if not agencies:
        return pd.DataFrame(columns=AGENCY_FIELDS)
    return pa.concat_tables(agencies).to_pandas()


def _write_year_issues(directory: Path, first: int, counts: Counter, year: int, agencies: pd.DataFrame,
                       inventory: pd.DataFrame, footer: dict[bytes, bytes], orphans: pd.DataFrame) -> None:
    """The issues of the year as a whole (same_agency_year, the inventory's findings, corrections of reports
    no longer in the year), in slices written as parts numbered from ``first``."""
    found = records_frame(_inventory_issues(inventory, year) + _orphan_issues(orphans, inventory, year),
                          ISSUE_COLUMNS)
    inventory_slices = (found.iloc[start:start + ISSUE_SLICE] for start in range(0, len(found), ISSUE_SLICE))
    slices = chain(same_agency_issues(agencies, year, ISSUE_SLICE), inventory_slices)
    for number, part in enumerate(slices, start=first):
        issues = validated(QualityIssues, part)
        write_part(directory, number, to_arrow(issues), arrow_schema("quality_issues"), footer)
        counts.update({"rows": len(issues)} | {f"rule:{k}": int(v) for k, v in issues["rule"].value_counts().items()})


_INVENTORY_RULES = {"duplicate": ("duplicate_report", "info"), "not_a_report": ("not_a_report", "warning")}


def _orphan_issues(orphans: pd.DataFrame, inventory: pd.DataFrame, year: int) -> list[dict]:
    """A ``correction_orphaned`` issue per correction of a report that is no longer a report of the year (its
    file changed, so its report_id did; or it was removed)."""
    paths = dict(zip(inventory["sha256"], inventory["source_path"], strict=True))
    return [{"report_id": row.report_id, "year": year, "source_path": paths.get(row.sha256, f"({row.source})"),
             "rule": "correction_orphaned", "severity": "warning", "table": row.table, "row": row.row,
             "column": row.column, "expected": None, "found": None,
             "message": f"{row.source}: no report {row.report_id} in {year} any more (its file changed or was "
                        f"removed); the correction of {row.table}/{row.row}/{row.column} is not applied"}
            for row in orphans.itertuples(index=False)]


def _inventory_issues(inventory: pd.DataFrame, year: int) -> list[dict]:
    """Files of this year (``inventory``: the year's rows) that did not become a report row: duplicates,
    and texts that are no report."""
    records = []
    for outcome, (rule, severity) in _INVENTORY_RULES.items():
        for entry in inventory[inventory["outcome"] == outcome].itertuples(index=False):
            records.append({"report_id": entry.report_id, "year": year, "source_path": entry.source_path,
                            "rule": rule, "severity": severity, "table": None, "row": None, "column": None,
                            "expected": None, "found": None, "message": entry.reason})
    return records

