"""Known reports rendered as PDFs in the layout families real PDFs come in (tests/core/test_pdf_families.py).

A known report (tests/layout_families.py: a template generation and the value of every cell of its tables,
taken from a hand-checked truth file, never from the parser) is drawn with reportlab as a whole report: the
title (agency and year), the six section headings with a line of prose each, and 表二, 表三, 表四 in the
sections that hold them. The tables are the grids of tests/layout_families.py (the template's labels, row
groups and merged cells as /work/shared/research/templates.md gives them), laid out as a word processor
lays them out: fixed column widths, text wrapped inside its cell (a CJK line breaks between any two
characters), the row as tall as its tallest cell, a merged cell's text centred in it, a table kept on one
page unless the family breaks it. Each family copies one way real PDFs are produced:

- ``word_rect_cells``: every cell (a merged one as one) a filled white rectangle inset a fraction of a
  point from its neighbours, its borders thin filled black rectangles: Word's "Save as PDF";
- ``stroked_lines``: borders as stroked line segments, joined where they continue, none inside a merged
  cell: WPS / LibreOffice export;
- ``page_break_repeated_header``: Word cells as above; 表三 breaks across a page in the middle of
  (三)不予公开 (both merged group labels cut in two, their text on the first page) and the next page repeats
  表三's three header rows; every page has a ``- N -`` footer;
- ``wrapped_labels``: stroked lines, narrow columns, 8 pt: 表三's row labels on two or three lines (the
  2021 (六) sub-rows on four or five), its applicant headers and 表四's outcome headers on two or three,
  表二's labels and measure headers on two;
- ``unruled``: no ruling at all: each cell's text placed at its column's position (centred), nothing else;
- ``reordered_columns``: stroked lines, 表三's applicant columns 总计 first (总计, 自然人, 商业企业 …), the
  header printed in that order;
- ``blank_and_dash``: Word cells; every cell the truth has blank (None) printed empty or ``-`` in turn,
  one zero in three (in key order) also printed blank (and expected blank: a blank cell states no value),
  the other zeros ``无`` and ``0`` in turn. That is all the truth format can say: a value is a number
  (``无`` is recorded as 0 with raw ``无``, seed 003's 表二) or None for a cell printed blank or with a dash
  or slash (wild 003's ``/``, wild 005's empty cell); it has no separate "dash" value.

The CJK text is set in a CJK TrueType font of the machine, embedded as a subset (``FONT_FILE``, the first
of ``CJK_FONTS`` found; with none, no PDF can be made and the tests skip). Generation is deterministic
(``invariant=1``: no dates or random ids in the file).
"""

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import count
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from tests.layout_families import (
    APPLICANT_CODES,
    FIXTURES,
    SECTIONS,
    TOTAL_FIRST,
    CellKey,
    Form,
    Grid,
    KnownReport,
    Value,
    applications_grid,
    disclosure_grid,
    number_text,
    plain,
    review_grid,
    truth_reports,
)

# A CJK TrueType font embedded (subset) in every PDF, as Word embeds its fonts: what PDFium reads from the
# file is then the same on every machine. reportlab's built-in CID font STSong-Light is not embedded: PDFium
# substitutes a system font for it, and on a machine without a CJK font every glyph has an empty box and
# PDFium drops a character standing alone (a cell's `无`, the `人` of a header wrapped as 自然/人), so the
# text read depends on the reading machine. Debian's fonts-wqy-microhei provides the first of these.
CJK_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
             "/usr/share/fonts/truetype/arphic/uming.ttc")
FONT_FILE = next((path for path in CJK_FONTS if Path(path).exists()), None)
FONT = "CJK"
if FONT_FILE is not None:
    pdfmetrics.registerFont(TTFont(FONT, FONT_FILE, subfontIndex=0))

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4
LEFT = RIGHT = 72.0
TOP, BOTTOM = 72.0, 72.0
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
TITLE_SIZE, HEADING_SIZE, PROSE_SIZE, TABLE_SIZE, FOOTER_SIZE = 16.0, 14.0, 12.0, 9.0, 10.0
LEADING = 1.25  # line height / font size
PAD_X, PAD_Y = 2.5, 3.0  # text inset in a cell
MIN_ROW = 18.0
GAP = 0.3  # Word's white cell rectangles stop this short of the cell border
RULE = 0.5  # border width

# The truth files drawn (all three tables where the truth gives them complete; tests/layout_families.py's
# truth_reports): four of the 2021 template, two of 2019.
PDF_TRUTHS = ("devset/002", "devset/020", "seeds/001", "seeds/002", "seeds/000", "seeds/003")


def pdf_truth_reports() -> list[KnownReport]:
    found = {known.name: known for known in truth_reports()}
    return [found[name] for name in PDF_TRUTHS]


