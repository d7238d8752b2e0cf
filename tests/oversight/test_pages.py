"""``govreports compare`` and ``agency_pages`` on a generated warehouse of 2020 and 2021: what the pages say is
checked against the Parquet tables and the catalog, never against the code that wrote them.

Five agencies (benchmarks/generate_corpus.py, renamed as tests/test_notebook.py does): 南谯区人民政府 reports in
both years, and its 2021 report was edited so that one 表三 row's total disagrees with its columns and its prose
states a number of applications its table does not give; 南谯区教育局 reports in 2021 only; 琅琊区, 定远县 and
桃城区人民政府 are its 2021 peers (county governments), 定远县's 表三 and 表四 lost cells (not trusted), and ranks
must leave them out. 桃城区 reports in both years too.
"""

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import dagster as dg
import pandas as pd
import pytest
from lxml import html

from assets.pipeline.comparison import compare
from assets.pipeline.labels import COLUMN_LABELS, ROW_LABELS, TABLE_NUMBERS
from assets.storage.resources import Warehouse
from benchmarks.generate_corpus import GeneratedReport, build_report
from orchestration.checks import ASSET_CHECKS
from orchestration.cli import main
from orchestration.definitions import ASSETS, build_resources
from orchestration.runner import run_pipeline
from schemas.catalog import APPLICATION_ROWS, FACT_TABLES, NARRATIVE_MEASURES, VALUED_STATUSES
from tests.conftest import ROOT

SEED = 3
YEAR = 2021
NANQIAO, EDUCATION, LANGYA = "滁州市南谯区人民政府", "滁州市南谯区教育局", "滁州市琅琊区人民政府"
DINGYUAN, TAOCHENG = "滁州市定远县人民政府", "衡水市桃城区人民政府"
EDITED_ROW = "unavailable_unclear"  # 表三 (四)3.补正后申请内容仍不明确: its total is raised by one
STATED = 999  # applications received, as the edited report's prose states them
_KEY = next(code.keys[0] for code in APPLICATION_ROWS if code.code == EDITED_ROW)
_COLUMNS = {name: (spec.row_dim, spec.column_dim) for name, spec in FACT_TABLES.items()}


@dataclass
class Generated:
    """A materialized warehouse and its raw folder; ``ids``: agency name → agency_id (from dim_reports)."""

    raw: Path
    warehouse: Path
    ids: dict[str, str]

    def facts(self, table: str, name: str, year: int = YEAR) -> pd.DataFrame:
        """The agency's cells of ``table`` in ``year``, with ``row`` and ``column`` named alike for every table."""
        row, column = _COLUMNS[table]
        facts = pd.read_parquet(self.warehouse / f"fact_{table}").rename(columns={row: "row", column: "column"})
        reports = self.reports()
        ids = reports[(reports["agency_id"] == self.ids[name]) & (reports["year"] == year)]["report_id"]
        return facts[facts["report_id"].isin(ids) & (facts["year"] == year)]

    def reports(self) -> pd.DataFrame:
        frame = pd.read_parquet(self.warehouse / "dim_reports")
        return frame.assign(year=frame["year"].astype(int))


def _pick(year: int, taken: set[int], layout: str | None = None, dropped: bool = False,
          wanted=lambda text: True) -> GeneratedReport:
    """The first generated report of ``year`` not taken yet with this layout and dropped blanks (UTF-8)."""
    for index in range(400):
        report = build_report(SEED, index, year)
        generator = report.truth["generator"]
        if (index not in taken and generator["encoding"] == "utf-8" and generator["dropped_blanks"] == dropped
                and layout in (None, generator["layout"]) and wanted(report.data.decode("utf-8"))):
            taken.add(index)
            return report
    raise AssertionError(f"no generated report of {year} fits")


def _edited_cells(line: str) -> list[str] | None:
    """The pipe cells of the edited row's line, when its total is a plain positive number."""
    cells = line.split("|")
    label = next((i for i, cell in enumerate(cells) if _KEY in cell), None)
    if label is None or not re.fullmatch(r"[1-9]\d*", cells[label + 7].strip()):
        return None
    return cells


def _editable(text: str) -> bool:
    return any(_edited_cells(line) for line in text.split("\n"))


