"""Review and corrections end to end (real files, a real Dagster instance, the CLI as a person runs it): a
report with two cells the parser cannot read, its queue exported, two cells filled as a person would in a
spreadsheet, imported, the year rebuilt; a second run changes nothing; a changed report file orphans them."""

import csv
import io
import json

import dagster as dg
import pandas as pd
import pytest

from orchestration.cli import main
from orchestration.runner import run_pipeline
from tests.conftest import SAMPLE_DIR, SEED_TRUTH

SAMPLE = "002_a6a6458d8018b677"
# Two 表二 cells garbled as a bad OCR or a typo would (no value: the rows are missing); the person reads 1415
# and 107 in the PDF.
GARBLED = {"1415": "l4l5", "107": "1O7"}


def _truth(item: str) -> float:
    truth = json.loads((SEED_TRUTH / f"{SAMPLE}.json").read_text(encoding="utf-8"))
    return next(a["value"] for a in truth["active_disclosure"] if a["item"] == item)


def _garbled_report() -> bytes:
    lines = (SAMPLE_DIR / f"{SAMPLE}.txt").read_text(encoding="utf-8").split("\n")
    return "\n".join(GARBLED.get(line, line) for line in lines).encode("utf-8")


@pytest.fixture()
def folders(tmp_path, monkeypatch):
    raw, wh, corrections = tmp_path / "raw", tmp_path / "warehouse", tmp_path / "corrections"
    raw.mkdir()
    (raw / f"{SAMPLE}.txt").write_bytes(_garbled_report())
    monkeypatch.setenv("GOVREPORTS_CORRECTIONS", str(corrections))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return raw, wh, corrections


def _run(raw, wh, instance, changed=False) -> list[str]:
    said: list[str] = []
    run_pipeline(str(raw), str(wh), progress=said.append, instance=instance, changed_only=changed)
    return said


def _fill(export, cells: dict[tuple[str, str], str]) -> None:
    """What a person does in a spreadsheet: type a value and a reason in the rows of two cells, save."""
    text = export.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        value = cells.get((row["row"], row["column"]))
        if value is not None:
            row["value"], row["reason"] = value, "read in the published PDF"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    export.write_text("\ufeff" + out.getvalue(), encoding="utf-8")


def test_corrections_reach_the_facts_and_rollups_and_stay(folders, tmp_path, capsys):
    raw, wh, corrections = folders
    with dg.instance_for_test() as instance:
        _run(raw, wh, instance)
        queue = pd.read_parquet(wh / "review_queue" / "year=2021")
        flagged = queue[queue["table"] == "active_disclosure"]
        assert sorted(flagged["row"]) == ["administrative_licensing", "administrative_penalty"]
        assert set(flagged["cell_status"]) == {"missing"}  # a value that reads as no value: the row is short
        assert flagged["context"].str.contains("l4l5").any() and flagged["context"].str.contains("1O7").any()
        agencies_before = pd.read_parquet(wh / "rollup_agencies.parquet")

        export = tmp_path / "review.csv"
        assert main(["review", "export", "--year", "2021", "--warehouse", str(wh), "--out", str(export)]) == 0
        assert export.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel shows the Chinese labels
        _fill(export, {("administrative_licensing", "decisions"): "1415",
                       ("administrative_penalty", "decisions"): "107"})
        assert main(["review", "import", str(export), "--reviewer", "analyst", "--warehouse", str(wh)]) == 0
        assert len(pd.read_csv(corrections / "corrections.csv")) == 2

        said = _run(raw, wh, instance, changed=True)
        assert not any("unchanged" in line for line in said)  # the corrections changed the year's inputs
        facts = pd.read_parquet(wh / "fact_active_disclosure" / "year=2021")
        fixed = facts[facts["cell_status"] == "corrected"].set_index("item")
        assert fixed.loc["administrative_licensing", "value"] == _truth("行政许可")
        assert fixed.loc["administrative_penalty", "value"] == _truth("行政处罚")
        assert set(fixed["parsed_status"]) == {"missing"} and fixed["parsed_value"].isna().all()
        assert set(fixed["reviewer"]) == {"analyst"}
        assert set(fixed["correction_reason"]) == {"read in the published PDF"}
        assert len(pd.read_parquet(wh / "review_queue" / "year=2021")) == len(queue) - 2
        agencies = pd.read_parquet(wh / "rollup_agencies.parquet")
        assert agencies_before["active_disclosure_corrected_cells"].sum() == 0
        assert agencies["active_disclosure_corrected_cells"].sum() == 2
        assert agencies["active_disclosure_trusted"].sum() == agencies_before["active_disclosure_trusted"].sum() + 1

        again = _run(raw, wh, instance, changed=True)
        assert any("unchanged" in line and "2021" in line for line in again)
        pd.testing.assert_frame_equal(facts, pd.read_parquet(wh / "fact_active_disclosure" / "year=2021"))

        (raw / f"{SAMPLE}.txt").write_bytes(_garbled_report() + "\n附:本报告已更新。\n".encode())
        _run(raw, wh, instance, changed=True)
        facts = pd.read_parquet(wh / "fact_active_disclosure" / "year=2021")
        assert "corrected" not in set(facts["cell_status"])
        issues = pd.read_parquet(wh / "quality_issues" / "year=2021")
        assert (issues["rule"] == "correction_orphaned").sum() == 2
    assert "2 corrected cells" in capsys.readouterr().out


