"""58 real crawler-saved reports of one county (tests/fixtures/wild/unlabeled: body on one line, cells run
together, no truth). Truth-free: the tables are found, their cells placed (a recall floor: the reader placed
none of them before the crawler front end), and the template's arithmetic holds on every table read."""

import pytest

from assets.parser.flattened import JOINED
from assets.parser.report import parse_report
from tests.conftest import FIXTURES

CRAWLED = sorted((FIXTURES / "wild" / "unlabeled").glob("*.txt"))


@pytest.fixture(scope="module")
def reports():
    return [parse_report(path.name, path.read_bytes()) for path in CRAWLED]


def test_cells_of_the_crawler_reports_are_placed(reports):
    placed = sum(f.cell_status not in ("missing", "unparseable") for r in reports for f in r.facts)
    cells = sum(len(r.facts) for r in reports)
    assert len(reports) == 58 and placed >= 10_000 and placed >= 0.9 * cells  # 表四 runs listed, not placed


def test_every_table_read_keeps_the_template_arithmetic(reports):
    failing = [(r.source, c.rule, c.row, c.column) for r in reports for c in r.checks
               if c.status == "fails" and c.table in ("applications", "review_litigation")]
    assert failing == []


def test_a_run_of_digits_is_never_a_number_the_text_does_not_prove(reports):
    """A number of several digits is a whole token of its line (spaces or labels around it); a cut the text
    does not make (640020470 → 64, 0, …) is never a number, only inferred."""
    numbers = 0
    for report in reports:
        for fact in report.facts:
            if fact.cell_status == "number" and fact.raw and len(fact.raw) > 1:
                tokens = report.lines[fact.source_line - 1].replace(JOINED, " ").split()
                assert fact.raw in tokens, (report.source, fact)
                numbers += 1
    assert numbers > 0
