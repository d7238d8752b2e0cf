"""Agency pages as a person opens them: file:// URLs in Debian's headless Chromium driven by Playwright (as
test_browser.py), no server. The figures the page shows are those of the Parquet tables, every problem sentence
names its table, row, column and line, the index's links open the pages, and a page of one year says so. The
warehouse is tests/oversight/test_pages.py's: generated reports of 2020 and 2021, one of them made inconsistent."""

import re

import pandas as pd
import pytest
from playwright.sync_api import expect, sync_playwright

from assets.pipeline.labels import COLUMN_LABELS, ROW_LABELS, TABLE_NUMBERS
from orchestration.cli import main
from schemas.catalog import FACT_TABLES
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS  # skips this module without Chromium
from tests.oversight.test_pages import DINGYUAN, EDITED_ROW, EDUCATION, LANGYA, NANQIAO, YEAR, build_warehouse

REGION = "滁州"
# what the test reads off the page's figure rows (the page itself runs no script)
_CELLS = """rows => rows.map(row => ({table: row.dataset.table, row: row.dataset.row, column: row.dataset.column,
  values: Object.fromEntries([...row.querySelectorAll('td[data-year][data-value]')].map(
    cell => [cell.dataset.year, Number(cell.dataset.value)])),
  change: (cell => cell ? Number(cell.dataset.change) : null)(row.querySelector('td[data-change]'))}))"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated warehouse, with the pages of every agency of 滁州 in 2021 and their index."""
    generated = build_warehouse(tmp_path_factory.mktemp("pages_browser"))
    assert main(["compare", "--region", REGION, "--year", str(YEAR), "--warehouse", str(generated.warehouse)]) == 0
    return generated


@pytest.fixture(scope="module")
def folder(generated):
    return generated.warehouse / "pages" / f"{REGION}_{YEAR}"


@pytest.fixture(scope="module")
def page():
    """A browser page with JavaScript off: the pages need none."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, java_script_enabled=False)
            page.set_default_timeout(TIMEOUT_MS)
            yield page
        finally:
            browser.close()


def _open(page, folder, agency_id: str) -> None:
    page.goto((folder / f"{agency_id.replace('/', '_')}_{YEAR}.html").as_uri())


def test_the_index_links_open_every_page_most_problems_first(generated, folder, page, tmp_path):
    page.goto((folder / "index.html").as_uri())
    names = (NANQIAO, EDUCATION, LANGYA, DINGYUAN)
    rows = page.locator("tr.agency")
    expect(rows).to_have_count(len(names))
    problems = [int(rows.nth(i).get_attribute("data-problems")) for i in range(len(names))]
    assert problems == sorted(problems, reverse=True) and problems[0] > 0
    page.screenshot(path=tmp_path / "index.png", full_page=True)
    for name in names:
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.locator("h1")).to_have_text(name)
        assert page.url.startswith("file://") and generated.ids[name].split("/")[0] in page.url
        page.go_back()
        expect(page.locator("tr.agency")).to_have_count(len(names))


def _parquet_cells(generated, name: str, year: int) -> pd.Series:
    """(table, row, column) → value of the agency's cells of ``year`` that carry one, read from the Parquet."""
    frames = []
    for table in FACT_TABLES:
        cells = generated.facts(table, name, year)
        frames.append(cells[cells["value"].notna()].assign(table=table))
    return pd.concat(frames).set_index(["table", "row", "column"])["value"]


def test_the_figures_shown_are_those_of_the_parquet_tables(generated, folder, page, tmp_path):
    _open(page, folder, generated.ids[NANQIAO])
    page.screenshot(path=tmp_path / "agency.png", full_page=True)
    shown = page.eval_on_selector_all("tr.cell", _CELLS)
    for year in (YEAR, YEAR - 1):
        on_page = {(c["table"], c["row"], c["column"]): c["values"][str(year)] for c in shown
                   if str(year) in c["values"]}
        assert on_page == _parquet_cells(generated, NANQIAO, year).to_dict()
    changes = [c for c in shown if c["change"] is not None]
    assert len(changes) > 10
    assert all(c["change"] == c["values"][str(YEAR)] - c["values"][str(YEAR - 1)] for c in changes)


def test_every_problem_sentence_names_table_row_column_and_line(generated, folder, page):
    _open(page, folder, generated.ids[NANQIAO])
    problems = page.locator("li.problem")
    expect(problems.first).to_be_visible()
    sentences = {}
    for index in range(problems.count()):
        item = problems.nth(index)
        sentence, table = item.locator(".sentence").inner_text(), item.get_attribute("data-table")
        lines = item.get_attribute("data-lines").split()
        assert re.search(rf"{TABLE_NUMBERS[table]} .+, .+ — lines? {', '.join(lines)}$", sentence), sentence
        sentences[item.get_attribute("data-rule")] = sentence
    assert set(sentences) == {"row_total", "outcome_sum", "narrative_mismatch"}
    cell = generated.facts("applications", NANQIAO).set_index(["row", "column"]).loc[(EDITED_ROW, "total")]
    assert sentences["row_total"].startswith(f"表三 {ROW_LABELS[('applications', EDITED_ROW)]}, "
                                             f"{COLUMN_LABELS[('applications', 'total')]}: the row's columns sum to ")
    assert sentences["row_total"].endswith(f"the total says {cell['value']:g} — line {int(cell['source_line'])}")


def test_a_page_of_one_year_says_so(generated, folder, page):
    _open(page, folder, generated.ids[EDUCATION])
    expect(page.locator("#one-year")).to_contain_text(f"has a report for {YEAR} only")
    expect(page.locator("#one-year")).to_contain_text("no changes are shown")
    expect(page.locator("td.change")).to_have_count(0)
    expect(page.locator("table.figures th", has_text=str(YEAR - 1))).to_have_count(0)
