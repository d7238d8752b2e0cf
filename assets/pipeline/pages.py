"""Agency pages: one self-contained HTML page per agency and year (inline CSS, no script, nothing fetched, so it
reads offline), an index of a batch of them sorted by problems found, and the text ``govreports compare`` prints.

Belongs here: the words and markup for what ``comparison.py`` gathers, and writing the pages under the warehouse
(``<warehouse>/pages/``, any fsspec location). Labels come from the catalog (``labels.py``). Every figure's cell
carries its codes and number as data attributes (``data-table``, ``data-row``, ``data-column`` on the row,
``data-year``, ``data-value``, ``data-status`` on the value, ``data-change``, ``data-rank``, ``data-peers``), so a
reader or a test takes the numbers from the page exactly as the Parquet tables hold them.
"""

import re
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

import pandas as pd
from upath import UPath

from schemas.catalog import FACT_TABLES, NARRATIVE_MEASURES

from ..storage.resources import Warehouse
from .comparison import Comparison, Problem, compare
from .labels import COLUMN_LABELS, ROW_LABELS, TABLE_NUMBERS

_PAGES = "pages"  # <warehouse>/pages/
BATCH = 500  # agencies gathered at once by write_pages
_UNPLACED = "(values placed in no row)"  # an issue's row code that is no template row: detached values, 表四's run
_NARRATIVE_LABELS = {measure.code: measure.label for measure in NARRATIVE_MEASURES}
_WHAT = {  # how a rule's expected and found read (quality.py: expected is the equation's left side)
    "row_total": "the row's columns sum to {found}, the total says {expected}",
    "outcome_sum": "the outcome rows sum to {found}, the total says {expected}",
    "other_handling_sum": "its three sub-rows sum to {found}, the row says {expected}",
    "review_total": "the four outcomes sum to {found}, the total says {expected}",
    "balance": "received and carried over make {expected}, handled and carried forward make {found}",
}

_CSS = """
body { font: 15px/1.5 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em auto;
       max-width: 72em; padding: 0 1em; color: #1d1d1f; }
h1 { margin-bottom: .2em; } h2 { border-bottom: 2px solid #ddd; margin-top: 2em; }
.meta { color: #555; margin-top: 0; }
.notice { background: #fff6d6; border-left: 4px solid #e0b000; padding: .6em 1em; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; vertical-align: top; }
th { background: #f3f3f3; text-align: left; }
td.number, td.value, td.change, td.rank { text-align: right; font-variant-numeric: tabular-nums; }
.up { color: #05703a; } .down { color: #b3261e; }
.status-missing, .status-unparseable { background: #fde8e6; }
.status-inferred { background: #fff6d6; } .status-corrected { background: #e6f0fd; }
li.problem { margin-bottom: .6em; }
blockquote { margin: .2em 0 0 1em; color: #555; font-family: monospace; white-space: pre-wrap; }
nav a { margin-right: 1em; }
"""


# ---------------------------------------------------------------- words

def number(value: float) -> str:
    """A figure as people read it: 1,234 or 12.5."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _many(count: int, word: str) -> str:
    return f"{count} {_plural(count, word)}"


def _lines(lines: tuple[int, ...]) -> str:
    if not lines:
        return "no source line"
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(map(str, lines))


def _where(cells: tuple, table: str | None) -> str:
    """Table, row and column of the cells a problem names: ``表三 (四)3.补正后申请内容仍不明确, 总计``."""
    if not cells:
        return TABLE_NUMBERS.get(table, "the report") if table else "the report"
    name = cells[0][0]
    rows = dict.fromkeys(ROW_LABELS.get((name, row), _UNPLACED) for _, row, _ in cells)
    columns = dict.fromkeys("every column" if column is None else COLUMN_LABELS[(name, column)]
                            for _, _, column in cells)
    return f"{TABLE_NUMBERS[name]} {' / '.join(rows)}, {' / '.join(columns)}"


def problem_sentence(problem: Problem) -> str:
    """A problem in words with its table, row, column and source line: ``表三 (四)3.补正后申请内容仍不明确, 总计:
    the row's columns sum to 5, the total says 6 — line 212``."""
    where = _where(problem.cells, problem.table)
    if problem.rule == "narrative_mismatch":
        label = _NARRATIVE_LABELS.get(problem.row or "", problem.row)
        return (f"The text states {label} = {problem.expected} (line {problem.sentence_line}); {where} gives "
                f"{problem.found} — {_lines(problem.lines)}")
    what = _WHAT.get(problem.rule, "{rule}: {message}").format(expected=problem.expected, found=problem.found,
                                                                 rule=problem.rule, message=problem.message)
    return f"{where}: {what} — {_lines(problem.lines)}" if problem.table else f"{where}: {what}"


