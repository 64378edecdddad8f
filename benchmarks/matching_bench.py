"""Name matching on the labelled corpus: precision, coverage and speed.

The corpus (tests/corpus/mentions.csv) holds survey answers written the way people type
them (typos, abbreviations, "The", "&", trailing "Ltd", extra words, several names per
cell), each labelled with the organisations it names (``new`` for an organisation not
in the network, which must never be matched automatically). Matched against
tests/corpus/organisations.csv (the sample data plus a few organisations with aliases).

Printed beside a baseline measured in the same run: rapidfuzz's ``WRatio`` best match
on the same cut-up mentions, accepted at the same threshold (what a plain fuzzy lookup
would do).

Run: python benchmarks/matching_bench.py
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(ROOT / "src"))


def load_corpus() -> list[tuple[str, list[str]]]:
    """(answer cell, expected ids or 'new', in order) for every labelled answer."""
    with open(CORPUS / "mentions.csv", newline="", encoding="utf-8") as fh:
        return [(row["answer"], row["expected"].split("|")) for row in csv.DictReader(fh)]


def evaluate(match: Callable[[str], tuple[str | None, bool]], split: Callable[[str], list],
             corpus: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """Counts over every mention. ``match(text)`` returns (id or None, automatic?).

    A cell cut into a different number of mentions than labelled counts every labelled
    mention as not matched (and any automatic match in it as wrong)."""
    known = new = auto_right = auto_wrong = review = split_errors = 0
    wrong: list[str] = []
    for cell, expected in corpus:
        known += sum(e != "new" for e in expected)
        new += sum(e == "new" for e in expected)
        mentions = split(cell)
        if len(mentions) != len(expected):
            split_errors += len(expected)
            for m in mentions:
                oid, auto = match(m.text)
                if auto:
                    auto_wrong += 1
                    wrong.append(f"{m.text!r} -> {oid} (cell cut wrongly: {cell!r})")
            continue
        for m, exp in zip(mentions, expected, strict=True):
            oid, auto = match(m.text)
            if not auto:
                review += 1
            elif oid == exp:
                auto_right += 1
            else:
                auto_wrong += 1
                wrong.append(f"{m.text!r} -> {oid}, expected {exp}")
    total = known + new
    auto = auto_right + auto_wrong
    return {
        "mentions": total, "known": known, "new": new, "automatic": auto,
        "automatic_right": auto_right, "automatic_wrong": auto_wrong, "to_review": review,
        "split_errors": split_errors,
        "precision": auto_right / auto if auto else 1.0,
        "coverage": auto_right / known if known else 0.0,
        "wrong": wrong,
    }


def musicnet_matcher() -> tuple[Callable, Callable]:
    import musicnet
    from musicnet.matching import NameMatcher, split_answer

    matcher = NameMatcher(musicnet.load(CORPUS).orgs.values())

    def match(text: str) -> tuple[str | None, bool]:
        m = matcher.match(text)
        return m.id, m.automatic

    return match, lambda cell: split_answer(cell, matcher)


def baseline_matcher(threshold: float) -> tuple[Callable, Callable]:
    """rapidfuzz WRatio over lower-cased names and ids, best choice at ``threshold``."""
    from rapidfuzz import fuzz, process, utils

    import musicnet
    from musicnet.matching import split_answer

    net = musicnet.load(CORPUS)
    choices = {}
    for o in net.orgs.values():
        for text in (o.name, o.id, *o.aliases):
            choices[text] = o.id
    texts = list(choices)

    def match(text: str) -> tuple[str | None, bool]:
        best = process.extractOne(text, texts, scorer=fuzz.WRatio,
                                  processor=utils.default_process)
        if best and best[1] >= threshold:
            return choices[best[0]], True
        return None, False

    return match, split_answer


def main() -> None:
    from musicnet.matching import SURE

    corpus = load_corpus()
    rows = []
    for label, (match, split) in (("musicnet NameMatcher", musicnet_matcher()),
                                  (f"baseline: WRatio >= {SURE:g}", baseline_matcher(SURE))):
        t = time.perf_counter()
        result = evaluate(match, split, corpus)
        result["seconds"] = time.perf_counter() - t
        rows.append((label, result))
    n = rows[0][1]
    print(f"Corpus: {len(corpus)} answers, {n['mentions']} mentions "
          f"({n['known']} of organisations in the network, {n['new']} of new ones).")
    print(f"{'matcher':28} {'precision':>9} {'coverage':>8} {'wrong':>5} {'review':>6} "
          f"{'cut wrong':>9} {'ms/mention':>10}")
    for label, r in rows:
        print(f"{label:28} {r['precision']:9.1%} {r['coverage']:8.1%} "
              f"{r['automatic_wrong']:5d} {r['to_review']:6d} {r['split_errors']:9d} "
              f"{1000 * r['seconds'] / r['mentions']:10.2f}")
    for label, r in rows[:1]:
        for w in r["wrong"]:
            print(f"  wrong ({label}): {w}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "matching_bench.json").write_text(json.dumps(
        {label: {k: v for k, v in r.items() if k != "wrong"} for label, r in rows},
        indent=2) + "\n")


if __name__ == "__main__":
    main()
