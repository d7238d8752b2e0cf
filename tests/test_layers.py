"""The package's layers import one way, parser ← storage ← pipeline ← assets ← orchestration, and the parser
is a library without Dagster, pandas or pyarrow: read from every module's imports, and seen at run time."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LAYERS = ("schemas", "assets.parser", "assets.storage", "assets.pipeline", "assets", "orchestration")
NOT_IN_PARSER = ("dagster", "pandas", "pyarrow", "pandera", "duckdb", "numpy",
                 "schemas.tables", "schemas.dictionary", "schemas.pandera_fixes")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute (relative imports resolved against its package)."""
    module = _module_name(path)
    return _imports_of(path.read_text(encoding="utf-8"), module if path.name == "__init__.py" else
                       module.rpartition(".")[0])


def _imports_of(source: str, package: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            found.add(name)
            found |= {f"{name}.{alias.name}" for alias in node.names}  # `from . import x` imports module x
    return found


def _layer(module: str) -> int | None:
    """The index in LAYERS of the most specific layer ``module`` belongs to (None: a library)."""
    matches = [layer for layer in LAYERS if module == layer or module.startswith(layer + ".")]
    return LAYERS.index(max(matches, key=len)) if matches else None


SOURCES = sorted(p for folder in ("schemas", "assets", "orchestration") for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down_the_layers(path):
    own = _layer(_module_name(path))
    upward = sorted(m for m in _imports(path) if (layer := _layer(m)) is not None and layer > own)
    assert not upward, f"{_module_name(path)} ({LAYERS[own]}) imports a layer above it: {upward}"


@pytest.mark.parametrize("path", sorted((ROOT / "assets" / "parser").glob("*.py")), ids=lambda p: p.name)
def test_parser_imports_no_dagster_pandas_or_pyarrow(path):
    banned = sorted(m for m in _imports(path) if any(m == b or m.startswith(b + ".") for b in NOT_IN_PARSER))
    assert not banned, f"the parser module {path.name} imports {banned}"


def test_layer_check_sees_an_upward_import():
    """The checks above must be able to fail: a parser module importing the pipeline and pandas is caught."""
    imports = _imports_of("from ..pipeline.pool import ordered_map\nimport pandas\nfrom . import text\n",
                          "assets.parser")
    assert {"assets.pipeline.pool", "pandas", "assets.parser.text"} <= imports
    assert _layer("assets.pipeline.pool") > _layer("assets.parser.report") > _layer("schemas.catalog")
    assert _layer("orchestration.cli") > _layer("assets.year") > _layer("assets.pipeline.ingest")


SCRIPT = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("dagster", "pandas", "pyarrow", "pandera", "duckdb"):
            raise ImportError(name + " is blocked in this test")
sys.meta_path.insert(0, Block())
from pathlib import Path
from assets.parser import parse_report, to_json
for path in sorted(Path("data/sample").iterdir()):
    if path.suffix in (".txt", ".pdf", ".docx"):
        report = to_json(parse_report(path.name, path.read_bytes()))
        print(path.suffix, report["year"], sum(map(len, report["facts"].values())))
"""


def test_parser_parses_text_pdf_and_word_with_dagster_pandas_and_pyarrow_unimportable():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    read = [line.split() for line in result.stdout.splitlines()]
    assert {kind for kind, _, _ in read} == {".txt", ".pdf", ".docx"}
    assert all(int(facts) > 100 for _, _, facts in read), read
