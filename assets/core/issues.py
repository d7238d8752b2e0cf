"""Quality findings: one record per problem found in a report.

Belongs here: the ``Issue`` record and the catalog of rule ids with what each means. Rules are
computed elsewhere (``quality.py``, the table reader, ingestion); they all speak through this record,
so ``quality_issues`` and ``govreports parse --json`` list them the same way.
"""

from dataclasses import asdict, dataclass

RULES = {
    "balance": "new_received + carried_over = handled_total + carried_forward, per applicant column (表三).",
    "outcome_sum": "handled_total = granted + partially_granted + denied_* + unavailable_* + rejected_* "
                   "+ other handling, per applicant column (表三).",
    "other_handling_sum": "2021 template: (六)其他处理 = the sum of its three sub-rows, where both are given.",
    "row_total": "total = the sum of the six applicant columns, per row (表三).",
    "review_total": "Each 表四 proceeding: total = upheld + corrected + other + pending.",
    "missing_cells": "A row's values could not be placed with certainty, or a template row or table is absent;"
                     " the cells are cell_status = missing and the raw values are listed.",
    "unparseable_cell": "A cell's text is not a number, blank, 无 or dash; kept as unparseable.",
    "year_conflict": "The evidence for the reporting year disagrees (title, statistics period, body, template).",
    "year_unknown": "No reporting year could be decided; the report cannot join a year partition.",
    "template_unknown": "No template table was recognised.",
    "not_a_report": "The file is not an annual report (no report title and no template table).",
    "unreadable": "The file could not be read as text (binary, PDF, DOCX, empty).",
    "low_confidence_encoding": "The encoding detector was not confident; characters may be wrong.",
    "duplicate_report": "The same normalized content appears in more than one file.",
}


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
