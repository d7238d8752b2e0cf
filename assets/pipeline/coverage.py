"""Coverage of a year: for every agency, whether it published its report of the year, and whether it can be read.

Belongs here: the rows of the ``Coverage`` model from what the asset read, as frames: the year's dim_reports rows,
the agencies of the other years (``agencies.agencies_sql``), the files of the inventory that failed, and the
roster. An agency is every agency_id with a report in some year and every roster entry; its status in the year is
``duplicate`` (two or more different reports), else ``published`` (a report with a template cell read), else
``unreadable`` (only files that failed, or reports none of whose template cells could be read), else ``missing``.

A failed file has no agency (it was never read as a report) and often no year: its year is the inventory's, else
the one reporting year its path names (``2021/a.pdf``, ``a_2021.pdf``); it is placed on an agency only when its
path, suffix and years aside, is that of the reports of exactly one agency (``2021/a.pdf`` beside ``2020/a.txt``).
Otherwise it is a row of its own, with no agency. Nothing is guessed from a file name beyond that.
"""

import re
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from schemas.catalog import reporting_years
from schemas.tables import Coverage

from .agencies import DESCRIBED

# outcomes of raw_file_inventory whose file was meant as a report and could not be one
FAILED_OUTCOMES = ("unreadable", "not_a_report", "no_year")
REPORT_COLUMNS = ["report_id", "source_path", "agency_id", *DESCRIBED, "template", "cells", "cells_missing"]
REPORT_PATHS = ["source_path", "agency_id"]
_YEAR_IN_PATH = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_SEPARATOR = "; "
COLUMNS = list(Coverage.to_schema().columns)


def reports_sql(dim: str, year: int) -> str:
    """DuckDB SQL over the dim_reports glob ``dim``: the ``REPORT_COLUMNS`` of the year's reports."""
    columns = ", ".join(REPORT_COLUMNS)
    return f"select {columns} from read_parquet('{dim}', hive_partitioning = true) where year = {int(year)}"


def report_paths_sql(dim: str) -> str:
    """DuckDB SQL over the dim_reports glob ``dim``: the ``REPORT_PATHS`` of every report of a known agency."""
    return (f"select {', '.join(REPORT_PATHS)} from read_parquet('{dim}', hive_partitioning = true) "
            "where agency_id is not null")


def path_key(source_path: str) -> str:
    """Where a file sits, its suffix and the years in its path aside: ``2021/a.pdf`` and ``2020/a.txt`` give one."""
    return _YEAR_IN_PATH.sub("{year}", str(PurePosixPath(source_path).with_suffix("")))


def path_year(source_path: str) -> int | None:
    """The reporting year a path names, when it names exactly one year that has a partition."""
    years = {int(found) for found in _YEAR_IN_PATH.findall(source_path)} & set(reporting_years())
    return years.pop() if len(years) == 1 else None


def _failed_years(inventory: pd.DataFrame) -> pd.Series:
    """The year of each file of ``inventory`` (source_path, outcome, reason, year) that failed: the year the
    inventory read, else the one year its path names, else null."""
    failed = inventory[inventory["outcome"].isin(FAILED_OUTCOMES)]
    return pd.Series([int(known) if pd.notna(known) else path_year(path)
                      for known, path in zip(failed["year"], failed["source_path"], strict=True)],
                     index=failed.index, dtype="Int64")


def failed_files(inventory: pd.DataFrame, year: int) -> pd.DataFrame:
    """The files of ``inventory`` that failed and belong to ``year``."""
    years = _failed_years(inventory)
    return inventory.loc[years.index[years.eq(year).fillna(False)]]


def unplaceable(inventory: pd.DataFrame) -> int:
    """Failed files of no year: neither read nor named by their path, they belong to no partition."""
    return int(_failed_years(inventory).isna().sum())


def place_failed(failed: pd.DataFrame, report_paths: pd.DataFrame) -> pd.Series:
    """The agency_id of each failed file: that of the reports whose path has its key, when they are of one agency
    (null otherwise), indexed like ``failed``."""
    keys = report_paths.assign(key=[path_key(path) for path in report_paths["source_path"]])
    owners = keys.groupby("key")["agency_id"].unique()
    single = {key: ids[0] for key, ids in owners.items() if len(ids) == 1}
    return pd.Series([single.get(path_key(path)) for path in failed["source_path"]], index=failed.index,
                     dtype="object")


