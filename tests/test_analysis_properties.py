"""Every analysis against an independent brute-force reference on random small networks."""

from __future__ import annotations

import os
from collections import deque

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from musicnet.schema import ROLES, STAGES, STATUSES

from .conftest import net_of, org

BOROUGHS = ("Lewisham", "Camden", "Bexley")


@st.composite
def networks(draw, max_nodes: int = 9):
    n = draw(st.integers(1, max_nodes))
    ids = [f"o{i}" for i in range(n)]
    orgs = []
    for v in ids:
        stages = draw(st.sets(st.sampled_from(STAGES), min_size=1))
        orgs.append(org(v, ";".join(stages), role=draw(st.sampled_from(tuple(ROLES))),
                        remit=draw(st.sampled_from(("majority_cc", "minority_cc", "general"))),
                        borough=draw(st.sampled_from(BOROUGHS))))
    pairs = [(a, b) for a in ids for b in ids if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))
                  ) if pairs else []
    routes = [Route(a, b, status=draw(st.sampled_from((*STATUSES, "active", "active"))))
              for a, b in chosen]
    return net_of(orgs, routes)


def active(net):
    return [(r.source, r.target) for r in net.routes if r.status == "active"]


def reach_from(net, v):
    """Organisations reachable from v by one or more active routes (v only via a cycle)."""
    adj = {}
    for a, b in active(net):
        adj.setdefault(a, []).append(b)
    seen, stack = set(), list(adj.get(v, []))
    while stack:
        w = stack.pop()
        if w not in seen:
            seen.add(w)
            stack.extend(adj.get(w, []))
    return seen


def level(net, v):
    return max(STAGES.index(s) for s in net.orgs[v].stages)


def components(nodes, edges):
    parent = {v: v for v in nodes}

    def find(v):
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for a, b in edges:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    groups = {}
    for v in nodes:
        groups.setdefault(find(v), set()).add(v)
    return list(groups.values())


