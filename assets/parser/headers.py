"""Columns from headers: which template column each value position of a table holds.

Belongs here: reading a table's header cells (multi-level: 法人或其他组织 over five sub-columns; 行政诉讼 over
two proceedings over five outcomes; words split over lines or cells such as 商业 / 企业) into the order of
the template's column codes. The headers decide: a table printed with 总计 first, or 科研机构 before
商业企业, is read in its own order and says so (``columns_from_headers``). Template order is used only when
the headers are silent or agree with it. Headers that contradict the template and cannot be mapped leave the
table unplaced (``missing_cells``): a column is never filled by position against what its header says.
Does not belong here: finding rows or placing values (tables.py).
"""

import re
from functools import lru_cache
from typing import NamedTuple

from schemas.catalog import APPLICANT_GROUP_LABEL, APPLICANTS, MEASURES, OUTCOMES, PROCEEDINGS, Code, codes

from .grid import Cell
from .issues import Issue
from .text import compact

APPLICANT_CODES = tuple(codes(APPLICANTS))
REVIEW_CODES = tuple(f"{p}/{o}" for p in codes(PROCEEDINGS) for o in codes(OUTCOMES))
_OUTCOME_CODES = tuple(codes(OUTCOMES))
_GROUP = "*group*"  # 法人或其他组织: its sub-columns stand where it stands
_ORG_CODES = frozenset(APPLICANT_CODES[1:6])
_MAX_JOIN = 3  # header words split over at most this many cells or lines
_PUNCTUATION = "|:()*"
_WORD = re.compile(r"\S+")
_MAX_GLUED = 160
# Header words that name no column of the vocabulary being read (a 表四 proceeding names none of its outcomes).
_HEADER_TITLES = ("申请人情况", "信息内容", "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉")
_ALIGNED = 1  # words of one column start within this many characters of each other
_TEMPLATES = {"applications": APPLICANT_CODES, "review_litigation": REVIEW_CODES}


class Columns(NamedTuple):
    """The column codes of a table's value positions, whether they can be used, and what to say of them."""

    codes: tuple[str, ...] | None
    known: bool
    note: Issue | None


class _Reading(NamedTuple):
    """What the header words say, whatever line they are on: the codes to use, whether they can be used,
    and the codes the words named (for the issue)."""

    codes: tuple[str, ...]
    known: bool
    named: tuple[str, ...]


def _exact_words(dimension: tuple[Code, ...]) -> dict[str, str]:
    """Each code's label and keys as whole header words."""
    words: dict[str, str] = {}
    for entry in dimension:
        for word in (compact(entry.label), *entry.keys):
            words.setdefault(word, entry.code)
    return words


_APPLICANT_WORDS = {**_exact_words(APPLICANTS), "合计": "total", APPLICANT_GROUP_LABEL: _GROUP}
_OUTCOME_WORDS = {**_exact_words(OUTCOMES), "合计": "total"}
_PROCEEDING_WORDS = {"行政复议": "administrative_review", "未经复议直接起诉": "litigation_direct",
                     "复议后起诉": "litigation_after_review"}


Word = tuple[str, int, int]  # text, line, x (-1: the text is not laid out in columns)


def header_words(header: tuple[Word, ...]) -> tuple[Word, ...]:
    """The header cells' words (cells as text, line, x): cells split at spaces (a PDF line of headers),
    without punctuation."""
    words = []
    for text, line, x in header:
        for match in _WORD.finditer(text):
            word = match.group().strip(_PUNCTUATION)
            if word:
                words.append((word, line, x + match.start() if x >= 0 else -1))
    return tuple(words)


def _reading_order(words: tuple[Word, ...]) -> list[list[str]]:
    return [[word for word, _, _ in words]]


def _column_order(words: tuple[Word, ...]) -> list[list[str]]:
    """Words laid out in columns (PDF text: 社会 / 公益 / 组织 stacked on three lines), grouped by the column
    they start at, top to bottom, the columns left to right."""
    columns: list[tuple[int, list[Word]]] = []
    for word in sorted(words, key=lambda w: (w[1], w[2])):
        column = next((c for c in columns if abs(c[0] - word[2]) <= _ALIGNED), None)
        if column is None:
            columns.append((word[2], [word]))
        else:
            column[1].append(word)
    return [[word for word, _, _ in column] for _, column in sorted(columns, key=lambda c: c[0])]


