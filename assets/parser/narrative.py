"""Figures stated in the report's prose (发布各类信息78条, 收到依申请公开信息19件, 行政复议4件).

Belongs here: finding the catalog's narrative measures in sentences and keeping the sentence they
came from. Whether prose and tables agree is a quality rule (``quality.check_report``).
"""

import re
from dataclasses import dataclass
from re import _constants, _parser  # type: ignore[attr-defined]  # the regex parser, to read a pattern's words
from typing import Any

from schemas.catalog import NARRATIVE_MEASURES

from .text import compact

_SENTENCE_END = re.compile(r"(?<=[。;!?])")
_PATTERNS = [(m.code, [re.compile(p) for p in m.patterns]) for m in NARRATIVE_MEASURES]
# Any pattern of any measure, without its groups: a line it does not match holds no figure at all.
_ANY = re.compile("|".join(f"(?:{re.sub(r'[(][?]P<[a-z]+>', '(?:', p)})"
                           for m in NARRATIVE_MEASURES for p in m.patterns))
_MAX_SENTENCE = 160


def _required_words(pattern: str) -> frozenset[str] | None:
    """Words of which every match of ``pattern`` holds at least one: its longest run of top-level
    literal characters, else the alternatives of a top-level choice between plain words; None when neither."""
    runs, run, choices = [], "", None
    for op, argument in _parser.parse(pattern):
        if op is _constants.LITERAL:
            run += chr(argument)
            continue
        runs.append(run)
        run = ""
        choices = choices or _plain_alternatives(op, argument)
    longest = max([*runs, run], key=len)
    return frozenset([longest]) if longest else choices


def _plain_alternatives(op: Any, argument: Any) -> frozenset[str] | None:
    """The words of a choice between plain words ((?:收到|受理), or that inside a capturing group)."""
    if op is _constants.SUBPATTERN and len(argument[-1]) == 1:
        return _plain_alternatives(*argument[-1][0])
    if op is not _constants.BRANCH:
        return None
    words = ["".join(chr(a) for _, a in branch) if all(o is _constants.LITERAL for o, _ in branch) else ""
             for branch in argument[1]]
    return frozenset(words) if all(words) else None


def gate(patterns: list[str]) -> re.Pattern:
    """Words a line must hold one of to match any of ``patterns`` (the required words of each, fewest
    kept), or the empty pattern, which every line matches, when some pattern requires none. Searching for a
    few plain words is much cheaper than searching for ``_ANY``, and most lines hold none of them."""
    words: set[str] = set()
    for pattern in patterns:
        required = _required_words(pattern)
        if required is None:
            return re.compile("")
        words |= required
    kept = sorted(w for w in words if not any(other != w and other in w for other in words))
    return re.compile("|".join(map(re.escape, kept)))


_GATE = gate([p for m in NARRATIVE_MEASURES for p in m.patterns])


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
        if len(text) < 6 or not _GATE.search(text) or not _ANY.search(text):
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
