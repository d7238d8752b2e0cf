"""The build's one piece of code: the parser modules listed in ``assets/native.py`` compiled by mypyc
into C extensions beside their sources (``pip install -e .`` puts them in place). With
``GOVREPORTS_PURE_PYTHON=1`` nothing is compiled and the same sources run interpreted. Everything else
about the package is declared in pyproject.toml."""

import os
import runpy

from setuptools import setup


def extensions() -> list:
    if os.environ.get("GOVREPORTS_PURE_PYTHON"):
        return []
    from mypyc.build import mypycify

    native = runpy.run_path("assets/native.py")  # the list, without importing the package
    return mypycify(native["source_paths"](), opt_level="3", group_name="govreports_native")


setup(ext_modules=extensions())
