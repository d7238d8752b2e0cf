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
_DATE = _YEAR + r"\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
# Labelled publish dates first; a bare 时间/日期 only when no labelled one exists; never a crawl time (采集时间).
_PUBLISHED = (re.compile(r"(?:发布时间|发布日期|公开日期|成文日期)[:|]*" + _DATE),
              re.compile(r"(?<!采集)(?<!更新)(?:时间|日期)[:|]*" + _DATE))
_FIELD_LABEL = re.compile(r"^(?:标题|题目|名称)[:|]")
_AGENCY_SUFFIX = re.compile(r"^(?P<name>.{2,30}?)(?:" + _YEAR + r"\s*年度?)?政府信息公开(?:工作)?(?:年度报告|年报)")
_AGENCY_BEFORE = re.compile(r"^" + _YEAR + r"\s*年度?(?P<name>.{2,30}?)政府信息公开")
_HEAD_LINES = 12
_ONLY_YEAR = re.compile(r"^" + _YEAR + r"年度?$")
_AGENCY_NAME = re.compile(r"^[\u4e00-\u9fff()]{2,}(?:人民政府|政府|局|委员会|委|办公室|办事处|中心|厅|院|署|所)$")

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
            return index + 1, _FIELD_LABEL.sub("", line.strip().lstrip("|")).strip()
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
    """The page header's publish date (发布时间/公开日期/…, else 时间/日期) as YYYY-MM-DD, if printed."""
    head = [compact(line) for line in lines[:_HEAD_LINES]]
    for pattern in _PUBLISHED:
        for text in head:
            match = pattern.search(text)
            if match and 1 <= int(match[2]) <= 12 and 1 <= int(match[3]) <= 31:
                return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
    return None


def find_agency(lines: list[str]) -> str | None:
    """The issuing body as the title names it (南谯区经信局), or as the line beside a bare title names it."""
    title = find_title(lines)
    if title is None:
        return None
    text = compact(title[1])
    for match in (_AGENCY_BEFORE.match(text), _AGENCY_SUFFIX.match(text)):
        name = match and match["name"]
        if name and not _ONLY_YEAR.match(name):
            return name
    return _agency_beside(lines, title[0])


def _agency_beside(lines: list[str], title_line: int) -> str | None:
    """A standalone agency name on the nearest non-empty line above or below the title."""
    for step in (-1, 1):
        index = title_line - 1 + step
        while 0 <= index < len(lines) and not lines[index].strip():
            index += step
        if 0 <= index < len(lines):
            text = compact(lines[index])
            if len(text) <= 25 and _AGENCY_NAME.match(text):
                return text
    return None