def _one_year_notice(comparison: Comparison) -> str | None:
    """What a page says instead of changes when there is no year before to compare with."""
    if comparison.previous is not None:
        return None
    before = comparison.year - 1
    if comparison.years == (comparison.year,):
        return (f"This agency has a report for {comparison.year} only: there is no earlier year to compare "
                "with, so no changes are shown.")
    return (f"This agency has no report for {before} in the warehouse (its reports: "
            f"{', '.join(map(str, comparison.years))}), so no changes are shown.")


def _counts(comparison: Comparison) -> tuple[int, int, int]:
    """Problems, narrative contradictions and flagged cells of year Y."""
    problems = comparison.problems_of(comparison.year)
    flagged = comparison.flagged
    return (len(problems), sum(p.rule == "narrative_mismatch" for p in problems),
            int((flagged["year"] == comparison.year).sum()))


def _period(comparison: Comparison) -> str:
    return f"{comparison.year} against {comparison.previous}" if comparison.previous else f"{comparison.year} alone"


def _title(comparison: Comparison) -> str:
    return f"{comparison.agency}: {_period(comparison)}"


def _who(comparison: Comparison) -> str:
    level = " ".join(filter(None, (comparison.admin_level, comparison.agency_kind))) or "level and kind unknown"
    return f"{comparison.agency_id}; {' '.join(comparison.region) or 'region unknown'}; {level}"


def summary(comparison: Comparison, page: str | None = None) -> str:
    """The text ``govreports compare`` prints: who, the counts, the problems of year Y, and where the page is."""
    problems, contradictions, flagged = _counts(comparison)
    lines = [_title(comparison), f"  {_who(comparison)}",
             f"  {comparison.year}: {_many(problems, 'problem')} ({contradictions} where the text contradicts the "
             f"tables), {_many(flagged, 'cell')} not read as printed"]
    notice = _one_year_notice(comparison)
    lines += [f"  {notice}"] if notice else []
    lines += [f"  - {problem.source_path}: {problem_sentence(problem)}"
              for problem in comparison.problems_of(comparison.year)]
    return "\n".join(lines + ([f"page: {page}"] if page else []))


# ---------------------------------------------------------------- markup