def _inconsistent(text: str) -> str:
    """The edited row's total raised by one, and a sentence stating STATED applications received."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if cells := _edited_cells(line):
            total = next(i for i, cell in enumerate(cells) if _KEY in cell) + 7
            cells[total] = f" {int(cells[total]) + 1} "
            lines[number] = "|".join(cells)
    lines[4:4] = [f"本年度共收到政府信息公开申请{STATED}件。", ""]
    return "\n".join(lines)


def build_warehouse(root: Path) -> Generated:
    """The raw folder (``<year>/<n>.txt``) and the warehouse ``govreports run`` makes of it."""
    raw, taken = root / "raw", set()
    plan = [(2020, NANQIAO, {}), (YEAR, NANQIAO, {"layout": "pipe", "wanted": _editable}), (YEAR, EDUCATION, {}),
            (YEAR, LANGYA, {}), (YEAR, DINGYUAN, {"layout": "lines", "dropped": True}), (2020, TAOCHENG, {}),
            (YEAR, TAOCHENG, {})]
    for number, (year, name, choice) in enumerate(plan):
        report = _pick(year, taken, **choice)
        text = report.data.decode("utf-8").replace(report.truth["agency"], name)
        if "wanted" in choice:
            text = _inconsistent(text)
        (raw / str(year)).mkdir(parents=True, exist_ok=True)
        (raw / str(year) / f"{number}.txt").write_text(text, encoding="utf-8")
    warehouse = root / "warehouse"
    run_pipeline(str(raw), str(warehouse), progress=lambda _: None, instance=dg.DagsterInstance.ephemeral())
    reports = pd.read_parquet(warehouse / "dim_reports")
    ids = dict(zip(reports["agency_full"], reports["agency_id"], strict=True))
    assert set(ids) == {NANQIAO, EDUCATION, LANGYA, DINGYUAN, TAOCHENG}, ids
    return Generated(raw, warehouse, ids)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Generated:
    return build_warehouse(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="module")
def nanqiao(generated):
    (comparison,) = compare(Warehouse(path=str(generated.warehouse)), [generated.ids[NANQIAO]], YEAR)
    return comparison


def _valued(cells: pd.DataFrame) -> pd.Series:
    """(table, row, column) → value, null unless the cell's status carries one."""
    indexed = cells.set_index(["table", "row", "column"])
    return indexed["value"].where(indexed["cell_status"].isin(VALUED_STATUSES))


def _all_facts(generated: Generated, name: str, year: int = YEAR) -> pd.DataFrame:
    return pd.concat([generated.facts(table, name, year).assign(table=table) for table in FACT_TABLES])


def test_the_inconsistent_row_is_a_sentence_with_table_row_column_and_line(generated, nanqiao):
    cells = generated.facts("applications", NANQIAO)
    row = cells[cells["row"] == EDITED_ROW].set_index("column")
    columns = row.drop(index="total")
    total, line = row.loc["total", "value"], int(row.loc["total", "source_line"])
    expected = (f"{TABLE_NUMBERS['applications']} {ROW_LABELS[('applications', EDITED_ROW)]}, "
                f"{COLUMN_LABELS[('applications', 'total')]}: the row's columns sum to {columns['value'].sum():g}, "
                f"the total says {total:g} — line {line}")
    assert expected in _sentences(nanqiao)


def test_every_problem_of_a_cell_names_its_table_row_column_and_line(generated, nanqiao):
    """Each quality issue of the agency's 2021 report that names a row and a column is a sentence with their
    labels and the line of that cell in the fact table."""
    issues = pd.read_parquet(generated.warehouse / "quality_issues")
    report = generated.reports().query(f"agency_id == '{generated.ids[NANQIAO]}' and year == {YEAR}")["report_id"]
    issues = issues[issues["report_id"].isin(report) & issues["row"].notna() & issues["column"].notna()
                    & (issues["rule"] != "narrative_mismatch")]
    assert set(issues["rule"]) == {"row_total", "outcome_sum"}
    facts = generated.facts("applications", NANQIAO).set_index(["row", "column"])
    sentences = _sentences(nanqiao)
    for issue in issues.itertuples():
        line = int(facts.loc[(issue.row, issue.column), "source_line"])
        where = f"{TABLE_NUMBERS[issue.table]} {ROW_LABELS[(issue.table, issue.row)]}, " \
                f"{COLUMN_LABELS[(issue.table, issue.column)]}: "
        assert any(s.startswith(where) and s.endswith(f"— line {line}") for s in sentences), (where, sentences)