#: MUSICNET_EXAMPLES (docs/testing.md) lowers the example count for mutation runs.
SETTINGS = settings(max_examples=min(300, 3 * int(os.environ.get("MUSICNET_EXAMPLES", "100"))),
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(networks())
def test_dead_ends_and_isolated(net):
    edges = active(net)
    outs = {a for a, _ in edges}
    ins = {b for _, b in edges}
    assert dead_ends(net) == sorted(v for v in net.orgs if v in ins and v not in outs
                                    and "professional" not in net.orgs[v].stages)
    assert isolated(net) == sorted(v for v in net.orgs if v not in ins and v not in outs)


@SETTINGS
@given(networks())
def test_progression_gaps(net):
    expected = sorted(
        v for v in net.orgs
        if level(net, v) < 4 and not any(level(net, w) > level(net, v)
                                         for w in reach_from(net, v)))
    assert progression_gaps(net) == expected


@SETTINGS
@given(networks())
def test_bridges_by_removal(net):
    edges = active(net)
    pairs = {frozenset(e) for e in edges}
    base = len(components(net.orgs, edges))
    expected = []
    for e in edges:
        if sum(1 for f in edges if frozenset(f) == frozenset(e)) > 1:
            continue  # two routes between the same pair are never a bridge
        rest = [f for f in edges if f != e]
        if len(components(net.orgs, rest)) > base:
            expected.append(e)
    assert bridges(net) == sorted(expected)
    assert all(frozenset(b) in pairs for b in bridges(net))


@SETTINGS
@given(networks())
def test_bridge_organisations_by_removal(net):
    edges = active(net)
    comps = components(net.orgs, edges)
    expected = {}
    for v in net.orgs:
        comp = next(c for c in comps if v in c)
        rest = comp - {v}
        pieces = components(rest, [e for e in edges if v not in e])
        if len(pieces) > 1:
            expected[v] = len(comp) - 1 - max(len(p) for p in pieces)
    got = bridge_organisations(net)
    assert {b.id: b.cut_off for b in got} == expected
    assert [b.id for b in got] == sorted(expected, key=lambda v: (-expected[v], v))


@SETTINGS
@given(networks())
def test_stage_reach_steps_by_bfs(net):
    adj = {}
    for a, b in active(net):
        adj.setdefault(a, []).append(b)
    rows = {r["id"]: r for r in stage_reach(net)["organisations"]}
    for v in net.orgs:
        dist = {v: 0}
        q = deque([v])
        while q:
            x = q.popleft()
            for y in adj.get(x, []):
                if y not in dist:
                    dist[y] = dist[x] + 1
                    q.append(y)
        for s in STAGES:
            ds = [d for w, d in dist.items() if s in net.orgs[w].stages]
            assert rows[v]["steps"][s] == (min(ds) if ds else None)
        reachable = [s for s in STAGES if rows[v]["steps"][s] is not None]
        assert rows[v]["highest_stage_reachable"] == reachable[-1]


@SETTINGS
@given(networks())
def test_pathfinder_chains_by_reachability(net):
    got = pathfinder_chains(net)
    roles = {v: net.orgs[v].role for v in net.orgs}
    assert got["grassroots_without_onward_route"] == sorted(
        v for v in net.orgs if roles[v] == "grassroots"
        and not any(roles[w] in ("intermediary", "next_step") for w in reach_from(net, v)))
    assert got["intermediaries_without_next_step"] == sorted(
        v for v in net.orgs if roles[v] == "intermediary"
        and not any(roles[w] == "next_step" for w in reach_from(net, v)))


@SETTINGS
@given(networks())
def test_borough_coverage_by_reachability(net):
    cov = {b["borough"]: b for b in borough_coverage(net)["boroughs"]}
    for b in BOROUGHS:
        members = [v for v in net.orgs if net.orgs[v].borough == b]
        if not members:
            assert b not in cov
            continue
        offered = {s for v in members for s in net.orgs[v].stages}
        reached = offered | {s for v in members for w in reach_from(net, v)
                             for s in net.orgs[w].stages}
        assert cov[b]["missing_stages"] == [s for s in STAGES if s not in offered]
        # s is unreachable when nothing at or above s is offered or reached
        assert cov[b]["unreachable_stages"] == [
            s for s in STAGES if not any(STAGES.index(t) >= STAGES.index(s) for t in reached)]
        assert cov[b]["organisations"] == len(members)


@SETTINGS
@given(networks(), st.data())
def test_cold_spots_by_reachability(net, data):
    from dataclasses import replace

    from musicnet.analysis import cold_spots
    from musicnet.network import Network

    orgs = [replace(o, imd_decile=data.draw(st.one_of(st.none(), st.integers(1, 10))))
            for o in net.orgs.values()]
    net = Network(orgs, net.routes)
    got = cold_spots(net)

    def stuck(v):
        return all(STAGES.index(s) < 2 for w in {v, *reach_from(net, v)}
                   for s in net.orgs[w].stages)

    poor = {v for v, o in net.orgs.items() if o.imd_decile is not None and o.imd_decile <= 3}
    assert [o["id"] for o in got["organisations"]] == sorted(v for v in poor if stuck(v))
    expected = []
    for b in BOROUGHS:
        members = [v for v in net.orgs if net.orgs[v].borough == b]
        if not any(v in poor for v in members):
            continue
        reasons = []
        if not any(net.orgs[v].remit == "majority_cc" or net.orgs[v].role == "grassroots"
                   for v in members):
            reasons.append("targeted")
        if all(stuck(v) for v in members):
            reasons.append("participation")
        if reasons:
            expected.append((b, len(reasons)))
    order = {b: i for i, b in enumerate(musicnet_boroughs())}
    assert [(r["borough"], len(r["reasons"])) for r in got["boroughs"]] == sorted(
        expected, key=lambda x: order[x[0]])


def musicnet_boroughs():
    from musicnet.schema import BOROUGHS as ALL

    return ALL


@SETTINGS
@given(networks(max_nodes=10))
def test_condensed_is_the_condensation_in_topological_order(net):
    """condensed(): the same strongly connected parts as networkx, numbered so every route
    between parts goes forward, with each part's one-route neighbours listed once."""
    import networkx as nx

    from musicnet.analysis._reach import condensed

    c = condensed(net)
    assert sorted(map(sorted, nx.strongly_connected_components(net.graph))) == sorted(
        c.members)
    assert all(m == sorted(m) for m in c.members)
    assert {v: i for i, m in enumerate(c.members) for v in m} == c.comp
    links = {(c.comp[a], c.comp[b]) for a, b in net.graph.edges() if c.comp[a] != c.comp[b]}
    assert all(a < b for a, b in links)
    assert [sorted(b for a, b in links if a == x) for x in range(len(c.members))] == c.succ
    assert [sorted(a for a, b in links if b == x) for x in range(len(c.members))] == c.pred
