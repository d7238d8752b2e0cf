"""The corrections folder, the review export/import and ``apply``, without Dagster: a bad corrections file is
refused whole with its file and line; ``review import`` appends only valid filled rows of known reports; a
correction is applied only where the parser could not settle the cell, and the checks are recomputed after.
Expected values come from the truth files or the report text, never from the parser."""

import csv
import hashlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from assets.parser.reading import read_lines
from assets.parser.report import ParsedReport, assemble, read_tables, to_json
from assets.parser.review import Corrected, Correction
from assets.parser.sections import find_sections
from assets.storage.corrections import (
    COLUMNS,
    CorrectionsError,
    export_text,
    filled_rows,
    read_file,
    read_folder,
)
from orchestration.cli import main
from tests.conftest import SAMPLE_DIR, SEED_TRUTH

HEADER = ",".join(COLUMNS) + "\n"
REPORT = "0123456789abcdef"
SHA = "a" * 64


def _row(row: str = "new_received", column: str = "total", value: str = "5", *, table: str = "applications",
         reason: str = "read in the PDF", reviewer: str = "analyst", date: str = "2026-12-07",
         report: str = REPORT, sha256: str = SHA) -> str:
    return f"{report},{sha256},2021,{table},{row},{column},{value},{reason},{reviewer},{date}\n"


