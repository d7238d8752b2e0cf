"""The pure parser must import and run with Dagster unimportable."""

import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "dagster" or name.startswith("dagster."):
            raise ImportError("dagster is blocked in this test")
sys.meta_path.insert(0, Block())
from pathlib import Path
from assets.core.report import parse_report, to_json
path = sorted(Path("data/sample").glob("*.txt"))[0]
print(to_json(parse_report(path.name, path.read_bytes()))["year"])
assert "dagster" not in sys.modules
"""


def test_core_imports_and_parses_without_dagster():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2020"
