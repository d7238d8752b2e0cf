"""Real report pages from twelve provinces (tests/fixtures/wild): every cell the truth gives is read exactly
or flagged with its reason, never wrong. A recall floor per report: a parser that returns nothing fails."""

import json

import pytest

from assets.core.report import parse_report
from tests.conftest import FIXTURES
from tests.truth import MISSING, expected_cells

WILD = FIXTURES / "wild"
REPORTS = sorted((WILD / "raw").iterdir())
# The cells no text front end can place with certainty, and why (everything else must be exact).
FLAGGED = {
    "024_hanzhong_xuwang_2025_excerpt": {
        ("active_disclosure", "regulations", column): "the row's label is missing from the text (a blank line)"
        for column in ("issued", "repealed", "in_force")},
}


def _read(path):
    truth = json.loads((WILD / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))
    return truth, parse_report(path.name, path.read_bytes())


def _outcomes(truth, report):
    found = {(f.table, f.row, f.column): f for f in report.facts}
    exact, flagged, wrong = [], [], []
    for key, value in expected_cells(truth).items():
        fact = found.get(key)
        if value is MISSING:
            if fact is not None and fact.cell_status not in ("missing", "unparseable"):
                wrong.append((key, "placed where the truth places nothing", fact.value))
        elif fact is None or fact.cell_status in ("missing", "unparseable"):
            flagged.append(key)
        elif fact.value == (None if value is None else pytest.approx(value)):
            exact.append(key)
        else:
            wrong.append((key, value, fact.value))
    return exact, flagged, wrong


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_every_truth_cell_exact_or_flagged_with_its_reason(path):
    truth, report = _read(path)
    exact, flagged, wrong = _outcomes(truth, report)
    assert not wrong, f"{path.stem}: silently wrong cells {wrong}"
    expected_flagged = FLAGGED.get(path.stem, {})
    assert set(flagged) == set(expected_flagged), f"{path.stem}: flagged {flagged}"
    definite = [k for k, v in expected_cells(truth).items() if v is not MISSING]
    assert len(exact) == len(definite) - len(expected_flagged)  # the recall floor: a parser reading nothing fails
    assert exact or not definite


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_year_and_template_match_truth(path):
    truth, report = _read(path)
    assert report.year.year == truth["report_year"]
    assert report.template == str(truth["template"])[:4]


def test_traditional_report_is_read_converted_and_says_so():
    """Regression (wild 021): a report in Traditional characters matched no catalog label, so no table."""
    _, report = _read(WILD / "raw" / "021_mayang_banlishu_2022_trad_excerpt.txt")
    assert any(i.rule == "traditional_characters" for i in report.issues)
    assert [f.value for f in report.facts if f.row == "administrative_licensing"] == [4]
