"""The raw folder to an inventory: every file found, read or refused, each with its outcome.

Belongs here: discovering files in a local folder or on object storage (never following a link out
of the raw folder), refusing what is not one report file (empty, legacy .doc/.wps, a ZIP that is no .docx, binary, too
large) with a clear reason, recording why a PDF or Word file could not be read (needs OCR, encrypted,
broken), saying why a text is not a report of a year (no report, no year, a
year without a partition), and marking duplicates (same normalized content, so the same report saved
twice under different names or encodings is one report).
``build_inventory`` parses the files on every core and keeps one small record per file, as Arrow columns,
never the parsed reports, so its memory grows with the file count by that small record per file only.
Given the previous inventory, it parses only what it has not seen: a file whose path and sha256 are those
of a record made by the same ``code_version`` keeps that record (the bytes are still read and hashed).
"""

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from upath import UPath

from schemas.catalog import reporting_years
from schemas.tables import RawFileInventory

from ..parser.positions import UnreadableDocument
from ..parser.reading import document_kind
from ..parser.report import Identity, ParsedReport, identify, parse_report
from ..parser.text import utf16_without_bom
from .pool import ordered_map
from .versions import code_version

# Files of these outcomes belong to a year partition: reports, and texts that are no report (recorded in
# that year's quality_issues). Duplicates are decided later and follow their original's year.
YEAR_OUTCOMES = ("report", "not_a_report")
_SIGNATURES = ((b"PK\x03\x04", "ZIP container without a Word document (XLSX? an archive?): save the report as "
                                 ".docx, .pdf or text"),
               (b"\xd0\xcf\x11\xe0", "legacy Word/WPS/Excel file (.doc/.wps/.xls, an OLE container): save it "
                                     "as .docx (Word: 另存为 .docx) or .pdf"))
# The largest real report seen (an HTML page with its chrome) is 111 KB. A file 180 times that is a dump,
# a log or a crawl artefact, and parsing it would take far longer than any report.
MAX_BYTES = 20 * 2**20
@dataclass
class InventoryEntry:
    """One raw file and what became of it; ``identity`` is set when it was read as text, ``report`` too
    when it was parsed in full."""

    source_path: str
    sha256: str
    bytes: int
    outcome: str
    reason: str | None
    identity: Identity | None = None
    report: ParsedReport | None = None
    source_format: str | None = None  # a PDF or Word file that could not be read: its format
    pages: int | None = None  # ... and its page count, when known (a scanned PDF)

    def record(self, modified_ns: int = 0) -> dict:
        """The inventory row; ``modified_ns``: the file's modification time when it was read."""
        identity = self.identity
        return {"source_path": self.source_path, "sha256": self.sha256, "bytes": self.bytes, "modified_ns": modified_ns,
                "encoding": identity.encoding if identity else None,
                "encoding_confident": identity.encoding_confident if identity else None,
                "source_format": identity.source_format if identity else self.source_format,
                "pages": identity.pages if identity else self.pages,
                "report_id": identity.report_id if identity else None,
                "year": identity.year.year if identity else None,
                "template": identity.template if identity else None,
                "outcome": self.outcome, "reason": self.reason, "code_version": code_version()}


