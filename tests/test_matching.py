"""Matching organisation names as people type them (musicnet.matching)."""

from __future__ import annotations

import importlib.util
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musicnet
from musicnet.matching import NameMatcher, split_answer
from musicnet.names import normalise_name

from .conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"


def _bench():
    spec = importlib.util.spec_from_file_location("matching_bench",
                                                  ROOT / "benchmarks" / "matching_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def matcher() -> NameMatcher:
    return NameMatcher(musicnet.load(CORPUS).orgs.values())


def test_corpus_quality_bar(matcher):
    bench = _bench()
    corpus = bench.load_corpus()
    result = bench.evaluate(lambda t: (lambda m: (m.id, m.automatic))(matcher.match(t)),
                            lambda cell: split_answer(cell, matcher), corpus)
    assert result["mentions"] >= 300 and result["new"] >= 30
    assert result["automatic_wrong"] == 0, result["wrong"]
    assert result["split_errors"] == 0
    assert result["coverage"] >= 0.90
    # every mention not matched automatically is in review (none is dropped)
    assert result["automatic_right"] + result["to_review"] == result["mentions"]


def test_the_corpus_is_typed_the_way_people_type():
    cells = [cell for cell, _ in _bench().load_corpus()]
    text = "\n".join(cells)
    assert sum("\n" in c or "," in c or ";" in c or " and " in c or "&" in c for c in cells) >= 35
    for feature in ("The ", "the ", "&", "Ltd", "(via", "CIC", " Co.", "etc", "(12)"):
        assert feature in text, feature


def test_every_name_and_id_matches_itself(sample_net):
    m = NameMatcher(sample_net.orgs.values())
    names = Counter(normalise_name(o.name) for o in sample_net.orgs.values())
    for o in sample_net.orgs.values():
        by_id = m.match(o.id)
        assert (by_id.how, by_id.id) == ("exact", o.id)
        by_name = m.match(o.name)
        if names[normalise_name(o.name)] == 1:
            assert (by_name.how, by_name.id) == ("exact", o.id)
        else:  # two organisations with one name: the coordinator decides
            assert by_name.how == "ambiguous" and by_name.id is None
            assert o.id in {c.id for c in by_name.candidates}


def test_ways_of_matching(matcher):
    cases = {
        "Songbird Music Co.": ("exact", "songbird-music-co"),
        "the songbird music company ltd": ("exact", "songbird-music-co"),
        "TMH": ("alias", "thameside-music-hub"),
        "Thameside Musik Hub": ("fuzzy", "thameside-music-hub"),
        "Royal Albert Hall": ("unmatched", None),
        "Lewisham Youth Theatre": ("uncertain", None),
        "Hawthorn Music": ("ambiguous", None),
        "Heron Key Youth Choir": ("uncertain", None),
    }
    for text, expected in cases.items():
        got = matcher.match(text)
        assert (got.how, got.id) == expected, text
        assert len(got.candidates) <= 3
        assert [c.score for c in got.candidates] == sorted(
            (c.score for c in got.candidates), reverse=True)
    assert matcher.match("Heron Key Youth Choir").candidates[0].id == "heron-quay-youth-choir"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
       st.floats(min_value=60, max_value=100))
def test_a_stricter_threshold_never_adds_automatic_matches(text, sure):
    orgs = musicnet.load(CORPUS).orgs.values()
    loose, strict = NameMatcher(orgs), NameMatcher(orgs, sure=sure)
    a, b = loose.match(text), strict.match(text)
    if b.automatic:
        assert a.automatic and a.id == b.id
    if sure <= loose.sure:
        assert b.automatic or not a.automatic


@pytest.mark.parametrize("cell, expected", [
    ("Fairground Beats, the Beat Garden and TMH", ["Fairground Beats", "the Beat Garden",
                                                   "TMH"]),
    ("Drum & Bass Collective and Fairground Beats", ["Drum & Bass Collective",
                                                      "Fairground Beats"]),
    ("Kite St AP & Wren AP", ["Kite St AP", "Wren AP"]),
    ("1. Zephyr Juniors 2. Copper Yard Symphony", ["Zephyr Juniors", "Copper Yard Symphony"]),
    ("- Quarry Rhythm Lab\r\n- n/a\r\n\r\n• Nettle Live Room", ["Quarry Rhythm Lab",
                                                                "Nettle Live Room"]),
    ("Harbour Steel Band / Goldcrest Steel Band etc.", ["Harbour Steel Band",
                                                        "Goldcrest Steel Band"]),
    ("None", []), ("N/A", []), ("", []), ("various", []),
])
def test_split_answer(matcher, cell, expected):
    assert [m.text for m in split_answer(cell, matcher)] == expected


def test_counts_beside_names():
    found = split_answer("Quarry Song Studio (12); Lantern Orchestra Outreach - 15 a year; "
                         "Thameside Music Hub (about 20 young people a year); Songbird")
    assert [(m.text, m.count) for m in found] == [
        ("Quarry Song Studio", 12), ("Lantern Orchestra Outreach", 15),
        ("Thameside Music Hub", 20), ("Songbird", None)]


def test_a_comma_inside_a_name_is_kept(tmp_path):
    from musicnet import Organisation

    orgs = [Organisation("mam", "Music, Arts and Minds", "other", "general",
                         ("participation",), "Lewisham", "intermediary"),
            Organisation("fb", "Fairbeats", "other", "general", ("participation",),
                         "Lewisham", "intermediary")]
    m = NameMatcher(orgs)
    assert [x.text for x in split_answer("Music, Arts and Minds, Fairbeats", m)] == [
        "Music, Arts and Minds", "Fairbeats"]
