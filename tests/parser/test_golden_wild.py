"""Real report pages from twelve provinces (tests/fixtures/wild): every cell the truth gives is read exactly,
never wrong. A recall floor per report: a parser that returns nothing fails."""

import json

import pytest

from assets.parser.report import parse_report
from benchmarks.truth import MISSING, expected_cells, outcomes
from tests.conftest import FIXTURES

WILD = FIXTURES / "wild"
REPORTS = sorted((WILD / "raw").iterdir())


def _read(path):
    truth = json.loads((WILD / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))
    return truth, parse_report(path.name, path.read_bytes())


def _outcomes(truth, report):
    return outcomes(truth, report.facts)


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_every_truth_cell_exact_or_flagged_with_its_reason(path):
    truth, report = _read(path)
    exact, flagged, wrong = _outcomes(truth, report)
    assert not wrong, f"{path.stem}: silently wrong cells {wrong}"
    assert not flagged, f"{path.stem}: flagged {flagged}"
    definite = [k for k, v in expected_cells(truth).items() if v is not MISSING]
    assert len(exact) == len(definite)  # the recall floor: a parser reading nothing fails
    assert exact or not definite


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_year_and_template_match_truth(path):
    truth, report = _read(path)
    assert report.year.year == truth["report_year"]
    assert report.template == str(truth["template"])[:4]


def test_024_row_whose_label_is_lost_is_placed_by_template_order():
    """Regression (wild 024): block (一)'s first row printed its values under a blank label line; the only
    row the template puts before 行政规范性文件 is 规章, so the values are 规章's, and the report says so."""
    _, report = _read(WILD / "raw" / "024_hanzhong_xuwang_2025_excerpt.txt")
    assert [f.cell_status for f in report.facts if f.row == "regulations"] == ["number"] * 3
    assert any(i.rule == "row_by_template_order" and i.row == "regulations" for i in report.issues)


def test_traditional_report_is_read_converted_and_says_so():
    """Regression (wild 021): a report in Traditional characters matched no catalog label, so no table."""
    _, report = _read(WILD / "raw" / "021_mayang_banlishu_2022_trad_excerpt.txt")
    assert any(i.rule == "traditional_characters" for i in report.issues)
    assert [f.value for f in report.facts if f.row == "administrative_licensing"] == [4]
