"""What the pipeline's tables depend on besides the raw files, as hashes that say when they must be rebuilt.

Belongs here: ``code_version``, a hash of the pipeline's code (every module under ``assets/`` and ``schemas/``:
the catalog's labels decide sections, templates and years), of the versions of the libraries that decode and
render text, and of the years that have a partition (a report of next year is out of range today); and
``inputs_fingerprint``, which adds to it a year's rows of the inventory and the year's corrections. A file's
inventory record is kept when its path, sha256 and code_version are unchanged; a year's tables carry the
fingerprint they were built from.
"""

import hashlib
from functools import cache
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from schemas.catalog import reporting_years

_PROJECT = Path(__file__).resolve().parent.parent.parent
_SOURCES = ("assets", "schemas")
_LIBRARIES = ("charset-normalizer", "beautifulsoup4", "lxml", "opencc", "pypdfium2", "pdfplumber", "python-docx")
INPUTS_KEY = b"govreports:inputs"  # the key of a year part's Parquet metadata that holds its fingerprint


@cache
def code_version() -> str:
    """A 16-hex-digit hash of everything but the raw files that the pipeline's tables depend on."""
    digest = hashlib.sha256()
    for source in sorted(path for folder in _SOURCES for path in (_PROJECT / folder).rglob("*.py")):
        digest.update(source.relative_to(_PROJECT).as_posix().encode() + b"\0" + source.read_bytes())
    years = reporting_years()
    digest.update(repr([version(name) for name in _LIBRARIES] + [years.start, years.stop]).encode())
    return digest.hexdigest()[:16]


def inputs_fingerprint(year_inventory: pd.DataFrame, year_corrections: pd.DataFrame | None = None) -> str:
    """What a year's tables are built from: the code, the year's rows of the inventory (every file of the
    year, whatever its outcome), in path order, and the year's corrections (none: as before corrections)."""
    rows = year_inventory.sort_values("source_path", kind="stable").reset_index(drop=True)
    digest = hashlib.sha256(code_version().encode())
    digest.update(",".join(rows.columns).encode())
    digest.update(pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes())
    if year_corrections is not None and len(year_corrections):
        digest.update(corrections_digest(year_corrections).encode())
    return digest.hexdigest()


def corrections_digest(corrections: pd.DataFrame) -> str:
    """A hash of corrections (rows of the ``Corrections`` model): the same cells and values, whichever file or
    line they are written on, give the same hash."""
    fixed = corrections.drop(columns=["source"], errors="ignore")
    fixed = fixed.sort_values(["report_id", "table", "row", "column"], kind="stable").reset_index(drop=True)
    return hashlib.sha256(pd.util.hash_pandas_object(fixed.astype(str), index=False).to_numpy().tobytes()).hexdigest()
