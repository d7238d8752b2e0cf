"""A table of a structured document (an HTML page, a PDF, a Word file) as pipe rows the grid reads.

Belongs here: what every structured front end does once it knows a table's cells as *positions* — a
cell's text at the first slot it covers, ``None`` where a span from the left or from above covers — and
renders them as the pipe rows ``grid.text_grid`` reads, each row with the positions its rendered cells
come from (so a front end can give each cell back its box). One rendering for every structured format,
so a table reads the same whether it came from ``<td rowspan>``, a PDF's ruling lines or a Word merge.
Does not belong here: finding the cells (html.py, pdf.py, word.py) or reading rows (tables.py).
"""

from dataclasses import dataclass

from .values import is_value_text

Positions = list[str | None]
Box = tuple[int, float, float, float, float]  # 1-based page, x0, top, x1, bottom (points, top-left origin)


class UnreadableDocument(Exception):
    """A document that holds no text this pipeline can read, with the reason the inventory records."""

    def __init__(self, reason: str, pages: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pages = pages


@dataclass(frozen=True)
class RenderedDocument:
    """A document's lines, each with the box of every cell the grid will read on it (one box for a line
    of prose), and the number of pages (None where a format has no pages)."""

    lines: list[str]
    boxes: list[tuple[Box | None, ...]]
    pages: int | None


def pipe_rows(table: list[Positions]) -> list[tuple[str, list[int]] | None]:
    """Each row of the table as a pipe row with the positions its rendered cells come from; None for a row
    every slot of which a span covers (it renders as nothing).

    Header rows (no value in them) keep every position, covered ones as empty cells, so that header
    words stay over their columns. Rows that hold a value drop covered positions and the empty cells of
    *label columns* (columns that hold a label in some row of values: a label merged down from the row
    above, or continued across a page break): the reader takes the value cells that follow a row's label
    in order, so an empty cell there would read as a blank value. Empty cells of other columns stay: they
    are blank values, also in a column no row filled."""
    label_columns = _label_columns(table)
    rows: list[tuple[str, list[int]] | None] = []
    for row in table:
        if all(text is None for text in row):
            rows.append(None)
            continue
        if any(text and is_value_text(text) for text in row):
            kept = [p for p, text in enumerate(row) if text is not None and (text or p not in label_columns)]
        else:
            kept = list(range(len(row)))
        rows.append(("| " + " | ".join(row[p] or "" for p in kept) + " |", kept))
    return rows


def _label_columns(table: list[Positions]) -> set[int]:
    """The positions at which some row that holds a number has a label."""
    return {p for row in table if any(text and is_value_text(text) for text in row)
            for p, text in enumerate(row) if text and not is_value_text(text)}
