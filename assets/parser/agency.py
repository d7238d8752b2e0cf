"""Who published a report: the agency as named, its fullest name in the text, a stable id, its
administrative level and kind, and its region.

Belongs here: reading the issuing body out of the title, a page header (来源/发布机构) or the first
sentence that has it as subject; finding the fullest form of that name in the text (南谯区经信局 →
滁州市南谯区经济和信息化局); and classifying it with the words of ``schemas/agencies.py``. The region
comes from ``region.py``. What stays unknown or ambiguous is null, with an issue saying why.
"""

import re
from dataclasses import dataclass

from schemas.agencies import (
    ABBREVIATIONS,
    AGENCY_KINDS,
    ENDING_FORMS,
    NAME_ENDINGS,
    NATIONAL_PREFIXES,
    OTHER_KIND,
)

from .issues import Issue
from .metadata import YEAR_PATTERN, find_title
from .region import Region, place_starts, resolve_region
from .text import compact

_HEAD_LINES = 15
_YEAR = YEAR_PATTERN
_AGENCY_SUFFIX = re.compile(r"^(?P<name>.{2,30}?)(?:" + _YEAR + r"\s*年度?)?政府信息公开(?:工作)?(?:年度报告|年报)")
_AGENCY_BEFORE = re.compile(r"^" + _YEAR + r"\s*年度?(?P<name>.{2,30}?)政府信息公开")
_ONLY_YEAR = re.compile(r"^" + _YEAR + r"年度?$")
_AGENCY_NAME = re.compile(r"^[\u4e00-\u9fff()]{2,}(?:" + "|".join(NAME_ENDINGS) + r")$")
_NAME_RUN = re.compile(r"[\u4e00-\u9fff()]{2,40}")
_SOURCE_FIELD = re.compile(r"(?:来源|发布机构|发文机关|信息来源)[:|]+(?P<name>[\u4e00-\u9fff()]{2,30})")
_SUBJECT = re.compile(r"^(?:" + _YEAR + r"年(?:度)?[,,]?)?")
_LEVEL_OF_RANK = {0: "province", 1: "prefecture", 2: "county"}


@dataclass(frozen=True)
class Agency:
    """The issuing body of one report. ``agency_id`` is ``<division_code>/<body>`` (``?/<name>`` when
    the region is not resolved), with the body's short forms expanded, so it stays the same across
    years and name variants of the same body."""

    name: str | None
    full_name: str | None
    agency_id: str | None
    admin_level: str | None
    kind: str | None
    region: Region


def identify_agency(lines: list[str]) -> tuple[Agency, list[Issue]]:
    """The agency of a report and the issues met while placing it."""
    name = find_agency(lines)
    if name is None:
        return Agency(None, None, None, None, None, Region()), [
            Issue("agency_unknown", "warning", "no issuing body found in the title, page header or first sentence")]
    full_name = fullest_name(name, lines)
    region = resolve_region(full_name, lines)
    named_region = region.rank is not None
    if not named_region:
        region = resolve_region(_source_field(lines), lines)
    body = full_name[region.end:] if named_region else full_name
    kind = agency_kind(body)
    agency = Agency(name=name, full_name=full_name, agency_id=_agency_id(region, body, full_name),
                    admin_level=_admin_level(full_name, kind, region), kind=kind, region=region)
    return agency, _region_issues(full_name, region)


def find_agency(lines: list[str]) -> str | None:
    """The issuing body as the title names it (南谯区经信局), else as the line beside a bare title, a
    page header's 来源/发布机构, or the subject of the first sentence (2018年,铜陵市郊区…办事处…) names it."""
    title = find_title(lines)
    if title is not None:
        text = compact(title[1])
        for match in (_AGENCY_BEFORE.match(text), _AGENCY_SUFFIX.match(text)):
            name = match and match["name"]
            if name and not _ONLY_YEAR.match(name):
                return name
        beside = _agency_beside(lines, title[0])
        if beside:
            return beside
    return _subject_agency(lines)


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


