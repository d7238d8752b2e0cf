"""One agency, year against year: what its page shows, gathered from the warehouse with DuckDB.

Belongs here: finding agencies (by agency_id or a fragment of a name, or by region), and, for a reporting
year Y, each agency's cells of 表二/表三/表四 in Y and Y-1 with the change and its rank among its peers, its
quality issues with the source lines of the cells they name (a narrative figure with its sentence), and its
cells not read as printed. Peers are the agencies of the same year, admin_level and agency_kind; as in the
rollups (``rollups.py``), a table's figures count only for reports where that table is trusted
(``dim_reports.trusted_<table>``), so a table that could not be read, or contradicts itself, is never ranked.
An agency with several reports in a year (``same_agency_year``) has their figures summed, as in
``rollup_agencies``. No Dagster and no HTML here: ``pages.py`` renders what this gathers.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from schemas.catalog import APPLICATION_ROWS_BY_GENERATION, FACT_TABLES, NARRATIVE_MEASURES, VALUED_STATUSES, codes
from schemas.rules import RULES

from ..parser.flattened import JOINED
from ..storage.resources import Warehouse
from .agencies import agencies_sql, find

FLAGGED_STATUSES = ("missing", "unparseable", "inferred", "corrected")  # cells not read as printed
PROBLEM_SEVERITIES = ("error", "warning")  # an info issue is a note, not a problem
CELL = ["table", "row", "column"]
Cell = tuple[str, str, str | None]  # (table, row, column); column None: every column of the row
_DIMS = ("report_id", "year", "source_path", "agency", "agency_full", "agency_id", "admin_level", "agency_kind",
         "province", "city", "county", "trusted", "quality_score",
         *(f"trusted_{table}" for table in FACT_TABLES))
_COMPARED = {measure.code: measure.compare_to for measure in NARRATIVE_MEASURES}


class NotInWarehouse(LookupError):
    """What was asked for is not in the warehouse (no tables yet, no such agency or year)."""


@dataclass(frozen=True)
class Problem:
    """A quality issue of one of the agency's reports, with the cells it names and their source lines."""

    year: int
    source_path: str
    rule: str
    severity: str
    table: str | None
    row: str | None  # the issue's row code (narrative_mismatch: the narrative measure)
    cells: tuple[Cell, ...]
    expected: str | None
    found: str | None
    message: str
    lines: tuple[int, ...]
    texts: tuple[str, ...]  # the text of each of ``lines``
    sentence: str | None = None  # narrative_mismatch: the sentence that states the figure
    sentence_line: int | None = None


@dataclass
class Comparison:
    """An agency's year Y against Y-1: who it is, its reports, its figures, problems and flagged cells."""

    agency_id: str
    agency: str
    region: tuple[str, ...]  # province, city, county as known
    admin_level: str | None
    agency_kind: str | None
    year: int
    years: tuple[int, ...]  # every year the agency has a report of
    reports: pd.DataFrame  # its dim_reports rows of Y and Y-1
    figures: pd.DataFrame  # one row per cell: value, cell_status, lines in Y; previous_*; change; rank, peers
    problems: list[Problem]  # error and warning issues of Y and Y-1
    notes: list[Problem]  # info issues of Y and Y-1
    flagged: pd.DataFrame  # the cells of Y and Y-1 whose status is one of FLAGGED_STATUSES

    @property
    def previous(self) -> int | None:
        """Y-1 when the agency has a report of it, else None (nothing to compare with)."""
        return self.year - 1 if self.year - 1 in self.years else None

    def problems_of(self, year: int) -> list[Problem]:
        return [problem for problem in self.problems if problem.year == year]


def _read(warehouse: Warehouse, asset: str) -> str:
    return f"read_parquet('{warehouse.glob(asset)}', hive_partitioning = true)"


def _text(value: object) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _among(values: Iterable[object]) -> str:
    """A SQL list of string literals (never empty: ``(null)`` matches nothing)."""
    return "(" + (", ".join(_text(v) for v in values) or "null") + ")"


def _require_tables(warehouse: Warehouse) -> None:
    if not (warehouse.root() / "dim_reports").exists():
        raise NotInWarehouse(f"no dim_reports in {warehouse.root()}: `govreports run` builds the warehouse")


