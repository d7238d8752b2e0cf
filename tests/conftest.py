"""Shared fixtures: the bundled sample corpus and the truth files (copied from ../shared, never read there)."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "data" / "sample"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_TRUTH = FIXTURES / "seeds" / "truth"


def truth_of(stem: str) -> dict:
    return json.loads((SEED_TRUTH / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DIR
