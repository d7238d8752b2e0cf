"""CSV files a person writes for the pipeline (corrections of flagged cells, the roster of agencies): their text,
their rows with the line each starts on, and their pandera model's verdict, named by file and line.

Belongs here: what every such file shares, given as a ``CsvKind`` (its columns, its model, the error it raises).
What a file's columns mean and its own rules (two corrections of one cell) belong to its module
(``corrections.py``, ``roster.py``). Nothing here imports Dagster.
"""

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa


@dataclass(frozen=True)
class CsvKind:
    """One kind of CSV file: the ``columns`` it must have (in the order written), the pandera ``model`` its rows
    are validated against, the ``error`` raised for a bad file, and for a dataframe check of the model, what a
    failing row says (``row_checks``: check name → the row's fields → words)."""

    columns: tuple[str, ...]
    model: type[pa.DataFrameModel]
    error: type[ValueError]
    row_checks: Mapping[str, Callable[[pd.Series], str]] = field(default_factory=dict)

    def text(self, data: bytes, name: str) -> str:
        """A CSV's text: UTF-8, with or without a BOM; else an error naming the line of the first bad byte."""
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            raise self.error(f"{name}: line {line}: not UTF-8 (save the CSV as UTF-8)") from None

    def rows(self, text: str, name: str, hint: str) -> Iterator[tuple[int, dict[str, str]]]:
        """Each row of a CSV's text with the line it starts on (a cell may hold line breaks: Alt+Enter in Excel),
        its fields stripped, after checking that the header has every column (``hint`` says where they come from)."""
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        missing = [column for column in self.columns if column not in (reader.fieldnames or [])]
        if missing:
            raise self.error(f"{name}: line 1: the header lacks {', '.join(missing)} ({hint})")
        start = 2
        for row in reader:
            yield start, {column: (row.get(column) or "").strip() for column in self.columns}
            start = reader.line_num + 1

    def frame(self, rows: list[tuple[int, dict[str, str]]]) -> pd.DataFrame:
        """Rows (line, fields) as a frame of the columns, indexed by their lines."""
        return pd.DataFrame([row for _, row in rows], columns=list(self.columns), index=[line for line, _ in rows])

    def validated(self, frame: pd.DataFrame, name: str) -> pd.DataFrame:
        """``frame`` (indexed by the file's lines) checked against the model; else an error naming the lowest
        line at fault."""
        try:
            return self.model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            raise self.error(f"{name}: {self._first_failure(errors.failure_cases, frame)}") from None

    def _first_failure(self, cases: pd.DataFrame, frame: pd.DataFrame) -> str:
        """The failure of the lowest line, in words."""
        located = cases[cases["index"].notna()].sort_values("index", key=lambda s: s.astype(int))
        if located.empty:
            case = cases.iloc[0]
            return f"{case['check']} ({case['failure_case']})"
        case = located.iloc[0]
        line = int(case["index"])
        if case["check"] in self.row_checks:
            return f"line {line}: {self.row_checks[case['check']](frame.loc[line])}"
        return f"line {line}: {case['column']} {case['failure_case']!r} fails {case['check']}"
