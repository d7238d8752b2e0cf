"""The corrections folder: CSV files a person filled, read and validated.

Belongs here: a corrections file's rows as a frame of the ``Corrections`` model (UTF-8 with or without a
BOM, ``value`` a number or ``blank``); a bad file is a ``CorrectionsError`` naming the file and the line at
fault, and nothing of that file is applied. Two files that correct one cell differently are an error too.
Does not belong here: applying corrections to a report (review.py: pure, no pandas), and what every CSV file a
person writes shares (csv_files.py: decoding, rows with their lines, the model's failure named by line). Nothing
here imports Dagster.
"""

import csv
import io
from pathlib import Path

import pandas as pd

from schemas.tables import Corrections

from ..parser.review import BLANK, Correction, shown_value
from .csv_files import CsvKind

# the columns of a corrections file, in order (``source`` is added when the folder is read)
COLUMNS = [name for name in Corrections.to_schema().columns if name != "source"]


class CorrectionsError(ValueError):
    """A corrections file that cannot be applied, with the file and line that say why."""


_FILE = CsvKind(tuple(COLUMNS), Corrections, CorrectionsError, {
    "known_cell": lambda row: f"no cell {row['table']}/{row['row']}/{row['column']} in the catalog"})


# ------------------------------------------------------------------------------------ reading

def read_file(path: Path) -> pd.DataFrame:
    """A corrections file (UTF-8 CSV, with or without a BOM; ``value`` a number or ``blank``) as a frame
    of the ``Corrections`` model. Raises ``CorrectionsError`` naming the file and the line at fault."""
    return parse_text(decoded(path.read_bytes(), str(path)), str(path))


def decoded(data: bytes, name: str) -> str:
    """A corrections CSV's text (UTF-8, with or without a BOM), or a ``CorrectionsError`` naming the bad line."""
    return _FILE.text(data, name)


def parse_text(text: str, name: str) -> pd.DataFrame:
    """The rows of a corrections CSV's text, validated (``name`` is what errors call it)."""
    return _frame(list(_FILE.rows(text, name, "needs " + ", ".join(COLUMNS))), name)


def _frame(rows: list[tuple[int, dict[str, str]]], name: str) -> pd.DataFrame:
    """Rows (line, fields) as a validated frame indexed by their lines."""
    frame = _FILE.frame(rows)
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
    again = frame[frame.duplicated(_CELL, keep="first")]
    if len(again):
        line = again.index[0]
        first = frame[(frame[_CELL] == again.iloc[0][_CELL]).all(axis=1)].index[0]
        raise CorrectionsError(f"{name}: line {line}: a second correction of "
                               f"{'/'.join(again.iloc[0][['table', 'row', 'column']])} (the first is on line {first})")
    return _FILE.validated(frame, name)


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
    filled = [(line, row | {"reviewer": row["reviewer"] or reviewer, "date": row["date"] or today})
              for line, row in _FILE.rows(text, name, "an export of `govreports review export` has them")
              if row["value"]]
    return _frame(filled, name)


def _cells_and_values(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return [(*key, shown_value(value)) for *key, value in frame[[*_CELL, "value"]].itertuples(index=False)]


def append(folder: Path, rows: pd.DataFrame, file_name: str = "corrections.csv") -> tuple[Path, int]:
    """Append validated ``rows`` to ``folder/file_name`` (made with its header if new; else in its columns'
    order, after a line break if its last line has none) once the folder with them still reads without a
    conflict; nothing is written otherwise. Rows the folder already holds (the same cell and value: an
    export imported twice) are not written again. Returns the file and the number of rows written."""
    target = folder / file_name
    existing = read_folder(folder)
    _refuse_conflicts(pd.concat([existing, rows.assign(source=[f"(imported):{line}" for line in rows.index])],
                                ignore_index=True))
    held = set(_cells_and_values(existing))
    fresh = rows[[cell not in held for cell in _cells_and_values(rows)]]
    if fresh.empty:
        return target, 0
    folder.mkdir(parents=True, exist_ok=True)
    data = target.read_bytes() if target.exists() else b""
    columns = next(csv.reader(io.StringIO(decoded(data, str(target)).lstrip("\ufeff")))) if data else COLUMNS
    out = fresh[COLUMNS].assign(value=[shown_value(value) for value in fresh["value"]])
    with target.open("a", encoding="utf-8", newline="") as handle:
        handle.write("\n" if data and not data.endswith(b"\n") else "")
        out[columns].to_csv(handle, index=False, header=not data, lineterminator="\n")
    return target, len(out)

