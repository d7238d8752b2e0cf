"""The arithmetic the templates promise, checked on one report's placed cells.

Belongs here: report-level rules over fact cells (表三 balance, outcome sum, row totals, 表四 totals).
Each rule evaluation is a ``Check`` (holds / fails / not_computable); each failure is also an
``Issue``. Blank cells count as 0 only when at least one cell of the equation has a value; cells that
are missing or unparseable make the equation not computable, never a failure.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from schemas.catalog import (
    APPLICANTS,
    APPLICATION_ROW_GROUPS,
    NARRATIVE_MEASURES,
    OUTCOMES,
    PROCEEDINGS,
    VALUED_STATUSES,
    codes,
)

from .issues import Issue
from .narrative import NarrativeFact
from .tables import Fact

VALUED = VALUED_STATUSES
UNKNOWN = ("missing", "unparseable")
_TOLERANCE = 1e-6
Key = tuple[str, str, str]  # (table, row, column) of a template cell
Cells = dict[Key, Fact]
Equation = tuple[str, str | None, str, tuple[Key, ...], tuple[Key, ...]]


@dataclass(init=False)  # an explicit __init__ is compiled by mypyc, a generated one is not: ≈ 40 per report
class Check:
    """One evaluation of a rule on one equation (never changed once made)."""

    rule: str
    table: str
    row: str | None
    column: str | None
    status: str
    expected: float | None
    found: float | None

    def __init__(self, rule: str, table: str, row: str | None, column: str | None, status: str,
                 expected: float | None = None, found: float | None = None) -> None:
        self.rule, self.table, self.row, self.column = rule, table, row, column
        self.status, self.expected, self.found = status, expected, found


def check_report(facts: list[Fact], narrative: Sequence[NarrativeFact] = ()) -> tuple[list[Check], list[Issue]]:
    """Every rule on every equation of the report; failures as issues too."""
    cells = {(f.table, f.row, f.column): f for f in facts}
    checks = [*_applications(cells), *_review(cells), *_narrative(cells, narrative)]
    issues = [_issue(c) for c in checks if c.status == "fails"]
    return checks, issues


def _applications(cells: Cells) -> list[Check]:
    rows = frozenset(row for (table, row, _) in cells if table == "applications")
    if not rows:
        return []
    get = cells.get
    return [_equation(rule, "applications", row, column, [get(key) for key in left], [get(key) for key in right])
            for rule, row, column, left, right in _application_equations(rows)]



@lru_cache(maxsize=256)  # the rows a 表三 gives: a handful of sets over all reports
def _application_equations(rows: frozenset[str]) -> tuple[Equation, ...]:
    """表三's equations for a table with these rows: (rule, row, column, left cells, right cells); a tuple,
    as every report with these rows shares it."""
    def cell(row: str, column: str) -> Key:
        return "applications", row, column

    other = ["other_handling"] if "other_handling" in rows else list(APPLICATION_ROW_GROUPS["other_sub"])
    outcome_rows = ["granted", "partially_granted", *APPLICATION_ROW_GROUPS["denied"],
                    *APPLICATION_ROW_GROUPS["unavailable"], *APPLICATION_ROW_GROUPS["rejected"], *other]
    equations: list[tuple[str, str | None, str, list[Key], list[Key]]] = []
    for column in codes(APPLICANTS):
        equations.append(("balance", None, column, [cell("new_received", column), cell("carried_over", column)],
                          [cell("handled_total", column), cell("carried_forward", column)]))
        equations.append(("outcome_sum", "handled_total", column, [cell("handled_total", column)],
                          [cell(r, column) for r in outcome_rows]))
        if "other_handling" in rows and rows & set(APPLICATION_ROW_GROUPS["other_sub"]):
            equations.append(("other_handling_sum", "other_handling", column, [cell("other_handling", column)],
                              [cell(r, column) for r in APPLICATION_ROW_GROUPS["other_sub"]]))
    applicants = codes(APPLICANTS)[:-1]
    for row in sorted(rows):
        equations.append(("row_total", row, "total", [cell(row, "total")], [cell(row, c) for c in applicants]))
    return tuple((rule, row, column, tuple(left), tuple(right)) for rule, row, column, left, right in equations)


def _review(cells: Cells) -> list[Check]:
    checks = []
    for proceeding in codes(PROCEEDINGS):
        if ("review_litigation", proceeding, "total") not in cells:
            continue
        parts = [cells.get(("review_litigation", proceeding, o)) for o in codes(OUTCOMES)[:-1]]
        checks.append(_equation("review_total", "review_litigation", proceeding, "total",
                                [cells.get(("review_litigation", proceeding, "total"))], parts))
    return checks


def _narrative(cells: Cells, narrative: Sequence[NarrativeFact]) -> list[Check]:
    """A figure stated in prose against the table cells it should equal (a 余 figure is a lower bound)."""
    stated = {n.measure: n for n in narrative}
    checks = []
    for measure in NARRATIVE_MEASURES:
        fact = stated.get(measure.code)
        if fact is None or not measure.compare_to:
            continue
        parts = [cells.get(key) for key in measure.compare_to]
        valued = [p.value for p in parts if p is not None and p.cell_status in VALUED and p.value is not None]
        table = parts[0].table if parts[0] else "narrative"
        if fact.qualifier or len(valued) < len(parts):
            checks.append(Check("narrative_mismatch", table, measure.code, None, "not_computable"))
            continue
        found = sum(valued)
        status = "holds" if abs(found - fact.value) < _TOLERANCE else "fails"
        checks.append(Check("narrative_mismatch", table, measure.code, "total", status, fact.value, found))
    return checks


def _equation(rule: str, table: str, row: str | None, column: str | None,
              left: list[Fact | None], right: list[Fact | None]) -> Check:
    sums = [0.0, 0.0]
    valued = False
    for side, facts in enumerate((left, right)):  # plain loops: ≈ 40 equations per report
        for fact in facts:
            if fact is None or fact.cell_status in UNKNOWN:
                return Check(rule, table, row, column, "not_computable")
            valued = valued or fact.cell_status in VALUED
            sums[side] += fact.value or 0.0
    if not valued:
        return Check(rule, table, row, column, "not_computable")
    expected, found = sums
    status = "holds" if abs(expected - found) < _TOLERANCE else "fails"
    return Check(rule, table, row, column, status, expected, found)


def _issue(check: Check) -> Issue:
    if check.rule == "narrative_mismatch":
        return Issue(check.rule, "warning", f"the text states {check.row} = {check.expected:g}, the table gives "
                     f"{check.found:g}", table=check.table, row=check.row, column=check.column,
                     expected=f"{check.expected:g}", found=f"{check.found:g}")
    where = " ".join(p for p in (check.table, check.row, check.column) if p)
    return Issue(check.rule, "error", f"{where}: expected {check.expected:g}, found {check.found:g}",
                 table=check.table, row=check.row, column=check.column,
                 expected=f"{check.expected:g}", found=f"{check.found:g}")
