"""The fast paths used at scale give the same answers as the direct ones."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musicnet
from musicnet import Network, Route
from musicnet.suggest import _Context, suggest_links
from musicnet.synth import generate

from .conftest import org


@pytest.mark.parametrize("seed", range(6))
def test_swept_impacts_equal_one_at_a_time(seed):
    orgs, routes = generate(60, 150 + 20 * seed, seed=seed)
    rng = random.Random(seed)
    # some cycles and long chains too
    ids = [o.id for o in orgs]
    extra = {(ids[i], ids[i + 1]) for i in range(0, 40)} | {(ids[40], ids[5])}
    have = {(r.source, r.target) for r in routes}
    routes = [*routes, *(Route(s, t) for s, t in sorted(extra - have) if s != t)]
    net = Network(orgs, routes)
    ctx = _Context(net)
    pairs = [(s, t) for s in ids for t in rng.sample(ids, 8) if s != t]
    swept = ctx.impacts(pairs)
    assert swept == {p: ctx.impact(*p)[0] for p in pairs}
    # and the lazily built ancestor sets are the real ones
    for v in rng.sample(ids, 10):
        bits = ctx.ancestors(ctx.scc[v])
        got = {ctx.ids[i] for i in range(len(ctx.ids)) if bits >> i & 1}
        import networkx as nx

        assert got == nx.ancestors(net.graph, v) | {v}


def test_a_capped_ranking_says_so_and_an_uncapped_one_is_exact():
    net = musicnet.load("data")
    exact = suggest_links(net, top=5)
    assert exact.capped is None
    capped = suggest_links(net, top=5, max_candidates=3)
    assert capped.capped is not None and capped.capped[0] == 3 and capped.capped[1] > 3
    assert len(capped) <= 3
    assert suggest_links(net, top=5, max_candidates=10**6).capped is None
    assert [(s.source, s.target) for s in suggest_links(net, top=5, max_candidates=10**6)] == [
        (s.source, s.target) for s in exact]


def test_long_chain_of_one_stage_has_no_candidates_and_is_fast():
    n = 3000
    orgs = [org(f"o{i}", "first_access") for i in range(n)]
    net = Network(orgs, [Route(f"o{i}", f"o{i + 1}") for i in range(n - 1)])
    assert suggest_links(net, top=5) == []


def test_report_says_when_its_suggestions_were_capped(monkeypatch):
    from musicnet.render import report

    net = musicnet.load("data")
    page = report.render_report(net, suggestions=3)
    assert 'id="suggestions-capped"' not in page
    monkeypatch.setattr(report, "EXACT_SUGGESTIONS_UP_TO", 10)
    monkeypatch.setattr(report, "SUGGESTION_CANDIDATES", 4)
    page = report.render_report(net, suggestions=3)
    assert 'id="suggestions-capped"' in page and "musicnet suggest" in page


def test_build_reports_each_stage_when_not_a_terminal(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from musicnet import cli as cli_module

    monkeypatch.setattr(cli_module, "LONG_RUN", 10)
    res = CliRunner().invoke(cli_module.cli, ["build", "data", "-o", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.output.splitlines() if ln.startswith("[")]
    assert lines == ["[1/5, 0% done] Analysing...",
                     "[2/5, 20% done] Suggesting missing links...",
                     "[3/5, 40% done] Drawing the map...",
                     "[4/5, 60% done] Writing the report...",
                     "[5/5, 80% done] Writing the files..."]
    quiet = CliRunner().invoke(cli_module.cli, ["build", "data", "-q", "-o",
                                                str(tmp_path / "q")])
    assert quiet.output == ""


def test_report_lists_at_most_report_rows_per_finding(monkeypatch):
    from musicnet.render import report

    net = musicnet.load("data")
    n = len(net.progression_gaps())
    monkeypatch.setattr(report, "REPORT_ROWS", 3)
    page = report.render_report(net, suggestions=0)
    section = page[page.index('id="progression-gaps"'):page.index('id="bridges"')]
    assert f"Progression gaps ({n})" in section
    assert section.count("<li>") == 3 and f"and {n - 3} more" in section
    md = report.render_report(net, fmt="md", suggestions=0)
    assert f"### Progression gaps ({n})" in md and f"and {n - 3} more" in md


def test_row_crossings_give_the_point_in_polygon_answer():
    """geo_plan tests a whole row of lattice points against one list of crossings; that
    must say exactly what the per-point even-odd test says, for every borough."""
    import bisect

    from musicnet.layout import _crossings, _inside, _shapes

    rng = random.Random(3)
    for _name, _label, rings in _shapes():
        xs = [p[0] for r in rings for p in r]
        ys = [p[1] for r in rings for p in r]
        for _ in range(40):
            y = rng.uniform(min(ys), max(ys))
            row = _crossings(y, rings)
            for x in [rng.uniform(min(xs), max(xs)) for _ in range(10)] + [rings[0][0][0]]:
                fast = (len(row) - bisect.bisect_right(row, x)) % 2 == 1
                assert fast == _inside(x, y, rings)


def test_build_map_and_report_show_one_list_of_suggestions(tmp_path):
    """build computes suggestions once: the map's layer is `suggest --top 10` and the
    report's five are its first five (same order, same scores)."""
    import json
    import re

    from click.testing import CliRunner

    from musicnet import cli as cli_module

    res = CliRunner().invoke(cli_module.cli, ["build", "data", "-q", "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    sugs = musicnet.load("data").suggest_links(top=10)
    page = (tmp_path / "map.html").read_text()
    data = json.loads(re.search(
        r'<script type="application/json" id="musicnet-data">(.*?)</script>', page, re.S
    ).group(1))
    ids = data["nodes"]["id"]
    assert [(ids[x["s"]], ids[x["t"]], x["score"]) for x in data["suggestions"]] == [
        (s.source, s.target, s.score) for s in sugs]
    report = (tmp_path / "report.html").read_text()
    shown = [report.index(f"{s.source_name}") for s in sugs[:5]]
    assert len(shown) == 5


def test_lattice_snapping_matches_a_plain_search_and_never_overlaps():
    """Large geography views snap organisations to a lattice; remembering how far each
    spiral is full must give exactly what searching every spiral from its start gives."""
    from musicnet.layout import _SPIRAL, _Lattice, _spiral

    rng = random.Random(5)
    d = 3.0
    lat = _Lattice(d)
    taken: set[tuple[int, int]] = set()
    for n in range(3000):
        # many points share a few spots, as big networks do around town centres
        x, y = (rng.choice([(0.4, 0.2), (30.0, -12.7), (-5.5, 8.1)]) if n % 3
                else (rng.uniform(-60, 60), rng.uniform(-60, 60)))
        got = lat.spot(x, y)
        ci, cj = round(x / d), round(y / d)
        k = 0
        while True:
            if k >= len(_SPIRAL):
                _spiral(2 * k + 64)
            cell = (ci + _SPIRAL[k][0], cj + _SPIRAL[k][1])
            if cell not in taken:
                break
            k += 1
        taken.add(cell)
        assert got == (cell[0] * d, cell[1] * d)
    assert len(taken) == 3000


def test_large_geography_view_places_everyone_apart():
    from musicnet.layout import SNAP_ABOVE, geo_plan

    orgs, routes = generate(SNAP_ABOVE + 200, SNAP_ABOVE, seed=2)
    plan = geo_plan(Network(orgs, routes))
    pts = sorted(plan.positions.values())
    assert len(pts) == len(orgs) and len(set(pts)) == len(pts)


@pytest.mark.parametrize("borough", ["Greenwich", "Lewisham", "Hillingdon", "Bromley"])
def test_small_networks_without_coordinates_are_spread_out_in_their_borough(borough):
    """A few organisations with no coordinates sit a full spacing apart inside their
    borough: a borough whose first part is a sliver (Greenwich across the river) no
    longer packs them a few units apart."""
    import math

    from musicnet.layout import GEO_SPACING, _crossings, _shapes, geo_plan

    orgs = [org(f"o{i}", "participation", borough=borough) for i in range(5)]
    net = Network(orgs, [])
    pts = list(geo_plan(net).positions.values())
    assert min(math.dist(a, b) for a, b in itertools.combinations(pts, 2)) >= GEO_SPACING * 0.99
    rings = next(r for name, _label, r in _shapes() if name == borough)
    for x, y in pts:  # each inside the borough (an odd number of crossings to its right)
        row = _crossings(y, rings)
        assert sum(1 for c in row if c > x) % 2 == 1


def test_capped_suggestions_say_so_in_the_map(tmp_path, monkeypatch, browser):
    """Above the exact limit build measures only the best-fitting candidates; the map's
    suggestion panel says so, as the report does (and says nothing when exact)."""
    import json
    import re

    from click.testing import CliRunner

    from musicnet import cli as cli_module
    from musicnet.render import report

    def data_of(page: str) -> dict:
        return json.loads(re.search(
            r'<script type="application/json" id="musicnet-data">(.*?)</script>', page, re.S
        ).group(1))

    res = CliRunner().invoke(cli_module.cli, ["build", "data", "-q", "-o", str(tmp_path / "a")])
    assert res.exit_code == 0 and data_of((tmp_path / "a" / "map.html").read_text())[
        "suggestions_note"] == ""
    monkeypatch.setattr(report, "EXACT_SUGGESTIONS_UP_TO", 10)
    monkeypatch.setattr(report, "SUGGESTION_CANDIDATES", 6)
    res = CliRunner().invoke(cli_module.cli, ["build", "data", "-q", "-o", str(tmp_path / "b")])
    assert res.exit_code == 0, res.output
    note = data_of((tmp_path / "b" / "map.html").read_text())["suggestions_note"]
    assert "chosen from the 6 best-fitting" in note and "musicnet suggest" in note
    assert 'id="suggestions-capped"' in (tmp_path / "b" / "report.html").read_text()
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto((tmp_path / "b" / "map.html").as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.check("#show-suggested")
    n = page.evaluate("window.musicnetMap.data.suggestions.length")
    ends = []
    for k in range(n):
        s, t = page.evaluate("""k => { const d = window.musicnetMap.data;
            return [d.nodes.id[d.suggestions[k].s], d.nodes.id[d.suggestions[k].t]]; }""", k)
        a = page.evaluate("id => window.musicnetMap.domPosition(id)", s)
        b = page.evaluate("id => window.musicnetMap.domPosition(id)", t)
        ends.append(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
    clicked = False
    for mid in ends:
        page.mouse.click(*mid)
        if page.locator("body").get_attribute("data-suggestion") is not None:
            clicked = True
            break
    assert clicked
    assert page.locator("#suggestions-capped").text_content() == note
    # every impact figure is inside the panel (long labels wrap instead of pushing the
    # numbers out of sight)
    panel = page.evaluate("""() => { const r = document.getElementById('suggestion-impact')
        .getBoundingClientRect(); return [r.left, r.right]; }""")
    figures = page.evaluate("""() => [...document.querySelectorAll('#suggestion-impact dd')]
        .map(d => { const r = d.getBoundingClientRect(); return [r.left, r.right, r.width]; })""")
    assert figures and all(panel[0] <= a and b <= panel[1] + 0.5 and w > 0
                           for a, b, w in figures)
    page.close()


def test_blocks_are_networkx_biconnected_components():
    import networkx as nx

    from musicnet.suggest import _blocks

    for seed in range(12):
        orgs, routes = generate(40 + seed * 7, 30 + seed * 12, seed=seed)
        net = Network(orgs, routes)
        und = nx.Graph(net.graph.to_undirected(as_view=True))
        want = sorted(sorted(b) for b in nx.biconnected_components(und))
        assert sorted(sorted(b) for b in _blocks(net)) == want


def test_node_attributes_are_the_organisation_fields():
    """Graph node attributes are to_dict(private=True) without the id, in field order,
    whether or not the cached highest level was read first."""
    net = musicnet.load("data")
    for o in net.orgs.values():
        want = {k: v for k, v in o.to_dict(private=True).items() if k != "id"}
        assert list(net.graph.nodes[o.id].items()) == list(want.items())
    from musicnet.network import _node_attrs

    o = next(iter(net.orgs.values()))
    assert o.highest_level >= 0 and "highest_level" not in _node_attrs(o)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_json_text_is_json_of_the_same_value(value):
    """The readable JSON writer (analysis.json, --format json) loses nothing: reading it
    back gives the value written, and every line break is between values."""
    import json

    from musicnet._terminal import json_text

    text = json_text(value)
    assert text.endswith("\n") and json.loads(text) == value
    assert json.loads(json_text({"rows": [value, {"a": value}]})) == {"rows": [value,
                                                                            {"a": value}]}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 2)), max_size=10),
       st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(0, 2)),
                max_size=25))
