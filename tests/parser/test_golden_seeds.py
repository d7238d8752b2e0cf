"""Golden tests: every sample report against its hand-checked truth, cell by cell."""

from pathlib import Path

import pytest

from assets.parser.report import parse_report
from benchmarks.truth import MISSING, expected_cells
from tests.conftest import SAMPLE_DIR, SEED_TRUTH, truth_of

SAMPLES = sorted(p.stem for p in SAMPLE_DIR.glob("*.txt"))


def test_every_sample_has_exactly_one_truth_file():
    assert sorted(p.stem for p in SEED_TRUTH.glob("*.json")) == SAMPLES


def _parsed(stem: str):
    path = SAMPLE_DIR / f"{stem}.txt"
    return parse_report(path.name, path.read_bytes())


@pytest.mark.parametrize("stem", SAMPLES)
def test_cells_equal_truth(stem: str):
    report = _parsed(stem)
    found = {(f.table, f.row, f.column): f for f in report.facts}
    expected = expected_cells(truth_of(stem))
    assert set(found) == set(expected), f"{stem}: cells differ {set(found) ^ set(expected)}"
    for key, value in expected.items():
        fact = found[key]
        if value is MISSING:
            assert (fact.cell_status, fact.value) == ("missing", None), f"{stem} {key}: expected missing, got {fact}"
        elif value is None:
            assert (fact.cell_status, fact.value) == ("blank", None), f"{stem} {key}: expected blank, got {fact}"
        else:
            assert fact.cell_status in ("number", "none_word"), f"{stem} {key}: {fact}"
            assert fact.value == pytest.approx(value), f"{stem} {key}: expected {value}, got {fact.value}"
            assert fact.source_line is not None and fact.raw


@pytest.mark.parametrize("stem", SAMPLES)
def test_year_template_and_conflict_equal_truth(stem: str):
    truth, report = truth_of(stem), _parsed(stem)
    assert report.year.year == truth["report_year"]
    assert report.template == truth["template"]
    assert report.year.conflict == truth["year_conflict"]
    assert report.publish_date == truth["publish_date"]


@pytest.mark.parametrize("stem", SAMPLES)
def test_sections_equal_truth(stem: str):
    truth, report = truth_of(stem), _parsed(stem)
    assert [(s.number, s.title, s.start_line) for s in report.sections] == \
        [(s["number"], s["title"], s["line"] + 1) for s in truth["sections"]]


def test_source_line_points_at_the_cell_text():
    report = _parsed("004_3a94ec74268af1f8")
    lines = Path(SAMPLE_DIR / "004_3a94ec74268af1f8.txt").read_text(encoding="utf-8").split("\n")
    amount = next(f for f in report.facts if f.column == "procurement_amount")
    assert (amount.value, amount.unit, amount.raw) == (8236541.4, "yuan", "8236541.4元")
    assert "8236541.4元" in lines[amount.source_line - 1]


def test_short_rows_are_flagged_not_shifted():
    """Regression: seed 002's 表四 keeps 8 of 15 values; none may be placed, and all 8 are listed."""
    report = _parsed("002_a6a6458d8018b677")
    review = [f for f in report.facts if f.table == "review_litigation"]
    assert len(review) == 15 and {f.cell_status for f in review} == {"missing"}
    issue = next(i for i in report.issues if i.rule == "missing_cells" and i.table == "review_litigation")
    assert (issue.expected, issue.found) == ("15", "8")
    assert "['1', '0', '4', '0', '2', '0', '0', '1']" in issue.message


def test_row_with_every_blank_dropped_does_not_detach_the_next_row():
    """Regression (found by the corpus generator): one cell per line, a 表三 row whose seven blank cells
    were all dropped is followed by a complete row. Reading order is certain there: only the empty row
    is flagged; the next row keeps its values."""
    text = (SAMPLE_DIR / "002_a6a6458d8018b677.txt").read_text(encoding="utf-8")
    head, tail = text.split("2.没有现成信息需要另行制作", 1)
    rest = tail.split("3.补正后申请内容仍不明确", 1)[1]
    report = parse_report("002-edited.txt", (head + "2.没有现成信息需要另行制作\n\n3.补正后申请内容仍不明确"
                                             + rest).encode("utf-8"))
    status = {(f.row, f.column): f.cell_status for f in report.facts if f.table == "applications"}
    assert status[("unavailable_needs_creation", "total")] == "missing"
    assert status[("unavailable_unclear", "total")] == "number"
    assert not [i for i in report.issues if i.row == "detached"]