def discover(root: Path | UPath) -> list[str]:
    """The name (relative to ``root``, with ``/``) of every regular file under ``root``, sorted by folder
    then name; hidden files and folders are skipped, and local links are followed only to a file inside
    ``root``. ``root`` may be a UPath on object storage (``s3://bucket/raw``): one listing, no links there.
    A folder that cannot be listed fails the scan: skipped, its reports would be taken as removed."""
    if isinstance(root, Path):  # a local folder: a plain path, or the UPath of one (a pathlib.Path too)
        names = list(_local_names(Path(root).resolve()))
    else:  # fsspec keeps listings forever by default: others' uploads would stay unseen
        root.fs.invalidate_cache()  # the whole cache: s3fs drops only a path and its parents, not sub-folders
        listed = (path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
        names = [name for name in listed if not any(part.startswith(".") for part in name.split("/"))]
    return sorted(names, key=lambda name: name.split("/"))


def _local_names(root: Path, folder: str = "") -> Iterator[str]:
    """The files under ``root / folder`` as names relative to ``root``, with ``os.scandir`` (a pathlib walk
    costs the main process far more on a large folder: benchmarks/RESULTS.md): links to folders are not
    walked (a loop, or a way out of the raw folder), links to files only when they resolve inside ``root``."""
    with os.scandir(root / folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            name = folder + entry.name
            if entry.is_dir(follow_symlinks=False):
                yield from _local_names(root, name + "/")
            elif entry.is_file() and (not entry.is_symlink() or Path(entry.path).resolve().is_relative_to(root)):
                yield name


def refusal(data: bytes) -> str | None:
    """Why these bytes are not a text report, or None when they may be one."""
    if not data.strip():
        return "empty file"
    if len(data) > MAX_BYTES:
        return f"file too large for one report ({len(data):,} bytes, limit {MAX_BYTES:,})"
    if document_kind(data) is not None:
        return None
    for signature, reason in _SIGNATURES:
        if data.startswith(signature):
            return reason
    head = data[:4096]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and utf16_without_bom(data) is None:
        return "binary file (NUL bytes)"
    return None


def read_entry(source_path: str, data: bytes, full: bool = True) -> InventoryEntry:
    """Inventory one file: refuse it, or read it and say whether it is a report of a year. ``full`` also
    keeps the parsed report (figures, checks); without it only what the inventory records is worked out."""
    digest = hashlib.sha256(data).hexdigest()
    reason = refusal(data)
    if reason is not None:
        return InventoryEntry(source_path, digest, len(data), "unreadable", reason)
    try:
        report = parse_report(source_path, data) if full else None
        identity = report.identity if report is not None else identify(source_path, data)
    except UnreadableDocument as error:
        return InventoryEntry(source_path, digest, len(data), "unreadable", error.reason,
                              source_format=document_kind(data), pages=error.pages)
    outcome, reason = classify(identity)
    return InventoryEntry(source_path, digest, len(data), outcome, reason, identity, report)


def classify(report: Identity) -> tuple[str, str | None]:
    """The outcome of a text read, and why it is not a report of a year (None when it is)."""
    years = reporting_years()
    if not report.has_cells and not report.has_sections and report.title is None:
        if not any(line.strip() for line in report.lines):
            return "not_a_report", "no text: only spaces, BOMs or line breaks"
        return "not_a_report", "no report title, no section heading and no template table"
    if report.year.year is None:
        return "no_year", "no reporting year in title, statistics period or body"
    if report.year.year not in years:
        return "year_out_of_range", (f"reporting year {report.year.year} has no partition "
                                     f"({years.start}–{years.stop - 1})")
    return "report", None


CHUNK = 64  # files per task sent to a worker


@cache
def inventory_schema() -> pa.Schema:
    """The inventory's Arrow columns, typed as the RawFileInventory model coerces them."""
    empty = RawFileInventory.validate(pd.DataFrame(columns=list(RawFileInventory.to_schema().columns)))
    return pa.Schema.from_pandas(empty, preserve_index=False).remove_metadata()


def inventory_records(root: Path | UPath, names: list[str], known: list[dict | None] | None = None) -> list[dict]:
    """The inventory record of each named file under ``root``; ``known`` (aligned with ``names``) holds
    the previous record of a file, if any, kept when its sha256 is unchanged."""
    return [_record(name, root / name, previous)
            for name, previous in zip(names, known or [None] * len(names), strict=True)]


def _record(name: str, path: Path | UPath, previous: dict | None) -> dict:
    modified = file_state(path)[1]  # before reading: a file changed while it is read is seen changed next time
    data = path.read_bytes()
    if previous is not None and hashlib.sha256(data).hexdigest() == previous["sha256"]:
        return previous | {"modified_ns": modified}
    return read_entry(name, data, full=False).record(modified)


def file_state(path: Path | UPath) -> tuple[int, int]:
    """A file's size and modification time in nanoseconds, as its file system gives them (time 0: none)."""
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns or 0


def _records_of(task: tuple[Path | UPath, list[str], list[dict | None]]) -> pa.RecordBatch:
    """A task's records as columns (runs in a worker): the main process then never holds a Python object
    per file, whose leftovers stayed pinned in its heap after a large inventory."""
    return pa.RecordBatch.from_pylist(inventory_records(*task), schema=inventory_schema())


def build_inventory(root: Path | UPath, workers: int = 1, known: pa.Table | None = None) -> pa.Table:
    """The record of every file under ``root`` (``InventoryEntry.record``, one row each, in path order),
    parsed over ``workers`` processes; later copies of an already seen report are duplicates. A file with
    a record in ``known`` (``current_records`` of an earlier inventory of ``root``) of the same path and
    sha256 keeps it unparsed."""
    root = root.resolve()
    names = discover(root)
    records = known_records(known, names)
    tasks = ((root, names[start:start + CHUNK], records(start, start + CHUNK)) for start in range(0, len(names), CHUNK))
    return mark_duplicates(pa.Table.from_batches(list(ordered_map(_records_of, tasks, workers)),
                                                 schema=inventory_schema()))


def current_records(previous: pa.Table | None) -> pa.Table | None:
    """The records of an earlier inventory made by this code_version, in the inventory's schema; None when
    there are none (no earlier inventory, or one of other columns: a code_version changes with the schema)."""
    schema = inventory_schema()
    if previous is None or not set(schema.names) <= set(previous.column_names):
        return None
    previous = previous.filter(pc.equal(previous["code_version"], code_version()))
    # One chunk: the table came as a chunk per task, and take() over thousands of chunks is slow on every call
    # (benchmarks/RESULTS.md)
    return previous.select(schema.names).cast(schema).combine_chunks() if previous.num_rows else None


def known_records(known: pa.Table | None, names: list[str]) -> Callable[[int, int], list[dict | None]]:
    """A function of ``(start, stop)`` giving, for each of ``names[start:stop]``, its record in ``known``
    (as it was before duplicates were marked), else None."""
    if known is None:
        return lambda start, stop: [None] * len(names[start:stop])
    positions = pc.index_in(pa.array(names, pa.large_string()), value_set=known["source_path"])

    def records(start: int, stop: int) -> list[dict | None]:
        chunk = positions[start:stop].to_pylist()
        found = iter(known.take([p for p in chunk if p is not None]).to_pylist())
        return [None if position is None else _undecided(next(found)) for position in chunk]

    return records


def kept_records(inventory: pa.Table, known: pa.Table | None) -> int:
    """How many records of ``inventory`` were kept from ``known`` rather than parsed again."""
    if known is None:
        return 0
    keys = ["source_path", "sha256"]
    return inventory.select(keys).join(known.select(keys), keys, join_type="inner").num_rows


def _undecided(record: dict) -> dict:
    """A previous record as its file alone decides it: whether a report is a duplicate depends on the
    other files, and is decided anew (``mark_duplicates``); a report of a year that had no partition when it
    was read is a report once the year has one (a new calendar year re-decides only its own files)."""
    if record["outcome"] == "duplicate" or (record["outcome"] == "year_out_of_range"
                                            and record["year"] in reporting_years()):
        return record | {"outcome": "report", "reason": None}
    return record


def mark_duplicates(inventory: pa.Table) -> pa.Table:
    """Each report whose report_id an earlier row already has becomes a duplicate of that row's file."""
    frame = inventory.select(["source_path", "report_id", "outcome", "reason"]).to_pandas()
    reports = frame[frame["outcome"] == "report"]
    original = reports.groupby("report_id", sort=False)["source_path"].transform("first")
    later = original.index[original != reports["source_path"]]
    frame.loc[later, "outcome"] = "duplicate"
    frame.loc[later, "reason"] = "same report as " + original[later]
    for column in ("outcome", "reason"):
        inventory = inventory.set_column(inventory.schema.get_field_index(column), column,
                                         pa.array(frame[column], type=pa.large_string(), from_pandas=True))
    return inventory


def years_changed(previous: pa.Table | None, inventory: pa.Table) -> list[int]:
    """The years whose files differ between two inventories: the years of files added, removed or changed
    (content, year or outcome; both years of a file whose year changed). No previous inventory: every year."""
    keys = ["source_path", "sha256", "year", "outcome"]
    rows = inventory.select(keys).to_pandas()
    if previous is not None and set(keys) <= set(previous.column_names):
        rows = rows.merge(previous.select(keys).to_pandas(), how="outer", on=keys, indicator=True)
        rows = rows[rows["_merge"] != "both"]
    return sorted(int(year) for year in rows["year"].dropna().unique())
