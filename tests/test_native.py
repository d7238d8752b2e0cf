"""The parser runs compiled (what users run is what the tests and benchmarks measure), and a compiled
module whose source changed since is reported, not run in silence."""

import importlib.machinery
import os
import sys
import time

import pytest

from assets import native
from assets.parser import grid, tables
from orchestration.cli import main
from tests.conftest import ROOT

PURE = bool(os.environ.get("GOVREPORTS_PURE_PYTHON"))


@pytest.mark.skipif(PURE, reason="installed with GOVREPORTS_PURE_PYTHON=1: nothing is compiled")
def test_every_listed_module_imports_compiled():
    assert native.module_states() == {name: "compiled" for name in native.COMPILED}
    assert tables.__file__.endswith(".so") and grid.text_grid.__class__.__name__ == "builtin_function_or_method"


def test_setup_compiles_the_listed_sources_which_exist():
    sources = native.source_paths()
    assert len(sources) == len(native.COMPILED) and all((ROOT / path).is_file() for path in sources)


def _package(tmp_path, extension_age: float):
    """A package with one module, its source and a (fake) compiled copy ``extension_age`` s older."""
    package = tmp_path / "fakepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    source = package / "mod.py"
    source.write_text("X = 1\n")
    extension = package / f"mod{importlib.machinery.EXTENSION_SUFFIXES[0]}"
    extension.write_bytes(b"")
    now = time.time()
    os.utime(extension, (now - extension_age, now - extension_age))
    os.utime(source, (now, now))
    return package


@pytest.mark.parametrize(("age", "state"), [(-60.0, "compiled"), (60.0, "stale")])
def test_an_extension_older_than_its_source_is_stale(tmp_path, monkeypatch, age, state):
    _package(tmp_path, age)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert native.module_states(("fakepkg.mod",)) == {"fakepkg.mod": state}
    sys.modules.pop("fakepkg", None)


def test_a_module_without_extension_is_interpreted():
    assert native.module_states(("assets.native",)) == {"assets.native": "interpreted"}


def test_the_cli_warns_of_a_stale_module(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("orchestration.cli.stale_modules", lambda: ["assets.parser.tables"])
    sample = tmp_path / "r.txt"
    sample.write_text("2021年政府信息公开工作年度报告\n", encoding="utf-8")
    assert main(["parse", str(sample)]) == 0
    assert "assets.parser.tables was compiled before its source last changed" in capsys.readouterr().err