def find_agencies(warehouse: Warehouse, text: str) -> pd.DataFrame:
    """The agency whose agency_id is ``text``, else every agency ``agencies.find`` finds by fragments of its name,
    place or id: rows of ``agencies.agencies_sql`` (latest names and region, ``years``)."""
    _require_tables(warehouse)
    every = warehouse.query(agencies_sql(warehouse.glob("dim_reports")))
    exact = every[every["agency_id"] == text]
    return exact if len(exact) else find(every, text)


def _in_region(region: str | None) -> str:
    if region is None:
        return "true"
    return " or ".join(f"contains({column}, {_text(region)})" for column in ("province", "city", "county"))


def latest_year(warehouse: Warehouse, region: str | None = None) -> int | None:
    """The latest year with a report of an agency of ``region`` (any agency when None)."""
    _require_tables(warehouse)
    found = warehouse.query(f"select max(year) as year from {_read(warehouse, 'dim_reports')} "
                            f"where agency_id is not null and ({_in_region(region)})")["year"].iloc[0]
    return None if pd.isna(found) else int(found)


def agencies_of(warehouse: Warehouse, year: int, region: str | None = None) -> list[str]:
    """The agency_ids with a report of ``year`` whose province, city or county contains ``region`` (every one
    when None), sorted."""
    _require_tables(warehouse)
    return warehouse.query(f"select distinct agency_id from {_read(warehouse, 'dim_reports')} where year = {year} "
                           f"and agency_id is not null and ({_in_region(region)}) order by agency_id"
                           )["agency_id"].tolist()


def compare(warehouse: Warehouse, agency_ids: list[str], year: int) -> list[Comparison]:
    """The comparison of each of ``agency_ids`` that has a report of ``year``, in the order given; a few
    queries for them all, so call it with a batch of agencies rather than one at a time."""
    _require_tables(warehouse)
    dims = warehouse.query(f"select {', '.join(_DIMS)} from {_read(warehouse, 'dim_reports')} "
                           f"where agency_id in {_among(agency_ids)} order by year, source_path")
    shown = dims[dims["year"].isin([year - 1, year])]
    reports = shown["report_id"].tolist()
    cells = _cells(warehouse, reports, year)
    issues = _of_reports(warehouse, "quality_issues", reports, year)
    narrative = _of_reports(warehouse, "fact_narrative", reports, year)
    texts = _texts(warehouse, issues["report_id"].unique().tolist(), year)
    ranks = _ranks(warehouse, agency_ids, year)
    comparisons = []
    for agency_id in agency_ids:
        own = dims[dims["agency_id"] == agency_id]
        if year not in set(own["year"]):
            continue
        own_reports = shown[shown["agency_id"] == agency_id]
        ids = set(own_reports["report_id"])
        problems = _problems(issues[issues["report_id"].isin(ids)], own_reports, cells, narrative, texts)
        comparisons.append(_comparison(agency_id, year, own, own_reports, cells[cells["report_id"].isin(ids)],
                                       problems, ranks[ranks["agency_id"] == agency_id]))
    return comparisons


def _comparison(agency_id: str, year: int, dims: pd.DataFrame, reports: pd.DataFrame, cells: pd.DataFrame,
                problems: list[Problem], ranks: pd.DataFrame) -> Comparison:
    latest = reports[reports["year"] == year].iloc[0]
    region = tuple(latest[c] for c in ("province", "city", "county") if isinstance(latest[c], str))
    flagged = cells[cells["cell_status"].isin(FLAGGED_STATUSES)].merge(
        reports[["report_id", "source_path"]], on="report_id")
    return Comparison(
        agency_id=agency_id, agency=_known(latest["agency_full"]) or _known(latest["agency"]) or agency_id,
        region=region, admin_level=_known(latest["admin_level"]), agency_kind=_known(latest["agency_kind"]), year=year,
        years=tuple(sorted(int(y) for y in dims["year"].unique())), reports=reports.reset_index(drop=True),
        figures=_figures(cells, ranks, year),
        problems=[p for p in problems if p.severity in PROBLEM_SEVERITIES],
        notes=[p for p in problems if p.severity not in PROBLEM_SEVERITIES],
        flagged=_in_catalog_order(flagged).sort_values("year", kind="stable", ascending=False).reset_index(drop=True))


def _known(value: object) -> str | None:
    return value if isinstance(value, str) else None


# ---------------------------------------------------------------- cells and figures

def _fact_select(name: str) -> str:
    spec = FACT_TABLES[name]
    return (f"select '{name}' as \"table\", {spec.row_dim} as row, {spec.column_dim} as \"column\", report_id, year, "
            "value, cell_status")


