"""Cross-agency figures: the SQL that sums per-report metrics over trusted reports, year-over-year trends
with rankings, and outliers among peers.

Belongs here: the pure parts of the rollup assets. ``rollup_sql`` builds one DuckDB query from the
metric catalog (``schemas/metrics.py``) for any grouping; ``trends`` and ``outliers`` work on its
results as pandas frames. No Dagster here; the assets in ``assets/rollups.py`` run the SQL on the
warehouse and validate what comes back.
"""

import numpy as np
import pandas as pd

from schemas.metrics import METRICS, RATES

_TABLE_GLOB_KEYS = {"applications": "apps", "review_litigation": "review", "active_disclosure": "active"}
_TABLE_OF_METRIC = {m.code: m.table for m in METRICS}
_DIMENSIONS = ("agency_id", "agency", "agency_full", "province", "city", "county", "division_code", "admin_level",
               "agency_kind")

_PER_REPORT = """
with dims as (
    select report_id, year, trusted, trusted_active_disclosure, trusted_applications, trusted_review_litigation,
           {dimensions} from read_parquet('{dim}', hive_partitioning = true)
), {tables}, per_report as (
    select * from dims {joins}
)
"""


def _table_metrics(table: str, alias: str, glob: str) -> str:
    columns = ", ".join([*(f"{m.sql} as {m.code}" for m in METRICS if m.table == table),
                         f"count(*) filter (where cell_status = 'inferred') as {table}_inferred",
                         f"count(*) filter (where cell_status = 'corrected') as {table}_corrected"])
    return (f"{alias} as (select report_id, {columns} from read_parquet('{glob}', hive_partitioning = true) "
            f"where cell_status in ('number', 'none_word', 'inferred', 'corrected') group by report_id)")


def rollup_sql(globs: dict[str, str], keys: list[str], carried: tuple[str, ...] = ()) -> str:
    """One row per ``keys`` group: report counts, every metric summed over the reports whose table it
    comes from is trusted (``dim_reports.trusted_<table>``), and every rate with its numerator and
    denominator summed over those reports where both are known.
    ``globs`` maps ``dim``, ``apps``, ``review``, ``active`` to Parquet globs; ``carried`` columns are
    taken from any report of the group (names of an agency_id)."""
    tables = ", ".join(_table_metrics(table, alias, globs[alias]) for table, alias in _TABLE_GLOB_KEYS.items())
    joins = " ".join(f"left join {alias} using (report_id)" for alias in _TABLE_GLOB_KEYS.values())
    select = [*keys, *(f"any_value({c}) as {c}" for c in carried), "count(*) as reports",
              "count(*) filter (where trusted) as trusted_reports",
              *(f"count(*) filter (where trusted_{table}) as {table}_trusted" for table in _TABLE_GLOB_KEYS),
              *(f"coalesce(sum({table}_{kind}) filter (where trusted_{table}), 0) as {table}_{kind}_cells"
                for table in _TABLE_GLOB_KEYS for kind in ("inferred", "corrected")),
              *(f"sum({m.code}) filter (where trusted_{m.table}) as {m.code}" for m in METRICS)]
    for rate in RATES:
        table = _TABLE_OF_METRIC[rate.numerator]
        known = f"trusted_{table} and {rate.numerator} is not null and {rate.denominator} is not null"
        numerator, denominator = f"sum({rate.numerator}) filter (where {known})", \
            f"sum({rate.denominator}) filter (where {known})"
        select += [f"case when {denominator} > 0 then {numerator} / {denominator} end as {rate.code}",
                   f"{numerator} as {rate.code}_numerator", f"{denominator} as {rate.code}_denominator"]
    head = _PER_REPORT.format(dimensions=", ".join(_DIMENSIONS), dim=globs["dim"], tables=tables, joins=joins)
    return head + f"select {', '.join(select)} from per_report group by all order by all"


def trends(by_agency: pd.DataFrame, by_province: pd.DataFrame, by_city: pd.DataFrame,
           metrics: tuple[str, ...]) -> pd.DataFrame:
    """Long table: one row per scope (agency | province | city) × entity × year × metric, with last
    year's value, the change and the relative change, and the entity's rank within the year (1 =
    highest). A city's entity is ``province/city``, as city names repeat across provinces."""
    by_city = by_city.assign(entity=by_city["province"] + "/" + by_city["city"])
    frames = []
    for scope, frame, entity, name in (("agency", by_agency, "agency_id", "agency"),
                                       ("province", by_province, "province", "province"),
                                       ("city", by_city, "entity", "city")):
        known = frame[frame[entity].notna()].assign(entity=lambda f, e=entity: f[e], name=lambda f, n=name: f[n])
        long = known.melt(id_vars=["year", "entity", "name"], value_vars=list(metrics), var_name="metric")
        frames.append(long.assign(scope=scope)[["scope", "entity", "name", "year", "metric", "value"]])
    long = pd.concat(frames, ignore_index=True).astype({"value": float}).sort_values(["scope", "entity", "metric",
                                                                                      "year"])
    previous = long.rename(columns={"value": "previous_value"}).assign(year=lambda f: f["year"] + 1)
    long = long.merge(previous[["scope", "entity", "metric", "year", "previous_value"]],
                      on=["scope", "entity", "metric", "year"], how="left")
    long["change"] = long["value"] - long["previous_value"]
    long["change_pct"] = long["change"] / long["previous_value"].where(long["previous_value"] > 0)
    long["rank_in_year"] = long.groupby(["scope", "year", "metric"])["value"].rank(method="min", ascending=False)
    return long.reset_index(drop=True)


def outliers(by_agency: pd.DataFrame, metrics: tuple[str, ...], min_peers: int = 5,
             threshold: float = 3.5) -> pd.DataFrame:
    """Agencies whose figure is far from their peers' (same year, admin_level and agency_kind): robust
    z-score 0.6745·(x − median)/MAD beyond ``threshold``, counts on a log scale. Groups with fewer than
    ``min_peers`` known values, or no spread (MAD 0), are not judged."""
    rows = []
    for (year, level, kind), peers in by_agency.groupby(["year", "admin_level", "agency_kind"]):
        for metric in metrics:
            known = peers[peers[metric].notna()]
            if len(known) < min_peers:
                continue
            scale = np.log1p(known[metric]) if not metric.endswith("_rate") else known[metric]
            median = scale.median()
            mad = (scale - median).abs().median()
            if mad == 0:
                continue
            z = 0.6745 * (scale - median) / mad
            for index in z[z.abs() > threshold].index:
                row = known.loc[index]
                peer_median = known[metric].median()
                rows.append({"year": year, "agency_id": row["agency_id"], "agency": row["agency"],
                             "admin_level": level, "agency_kind": kind, "metric": metric, "value": row[metric],
                             "peer_median": peer_median, "peers": len(known), "robust_z": float(z[index]),
                             "reason": f"{metric} {row[metric]:.4g} vs median {peer_median:.4g} of {len(known)} "
                                       f"{level} {kind} peers in {year} (robust z {z[index]:+.1f})"})
    columns = ["year", "agency_id", "agency", "admin_level", "agency_kind", "metric", "value", "peer_median",
               "peers", "robust_z", "reason"]
    return pd.DataFrame.from_records(rows, columns=columns)