def test_direct_digraph_equals_networkx_construction(nodes, edges):
    """Repeated nodes and edges (attributes merged), self-loops and nodes only named by an
    edge: the same graph, node order, edge order and attributes as networkx builds."""
    import networkx as nx

    from musicnet.network import _digraph

    def items():
        return ([(f"n{v}", {"a": a, f"k{a}": v}) for v, a in nodes],
                [(f"n{u}", f"n{v}", {"w": w, f"x{w}": u}) for u, v, w in edges])

    want = nx.DiGraph()
    ns, es = items()
    want.add_nodes_from(ns)
    want.add_edges_from(es)
    got = _digraph(*items())
    assert list(got.nodes(data=True)) == list(want.nodes(data=True))
    assert list(got.edges(data=True)) == list(want.edges(data=True))
    assert list(got.pred.items()) == list(want.pred.items())
    assert nx.utils.graphs_equal(got, want)
    got.add_edge("n1", "n2", z=1)  # still an ordinary, working DiGraph
    want.add_edge("n1", "n2", z=1)
    assert nx.utils.graphs_equal(got, want)


def test_loaded_records_are_ordinary_records():
    """The loader's fast Route and Organisation constructors give the same objects as
    Route(...) and Organisation(...): every field set, equal, same hash."""
    from dataclasses import fields

    from musicnet import Organisation

    net = musicnet.load("data")
    for r in net.routes:
        again = Route(**{f.name: getattr(r, f.name) for f in fields(Route)})
        assert again == r and vars(again) == vars(r) and hash(again) == hash(r)
    for o in net.orgs.values():
        again = Organisation(**{f.name: getattr(o, f.name) for f in fields(Organisation)})
        assert again == o and hash(again) == hash(o)
        assert {k: v for k, v in vars(o).items() if k != "highest_level"} == vars(again)


