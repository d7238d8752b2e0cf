"""Fact assets: placed template cells, one dimension row per report, and every quality finding.

One pass per report (``assemble``) produces all five outputs, so the facts, ``dim_reports`` and
``quality_issues`` of a year always agree with each other.
"""

import dagster as dg
import pandas as pd

from schemas.tables import FACT_MODELS, DimReports, FactNarrative, QualityIssues

from .core.frames import (
    DIM_COLUMNS,
    ISSUE_COLUMNS,
    dim_record,
    fact_frame,
    issue_records,
    narrative_frame,
    records_frame,
    rows_from_frame,
    same_agency_issue_records,
    sections_from_frame,
)
from .core.report import assemble
from .partitions import YEARS
from .validation import table_metadata, validated

GROUP = "facts"
FACT_ASSETS = {f"fact_{name}": (name, model) for name, model in FACT_MODELS.items()}
_GRAIN = {
    "fact_active_disclosure": "表二 主动公开: one row per report × item × measure.",
    "fact_applications": "表三 依申请: one row per report × template row × applicant column.",
    "fact_review_litigation": "表四 复议诉讼: one row per report × proceeding × outcome.",
}
_NOTE = (" `value` is null unless `cell_status` is number or none_word; short rows are `missing`, never "
         "shifted; `source_line` and `raw` point at the cell in the report.")


def _out(model, description: str, group: str = GROUP) -> dg.AssetOut:
    return dg.AssetOut(io_manager_key="warehouse_io", group_name=group, description=description,
                       metadata=table_metadata(model), owners=["team:govreports"], tags={"stage": group})


OUTS = {name: _out(model, _GRAIN[name] + _NOTE) for name, (_, model) in FACT_ASSETS.items()}
OUTS["fact_narrative"] = _out(FactNarrative, "Figures stated in the prose (items published, applications "
                              "received, reviews, suits): one row per report × measure, with the sentence and line.")
OUTS["dim_reports"] = _out(DimReports, "One row per report: agency, year with its evidence and conflict flag, "
                           "template, source_path, quality_score and trusted.")
OUTS["quality_issues"] = _out(QualityIssues, "One row per finding (rule, severity, table/row/column, expected, "
                              "found, message): broken arithmetic, unplaced rows, year conflicts, duplicates.",
                              group="quality")


@dg.multi_asset(outs=OUTS, partitions_def=YEARS, name="normalize_tables")
def normalize_tables(context: dg.AssetExecutionContext, raw_reports: pd.DataFrame, report_sections: pd.DataFrame,
                     report_tables: pd.DataFrame, raw_file_inventory: pd.DataFrame):
    """Place each report's cells in the template, decide its metadata, and check its arithmetic."""
    year = int(context.partition_key)
    sections = dict(tuple(report_sections.groupby("report_id", sort=False)))
    tables = dict(tuple(report_tables.groupby("report_id", sort=False)))
    reports, dims, issues = [], [], []
    for raw in raw_reports.itertuples(index=False):
        report = assemble(raw.source_path, raw.text.split("\n"),
                          sections_from_frame(sections.get(raw.report_id, report_sections.iloc[0:0])),
                          rows_from_frame(tables.get(raw.report_id, report_tables.iloc[0:0])), raw.encoding,
                          source_format=raw.source_format, encoding_confident=bool(raw.encoding_confident))
        if report.year.year != year:
            raise dg.Failure(f"{raw.source_path}: parsed as {report.year.year} but inventoried for {year}")
        reports.append(report)
        dims.append(dim_record(report, raw.source_path))
        issues.extend(issue_records(report, raw.source_path))
    issues.extend(same_agency_issue_records(dims))
    issues.extend(_inventory_issues(raw_file_inventory, year))
    for name, (table, model) in FACT_ASSETS.items():
        frame = validated(model, fact_frame(reports, table))
        yield dg.Output(frame, output_name=name, metadata={
            "dagster/row_count": len(frame), "reports": frame["report_id"].nunique(),
            "cell_status": dg.MetadataValue.json(frame["cell_status"].value_counts().to_dict())})
    narrative = validated(FactNarrative, narrative_frame(reports))
    yield dg.Output(narrative, output_name="fact_narrative", metadata={"dagster/row_count": len(narrative)})
    dim = validated(DimReports, records_frame(dims, DIM_COLUMNS))
    yield dg.Output(dim, output_name="dim_reports", metadata={
        "dagster/row_count": len(dim), "trusted": int(dim["trusted"].sum()),
        "year_conflicts": int(dim["year_conflict"].sum())})
    found = validated(QualityIssues, records_frame(issues, ISSUE_COLUMNS))
    yield dg.Output(found, output_name="quality_issues", metadata={
        "dagster/row_count": len(found), "rules": dg.MetadataValue.json(found["rule"].value_counts().to_dict())})


_INVENTORY_RULES = {"duplicate": ("duplicate_report", "info"), "not_a_report": ("not_a_report", "warning")}


def _inventory_issues(inventory: pd.DataFrame, year: int) -> list[dict]:
    """Files of this year that did not become a report row: duplicates, and texts that are no report."""
    records = []
    for outcome, (rule, severity) in _INVENTORY_RULES.items():
        for entry in inventory[(inventory["outcome"] == outcome) & (inventory["year"] == year)].itertuples(index=False):
            records.append({"report_id": entry.report_id, "year": year, "source_path": entry.source_path,
                            "rule": rule, "severity": severity, "table": None, "row": None, "column": None,
                            "expected": None, "found": None, "message": entry.reason})
    return records
