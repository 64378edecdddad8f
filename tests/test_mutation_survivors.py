"""Tests for the mutants that survived the mutation run at 434ade6 (docs/testing.md).

Written for tests/ (they use conftest's ``org`` and ``net_of``) and for the mutation run's
test selection (no CLI, no browser). Each test names the mutants it kills; each was
checked by applying the mutant by hand and running this file.
"""

from __future__ import annotations

import pandas as pd
import pytest

from musicnet import UsageError
from musicnet.analysis import route_between
from musicnet.suggest import suggest_links
from musicnet.whatif import compare, cut_off

from .conftest import net_of, org

# ---------------------------------------------------------------- route_between

def test_route_between_names_its_ends_in_text_and_dict():
    """``path ORG --to OTHER`` in-process: canonical ids and names of both ends, the
    route line, the JSON keys, the no-route text (singular and plural) and the
    same-organisation error. Kills route_between 5, 11-14, RouteBetween.__str__ 6, 7,
    12, 14, 17 and RouteBetween.to_dict 1, 8 (these had no test in the mutation run: the
    only other check is test_small_things, through the CLI)."""
    net = net_of([org(v) for v in "abcd"], [("a", "b"), ("b", "c")])
    rb = route_between(net, "A", " c ")
    assert (rb.source, rb.source_name, rb.target, rb.target_name) == (
        "a", "Org a", "c", "Org c")
    assert str(rb) == ("From Org a (a) to Org c (c): 2 steps.\n"
                       "  Org a -[referral]-> Org b -[referral]-> Org c")
    assert rb.to_dict() == {
        "from": "a", "from_name": "Org a", "to": "c", "to_name": "Org c", "steps": 2,
        "route": [{"id": "a", "name": "Org a", "kind": None},
                  {"id": "b", "name": "Org b", "kind": "referral"},
                  {"id": "c", "name": "Org c", "kind": "referral"}],
        "reachable_organisations": 2}
    assert str(route_between(net, "b", "a")) == (
        "From Org b (b) to Org a (a): no route. No chain of active routes leads there; "
        "1 organisation can be reached from Org b.\n"
        "To see what a route would change: musicnet whatif DATA_DIR --add b:a")
    assert "; 0 organisations can be reached from Org c." in str(route_between(net, "c", "a"))
    with pytest.raises(UsageError, match=r"^'a' and 'A ' are the same organisation: "
                                         r"give two\.$"):
        route_between(net, "a", "A ")


# ---------------------------------------------------------------- compare / Diff text

def test_whatif_text_names_every_gain():
    """Every gain section lists the organisations and routes by name, and the stages
    gained joined with ', '. Kills Diff.__str__ 188, 205, 253, 254, 282, 290, 292."""
    net = net_of([org("a", "participation"), org("b", "developing;advanced"),
                  org("c", "participation")], [("c", "a")])
    diff = compare(net, net.with_routes(add=[("a", "b")]))
    assert str(diff) == "\n".join([
        "This change harms progression: 1 new dead end.",
        "It also resolves 1 dead end, closes 2 progression gaps, gives 2 organisations a "
        "route to a higher stage, links 1 isolated organisation.",
        "Routes added (1):", "  - Org a (a) -> Org b (b)",
        "New dead ends (1):", "  - Org b (b)",
        "Dead ends resolved (1):", "  - Org a (a)",
        "Progression gaps closed (2):", "  - Org a (a)", "  - Org c (c)",
        "No longer isolated (they now have a route) (1):", "  - Org b (b)",
        "New fragile routes (bridges) (1):", "  - Org a (a) -> Org b (b)",
        "New single points of failure (1):", "  - Org a (a)",
        "Can now reach more stages (2):", "  - Org a (a): developing, advanced",
        "  - Org c (c): developing, advanced"])


def test_closing_a_leaf_splits_its_part_and_reads_so():
    """Closing an organisation that cuts nobody off still marks its whole part as split
    (the cut_off docstring: "a part that lost an organisation, by closure or by being cut
    off"), so the organisation that held it together is listed under its own heading, and
    the closed organisation is named. Kills cut_off 33, Diff.__str__ 142, 271, 272."""
    net = net_of([org(v) for v in "abc"], [("a", "b"), ("b", "c")])
    after = net.with_routes(close=["c"])
    assert cut_off(net, after) == ([], {"a", "b", "c"})
    text = str(compare(net, after))
    assert "Organisations closed (1):\n  - Org c (c)\n" in text
    assert text.endswith(
        "No longer single points of failure only because the part they held together was "
        "cut off or closed (1):\n  - Org b (b)")
    assert "No longer single points of failure (" not in text


def test_a_removed_bridge_replaced_elsewhere_is_only_removed():
    """A fragile route removed while another route keeps the part together (no split) is
    listed once, under "Fragile routes removed", not also as made safe.
    Kills Diff.__str__ 217, 218."""
    net = net_of([org(v) for v in "abc"], [("a", "b"), ("b", "c")])
    diff = compare(net, net.with_routes(remove=[("a", "b")], add=[("a", "c")]))
    assert diff.bridges_lost == [("a", "b")] and diff.cut_off == []
    text = str(diff)
    assert "Fragile routes removed (1):\n  - Org a (a) -> Org b (b)\n" in text
    assert "Fragile routes made safe" not in text
    assert "only because the network there was split" not in text