@cache
def agency_of(name: str) -> str:
    """The agency a truth file names (the title's first line), without the truth's note on it."""
    corpus, number = name.split("/")
    path = next((FIXTURES / corpus / "truth").glob(f"{number}_*.json"))
    return json.loads(path.read_text(encoding="utf-8"))["agency"].split(" (")[0]


# ------------------------------------------------------------------------------------ cell texts


def _blank_and_dash_form() -> Form:
    """A blank cell printed empty or ``-`` in turn; a zero printed ``无`` or ``0`` in turn."""
    blanks, zeros = count(), count()

    def form(key: CellKey, value: Value) -> str:
        if value is None:
            return ("", "-")[next(blanks) % 2]
        if value == 0:
            return ("无", "0")[next(zeros) % 2]
        return number_text(value)
    return form


def _blank_one_zero_in_three(known: KnownReport) -> KnownReport:
    """One zero in three (in key order) printed blank: the known value of that cell is then blank (None)."""
    zeros = [key for key in sorted(known.cells) if known.cells[key] == 0]
    blanked = set(zeros[::3])
    return replace(known, cells={key: None if key in blanked else value for key, value in known.cells.items()})


# ------------------------------------------------------------------------------------ table geometry


@dataclass(frozen=True)
class Span:
    """A grid cell placed: its first row and column and how many it covers."""

    text: str
    row: int
    column: int
    rows: int
    columns: int
    value: bool  # a value cell (its text must not wrap)


