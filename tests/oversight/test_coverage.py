"""``coverage`` on the generated warehouse of tests/oversight/conftest.py, materialized with a real Dagster instance:
every status is checked against what the fixture removed, duplicated and broke, never against the asset's output;
then the roster, valid and with a bad row."""

from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from assets.storage.roster import RosterError, read_roster
from tests.oversight.conftest import YEARS

ROSTER_ONLY = ("滁州市定远县教育局", "341125", "county")  # on the roster, in no report of any year
ROSTER_ONLY_ID = "341125/教育局"  # 定远县 of 滁州市 is 341125; the body after the places is 教育局


def _coverage(warehouse: Path, year: int) -> pd.DataFrame:
    """The year's coverage as a reader sees it: the whole table read, with its year column, then filtered."""
    frame = pd.read_parquet(warehouse / "coverage")
    return frame[frame["year"].astype(int) == year].reset_index(drop=True)


def _ids(frame: pd.DataFrame, status: str) -> set[str]:
    return set(frame.loc[(frame["status"] == status) & frame["agency_id"].notna(), "agency_id"])


@pytest.mark.parametrize("year", YEARS)
def test_missing_agencies_are_exactly_those_whose_file_was_removed(oversight_warehouse, year):
    frame = _coverage(oversight_warehouse.warehouse, year)
    assert _ids(frame, "missing") == oversight_warehouse.removed[year]
    other = YEARS[1 - YEARS.index(year)]
    for row in frame[frame["status"] == "missing"].itertuples():
        assert (row.reports, row.on_roster) == (0, False)
        assert pd.isna(row.report_ids) and pd.isna(row.source_paths)
        assert row.other_years == str(other) and row.reason == f"no report of {year}; reports of {other}"
        assert row.agency == oversight_warehouse.names[row.agency_id]  # named by its report of the other year


@pytest.mark.parametrize("year", YEARS)
def test_every_agency_has_one_row_a_year_and_the_others_published(oversight_warehouse, year):
    frame = _coverage(oversight_warehouse.warehouse, year)
    agencies = set(oversight_warehouse.names)
    assert set(frame["agency_id"].dropna()) == agencies and frame["agency_id"].dropna().is_unique
    changed = (oversight_warehouse.removed[year] | oversight_warehouse.duplicated[year]
               | set(oversight_warehouse.unreadable[year]))
    assert _ids(frame, "published") == agencies - changed
    published = frame[frame["status"] == "published"]
    assert (published["reports"] == 1).all() and published["reason"].isna().all()
    assert set(published["source_paths"]) == {
        str(oversight_warehouse.path(year, agency_id).relative_to(oversight_warehouse.raw))
        for agency_id in agencies - changed}
    assert not frame["on_roster"].any()


def test_two_different_reports_of_one_agency_are_a_duplicate(oversight_warehouse):
    frame = _coverage(oversight_warehouse.warehouse, 2021)
    twin, = oversight_warehouse.duplicated[2021]
    assert _ids(frame, "duplicate") == {twin}
    row = frame[frame["agency_id"] == twin].iloc[0]
    paths = [str(oversight_warehouse.path(2021, twin, suffix).relative_to(oversight_warehouse.raw))
             for suffix in (".txt", "_revised.txt")]
    assert row["reports"] == 2 and len(row["report_ids"].split("; ")) == 2
    assert row["source_paths"] == "; ".join(paths)
    assert row["reason"] == "2 different reports of one agency_id in 2021"


def test_failed_files_and_tableless_reports_are_unreadable_with_their_reason(oversight_warehouse):
    frame = _coverage(oversight_warehouse.warehouse, 2021)
    expected = oversight_warehouse.unreadable[2021]
    assert _ids(frame, "unreadable") == set(expected)
    for agency_id, words in expected.items():
        row = frame[frame["agency_id"] == agency_id].iloc[0]
        path = next(str(p.relative_to(oversight_warehouse.raw))
                    for p in oversight_warehouse.raw.glob(f"2021/a{oversight_warehouse.slots[agency_id]:02d}.*"))
        assert row["source_paths"] == path and row["reason"].startswith(f"{path}: ") and words in row["reason"]
        assert row["agency"] == oversight_warehouse.names[agency_id]
    tableless = frame[frame["reason"].str.contains("no template table", na=False)]
    assert tableless["reports"].tolist() == [1] and tableless["report_ids"].notna().all()


def test_a_failed_file_of_no_agency_is_a_row_of_its_own(oversight_warehouse):
    frame = _coverage(oversight_warehouse.warehouse, 2021)
    unplaced = frame[frame["agency_id"].isna()]
    assert unplaced["source_paths"].tolist() == oversight_warehouse.unplaced[2021]
    assert (unplaced["status"] == "unreadable").all() and unplaced["agency"].isna().all()
    assert unplaced["reason"].str.contains("broken PDF").all()
    assert _coverage(oversight_warehouse.warehouse, 2020)["agency_id"].notna().all()