def _folder(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "corrections"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def _refused(folder: Path, file_name: str, line: int) -> str:
    """``read_folder`` raises (it returns nothing of the folder) naming the file and the line."""
    with pytest.raises(CorrectionsError) as error:
        read_folder(folder)
    message = str(error.value)
    assert file_name in message and f"line {line}" in message, message
    return message


# ------------------------------------------------------------------------------------ bad files

GOOD = _row("new_received", "natural_person", "17")  # a valid row before the bad one: not applied either


def test_an_unknown_row_code_names_its_file_and_line(tmp_path):
    folder = _folder(tmp_path, ok=HEADER + _row(), bad=HEADER + GOOD + _row("no_such_row", "total"))
    assert "no_such_row" in _refused(folder, "bad.csv", 3)


def test_an_unknown_column_code_names_its_file_and_line(tmp_path):
    folder = _folder(tmp_path, bad=HEADER + GOOD + _row("new_received", "no_such_column"))
    assert "no_such_column" in _refused(folder, "bad.csv", 3)


def test_an_unknown_table_names_its_file_and_line(tmp_path):
    folder = _folder(tmp_path, bad=HEADER + GOOD + GOOD.replace("applications", "no_such_table"))
    assert "no_such_table" in _refused(folder, "bad.csv", 3)


def test_text_in_a_value_cell_names_its_file_and_line(tmp_path):
    folder = _folder(tmp_path, bad=HEADER + GOOD + _row("granted", "total", "abc"))
    assert "'abc'" in _refused(folder, "bad.csv", 3)


def test_blank_is_a_null_value_and_thousands_separators_are_read(tmp_path):
    folder = _folder(tmp_path, good=HEADER + _row("granted", "total", "blank") + _row("granted", "other_org", "BLANK")
                     + _row("new_received", "total", '"1,234"'))
    frame = read_folder(folder).set_index(["row", "column"])
    assert pd.isna(frame.loc[("granted", "total"), "value"])
    assert pd.isna(frame.loc[("granted", "other_org"), "value"])
    assert frame.loc[("new_received", "total"), "value"] == 1234
    assert list(frame["source"]) == ["good.csv:2", "good.csv:3", "good.csv:4"]


def test_two_rows_correcting_one_cell_in_one_file_are_refused(tmp_path):
    folder = _folder(tmp_path, bad=HEADER + _row() + GOOD + _row())
    message = _refused(folder, "bad.csv", 2)
    assert "a second correction" in message


def test_two_rows_correcting_one_cell_name_the_second_row(tmp_path):
    folder = _folder(tmp_path, bad=HEADER + _row() + GOOD + _row())
    _refused(folder, "bad.csv", 4)


def test_two_files_correcting_one_cell_differently_name_both(tmp_path):
    folder = _folder(tmp_path, a=HEADER + GOOD + _row(value="5"), b=HEADER + _row(value="6"))
    with pytest.raises(CorrectionsError) as error:
        read_folder(folder)
    assert "a.csv:3" in str(error.value) and "b.csv:2" in str(error.value)
    assert "applications/new_received/total" in str(error.value)


def test_a_blank_and_a_number_for_one_cell_are_two_different_corrections(tmp_path):
    folder = _folder(tmp_path, a=HEADER + _row(value="blank"), b=HEADER + _row(value="0"))
    with pytest.raises(CorrectionsError, match="a.csv:2 and b.csv:2"):
        read_folder(folder)


def test_two_files_with_the_same_value_for_one_cell_are_accepted(tmp_path):
    folder = _folder(tmp_path, a=HEADER + GOOD + _row(value="5"), b=HEADER + _row(value="5.0"))
    frame = read_folder(folder)
    assert len(frame) == 2
    cell = frame[frame["column"] == "total"]
    assert len(cell) == 1 and cell["value"].iloc[0] == 5


def test_a_file_not_in_utf8_names_the_line_of_its_first_bad_byte(tmp_path):
    folder = _folder(tmp_path, ok=HEADER + _row())
    text = HEADER + GOOD + _row("granted", "total", "5", reason="在公开的PDF中读取") + _row("granted", "other_org", "0")
    (folder / "gbk.csv").write_bytes(text.encode("gb18030"))
    assert "UTF-8" in _refused(folder, "gbk.csv", 3)


def test_a_utf8_file_with_a_bom_is_accepted(tmp_path):
    folder = _folder(tmp_path)
    (folder / "excel.csv").write_bytes(("\ufeff" + HEADER + _row(reason="在公开的PDF中读取")).encode("utf-8"))
    frame = read_folder(folder)
    assert list(frame["report_id"]) == [REPORT]  # the BOM is not part of the first column's name
    assert list(frame["reason"]) == ["在公开的PDF中读取"]


def test_a_header_missing_a_column_names_line_one(tmp_path):
    folder = _folder(tmp_path, bad=HEADER.replace(",reviewer", "") + _row().replace(",analyst", ""))
    assert "reviewer" in _refused(folder, "bad.csv", 1)


def test_a_bad_date_names_its_line(tmp_path):
    folder = _folder(tmp_path, bad=HEADER + GOOD + _row(date="2024/1/2"))
    assert "2024/1/2" in _refused(folder, "bad.csv", 3)


def test_an_empty_reviewer_names_its_line(tmp_path):
    folder = _folder(tmp_path, bad=HEADER + GOOD + _row(reviewer=""))
    assert "reviewer" in _refused(folder, "bad.csv", 3)


def test_read_file_names_the_line_of_a_bad_row(tmp_path):
    path = _folder(tmp_path, bad=HEADER + GOOD + GOOD.replace(",17,", ",x,")) / "bad.csv"
    with pytest.raises(CorrectionsError, match=r"bad\.csv: line 3:"):
        read_file(path)


def test_a_reason_over_two_lines_does_not_shift_the_lines_named(tmp_path):
    folder = _folder(tmp_path, bad=HEADER + _row(reason='"read in the PDF\npage 3"') + GOOD.replace(",17,", ",x,"))
    _refused(folder, "bad.csv", 4)


# ------------------------------------------------------------------------------------ review export / import

QUEUE = ["report_id", "year", "sha256", "table", "row", "column", "row_label", "column_label", "parsed_value",
         "cell_status", "context"]


def _warehouse(tmp_path: Path, reports: dict[str, str]) -> Path:
    partition = tmp_path / "warehouse" / "raw_reports" / "year=2021"
    partition.mkdir(parents=True)
    pd.DataFrame({"report_id": list(reports), "sha256": list(reports.values())}).to_parquet(
        partition / "part-0.parquet", index=False)
    return tmp_path / "warehouse"


def _export(path: Path, rows: list[dict]) -> Path:
    """A filled export as a spreadsheet saves it: UTF-8 with a BOM, CRLF lines, a context over several lines."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*QUEUE, "value", "reason", "reviewer", "date"], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({"year": 2021, "table": "active_disclosure", "column": "decisions", "row_label": "行政许可",
                         "column_label": "本年处理决定数量", "parsed_value": "", "cell_status": "missing",
                         "context": "  62 |\n> 63 | l4l5", "value": "", "reason": "", "reviewer": "", "date": ""}
                        | row)
    path.write_bytes(("\ufeff" + out.getvalue()).encode("utf-8"))
    return path


A, B = "1111111111111111", "2222222222222222"
SHA_A, SHA_B = "a" * 64, "b" * 64


def _import(path: Path, tmp_path: Path, wh: Path) -> int:
    return main(["review", "import", str(path), "--reviewer", "analyst", "--corrections", str(tmp_path / "corr"),
                 "--warehouse", str(wh)])


def test_import_refuses_a_report_not_in_the_warehouse_and_writes_nothing(tmp_path, capsys):
    wh = _warehouse(tmp_path, {A: SHA_A})
    export = _export(tmp_path / "review.csv", [
        {"report_id": A, "sha256": SHA_A, "row": "administrative_licensing", "value": "1415", "reason": "PDF"},
        {"report_id": B, "sha256": SHA_B, "row": "administrative_penalty", "value": "107", "reason": "PDF"}])
    capsys.readouterr()
    assert _import(export, tmp_path, wh) == 1
    err = capsys.readouterr().err
    assert "review.csv" in err and "line 4" in err and B in err  # row 1 spans lines 2-3 (its context)
    assert "nothing was imported" in err
    assert not (tmp_path / "corr").exists() or not any((tmp_path / "corr").iterdir())


def test_import_refuses_a_known_report_with_another_sha256(tmp_path, capsys):
    wh = _warehouse(tmp_path, {A: SHA_A})
    export = _export(tmp_path / "review.csv", [
        {"report_id": A, "sha256": SHA_B, "row": "administrative_licensing", "value": "1415", "reason": "PDF"}])
    assert _import(export, tmp_path, wh) == 1
    assert "line 2" in capsys.readouterr().err
    assert not (tmp_path / "corr" / "corrections.csv").exists()


def test_import_appends_filled_rows_only_with_one_header(tmp_path):
    wh = _warehouse(tmp_path, {A: SHA_A, B: SHA_B})
    first = _export(tmp_path / "first.csv", [
        {"report_id": A, "sha256": SHA_A, "row": "administrative_licensing"},  # not filled: skipped
        {"report_id": A, "sha256": SHA_A, "row": "administrative_penalty", "value": "107",
         "reason": "第二十条第(六)项 行政处罚 107"},
        {"report_id": B, "sha256": SHA_B, "row": "administrative_licensing", "value": " "}])  # spaces: not filled
    assert _import(first, tmp_path, wh) == 0
    target = tmp_path / "corr" / "corrections.csv"
    written = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(r["report_id"], r["row"], r["value"], r["reviewer"]) for r in written] == [
        (A, "administrative_penalty", "107", "analyst")]
    assert written[0]["reason"] == "第二十条第(六)项 行政处罚 107"

    second = _export(tmp_path / "second.csv", [
        {"report_id": B, "sha256": SHA_B, "row": "administrative_licensing", "value": "blank", "reason": "empty cell",
         "reviewer": "lead", "date": "2026-01-02"}])
    assert _import(second, tmp_path, wh) == 0
    text = target.read_text(encoding="utf-8")
    assert text.count("report_id") == 1 and text.startswith(HEADER)
    frame = read_folder(tmp_path / "corr")
    assert len(frame) == 2
    last = frame.iloc[1]
    assert (last["report_id"], last["reviewer"], last["date"]) == (B, "lead", "2026-01-02")
    assert pd.isna(last["value"])  # written as `blank`, read back as a blank cell
    assert text.splitlines()[-1].split(",")[6] == "blank"


def test_an_import_contradicting_an_earlier_one_is_refused_and_changes_nothing(tmp_path, capsys):
    wh = _warehouse(tmp_path, {A: SHA_A})
    cell = {"report_id": A, "sha256": SHA_A, "row": "administrative_penalty", "reason": "PDF"}
    assert _import(_export(tmp_path / "one.csv", [cell | {"value": "107"}]), tmp_path, wh) == 0
    target = tmp_path / "corr" / "corrections.csv"
    before = target.read_bytes()
    capsys.readouterr()
    assert _import(_export(tmp_path / "two.csv", [cell | {"value": "108"}]), tmp_path, wh) == 1
    err = capsys.readouterr().err
    assert "two different corrections" in err and "administrative_penalty" in err and "nothing was imported" in err
    assert target.read_bytes() == before


def test_importing_the_same_export_twice_leaves_a_valid_folder(tmp_path):
    wh = _warehouse(tmp_path, {A: SHA_A})
    export = _export(tmp_path / "one.csv", [{"report_id": A, "sha256": SHA_A, "row": "administrative_penalty",
                                             "value": "107", "reason": "PDF"}])
    assert _import(export, tmp_path, wh) == 0
    assert _import(export, tmp_path, wh) == 0  # a person runs the import again: the cell is already there
    frame = read_folder(tmp_path / "corr")
    assert list(frame["value"]) == [107]


def test_import_appends_after_a_last_line_without_a_line_break(tmp_path):
    wh = _warehouse(tmp_path, {A: SHA_A})
    folder = tmp_path / "corr"
    folder.mkdir()
    (folder / "corrections.csv").write_text(HEADER + _row(report=A).rstrip("\n"), encoding="utf-8")
    export = _export(tmp_path / "one.csv", [{"report_id": A, "sha256": SHA_A, "row": "administrative_penalty",
                                             "value": "107", "reason": "PDF"}])
    assert _import(export, tmp_path, wh) == 0
    assert sorted(read_folder(folder)["row"]) == ["administrative_penalty", "new_received"]


def test_export_text_has_a_bom_and_empty_columns_to_fill_and_filled_rows_reads_one(tmp_path):
    queue = pd.DataFrame({
        "report_id": [A, A, B], "year": 2021, "sha256": [SHA_A, SHA_A, SHA_B],
        "table": ["active_disclosure", "active_disclosure", "applications"],
        "row": ["administrative_licensing", "administrative_penalty", "new_received"],
        "column": ["decisions", "decisions", "total"], "row_label": ["行政许可", "行政处罚", "一、本年新收"],
        "parsed_value": [None, None, 19.0], "cell_status": ["missing", "missing", "number"],
        "context": ["  62 |\n> 63 | l4l5", "> 73 | 1O7", "> 129 | 19"]})
    text = export_text(queue)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert list(rows[0])[-4:] == ["value", "reason", "reviewer", "date"]
    assert all(row[c] == "" for row in rows for c in ("value", "reason", "reviewer", "date"))
    assert [row["row_label"] for row in rows] == ["行政许可", "行政处罚", "一、本年新收"]

    rows[1]["value"], rows[1]["reason"] = "107", "read in the PDF"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    filled = filled_rows("\ufeff" + out.getvalue(), "review.csv", "analyst", "2026-01-02")
    assert list(filled.index) == [4]  # row 1 spans lines 2-3 (its context), row 2 starts on line 4
    assert filled[COLUMNS].to_dict("records") == [{
        "report_id": A, "sha256": SHA_A, "year": 2021, "table": "active_disclosure",
        "row": "administrative_penalty", "column": "decisions", "value": 107.0, "reason": "read in the PDF",
        "reviewer": "analyst", "date": "2026-01-02"}]


# ------------------------------------------------------------------------------------ apply

SAMPLE = "002_a6a6458d8018b677"
TRUTH = json.loads((SEED_TRUTH / f"{SAMPLE}.json").read_text(encoding="utf-8"))
LICENSING = next(a["value"] for a in TRUTH["active_disclosure"] if a["item"] == "行政许可")
NEW_NATURAL = TRUTH["applications"]["一、本年新收政府信息公开申请数量"]["自然人"]
KEY_LICENSING = ("active_disclosure", "administrative_licensing", "decisions")
KEY_NEW_NATURAL = ("applications", "new_received", "natural_person")


def _sample(replace: dict[int, str] | None = None) -> bytes:
    """The sample's bytes with some lines (1-based) replaced, checking each replaced line's text first."""
    lines = (SAMPLE_DIR / f"{SAMPLE}.txt").read_text(encoding="utf-8").split("\n")
    for number, (was, now) in (replace or {}).items():
        assert lines[number - 1].strip() == was, (number, lines[number - 1])
        lines[number - 1] = now
    return "\n".join(lines).encode("utf-8")


# the value lines of 行政许可 (1415) and of 表三 一、本年新收 自然人 (17) in the sample
LICENSING_LINE = (63, (str(LICENSING), "l4l5"))  # a value that reads as no value: its row is missing
NEW_NATURAL_LINE = 117


def _parse(data: bytes, corrections: list[Correction] = (), sha256: str | None = None) -> ParsedReport:
    read = read_lines(f"{SAMPLE}.txt", data)
    sections = find_sections(read.lines)
    return assemble(f"{SAMPLE}.txt", read.lines, sections, read_tables(read.lines, sections), read.encoding,
                    source_format=read.source_format, encoding_confident=read.confident, file_lines=read.file_lines,
                    traditional=read.traditional, boxes=read.boxes, pages=read.pages,
                    corrections=corrections, sha256=sha256)


def _correction(report: ParsedReport, data: bytes, key: tuple[str, str, str], value: float | None,
                sha256: str | None = None) -> Correction:
    return Correction(report.report_id, sha256 or hashlib.sha256(data).hexdigest(), 2021, *key, value,
                      "read in the published PDF", "analyst", "2026-12-07")


def _fact(report: ParsedReport, key: tuple[str, str, str]):
    return next(f for f in report.facts if (f.table, f.row, f.column) == key)


def _issues(report: ParsedReport, rule: str):
    return [i for i in report.issues if i.rule == rule]


def test_a_correction_agreeing_with_a_certain_reading_is_redundant():
    data = _sample()
    plain = _parse(data)
    assert _fact(plain, KEY_LICENSING).value == LICENSING and _fact(plain, KEY_LICENSING).cell_status == "number"
    report = _parse(data, [_correction(plain, data, KEY_LICENSING, LICENSING)], hashlib.sha256(data).hexdigest())
    assert _fact(report, KEY_LICENSING) == _fact(plain, KEY_LICENSING)
    assert report.corrected == {}
    [issue] = _issues(report, "correction_redundant")
    assert issue.severity == "info" and (issue.table, issue.row, issue.column) == KEY_LICENSING
    assert not _issues(report, "correction_disagrees")


def test_a_correction_disagreeing_with_a_certain_reading_is_not_applied():
    data = _sample()
    plain = _parse(data)
    report = _parse(data, [_correction(plain, data, KEY_LICENSING, LICENSING + 1)], hashlib.sha256(data).hexdigest())
    fact = _fact(report, KEY_LICENSING)
    assert (fact.value, fact.cell_status) == (LICENSING, "number")
    assert report.corrected == {}
    [issue] = _issues(report, "correction_disagrees")
    assert issue.severity == "warning" and issue.expected == str(LICENSING + 1)
    assert (issue.table, issue.row, issue.column) == KEY_LICENSING


def test_a_correction_of_another_version_of_the_file_is_orphaned():
    data = _sample({LICENSING_LINE[0]: LICENSING_LINE[1]})
    plain = _parse(data)
    assert _fact(plain, KEY_LICENSING).cell_status == "missing"
    report = _parse(data, [_correction(plain, data, KEY_LICENSING, LICENSING, sha256="0" * 64)],
                    hashlib.sha256(data).hexdigest())
    fact = _fact(report, KEY_LICENSING)
    assert (fact.value, fact.cell_status) == (None, "missing")
    assert report.corrected == {}
    [issue] = _issues(report, "correction_orphaned")
    assert issue.severity == "warning" and (issue.table, issue.row, issue.column) == KEY_LICENSING


def test_a_correction_of_a_cell_the_template_lacks_is_orphaned():
    data = _sample()
    plain = _parse(data)
    other = ("applications", "other_handling", "total")  # a 2019 row; this report is of the 2021 template
    report = _parse(data, [_correction(plain, data, other, 1)], hashlib.sha256(data).hexdigest())
    assert [(i.table, i.row, i.column) for i in _issues(report, "correction_orphaned")] == [other]
    assert [f for f in report.facts if f.cell_status == "corrected"] == []


def test_a_correction_of_a_missing_cell_is_applied_and_keeps_what_the_parser_read():
    data = _sample({LICENSING_LINE[0]: LICENSING_LINE[1]})
    plain = _parse(data)
    assert _fact(plain, KEY_LICENSING).cell_status == "missing"
    report = _parse(data, [_correction(plain, data, KEY_LICENSING, LICENSING)], hashlib.sha256(data).hexdigest())
    fact = _fact(report, KEY_LICENSING)
    assert (fact.value, fact.cell_status) == (LICENSING, "corrected")
    assert report.corrected == {KEY_LICENSING: Corrected(None, "missing", "read in the published PDF", "analyst")}
    assert not [i for i in report.issues if i.rule.startswith("correction_")]
    # every other fact as without the correction
    assert [f for f in report.facts if f != fact] == [f for f in plain.facts if (f.table, f.row, f.column) !=
                                                      KEY_LICENSING]
    [entry] = [e for e in to_json(report)["facts"]["active_disclosure"] if e["item"] == "administrative_licensing"]
    assert entry["value"] == LICENSING and entry["cell_status"] == "corrected"
    assert entry["parsed_value"] is None and entry["parsed_status"] == "missing"
    assert entry["reviewer"] == "analyst" and entry["correction_reason"] == "read in the published PDF"
    others = [e for e in to_json(report)["facts"]["active_disclosure"] if e["item"] != "administrative_licensing"]
    assert others and not any("parsed_status" in e for e in others)


def _checks(report: ParsedReport, row: str, column: str) -> dict[str, str]:
    """The status of the row's row_total check and of the column's balance check in 表三."""
    return {c.rule: c.status for c in report.checks if c.table == "applications"
            and ((c.rule == "row_total" and c.row == row) or (c.rule == "balance" and c.column == column))}


def test_a_correction_in_a_table_whose_checks_fail_is_applied_and_the_checks_recomputed():
    # 表三 一、本年新收 自然人 printed 71 for 17: its row total and its column's balance fail
    was = str(NEW_NATURAL)
    data = _sample({NEW_NATURAL_LINE: (was, was[::-1])})
    plain = _parse(data)
    assert _fact(plain, KEY_NEW_NATURAL).cell_status == "number"
    assert _checks(plain, "new_received", "natural_person")["row_total"] == "fails"
    assert _checks(plain, "new_received", "natural_person")["balance"] == "fails"
    report = _parse(data, [_correction(plain, data, KEY_NEW_NATURAL, NEW_NATURAL)], hashlib.sha256(data).hexdigest())
    fact = _fact(report, KEY_NEW_NATURAL)
    assert (fact.value, fact.cell_status) == (NEW_NATURAL, "corrected")
    assert report.corrected[KEY_NEW_NATURAL].parsed_value == int(was[::-1])
    assert report.corrected[KEY_NEW_NATURAL].parsed_status == "number"
    assert _checks(report, "new_received", "natural_person")["row_total"] == "holds"
    assert _checks(report, "new_received", "natural_person")["balance"] == "holds"
    assert not any(c.status == "fails" for c in report.checks if c.table == "applications")
    assert not [i for i in report.issues if i.table == "applications" and i.severity == "error"]
