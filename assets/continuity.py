"""Cross-year quality of one agency: 表三 carry-over and 表二 stocks from year Y to Y+1, and the per-year
accounting of inventoried files."""

import dagster as dg
import pandas as pd

from schemas.tables import ActiveDisclosureContinuity, CarryOverContinuity

from .partitions import AFTER_ANY_YEAR_CHANGES
from .storage.resources import Warehouse
from .validation import table_metadata, validated

# An agency's report of a year, when it has one only: with several (each has a same_agency_year issue), which
# report continues which is unknown, and pairing them all made the product of their counts (two years of
# 200,000 generated reports, ≈ 52 per agency a year: 23 M pairs, and the main process was killed for memory:
# benchmarks/RESULTS.md).
_REPORTS_A_YEAR = """reports_a_year as (
    select report_id, year, agency, agency_id, count(*) over (partition by agency_id, year) as reports
    from read_parquet('{dim}', hive_partitioning = true) where agency_id is not null
)"""
_DIMS = _REPORTS_A_YEAR + """, dims as (
    select report_id, year, agency, agency_id from reports_a_year where reports = 1
)"""
_SEVERAL_A_YEAR = "with " + _REPORTS_A_YEAR + """
select count(distinct agency_id) as agencies from reports_a_year where reports > 1
"""

_SQL = """
with {dims}, cells as (
    select report_id, row, value from read_parquet('{apps}', hive_partitioning = true)
    where applicant = 'total' and row in ('carried_forward', 'carried_over')
      and cell_status in ('number', 'none_word', 'inferred')
)
select a.agency_id, a.agency, a.year, a.report_id, b.report_id as next_report_id,
       fwd.value as carried_forward, ovr.value as carried_over_next,
       case when fwd.value is null or ovr.value is null then 'not_computable'
            when fwd.value = ovr.value then 'holds' else 'fails' end as status
from dims a join dims b on a.agency_id = b.agency_id and b.year = a.year + 1
left join cells fwd on fwd.report_id = a.report_id and fwd.row = 'carried_forward'
left join cells ovr on ovr.report_id = b.report_id and ovr.row = 'carried_over'
order by a.agency_id, a.year
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
    against 二、上年结转 of Y+1 (表三 total column); status holds, fails or not_computable. An agency with
    several reports in either year has no row for that pair (counted in the metadata)."""
    query = _SQL.format(dims=_dims(warehouse), apps=warehouse.glob("fact_applications"))
    frame = validated(CarryOverContinuity, warehouse.query(query))
    yield from _results(frame, "carry_over_continuous", _several_a_year(warehouse))


def _dims(warehouse: Warehouse) -> str:
    return _DIMS.format(dim=warehouse.glob("dim_reports"))


def _several_a_year(warehouse: Warehouse) -> int:
    """Agencies with more than one report in some year: left out of that year's pairs."""
    return int(warehouse.query(_SEVERAL_A_YEAR.format(dim=warehouse.glob("dim_reports")))["agencies"].iloc[0])


def _results(frame: pd.DataFrame, check_name: str, several_a_year: int):
    """The asset's rows and its WARN check: passed when no relation fails, the failures listed."""
    failing = frame[frame["status"] == "fails"]
    yield dg.Output(frame, metadata={"relations": len(frame), "fails": len(failing),
                                     "agencies_with_several_reports_a_year": several_a_year})
    yield dg.AssetCheckResult(
        check_name=check_name, passed=failing.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={"fails": dg.MetadataValue.md(failing.to_markdown(index=False) if len(failing) else "none"),
                  "status": dg.MetadataValue.json(frame["status"].value_counts().to_dict())})


