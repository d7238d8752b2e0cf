"""Agency and region: the samples against their truth files, ambiguity left null, ids stable across names."""

import json

import pytest

from assets.parser.agency import identify_agency
from assets.parser.region import resolve_region
from assets.parser.report import parse_report, to_json
from tests.conftest import FIXTURES, SAMPLE_DIR, truth_of

SAMPLES = sorted(p.stem for p in SAMPLE_DIR.glob("*.txt"))
DEVSET = FIXTURES / "devset"


def _parsed(path):
    return parse_report(path.name, path.read_bytes())


@pytest.mark.parametrize("stem", SAMPLES)
def test_sample_agency_and_region_equal_truth(stem: str):
    truth, report = truth_of(stem), _parsed(SAMPLE_DIR / f"{stem}.txt")
    agency = report.agency
    assert agency.full_name == truth["agency"]  # the truth names the fullest form
    assert agency.name in (truth["agency"], *truth.get("agency_aliases", []), "南谯区经信局", "桃城区政府")
    expected = {k: truth["region"][k] for k in ("province", "city", "county")}
    assert {k: agency.region.as_dict()[k] for k in expected} == expected
    assert agency.region.division_code is not None and len(agency.region.division_code) == 6


@pytest.mark.parametrize("truth_path", sorted((DEVSET / "truth").glob("*.json")), ids=lambda p: p.stem)
def test_devset_region_equals_truth(truth_path):
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    report = _parsed(DEVSET / truth["raw_file"])
    found = report.agency.region.as_dict()
    for level in ("province", "city", "county"):
        allowed = truth["region"][level].split(" / ") if truth["region"][level] else [None]
        assert found[level] in allowed, f"{level}: {found[level]} not in {allowed}"
    assert report.agency.name in truth["agency"] or truth["agency"].startswith(report.agency.name[:4])


@pytest.mark.parametrize(("stem", "level", "kind"), [
    ("000_0e7b839799d88c56", "county", "department"),   # 滁州市南谯区经济和信息化局
    ("002_a6a6458d8018b677", "county", "government"),   # 衡水市桃城区人民政府
    ("003_22aab187490cdc1c", "township", "township"),   # …安庆矿区办事处
])
def test_admin_level_and_kind_from_the_name(stem, level, kind):
    agency = _parsed(SAMPLE_DIR / f"{stem}.txt").agency
    assert (agency.admin_level, agency.kind) == (level, kind)


def test_province_level_department_of_a_municipality():
    agency = _parsed(DEVSET / "raw" / "007_shanghai_stcsm_2024_md.md").agency
    assert (agency.name, agency.admin_level, agency.kind, agency.agency_id) == \
        ("上海市科委", "province", "department", "310000/科学技术委员会")
    assert agency.region.as_dict() == {"province": "上海市", "city": None, "county": None, "division_code": "310000"}


def test_ambiguous_district_stays_null_with_an_issue():
    """郊区 exists in 阳泉市, 佳木斯市 and 铜陵市: with no city in the text nothing below it is guessed."""
    lines = ["郊区人民政府2021年政府信息公开工作年度报告", "", "2021年,我区政府信息公开工作稳步推进。"]
    agency, issues = identify_agency(lines)
    assert agency.region.as_dict() == {"province": None, "city": None, "county": None, "division_code": None}
    assert agency.agency_id == "?/郊区人民政府" and agency.admin_level == "county"
    issue = next(i for i in issues if i.rule == "region_ambiguous")
    assert issue.found == "140311,230811,340711"


def test_ambiguous_district_resolved_by_the_address_in_the_text():
    lines = ["郊区人民政府2021年政府信息公开工作年度报告", "", "地址:铜陵市郊区桥南办事处。"]
    agency, issues = identify_agency(lines)
    assert agency.region.as_dict() == {"province": "安徽省", "city": "铜陵市", "county": "郊区",
                                       "division_code": "340711"}
    assert not [i for i in issues if i.rule.startswith("region")]


def test_shared_levels_kept_when_only_the_county_is_ambiguous():
    """新华区 is in 石家庄市 and 沧州市 (河北省) and in 平顶山市 (河南省). A text naming only 河北省 narrows it
    to two districts of one province: the province is certain, the city and county are not."""
    region = resolve_region("新华区教育局", ["河北省人民政府"])
    assert (region.province, region.city, region.county, region.division_code) == ("河北省", None, None, None)
    assert region.candidates == ("130105", "130902")


def test_agency_id_is_the_same_for_short_and_full_names():
    """One body, two years, two names: 南谯区经信局 in one report, 滁州市南谯区经济和信息化局 in the next."""
    short, _ = identify_agency(["南谯区经信局2021年政府信息公开工作年度报告"])
    full, _ = identify_agency(["滁州市南谯区经济和信息化局2022年政府信息公开工作年度报告"])
    assert short.agency_id == full.agency_id == "341103/经济和信息化局"


@pytest.mark.parametrize(("short", "full"), [("桃城区政府", "衡水市桃城区人民政府"),
                                             ("南谯区乌衣镇政府", "南谯区乌衣镇人民政府"),
                                             ("南谯区政府办", "滁州市南谯区人民政府办公室")])
def test_government_name_endings_keep_one_agency_id(short, full):
    ids = {identify_agency([f"{name}2021年政府信息公开工作年度报告"])[0].agency_id for name in (short, full)}
    assert len(ids) == 1 and ids.pop().endswith("人民政府" if not short.endswith("办") else "人民政府办公室")


def test_words_inside_a_body_name_are_not_read_as_places():
    """Regression: 安庆 (安庆市 without its suffix) inside 安庆矿区办事处 must not move the body to 安庆市."""
    assert resolve_region("铜陵市郊区安庆矿区办事处").division_code == "340711"


def test_parse_json_carries_the_agency_fields():
    payload = to_json(_parsed(SAMPLE_DIR / "000_0e7b839799d88c56.txt"))
    assert (payload["agency"], payload["agency_full"], payload["agency_id"], payload["admin_level"],
            payload["agency_kind"]) == ("南谯区经信局", "滁州市南谯区经济和信息化局", "341103/经济和信息化局",
                                        "county", "department")
    assert payload["region"] == {"province": "安徽省", "city": "滁州市", "county": "南谯区", "division_code": "341103"}
