"""Report metadata read from the text: reporting year (with its evidence), agency, publish date.

Belongs here: the decisions about *which report this is*. The year is decided by weighing evidence
(title, statistics period, body sentences, publish date) under the hard limits the template sets
(the 2019 tables cannot appear before 2019, the 2021 tables not before 2021). Disagreements are
returned as evidence and a conflict flag, never hidden.
"""

import re
from collections import Counter
from dataclasses import dataclass

from .text import compact

_YEAR = r"(20[0-4]\d|19[89]\d)"
_TITLE = re.compile(r"(?:年度报告|年报|工作报告)")
_TITLE_YEAR = re.compile(_YEAR + r"\s*年")
_PERIOD = re.compile(r"统计期限[为是:]?\s*" + _YEAR + r"\s*年")
_BODY_YEAR = re.compile(r"(?:^|[。;!?])\s*(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）、.]\s*)?" + _YEAR + r"\s*年(?!\d)")
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|成文日期|时间|日期)\s*[:]\s*" + _YEAR
                        + r"\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_AGENCY_SUFFIX = re.compile(r"^(.{2,30}?)(?:" + _YEAR + r"\s*年度?)?政府信息公开(?:工作)?(?:年度报告|年报)")
_AGENCY_BEFORE = re.compile(r"^" + _YEAR + r"\s*年度?(.{2,30}?)政府信息公开")
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
    """The first line near the top that reads as a report title (…年度报告 / …年报)."""
    for index, line in enumerate(lines[:_HEAD_LINES]):
        text = compact(line)
        if _TITLE.search(text) and "政府信息公开" in text and len(text) <= 60:
            return index + 1, line.strip()
    return None


def decide_year(lines: list[str], template: str) -> YearDecision:
    """Weigh the year evidence; the template generation bounds the years that are possible."""
    evidence = _year_evidence(lines)
    scores: Counter[int] = Counter()
    for item in evidence:
        scores[item["year"]] += WEIGHTS[item["source"]]
    earliest = EARLIEST_YEAR_OF_TEMPLATE.get(template)
    if template == "pre2019":
        possible = {y: s for y, s in scores.items() if y <= 2018} or dict(scores)
    else:
        possible = {y: s for y, s in scores.items() if earliest is None or y >= earliest} or dict(scores)
    if not possible:
        return YearDecision(None, evidence, False, "none")
    title_years = [e["year"] for e in evidence if e["source"] == "title"]
    year = max(possible, key=lambda y: (possible[y], y in title_years, y))
    body = Counter(e["year"] for e in evidence if e["source"] == "body")
    disagreeing = {e["year"] for e in evidence if e["source"] in ("title", "statistics_period")} - {year}
    if body and body.most_common(1)[0][0] != year and body.most_common(1)[0][1] > body[year]:
        disagreeing.add(body.most_common(1)[0][0])
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
        text = compact(line)
        if not text:
            continue
        period = _PERIOD.search(text)
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
    """The page header's publish date (发布时间/时间/日期) as YYYY-MM-DD, if one is printed."""
    for line in lines[:_HEAD_LINES]:
        match = _PUBLISHED.search(compact(line))
        if match:
            month, day = int(match[2]), int(match[3])
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{match[1]}-{month:02d}-{day:02d}"
    return None


def find_agency(lines: list[str]) -> str | None:
    """The issuing body as the title names it (南谯区经信局), else None."""
    title = find_title(lines)
    if title is None:
        return None
    text = compact(title[1])
    before = _AGENCY_BEFORE.match(text)
    if before:
        return before[2]
    match = _AGENCY_SUFFIX.match(text)
    if match:
        return match[1]
    return None