def spans(grid: Grid) -> list[Span]:
    """The grid's cells at their positions (HTML's table model: a rowspan holds its slots in later rows)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            taken |= {(r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)}
            out.append(Span(cell.text, r, c, cell.rowspan, cell.colspan, cell.key is not None))
            c += cell.colspan
    assert all(c < grid.width for _, c in taken), "a row wider than its grid"
    return out


def wrap(text: str, width: float, size: float) -> list[str]:
    """CJK wrapping: a line breaks between any two characters, as soon as the next one would not fit."""
    lines: list[str] = []
    line = ""
    for char in text:
        if line and pdfmetrics.stringWidth(line + char, FONT, size) > width:
            lines.append(line)
            line = char
        else:
            line += char
    return lines + [line] if line else lines


@dataclass(frozen=True)
class Look:
    """How a family lays its tables out: column widths per table, ruling, font size."""

    widths: dict[str, tuple[float, ...]]
    ruling: str  # "word" (filled cell rectangles, filled border rectangles), "strokes" or "none"
    size: float = TABLE_SIZE

    @property
    def leading(self) -> float:
        return self.size * LEADING


@dataclass
class Laid:
    """A table laid out: its spans, their wrapped text, column x positions and row heights."""

    grid: Grid
    look: Look
    spans: list[Span]
    lines: list[list[str]]
    xs: list[float]  # left of each column, and the table's right edge
    heights: list[float]

    @property
    def header_rows(self) -> int:
        return self.grid.header_rows


def lay_out(grid: Grid, table: str, look: Look) -> Laid:
    widths = look.widths[table]
    assert len(widths) == grid.width, (table, widths, grid.width)
    left = LEFT + (TEXT_WIDTH - sum(widths)) / 2
    xs = [left]
    for width in widths:
        xs.append(xs[-1] + width)
    placed = spans(grid)
    texts = []
    heights = [MIN_ROW] * len(grid.rows)
    for span in placed:
        inner = xs[span.column + span.columns] - xs[span.column] - 2 * PAD_X
        lines = wrap(span.text, inner, look.size)
        assert not span.value or len(lines) <= 1, f"value {span.text!r} wider than its column ({inner:.1f} pt)"
        texts.append(lines)
        if span.rows == 1:
            heights[span.row] = max(heights[span.row], len(lines) * look.leading + 2 * PAD_Y)
    for span, lines in zip(placed, texts, strict=True):
        if span.rows > 1:
            covered = sum(heights[span.row:span.row + span.rows])
            heights[span.row + span.rows - 1] += max(0.0, len(lines) * look.leading + 2 * PAD_Y - covered)
    return Laid(grid, look, placed, texts, xs, heights)


# ------------------------------------------------------------------------------------ the pages


class Pages:
    """A reportlab canvas written top to bottom (``y``: distance from the page's top edge)."""

    def __init__(self, footer: bool):
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
        self.footer = footer
        self.page = 1
        self.y = TOP

    @property
    def room(self) -> float:
        return PAGE_HEIGHT - BOTTOM - self.y

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.y = TOP

    def _footer(self) -> None:
        if self.footer:
            self.text(f"- {self.page} -", PAGE_WIDTH / 2, PAGE_HEIGHT - BOTTOM / 2, FOOTER_SIZE, centred=True)

    def text(self, text: str, x: float, top: float, size: float, centred: bool = False) -> None:
        """One line of text whose line box starts ``top`` points below the page's top edge."""
        self.canvas.setFillColorRGB(0, 0, 0)
        self.canvas.setFont(FONT, size)
        baseline = PAGE_HEIGHT - top - size * 0.88
        if centred:
            self.canvas.drawCentredString(x, baseline, text)
        else:
            self.canvas.drawString(x, baseline, text)

    def paragraph(self, text: str, size: float, indent: float = 0.0, centred: bool = False,
                  after: float = 0.0) -> None:
        width = TEXT_WIDTH - indent
        for number, line in enumerate(wrap(text, width, size)):
            if self.room < size * LEADING:
                self.new_page()
            x = PAGE_WIDTH / 2 if centred else LEFT + (indent if number == 0 else 0.0)
            self.text(line, x, self.y, size, centred)
            self.y += size * LEADING
        self.y += after

    def finish(self) -> bytes:
        self._footer()
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()

    # -------------------------------------------------------------------------------- tables

    def table(self, laid: Laid, break_before: int | None = None, repeat_header: bool = False) -> None:
        """A table kept on one page (a new page if it does not fit here), or, with ``break_before`` (a body
        row), broken before that row and wherever a row would not fit, the header repeated if asked."""
        heights, header = laid.heights, list(range(laid.header_rows))
        if break_before is None:
            if sum(heights) > self.room:
                self.new_page()
            assert sum(heights) <= self.room, "a table taller than a page"
            self._part(laid, list(range(len(heights))))
            return
        part: list[int] = list(header)
        for row in range(laid.header_rows, len(heights)):
            used = sum(heights[r] for r in part)
            if row == break_before or used + heights[row] > self.room:
                self._part(laid, part)
                self.new_page()
                part = list(header) if repeat_header else []
            part.append(row)
        self._part(laid, part)

    def _part(self, laid: Laid, rows: list[int]) -> None:
        """The given rows of a table (a header and a run of body rows) drawn from ``y`` down. A merged cell
        cut by the page is drawn in each part; its text goes in the first part, as far as it fits."""
        tops: dict[int, float] = {}
        y = self.y
        for row in rows:
            tops[row] = y
            y += laid.heights[row]
        boxes: list[tuple[float, float, float, float]] = []
        texts: list[tuple[list[str], float, float, float, float]] = []
        for span, lines in zip(laid.spans, laid.lines, strict=True):
            covered = [r for r in range(span.row, span.row + span.rows) if r in tops]
            if not covered:
                continue
            x0, x1 = laid.xs[span.column], laid.xs[span.column + span.columns]
            top, bottom = tops[covered[0]], tops[covered[-1]] + laid.heights[covered[-1]]
            boxes.append((x0, top, x1, bottom))
            if span.row in tops and lines:
                fit = max(1, int((bottom - top - 2 * PAD_Y) // laid.look.leading))
                texts.append((lines[:fit], x0, top, x1, bottom))
        self._rule(laid.look.ruling, boxes)
        for lines, x0, top, x1, bottom in texts:
            first = top + (bottom - top - len(lines) * laid.look.leading) / 2
            for number, line in enumerate(lines):
                line_top = first + number * laid.look.leading + (laid.look.leading - laid.look.size) / 2
                self.text(line, (x0 + x1) / 2, line_top, laid.look.size, centred=True)
        self.y = y + PROSE_SIZE * 0.5

    def _rule(self, ruling: str, boxes: list[tuple[float, float, float, float]]) -> None:
        c = self.canvas
        if ruling == "word":
            c.setFillColorRGB(1, 1, 1)
            for x0, top, x1, bottom in boxes:
                c.rect(x0 + GAP, PAGE_HEIGHT - bottom + GAP, x1 - x0 - 2 * GAP, bottom - top - 2 * GAP,
                       stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
            half = RULE / 2
            for x0, top, x1, bottom in boxes:
                for y in (top, bottom):
                    c.rect(x0 - half, PAGE_HEIGHT - y - half, x1 - x0 + RULE, RULE, stroke=0, fill=1)
                for x in (x0, x1):
                    c.rect(x - half, PAGE_HEIGHT - bottom - half, RULE, bottom - top + RULE, stroke=0, fill=1)
        elif ruling == "strokes":
            c.setStrokeColorRGB(0, 0, 0)
            c.setLineWidth(RULE)
            for x0, y0, x1, y1 in _joined_segments(boxes):
                c.line(x0, PAGE_HEIGHT - y0, x1, PAGE_HEIGHT - y1)
        else:
            assert ruling == "none", ruling


def _joined_segments(boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """The boxes' sides as line segments, collinear touching ones joined (a rule runs on across the
    cells it separates and stops at a merged cell)."""
    horizontal: dict[float, set[tuple[float, float]]] = {}
    vertical: dict[float, set[tuple[float, float]]] = {}
    for x0, top, x1, bottom in boxes:
        for y in (top, bottom):
            horizontal.setdefault(round(y, 3), set()).add((x0, x1))
        for x in (x0, x1):
            vertical.setdefault(round(x, 3), set()).add((top, bottom))
    out = []
    for y, pieces in sorted(horizontal.items()):
        out += [(a, y, b, y) for a, b in _join(pieces)]
    for x, pieces in sorted(vertical.items()):
        out += [(x, a, x, b) for a, b in _join(pieces)]
    return out


def _join(pieces: set[tuple[float, float]]) -> list[tuple[float, float]]:
    joined: list[tuple[float, float]] = []
    for a, b in sorted(pieces):
        if joined and a <= joined[-1][1] + 1e-6:
            joined[-1] = (joined[-1][0], max(joined[-1][1], b))
        else:
            joined.append((a, b))
    return joined


# ------------------------------------------------------------------------------------ the families

_DEFAULT_WIDTHS = {
    "active_disclosure": (150.0, 100.0, 100.0, 100.0),
    "applications": (30.0, 80.0, 131.0, *(30.0,) * 7),
    "review_litigation": (30.0,) * 15,
}
_NARROW_WIDTHS = {  # wrapped_labels (8 pt)
    "active_disclosure": (60.0, 44.0, 44.0, 44.0),
    "applications": (20.0, 40.0, 80.0, *(24.0,) * 7),
    "review_litigation": (24.0,) * 15,
}
WORD = Look(_DEFAULT_WIDTHS, "word")
STROKES = Look(_DEFAULT_WIDTHS, "strokes")
# Where 表三 breaks in page_break_repeated_header: inside (三)不予公开, inside 三、本年度办理结果.
BREAK_BEFORE = "denied_internal_affairs"


@dataclass(frozen=True)
class PdfFamily:
    """A way real PDFs are made: how it lays tables out, and what it does to the known report."""

    name: str
    look: Look
    order: tuple[str, ...] = APPLICANT_CODES  # 表三's applicant columns
    form: Callable[[], Form] = lambda: plain
    page_break: bool = False  # 表三 broken before BREAK_BEFORE, its header repeated, page numbers
    known_of: Callable[[KnownReport], KnownReport] = field(default=lambda known: known)

    def known(self, known: KnownReport) -> KnownReport:
        """The known report as this family prints it (blank_and_dash blanks some zeros)."""
        return self.known_of(known)

    def file_name(self, known: KnownReport) -> str:
        return f"{self.name}_{known.name.replace('/', '-')}.pdf"

    def document(self, known: KnownReport) -> tuple[str, bytes]:
        return self.file_name(known), self.render(self.known(known))

    def render(self, known: KnownReport) -> bytes:
        form = self.form()
        pages = Pages(footer=self.page_break)
        pages.paragraph(agency_of(known.name), TITLE_SIZE, centred=True)
        pages.paragraph(f"{known.year}年政府信息公开工作年度报告", TITLE_SIZE, centred=True, after=TITLE_SIZE)
        for heading, prose, table in SECTIONS:
            if pages.room < 4 * HEADING_SIZE:
                pages.new_page()
            pages.paragraph(heading, HEADING_SIZE, indent=2 * HEADING_SIZE, after=2)
            pages.paragraph(prose.format(year=known.year), PROSE_SIZE, indent=2 * PROSE_SIZE, after=4)
            if table is not None and known.has(table):
                self._table(pages, known, table, form)
        return pages.finish()

    def _table(self, pages: Pages, known: KnownReport, table: str, form: Form) -> None:
        if table == "active_disclosure":
            grid = disclosure_grid(known, form)
        elif table == "applications":
            grid = applications_grid(known, form, self.order)
        else:
            grid = review_grid(known, form)
        laid = lay_out(grid, table, self.look)
        if self.page_break and table == "applications":
            rows = known.application_rows()
            pages.table(laid, grid.header_rows + rows.index(BREAK_BEFORE), repeat_header=True)
        else:
            pages.table(laid)


FAMILIES = {family.name: family for family in (
    PdfFamily("word_rect_cells", WORD),
    PdfFamily("stroked_lines", STROKES),
    PdfFamily("page_break_repeated_header", WORD, page_break=True),
    PdfFamily("wrapped_labels", Look(_NARROW_WIDTHS, "strokes", size=8.0)),
    PdfFamily("unruled", Look(_DEFAULT_WIDTHS, "none")),
    PdfFamily("reordered_columns", STROKES, order=TOTAL_FIRST),
    PdfFamily("blank_and_dash", WORD, form=_blank_and_dash_form, known_of=_blank_one_zero_in_three),
)}