def _correction(year: int, value: str, report: str = "0123456789abcdef") -> str:
    return f"{report},{'a' * 64},{year},applications,new_received,total,{value},read in the PDF,analyst,2026-12-07\n"


def test_corrections_sensor_runs_exactly_the_years_whose_corrections_changed(tmp_path):
    from assets.storage.resources import CorrectionsFolder
    from orchestration.definitions import SENSORS, build_defs

    sensor = next(s for s in SENSORS if s.name == "corrections_sensor")
    definitions = build_defs(str(tmp_path / "raw"), str(tmp_path / "warehouse"))
    folder = tmp_path / "corrections"
    folder.mkdir()
    header = "report_id,sha256,year,table,row,column,value,reason,reviewer,date\n"
    (folder / "a.csv").write_text(header + _correction(2020, "5") + _correction(2021, "7", "fedcba9876543210"),
                                  encoding="utf-8")

    def tick(cursor):
        with dg.build_sensor_context(cursor=cursor, definitions=definitions, resources={
                "corrections_folder": CorrectionsFolder(path=str(folder))}) as context:
            result = sensor.evaluate_tick(context)
        return result, {(r.job_name, r.partition_key) for r in result.run_requests or []}

    result, requested = tick(None)
    assert requested == {("refresh_corrections", None), ("year_pipeline", "2020"), ("year_pipeline", "2021")}
    result, requested = tick(result.cursor)
    assert requested == set() and "unchanged" in result.skip_message
    (folder / "a.csv").write_text(header + _correction(2020, "5") + _correction(2021, "8", "fedcba9876543210"),
                                  encoding="utf-8")
    result, requested = tick(result.cursor)
    assert requested == {("refresh_corrections", None), ("year_pipeline", "2021")}
    (folder / "b.csv").write_text(header + _correction(2020, "abc"), encoding="utf-8")
    bad, requested = tick(result.cursor)
    assert requested == set() and "b.csv" in bad.skip_message and "line 2" in bad.skip_message
    (folder / "b.csv").unlink()  # back to a state seen before: its year is run again
    (folder / "a.csv").write_text(header + _correction(2020, "5") + _correction(2021, "7", "fedcba9876543210"),
                                  encoding="utf-8")
    result, requested = tick(result.cursor)
    assert requested == {("refresh_corrections", None), ("year_pipeline", "2021")}
