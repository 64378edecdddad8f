"""docs/survey.md shows real output: every `$ musicnet ...` block is run, in order, in a
folder holding the sample data and the example answers, and the benchmark figures quoted
are the ones the benchmark measures."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys

from .conftest import ROOT, SAMPLE
from .test_matching import _bench

DOC = ROOT / "docs" / "survey.md"


def test_survey_docs_show_what_the_commands_print(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "data")
    shutil.copytree(ROOT / "examples" / "survey" / "answers", tmp_path / "answers")
    shutil.copy(ROOT / "examples" / "survey" / "reviewed.csv", tmp_path / "reviewed.csv")
    text = DOC.read_text()
    blocks = re.findall(r"```text\n\$ (musicnet [^\n]+)\n(.*?)```", text, re.S)
    assert len(blocks) >= 4
    for command, shown in blocks:
        res = subprocess.run([sys.executable, "-m", "musicnet.cli",
                              *shlex.split(command)[1:]], cwd=tmp_path, capture_output=True,
                             text=True, timeout=300)
        assert res.returncode == 0, (command, res.stderr)
        want = shown.rstrip().splitlines()
        assert res.stdout.rstrip().splitlines()[:len(want)] == want, command
    # the review table in the docs is the review.csv the first run wrote
    import csv

    with open(tmp_path / "data-2026" / "review.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            line = (f"| {row['respondent']} | {row['question']} | {row['mention']} | "
                    f"{row['status']} | {row['candidate_1']} {row['score_1']} | "
                    f"{row['candidate_2']} {row['score_2']} |")
            assert line in text, line
    # the reviewed file is that review.csv with decisions filled in
    with open(ROOT / "examples" / "survey" / "reviewed.csv", newline="",
              encoding="utf-8") as fh:
        reviewed = [{k: v for k, v in r.items() if k != "decision"}
                    for r in csv.DictReader(fh)]
    with open(tmp_path / "data-2026" / "review.csv", newline="", encoding="utf-8") as fh:
        assert reviewed == [{k: v for k, v in r.items() if k != "decision"}
                            for r in csv.DictReader(fh)]


def test_survey_docs_quote_the_measured_benchmark():
    bench = _bench()
    import musicnet
    from musicnet.matching import NameMatcher, split_answer

    matcher = NameMatcher(musicnet.load(bench.CORPUS).orgs.values())
    result = bench.evaluate(lambda t: (lambda m: (m.id, m.automatic))(matcher.match(t)),
                            lambda cell: split_answer(cell, matcher), bench.load_corpus())
    text = DOC.read_text()
    assert f"corpus of {result['mentions']} mentions" in text
    row = (f"musicnet NameMatcher {result['precision']:9.1%} {result['coverage']:8.1%} "
           f"{result['automatic_wrong']:5d} {result['to_review']:6d} "
           f"{result['split_errors']:9d}")
    assert " ".join(row.split()) in " ".join(text.split())
