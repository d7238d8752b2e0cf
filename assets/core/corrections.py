"""The corrections folder: CSV files a person filled, read and validated.

Belongs here: a corrections file's rows as a frame of the ``Corrections`` model (UTF-8 with or without a
BOM, ``value`` a number or ``blank``); a bad file is a ``CorrectionsError`` naming the file and the line at
fault, and nothing of that file is applied. Two files that correct one cell differently are an error too.
Does not belong here: applying corrections to a report (review.py: pure, no pandas). Nothing here imports
Dagster.
"""

import csv
import io
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from schemas.tables import Corrections

from .review import BLANK, Correction

# the columns of a corrections file, in order (``source`` is added when the folder is read)
COLUMNS = [name for name in Corrections.to_schema().columns if name != "source"]


class CorrectionsError(ValueError):
    """A corrections file that cannot be applied, with the file and line that say why."""


# ------------------------------------------------------------------------------------ reading

def read_file(path: Path) -> pd.DataFrame:
    """A corrections file (UTF-8 CSV, with or without a BOM; ``value`` a number or ``blank``) as a frame
    of the ``Corrections`` model. Raises ``CorrectionsError`` naming the file and the line at fault."""
    return parse_text(decoded(path.read_bytes(), str(path)), str(path))


def decoded(data: bytes, name: str) -> str:
    """A CSV's text: UTF-8, with or without a BOM; else an error naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise CorrectionsError(f"{name}: line {line}: not UTF-8 (save the CSV as UTF-8)") from None


def parse_text(text: str, name: str) -> pd.DataFrame:
    """The rows of a corrections CSV's text, validated (``name`` is what errors call it)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    header = next(csv.reader(io.StringIO(text)), [])
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise CorrectionsError(f"{name}: line 1: the header lacks {', '.join(missing)} (needs {', '.join(COLUMNS)})")
    frame = pd.DataFrame([{column: (row.get(column) or "").strip() for column in COLUMNS} for row in rows],
                         columns=COLUMNS)
    frame.index = range(2, len(frame) + 2)  # the line of each row in the file (the header is line 1)
    frame["value"] = [_value(text, name, line) for line, text in frame["value"].items()]
    return validated(frame, name)


def _value(text: str, name: str, line: int) -> float | None:
    if text.lower() == BLANK:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise CorrectionsError(f"{name}: line {line}: value {text!r} is not a number (or '{BLANK}' for a blank "
                               "cell)") from None


def validated(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` checked against the ``Corrections`` model; its index is the file's line numbers."""
    try:
        return Corrections.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise CorrectionsError(f"{name}: {_first_failure(errors.failure_cases, frame)}") from None


def _first_failure(cases: pd.DataFrame, frame: pd.DataFrame) -> str:
    """The failure of the lowest line, in words."""
    located = cases[cases["index"].notna()].sort_values("index", key=lambda s: s.astype(int))
    if located.empty:
        case = cases.iloc[0]
        return f"{case['check']} ({case['failure_case']})"
    case = located.iloc[0]
    line = int(case["index"])
    if case["check"] == "known_cell":
        row = frame.loc[line]
        return f"line {line}: no cell {row['table']}/{row['row']}/{row['column']} in the catalog"
    if "unique" in str(case["check"]) or "duplicated" in str(case["check"]):
        return f"line {line}: a second correction of the same cell ({case['column']})"
    return f"line {line}: {case['column']} {case['failure_case']!r} fails {case['check']}"


def read_folder(folder: Path) -> pd.DataFrame:
    """Every corrections file (``*.csv``) under ``folder``, in name order, as one frame with ``source``
    (file:line); an absent folder has none. Two files that correct one cell differently are an error."""
    frames = []
    for path in sorted(folder.rglob("*.csv")) if folder.is_dir() else []:
        frame = read_file(path)
        frames.append(frame.assign(source=[f"{path.name}:{line}" for line in frame.index]))
    if not frames:
        return pd.DataFrame(columns=[*COLUMNS, "source"])
    every = pd.concat(frames, ignore_index=True)
    _refuse_conflicts(every)
    return every.drop_duplicates(_CELL, keep="last").reset_index(drop=True)


_CELL = ["report_id", "table", "row", "column"]


def _refuse_conflicts(frame: pd.DataFrame) -> None:
    """Raise when two rows (``source``: file:line) correct one cell with different values."""
    for _, group in frame[frame.duplicated(_CELL, keep=False)].groupby(_CELL, sort=False):
        if group["value"].nunique(dropna=False) > 1:
            raise CorrectionsError(f"{' and '.join(group['source'])}: two different corrections of one cell "
                                   f"({'/'.join(group.iloc[0][['table', 'row', 'column']])})")


def corrections_of(frame: pd.DataFrame) -> list[Correction]:
    return [Correction(*row) for row in frame[COLUMNS].itertuples(index=False, name=None)]


# ------------------------------------------------------------------------------------ review CSVs

EXPORT_EXTRA = ["value", "reason", "reviewer", "date"]  # the columns a person fills in an exported queue


def export_text(queue: pd.DataFrame) -> str:
    """A year's review queue as the CSV a person fills in a spreadsheet: every queue column, then empty
    ``value`` (a number, or ``blank``), ``reason``, ``reviewer`` and ``date`` columns. UTF-8 with a BOM, so
    that Excel shows the Chinese labels."""
    frame = queue.copy()
    for column in EXPORT_EXTRA:
        frame[column] = ""
    return "\ufeff" + frame.to_csv(index=False, lineterminator="\n")


def filled_rows(text: str, name: str, reviewer: str, today: str) -> pd.DataFrame:
    """The rows of a filled export that got a value, as validated corrections indexed by the line each row
    starts on; ``reviewer`` and ``today`` fill a row's empty reviewer and date."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise CorrectionsError(f"{name}: line 1: the header lacks {', '.join(missing)} (an export of "
                               "`govreports review export` has them)")
    rows, lines, start = [], [], 2
    for row in reader:
        if (row.get("value") or "").strip():
            rows.append({column: (row.get(column) or "").strip() for column in COLUMNS})
            rows[-1]["reviewer"] = rows[-1]["reviewer"] or reviewer
            rows[-1]["date"] = rows[-1]["date"] or today
            lines.append(start)
        start = reader.line_num + 1
    frame = pd.DataFrame(rows, columns=COLUMNS, index=lines)
    frame["value"] = [_value(value, name, line) for line, value in frame["value"].items()]
    return validated(frame, name)


def append(folder: Path, rows: pd.DataFrame, file_name: str = "corrections.csv") -> Path:
    """Append validated ``rows`` to ``folder/file_name`` (made with its header if new) once the folder with
    them still reads without a conflict; nothing is written otherwise."""
    target = folder / file_name
    existing = read_folder(folder)
    _refuse_conflicts(pd.concat([existing, rows.assign(source=[f"(imported):{line}" for line in rows.index])],
                                ignore_index=True))
    folder.mkdir(parents=True, exist_ok=True)
    new = not target.exists()
    out = rows[COLUMNS].copy()
    out["value"] = [BLANK if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v)) for v in out["value"]]
    with target.open("a", encoding="utf-8", newline="") as handle:
        out.to_csv(handle, index=False, header=new, lineterminator="\n")
    return target
