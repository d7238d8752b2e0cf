"""One table cell's text to a value and a ``cell_status``.

Belongs here: the rules for numbers, blanks, '无', dashes and money units. Nothing here decides
where a cell goes; that is the table reader's job.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from schemas.catalog import UNIT_CODES

NONE_WORDS = frozenset({"无", "没有", "暂无"})
DASHES = frozenset({"-", "/", "—", "——", "--", "–"})
_NUMBER = re.compile(r"^(?P<sign>[+-]?)(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?"
                     r"(?P<unit>万元|元|件|条|个|项)?$")


@dataclass(frozen=True, slots=True)
class CellValue:
    """A parsed cell: its value (None when the cell holds none), status, and unit written in the cell."""

    value: float | None
    status: str
    unit: str | None = None


BLANK = CellValue(None, "blank")


@lru_cache(maxsize=1 << 16)
def parse_cell(text: str) -> CellValue:
    """Parse stripped cell text. Unknown text is ``unparseable``, never a guessed number."""
    text = "".join(text.split())
    if not text:
        return BLANK
    if text in NONE_WORDS:
        return CellValue(0.0, "none_word")
    if text in DASHES:
        return CellValue(None, "dash")
    match = _NUMBER.match(text)
    if match is None:
        return CellValue(None, "unparseable")
    number = float(match["sign"] + match["digits"].replace(",", "") + (match["fraction"] or ""))
    return CellValue(number, "number", UNIT_CODES.get(match["unit"] or ""))


def is_value_text(text: str) -> bool:
    """Whether a cell's text reads as a value (number, blank, none word or dash), not a label."""
    return parse_cell(text).status != "unparseable"
