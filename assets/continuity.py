"""Cross-year quality: does an agency's carried_forward in year Y equal its carried_over in Y+1?"""

import dagster as dg
import duckdb
import pandas as pd

from schemas.tables import CarryOverContinuity

from .partitions import AFTER_ANY_YEAR_CHANGES
from .resources import Warehouse
from .validation import table_metadata, validated

_SQL = """
with dims as (
    select report_id, year, agency from read_parquet('{dim}', hive_partitioning = true) where agency is not null
), cells as (
    select report_id, row, value from read_parquet('{apps}', hive_partitioning = true)
    where applicant = 'total' and row in ('carried_forward', 'carried_over')
      and cell_status in ('number', 'none_word')
)
select a.agency, a.year, a.report_id, b.report_id as next_report_id,
       fwd.value as carried_forward, ovr.value as carried_over_next,
       case when fwd.value is null or ovr.value is null then 'not_computable'
            when fwd.value = ovr.value then 'holds' else 'fails' end as status
from dims a join dims b on a.agency = b.agency and b.year = a.year + 1
left join cells fwd on fwd.report_id = a.report_id and fwd.row = 'carried_forward'
left join cells ovr on ovr.report_id = b.report_id and ovr.row = 'carried_over'
order by a.agency, a.year
"""


@dg.asset(group_name="quality", io_manager_key="warehouse_io", metadata=table_metadata(CarryOverContinuity),
          owners=["team:govreports"], tags={"stage": "quality"}, automation_condition=AFTER_ANY_YEAR_CHANGES,
          deps=[dg.AssetDep("dim_reports", partition_mapping=dg.AllPartitionMapping()),
                dg.AssetDep("fact_applications", partition_mapping=dg.AllPartitionMapping())],
          check_specs=[dg.AssetCheckSpec("carry_over_continuous", asset="carry_over_continuity",
                                         description="No agency's carried_forward differs from next year's "
                                                     "carried_over.")])
def carry_over_continuity(warehouse: Warehouse):
    """One row per agency × consecutive pair of materialized years: 四、结转下年度继续办理 of year Y
    against 二、上年结转 of Y+1 (表三 total column); status holds, fails or not_computable."""
    query = _SQL.format(dim=warehouse.glob("dim_reports"), apps=warehouse.glob("fact_applications"))
    frame = validated(CarryOverContinuity, duckdb.sql(query).df())
    failing = frame[frame["status"] == "fails"]
    yield dg.Output(frame, metadata={"pairs": len(frame), "fails": len(failing)})
    yield dg.AssetCheckResult(
        check_name="carry_over_continuous", passed=failing.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={"fails": dg.MetadataValue.md(failing.to_markdown(index=False) if len(failing) else "none"),
                  "status": dg.MetadataValue.json(frame["status"].value_counts().to_dict())})


def accounted_for(inventory: pd.DataFrame, dim_reports: pd.DataFrame, quality_issues: pd.DataFrame,
                  year: int) -> dict:
    """Files of ``year`` in the inventory that are neither a dim_reports row nor a recorded quality issue."""
    of_year = inventory[inventory["year"] == year]
    reports = set(of_year.loc[of_year["outcome"] == "report", "report_id"])
    others = set(of_year.loc[of_year["outcome"].isin(["duplicate", "not_a_report"]), "source_path"])
    recorded = set(quality_issues.loc[quality_issues["rule"].isin(["duplicate_report", "not_a_report"]),
                                      "source_path"])
    return {"reports_missing": sorted(reports - set(dim_reports["report_id"])),
            "unexpected_reports": sorted(set(dim_reports["report_id"]) - reports),
            "files_unrecorded": sorted(others - recorded)}
