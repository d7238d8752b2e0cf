"""The devset (real reports in harder formats): every certain cell exact or flagged, never wrong,
and nothing placed where the truth says no placement is certain."""

import json

import pytest

from assets.parser.headers import APPLICANT_CODES
from assets.parser.report import parse_report
from benchmarks.truth import MISSING, expected_cells
from tests.conftest import FIXTURES

DEVSET = FIXTURES / "devset"
REPORTS = sorted(p for p in (DEVSET / "raw").iterdir())


def _parse(path):
    truth = json.loads((DEVSET / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))
    return truth, parse_report(path.name, path.read_bytes())


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_no_cell_is_silently_wrong(path):
    truth, report = _parse(path)
    found = {(f.table, f.row, f.column): f for f in report.facts}
    for key, value in expected_cells(truth).items():
        fact = found.get(key)
        if fact is None or fact.cell_status in ("missing", "unparseable"):
            continue  # flagged: honest
        if value is MISSING:
            assert fact.cell_status == "inferred", \
                f"{path.stem} {key}: placed {fact.value} as certain where the truth says no placement is certain"
        elif value is None:
            assert fact.value is None, f"{path.stem} {key}: value {fact.value} in a blank cell"
        else:
            assert fact.value == pytest.approx(value), f"{path.stem} {key}: {fact.value} != {value}"


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_year_matches_truth(path):
    truth, report = _parse(path)
    assert report.year.year == truth["report_year"]


def test_007_detached_value_rows_are_listed_not_placed():
    """Regression: PDF-to-Markdown stacked labels above value rows; values must not join the last label."""
    _, report = _parse(DEVSET / "raw" / "007_shanghai_stcsm_2024_md.md")
    detached = [i for i in report.issues if i.row == "detached" and i.table == "applications"]
    assert len(detached) == 1 and "'8', '2', '0', '0', '0', '0', '10'" in detached[0].message
    excessive = [f for f in report.facts if f.row == "rejected_excessive"]
    assert {f.cell_status for f in excessive} == {"missing"}
    carried = next(f for f in report.facts if (f.row, f.column) == ("carried_forward", "total"))
    assert (carried.cell_status, carried.value) == ("blank", None)  # the pipe row's explicit empty last cell


@pytest.mark.parametrize(("name", "agency", "published"), [
    ("020_shuyang_fgj_2023.html", "沭阳县发展和改革局", "2024-01-17"),   # crawler header: 标题: prefix, 采集时间
    ("002_hongze_district_2023_pdf.txt", "洪泽区人民政府", None),        # agency on the line above a bare title
    ("010_pingtan_2021_flattened.txt", "平潭综合实验区", "2022-02-08"),
])
def test_agency_and_publish_date_from_page_headers(name, agency, published):
    truth, report = _parse(DEVSET / "raw" / name)
    assert (report.agency.name, report.publish_date) == (agency, published)
    assert truth["agency"].startswith(agency) or agency in truth["agency"]


def test_002_pdf_review_header_words_split_by_spaces_are_recognised():
    """Regression: pdftotext -layout prints 表四 headers as '总 计' and multi-word lines; the 15 values
    follow on one line. The report's own arithmetic is wrong (复议 10+1 but 总计 0) and must be reported."""
    _, report = _parse(DEVSET / "raw" / "002_hongze_district_2023_pdf.txt")
    review = {(f.row, f.column): f.value for f in report.facts if f.table == "review_litigation"}
    assert (review[("administrative_review", "upheld")], review[("administrative_review", "total")]) == (10, 0)
    failing = sorted((i.row, i.expected, i.found) for i in report.issues if i.rule == "review_total")
    assert failing == [("administrative_review", "0", "11"), ("litigation_after_review", "0", "5")]


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_recall_floor_every_certain_truth_cell_is_exact(path):
    """A parser that places nothing passed the test above: every cell the truth places must be exact."""
    truth, report = _parse(path)
    found = {(f.table, f.row, f.column): f for f in report.facts}
    certain = {k: v for k, v in expected_cells(truth).items() if v is not MISSING}
    exact = [k for k, v in certain.items() if k in found and found[k].cell_status not in ("missing", "unparseable")
             and found[k].value == (None if v is None else pytest.approx(v))]
    assert len(exact) == len(certain), sorted(set(certain) - set(exact))


def test_010_crawler_digit_runs_placed_only_where_certain():
    """Regression (devset 010): the crawler's one-line body gave no table; runs of exactly seven zeros and
    single-value rows are certain (number). A run such as 640020470 is not: it is inferred when exactly one
    split satisfies its row's identity, and stays missing, with the splits that do, when several do."""
    _, report = _parse(DEVSET / "raw" / "010_pingtan_2021_flattened.txt")
    cells = {(f.row, f.column): f for f in report.facts}
    assert {cells[("carried_over", c)].value for c in ("natural_person", "total")} == {0}
    assert cells[("carried_over", "total")].cell_status == "number"
    assert cells[("administrative_licensing", "decisions")].value == 2293
    new = [cells[("new_received", c)] for c in APPLICANT_CODES]
    assert {f.cell_status for f in new} == {"inferred"}
    assert "".join(f.raw for f in new) == "640020470" and new[-1].value == 70
    assert any(i.rule == "inferred_cells" and "640020470" in i.message for i in report.issues)
    # 270020130 has two cuts whose total holds (2,7,0,0,20,1,30 and 27,0,0,2,0,1,30), 220000325 two more; of
    # the four combinations only one lets each column's outcome_sum and balance hold: that one is inferred.
    granted = [cells[("granted", c)].value for c in APPLICANT_CODES]
    assert granted == [27, 0, 0, 2, 0, 1, 30] and cells[("granted", "total")].cell_status == "inferred"
    assert [cells[("unavailable_not_held", c)].value for c in APPLICANT_CODES] == [22, 0, 0, 0, 0, 3, 25]
    assert any(i.rule == "inferred_cells" and "2 cuts" in i.message for i in report.issues if i.row == "granted")
    assert not [c for c in report.checks if c.status == "fails"]
    assert report.file_line(cells[("administrative_licensing", "decisions")].source_line) == 10  # the body line
