"""Code quality gates that run with the tests: ruff, docstrings with examples."""

from __future__ import annotations

import inspect
import shutil
import subprocess
import sys

import musicnet.analysis as analysis

from .conftest import ROOT


def test_ruff_clean():
    ruff = shutil.which("ruff") or f"{sys.executable} -m ruff"
    paths = ["src", "tests", "tools", "benchmarks", "examples"]
    res = subprocess.run([*ruff.split(), "check", *paths], cwd=ROOT, capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_every_analysis_is_defined_with_an_example():
    for name in ("dead_ends", "isolated", "progression_gaps", "bridges",
                 "bridge_organisations", "stage_reach", "borough_coverage",
                 "pathfinder_chains"):
        doc = inspect.getdoc(getattr(analysis, name)) or ""
        assert "Example" in doc or ">>>" in doc, name
        assert len(doc) > 200, name
