"""Per-year asset checks, built from the pandera models (one schema check per written table) plus
the quality summary of each year.

Each check reads only what it needs through ``PartitionTable`` (schema checks one row group at a time,
the others a few columns), so checking a year of 200,000 reports stays within bounded memory.
Schema checks are blocking: a table that does not match its model is a pipeline bug and stops the
assets downstream. The quality check only warns: problems in the source data are findings, not bugs.
"""

import warnings

import dagster as dg
import pandera.pandas as pa

from assets.continuity import accounted_for
from assets.partitions import YEARS
from assets.pipeline.memory import release_unused_memory
from assets.storage.io_manager import PartitionTable
from assets.storage.parts import StoredTable
from schemas.tables import FACT_MODELS, DimReports, FactNarrative, QualityIssues, ReportSections, ReportTables

# Per-partition check results need `partitions_def` on the check, a preview API in 1.13; chosen knowingly.
warnings.filterwarnings("ignore", category=dg.PreviewWarning, message=".*partitions_def on an AssetCheckSpec.*")

# Rows validated at a time by a schema check: a year's parts hold a row group per batch of reports (a few
# hundred rows for dim_reports), and each validation has a fixed cost whatever its rows (benchmarks/RESULTS.md).
CHECKED_ROWS = 131_072

SCHEMA_CHECKED = {
    **{f"fact_{name}": model for name, model in FACT_MODELS.items()},
    "fact_narrative": FactNarrative,
    "dim_reports": DimReports,
    "quality_issues": QualityIssues,
    "report_sections": ReportSections,
    "report_tables": ReportTables,
}


def schema_check(asset: str, model: type[pa.DataFrameModel]) -> dg.AssetChecksDefinition:
    """A blocking per-year check that the written partition still matches ``model``, one row group at a time."""

    @dg.asset_check(asset=asset, name=f"{asset}_matches_schema", partitions_def=YEARS, blocking=True,
                    description=f"The partition validates against the pandera model {model.__name__}.")
    def _check(context: dg.AssetCheckExecutionContext, table: PartitionTable) -> dg.AssetCheckResult:
        rows, problem = validate_row_groups(table, model)
        release_unused_memory()  # the row groups just read: the next check starts from what is live
        metadata = {"rows": rows, "model": model.__name__}
        if problem is not None:
            return dg.AssetCheckResult(passed=False, metadata=metadata | problem)
        return dg.AssetCheckResult(passed=True, metadata=metadata)

    return _check


def validate_row_groups(table: PartitionTable, model: type[pa.DataFrameModel]) -> tuple[int, dict | None]:
    """(rows read, None) when every row group validates, else (rows so far, what failed).

    Consecutive row groups are validated together, ``CHECKED_ROWS`` rows or more at a time. A row group
    holds whole reports, so uniqueness keyed by report is checked per such frame; that is exact only if no
    report's rows appear in two frames, which is checked too. The ``year`` column comes from the
    partition's directory name, so it always equals the partition key."""
    keyed = (model.to_schema().unique or [None])[0] == "report_id"
    seen: set[str] = set()
    rows = 0
    for frame in table.row_groups(min_rows=CHECKED_ROWS):
        rows += len(frame)
        try:
            model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases.head(20).to_markdown(index=False)
            return rows, {"failure_cases": dg.MetadataValue.md(cases), "failures": len(errors.failure_cases)}
        if keyed:
            ids = set(frame["report_id"].unique())
            if ids & seen:
                return rows, {"error": f"rows of report(s) {sorted(ids & seen)[:5]} lie in several row groups"}
            seen |= ids
    return rows, None


@dg.asset_check(asset="quality_issues", partitions_def=YEARS, blocking=False,
                description="Counts of quality findings per rule; warns when any error-severity finding exists.")
def quality_summary(quality_issues: PartitionTable) -> dg.AssetCheckResult:
    quality_issues = quality_issues.read(columns=["rule", "severity", "source_path"])
    per_rule = quality_issues.groupby(["rule", "severity"]).size().rename("issues").reset_index()
    worst = (quality_issues[quality_issues["severity"] == "error"].groupby("source_path").size()
             .sort_values(ascending=False).head(10).rename("errors").reset_index())
    return dg.AssetCheckResult(
        passed=bool((quality_issues["severity"] != "error").all()), severity=dg.AssetCheckSeverity.WARN,
        metadata={"issues": len(quality_issues),
                  "per_rule": dg.MetadataValue.md(per_rule.to_markdown(index=False) if len(per_rule) else "none"),
                  "worst_reports": dg.MetadataValue.md(worst.to_markdown(index=False) if len(worst) else "none")})


@dg.asset_check(asset="dim_reports", partitions_def=YEARS, blocking=True,
                additional_ins={"raw_file_inventory": dg.AssetIn(), "quality_issues": dg.AssetIn()},
                description="Every inventoried file of the year is a dim_reports row or a recorded duplicate.")
def every_file_accounted_for(context: dg.AssetCheckExecutionContext, dim_reports: PartitionTable,
                             raw_file_inventory: StoredTable, quality_issues: PartitionTable) -> dg.AssetCheckResult:
    of_year = raw_file_inventory.read(["source_path", "report_id", "outcome"], year=int(context.partition_key))
    dims = dim_reports.read(columns=["report_id"])
    gaps = accounted_for(of_year, dims, quality_issues.read(columns=["rule", "source_path"]))
    return dg.AssetCheckResult(passed=not any(gaps.values()), metadata={
        "reports": len(dims), **{k: dg.MetadataValue.json(v) for k, v in gaps.items()}})


ASSET_CHECKS = [every_file_accounted_for, *(schema_check(asset, model) for asset, model in SCHEMA_CHECKED.items()),
                quality_summary]
