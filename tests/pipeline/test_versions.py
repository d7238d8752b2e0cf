"""What marks the tables stale: code that changes the output does; a comment, a docstring or a new calendar
year does not (a new year re-decides only the files of the year it adds)."""

import datetime
import shutil
from pathlib import Path

import pytest

import assets.pipeline.ingest as ingest
import schemas.catalog as catalog
from assets.pipeline import versions
from assets.pipeline.ingest import build_inventory, current_records
from assets.pipeline.versions import VERSIONED, inputs_fingerprint, sources_digest
from tests.conftest import ROOT, SAMPLE_DIR, copy_text_samples


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A copy of the versioned sources, to edit."""
    for name in VERSIONED:
        source, target = ROOT / name, tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
        else:
            shutil.copy(source, target)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_comments_docstrings_and_blank_lines_leave_the_code_version(project: Path):
    before = sources_digest(project)
    text = project / "assets" / "parser" / "text.py"
    edit(text, '"""', '"""A docstring reworded. ')
    edit(text, "\nimport ", "\n# a comment above the imports\n\nimport ")
    values = project / "assets" / "parser" / "values.py"
    edit(values, "\ndef ", "\n\n# why this function exists, in a comment\ndef ")
    assert sources_digest(project) == before


def test_a_catalog_label_changes_the_code_version(project: Path):
    before = sources_digest(project)
    edit(project / "schemas" / "catalog.py", '"行政许可"', '"行政许可事项"')
    assert sources_digest(project) != before


def test_a_change_to_what_runs_changes_the_code_version(project: Path):
    before = sources_digest(project)
    edit(project / "assets" / "pipeline" / "ingest.py", "MAX_BYTES = 20 * 2**20", "MAX_BYTES = 21 * 2**20")
    assert sources_digest(project) != before


class NextYear(datetime.date):
    """Today, a year from now."""

    @classmethod
    def today(cls) -> datetime.date:
        now = datetime.date.today()
        return datetime.date(now.year + 1, 1, 1)


def report_of_next_year() -> bytes:
    """Sample 001 (a 2021 report whose title says 2020) with both years moved to the year after this one."""
    text = (SAMPLE_DIR / "001_64ff3bdd190e597a.txt").read_text(encoding="utf-8")
    next_year = datetime.date.today().year + 1
    return text.replace("2021", str(next_year)).replace("2020", str(next_year)).encode("utf-8")


def test_a_new_calendar_year_keeps_every_record_and_every_fingerprint(tmp_path: Path, monkeypatch):
    raw = tmp_path / "raw"
    copy_text_samples(raw)
    (raw / "next_year.txt").write_bytes(report_of_next_year())
    first = build_inventory(raw)
    before = first.to_pandas().set_index("source_path")
    assert before.loc["next_year.txt", "outcome"] == "year_out_of_range"
    code_before = versions.code_version.__wrapped__()

    monkeypatch.setattr(catalog, "date", NextYear)  # the first of January
    assert catalog.reporting_years().stop == datetime.date.today().year + 2
    assert versions.code_version.__wrapped__() == code_before
    parsed: list[str] = []
    monkeypatch.setattr(ingest, "read_entry", lambda *args, **kwargs: parsed.append(args[0]))
    second = build_inventory(raw, known=current_records(first))
    assert parsed == []  # no file read again
    after = second.to_pandas().set_index("source_path")
    assert after.loc["next_year.txt", "outcome"] == "report"  # the year it adds: its file is a report now
    assert after.drop(index="next_year.txt").equals(before.drop(index="next_year.txt"))
    for year in (2020, 2021):
        rows = [frame.reset_index().pipe(lambda f, y=year: f[f["year"] == y]) for frame in (before, after)]
        assert len(rows[0]) and inputs_fingerprint(rows[0]) == inputs_fingerprint(rows[1])


def test_a_touched_file_keeps_its_year_fingerprint(tmp_path: Path):
    """Only the modification time differs: the year's inputs are the same."""
    raw = tmp_path / "raw"
    copy_text_samples(raw)
    first = build_inventory(raw).to_pandas()
    touched = first.assign(modified_ns=first["modified_ns"] + 10**9)
    assert inputs_fingerprint(first) == inputs_fingerprint(touched)
    assert inputs_fingerprint(first) != inputs_fingerprint(first.assign(sha256="0" * 64))
