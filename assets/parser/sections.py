"""Top-level sections of a report (一、总体情况 … 六、其他需要报告的事项).

Belongs here: finding section headings in normalized lines and the line range each covers.
Headings are recognised by their title words from the catalog, not by their number, because real
reports drop, rename and renumber sections; table rows such as 四、结转下年度继续办理 are not headings.
"""

import re
from dataclasses import dataclass

from schemas.catalog import APPLICATION_ROWS, SECTIONS

from .text import compact

_HEADING = re.compile(r"^([一二三四五六七八九十]{1,2})[、.](.{2,40})$")
_NUMERALS = {ch: i for i, ch in enumerate("一二三四五六七八九十", start=1)}
_MAX_TITLE = 30
# 表三's row 四、结转下年度继续办理 is numbered like a heading: its keys say it is not one
_TABLE_ROW_KEYS = next(code.keys for code in APPLICATION_ROWS if code.code == "carried_forward")


@dataclass(frozen=True)
class Section:
    """A section heading and the lines it covers (1-based, inclusive)."""

    number: int
    kind: str
    title: str
    start_line: int
    end_line: int


def section_kind(title: str) -> str | None:
    """The catalog section a heading title belongs to, or None when it is not a section title."""
    for kind in SECTIONS:
        if any(key in title for key in kind.keys):
            return kind.code
    return None


def find_sections(lines: list[str]) -> list[Section]:
    """Every section heading in order, each running to the line before the next heading."""
    found: list[tuple[int, str, str, int]] = []
    for index, line in enumerate(lines):
        if line.lstrip()[:1] not in _NUMERALS:  # what _HEADING starts with; most lines end here
            continue
        stripped = compact(line)
        if len(stripped) > _MAX_TITLE + 3:
            continue
        match = _HEADING.match(stripped)
        if match is None:
            continue
        kind = section_kind(match[2])
        if kind is None or any(key in match[2] for key in _TABLE_ROW_KEYS) or any(kind == f[1] for f in found):
            continue
        found.append((_numeral(match[1]), kind, line.strip(), index + 1))
    return [Section(number, kind, title, start, (found[i + 1][3] - 1) if i + 1 < len(found) else len(lines))
            for i, (number, kind, title, start) in enumerate(found)]


def _numeral(text: str) -> int:
    if len(text) == 2:
        return 10 + _NUMERALS.get(text[1], 0) if text[0] == "十" else _NUMERALS[text[0]] * 10
    return _NUMERALS[text]
