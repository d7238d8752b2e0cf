"""One raw file to one parsed report: the composition of every pure stage.

Belongs here: ``parse_report`` (bytes in, ``ParsedReport`` out) and its JSON form, which is what
``govreports parse --json`` prints. The Dagster assets run these same functions; nothing here imports
Dagster, so the parser can be used and tested on its own.
"""

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas.catalog import FACT_TABLES, MEASURES

from .agency import Agency, identify_agency
from .grid import opener_layout, text_grid
from .issues import Issue
from .metadata import YearDecision, decide_year, find_publish_date, find_title, most_common
from .narrative import NarrativeFact, extract_narrative
from .positions import Box
from .quality import Check, check_report
from .reading import read_lines
from .review import Corrected, Correction, apply
from .sections import Section, find_sections
from .tables import (
    DETACHED,
    Fact,
    FoundRow,
    inferred_facts,
    joined_candidates,
    missing_rows,
    place_row,
    read_active_disclosure,
    read_applications,
    read_review_litigation,
    settle_generation,
)

READERS = {
    "active_disclosure": read_active_disclosure,
    "applications": read_applications,
    "review_litigation": read_review_litigation,
}
_GENERATION_OF_MEASURE = {m.code: m.generations for m in MEASURES}


@dataclass(frozen=True)
class Identity:
    """What a file is, without its figures: what the inventory records of it and classifies it by."""

    report_id: str
    encoding: str
    encoding_confident: bool
    source_format: str
    lines: list[str]
    title: str | None
    template: str
    year: YearDecision
    has_sections: bool
    has_cells: bool  # whether any template cell is placed (or flagged missing)
    pages: int | None = None  # a PDF's page count


@dataclass
class ParsedReport:
    """Everything the pipeline knows about one report after parsing."""

    source: str
    report_id: str
    encoding: str
    encoding_confident: bool
    source_format: str
    lines: list[str]
    title: str | None
    agency: Agency
    publish_date: str | None
    template: str
    year: YearDecision
    sections: list[Section]
    rows: list[FoundRow]
    facts: list[Fact]
    narrative: list[NarrativeFact] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    file_lines: list[int] | None = None  # HTML pages: the file line of each rendered line
    boxes: list[tuple[Box | None, ...]] | None = None  # PDFs: the page and box of each cell of each line
    pages: int | None = None
    corrected: dict[tuple[str, str, str], Corrected] = field(default_factory=dict)  # what corrected cells were

    @property
    def identity(self) -> Identity:
        return Identity(self.report_id, self.encoding, self.encoding_confident, self.source_format, self.lines,
                        self.title, self.template, self.year, bool(self.sections), bool(self.facts), self.pages)

    def file_line(self, line: int | None) -> int | None:
        """The line of the raw file a normalized line (1-based) comes from: itself for text files."""
        if line is None or not self.file_lines:
            return line
        return self.file_lines[line - 1]

    def box(self, fact: Fact) -> Box | None:
        """The page and box (x0, top, x1, bottom) of a fact's cell in a PDF; None elsewhere, and for a
        missing cell (it has no cell)."""
        if self.boxes is None or fact.source_line is None or fact.raw is None:
            return None
        line = self.boxes[fact.source_line - 1]
        return line[fact.slot] if fact.slot < len(line) else None


def report_id_of(lines: list[str]) -> str:
    """A stable id from the normalized content: the same report saved twice has one id."""
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def parse_report(source: str, data: bytes) -> ParsedReport:
    """Parse one raw file (its name and bytes, text or HTML) into a report with placed cells and issues."""
    read = read_lines(source, data)
    sections = find_sections(read.lines)
    return assemble(source, read.lines, sections, read_tables(read.lines, sections), read.encoding,
                    source_format=read.source_format, encoding_confident=read.confident, file_lines=read.file_lines,
                    traditional=read.traditional, boxes=read.boxes, pages=read.pages)


def identify(source: str, data: bytes) -> Identity:
    """``parse_report(source, data).identity`` for much less work (benchmarks/RESULTS.md): the cells are not
    placed, checked, nor the prose and agency read (the inventory needs only this, the year partition parses
    in full)."""
    read = read_lines(source, data)
    sections = find_sections(read.lines)
    rows = _identifying_rows(read.lines, sections)
    template, year = template_and_year(read.lines, rows)
    title = find_title(read.lines)
    return Identity(report_id_of(read.lines), read.encoding, read.confident, read.source_format, read.lines,
                    title[1] if title else None, template, year, bool(sections), _has_cells(rows), read.pages)


