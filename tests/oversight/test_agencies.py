"""``govreports agencies QUERY`` on the generated warehouse of tests/oversight/conftest.py: agencies found by a
fragment of their name or place, by a short form no report prints (经信局, 区政府), and by Traditional characters;
what the fixture wrote says what must be found."""

import subprocess
import sys

import pytest

from orchestration.cli import main
from tests.conftest import ROOT
from tests.oversight.conftest import NAMED


def _found(capsys, query: str, warehouse) -> dict[str, list[str]]:
    """agency_id → the other fields of each line ``govreports agencies`` printed."""
    assert main(["agencies", query, "--warehouse", str(warehouse)]) == 0
    lines = capsys.readouterr().out.splitlines()
    return {line.split("\t")[0]: line.split("\t")[1:] for line in lines}


def _id_of(oversight_warehouse, name: str) -> str:
    return next(agency_id for agency_id, printed in oversight_warehouse.names.items() if printed == name)


def test_a_fragment_of_the_name_finds_the_agency_with_its_region_and_years(oversight_warehouse, capsys):
    nanqiao = _id_of(oversight_warehouse, NAMED[0])
    found = _found(capsys, "南谯", oversight_warehouse.warehouse)
    assert list(found) == [nanqiao]
    assert found[nanqiao] == [NAMED[0], "安徽省滁州市南谯区", "341103", "county", "department", "2020,2021"]


@pytest.mark.parametrize("query", ["经信局", "南谯区经信局", "滁州 经信", "341103/经济和信息化局"])
def test_a_short_form_no_report_prints_finds_the_written_out_name(oversight_warehouse, capsys, query):
    assert not any("经信" in name for name in oversight_warehouse.names.values())  # only the short form has it
    assert list(_found(capsys, query, oversight_warehouse.warehouse)) == [_id_of(oversight_warehouse, NAMED[0])]


def test_a_short_government_ending_finds_the_people_s_government(oversight_warehouse, capsys):
    taocheng = _id_of(oversight_warehouse, NAMED[1])
    assert list(_found(capsys, "桃城区政府", oversight_warehouse.warehouse)) == [taocheng]
    governments = {agency_id for agency_id, name in oversight_warehouse.names.items() if "人民政府" in name}
    assert set(_found(capsys, "人民政府", oversight_warehouse.warehouse)) == governments
    assert taocheng in governments


def test_every_agency_of_a_province_and_none_of_the_others(oversight_warehouse, capsys):
    found = _found(capsys, "安徽", oversight_warehouse.warehouse)
    expected = {agency_id for agency_id in oversight_warehouse.names if agency_id.startswith("34")}
    assert set(found) == expected and all(fields[1].startswith("安徽省") for fields in found.values())


def test_an_unknown_name_finds_nothing_and_says_so(oversight_warehouse, capsys):
    assert main(["agencies", "不存在的机关", "--warehouse", str(oversight_warehouse.warehouse)]) == 1
    assert "no agency matches '不存在的机关'" in capsys.readouterr().err


def test_the_installed_command_reads_traditional_characters(oversight_warehouse):
    """The real command line, in its own process: 南譙區經信局 is 南谯区经信局, written out 南谯区经济和信息化局."""
    result = subprocess.run([sys.executable, "-m", "orchestration.cli", "agencies", "南譙區經信局",
                             "--warehouse", str(oversight_warehouse.warehouse)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [_id_of(oversight_warehouse, NAMED[0])]
    assert "1 agency matches '南譙區經信局'" in result.stderr