@pytest.mark.parametrize("year", YEARS)
def test_materialization_counts_statuses_and_lists_the_missing(oversight_warehouse, year):
    metadata = oversight_warehouse.metadata[year]
    unreadable = len(oversight_warehouse.unreadable[year]) + len(oversight_warehouse.unplaced[year])
    missing, duplicated = len(oversight_warehouse.removed[year]), len(oversight_warehouse.duplicated[year])
    published = len(oversight_warehouse.names) - missing - duplicated - len(oversight_warehouse.unreadable[year])
    expected = {"published": published, "missing": missing, "duplicate": duplicated, "unreadable": unreadable}
    assert metadata["status"].value == {status: count for status, count in expected.items() if count}
    table = metadata["missing"].value
    assert all(oversight_warehouse.names[agency_id] in table for agency_id in oversight_warehouse.removed[year])
    assert metadata["failed_files_of_no_year"].value == len(oversight_warehouse.of_no_year)


# ------------------------------------------------------------------------------------ the roster

def _roster(folder: Path, *rows: tuple[str, str, str]) -> Path:
    path = folder / "roster.csv"
    path.write_text("name,division_code,level\n" + "".join(f"{name},{code},{level}\n" for name, code, level in rows),
                    encoding="utf-8")
    return path


def test_a_roster_marks_an_agency_that_never_published_as_missing(oversight_warehouse, tmp_path):
    copy = oversight_warehouse.copy(tmp_path / "warehouse")
    gone = sorted(oversight_warehouse.removed[2021])[0]
    named = next(agency_id for agency_id, slot in oversight_warehouse.slots.items() if slot == 0)
    roster = _roster(tmp_path, ROSTER_ONLY,
                     ("滁州市南譙區經濟和信息化局", named.split("/")[0], "county"),  # slot 0, in Traditional characters
                     (oversight_warehouse.names[gone], gone.split("/")[0], "county"))
    with dg.instance_for_test() as instance:
        copy.materialize(instance, ["coverage"], "2021", roster=str(roster))
    frame = _coverage(copy.warehouse, 2021).set_index("agency_id", drop=False)
    assert set(frame.loc[frame["on_roster"], "agency_id"]) == {ROSTER_ONLY_ID, named, gone}
    never = frame.loc[ROSTER_ONLY_ID]
    assert (never["status"], never["reports"], never["agency"], never["admin_level"]) == \
        ("missing", 0, "滁州市定远县教育局", "county")
    assert (never["province"], never["city"], never["county"], never["division_code"]) == \
        ("安徽省", "滁州市", "定远县", "341125")
    assert pd.isna(never["other_years"]) and "on the roster" in never["reason"]
    assert frame.loc[named, "status"] == "published"
    assert (frame.loc[gone, "status"], frame.loc[gone, "other_years"]) == ("missing", "2020")
    assert _ids(frame, "missing") == oversight_warehouse.removed[2021] | {ROSTER_ONLY_ID}


def test_a_roster_with_a_bad_row_fails_the_asset_naming_its_line(oversight_warehouse, tmp_path):
    copy = oversight_warehouse.copy(tmp_path / "warehouse")
    roster = _roster(tmp_path, ROSTER_ONLY, ("南谯区经信局", "34110", "county"))  # a five-digit code on line 3
    with dg.instance_for_test() as instance:
        result = copy.materialize(instance, ["coverage"], "2021", roster=str(roster), raise_on_error=False)
    assert not result.success
    failure = result.failure_data_for_node("coverage").user_failure_data
    assert failure.description.startswith(f"roster: {roster}: line 3: division_code '34110'"), failure.description
    assert _coverage(copy.warehouse, 2021).equals(_coverage(oversight_warehouse.warehouse, 2021))  # kept as it was


def test_roster_errors_name_the_line_and_what_is_allowed(tmp_path):
    roster = _roster(tmp_path, ROSTER_ONLY, ROSTER_ONLY, ("南谯区经信局", "341103", "区县级"))
    with pytest.raises(RosterError, match=r"roster\.csv: line 4: level '区县级' fails isin"):
        read_roster(roster)
    with pytest.raises(RosterError, match="no such file"):
        read_roster(tmp_path / "absent.csv")
    (tmp_path / "short.csv").write_text("name,level\n南谯区经信局,county\n", encoding="utf-8")
    with pytest.raises(RosterError, match="line 1: the header lacks division_code"):
        read_roster(tmp_path / "short.csv")
    assert read_roster(None).empty
