"""Quality findings: one record per problem found in a report.

Belongs here: the ``Issue`` record. Rule ids and their meaning live in ``schemas/rules.py``; rules are
computed elsewhere (``quality.py``, the table reader, ingestion); they all speak through this record,
so ``quality_issues`` and ``govreports parse --json`` list them the same way.
"""

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Issue:
    """A finding about one report: which rule, how bad, where, and what was expected and found."""

    rule: str
    severity: str
    message: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    expected: str | None = None
    found: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)