# One row per report × 表二 item with its five stock figures; the report pairs are materialized first and the
# stocks joined to them, so DuckDB's planner cannot join stocks with stocks on the item alone (on a 20,000-report
# year it did, and ran out of memory before the pairs narrowed them down: benchmarks/RESULTS.md).
_DISCLOSURE_SQL = """
with {dims}, stocks as (
    select report_id, item,
           max(value) filter (where measure = 'in_force') as in_force,
           max(value) filter (where measure = 'issued') as issued,
           max(value) filter (where measure = 'repealed') as repealed,
           max(value) filter (where measure = 'previous_year_count') as previous_year_count,
           max(value) filter (where measure = 'net_change') as net_change
    from read_parquet('{facts}', hive_partitioning = true)
    where cell_status in ('number', 'none_word', 'inferred')
      and measure in ('in_force', 'issued', 'repealed', 'previous_year_count', 'net_change')
    group by report_id, item
), report_pairs as materialized (
    select a.agency_id, a.agency, a.year, a.report_id as this, b.report_id as next
    from dims a join dims b on a.agency_id = b.agency_id and b.year = a.year + 1
), now_stocks as materialized (
    select p.agency_id, p.agency, p.year, p.next, now.*
    from report_pairs p join stocks now on now.report_id = p.this
), pairs as (
    select n.agency_id, n.agency, n.year, n.item, n.in_force, n.previous_year_count, n.net_change,
           later.in_force as later_in_force, later.issued as later_issued, later.repealed as later_repealed,
           later.previous_year_count as later_previous_year_count
    from now_stocks n join stocks later on later.report_id = n.next and later.item = n.item
), relations as (
    select agency_id, agency, year, item, 'in_force' as relation,
           in_force + later_issued - later_repealed as expected, later_in_force as found
    from pairs
    where in_force is not null and later_in_force is not null and later_issued is not null
      and later_repealed is not null
    union all
    select agency_id, agency, year, item, 'previous_year_count', previous_year_count + net_change,
           later_previous_year_count
    from pairs
    where previous_year_count is not null and net_change is not null and later_previous_year_count is not null
)
select *, case when abs(expected - found) < 1e-6 then 'holds' else 'fails' end as status
from relations order by agency_id, year, item, relation
"""


@dg.asset(group_name="quality", io_manager_key="warehouse_io", metadata=table_metadata(ActiveDisclosureContinuity),
          owners=["team:govreports"], tags={"stage": "quality"}, automation_condition=AFTER_ANY_YEAR_CHANGES,
          deps=[dg.AssetDep("dim_reports", partition_mapping=dg.AllPartitionMapping()),
                dg.AssetDep("fact_active_disclosure", partition_mapping=dg.AllPartitionMapping())],
          check_specs=[dg.AssetCheckSpec("active_disclosure_relation", asset="active_disclosure_continuity",
                                         description="表二 stocks agree across consecutive years.")])
def active_disclosure_continuity(warehouse: Warehouse):
    """One row per agency × consecutive year pair × 表二 item with a computable template relation
    (rule active_disclosure_relation): in_force (2021) or previous_year_count (2019), holds or fails. An
    agency with several reports in either year has no row for that pair (counted in the metadata)."""
    query = _DISCLOSURE_SQL.format(dims=_dims(warehouse), facts=warehouse.glob("fact_active_disclosure"))
    frame = validated(ActiveDisclosureContinuity, warehouse.query(query))
    yield from _results(frame, "active_disclosure_relation", _several_a_year(warehouse))


def accounted_for(of_year: pd.DataFrame, dim_reports: pd.DataFrame, quality_issues: pd.DataFrame) -> dict:
    """Files of the year (``of_year``: the inventory's rows of it) that are neither a dim_reports row of the
    year nor a recorded quality issue."""
    reports = set(of_year.loc[of_year["outcome"] == "report", "report_id"])
    others = set(of_year.loc[of_year["outcome"].isin(["duplicate", "not_a_report"]), "source_path"])
    recorded = set(quality_issues.loc[quality_issues["rule"].isin(["duplicate_report", "not_a_report"]),
                                      "source_path"])
    return {"reports_missing": sorted(reports - set(dim_reports["report_id"])),
            "unexpected_reports": sorted(set(dim_reports["report_id"]) - reports),
            "files_unrecorded": sorted(others - recorded)}
