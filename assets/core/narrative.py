"""Figures stated in the report's prose (发布各类信息78条, 收到依申请公开信息19件, 行政复议4件).

Belongs here: finding the catalog's narrative measures in sentences and keeping the sentence they
came from. Whether prose and tables agree is a quality rule (``quality.narrative_checks``).
"""

import re
from dataclasses import dataclass

from schemas.catalog import NARRATIVE_MEASURES

from .text import compact

_SENTENCE_END = re.compile(r"(?<=[。;!?])")
_PATTERNS = [(m.code, [re.compile(p) for p in m.patterns]) for m in NARRATIVE_MEASURES]
# Any pattern of any measure, without its groups: a line it does not match holds no figure at all.
_ANY = re.compile("|".join(f"(?:{re.sub(r'[(][?]P<[a-z]+>', '(?:', p)})"
                           for m in NARRATIVE_MEASURES for p in m.patterns))
_MAX_SENTENCE = 160


@dataclass(frozen=True, slots=True)
class NarrativeFact:
    """A figure from the prose: the measure, its value, 余 when it is a lower bound, and its sentence."""

    measure: str
    value: float
    qualifier: str | None
    sentence: str
    source_line: int


def extract_narrative(lines: list[str]) -> list[NarrativeFact]:
    """The first statement of each narrative measure, in the order the measures are declared."""
    found: dict[str, NarrativeFact] = {}
    for number, line in enumerate(lines, start=1):
        text = compact(line)
        if len(text) < 6 or not _ANY.search(text):
            continue
        for sentence in _SENTENCE_END.split(text):
            if not _ANY.search(sentence):
                continue
            for code, patterns in _PATTERNS:
                if code not in found:
                    fact = _match(code, patterns, sentence, number)
                    if fact is not None:
                        found[code] = fact
    return [found[m.code] for m in NARRATIVE_MEASURES if m.code in found]


def _match(code: str, patterns: list[re.Pattern], sentence: str, line: int) -> NarrativeFact | None:
    for pattern in patterns:
        match = pattern.search(sentence)
        if match is None:
            continue
        groups = match.groupdict()
        value = float(groups["value"]) if groups.get("value") else 0.0
        excerpt = sentence if len(sentence) <= _MAX_SENTENCE else _around(sentence, match.start())
        return NarrativeFact(code, value, groups.get("qualifier"), excerpt, line)
    return None


def _around(sentence: str, start: int) -> str:
    begin = max(0, start - _MAX_SENTENCE // 2)
    return sentence[begin: begin + _MAX_SENTENCE]
