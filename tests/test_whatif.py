"""What-if, pathways and missing-link suggestions."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import musicnet
from musicnet import UsageError
from musicnet.schema import STAGES
from musicnet.suggest import _Context, impact_score
from musicnet.whatif import compare

from .conftest import ROOT, SAMPLE, net_of, org
from .test_analysis_properties import networks
from .test_numbers import EXAMPLES


def test_with_routes_leaves_original_untouched(sample_net):
    before_edges = set(sample_net.graph.edges())
    after = sample_net.with_routes(add=[("ashdown-primary-school", "marigold-song-studio")],
                                   remove=[next(iter(before_edges))])
    assert set(sample_net.graph.edges()) == before_edges
    assert after.graph.has_edge("ashdown-primary-school", "marigold-song-studio")
    assert after.proposed == {("ashdown-primary-school", "marigold-song-studio")}
    assert after.graph.number_of_edges() == len(before_edges)


def test_with_routes_accepts_a_dataframe(sample_net):
    df = pd.DataFrame({"Source": ["ashdown-primary-school"], "target": ["MARIGOLD-SONG-STUDIO"],
                       "kind": ["signposting"]})
    after = sample_net.with_routes(add=df)
    assert after.graph.edges["ashdown-primary-school", "marigold-song-studio"]["kind"] == \
        "signposting"


def test_with_routes_errors(sample_net):
    existing = next(iter(sample_net.graph.edges()))
    with pytest.raises(UsageError, match="already exists"):
        sample_net.with_routes(add=[existing])
    with pytest.raises(UsageError, match="itself"):
        sample_net.with_routes(add=[(existing[0], existing[0])])
    with pytest.raises(UsageError, match="Did you mean 'marigold-song-studio'"):
        sample_net.with_routes(add=[("ashdown-primary-school", "marigold-song-stuio")])
    with pytest.raises(UsageError, match="no active route"):
        sample_net.with_routes(remove=[("ashdown-primary-school", "marigold-song-studio")])


def test_close_and_include_planned(sample_net):
    planned = [r for r in sample_net.routes if r.status == "planned"]
    after = sample_net.with_routes(include_planned=True)
    assert all(after.graph.has_edge(r.source, r.target) for r in planned)
    hub = "open-doors-music-network-london-wide"
    closed = sample_net.with_routes(close=[hub])
    assert hub not in closed.orgs and hub in sample_net.orgs
    diff = compare(sample_net, closed)
    assert diff.organisations_closed == [hub]
    assert len(diff.routes_removed) == sample_net.graph.degree(hub)


def test_compare_known_answer():
    n = net_of([org("a", "first_access", remit="majority_cc"), org("b", "participation"),
                org("c", "developing")], [("a", "b")])
    after = n.with_routes(add=[("b", "c")])
    d = compare(n, after)
    assert d.dead_ends_resolved == ["b"] and d.dead_ends_created == ["c"]
    assert d.progression_gaps_closed == ["b"]  # a already reached participation
    assert d.reach_gained == {"a": ["developing"], "b": ["developing"]}
    assert d.majority_cc_helped == ["a"]
    assert d.bridges_gained == [("b", "c")]
    assert "Dead ends resolved (1)" in str(d)
    back = compare(after, n)
    assert back.reach_lost == d.reach_gained and back.progression_gaps_opened == ["b"]


@settings(max_examples=min(150, 2 * EXAMPLES), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(networks(max_nodes=8), st.data())
def test_incremental_impact_equals_compare(net, data):
    """The fast scoring used to rank suggestions agrees exactly with compare()."""
    ctx = _Context(net)
    pairs = [(s, t) for s in net.orgs for t in net.orgs
             if s != t and not net.graph.has_edge(s, t)]
    if not pairs:
        return
    for s, t in data.draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=4,
                                   unique=True)):
        exact = compare(net, net.with_routes(add=[(s, t)]))
        score, counts = ctx.impact(s, t)
        assert counts == [len(exact.dead_ends_resolved), len(exact.dead_ends_created),
                          len(exact.progression_gaps_closed), len(exact.higher_stage_gained),
                          len(exact.majority_cc_helped), len(exact.bridges_lost)]
        assert score == impact_score(exact)


def test_suggestions_rules_and_exact_impact(sample_net):
    sugs = sample_net.suggest_links(top=10)
    assert len(sugs) == 10
    assert [s.score for s in sugs] == sorted((s.score for s in sugs), reverse=True)
    for s in sugs:
        assert s.source != s.target
        assert not sample_net.graph.has_edge(s.source, s.target)
        assert sample_net.orgs[s.target].highest_level > sample_net.orgs[s.source].highest_level
        exact = compare(sample_net, sample_net.with_routes(add=[(s.source, s.target)]))
        assert s.impact == exact.to_dict()
        assert s.score == s.fit + impact_score(exact)
        assert s.reasons
    assert sample_net.suggest_links(top=10) == sugs  # deterministic


def test_greedy_plan_is_sequential(sample_net):
    plan = sample_net.suggest_links(greedy=3)
    assert len(plan) == 3
    current = sample_net
    for s in plan:
        exact = compare(current, current.with_routes(add=[(s.source, s.target)]))
        assert s.impact == exact.to_dict()
        current = current.with_routes(add=[(s.source, s.target)])


def test_suggest_for_one_org_and_borough(sample_net):
    sugs = sample_net.suggest_links(top=3, for_org="ashdown-primary-school")
    assert sugs and all(s.source == "ashdown-primary-school" for s in sugs)
    bex = sample_net.suggest_links(top=5, borough="bexley")
    assert bex and all(sample_net.orgs[s.source].borough == "Bexley" for s in bex)
    with pytest.raises(UsageError, match="Did you mean 'Bexley'"):
        sample_net.suggest_links(borough="Bexly")


def test_pathways(sample_net):
    n = net_of([org("a", "first_access", genres=("grime",)), org("b", "participation"),
                org("c", "developing", genres=("grime",)), org("d", "developing")],
               [("a", "b"), ("b", "c"), ("a", "d")])
    p = n.pathways("a")
    assert [[step["id"] for step in r] for r in p.routes["developing"]] == [["a", "d"]]
    assert p.unreachable_stages == ["advanced", "professional"]
    g = n.pathways("a", genre="Grime")
    assert [[step["id"] for step in r] for r in g.routes["developing"]] == [["a", "b", "c"]]
    assert g.routes["developing"][0][1]["kind"] == "referral"
    assert n.pathways("d").genres_unreachable == []
    assert n.pathways("b").reachable_organisations == 1
    with pytest.raises(UsageError, match="Did you mean 'advanced'"):
        n.pathways("a", to_stage="advnced")


def cli(*args):
    return subprocess.run([sys.executable, "-m", "musicnet.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_suggest_json_impact_equals_whatif_json():
    res = cli("suggest", str(SAMPLE), "--top", "3", "--format", "json")
    assert res.returncode == 0, res.stderr
    sugs = json.loads(res.stdout)
    assert {"source", "target", "score", "reasons", "impact"} <= set(sugs[0])
    for s in sugs:
        w = cli("whatif", str(SAMPLE), "--add", f"{s['source']}:{s['target']}",
                "--format", "json")
        assert w.returncode == 0, w.stderr
        assert json.loads(w.stdout) == s["impact"]
    keys = {"dead_ends_resolved", "dead_ends_created", "progression_gaps_closed",
            "progression_gaps_opened", "bridges_gained", "bridges_lost", "reach_gained"}
    assert keys <= set(sugs[0]["impact"])


def test_whatif_cli_errors_and_map(tmp_path):
    res = cli("whatif", str(SAMPLE), "--add", "ashdown-primary-school:ashdown-primary-school")
    assert res.returncode == 1 and "itself" in res.stderr and "Traceback" not in res.stderr
    res = cli("whatif", str(SAMPLE), "--add", "nope")
    assert res.returncode == 2 and "SOURCE:TARGET" in res.stderr
    assert cli("whatif", str(SAMPLE)).returncode == 2
    out = tmp_path / "w.html"
    res = cli("whatif", str(SAMPLE), "--add", "ashdown-primary-school:marigold-song-studio",
              "--map", str(out))
    assert res.returncode == 0 and "Dead ends resolved" in res.stdout
    html = out.read_text()
    assert '"proposed"' in html and "Proposed route (what-if)" in html
    # the header says what changed, for whoever the map is sent to: each count that
    # changed with its old value, from the analysis before and after
    import re

    before = musicnet.load(SAMPLE)
    after = before.with_routes(add=[("ashdown-primary-school", "marigold-song-studio")])
    stats = re.search(r'id="stats"[^>]*>([^<]*)<', html).group(1)
    a, b = len(before.dead_ends()), len(after.dead_ends())
    assert a == b + 1 and f"{b} dead ends (was {a})" in stats
    n = before.graph.number_of_edges()
    assert f"{n + 1} active routes (was {n})" in stats
    assert f"{len(after.bridges())} fragile routes ·" in stats  # unchanged: no "was"
    # the title says what the change is (it read "What if: proposed routes" for a closure)
    assert "<title>What if: 1 proposed route</title>" in html
    hub = "open-doors-music-network-london-wide"
    res = cli("whatif", str(SAMPLE), "--close", hub, "--remove",
              "clocktower-primary-school:cedar-yard-youth-cafe", "--map", str(out), "--force")
    title = re.search(r"<title>([^<]*)</title>", out.read_text()).group(1)
    assert title == f"What if: {before.orgs[hub].name} closed, 1 route removed"


def test_whatif_routes_file(tmp_path):
    f = tmp_path / "new.csv"
    f.write_text("source,target,kind\nashdown-primary-school,marigold-song-studio,signposting\n"
                 "cedar-yard-youth-cafe,nowhere,\n")
    res = cli("whatif", str(SAMPLE), "--routes", str(f))
    assert res.returncode == 1 and "new.csv, line 3, column 2 (target)" in res.stderr
    f.write_text("source,target\nashdown-primary-school,marigold-song-studio\n")
    assert cli("whatif", str(SAMPLE), "--routes", str(f)).returncode == 0


def test_path_cli():
    res = cli("path", str(SAMPLE), "kite-street-alternative-provision", "--format", "json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["id"] == "kite-street-alternative-provision" and data["routes"]
    res = cli("path", "ashdown")
    assert res.returncode == 1 and "Did you mean" in res.stderr


@pytest.mark.browser
def test_proposed_routes_drawn_dashed(browser, tmp_path, sample_net):
    from musicnet.render.map import render_map

    after = sample_net.with_routes(add=[("ashdown-primary-school", "marigold-song-studio")])
    path = tmp_path / "w.html"
    path.write_text(render_map(after))
    page = browser.new_page()
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]")
    styles = page.evaluate("""window.musicnetMap.edgeStyleOf('ashdown-primary-school',
        'marigold-song-studio')""")
    assert styles == ["cls:proposed"]
    style = page.evaluate("window.musicnetMap.data.class_styles.proposed")
    assert style["width"] >= 5 and style["dash"]  # thick and dashed
    assert "Proposed route (what-if)" in page.locator("#legend").text_content()
    page.close()


def test_fit_points_match_reasoned_fit(sample_net):
    from musicnet.suggest import _fit, _fit_points

    ctx = _Context(sample_net)
    ids = sorted(sample_net.orgs)
    for s in ids[::7]:
        for t in ids[::5]:
            if s != t:
                assert _fit_points(ctx, s, t) == _fit(ctx, s, t)[0]


def test_a_change_that_harms_and_helps_says_both_first(sample_net):
    """A new user read only harm at the top of a change that also resolved a dead end."""
    after = sample_net.with_routes(add=[("ashdown-primary-school", "marigold-song-studio")],
                                   close=["open-doors-music-network-london-wide"])
    lines = str(compare(sample_net, after)).splitlines()
    assert lines[0].startswith("This change harms progression: 3 organisations cut off")
    assert lines[1] == ("It also resolves 1 dead end, closes 1 progression gap, gives 1 "
                        "organisation a route to a higher stage.")
    assert lines[-1] == "Majority-CC organisations helped: 1: Ashdown Primary School " \
        "(ashdown-primary-school)."


def test_closing_a_bridge_organisation_reports_who_is_cut_off(sample_net):
    """Issue 11: a closure used to read like good news with empty harm fields."""
    from musicnet.analysis import bridge_organisations

    hub = "open-doors-music-network-london-wide"
    diff = compare(sample_net, sample_net.with_routes(close=[hub]))
    expected = next(b.cut_off for b in bridge_organisations(sample_net) if b.id == hub)
    assert len(diff.cut_off) == expected == 3
    assert diff.to_dict()["cut_off"] == diff.cut_off
    mcc = [v for v in diff.cut_off if sample_net.orgs[v].remit == "majority_cc"]
    assert mcc and set(mcc) <= set(diff.majority_cc_harmed)
    text = str(diff)
    assert text.startswith("This change harms progression: 3 organisations cut off")
    assert "\nNo longer single points of failure (" not in text
    # majority-CC organisations are named first in the cut-off list
    section = text.split("Cut off from the rest of the network")[1].split("\n")[1:4]
    assert "[majority CC]" in section[0]


def test_removing_a_route_reports_reach_lost_and_harm():
    n = net_of([org("a", "first_access", remit="majority_cc"), org("b", "developing"),
                org("c", "advanced"), org("d", "participation"), org("e", "first_access")],
               [("a", "b"), ("b", "c"), ("d", "a"), ("c", "e")])
    diff = compare(n, n.with_routes(remove=[("a", "b")]))
    assert diff.cut_off == ["a", "d"]  # {b, c, e} is the larger part left
    # a offered first access and reached advanced: it no longer reaches participation
    # or anything above it; d still offers participation
    assert diff.reach_lost == {"a": ["participation", "developing", "advanced"],
                               "d": ["developing", "advanced"]}
    assert diff.majority_cc_harmed == ["a"]
    assert str(diff).startswith("This change harms progression")


def test_reach_means_a_stage_or_one_above_it_as_in_stage_reach():
    """Found by a fresh audit: whatif and suggest counted reach stage by exact stage while
    `analyse` counts an organisation as reaching s when it reaches s or anything above.
    Closing a participation organisation harmed nobody who still reached a professional
    college; a route to a developing organisation gained nothing for one already reaching
    professional."""
    n = net_of([org("n", "developing", remit="majority_cc"), org("m", "participation"),
                org("o", "professional", otype="further_education")],
               [("n", "m"), ("n", "o")])
    d = compare(n, n.with_routes(close=["m"]))
    assert d.reach_lost == {} and d.majority_cc_harmed == []
    assert not str(d).startswith("This change harms")
    assert n.stage_reach()["majority_cc"]["can_reach"]["participation"] == 1
    s = net_of([org("s", "participation", remit="majority_cc"),
                org("p", "professional", otype="industry"),
                org("t", "developing", otype="music_service")], [("s", "p"), ("t", "p")])
    gain = compare(s, s.with_routes(add=[("s", "t")]))
    assert gain.reach_gained == {} and gain.majority_cc_helped == []
    assert gain.higher_stage_gained == []
    for sug in s.suggest_links(top=10, allow_any=True):
        assert not any("higher stage" in r for r in sug.reasons)


def test_lost_reach_alone_harms_a_majority_cc_organisation():
    """An organisation that still reaches a stage above its own (so no new gap), is not a
    dead end and is not cut off, but can no longer reach the top, is harmed. A mutation
    run found no test telling `gap_opened | lost` from `gap_opened & lost`."""
    from musicnet.whatif import _stages, reach_masks

    n = net_of([org("a", "participation", remit="majority_cc"), org("b", "developing"),
                org("c", "professional", otype="further_education")],
               [("a", "b"), ("b", "c")])
    d = compare(n, n.with_routes(remove=[("b", "c")]))
    assert d.reach_lost == {"a": ["advanced", "professional"],
                            "b": ["advanced", "professional"]}
    assert d.progression_gaps_opened == ["b"] and d.dead_ends_created == ["b"]
    assert "a" not in d.cut_off and d.majority_cc_harmed == ["a"]
    # reach_masks runs from first access up to the highest stage offered or reached
    assert {v: _stages(m) for v, m in reach_masks(n).items()} == {
        "a": list(STAGES), "b": list(STAGES), "c": list(STAGES)}
    alone = net_of([org("x", "first_access"), org("y", "developing")], [])
    assert {v: _stages(m) for v, m in reach_masks(alone).items()} == {
        "x": ["first_access"], "y": ["first_access", "participation", "developing"]}


def test_suggestions_obey_the_domain_rules_on_the_sample(sample_net):
    """Issue 11: `suggest --for ashdown-primary-school` ranked a PRU second."""
    from musicnet.suggest import broken_rules

    sugs = sample_net.suggest_links(top=10, for_org="ashdown-primary-school")
    assert sugs
    for s in sugs:
        assert sample_net.orgs[s.target].type not in ("pru", "school", "academy",
                                                       "youth_justice", "health")
        assert broken_rules(sample_net, s.source, s.target) == []
    for s in sample_net.suggest_links(top=30):
        assert broken_rules(sample_net, s.source, s.target) == []


def test_hard_rules_each_block_and_allow_any_lifts_them():
    from musicnet.suggest import broken_rules

    src = org("s", "first_access", otype="school", remit="majority_cc",
              target_groups=("neet",), age_min=5, age_max=11)
    targets = [
        org("pru", "participation", otype="pru"),                                 # placement
        org("yot", "participation", otype="youth_justice"),                       # placement
        org("camhs", "participation", otype="health"),                            # placement
        org("kid", "participation", otype="other", age_min=16, age_max=25),       # ages
        org("ref", "participation", otype="other", remit="majority_cc",
            target_groups=("refugee_asylum",)),                                   # target-groups
        org("ok", "participation", otype="other", remit="majority_cc",
            target_groups=("neet", "send"), age_min=8),
    ]
    inter = org("i", "participation", otype="other")
    back = org("g", "developing", otype="grassroots")                             # role-order
    n = net_of([src, *targets, inter, back], [])
    assert broken_rules(n, "s", "pru") == ["placement"]
    assert broken_rules(n, "s", "yot") == broken_rules(n, "s", "camhs") == ["placement"]
    assert broken_rules(n, "s", "kid") == ["ages"]
    assert broken_rules(n, "s", "ref") == ["target-groups"]
    assert broken_rules(n, "s", "ok") == []
    assert broken_rules(n, "i", "g") == ["role-order"]
    got = {s.target for s in n.suggest_links(top=10, for_org="s")}
    assert got == {"ok", "g", "i"}
    anyway = n.suggest_links(top=10, for_org="s", allow_any=True)
    assert {s.target for s in anyway} == got | {"pru", "yot", "camhs", "kid", "ref"}
    for s in anyway:
        broken = broken_rules(n, s.source, s.target)
        assert [r for r in s.reasons if r.startswith("breaks rule")] == [
            r for r in s.reasons if any(r.startswith(f"breaks rule {b}:") for b in broken)]
        assert len([r for r in s.reasons if r.startswith("breaks rule")]) == len(broken)
    ok = next(s for s in anyway if s.target == "ok")
    assert "works with young people not in education, employment or training" in ok.reasons


def test_another_hub_area_costs_unless_london_wide():
    from musicnet.suggest import OTHER_HUB_AREA_COST, _Context, _fit, _fit_points

    n = net_of([org("s", "first_access", borough="Lewisham"),
                org("far", "participation", borough="Camden"),
                org("wide", "participation", borough="London-wide"),
                org("near", "participation", borough="Bexley")], [])
    ctx = _Context(n)
    far, wide, near = (_fit(ctx, "s", t) for t in ("far", "wide", "near"))
    assert near[0] - far[0] == 1 + OTHER_HUB_AREA_COST  # same hub area +1 vs -2
    assert wide[0] - far[0] == OTHER_HUB_AREA_COST
    assert any("another hub area (North)" in r for r in far[1])
    assert any("London-wide" in r for r in wide[1])
    assert all(_fit_points(ctx, "s", t) == _fit(ctx, "s", t)[0] for t in ("far", "wide", "near"))


@settings(max_examples=min(150, 2 * EXAMPLES), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(networks(max_nodes=9))
def test_incremental_diff_equals_compare(net):
    """The incremental diff suggestions report is exactly compare() of before and after,
    for every route that could be added (every field, the text and the JSON)."""
    ctx = _Context(net)
    for s in net.orgs:
        for t in net.orgs:
            if s == t or net.graph.has_edge(s, t):
                continue
            exact = compare(net, net.with_routes(add=[(s, t)]))
            fast = ctx.diff(s, t)
            assert fast == exact, (s, t)
            assert fast.to_dict() == exact.to_dict()
            assert str(fast) == str(exact)
            assert (fast.names, fast.majority_cc, fast.split) == (
                exact.names, exact.majority_cc, exact.split)


@settings(max_examples=min(100, EXAMPLES), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(networks(max_nodes=8), st.data())
def test_fast_scorer_agrees_with_the_rules_and_the_fit(net, data):
    """Candidate scoring reads each organisation once; for every pair it must give
    exactly the fit of _fit (the reasons' points) and refuse exactly the routes
    broken_rules names, with ages, places and coordinates drawn at random too."""
    import dataclasses

    from musicnet import Network
    from musicnet.suggest import _fit, _scorer, broken_rules

    ages = st.one_of(st.none(), st.integers(0, 30))
    orgs = []
    for o in net.orgs.values():
        lo, hi = data.draw(ages), data.draw(ages)
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        coords = data.draw(st.one_of(st.none(), st.tuples(
            st.floats(51.3, 51.7), st.floats(-0.5, 0.3))))
        orgs.append(dataclasses.replace(
            o, age_min=lo, age_max=hi, lat=coords and coords[0], lon=coords and coords[1],
            genres=tuple(data.draw(st.lists(st.sampled_from(["folk", "jazz", "pop", "rap"]),
                                            unique=True, max_size=4))),
            target_groups=tuple(data.draw(st.lists(st.sampled_from(["neet", "send", "pru"]),
                                                   unique=True, max_size=2))),
            type=data.draw(st.sampled_from(["pru", "school", "youth_justice", "health",
                                                "other", "venue"]))))
    net = Network(orgs, net.routes)
    ctx = _Context(net)
    for s in net.orgs:
        strict, loose = _scorer(ctx, s, rules=True), _scorer(ctx, s, rules=False)
        for t in net.orgs:
            if s == t:
                continue
            assert loose(t) == _fit(ctx, s, t)[0]
            assert (strict(t) is None) == bool(broken_rules(net, s, t))
            if strict(t) is not None:
                assert strict(t) == loose(t)


def test_a_route_removed_and_added_back_is_proposed():
    """Removing an active route and adding it back in one what-if: the route is there,
    active, and drawn as proposed (found by the written-rules property test)."""
    from musicnet import Network, Organisation, Route

    o = [Organisation(i, i, "other", "general", ("participation",), "Lewisham", "other")
         for i in ("o0", "o1")]
    after = Network(o, [Route("o0", "o1", young_people_per_year=7)]).with_routes(
        add=[("o0", "o1")], remove=[("o0", "o1")])
    assert [(r.source, r.target, r.status, r.young_people_per_year) for r in after.routes] \
        == [("o0", "o1", "active", 7)]
    assert after.proposed == {("o0", "o1")}


def test_bridges_lost_to_a_split_and_dead_ends_cut_off_read_right():
    """A change that closes an organisation and adds a route (found by a random search):
    routes that stop being bridges only because the network split are listed under their
    own heading, and a dead end that is only "resolved" because it was cut off does not
    count as help: it is listed apart, as no longer reached."""
    orgs = [org(f"o{i}", "participation") for i in range(7)]
    net = net_of(orgs, [("o0", "o4"), ("o2", "o4"), ("o3", "o4"), ("o5", "o1"),
                        ("o5", "o6"), ("o6", "o2")])
    diff = compare(net, net.with_routes(add=[("o2", "o0")], close=["o5"]))
    assert diff.cut_off == ["o1"] and diff.dead_ends_unreached == ["o1"]
    assert "o1" not in diff.dead_ends_resolved
    text = str(diff)
    assert "It also resolves" not in text and "Dead ends resolved" not in text
    assert ("No longer dead ends only because no route reaches them any more (1):\n"
            "  - Org o1 (o1)\n") in text
    assert ("No longer bridges only because the network there was split or closed (2):\n"
            "  - Org o0 (o0) -> Org o4 (o4)\n  - Org o2 (o2) -> Org o4 (o4)\n") in text
    assert "Routes removed (2):\n  - Org o5 (o5) -> Org o1 (o1)\n" in text
