"""Rollups of the sample corpus against figures computed from the truth files (not from our parser).

In the truth files, 表三 of seeds 000 and 004 and 表四 of seeds 002 and 004 are unplaced: those tables
must not count, and a group with no trusted table must give null, never 0.
"""

import dagster as dg
import pandas as pd
import pytest

from orchestration.definitions import ROLLUP_ASSETS, YEAR_ASSETS
from tests.conftest import truth_of
from tests.pipeline.test_materialize import _materialize

TAOCHENG, NANGUAN = "002_a6a6458d8018b677", "001_64ff3bdd190e597a"
NANQIAO, ANQING, LUSONG = "000_0e7b839799d88c56", "003_22aab187490cdc1c", "004_3a94ec74268af1f8"


def _total(stem: str, prefix: str) -> float:
    """The 总计 column of the truth's 表三 row whose label starts with ``prefix``."""
    return next(v["总计"] for k, v in truth_of(stem)["applications"].items() if k.startswith(prefix))


def _active(stem: str, item: str, measure: str) -> float:
    return next(c["value"] for c in truth_of(stem)["active_disclosure"] if (c["item"], c["measure"]) == (item, measure))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, sample_dir):
    wh = tmp_path_factory.mktemp("rollups") / "warehouse"
    with dg.instance_for_test() as instance:
        assert _materialize(instance, sample_dir, wh, ["raw_file_inventory"]).success
        for year in ("2020", "2021"):
            assert _materialize(instance, sample_dir, wh, YEAR_ASSETS, year).success
        assert _materialize(instance, sample_dir, wh, ROLLUP_ASSETS).success
    return wh


def _row(frame: pd.DataFrame, **keys) -> pd.Series:
    selected = frame
    for column, value in keys.items():
        selected = selected[selected[column] == value]
    assert len(selected) == 1, keys
    return selected.iloc[0]


def test_agency_figures_equal_the_truth(warehouse):
    agencies = pd.read_parquet(warehouse / "rollup_agencies.parquet")
    taocheng = _row(agencies, year=2021, agency_id="131102/人民政府")
    disclosed = _total(TAOCHENG, "(一)") + _total(TAOCHENG, "(二)")
    assert (taocheng["new_received"], taocheng["handled_total"], taocheng["disclosed"]) == \
        (_total(TAOCHENG, "一、"), _total(TAOCHENG, "(七)"), disclosed)
    assert taocheng["disclosure_rate"] == pytest.approx(disclosed / _total(TAOCHENG, "(七)"))
    assert (taocheng["disclosure_rate_numerator"], taocheng["disclosure_rate_denominator"]) == \
        (disclosed, _total(TAOCHENG, "(七)"))
    assert taocheng["fees_wan_yuan"] == _active(TAOCHENG, "行政事业性收费", "本年收费金额")  # truth unit 万元
    assert taocheng["licensing_decisions"] == _active(TAOCHENG, "行政许可", "本年处理决定数量")
    # 表四 of 002 is unplaced in the truth: its review figures are unknown, not 0
    assert (taocheng["review_litigation_trusted"], pd.isna(taocheng["review_total"])) == (0, True)


def test_untrusted_tables_give_null_and_empty_denominators_give_null(warehouse):
    agencies = pd.read_parquet(warehouse / "rollup_agencies.parquet")
    nanqiao = _row(agencies, year=2020, agency_id="341103/经济和信息化局")  # 表三 unplaced in the truth
    assert (nanqiao["applications_trusted"], pd.isna(nanqiao["new_received"])) == (0, True)
    assert nanqiao["review_total"] == truth_of(NANQIAO)["review_litigation"]["行政复议"]["总计"]
    nanguan = _row(agencies, year=2021, agency_id="220102/科学技术局")
    assert nanguan["handled_total"] == _total(NANGUAN, "(七)") == 0
    assert pd.isna(nanguan["disclosure_rate"])  # 0 handled: no rate, never 0 or inf


def test_region_rollup_sums_the_trusted_tables_of_the_group(warehouse):
    regions = pd.read_parquet(warehouse / "rollup_regions.parquet")
    hebei = _row(regions, year=2021, province="河北省", city="衡水市", admin_level="county", agency_kind="government")
    assert (hebei["reports"], hebei["new_received"]) == (1, _total(TAOCHENG, "一、"))
    anhui = regions[(regions["year"] == 2020) & (regions["province"] == "安徽省")]
    assert anhui["reports"].sum() == 2
    assert anhui["licensing_decisions"].sum() == \
        _active(NANQIAO, "行政许可", "处理决定数量") + _active(ANQING, "行政许可", "处理决定数量")
    lusong = _row(regions, year=2020, province="湖南省")
    assert pd.isna(lusong["new_received"]) and pd.isna(lusong["review_total"])  # both tables unplaced (004)


def test_trends_rank_provinces_within_a_year(warehouse):
    trends = pd.read_parquet(warehouse / "trends.parquet")
    received = trends[(trends["scope"] == "province") & (trends["year"] == 2021)
                      & (trends["metric"] == "new_received")].set_index("entity")
    assert received.loc["河北省", "value"] == _total(TAOCHENG, "一、")
    assert received.loc[["河北省", "吉林省"], "rank_in_year"].tolist() == [1.0, 2.0]
    assert trends["previous_value"].isna().all()  # no agency or province reports in both 2020 and 2021


def test_outliers_need_peers(warehouse):
    """Five sample reports give no peer group of five: nothing is judged, the table is empty but valid."""
    frame = pd.read_parquet(warehouse / "outliers.parquet")
    assert frame.empty and "reason" in frame.columns