def test_the_text_against_the_table_is_a_sentence_with_both_lines(generated, nanqiao):
    narrative = pd.read_parquet(generated.warehouse / "fact_narrative")
    report = generated.facts("applications", NANQIAO)["report_id"].iloc[0]
    stated = narrative[(narrative["report_id"] == report) & (narrative["measure"] == "applications_received")]
    cell = generated.facts("applications", NANQIAO).set_index(["row", "column"]).loc[("new_received", "total")]
    label = next(m.label for m in NARRATIVE_MEASURES if m.code == "applications_received")
    assert (f"The text states {label} = {STATED} (line {int(stated['source_line'].iloc[0])}); 表三 "
            f"{ROW_LABELS[('applications', 'new_received')]}, 总计 gives {cell['value']:g} — line "
            f"{int(cell['source_line'])}") in _sentences(nanqiao)


def _sentences(comparison) -> list[str]:
    from assets.pipeline.pages import problem_sentence

    return [problem_sentence(p) for p in comparison.problems_of(YEAR)]


def test_figures_of_both_years_and_the_change_equal_the_parquet(generated, nanqiao):
    figures = nanqiao.figures.set_index(["table", "row", "column"])
    for year, column in ((YEAR, "value"), (YEAR - 1, "previous_value")):
        valued = _valued(_all_facts(generated, NANQIAO, year))
        pd.testing.assert_series_equal(figures[column].dropna().sort_index(), valued.dropna().sort_index(),
                                       check_names=False)
    both = figures.dropna(subset=["value", "previous_value"])
    assert len(both) > 10 and (both["change"] == both["value"] - both["previous_value"]).all()


def test_ranks_count_only_peers_whose_table_is_trusted(generated):
    """Every rank on 琅琊区's page against a count over the Parquet: county governments of 2021 whose table is
    trusted, the value higher; 定远县 (表三 not trusted) and 南谯区 (表三 failed its checks) are not peers in 表三."""
    (langya,) = compare(Warehouse(path=str(generated.warehouse)), [generated.ids[LANGYA]], YEAR)
    reports = generated.reports()
    peers = reports[(reports["year"] == YEAR) & (reports["admin_level"] == "county")
                    & (reports["agency_kind"] == "government")]
    ranked = langya.figures.dropna(subset=["rank"])
    assert set(ranked["table"]) == set(FACT_TABLES)
    for table in FACT_TABLES:
        trusted = [generated.ids[name] for name in peers[peers[f"trusted_{table}"]]["agency_full"]]
        values = {agency: _valued(generated.facts(table, name).assign(table=table))
                  for name, agency in generated.ids.items() if agency in trusted}
        for cell in ranked[ranked["table"] == table].itertuples():
            known = [v[(table, cell.row, cell.column)] for v in values.values()
                     if pd.notna(v.get((table, cell.row, cell.column)))]
            assert (cell.rank, cell.peers) == (1 + sum(v > cell.value for v in known), len(known)), cell
    applications = ranked[ranked["table"] == "applications"]
    assert applications["peers"].max() == 2  # 琅琊区 and 桃城区


def test_an_untrusted_table_is_shown_but_not_ranked(nanqiao):
    applications = nanqiao.figures[nanqiao.figures["table"] == "applications"]
    assert applications["value"].notna().any() and applications["rank"].isna().all()


def test_one_year_page_says_so_instead_of_showing_changes(generated, tmp_path):
    out = _compare(generated, generated.ids[EDUCATION])
    assert out.returncode == 0, out.stderr
    assert f"This agency has a report for {YEAR} only" in out.stdout
    page = html.fromstring((generated.warehouse / "pages" / _page_name(out.stdout)).read_bytes())
    assert "no changes are shown" in page.get_element_by_id("one-year").text_content()
    assert not page.xpath("//td[contains(@class, 'change')]") and not page.xpath(f"//th[.='{YEAR - 1}']")


def _compare(generated: Generated, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orchestration.cli", "compare", *args, "--warehouse",
                           str(generated.warehouse)], cwd=ROOT, capture_output=True, text=True)


