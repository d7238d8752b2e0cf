"""Quality findings: one record per problem found in a report.

Belongs here: the ``Issue`` record. Rule ids and their meaning live in ``schemas/rules.py``; rules are
computed elsewhere (``quality.py``, the table reader, ingestion); they all speak through this record,
so ``quality_issues`` and ``govreports parse --json`` list them the same way.
"""

from dataclasses import dataclass


@dataclass(init=False)  # an explicit __init__ is compiled by mypyc (a generated one is not: benchmarks/RESULTS.md)
class Issue:
    """A finding about one report: which rule, how bad, where, and what was expected and found (never
    changed once made)."""

    rule: str
    severity: str
    message: str
    table: str | None
    row: str | None
    column: str | None
    expected: str | None
    found: str | None

    def __init__(self, rule: str, severity: str, message: str, table: str | None = None, row: str | None = None,
                 column: str | None = None, expected: str | None = None, found: str | None = None) -> None:
        self.rule, self.severity, self.message = rule, severity, message
        self.table, self.row, self.column, self.expected, self.found = table, row, column, expected, found

    def as_dict(self) -> dict:
        """The fields by name (built here: ``dataclasses.asdict`` deep-copies each value, in interpreted
        code — a visible share of a worker's time on a year pass: benchmarks/RESULTS.md)."""
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "table": self.table,
                "row": self.row, "column": self.column, "expected": self.expected, "found": self.found}
