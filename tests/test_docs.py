"""The ``$ musicnet ...`` output shown in README.md and docs/whatif.md is today's output."""

from __future__ import annotations

import importlib.util

import pytest

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location("doc_outputs", ROOT / "scripts" / "doc_outputs.py")
doc_outputs = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(doc_outputs)  # type: ignore[union-attr]

CASES = [(name, command, shown) for name in doc_outputs.FILES
         for command, shown in doc_outputs.blocks(ROOT / name)]


def test_every_file_has_blocks():
    names = {name for name, _, _ in CASES}
    assert names == set(doc_outputs.FILES)
    assert sum(1 for name, _, _ in CASES if name == "README.md") >= 4


@pytest.fixture(scope="module")
def scratch():
    import shutil

    tmp = doc_outputs.scratch()
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.parametrize(("name", "command", "shown"), CASES,
                         ids=[f"{n}:{c}" for n, c, _ in CASES])
def test_block_is_current(name, command, shown, scratch):
    """Run `python scripts/doc_outputs.py` to refresh a stale block after a real change."""
    assert doc_outputs.expected(shown, doc_outputs.run(command, scratch)) == shown


def test_expected_keeps_truncation():
    assert doc_outputs.expected("a\nb\n...\n", "a\nB\nc\nd") == "a\nB\n...\n"
    assert doc_outputs.expected("a\n", "x\ny") == "x\ny\n"
