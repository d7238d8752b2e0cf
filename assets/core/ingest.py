"""The raw folder to an inventory: every file found, read or refused, each with its outcome.

Belongs here: discovering files (never following a link out of the raw folder), refusing what is not
text (empty, PDF, DOCX/ZIP, binary) with a clear reason, and marking duplicates (same normalized
content, so the same report saved twice under different names or encodings is one report).
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .report import ParsedReport, parse_report
from .text import utf16_without_bom

_SIGNATURES = ((b"%PDF", "PDF document: convert it to text first"),
               (b"PK\x03\x04", "ZIP container (DOCX/XLSX?): convert it to text first"),
               (b"\xd0\xcf\x11\xe0", "OLE document (DOC/XLS?): convert it to text first"))


@dataclass
class InventoryEntry:
    """One raw file and what became of it; ``report`` is set when it was read as a report."""

    source_path: str
    sha256: str
    bytes: int
    outcome: str
    reason: str | None
    report: ParsedReport | None = None

    def record(self) -> dict:
        report = self.report
        return {"source_path": self.source_path, "sha256": self.sha256, "bytes": self.bytes,
                "encoding": report.encoding if report else None,
                "report_id": report.report_id if report else None,
                "year": report.year.year if report else None,
                "template": report.template if report else None,
                "outcome": self.outcome, "reason": self.reason}


def discover(root: Path) -> list[Path]:
    """Every regular file under ``root``, sorted; links pointing outside ``root`` are skipped."""
    root = root.resolve()
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            continue
        found.append(path)
    return found


def refusal(data: bytes) -> str | None:
    """Why these bytes are not a text report, or None when they may be one."""
    if not data.strip():
        return "empty file"
    for signature, reason in _SIGNATURES:
        if data.startswith(signature):
            return reason
    head = data[:4096]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and utf16_without_bom(data) is None:
        return "binary file (NUL bytes)"
    return None


def read_entry(source_path: str, data: bytes) -> InventoryEntry:
    """Inventory one file: refuse it, or parse it and say whether it is a report of a year."""
    digest = hashlib.sha256(data).hexdigest()
    reason = refusal(data)
    if reason is not None:
        return InventoryEntry(source_path, digest, len(data), "unreadable", reason)
    report = parse_report(source_path, data)
    if not report.facts and not report.sections and report.title is None:
        outcome, reason = "not_a_report", "no report title, no section heading and no template table"
    elif report.year.year is None:
        outcome, reason = "no_year", "no reporting year in title, statistics period or body"
    else:
        outcome, reason = "report", None
    return InventoryEntry(source_path, digest, len(data), outcome, reason, report)


def build_inventory(root: Path) -> list[InventoryEntry]:
    """Inventory every file under ``root``; later copies of an already seen report are duplicates."""
    entries = []
    first_path: dict[str, str] = {}
    for path in discover(root):
        entry = read_entry(path.relative_to(root.resolve()).as_posix(), path.read_bytes())
        if entry.report is not None and entry.outcome == "report":
            original = first_path.setdefault(entry.report.report_id, entry.source_path)
            if original != entry.source_path:
                entry.outcome, entry.reason = "duplicate", f"same report as {original}"
        entries.append(entry)
    return entries