def _report_notes(reports: pd.DataFrame) -> list[str | None]:
    """Why each report cannot be read, None for a report with a template cell read."""
    return [None if cells > missing else f"{path}: " + (
        "no template table recognised" if template == "unknown" else f"none of its {cells} template cells read")
        for path, template, cells, missing in reports[["source_path", "template", "cells", "cells_missing"]]
        .itertuples(index=False)]


def _group(frame: pd.DataFrame) -> pd.Series:
    """The coverage row a report or file belongs to: its agency_id; one of no agency is a row of its own."""
    return frame["agency_id"].where(frame["agency_id"].notna(), "#" + frame["source_path"])


def _files(reports: pd.DataFrame, failed: pd.DataFrame) -> pd.DataFrame:
    """The year's reports and failed files, one row each, with their ``group`` and a ``note`` when unreadable."""
    notes = [f"{path}: {reason}" for path, reason in zip(failed["source_path"], failed["reason"], strict=True)]
    columns = ["agency_id", "report_id", "source_path", "note", "is_report"]
    files = pd.concat([reports.assign(note=_report_notes(reports), is_report=True)[columns],
                       failed.assign(report_id=None, note=notes, is_report=False)[columns]], ignore_index=True)
    return files.assign(group=_group(files)).sort_values(["group", "report_id", "source_path"], na_position="last")


def _joined(values) -> str | None:
    present = [str(value) for value in values if pd.notna(value)]
    return _SEPARATOR.join(present) if present else None


def _by_group(files: pd.DataFrame) -> pd.DataFrame:
    """One row per group of files: its reports, their ids and paths, whether one can be read, the notes."""
    grouped = files.assign(readable=files["is_report"] & files["note"].isna()).groupby("group", sort=True)
    return pd.DataFrame({"reports": grouped["is_report"].sum(), "report_ids": grouped["report_id"].agg(_joined),
                         "source_paths": grouped["source_path"].agg(_joined), "readable": grouped["readable"].any(),
                         "notes": grouped["note"].agg(_joined)})


def _described(reports: pd.DataFrame, elsewhere: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """The ``DESCRIBED`` fields of every group, by group: from its first report of the year, else from its latest
    report of another year, else from the roster."""
    first = reports.sort_values("report_id").assign(group=_group)
    sources = [first.drop_duplicates("group"), elsewhere.assign(group=elsewhere["agency_id"]),
               roster.assign(group=roster["agency_id"])]
    columns = ["group", "agency_id", *DESCRIBED]
    return pd.concat([source[columns] for source in sources], ignore_index=True).drop_duplicates("group") \
        .set_index("group")


def _reason(year: int, status: str, reports: int, notes: str | None, other_years: str | None,
            on_roster: bool) -> str | None:
    """Why the status is what it is, in words (None for a published agency with no failed file)."""
    if status == "duplicate":
        return _joined([f"{reports} different reports of one agency_id in {year}", notes])
    if status != "missing":
        return None if pd.isna(notes) else notes
    if pd.isna(other_years):
        return f"on the roster; no report of {year} nor of any other year in the warehouse"
    return f"no report of {year}; reports of {other_years}" + ("; on the roster" if on_roster else "")


def coverage(year: int, reports: pd.DataFrame, elsewhere: pd.DataFrame, failed: pd.DataFrame,
             roster: pd.DataFrame) -> pd.DataFrame:
    """The ``Coverage`` rows of ``year``: ``reports`` (``REPORT_COLUMNS`` of the year), ``elsewhere`` (agencies of the
    other years, ``agencies.agencies_sql``), ``failed`` (``failed_files`` with their ``agency_id`` placed) and
    ``roster`` (``agencies.roster_agencies``)."""
    groups = _by_group(_files(reports, failed))
    described = _described(reports, elsewhere, roster)
    every = described.index.union(groups.index)
    frame = described.reindex(every).join(groups.reindex(every)).reset_index(drop=True)
    frame["reports"] = frame["reports"].fillna(0).astype(int)
    frame["other_years"] = frame["agency_id"].map(elsewhere.set_index("agency_id")["years"])
    frame["on_roster"] = frame["agency_id"].isin(set(roster["agency_id"]))
    frame["status"] = np.select([frame["reports"] >= 2, frame["readable"].eq(True), frame["notes"].notna()],
                                ["duplicate", "published", "unreadable"], "missing")
    frame["reason"] = [_reason(year, *row) for row in frame[["status", "reports", "notes", "other_years",
                                                             "on_roster"]].itertuples(index=False)]
    frame["year"] = year
    return frame[COLUMNS]