def _identifying_rows(lines: list[str], sections: list[Section]) -> list[FoundRow]:
    """Enough rows for ``_template`` and ``_has_cells`` to answer as on every row: 表二's alone when its
    measures name the template and it has a placed row (as in most reports), else every table's. Exact,
    not a guess: 表二's votes decide the template whatever the other tables hold, and a row with template
    columns stays first under its (table, row) key when other tables' rows are added."""
    disclosure = read_tables(lines, [s for s in sections if s.kind == "active_disclosure"])
    if _template(disclosure) != "unknown" and _has_cells(disclosure):
        return disclosure
    return read_tables(lines, sections)


def template_and_year(lines: list[str], rows: list[FoundRow]) -> tuple[str, YearDecision]:
    """The template generation of the tables and the reporting year it bounds."""
    template = _template(rows)
    year = decide_year(lines, template)
    if template == "unknown" and year.year is not None and year.year <= 2018:
        template = "pre2019"
    return template, year


def assemble(source: str, lines: list[str], sections: list[Section], rows: list[FoundRow], encoding: str,
             source_format: str = "text", encoding_confident: bool = True,
             file_lines: list[int] | None = None, traditional: bool = False,
             boxes: list[tuple[Box | None, ...]] | None = None, pages: int | None = None,
             corrections: Sequence[Correction] = (), sha256: str | None = None) -> ParsedReport:
    """The last stage: template, year, placed cells, arithmetic checks and issues of one report; a person's
    ``corrections`` of it (its file's ``sha256``) applied where the parser could not settle a cell."""
    template, year = template_and_year(lines, rows)
    facts, issues = _place(rows)
    facts, issues = _infer_together(rows, facts, issues)
    narrative = extract_narrative(lines)
    checks, rule_issues = check_report(facts, narrative)
    withdrawn = _inferred_contradicted(facts, checks)
    if withdrawn:
        facts = [_withdrawn(f) if (f.table, f.row) in withdrawn else f for f in facts]
        issues += [Issue("inferred_cells", "warning", f"{table} row {row}: its inferred split is withdrawn, "
                         "a check of its table fails with it; the cells are missing", table=table, row=row)
                   for table, row in sorted(withdrawn)]
        checks, rule_issues = check_report(facts, narrative)
    corrected: dict[tuple[str, str, str], Corrected] = {}
    if corrections:
        facts, corrected, correction_issues = apply(facts, checks, sha256, corrections)
        issues = [*issues, *correction_issues]
        if corrected:
            checks, rule_issues = check_report(facts, narrative)
    title = find_title(lines)
    agency, agency_issues = identify_agency(lines)
    return ParsedReport(
        source=source, report_id=report_id_of(lines), encoding=encoding, encoding_confident=encoding_confident,
        source_format=source_format,
        lines=lines, title=title[1] if title else None, agency=agency,
        publish_date=find_publish_date(lines), template=template, year=year, sections=sections,
        rows=rows, facts=facts, narrative=narrative, checks=checks, file_lines=file_lines, boxes=boxes, pages=pages,
        corrected=corrected,
        issues=[*_report_issues(encoding_confident, template, year, traditional), *agency_issues, *issues,
                *rule_issues],
    )


def read_tables(lines: list[str], sections: list[Section]) -> list[FoundRow]:
    """Rows as found in every table section (表二, 表三, 表四), in reading order."""
    rows: list[FoundRow] = []
    tables = [s for s in sections if s.kind in READERS]
    openers = None
    if tables and any(line == "|" for line in lines):  # normalized lines: a bare '|' is rare, decide once
        openers = opener_layout(lines, tables[0].start_line, tables[-1].end_line)
    for section in tables:
        rows.extend(READERS[section.kind](text_grid(lines, section.start_line + 1, section.end_line, openers)))
    settle_generation(rows)
    return rows


