"""A generated warehouse of two years for the oversight tests (``oversight_warehouse``), and what was done to it.

Fourteen agencies report in 2020 and in 2021 (benchmarks/generate_corpus.py; a 2021 report renamed to its
2020 agency, as tests/test_notebook.py does), laid out as ``raw/<year>/a<NN>.txt``. Then some files are removed
and others added or broken, and each change is recorded in the fixture: what coverage must find is computed from
these records, never from an asset's output. Agency ids come from the pure parser (``parse_report``) of the
bytes written. Two agencies get fixed names for the search tests (滁州市南谯区经济和信息化局, 衡水市桃城区人民政府):
no report prints them in a short form.
"""

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pytest

from assets.parser.report import parse_report, to_json
from benchmarks.generate_corpus import GeneratedReport, build_report
from orchestration.checks import ASSET_CHECKS
from orchestration.definitions import ASSETS, YEAR_ASSETS, build_resources

SEED = 11
YEARS = (2020, 2021)
AGENCIES = 14
NAMED = ("滁州市南谯区经济和信息化局", "衡水市桃城区人民政府")  # slots 0 and 1, for `govreports agencies`
SECOND_REPORT = 500  # generator index of the second, different 2021 report given to one agency


@dataclass
class OversightWarehouse:
    """A materialized warehouse (the year tables of 2020 and 2021 and their ``coverage``) and what was done to its
    raw folder. Agencies are keyed by agency_id; a slot's files are ``<year>/a<slot:02d>.txt``."""

    raw: Path
    warehouse: Path
    names: dict[str, str] = field(default_factory=dict)  # agency_id → the name its reports print
    slots: dict[str, int] = field(default_factory=dict)  # agency_id → its slot
    removed: dict[int, set[str]] = field(default_factory=dict)  # year → agencies whose file of the year was deleted
    duplicated: dict[int, set[str]] = field(default_factory=dict)  # year → agencies given a second, different report
    unreadable: dict[int, dict[str, str]] = field(default_factory=dict)  # year → agency → words its reason has
    unplaced: dict[int, list[str]] = field(default_factory=dict)  # year → failed files of no agency
    of_no_year: list[str] = field(default_factory=list)  # failed files neither read nor named with a year
    metadata: dict[int, dict] = field(default_factory=dict)  # year → coverage's materialization metadata

    def resources(self, roster: str = "") -> dict:
        """The resources of a run on this warehouse (no corrections; ``roster``: a CSV path, "" for none)."""
        return build_resources(str(self.raw), str(self.warehouse), corrections=str(self.raw.parent / "corrections"),
                               roster=roster)

    def materialize(self, instance: dg.DagsterInstance, selection: list[str], partition: str | None = None,
                    roster: str = "", raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
        return dg.materialize([*ASSETS, *ASSET_CHECKS], selection=selection, partition_key=partition,
                              resources=self.resources(roster), instance=instance, raise_on_error=raise_on_error)

    def path(self, year: int, agency_id: str, suffix: str = ".txt") -> Path:
        return self.raw / str(year) / f"a{self.slots[agency_id]:02d}{suffix}"

    def copy(self, folder: Path) -> "OversightWarehouse":
        """The same records over a copy of the warehouse (the raw folder is shared: never write to it)."""
        shutil.copytree(self.warehouse, folder)
        return OversightWarehouse(**{**self.__dict__, "warehouse": folder})


def _text(report: GeneratedReport) -> str:
    return report.data.decode(report.truth["generator"]["encoding"])


def _renamed(report: GeneratedReport, name: str) -> bytes:
    """The report's bytes with its agency's name replaced by ``name`` wherever it is printed."""
    encoding = report.truth["generator"]["encoding"]
    return _text(report).replace(report.truth["agency"], name).encode(encoding)


def _agency_id(name: str, data: bytes) -> str | None:
    return to_json(parse_report(name, data))["agency_id"]


def _slots() -> list[tuple[str, str, dict[int, bytes]]]:
    """``AGENCIES`` agencies with distinct, resolved ids, each with its report of every year: (id, name, bytes)."""
    chosen: list[tuple[str, str, dict[int, bytes]]] = []
    index = 0
    while len(chosen) < AGENCIES:
        reports = {year: build_report(SEED, index, year) for year in YEARS}
        name = NAMED[len(chosen)] if len(chosen) < len(NAMED) else reports[YEARS[0]].truth["agency"]
        data = {year: _renamed(report, name) for year, report in reports.items()}
        ids = {_agency_id(f"{year}.txt", data[year]) for year in YEARS}
        index += 1
        agency_id = ids.pop()
        if ids or agency_id is None or agency_id.startswith("?/") or agency_id in {c[0] for c in chosen}:
            continue  # the years disagree, the place is ambiguous, or the agency is taken
        chosen.append((agency_id, name, data))
    return chosen


def _head(data: bytes, lines: int = 12) -> bytes:
    """The report's first lines only: its title and opening prose, no table."""
    return b"\n".join(data.splitlines()[:lines]) + b"\n"


def build(root: Path) -> OversightWarehouse:
    """Write the raw folder, change it, and record the changes (nothing materialized)."""
    built = OversightWarehouse(raw=root / "raw", warehouse=root / "warehouse")
    for slot, (agency_id, name, data) in enumerate(_slots()):
        built.names[agency_id], built.slots[agency_id] = name, slot
        for year in YEARS:
            built.path(year, agency_id).parent.mkdir(parents=True, exist_ok=True)
            built.path(year, agency_id).write_bytes(data[year])
    agencies = list(built.slots)
    # 2021: three agencies' files removed, one agency's removed from 2020 instead
    built.removed = {2021: set(agencies[2:5]), 2020: {agencies[5]}}
    for year, removed in built.removed.items():
        for agency_id in removed:
            built.path(year, agency_id).unlink()
    # 2021: a second, different report of one agency
    twin = agencies[6]
    second = build_report(SEED, SECOND_REPORT, 2021)
    built.path(2021, twin, "_revised.txt").write_bytes(_renamed(second, built.names[twin]))
    built.duplicated = {2021: {twin}, 2020: set()}
    # 2021: an agency's file a broken PDF, one empty, one a report without its tables
    broken, empty, tableless = agencies[7:10]
    built.path(2021, broken).unlink()
    built.path(2021, broken, ".pdf").write_bytes(b"%PDF-1.4\nnot a PDF body\n")
    built.path(2021, empty).write_bytes(b"")
    built.path(2021, tableless).write_bytes(_head(built.path(2021, tableless).read_bytes()))
    built.unreadable = {2021: {broken: "broken PDF", empty: "empty file", tableless: "no template table"}, 2020: {}}
    # a failed file of no agency whose path names 2021, and one whose path names no year
    (built.raw / "2021" / "notice_2021.pdf").write_bytes(b"%PDF-1.7\ntruncated")
    built.unplaced = {2021: ["2021/notice_2021.pdf"], 2020: []}
    (built.raw / "misc").mkdir()
    (built.raw / "misc" / "readme.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 60)
    built.of_no_year = ["misc/readme.doc"]
    return built


@pytest.fixture(scope="session")
def oversight_warehouse(tmp_path_factory: pytest.TempPathFactory) -> OversightWarehouse:
    """The generated raw folder materialized: the inventory, the year tables of 2020 and 2021, their coverage."""
    built = build(tmp_path_factory.mktemp("oversight"))
    with dg.instance_for_test() as instance:
        built.materialize(instance, ["raw_file_inventory"])
        for year in YEARS:
            built.materialize(instance, YEAR_ASSETS, str(year))
        for year in YEARS:
            result = built.materialize(instance, ["coverage"], str(year))
            built.metadata[year] = result.asset_materializations_for_node("coverage")[0].metadata
    return built