def test_harm_sections_name_majority_cc_first_even_when_later_by_id():
    """Majority-CC organisations come first in the harm sections although their ids sort
    later. Kills Diff.__str__ 7."""
    net = net_of([org("s", "participation"), org("a", "participation"),
                  org("b", "participation", remit="majority_cc"),
                  org("x", "developing"), org("y", "developing")],
                 [("s", "a"), ("a", "x"), ("s", "b"), ("b", "y")])
    text = str(compare(net, net.with_routes(remove=[("a", "x"), ("b", "y")])))
    assert "New dead ends (2):\n  - Org b (b) [majority CC]\n  - Org a (a)\n" in text
    assert ("New progression gaps (3):\n  - Org b (b) [majority CC]\n  - Org a (a)\n"
            "  - Org s (s)\n") in text


def test_a_dead_end_resolved_without_new_reach_still_helps():
    """A majority-CC dead end that now leads on, to an organisation offering only its own
    stage: it gains no reach and closes no gap, but the resolved dead end alone counts it
    as helped (Diff docstring: "a dead end resolved, a gap closed or new reach").
    Kills compare 78."""
    net = net_of([org("a", "participation"), org("d", "developing", remit="majority_cc"),
                  org("x", "developing")], [("a", "d")])
    diff = compare(net, net.with_routes(add=[("d", "x")]))
    assert diff.dead_ends_resolved == ["d"]
    assert diff.reach_gained == {} and diff.progression_gaps_closed == []
    assert diff.majority_cc_helped == ["d"]
    assert str(diff).endswith("Majority-CC organisations helped: 1: Org d (d).")


# ---------------------------------------------------------------- with_routes tables

def test_with_routes_table_checks_the_status_column():
    """A table's status is read and checked (then the added route is active).
    Kills _routes_from 44."""
    net = net_of([org("a"), org("b", "developing")], [])
    with pytest.raises(UsageError, match=r"^unknown status 'bogus'\."):
        net.with_routes(add=pd.DataFrame({"source": ["a"], "target": ["b"],
                                          "status": ["bogus"]}))
    after = net.with_routes(add=pd.DataFrame({"source": ["a"], "target": ["b"],
                                              "status": ["Planned"]}))
    assert [r.status for r in after.routes] == ["active"]


# ---------------------------------------------------------------- suggestions

def test_one_fragile_route_made_safe_is_singular():
    """x -> y is the only bridge between x and the pair y <-> w; x -> w makes exactly that
    one safe. Kills _impact_reasons 39."""
    net = net_of([org("x", "participation"), org("y", "participation"),
                  org("w", "developing")], [("x", "y"), ("y", "w"), ("w", "y")])
    (s,) = suggest_links(net, for_org="x")
    assert (s.source, s.target) == ("x", "w")
    assert s.impact["bridges_lost"] == [{"source": "x", "target": "y"}]
    assert s.reasons[-1] == "makes 1 fragile route safe"


def test_per_source_default_keeps_fifteen_targets():
    """The documented default keeps the best 15 targets per source (docs/scale.md: "2 x
    15 targets scanned per source"). Kills suggest_links 2."""
    net = net_of([org("s", "participation")]
                 + [org(f"t{i:02d}", "developing") for i in range(20)], [])
    assert len(suggest_links(net, for_org="s", top=20)) == 15
    assert len(suggest_links(net, for_org="s", top=20, per_source=16)) == 16


def test_capped_only_when_candidates_were_left_out():
    """``capped`` is None when ``max_candidates`` equals the number of candidates found
    (every candidate was measured: the ranking is exact), and says (measured, found) one
    below that. Kills _candidates 100."""
    net = net_of([org("a", "participation"), org("b", "participation"),
                  org("c", "developing"), org("d", "advanced")], [])
    measured, found = suggest_links(net, max_candidates=1).capped
    assert measured == 1 and found > 2
    assert suggest_links(net, max_candidates=found).capped is None
    assert suggest_links(net, max_candidates=found - 1).capped == (found - 1, found)


# -- the mutation run of the code changed since 434ade6 (26 November, third round) ----------

def test_the_capped_pool_is_cut_to_exactly_two_per_source_plus_one():
    """The capped pool keeps 2 * per_source + 1 targets: the best-fitting third of three
    is found (a pool cut to one would keep p0), and a pool of exactly that size (or less)
    is not reported as cut. Kills _candidates 107, 108 and 113."""
    src = org("s", "first_access", genres=("jazz",))
    pool = [org("p0", "developing"), org("p1", "developing"),
            org("p2", "developing", genres=("jazz",)), org("p3", "developing")]
    four = net_of([src, *pool], [])
    got = suggest_links(four, top=10, per_source=1, for_org="s", max_candidates=5)
    assert [x.target for x in got] == ["p2"]
    for size in (3, 2):
        net = net_of([src, *pool[:size]], [])
        assert suggest_links(net, top=10, per_source=1, for_org="s",
                             max_candidates=5).capped is None, size


def test_a_source_at_the_top_stage_does_not_end_the_search():
    """A source already at the top stage has no stage above to reach: it is never a source
    (so _candidates 55, a `break` for its `continue`, is equivalent), and the sources
    after it are still searched."""
    net = net_of([org("a", "professional"), org("b", "first_access"),
                  org("c", "developing")], [])
    assert ("b", "c") in {(x.source, x.target) for x in suggest_links(net, top=5)}


def test_alike_targets_skip_only_the_one_already_linked():
    """Exact ranking scores a group of alike targets once; a member the source already
    has a route to is skipped, the next one still offered (a `break` there would drop the
    whole group)."""
    net = net_of([org("s", "first_access"), org("a1", "developing"), org("a2", "developing")],
                 [("s", "a1")])
    assert [x.target for x in suggest_links(net, top=5, for_org="s")] == ["a2"]