def _subject_agency(lines: list[str]) -> str | None:
    """A region-led agency name opening one of the first lines (2018年,铜陵市郊区安庆矿区办事处信息公开…)."""
    for line in lines[:_HEAD_LINES]:
        text = compact(line)
        subject = _SUBJECT.match(text)  # always matches: all of it is optional
        names = _names_at(text, subject.end() if subject else 0)
        if names and resolve_region(names[-1]).rank is not None:
            return names[-1]
    return None


def _names_at(text: str, start: int) -> list[str]:
    """Every agency-like name beginning at ``start``: the prefixes of its run of characters that end in
    an agency word, shortest first."""
    run = _NAME_RUN.match(text, start)
    if run is None:
        return []
    word = run.group()
    return [word[:end] for end in range(2, len(word) + 1) if word.endswith(NAME_ENDINGS, 0, end)]


def fullest_name(name: str, lines: list[str]) -> str:
    """The longest name in the text that starts with a place name, sits in the same place as ``name``,
    and whose body holds ``name``'s body in order with the same first and last character
    (滁州市南谯区经济和信息化局 for 南谯区经信局); ``name`` itself when the text has none fuller.
    Only lines naming ``name``'s own place (or its body's first characters) are searched."""
    own = resolve_region(name)
    body = canonical_body(name[own.end:])
    anchor = name[:own.end][-3:] if own.end else body[:2]
    best = name
    for text in (compact(line) for line in lines if anchor in line):
        for start in _starts_before(text, anchor):
            for candidate in _names_at(text, start):
                if len(candidate) <= len(best) or candidate[-1] != body[-1]:
                    continue
                region = resolve_region(candidate)
                fuller = candidate[region.end:]
                if _same_place(own, region) and fuller[:1] == body[:1] and _in_order(body, fuller):
                    best = candidate
    return best


def _starts_before(text: str, anchor: str, reach: int = 12) -> set[int]:
    """Where a place name begins at most ``reach`` characters before an occurrence of ``anchor``."""
    starts: set[int] = set()
    found = text.find(anchor)
    while found != -1:  # each occurrence, left to right, not overlapping (as ``re.finditer`` finds them)
        end = found + len(anchor)
        window = max(0, found - reach)
        starts.update(window + start for start in place_starts(text[window:end]))
        found = text.find(anchor, end if anchor else end + 1)
    return starts


def _same_place(own: Region, other: Region) -> bool:
    if own.division_code:
        return other.division_code == own.division_code
    if own.candidates:
        return other.division_code in own.candidates
    return True


def _in_order(short: str, long: str) -> bool:
    characters = iter(long)
    return all(ch in characters for ch in short)


def _source_field(lines: list[str]) -> str | None:
    for line in lines[:_HEAD_LINES]:
        match = _SOURCE_FIELD.search(compact(line))
        if match:
            return match["name"]
    return None


def agency_kind(body: str) -> str:
    """The kind of body from how its name ends (办公室 of a government, 局, 街道办事处 …)."""
    for kind in AGENCY_KINDS:
        if body.endswith(kind.endings):
            return kind.code
    return OTHER_KIND


def _admin_level(name: str, kind: str, region: Region) -> str | None:
    if kind == "township":
        return "township"
    if region.rank is not None:
        return _LEVEL_OF_RANK[region.rank]
    return "national" if name.startswith(NATIONAL_PREFIXES) else None


def canonical_body(body: str) -> str:
    """A body's name with its short forms expanded (经信局 → 经济和信息化局, 城关镇政府 → 城关镇人民政府)."""
    body = ABBREVIATIONS.get(body, body)
    for short, full in ENDING_FORMS.items():
        if body.endswith(short) and not body.endswith(full):
            return body[:-len(short)] + full
    return body


def _agency_id(region: Region, body: str, full_name: str) -> str:
    body = canonical_body(body)
    return f"{region.division_code}/{body}" if region.division_code else f"?/{full_name}"


def _region_issues(name: str, region: Region) -> list[Issue]:
    if region.candidates:
        return [Issue("region_ambiguous", "warning",
                      f"{name}: the place name fits {len(region.candidates)} divisions and the text names none "
                      f"of their cities; county and division_code left null",
                      expected="one division", found=",".join(region.candidates))]
    if region.rank is None:
        return [Issue("region_unresolved", "info", f"{name}: no place of the gazetteer in the name or page header")]
    return []