def _cells(warehouse: Warehouse, reports: list[str], year: int) -> pd.DataFrame:
    """Every template cell of ``reports`` (of ``year`` and the year before): value, status, raw text, line and,
    for a corrected cell, what the parser read and who corrected it."""
    extra = "raw, source_line, parsed_value, parsed_status, correction_reason, reviewer"
    union = " union all ".join(
        f"{_fact_select(name)}, {extra} from {_read(warehouse, 'fact_' + name)} "
        f"where year in ({year - 1}, {year}) and report_id in {_among(reports)}" for name in FACT_TABLES)
    return warehouse.query(union)


def _of_reports(warehouse: Warehouse, asset: str, reports: list[str], year: int) -> pd.DataFrame:
    return warehouse.query(f"select * from {_read(warehouse, asset)} where year in ({year - 1}, {year}) "
                           f"and report_id in {_among(reports)}")


def _texts(warehouse: Warehouse, reports: list[str], year: int) -> dict[str, list[str]]:
    """The lines of ``reports`` (those with issues), by report_id."""
    frame = _of_reports(warehouse, "raw_reports", reports, year)
    return {report: text.replace(JOINED, "").split("\n") for report, text in zip(frame["report_id"], frame["text"],
                                                                                  strict=True)}


_RANKS = """
with dims as (
    select report_id, agency_id, admin_level, agency_kind, {trust_columns} from {dims}
    where year = {year} and agency_id is not null and admin_level is not null and agency_kind is not null
), cells as ({cells}), per_agency as (
    select d.agency_id, d.admin_level, d.agency_kind, c."table", c.row, c."column", sum(c.value) as value
    from cells c join dims d using (report_id) where {trusted} group by all
), ranked as (
    select *, rank() over (partition by admin_level, agency_kind, "table", row, "column" order by value desc) as rank,
           count(*) over (partition by admin_level, agency_kind, "table", row, "column") as peers
    from per_agency
)
select agency_id, "table", row, "column", rank, peers from ranked where agency_id in {agencies}
"""


def _ranks(warehouse: Warehouse, agency_ids: list[str], year: int) -> pd.DataFrame:
    """Each agency's rank per cell of ``year`` (1 = highest, ties share the best) among the agencies of its
    admin_level and agency_kind, and how many they are: over the reports whose table is trusted, as the
    rollups count them. An agency without a trusted value of a cell has no rank for it."""
    cells = " union all ".join(
        f"{_fact_select(name)} from {_read(warehouse, 'fact_' + name)} where year = {year} "
        f"and cell_status in {_among(VALUED_STATUSES)}" for name in FACT_TABLES)
    trusted = "case c.\"table\" " + " ".join(f"when '{t}' then d.trusted_{t}" for t in FACT_TABLES) + " end"
    return warehouse.query(_RANKS.format(
        dims=_read(warehouse, "dim_reports"), year=year, cells=cells, trusted=trusted,
        trust_columns=", ".join(f"trusted_{t}" for t in FACT_TABLES), agencies=_among(agency_ids)))