def _vertical_length(net: Network, plan) -> float:
    ys = {v: y for v, (_x, y) in plan.positions.items()}
    return sum(abs(ys[u] - ys[v]) for u, v in net.graph.edges())


@pytest.mark.parametrize("seed", range(4))
def test_ladder_sweeps_stop_once_they_settle(seed, monkeypatch):
    """The ladder keeps sweeping while a sweep shortens the total vertical route length by
    at least SETTLED, and stops after the first that gains less: the result is the best
    ordering of exactly that many sweeps."""
    from musicnet import layout

    orgs, routes = generate(150 + 120 * seed, 500 + 300 * seed, seed=seed)
    net = Network(orgs, routes)
    settled = layout.SETTLED
    default = layout.ladder_plan(net).positions
    monkeypatch.setattr(layout, "SETTLED", 0.0)  # every sweep runs: the best of k sweeps
    best = [_vertical_length(net, layout.ladder_plan(net, sweeps=k)) for k in range(5)]
    stop = next((k for k in range(1, 5) if best[k - 1] * (1 - settled) < best[k] < best[k - 1]),
                4)
    assert default == layout.ladder_plan(net, sweeps=stop).positions


def test_every_sweep_runs_on_the_sample(monkeypatch):
    """On the sample as it was before its two placement settings were added, each of the
    four sweeps gains more than SETTLED, so none is skipped (few networks do that: none
    of the synthetic ones tried, sample-sized, seeds 0 to 39)."""
    from musicnet import layout

    full = musicnet.load("data")
    later = {v for v, o in full.orgs.items() if o.type in ("youth_justice", "health")}
    net = Network([o for v, o in full.orgs.items() if v not in later],
                  [r for r in full.routes if r.source not in later and r.target not in later])
    default = layout.ladder_plan(net).positions
    monkeypatch.setattr(layout, "SETTLED", 0.0)
    assert default == layout.ladder_plan(net).positions
    lengths = [_vertical_length(net, layout.ladder_plan(net, sweeps=k)) for k in range(5)]
    assert all(b < a * (1 - 0.001) for a, b in itertools.pairwise(lengths))


