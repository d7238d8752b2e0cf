"""Which parser modules run compiled, and whether each compiled copy still matches its source.

Belongs here: the list of modules mypyc compiles into C extensions beside their sources (``setup.py``
reads it: one list), and the check that an extension is not older than its ``.py``. The sources stay the
truth: the extensions are the same code, type-checked by mypy and run without the interpreter's dispatch
(faster parsing: benchmarks/RESULTS.md). ``GOVREPORTS_PURE_PYTHON=1`` at install time leaves every module interpreted.
Only the standard library is imported here, so that ``setup.py`` can run this file before anything is
installed.
"""

import importlib.util
from pathlib import Path

# The pure stages every report goes through (decoding to facts, checks and the rows of each table).
COMPILED = tuple(f"assets.parser.{name}" for name in (
    "text", "values", "flattened", "grid", "headers", "inference", "reading", "sections", "tables", "quality",
    "narrative", "metadata", "agency", "region", "report", "issues")) + ("assets.pipeline.frames", "schemas.catalog")


def source_paths() -> list[str]:
    """The compiled modules' source files, relative to the project root (what mypyc is given)."""
    return [name.replace(".", "/") + ".py" for name in COMPILED]


def module_states(names: tuple[str, ...] = COMPILED) -> dict[str, str]:
    """Each compiled module's state: ``compiled`` (its extension is what imports), ``interpreted``
    (no extension: a pure-Python install), or ``stale`` (the source changed after it was compiled: the
    extension, which is what imports, no longer runs the source's code)."""
    states = {}
    for name in names:
        origin = Path(importlib.util.find_spec(name).origin)
        source = origin.with_name(name.rpartition(".")[2] + ".py")
        if origin.suffix != ".so":
            states[name] = "interpreted"
        elif source.exists() and source.stat().st_mtime > origin.stat().st_mtime:
            states[name] = "stale"
        else:
            states[name] = "compiled"
    return states


def stale_modules() -> list[str]:
    """The compiled modules whose source changed after they were compiled."""
    return [name for name, state in module_states().items() if state == "stale"]
