"""Report metadata read from the text: title, reporting year (with its evidence), publish date.

Belongs here: the decisions about *which report this is*. The year is decided by weighing evidence
(title, statistics period, body sentences, publish date) under the hard limits the template sets
(the 2019 tables cannot appear before 2019, the 2021 tables not before 2021). Disagreements are
returned as evidence and a conflict flag, never hidden.
"""

import re
from dataclasses import dataclass
from typing import TypeVar

from .text import compact

YEAR_PATTERN = r"(20[0-4]\d|19[89]\d)"
_TITLE = re.compile(r"(?:年度报告|年报|工作报告)")
_TITLE_END = re.compile(r"^(?:工作)?(?:年度报告|年报)$")
_TITLE_YEAR = re.compile(YEAR_PATTERN + r"\s*年")
# The statistics period: 统计期限 2023年…, or 截至2023年12月31日 (the period's last day).
_PERIOD = re.compile(r"(?:统计期限[为是:]?\s*"
                     r"|(?:截止|截至)(?:到)?\s*(?=(?:20[0-4]\d|19[89]\d)\s*年\s*12\s*月\s*31\s*日))"
                     + YEAR_PATTERN + r"\s*年")
_BODY_YEAR = re.compile(r"(?:^|[。;!?])\s*(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）、.]\s*)?"
                        + YEAR_PATTERN + r"\s*年(?!\d)")
_DATE = YEAR_PATTERN + r"\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
# Labelled publish dates first; a bare 时间/日期 only when no labelled one exists; never a crawl time (采集时间).
_PUBLISHED = (re.compile(r"(?:发布时间|发布日期|公开日期|成文日期)[:|]*" + _DATE),
              re.compile(r"(?<!采集)(?<!更新)(?:时间|日期)[:|]*" + _DATE))
_FIELD_LABEL = re.compile(r"^(?:标题|题目|名称)[:|]")
_HEAD_LINES = 12

WEIGHTS = {"statistics_period": 5, "title": 3, "body": 1, "publish_date": 1}
EARLIEST_YEAR_OF_TEMPLATE = {"2019": 2019, "2021": 2021}


@dataclass(frozen=True)
class YearDecision:
    """The reporting year, the evidence weighed, and whether the evidence disagrees."""

    year: int | None
    evidence: list[dict]
    conflict: bool
    confidence: str


def find_title(lines: list[str]) -> tuple[int, str] | None:
    """The first line near the top that reads as a report title (…年度报告 / …年报), joined with the
    next line when the title is broken before its last words (…政府信息公开工作 / 年度报告)."""
    head = lines[:_HEAD_LINES]
    for index, line in enumerate(head):
        text = compact(line)
        if "政府信息公开" not in text or len(text) > 60:
            continue
        if _TITLE.search(text):
            return index + 1, _clean_title(line)
        following = compact(head[index + 1]) if index + 1 < len(head) else ""
        if _TITLE_END.match(following) and len(following) <= 8:
            return index + 1, _clean_title(line) + following
    return None


def _clean_title(line: str) -> str:
    return _FIELD_LABEL.sub("", line.strip().lstrip("|")).strip()


Key = TypeVar("Key")


def most_common(counts: dict[Key, int]) -> Key:
    """The key counted most often, the first of them in a tie (as ``Counter.most_common(1)``: a Counter's
    constructor runs interpreted, a dict counted in compiled code does not)."""
    return max(counts, key=counts.__getitem__)


def decide_year(lines: list[str], template: str) -> YearDecision:
    """Weigh the year evidence; the template generation bounds the years that are possible."""
    evidence = _year_evidence(lines)
    scores: dict[int, int] = {}
    for item in evidence:
        scores[item["year"]] = scores.get(item["year"], 0) + WEIGHTS[item["source"]]
    earliest = EARLIEST_YEAR_OF_TEMPLATE.get(template)
    if template == "pre2019":
        possible = {y: s for y, s in scores.items() if y <= 2018} or dict(scores)
    else:
        possible = {y: s for y, s in scores.items() if earliest is None or y >= earliest} or dict(scores)
    if not possible:
        return YearDecision(None, evidence, False, "none")
    title_years = [e["year"] for e in evidence if e["source"] == "title"]
    year = max(possible, key=lambda y: (possible[y], y in title_years, y))
    body: dict[int, int] = {}
    for item in evidence:
        if item["source"] == "body":
            body[item["year"]] = body.get(item["year"], 0) + 1
    disagreeing = {e["year"] for e in evidence if e["source"] in ("title", "statistics_period")} - {year}
    if body and (common := most_common(body)) != year and body[common] > body.get(year, 0):
        disagreeing.add(common)
    conflict = bool(disagreeing)
    top = sorted(scores.values(), reverse=True)
    confidence = "low" if conflict and scores[year] < top[0] else "medium" if conflict else "high"
    return YearDecision(year, evidence, conflict, confidence)


def _year_evidence(lines: list[str]) -> list[dict]:
    evidence: list[dict] = []
    title = find_title(lines)
    if title is not None:
        for match in _TITLE_YEAR.finditer(compact(title[1])):
            evidence.append({"source": "title", "year": int(match[1]), "line": title[0], "text": title[1]})
            break
    for index, line in enumerate(lines):
        if "年" not in line:  # both patterns below need it
            continue
        text = compact(line)
        period = _PERIOD.search(text) if "统计期限" in text or "截" in text else None  # the words it starts with
        if period:
            evidence.append({"source": "statistics_period", "year": int(period[1]), "line": index + 1,
                             "text": _excerpt(text, period.start())})
        if title is not None and index + 1 == title[0]:
            continue
        for match in _BODY_YEAR.finditer(text):
            evidence.append({"source": "body", "year": int(match[1]), "line": index + 1,
                             "text": _excerpt(text, match.start(1))})
    published = find_publish_date(lines)
    if published is not None:
        evidence.append({"source": "publish_date", "year": int(published[:4]) - 1, "line": None,
                         "text": f"published {published}"})
    return evidence


def _excerpt(text: str, start: int, width: int = 40) -> str:
    return text[max(0, start - 5): start + width]


def find_publish_date(lines: list[str]) -> str | None:
    """The page header's publish date (发布时间/公开日期/…, else 时间/日期) as YYYY-MM-DD, if printed."""
    head = [compact(line) for line in lines[:_HEAD_LINES]]
    for pattern in _PUBLISHED:
        for text in head:
            match = pattern.search(text)
            if match and 1 <= int(match[2]) <= 12 and 1 <= int(match[3]) <= 31:
                return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
    return None
