"""Hand-made networks with answers worked out on paper."""

from __future__ import annotations

from musicnet.analysis import (
    borough_coverage,
    bridge_organisations,
    bridges,
    dead_ends,
    isolated,
    pathfinder_chains,
    progression_gaps,
    stage_reach,
)
from musicnet.model import Route

from .conftest import net_of, org


def test_dead_end_docstring_example():
    n = net_of([org("a"), org("b"), org("c", "participation")], [("a", "b"), ("b", "c")])
    assert dead_ends(n) == ["c"]
    n2 = net_of([org("a"), org("b"), org("c", "professional")], [("a", "b"), ("b", "c")])
    assert dead_ends(n2) == []


def test_only_active_routes_count():
    n = net_of([org("a"), org("b"), org("c")],
               [Route("a", "b", status="lapsed"), Route("b", "c", status="planned")])
    assert isolated(n) == ["a", "b", "c"]
    assert dead_ends(n) == []
    assert n.graph.number_of_edges() == 0
    assert len(n.routes) == 2


def test_progression_gaps_docstring_example():
    n = net_of([org("a", "participation"), org("b", "first_access"), org("c", "developing")],
               [("a", "b"), ("b", "c")])
    assert progression_gaps(n) == ["c"]


def test_progression_gap_in_cycle_and_professional_never_gap():
    n = net_of([org("a", "developing"), org("b", "participation"), org("p", "professional")],
               [("a", "b"), ("b", "a")])
    assert progression_gaps(n) == ["a"]  # b reaches a (developing); a reaches only lower
    assert "p" not in progression_gaps(n)


def test_bridges_docstring_example():
    orgs = [org(x) for x in "abcd"]
    n = net_of(orgs, [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    assert bridges(n) == [("c", "d")]
    n2 = net_of(orgs, [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "c")])
    assert bridges(n2) == []


def test_star_bridge_organisation_cut_off():
    orgs = [org("hub"), org("a"), org("b"), org("c")]
    n = net_of(orgs, [("hub", "a"), ("hub", "b"), ("c", "hub")])
    assert [(b.id, b.cut_off) for b in bridge_organisations(n)] == [("hub", 2)]


def test_chain_cut_off_counts_smaller_side():
    # a - b - c - d - e: closing c leaves {a,b} and {d,e}: 2 cut off; b cuts off a only
    orgs = [org(x) for x in "abcde"]
    n = net_of(orgs, [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    got = {b.id: b.cut_off for b in bridge_organisations(n)}
    assert got == {"b": 1, "c": 2, "d": 1}
    assert next(b.id for b in bridge_organisations(n)) == "c"


def test_stage_reach_steps():
    n = net_of([org("a", "first_access", remit="majority_cc"), org("b", "developing")],
               [("a", "b")])
    row = next(r for r in stage_reach(n)["organisations"] if r["id"] == "a")
    assert row["steps"] == {"first_access": 0, "participation": None, "developing": 1,
                            "advanced": None, "professional": None}
    assert row["highest_stage_reachable"] == "developing"
    assert stage_reach(n)["majority_cc"] == {
        "organisations": 1,
        "can_reach": {"first_access": 1, "participation": 1, "developing": 1, "advanced": 0,
                      "professional": 0}}


def test_pathfinder_chain_breaks():
    orgs = [org("refugee-project", "first_access", otype="grassroots"),
            org("youth-club", "first_access", otype="youth_service"),
            org("community", "participation", otype="other"),
            org("stuck-community", "participation", otype="other"),
            org("hub", "developing", otype="music_education_hub")]
    n = net_of(orgs, [("refugee-project", "youth-club"), ("community", "hub"),
                      ("stuck-community", "refugee-project")])
    got = pathfinder_chains(n)
    assert got["grassroots_without_onward_route"] == ["refugee-project", "youth-club"]
    assert got["intermediaries_without_next_step"] == ["stuck-community"]


def test_borough_coverage_docstring_example():
    orgs = [org("a", borough="Bexley"), org("b", borough="Bexley"),
            org("x", "developing", borough="Camden")]
    n = net_of(orgs, [("a", "b"), ("b", "a"), ("x", "a")])
    cov = borough_coverage(n)
    bex = next(b for b in cov["boroughs"] if b["borough"] == "Bexley")
    assert bex["missing_stages"] == ["first_access", "developing", "advanced", "professional"]
    assert bex["unreachable_stages"] == ["developing", "advanced", "professional"]
    assert bex["hub_area"] == "South East" and bex["organisations"] == 2
    cam = next(b for b in cov["boroughs"] if b["borough"] == "Camden")
    assert cam["unreachable_stages"] == ["advanced", "professional"]
    north = next(a for a in cov["hub_areas"] if a["hub_area"] == "North")
    assert north["organisations"] == 1


def test_offering_a_stage_is_provision_at_it_and_below():
    """Issue 11: a borough whose only organisation offers advanced is not 'stuck'."""
    from musicnet.analysis import analyse, format_text, stage_reach

    n = net_of([org("a", "advanced", borough="Camden"),
                org("p", "professional", borough="Ealing", remit="majority_cc"),
                org("f", "first_access", borough="Bexley", remit="majority_cc")],
               [("f", "a")])
    cam = next(b for b in borough_coverage(n)["boroughs"] if b["borough"] == "Camden")
    assert cam["unreachable_stages"] == ["professional"]
    eal = next(b for b in borough_coverage(n)["boroughs"] if b["borough"] == "Ealing")
    assert eal["unreachable_stages"] == []
    bex = next(b for b in borough_coverage(n)["boroughs"] if b["borough"] == "Bexley")
    assert bex["unreachable_stages"] == ["professional"]  # reaches advanced via a
    text = format_text(analyse(n))
    assert "Boroughs with no route beyond participation (0)" in text
    reach = stage_reach(n)
    # p offers only professional but has passed every stage below it; f reaches advanced
    assert reach["majority_cc"]["can_reach"] == {
        "first_access": 2, "participation": 2, "developing": 2, "advanced": 2,
        "professional": 1}
    assert reach["all"]["can_reach"]["first_access"] == 3


def test_sample_data_has_something_true_to_find(sample_net):
    r = sample_net.analyse()
    for key in ("dead_ends", "progression_gaps", "bridges", "bridge_organisations"):
        assert r[key], key
    majority_dead_ends = [o for o in r["dead_ends"] if o["remit"] == "majority_cc"]
    assert majority_dead_ends
    bexley = next(b for b in r["borough_coverage"]["boroughs"] if b["borough"] == "Bexley")
    assert "developing" in bexley["unreachable_stages"]
    advanced_ids = {v for v, o in sample_net.orgs.items() if o.highest_level == 3}
    assert any(b["target"] in advanced_ids for b in r["bridges"])


def test_isolated_docstring_example():
    n = net_of([org("a"), org("b"), org("c")], [Route("a", "b"), Route("c", "a", status="lapsed")])
    assert isolated(n) == ["c"]
