"""Agencies across years: one row per agency_id of dim_reports, an agency_id made from a name, and finding an
agency by fragments of its name.

Belongs here: the SQL that gives each agency_id of the warehouse its latest name and region and the years it has
a report; the agency_id the parser would give a body named in a roster (its place names, then the body with its
short forms written out: ``assets/parser/agency.py``); and the search behind ``govreports agencies``: fragments
of a name, place or id, in Simplified or Traditional characters, short forms (经信局, 区政府) matched through the
agency catalog's own table of them (``schemas/agencies.py``), never per name.
"""

import os
import re

import pandas as pd

from schemas.agencies import ABBREVIATIONS, ENDING_FORMS

from ..parser.agency import agency_kind, canonical_body
from ..parser.region import resolve_region
from ..parser.text import compact, to_simplified

# what describes an agency (dim_reports columns), taken from its latest report
DESCRIBED = ("agency", "agency_full", "province", "city", "county", "division_code", "admin_level", "agency_kind")

_AGENCIES_SQL = """
select agency_id, {latest},
       array_to_string(list_sort(list(distinct year)), ',') as years
from read_parquet('{dim}', hive_partitioning = true)
where agency_id is not null{other_years}
group by agency_id order by agency_id
"""


def agencies_sql(dim: str, except_year: int | None = None) -> str:
    """DuckDB SQL over the dim_reports glob ``dim``: one row per agency_id with the ``DESCRIBED`` fields of its
    latest report (year, then report_id) and its years with a report (``years``: '2020,2021'), leaving out the
    reports of ``except_year``."""
    latest = ", ".join(f"arg_max({name}, year || '/' || report_id) as {name}" for name in DESCRIBED)
    other_years = f" and year != {int(except_year)}" if except_year is not None else ""
    return _AGENCIES_SQL.format(latest=latest, dim=dim, other_years=other_years)


def simplified(text: str) -> str:
    """A name as the parser compares names: Simplified characters (OpenCC t2s), no whitespace."""
    return compact(to_simplified([text])[0])


def agency_id_of(name: str, division_code: str | None) -> str:
    """The agency_id the parser gives a body called ``name`` in the division ``division_code``: the body after its
    place names with its short forms written out (南谯区经信局, 341103 → 341103/经济和信息化局); with no division
    code, ``?/<name>``."""
    name = simplified(name)
    if not division_code:
        return f"?/{name}"
    return f"{division_code}/{canonical_body(name[resolve_region(name).end:])}"


def roster_agencies(roster: pd.DataFrame) -> pd.DataFrame:
    """Roster entries (``RosterEntry`` rows) as agencies: ``agency_id`` and the ``DESCRIBED`` fields the roster
    gives or the name implies (its region where the name's places are the entry's division); one per agency_id."""
    rows = []
    for entry in roster.itertuples(index=False):
        name = simplified(entry.name)
        region = resolve_region(name)
        same_place = region.division_code == entry.division_code
        rows.append({"agency_id": agency_id_of(name, entry.division_code), "agency": name, "agency_full": name,
                     "province": region.province if same_place else None,
                     "city": region.city if same_place else None, "county": region.county if same_place else None,
                     "division_code": entry.division_code, "admin_level": entry.level,
                     "agency_kind": agency_kind(name[region.end:])})
    return pd.DataFrame(rows, columns=["agency_id", *DESCRIBED]).drop_duplicates("agency_id")


def _short_forms() -> dict[str, str]:
    """Short form → written out, from the agency catalog: each abbreviation (经信局 → 经济和信息化局) and its stem
    without the ending both share (经信 → 经济和信息化), and the short endings of a government (政府 → 人民政府)."""
    forms = dict(ENDING_FORMS)
    for short, full in ABBREVIATIONS.items():
        forms[short] = full
        shared = len(os.path.commonprefix([short[::-1], full[::-1]]))
        if shared and len(short) - shared >= 2:
            forms[short[:-shared]] = full[:-shared]
    return forms


SHORT_FORMS = _short_forms()
# every short and full form, longest first: at each place a full form (人民政府) is kept before a short form
# inside it (政府) could be written out again
_FORMS = re.compile("|".join(map(re.escape, sorted({*SHORT_FORMS, *SHORT_FORMS.values()}, key=len, reverse=True))))


def written_out(text: str) -> str:
    """``text`` with every short form written out (南谯区经信局 → 南谯区经济和信息化局, 城关镇政府 → 城关镇人民政府)."""
    return _FORMS.sub(lambda match: SHORT_FORMS.get(match.group(), match.group()), text)


def find(agencies: pd.DataFrame, query: str) -> pd.DataFrame:
    """The agencies (rows of :func:`agencies_sql`) that every whitespace-separated fragment of ``query`` names:
    a fragment, in Simplified or Traditional characters, with or without its short forms written out, is part of
    the agency's name, fullest name, province, city, county or agency_id, or of its names written out."""
    fragments = [{simplified(word), written_out(simplified(word))} for word in query.split()]
    if not fragments:
        return agencies.iloc[0:0]
    names = agencies[["agency", "agency_full", "province", "city", "county", "agency_id"]].fillna("")
    texts = ["|".join([*row, written_out(row[0]), written_out(row[1])]) for row in names.itertuples(index=False)]
    found = [all(any(spelling in text for spelling in spellings) for spellings in fragments) for text in texts]
    return agencies[found]
