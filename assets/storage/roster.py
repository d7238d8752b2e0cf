"""The roster: a CSV file of the agencies expected to publish a report every year, kept by an oversight office.

Belongs here: the roster's rows as a frame of the ``RosterEntry`` model (UTF-8 with or without a BOM; columns
``name``, ``division_code``, ``level``; an empty division code is null); a bad file is a ``RosterError`` naming
the file and the line at fault. Does not belong here: matching entries to reports (``pipeline/coverage.py``).
Nothing here imports Dagster.
"""

from pathlib import Path

import pandas as pd

from schemas.tables import RosterEntry

from .csv_files import CsvKind

COLUMNS = tuple(RosterEntry.to_schema().columns)


class RosterError(ValueError):
    """A roster that cannot be used, with the file and line that say why."""


_FILE = CsvKind(COLUMNS, RosterEntry, RosterError)


def read_roster(path: Path | None) -> pd.DataFrame:
    """The entries of the roster at ``path``, validated and indexed by their lines; none without a roster."""
    if path is None:
        return _FILE.frame([])
    if not path.is_file():
        raise RosterError(f"{path}: no such file (GOVREPORTS_ROSTER names the roster, a CSV of "
                          f"{', '.join(COLUMNS)})")
    name = str(path)
    rows = _FILE.rows(_FILE.text(path.read_bytes(), name), name, "a roster has " + ", ".join(COLUMNS))
    frame = _FILE.frame(list(rows))
    frame["division_code"] = frame["division_code"].replace("", None)
    return _FILE.validated(frame, name)
