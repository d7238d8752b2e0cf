"""Cross-year quality of 表二: stocks printed in year Y+1 against year Y plus the year's changes."""

import dagster as dg
import duckdb

from schemas.tables import ActiveDisclosureContinuity

from .partitions import AFTER_ANY_YEAR_CHANGES
from .resources import Warehouse
from .validation import table_metadata, validated

_SQL = """
with dims as (
    select report_id, year, agency from read_parquet('{dim}', hive_partitioning = true) where agency is not null
), cells as (
    select report_id, item, measure, value from read_parquet('{facts}', hive_partitioning = true)
    where cell_status in ('number', 'none_word')
), pairs as (
    select a.agency, a.year, a.report_id as this, b.report_id as next
    from dims a join dims b on a.agency = b.agency and b.year = a.year + 1
), relations as (
    select p.agency, p.year, now.item, 'in_force' as relation,
           now.value + issued.value - repealed.value as expected, later.value as found
    from pairs p
    join cells now on now.report_id = p.this and now.measure = 'in_force'
    join cells later on later.report_id = p.next and later.measure = 'in_force' and later.item = now.item
    join cells issued on issued.report_id = p.next and issued.measure = 'issued' and issued.item = now.item
    join cells repealed on repealed.report_id = p.next and repealed.measure = 'repealed'
                       and repealed.item = now.item
    union all
    select p.agency, p.year, now.item, 'previous_year_count', now.value + change.value, later.value
    from pairs p
    join cells now on now.report_id = p.this and now.measure = 'previous_year_count'
    join cells change on change.report_id = p.this and change.measure = 'net_change' and change.item = now.item
    join cells later on later.report_id = p.next and later.measure = 'previous_year_count'
                    and later.item = now.item
)
select *, case when abs(expected - found) < 1e-6 then 'holds' else 'fails' end as status
from relations order by agency, year, item
"""


@dg.asset(group_name="quality", io_manager_key="warehouse_io", metadata=table_metadata(ActiveDisclosureContinuity),
          owners=["team:govreports"], tags={"stage": "quality"}, automation_condition=AFTER_ANY_YEAR_CHANGES,
          deps=[dg.AssetDep("dim_reports", partition_mapping=dg.AllPartitionMapping()),
                dg.AssetDep("fact_active_disclosure", partition_mapping=dg.AllPartitionMapping())],
          check_specs=[dg.AssetCheckSpec("active_disclosure_relation", asset="active_disclosure_continuity",
                                         description="表二 stocks agree across consecutive years.")])
def active_disclosure_continuity(warehouse: Warehouse):
    """One row per agency × consecutive year pair × 表二 item with a computable template relation
    (rule active_disclosure_relation): in_force (2021) or previous_year_count (2019), holds or fails."""
    query = _SQL.format(dim=warehouse.glob("dim_reports"), facts=warehouse.glob("fact_active_disclosure"))
    frame = validated(ActiveDisclosureContinuity, duckdb.sql(query).df())
    failing = frame[frame["status"] == "fails"]
    yield dg.Output(frame, metadata={"relations": len(frame), "fails": len(failing)})
    yield dg.AssetCheckResult(
        check_name="active_disclosure_relation", passed=failing.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={"fails": dg.MetadataValue.md(failing.to_markdown(index=False) if len(failing) else "none")})