def _matched(groups: list[list[str]], vocabulary: dict[str, str]) -> list[str]:
    """The codes the groups of words name, in order; a word split over cells (商业 / 企业) is joined."""
    return [code for words in groups for code in _matched_words(words, vocabulary)]


def _matched_words(words: list[str], vocabulary: dict[str, str]) -> list[str]:
    found = []
    index = 0
    while index < len(words):
        for width in range(1, _MAX_JOIN + 1):
            code = vocabulary.get("".join(words[index:index + width]))
            if code is not None:
                found.append(code)
                index += width
                break
        else:
            found.extend(_glued(words[index], vocabulary))
            index += 1
    return found


@lru_cache(maxsize=16)  # a handful of vocabularies
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    """A vocabulary's words and the header titles, longest first (the order ``_glued`` tries them in)."""
    return tuple(sorted([*words, *_HEADER_TITLES], key=len, reverse=True))


def _glued(word: str, vocabulary: dict[str, str]) -> list[str]:
    """The codes of a word that is header words run together and nothing else (crawler text:
    申请人情况自然人法人或其他组织总计), longest words first. A word with anything else in it (prose, a mangled
    header such as 第二项法人或其他组织) names nothing."""
    if len(word) > _MAX_GLUED:
        return []
    found = []
    index = 0
    labels = _longest_first(tuple(vocabulary))
    while index < len(word):
        label = next((label for label in labels if len(label) > 1 and word.startswith(label, index)), None)
        if label is None:
            return []
        if label in vocabulary:
            found.append(vocabulary[label])
        index += len(label)
    return found


def columns_from_header(table: str, header: list[Cell], line: int,
                        template: tuple[str, ...] | None = None) -> Columns:
    """The columns of ``table`` as its header cells name them (``template``: 表二's block measures): read in
    reading order, or, when that cannot be mapped and the words are laid out in columns, column by column."""
    first = header[0].line if header else 0
    reading = _read(table, tuple([(cell.text, cell.line - first, cell.x) for cell in header]), template)
    if not reading.known:
        return Columns(reading.codes, False, Issue(
            "missing_cells", "warning", f"{table}: the headers (line {line}) name the columns {list(reading.named)},"
            " which cannot be matched to the template's columns one to one; no value of the table is placed",
            table=table, found=" ".join(reading.named)))
    default = template if template is not None else _TEMPLATES[table]
    if not reading.named and header:
        return Columns(default, True, Issue(
            "columns_by_template_order", "info", f"{table}: the headers (line {line}) name no column (or too few "
            "to order them); the template's order is taken", table=table))
    if reading.codes == default:
        return Columns(default, True, None)
    return Columns(reading.codes, True, Issue(
        "columns_from_headers", "info", f"{table}: the headers (line {line}) print the columns in another order "
        f"than the template; read in the headers' order {list(reading.codes)}", table=table,
        expected=" ".join(default), found=" ".join(reading.codes)))


@lru_cache(maxsize=4096)  # headers are the template's wording: the same in most reports
def _read(table: str, header: tuple[Word, ...], template: tuple[str, ...] | None) -> _Reading:
    words = header_words(header)
    reading = _columns(table, _reading_order(words), template, _header_rows(words))
    if reading.known or any(x < 0 for _, _, x in words):
        return reading
    laid_out = _columns(table, _column_order(words), template, [])
    return laid_out if laid_out.known else reading


def _columns(table: str, groups: list[list[str]], template: tuple[str, ...] | None,
             rows: list[list[str]]) -> _Reading:
    if table == "applications":
        matched = _matched(groups, _APPLICANT_WORDS)
        found = _applicant_order(matched)
        if _GROUP in matched:  # the group's place orders its sub-columns among the others: no line by line escape
            return _decide(found, APPLICANT_CODES)
        return _decide(found, APPLICANT_CODES, [_matched([row], _APPLICANT_WORDS) for row in rows])
    if table == "review_litigation":
        return _review_columns(groups)
    assert template is not None
    found = _measures([word for words in groups for word in words], template)
    return _decide(found, template, [_measures(row, template) for row in rows])