def _per_cell(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per year × cell over the agency's reports: the sum of the valued cells (null when none is),
    their statuses and source lines."""
    valued = cells.assign(value=cells["value"].where(cells["cell_status"].isin(VALUED_STATUSES)))
    grouped = valued.groupby(["year", *CELL], sort=False)
    return pd.DataFrame({
        "value": grouped["value"].sum(min_count=1),
        "cell_status": grouped["cell_status"].agg(lambda s: ", ".join(sorted(set(s)))),
        "lines": grouped["source_line"].agg(lambda s: tuple(sorted({int(line) for line in s.dropna()}))),
    }).reset_index()


def _figures(cells: pd.DataFrame, ranks: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per cell the agency has in Y or Y-1 (the two years' templates may differ), in template order:
    value, cell_status, lines; previous_value, previous_status, previous_lines; change (both valued); rank and
    peers in Y."""
    per_cell = _per_cell(cells)
    current = per_cell[per_cell["year"] == year].drop(columns="year")
    previous = per_cell[per_cell["year"] == year - 1].drop(columns="year").rename(
        columns={"value": "previous_value", "cell_status": "previous_status", "lines": "previous_lines"})
    figures = current.merge(previous, on=CELL, how="outer").merge(ranks.drop(columns="agency_id"), on=CELL, how="left")
    figures["change"] = figures["value"] - figures["previous_value"]
    return _in_catalog_order(figures).reset_index(drop=True)


def _merged(*orders: tuple[str, ...]) -> list[str]:
    """The codes of several orders in one: each code after the code that precedes it in its own order."""
    merged: list[str] = []
    for order in orders:
        for index, code in enumerate(order):
            if code not in merged:
                merged.insert(merged.index(order[index - 1]) + 1 if index else 0, code)
    return merged


_ROW_ORDER = {"applications": _merged(*APPLICATION_ROWS_BY_GENERATION.values())}  # catalog order is match order
_POSITION = {(name, row, column): index for index, (name, row, column) in enumerate(
    (name, row, column) for name, spec in FACT_TABLES.items()
    for row in _ROW_ORDER.get(name, codes(spec.rows)) for column in codes(spec.columns))}


def _in_catalog_order(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s cells as the template prints them: 表二, 表三, 表四, each row by row."""
    position = [_POSITION[cell] for cell in zip(frame["table"], frame["row"], frame["column"], strict=True)]
    return frame.assign(_position=position).sort_values("_position", kind="stable").drop(columns="_position")


# ---------------------------------------------------------------- problems

def _named_rows(rule: str, table: str) -> list[str]:
    """The rows of ``table`` that the rule's definition (``schemas/rules.py``) names, in its order: the cells of a
    rule checked per column (balance) are those rows of the column."""
    definition = RULES[rule]
    named = [(match.start(), row) for row in codes(FACT_TABLES[table].rows)
             if (match := re.search(rf"\b{row}\b", definition))]
    return [row for _, row in sorted(named)]


def _cells_named(issue: pd.Series) -> tuple[Cell, ...]:
    """The template cells an issue is about (column None: the whole row); none for a whole table or report."""
    table, row, column = (_known(issue[key]) for key in CELL)
    if issue["rule"] == "narrative_mismatch":
        return _COMPARED.get(row, ())
    if table not in FACT_TABLES:
        return ()
    if row is not None:
        return ((table, row, column),)
    if column is not None:
        return tuple((table, named, column) for named in _named_rows(issue["rule"], table))
    return ()


def _line_index(cells: pd.DataFrame) -> dict[tuple, set[int]]:
    """(report_id, table, row, column) and (report_id, table, row, None) → the source lines of those cells."""
    index: dict[tuple, set[int]] = defaultdict(set)
    located = cells[cells["source_line"].notna()]
    for report, table, row, column, line in zip(located["report_id"], located["table"], located["row"],
                                                located["column"], located["source_line"], strict=True):
        index[(report, table, row, column)].add(int(line))
        index[(report, table, row, None)].add(int(line))
    return index


def _problems(issues: pd.DataFrame, reports: pd.DataFrame, cells: pd.DataFrame, narrative: pd.DataFrame,
              texts: dict[str, list[str]]) -> list[Problem]:
    """The issues of the agency's reports as problems: the cells each names and their lines, and for a narrative
    figure the sentence that states it."""
    paths = dict(zip(reports["report_id"], reports["source_path"], strict=True))
    lines_of = _line_index(cells[cells["report_id"].isin(set(issues["report_id"]))])
    stated = {(r, m): (s, int(line)) for r, m, s, line in zip(narrative["report_id"], narrative["measure"],
                                                             narrative["sentence"], narrative["source_line"],
                                                             strict=True)}
    problems = []
    for _, issue in issues.sort_values(["year", "source_path"], ascending=[False, True], kind="stable").iterrows():
        report = issue["report_id"]
        named = _cells_named(issue)
        lines = tuple(sorted(set().union(*(lines_of.get((report, *cell), set()) for cell in named))))
        text = texts.get(report, [])
        sentence, sentence_line = stated.get((report, issue["row"]), (None, None))
        problems.append(Problem(
            year=int(issue["year"]), source_path=paths[report], rule=issue["rule"], severity=issue["severity"],
            table=_known(issue["table"]), row=_known(issue["row"]), cells=named, expected=_known(issue["expected"]),
            found=_known(issue["found"]), message=issue["message"], lines=lines,
            texts=tuple(text[line - 1].strip() if line <= len(text) else "" for line in lines),
            sentence=sentence if issue["rule"] == "narrative_mismatch" else None,
            sentence_line=sentence_line if issue["rule"] == "narrative_mismatch" else None))
    return problems