def _document(title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
            f"<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _tag(name: str, content: str = "", cls: str | None = None, **data: object) -> str:
    """An element with a class and ``data-*`` attributes (None ones left out); ``content`` is markup."""
    attributes = f' class="{cls}"' if cls else ""
    attributes += "".join(f' data-{key.replace("_", "-")}="{escape(str(value))}"' for key, value in data.items()
                          if value is not None)
    return f"<{name}{attributes}>{content}</{name}>"


def _row(*cells: str, cls: str | None = None, **data: object) -> str:
    return _tag("tr", "".join(cells), cls, **data)


def _td(text: object = "", cls: str | None = None, **data: object) -> str:
    return _tag("td", escape(str(text)), cls, **data)


def _head(*names: str) -> str:
    return _row(*(f"<th>{escape(name)}</th>" for name in names))


def _yes(flag: object) -> str:
    return "yes" if flag else "no"


def _reports_table(comparison: Comparison) -> str:
    rows = [_row(_td(report.year), _td(report.source_path), _td(_yes(report.trusted)),
                 _td(f"{report.quality_score:.2f}", "number"),
                 *(_td(_yes(getattr(report, f"trusted_{table}"))) for table in FACT_TABLES))
            for report in comparison.reports.sort_values("year", ascending=False).itertuples()]
    head = _head("year", "file", "trusted", "quality score", *(f"{TABLE_NUMBERS[t]} trusted" for t in FACT_TABLES))
    return f"<table class='reports'>{head}{''.join(rows)}</table>"


def _problem_item(problem: Problem) -> str:
    quotes = [(problem.sentence_line, problem.sentence)] if problem.sentence else []
    quotes += [(line, text) for line, text in zip(problem.lines[:3], problem.texts[:3], strict=True) if text]
    content = _tag("span", escape(problem_sentence(problem)), "sentence") + "".join(
        f"<blockquote>{line}: {escape(text)}</blockquote>" for line, text in quotes)
    return _tag("li", content, "problem", rule=problem.rule, severity=problem.severity, table=problem.table,
                lines=" ".join(map(str, problem.lines)) or None)


def _problem_list(problems: list[Problem], years: tuple[int, ...], empty: str) -> str:
    """``problems`` under a heading per year and file, newest first."""
    parts = []
    for year in years:
        of_year = [p for p in problems if p.year == year]
        for path in dict.fromkeys(p.source_path for p in of_year):
            items = "".join(_problem_item(p) for p in of_year if p.source_path == path)
            parts.append(f"<h3>{year}: {escape(path)}</h3><ol>{items}</ol>")
    return "".join(parts) or f"<p>{escape(empty)}</p>"


def _value_cell(value: object, status: object, year: int) -> str:
    """A figure of one year: its value (or its status when it has none), its status as a class."""
    if not isinstance(status, str):
        return _td("—", "value absent", year=year)
    classes = " ".join(f"status-{s}" for s in status.split(", "))
    valued = pd.notna(value)
    return _td(number(value) if valued else status, f"value {classes}", year=year,
               value=float(value) if valued else None, status=status)


def _change_cell(change: object) -> str:
    if pd.isna(change):
        return _td("", "change")
    direction = "up" if change > 0 else "down" if change < 0 else "same"
    return _td(("+" if change > 0 else "") + number(change), f"change {direction}", change=float(change))


def _rank_cell(cell: pd.Series, trusted: bool) -> str:
    if pd.isna(cell["rank"]):
        return _td("" if trusted else "not ranked", "rank")
    rank, peers = int(cell["rank"]), int(cell["peers"])
    return _td(f"{rank} of {peers}", "rank", rank=rank, peers=peers)


def _trusted_tables(comparison: Comparison) -> dict[str, bool]:
    """Whether each table is trusted in every report of year Y (else its figures are shown as read, not ranked)."""
    current = comparison.reports[comparison.reports["year"] == comparison.year]
    return {table: bool(current[f"trusted_{table}"].all()) for table in FACT_TABLES}


def _figure_row(cell: pd.Series, comparison: Comparison, trusted: bool) -> str:
    """A cell's row: its labels, Y-1, Y and the change (Y alone when there is no Y-1), its rank in Y."""
    table, previous = cell["table"], comparison.previous
    current = _value_cell(cell["value"], cell["cell_status"], comparison.year)
    values = [_value_cell(cell["previous_value"], cell["previous_status"], previous), current,
              _change_cell(cell["change"])] if previous else [current]
    return _row(_tag("th", escape(ROW_LABELS[(table, cell["row"])])), _td(COLUMN_LABELS[(table, cell["column"])]),
                *values, _rank_cell(cell, trusted), cls="cell", table=table, row=cell["row"], column=cell["column"])


def _figures(comparison: Comparison) -> str:
    year, previous = comparison.year, comparison.previous
    trusted = _trusted_tables(comparison)
    years = [str(previous), str(year), "change"] if previous else [str(year)]
    head = _head("row", "column", *years, f"rank among peers in {year}")
    parts = []
    for table, spec in FACT_TABLES.items():
        cells = comparison.figures[comparison.figures["table"] == table]
        parts.append(f"<h3>{escape(spec.label)}</h3>")
        if cells.empty:
            parts.append("<p>Not found in the reports shown.</p>")
            continue
        if not trusted[table]:
            parts.append(f"<p class='notice'>{TABLE_NUMBERS[table]} of {year} is not trusted (cells lost or checks "
                         "failed): its figures are shown as read and not ranked.</p>")
        rows = "".join(_figure_row(cell, comparison, trusted[table]) for _, cell in cells.iterrows())
        parts.append(f"<table class='figures' id='figures-{table}'>{head}{rows}</table>")
    return "".join(parts)


def _correction(cell: pd.Series) -> str:
    if cell["cell_status"] != "corrected":
        return ""
    parsed = number(cell["parsed_value"]) if pd.notna(cell["parsed_value"]) else "nothing"
    return f"the parser read {parsed} ({cell['parsed_status']}); {cell['reviewer']}: {cell['correction_reason']}"


def _flagged_row(cell: pd.Series) -> str:
    table, line = cell["table"], cell["source_line"]
    return _row(_td(cell["year"]), _td(cell["source_path"]), _td(TABLE_NUMBERS[table]),
                _td(ROW_LABELS[(table, cell["row"])]), _td(COLUMN_LABELS[(table, cell["column"])]),
                _td(cell["cell_status"]), _td(number(cell["value"]) if pd.notna(cell["value"]) else "", "number"),
                _td(cell["raw"] if isinstance(cell["raw"], str) else ""), _td("" if pd.isna(line) else int(line)),
                _td(_correction(cell)), cls=f"flagged status-{cell['cell_status']}", table=table, row=cell["row"],
                column=cell["column"], year=cell["year"])


def _flagged(comparison: Comparison) -> str:
    if comparison.flagged.empty:
        return "<p>Every cell was read as printed.</p>"
    head = _head("year", "file", "table", "row", "column", "status", "value", "as printed", "line", "correction")
    rows = "".join(_flagged_row(cell) for _, cell in comparison.flagged.iterrows())
    return f"<table class='flagged'>{head}{rows}</table>"


def _notes(comparison: Comparison) -> str:
    if not comparison.notes:
        return ""
    items = "".join(_problem_item(p) for p in comparison.notes)
    return (f"<section id='notes'><h2>Notes</h2><details><summary>{len(comparison.notes)} notes (information, not "
            f"problems)</summary><ol>{items}</ol></details></section>")


def agency_page(comparison: Comparison) -> str:
    """The agency's page for year Y: who, its reports, its problems in words, the text against the tables,
    the cells not read as printed, then every figure of Y and Y-1 with the change and the rank among peers."""
    years = tuple(y for y in (comparison.year, comparison.previous) if y)
    problems, contradictions, flagged = _counts(comparison)
    notice = _one_year_notice(comparison)
    mismatches = [p for p in comparison.problems if p.rule == "narrative_mismatch"]
    others = [p for p in comparison.problems if p.rule != "narrative_mismatch"]
    level = f"{comparison.admin_level or '?'} {comparison.agency_kind or '?'}"
    body = f"""<header><h1>{escape(comparison.agency)}</h1>
<p class="meta">{escape(_who(comparison))}</p>
<p class="lede">{escape(_period(comparison))}. In {comparison.year}: <span id="problem-count">{problems}</span>
{_plural(problems, 'problem')}, {contradictions} where the text contradicts the tables,
{_many(flagged, 'cell')} not read as printed.</p>
{f'<p class="notice" id="one-year">{escape(notice)}</p>' if notice else ''}
<nav><a href="#problems">Problems</a><a href="#narrative">Text against tables</a><a href="#flagged">Flagged cells</a>
<a href="#figures">Figures</a></nav></header>
<section id="reports"><h2>Reports</h2>{_reports_table(comparison)}</section>
<section id="problems"><h2>Problems found</h2>{_problem_list(others, years, "No problem found.")}</section>
<section id="narrative"><h2>What the text says against the tables</h2>
{_problem_list(mismatches, years, "The figures stated in the text agree with the tables, or none is stated.")}
</section>
<section id="flagged"><h2>Cells not read as printed (missing, unparseable, inferred, corrected)</h2>
{_flagged(comparison)}</section>
<section id="figures"><h2>Figures</h2>
<p>Rank: 1 is the highest value among the agencies of the same level and kind ({escape(level)}) in {comparison.year}
whose table is trusted, as in the rollups; a table not trusted is not ranked.</p>{_figures(comparison)}</section>
{_notes(comparison)}
<footer><p>Made from the warehouse tables dim_reports, fact_*, fact_narrative and quality_issues. Lines are lines of
the report's text as the pipeline read it (raw_reports.text).</p></footer>"""
    return _document(_title(comparison), body)


@dataclass(frozen=True)
class Listed:
    """A page as an index lists it."""

    href: str
    agency: str
    agency_id: str
    region: str
    previous: int | None
    problems: int
    contradictions: int
    flagged: int


def most_problems_first(listed: list[Listed]) -> list[Listed]:
    """The order of an index: problems, then contradictions, then flagged cells, most first."""
    return sorted(listed, key=lambda e: (-e.problems, -e.contradictions, -e.flagged, e.agency_id))


def index_page(title: str, year: int, listed: list[Listed]) -> str:
    """Links to the pages, most problems first."""
    ordered = most_problems_first(listed)
    rows = "".join(_row(f"<td><a href=\"{escape(e.href)}\">{escape(e.agency)}</a></td>", _td(e.agency_id),
                        _td(e.region), _td(e.previous or "none"), _td(e.problems, "number"),
                        _td(e.contradictions, "number"), _td(e.flagged, "number"),
                        cls="agency", agency_id=e.agency_id, problems=e.problems) for e in ordered)
    head = _head("agency", "agency_id", "region", "compared with", "problems", "text against tables", "flagged cells")
    body = (f"<h1>{escape(title)}</h1><p class='meta'>{len(ordered)} agencies with a report of {year}, most problems "
            f"first.</p><table class='index'>{head}{rows}</table>")
    return _document(title, body)


# ---------------------------------------------------------------- files

def safe_name(text: str) -> str:
    """``text`` made safe for a file name (letters, CJK characters, digits, ``.`` and ``-`` kept)."""
    return re.sub(r"[^\w.-]+", "_", text).strip("_")


def pages_root(warehouse: Warehouse) -> UPath:
    return warehouse.root() / _PAGES


def write_page(folder: UPath, comparison: Comparison) -> UPath:
    """The agency's page in ``folder``: ``<agency_id made safe>_<year>.html``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe_name(comparison.agency_id)}_{comparison.year}.html"
    path.write_text(agency_page(comparison), encoding="utf-8")
    return path


def write_pages(warehouse: Warehouse, agency_ids: list[str], year: int, folder: UPath,
                title: str) -> tuple[list[Listed], UPath]:
    """The pages of ``agency_ids`` for ``year`` in ``folder``, gathered ``BATCH`` agencies at a time, and their
    ``index.html``; pages the folder held of agencies not written now are removed. Returns what the index lists
    and its path."""
    listed, written = [], {"index.html"}
    for start in range(0, len(agency_ids), BATCH):
        for comparison in compare(warehouse, agency_ids[start:start + BATCH], year):
            path = write_page(folder, comparison)
            written.add(path.name)
            problems, contradictions, flagged = _counts(comparison)
            listed.append(Listed(quote(path.name), comparison.agency, comparison.agency_id,
                                 " ".join(comparison.region), comparison.previous, problems, contradictions, flagged))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.html"):
        if stale.name not in written:
            stale.unlink()
    index = folder / "index.html"
    index.write_text(index_page(title, year, listed), encoding="utf-8")
    return listed, index