def _template(rows: list[FoundRow]) -> str:
    """The template generation, from 表二's measures first, else from 表三's (六) rows."""
    votes: dict[str, int] = {}
    for row in rows:
        if row.table == "active_disclosure" and row.columns:
            generations = _GENERATION_OF_MEASURE[row.columns[0]]
            if len(generations) == 1:
                votes[generations[0]] = votes.get(generations[0], 0) + 1
    if votes:
        return most_common(votes)
    application_rows = {r.row for r in rows if r.table == "applications"}
    if application_rows & {"other_no_correction", "other_fee_unpaid", "other_misc"}:
        return "2021"
    if "other_handling" in application_rows:
        return "2019"
    return "unknown"


def _place(rows: list[FoundRow]) -> tuple[list[Fact], list[Issue]]:
    facts: list[Fact] = []
    issues: list[Issue] = []
    application_rows = [r for r in rows if r.table == "applications"]
    if application_rows:
        generation = "2021" if any(r.row.startswith("other_") and r.row != "other_handling"
                                   for r in application_rows) else "2019"
        rows = rows + missing_rows(application_rows, generation)
    first: dict[tuple[str, str], FoundRow] = {}
    for row in rows:
        key = (row.table, row.row)
        if key in first and row.row != DETACHED:  # detached values are listed, never placed
            issues.append(_repeated_row(first[key], row))
            continue
        first[key] = row
        placed, row_issues = place_row(row)
        facts.extend(placed)
        issues.extend(row_issues)
    found_tables = {r.table for r in rows}
    for table in FACT_TABLES:
        if table not in found_tables:
            issues.append(Issue("missing_cells", "warning", f"table {table} not found", table=table))
    return facts, issues


def _has_cells(rows: list[FoundRow]) -> bool:
    """Whether ``_place(rows)`` gives any fact: some row placed first under its key has template columns
    (it gives a cell per column, placed or missing; rows ``_place`` adds exist only beside such rows)."""
    first: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.table, row.row)
        if row.row == DETACHED or key in first:
            continue
        first.add(key)
        if row.columns:
            return True
    return False


def _repeated_row(kept: FoundRow, again: FoundRow) -> Issue:
    """A template row printed twice: harmless when both copies agree, an error when they do not (the
    report contradicts itself, so none of its copies can be trusted)."""
    kept_values, again_values = [t.text for t in kept.values], [t.text for t in again.values]
    where = f"{again.table} row {again.row} appears again at line {again.line}"
    if kept_values == again_values:
        return Issue("missing_cells", "warning", f"{where} with the same values; first kept",
                     table=again.table, row=again.row)
    return Issue("missing_cells", "error", f"{where} with other values; first kept (line {kept.line})",
                 table=again.table, row=again.row, expected=" ".join(kept_values) or None,
                 found=" ".join(again_values) or None)


_MAX_COMBINATIONS = 256


def _infer_together(rows: list[FoundRow], facts: list[Fact], issues: list[Issue]) -> tuple[list[Fact], list[Issue]]:
    """表三 rows of run-together digits that several cuts fit: the cuts of all of them that let every check
    of the table hold together (each column's outcome_sum and balance), when exactly one combination does,
    placed as inferred. Otherwise they stay missing."""
    open_rows = [(row, c) for row in rows if row.table == "applications" and row.row != DETACHED
                 and (c := joined_candidates(row)) is not None and len(c) > 1]
    combinations = 1
    for _, candidates in open_rows:
        combinations *= len(candidates)
    if not open_rows or combinations > _MAX_COMBINATIONS:
        return facts, issues
    keys = {(row.table, row.row) for row, _ in open_rows}
    kept = [f for f in facts if (f.table, f.row) not in keys]
    fitting = []
    for choice in itertools.product(*(candidates for _, candidates in open_rows)):
        placed = [f for (row, _), split in zip(open_rows, choice, strict=True) for f in inferred_facts(row, split)]
        checks, _ = check_report(kept + placed)
        if not any(c.status == "fails" and c.table == "applications" for c in checks):
            fitting.append(placed)
    if len(fitting) != 1:
        return facts, issues
    by_cell = {(f.table, f.row, f.column): f for f in fitting[0]}
    decided = [Issue("inferred_cells", "warning", f"applications row {row.row}: of its {len(candidates)} cuts of "
                     f"'{row.values[0].text}', the one with which every check of 表三 holds together with the "
                     "other rows (cell_status inferred)", table="applications", row=row.row)
               for row, candidates in open_rows]
    unplaced = {("applications", row.row) for row, _ in open_rows}
    return [by_cell.get((f.table, f.row, f.column), f) for f in facts], \
        [i for i in issues if (i.table, i.row) not in unplaced] + decided


