"""Per-year asset checks, built from the pandera models (one schema check per written table) plus
the quality summary of each year.

Schema checks are blocking: a table that does not match its model is a pipeline bug and stops the
assets downstream. The quality check only warns: problems in the source data are findings, not bugs.
"""

import warnings

import dagster as dg
import pandas as pd
import pandera.pandas as pa

from assets.continuity import accounted_for
from assets.partitions import YEARS
from schemas.tables import FACT_MODELS, DimReports, FactNarrative, QualityIssues, ReportSections, ReportTables

# Per-partition check results need `partitions_def` on the check, a preview API in 1.13; chosen knowingly.
warnings.filterwarnings("ignore", category=dg.PreviewWarning, message=".*partitions_def on an AssetCheckSpec.*")

SCHEMA_CHECKED = {
    **{f"fact_{name}": model for name, model in FACT_MODELS.items()},
    "fact_narrative": FactNarrative,
    "dim_reports": DimReports,
    "quality_issues": QualityIssues,
    "report_sections": ReportSections,
    "report_tables": ReportTables,
}


def schema_check(asset: str, model: type[pa.DataFrameModel]) -> dg.AssetChecksDefinition:
    """A blocking per-year check that the written partition still matches ``model``."""

    @dg.asset_check(asset=asset, name=f"{asset}_matches_schema", partitions_def=YEARS, blocking=True,
                    description=f"The partition validates against the pandera model {model.__name__}.")
    def _check(context: dg.AssetCheckExecutionContext, frame: pd.DataFrame) -> dg.AssetCheckResult:
        metadata = {"rows": len(frame), "model": model.__name__}
        if "year" in frame and len(frame) and set(frame["year"].astype(str)) != {context.partition_key}:
            return dg.AssetCheckResult(passed=False, metadata=metadata | {"error": "year differs from partition"})
        try:
            model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases.head(20).to_markdown(index=False)
            return dg.AssetCheckResult(passed=False, metadata=metadata | {
                "failure_cases": dg.MetadataValue.md(cases), "failures": len(errors.failure_cases)})
        return dg.AssetCheckResult(passed=True, metadata=metadata)

    return _check


@dg.asset_check(asset="quality_issues", partitions_def=YEARS, blocking=False,
                description="Counts of quality findings per rule; warns when any error-severity finding exists.")
def quality_summary(quality_issues: pd.DataFrame) -> dg.AssetCheckResult:
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
def every_file_accounted_for(context: dg.AssetCheckExecutionContext, dim_reports: pd.DataFrame,
                             raw_file_inventory: pd.DataFrame, quality_issues: pd.DataFrame) -> dg.AssetCheckResult:
    gaps = accounted_for(raw_file_inventory, dim_reports, quality_issues, int(context.partition_key))
    return dg.AssetCheckResult(passed=not any(gaps.values()), metadata={
        "reports": len(dim_reports), **{k: dg.MetadataValue.json(v) for k, v in gaps.items()}})


ASSET_CHECKS = [every_file_accounted_for, *(schema_check(asset, model) for asset, model in SCHEMA_CHECKED.items()),
                quality_summary]
