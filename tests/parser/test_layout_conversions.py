"""Each sample rebuilt in every text layout the reader supports gives the same cells, or flags them.

Layouts: tab-prefixed cells (a lone tab is a blank), markdown pipes, a whole row on one line separated
by spaces, and one cell per line with blank-line separators. The last two cannot print a blank cell:
a row with blanks becomes short there, so its cells must come back ``missing`` — never shifted.
"""

import pytest

from assets.parser.report import ParsedReport, parse_report
from schemas.catalog import BLOCK_OF_ITEM, OUTCOMES
from tests.conftest import SAMPLE_DIR
from tests.parser.test_ingestion_formats import _MEASURE_LABELS, TABLE_SECTIONS, real_rows, row_cells

SAMPLES = sorted(SAMPLE_DIR.glob("*.txt"))


def _rows(report: ParsedReport, table: str) -> list[tuple[str, list[str]]]:
    """(label, cells) per printed row, with header rows before each 表二 block and before 表三/表四."""
    if table == "review_litigation":
        header = [("行政复议", []), ("行政诉讼", []), ("未经复议直接起诉", []), ("复议后起诉", [])]
        header += [(o.label, []) for o in OUTCOMES] * 3
        cells = [c for row in real_rows(report, table) for c in _review_cells(report, row)]
        return header + [("", cells)]
    rows: list[tuple[str, list[str]]] = []
    if table == "applications":
        rows += [("申请人情况", []), ("自然人", []), ("法人或其他组织", []), ("总计", [])]
    block = None
    for row in real_rows(report, table):
        if table == "active_disclosure" and BLOCK_OF_ITEM[row.row] is not block:
            block = BLOCK_OF_ITEM[row.row]
            rows += [(f"第二十条第({block.number})项", []), ("信息内容", [])]
            rows += [(_MEASURE_LABELS[m], []) for m in row.columns or ()]
        rows.append((row.label, row_cells(report, row, row.columns)))
    return rows


def _review_cells(report: ParsedReport, row) -> list[str]:
    placed = [f for f in report.facts if f.table == "review_litigation"]
    if placed and all(f.cell_status != "missing" for f in placed):
        return [f.raw or "" for f in placed]
    return [t.text for t in row.values]


def render(rows: list[tuple[str, list[str]]], layout: str) -> list[str]:
    lines: list[str] = []
    for label, cells in rows:
        if layout == "tabs":
            lines += [f"\t{label}"] if label else []
            lines += [f"\t{c}" for c in cells]
        elif layout == "pipes":
            lines.append("| " + " | ".join(([label] if label else []) + cells) + " |")
        elif layout == "spaces":
            lines.append("  ".join(([label] if label else []) + [c for c in cells if c]))
        else:  # one cell per line, blank line between cells
            for text in ([label] if label else []) + [c for c in cells if c]:
                lines += [text, ""]
    return lines


def convert(report: ParsedReport, layout: str) -> bytes:
    out: list[str] = []
    sections = {s.start_line: s for s in report.sections}
    skip_until = 0
    for number, line in enumerate(report.lines, start=1):
        if number <= skip_until:
            continue
        out.append(line)
        section = sections.get(number)
        if section is not None and section.kind in TABLE_SECTIONS:
            out += render(_rows(report, section.kind), layout)
            skip_until = section.end_line
    return "\n".join(out).encode("utf-8")


@pytest.mark.parametrize("layout", ["tabs", "pipes", "spaces", "cells"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_layout_conversion_keeps_every_cell_or_flags_it(sample, layout):
    base = parse_report(sample.name, sample.read_bytes())
    converted = parse_report(f"{sample.stem}-{layout}.txt", convert(base, layout))
    before = {(f.table, f.row, f.column): f for f in base.facts}
    after = {(f.table, f.row, f.column): f for f in converted.facts}
    assert set(after) == set(before)
    blank_rows = {(f.table, f.row if f.table != "review_litigation" else "*") for f in base.facts
                  if f.cell_status == "blank"}
    for key, fact in before.items():
        now = after[key]
        row = (key[0], key[1] if key[0] != "review_litigation" else "*")
        if layout in ("spaces", "cells") and row in blank_rows:
            assert now.cell_status == "missing", f"{layout} {key}: a row with blanks must be flagged, got {now}"
        else:
            assert (now.cell_status, now.value) == (fact.cell_status, fact.value), f"{layout} {key}: {now} != {fact}"
    assert (converted.year.year, converted.template) == (base.year.year, base.template)