def _page_name(stdout: str) -> str:
    return Path(re.search(r"^page: (.+)$", stdout, re.M).group(1)).name


def test_compare_writes_one_self_contained_page_and_prints_the_problems(generated):
    out = _compare(generated, "南谯区政府")  # the short form of 南谯区人民政府 finds it alone
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"{NANQIAO}: {YEAR} against {YEAR - 1}")
    assert "the row's columns sum to" in out.stdout and "The text states" in out.stdout
    text = (generated.warehouse / "pages" / _page_name(out.stdout)).read_text(encoding="utf-8")
    assert "<style>" in text and not re.search(r"<script|<link|\bsrc=|https?://|@import", text)
    page = html.fromstring(text)
    assert page.get_element_by_id("problem-count").text == "3"  # two arithmetic failures, one narrative


def _pages(generated: Generated) -> dict[Path, int]:
    return {page: page.stat().st_mtime_ns for page in (generated.warehouse / "pages").rglob("*.html")}


def test_ambiguous_agency_lists_the_matches_and_writes_no_page(generated):
    before = _pages(generated)
    out = _compare(generated, "南谯区")
    assert out.returncode == 1 and "2 agencies match '南谯区'" in out.stderr
    listed = [line.split("\t") for line in out.stdout.splitlines()]
    assert [(row[0], row[-1]) for row in listed] == sorted([(generated.ids[NANQIAO], "2020,2021"),
                                                            (generated.ids[EDUCATION], "2021")])
    assert all(row[2] == "安徽省 滁州市 南谯区" for row in listed)
    assert _pages(generated) == before


def test_default_year_is_the_agencys_latest_and_a_missing_year_is_refused(generated, capsys):
    assert main(["compare", generated.ids[TAOCHENG], "--warehouse", str(generated.warehouse)]) == 0
    assert capsys.readouterr().out.startswith(f"{TAOCHENG}: {YEAR} against {YEAR - 1}")
    assert main(["compare", generated.ids[TAOCHENG], "--year", "2019", "--warehouse", str(generated.warehouse)]) == 1
    assert "has no report of 2019 (its years: 2020,2021)" in capsys.readouterr().err


def test_region_pages_and_an_index_sorted_by_problems(generated, capsys):
    assert main(["compare", "--region", "滁州", "--year", str(YEAR), "--warehouse", str(generated.warehouse)]) == 0
    folder = generated.warehouse / "pages" / f"滁州_{YEAR}"
    index = html.fromstring((folder / "index.html").read_bytes())
    rows = index.xpath("//tr[@class='agency']")
    assert {row.get("data-agency-id") for row in rows} == {generated.ids[n] for n in (NANQIAO, EDUCATION, LANGYA,
                                                                                     DINGYUAN)}
    problems = [int(row.get("data-problems")) for row in rows]
    assert problems == sorted(problems, reverse=True) and problems[0] > 0
    assert all((folder / unquote(row.xpath(".//a/@href")[0])).exists() for row in rows)
    assert sorted(p.name for p in folder.glob("*.html")) == sorted(
        ["index.html", *(f"{generated.ids[n].replace('/', '_')}_{YEAR}.html" for n in (NANQIAO, EDUCATION, LANGYA,
                                                                                        DINGYUAN))])
    assert f"4 pages of 滁州 {YEAR}" in capsys.readouterr().out


def test_agency_pages_asset_writes_every_agency_of_the_year_and_drops_stale_pages(generated):
    folder = generated.warehouse / "pages" / f"year={YEAR}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gone_2021.html").write_text("an agency no longer in the year", encoding="utf-8")
    result = dg.materialize([*ASSETS, *ASSET_CHECKS], selection=["agency_pages"], partition_key=str(YEAR),
                            resources=build_resources(str(generated.raw), str(generated.warehouse)),
                            instance=dg.DagsterInstance.ephemeral())
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    reports = generated.reports()
    agencies = reports[reports["year"] == YEAR]["agency_id"].nunique()
    assert metadata["pages"].value == agencies == 5
    assert metadata["index"].value == str(folder / "index.html")
    assert sorted(p.name for p in folder.glob("*.html")) == sorted(
        ["index.html", *(f"{agency.replace('/', '_')}_{YEAR}.html" for agency in
                         reports[reports["year"] == YEAR]["agency_id"])])
