"""Trends and outliers on small frames whose answers can be worked out by hand."""

import pandas as pd
import pytest

from assets.pipeline.rollups import outliers, trends


def _agencies(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "agency_id", "agency", "admin_level", "agency_kind", "new_received",
                                       "disclosure_rate"])


def test_year_over_year_change_and_rank():
    agencies = _agencies([(2020, "a", "A", "county", "department", 10.0, 0.5),
                          (2021, "a", "A", "county", "department", 15.0, 0.4),
                          (2021, "b", "B", "county", "department", 20.0, None)])
    provinces = pd.DataFrame({"year": [2021], "province": ["X"], "new_received": [35.0], "disclosure_rate": [0.4]})
    cities = provinces.assign(city="Y")
    long = trends(agencies, provinces, cities, ("new_received", "disclosure_rate")).set_index(
        ["scope", "entity", "year", "metric"])
    a = long.loc[("agency", "a", 2021, "new_received")]
    assert (a["previous_value"], a["change"], a["change_pct"], a["rank_in_year"]) == (10.0, 5.0, 0.5, 2.0)
    assert long.loc[("agency", "b", 2021, "new_received"), "rank_in_year"] == 1.0
    assert long.loc[("agency", "a", 2021, "disclosure_rate"), "change"] == pytest.approx(-0.1)
    assert pd.isna(long.loc[("agency", "b", 2021, "disclosure_rate"), "rank_in_year"])
    assert long.loc[("province", "X", 2021, "new_received"), "name"] == "X"
    assert long.loc[("city", "X/Y", 2021, "new_received"), ["name", "value"]].tolist() == ["Y", 35.0]


def test_previous_zero_gives_no_relative_change():
    agencies = _agencies([(2020, "a", "A", "county", "department", 0.0, None),
                          (2021, "a", "A", "county", "department", 3.0, None)])
    empty = pd.DataFrame(columns=["year", "province", "city", "new_received", "disclosure_rate"])
    row = trends(agencies, empty, empty, ("new_received",)).set_index("year").loc[2021]
    assert (row["change"], pd.isna(row["change_pct"])) == (3.0, True)


def test_an_agency_far_above_its_peers_is_listed_with_its_reason():
    peers = [(2021, f"p{i}", f"P{i}", "county", "department", float(v), None) for i, v in enumerate([8, 10, 12, 9, 11])]
    frame = outliers(_agencies([*peers, (2021, "big", "Big", "county", "department", 5000.0, None)]),
                     ("new_received",))
    assert frame[["agency_id", "metric", "value", "peer_median", "peers"]].values.tolist() == \
        [["big", "new_received", 5000.0, 10.5, 6]]
    assert "vs median 10.5 of 6 county department peers in 2021" in frame.iloc[0]["reason"]


@pytest.mark.parametrize("values", [[8, 10, 12, 5000], [10, 10, 10, 10, 10, 10]])
def test_small_or_flat_peer_groups_are_not_judged(values):
    rows = [(2021, f"p{i}", None, "county", "department", float(v), None) for i, v in enumerate(values)]
    assert outliers(_agencies(rows), ("new_received",)).empty


def test_peers_are_the_same_level_and_kind():
    county = [(2021, f"c{i}", None, "county", "department", float(v), None) for i, v in enumerate([8, 10, 12, 9, 11])]
    province = (2021, "prov", None, "province", "department", 5000.0, None)
    assert outliers(_agencies([*county, province]), ("new_received",)).empty