def _header_rows(words: tuple[Word, ...]) -> list[list[str]]:
    """The words of each header line (a row of a multi-row header lists its columns left to right)."""
    rows: dict[int, list[str]] = {}
    for word, line, _ in words:
        rows.setdefault(line, []).append(word)
    return list(rows.values())


def _measures(words: list[str], template: tuple[str, ...]) -> list[str]:
    """The block's measures its header words name (本年收费金额(单位:万元) names fee_amount; 本年新 / 制作数量
    split over two cells names newly_made once)."""
    found: list[str] = []
    for word in words:
        for entry in MEASURES:
            if entry.code in template and any(key in word for key in entry.keys):
                if not found or found[-1] != entry.code:
                    found.append(entry.code)
                break
    return found


def _applicant_order(found: list[str]) -> list[str]:
    """法人或其他组织 replaced by its sub-columns, wherever they were printed (the row below it)."""
    if _GROUP not in found:
        return found
    subs = [code for code in found if code in _ORG_CODES]
    order: list[str] = []
    for code in found:
        if code == _GROUP:
            order.extend(subs)
        elif code not in _ORG_CODES:
            order.append(code)
    return order


def _review_columns(words: list[list[str]]) -> _Reading:
    """表四: the outcome words of each proceeding, in the proceedings' printed order (three groups of five,
    or one group printed once for all three); other counts of outcome words say nothing of the order."""
    printed = list(dict.fromkeys(_matched(words, _PROCEEDING_WORDS)))
    proceedings = tuple(codes(PROCEEDINGS))
    if printed and printed != [p for p in proceedings if p in printed]:
        return _Reading(REVIEW_CODES, False, tuple(printed))
    outcomes = _matched(words, _OUTCOME_WORDS)
    width = len(_OUTCOME_CODES)
    if len(outcomes) == width:
        outcomes = outcomes * len(proceedings)
    if len(outcomes) != len(REVIEW_CODES):
        return _Reading(REVIEW_CODES, True, ())
    found = [f"{p}/{o}" for index, p in enumerate(proceedings) for o in outcomes[index * width:(index + 1) * width]]
    return _decide(found, REVIEW_CODES)


def _decide(found: list[str], template: tuple[str, ...], rows: list[list[str]] | None = None) -> _Reading:
    """Header order when the headers name every column once; template order when they are silent or name
    some columns in the template's order, in reading order or on each header line (``rows``: a header of
    several lines orders its columns only within a line); else unplaced."""
    if len(found) == len(template) and set(found) == set(template):
        return _Reading(tuple(found), True, tuple(found))
    if not found or _in_order(found, template) or (rows and all(_in_order(row, template) for row in rows)):
        return _Reading(template, True, tuple(found))
    return _Reading(template, False, tuple(found))


def _in_order(found: list[str], template: tuple[str, ...]) -> bool:
    """Whether the codes name template columns each once, in the template's order (法人或其他组织 aside)."""
    rank = {code: index for index, code in enumerate(template)}
    named = [code for code in found if code != _GROUP]
    return all(code in rank for code in named) and all(rank[b] > rank[a] for a, b in zip(named, named[1:],
                                                                                          strict=False))


def part_columns(header: list[Cell]) -> tuple[str, ...] | None:
    """The columns of one part of a 表四 printed as several tables (行政复议 in one, 行政诉讼 in the next): the
    proceedings its header names, each with the outcomes in the header's order when it names all five per
    proceeding, else the template's. None when it names no proceeding."""
    words = [[word for word, _, _ in header_words(tuple((c.text, c.line, c.x) for c in header))]]
    named = set(_matched(words, {**_PROCEEDING_WORDS, "行政诉讼": _LITIGATION}))
    proceedings = [p for p in codes(PROCEEDINGS) if p in named or (_LITIGATION in named and p.startswith("litigation"))]
    if not proceedings:
        return None
    outcomes = _matched(words, _OUTCOME_WORDS)
    width = len(_OUTCOME_CODES)
    groups = [outcomes[i * width:(i + 1) * width] for i in range(len(proceedings))]
    if len(outcomes) != width * len(proceedings) or any(set(g) != set(_OUTCOME_CODES) for g in groups):
        groups = [list(_OUTCOME_CODES)] * len(proceedings)
    return tuple(f"{p}/{o}" for p, group in zip(proceedings, groups, strict=True) for o in group)


_LITIGATION = "*litigation*"  # 行政诉讼: both litigation proceedings
