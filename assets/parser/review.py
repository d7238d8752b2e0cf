"""A person's corrections applied to a parsed report: the cells the parser could not settle.

Belongs here: the ``Correction`` record and ``apply``. A corrected cell keeps the parser's value and status
beside the person's (``Corrected``). A correction is applied only where the parser could not settle the
cell (missing, unparseable or inferred, or any cell of a table whose checks fail); where the parser now reads
the cell itself, with certainty, it is not applied: ``correction_redundant`` when both agree,
``correction_disagrees`` when they do not. A correction of another version of the file (its sha256 changed)
is ``correction_orphaned``. Pure: no pandas, no Dagster (the parser calls it).
Does not belong here: reading the corrections folder (corrections.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from .issues import Issue
from .quality import Check
from .tables import Fact

BLANK = "blank"  # the value a reviewer writes for a cell that is blank in the report
UNSETTLED = ("missing", "unparseable", "inferred")  # statuses a person is asked to settle


class Correction(NamedTuple):
    """One corrected cell (a row of the ``Corrections`` model)."""

    report_id: str
    sha256: str
    year: int
    table: str
    row: str
    column: str
    value: float | None
    reason: str
    reviewer: str
    date: str


@dataclass(frozen=True)
class Corrected:
    """What a corrected fact was before: the parser's value and status, and who corrected it why."""

    parsed_value: float | None
    parsed_status: str
    reason: str
    reviewer: str


# ------------------------------------------------------------------------------------ applying

def apply(facts: list[Fact], checks: list[Check], sha256: str | None, corrections: Iterable[Correction]
          ) -> tuple[list[Fact], dict[tuple[str, str, str], Corrected], list[Issue]]:
    """The report's facts with its corrections applied where the parser could not settle the cell, what
    each corrected fact was, and an issue for every correction not applied."""
    by_key = {(f.table, f.row, f.column): index for index, f in enumerate(facts)}
    failing = {c.table for c in checks if c.status == "fails"}
    facts = list(facts)
    corrected: dict[tuple[str, str, str], Corrected] = {}
    issues: list[Issue] = []
    for correction in corrections:
        key = (correction.table, correction.row, correction.column)
        where = f"{'/'.join(key)} (corrected by {correction.reviewer} on {correction.date})"
        index = by_key.get(key)
        if sha256 is not None and correction.sha256 != sha256:
            issues.append(_issue("correction_orphaned", "warning", key, f"{where}: the report file changed since "
                                 f"the review (sha256 {correction.sha256[:12]}… is now {sha256[:12]}…); not applied",
                                 correction))
        elif index is None:
            issues.append(_issue("correction_orphaned", "warning", key, f"{where}: the report's template has no "
                                 "such cell; not applied", correction))
        elif facts[index].cell_status in UNSETTLED or correction.table in failing:
            fact = facts[index]
            corrected[key] = Corrected(fact.value, fact.cell_status, correction.reason, correction.reviewer)
            facts[index] = fact._replace(value=correction.value, cell_status="corrected")
        elif facts[index].value == correction.value:
            issues.append(_issue("correction_redundant", "info", key, f"{where}: the parser now reads the same "
                                 "value itself; the correction is not needed", correction))
        else:
            issues.append(_issue("correction_disagrees", "warning", key, f"{where}: the parser now reads "
                                 f"{facts[index].raw!r} itself, with its table's checks holding; the correction "
                                 f"({shown_value(correction.value)}) is not applied", correction))
    return facts, corrected, issues


def shown_value(value: float | None) -> str:
    """A value as a corrections file writes it: ``blank``, or the number without a needless ``.0``."""
    if value is None or value != value:  # None, or NaN from a frame
        return BLANK
    return str(int(value)) if float(value).is_integer() else str(value)


def _issue(rule: str, severity: str, key: tuple[str, str, str], message: str, correction: Correction) -> Issue:
    return Issue(rule, severity, message, table=key[0], row=key[1], column=key[2],
                 expected=shown_value(correction.value))
