"""Inferred cells through the whole pipeline (devset 010, a crawler's one-line report): the facts carry
``inferred``, pandera accepts them, dim_reports trusts 表三 only because every check of it holds, and the
rollups say how many inferred cells fed each figure. Expected values come from the report's own digits and
the truth file (its unparseable runs), not from the parser."""

import json
import shutil

import dagster as dg
import pandas as pd
import pytest

from orchestration.definitions import ROLLUP_ASSETS, YEAR_ASSETS
from tests.conftest import FIXTURES
from tests.pipeline.test_materialize import _materialize

CRAWLED = "010_pingtan_2021_flattened"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("inferred")
    raw, wh = root / "raw", root / "warehouse"
    raw.mkdir()
    shutil.copy(FIXTURES / "devset" / "raw" / f"{CRAWLED}.txt", raw)
    with dg.instance_for_test() as instance:
        assert _materialize(instance, raw, wh, ["raw_file_inventory"]).success
        assert _materialize(instance, raw, wh, YEAR_ASSETS, "2021").success
        assert _materialize(instance, raw, wh, ROLLUP_ASSETS).success
    return wh


def test_inferred_cells_spell_the_runs_the_truth_could_not_place(warehouse):
    truth = json.loads((FIXTURES / "devset" / "truth" / f"{CRAWLED}.json").read_text(encoding="utf-8"))
    run = next(cells["unparseable_raw"] for row, cells in truth["applications"].items() if "本年新收" in row)
    facts = pd.read_parquet(warehouse / "fact_applications")
    inferred = facts[facts["cell_status"] == "inferred"]
    assert len(inferred) > 0 and inferred["value"].notna().all()
    new = inferred[inferred["row"] == "new_received"]
    order = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
             "legal_service_org", "other_org", "total"]
    spelled = "".join(new.set_index("applicant").loc[order, "raw"])
    assert spelled == run


def test_tables_with_inferred_cells_are_trusted_only_when_every_check_holds(warehouse):
    """表三 of 010 has no row left missing once its runs are inferred, and every check of it holds (the
    inferred cuts were chosen so): trusted. 表二 keeps a row of six digits for three cells: not trusted."""
    dim = pd.read_parquet(warehouse / "dim_reports")
    issues = pd.read_parquet(warehouse / "quality_issues")
    failing = issues[(issues["table"] == "applications") & issues["rule"].isin(["balance", "outcome_sum",
                                                                                 "row_total"])]
    assert failing.empty and bool(dim["trusted_applications"].iloc[0])
    assert not bool(dim["trusted_active_disclosure"].iloc[0])


def test_rollups_count_the_inferred_cells_they_summed(warehouse):
    agencies = pd.read_parquet(warehouse / "rollup_agencies.parquet")
    facts = pd.read_parquet(warehouse / "fact_applications")
    dim = pd.read_parquet(warehouse / "dim_reports")
    expected = int((facts["cell_status"] == "inferred").sum()) if dim["trusted_applications"].iloc[0] else 0
    assert int(agencies["applications_inferred_cells"].sum()) == expected