def _inferred_contradicted(facts: list[Fact], checks: list[Check]) -> set[tuple[str, str]]:
    """Rows with inferred cells in a table one of whose checks fails: the inference is not kept (its row's
    own identity held, but the table's other identities are the evidence that would have to agree)."""
    failing = {c.table for c in checks if c.status == "fails"}
    return {(f.table, f.row) for f in facts if f.cell_status == "inferred" and f.table in failing}


def _withdrawn(fact: Fact) -> Fact:
    return fact._replace(value=None, cell_status="missing", raw=None)


def _report_issues(confident: bool, template: str, year: YearDecision, traditional: bool) -> list[Issue]:
    issues = []
    if traditional:
        issues.append(Issue("traditional_characters", "info", "written in Traditional characters: read as "
                            "converted to Simplified (OpenCC t2s); the lines and raw cells are the converted text"))
    if not confident:
        issues.append(Issue("low_confidence_encoding", "warning", "encoding detection was not confident"))
    if template == "unknown":
        issues.append(Issue("template_unknown", "warning", "no template table recognised"))
    if year.year is None:
        issues.append(Issue("year_unknown", "error", "no reporting year found in title, period or body"))
    elif year.conflict:
        others = sorted({e["year"] for e in year.evidence} - {year.year})
        sources = ", ".join(f"{e['source']} {e['year']}" for e in year.evidence if e["year"] != year.year)
        issues.append(Issue("year_conflict", "warning",
                            f"year {year.year} chosen ({year.confidence} confidence); evidence also names "
                            f"{others}: {sources}", expected=str(year.year),
                            found=",".join(map(str, others))))
    return issues


def to_json(report: ParsedReport) -> dict:
    """The report as ``govreports parse --json`` prints it (one object per report)."""
    facts: dict[str, list[dict]] = {name: [] for name in FACT_TABLES}
    for fact in report.facts:
        table = FACT_TABLES[fact.table]
        entry: dict[str, object] = {
            table.row_dim: fact.row, table.column_dim: fact.column, "value": _number(fact.value),
            "cell_status": fact.cell_status, "raw": fact.raw, "source_line": fact.source_line,
            "file_line": report.file_line(fact.source_line)}
        if fact.table == "active_disclosure":
            entry["unit"] = fact.unit
        box = report.box(fact)
        if box is not None:
            entry["page"], entry["box"] = box[0], list(box[1:])
        before = report.corrected.get((fact.table, fact.row, fact.column))
        if before is not None:
            entry |= {"parsed_value": _number(before.parsed_value), "parsed_status": before.parsed_status,
                      "correction_reason": before.reason, "reviewer": before.reviewer}
        facts[fact.table].append(entry)
    return {
        "source": report.source,
        "report_id": report.report_id,
        "year": report.year.year,
        "year_evidence": report.year.evidence,
        "year_conflict": report.year.conflict,
        "year_confidence": report.year.confidence,
        "template": report.template,
        "agency": report.agency.name,
        "agency_full": report.agency.full_name,
        "agency_id": report.agency.agency_id,
        "admin_level": report.agency.admin_level,
        "agency_kind": report.agency.kind,
        "region": report.agency.region.as_dict(),
        "title": report.title,
        "publish_date": report.publish_date,
        "encoding": report.encoding,
        "source_format": report.source_format,
        "pages": report.pages,
        "sections": [{"number": s.number, "kind": s.kind, "title": s.title, "start_line": s.start_line,
                      "end_line": s.end_line} for s in report.sections],
        "facts": facts,
        "narrative": [{"measure": n.measure, "value": _number(n.value), "qualifier": n.qualifier,
                       "sentence": n.sentence, "source_line": n.source_line} for n in report.narrative],
        "checks": [{"rule": c.rule, "table": c.table, "row": c.row, "column": c.column, "status": c.status}
                   for c in report.checks],
        "issues": [i.as_dict() for i in report.issues],
    }


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
