"""Shared fixtures: the bundled sample corpus and the truth files (copied from ../shared, never read there)."""

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from assets.native import stale_modules

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "data" / "sample"  # the demo corpus: five text reports (2020, 2021), a PDF and a DOCX (2023)
TEXT_SAMPLES = sorted(SAMPLE_DIR.glob("*.txt"))  # the five text reports the pipeline tests are written around
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_TRUTH = FIXTURES / "seeds" / "truth"


def pytest_sessionstart(session: pytest.Session) -> None:
    """The parser modules import compiled: after a source changes, tests would run the old code."""
    stale = stale_modules()
    if stale:
        pytest.exit(f"compiled before their source changed: {', '.join(stale)}; run `make test` (it recompiles) "
                    "or `pip install -e .`", returncode=2)


def interpreted(module: ModuleType) -> ModuleType:
    """A fresh interpreted copy of a (compiled) module, made from its source: its functions call each other
    through its namespace, so a test may replace one of them (compiled functions call each other directly).
    Its classes are its own; what it imports is the real (compiled) modules."""
    name = module.__name__
    source = Path(module.__file__).with_name(name.rpartition(".")[2] + ".py")
    spec = importlib.util.spec_from_file_location(f"{name}_interpreted", source)
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    return copy


def copy_text_samples(folder: Path) -> None:
    """Copy the five text samples into ``folder`` (made if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in TEXT_SAMPLES:
        (folder / path.name).write_bytes(path.read_bytes())


def truth_of(stem: str) -> dict:
    return json.loads((SEED_TRUTH / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DIR