def test_map_takes_clusters_from_the_analysis_it_is_given(sample_net):
    """The map reuses the clusters of the analysis `build` already ran: the same as the
    map finds by itself, and taken from the result (not searched for again)."""
    from musicnet.render.map import map_data

    result = sample_net.analyse()
    alone = map_data(sample_net, suggestions=[])
    given = map_data(sample_net, suggestions=[], result=result)
    assert given["nodes"]["cluster"] == alone["nodes"]["cluster"]
    assert given["colour_schemes"]["cluster"] == alone["colour_schemes"]["cluster"]
    first = result["health"]["clusters"]["clusters"][0]
    renamed = {**result, "health": {**result["health"], "clusters": {
        **result["health"]["clusters"], "clusters": [{**first, "name": "Renamed"},
                                                     *result["health"]["clusters"]["clusters"][1:]]}}}
    assert "Renamed" in map_data(sample_net, suggestions=[], result=renamed)[
        "colour_schemes"]["cluster"]["names"]


def test_each_ladder_shape_sent_once(sample_net):
    """Two canvas aspects can give the same table; the page tries every shape it is sent
    (placing every name on each), so each distinct table is sent once, in aspect order."""
    from musicnet.layout import ROW_H, ladder_plan
    from musicnet.render.map import LADDER_ASPECTS, LADDER_TALL_ROW, map_data

    ladders = map_data(sample_net, suggestions=[])["ladders"]
    tables = [(tuple(lad["x"]), tuple(lad["y"])) for lad in ladders]
    assert len(set(tables)) == len(tables)
    every = [(a, r) for r in (ROW_H, LADDER_TALL_ROW) for a in LADDER_ASPECTS]
    ids = list(sample_net.orgs)
    distinct = []
    for a, r in every:
        pos = ladder_plan(sample_net, aspect=a, row_h=r).positions
        xy = (tuple(pos[v][0] for v in ids), tuple(pos[v][1] for v in ids))
        if xy not in distinct:
            distinct.append(xy)
    assert tables == distinct
    assert len(distinct) < len(every)  # the sample has shapes that coincide
