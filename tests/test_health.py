"""Network health measures against independent references (igraph, plain Python, and
networkx where it is the defined method) on random networks; clusters are deterministic
across processes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import deque

import igraph as ig
import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musicnet.analysis import health as H
from musicnet.model import Route

from .conftest import ROOT, net_of, org

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def networks(draw, max_nodes: int = 10):
    n = draw(st.integers(1, max_nodes))
    ids = [f"o{i}" for i in range(n)]
    pairs = [(a, b) for a in ids for b in ids if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    routes = [Route(a, b, status=draw(st.sampled_from(("active", "active", "lapsed"))))
              for a, b in chosen]
    boroughs = ("Lewisham", "Camden", "Bexley", "London-wide")
    return net_of([org(v, borough=draw(st.sampled_from(boroughs))) for v in ids], routes)


def _igraph(net, directed=True):
    ids = list(net.orgs)
    index = {v: i for i, v in enumerate(ids)}
    g = ig.Graph(n=len(ids), directed=True,
                 edges=[(index[r.source], index[r.target]) for r in net.routes
                        if r.status == "active"])
    if not directed:
        g = g.as_undirected(mode="collapse")
    return g, ids


def _active(net):
    return {(r.source, r.target) for r in net.routes if r.status == "active"}


@SETTINGS
@given(networks())
def test_density_and_reciprocity(net):
    g, _ = _igraph(net)
    n, edges = len(net), _active(net)
    assert H.density(net) == pytest.approx(g.density(loops=False) if n > 1 else 0.0,
                                           abs=5e-5)
    want = sum((b, a) in edges for a, b in edges) / len(edges) if edges else 0.0
    assert H.reciprocity(net) == pytest.approx(want, abs=5e-5)
    if edges:
        assert H.reciprocity(net) == pytest.approx(g.reciprocity(ignore_loops=True), abs=5e-5)


@SETTINGS
@given(networks())
def test_degree_centralisation_is_freeman(net):
    g, _ = _igraph(net, directed=False)
    n, deg = len(net), g.degree()  # igraph's degrees, Freeman's formula
    want = sum(max(deg) - d for d in deg) / ((n - 1) * (n - 2)) if n >= 3 else 0.0
    assert H.degree_centralisation(net) == pytest.approx(want, abs=5e-5)
    assert 0 <= H.degree_centralisation(net) <= 1


@SETTINGS
@given(networks())
def test_components_and_path_length(net):
    g, ids = _igraph(net)
    parts = g.connected_components(mode="weak")
    biggest = max(len(p) for p in parts)
    assert H.largest_component_share(net) == pytest.approx(biggest / len(net), abs=5e-5)
    # reference: directed BFS from every member of the largest part (smallest id on ties)
    members = min((sorted(ids[i] for i in p) for p in parts), key=lambda p: (-len(p), p[0]))
    inside = set(members)
    adj = {}
    for a, b in _active(net):
        if a in inside:
            adj.setdefault(a, []).append(b)
    total = pairs = 0
    for s in members:
        dist = {s: 0}
        queue = deque([s])
        while queue:
            v = queue.popleft()
            for w in adj.get(v, []):
                if w not in dist:
                    dist[w] = dist[v] + 1
                    queue.append(w)
        total += sum(dist.values())
        pairs += len(dist) - 1
    got = H.average_path_length(net)
    assert got["pairs"] == pairs and got["estimated"] is False
    if pairs:
        assert got["value"] == pytest.approx(total / pairs, abs=5e-5)
    else:
        assert got["value"] is None


@SETTINGS
@given(networks())
def test_brokers_are_igraph_betweenness(net):
    g, ids = _igraph(net)
    n = len(net)
    got = H.brokers(net)
    if n < 3:
        assert got == []
        return
    raw = g.betweenness(directed=True)
    norm = {ids[i]: raw[i] / ((n - 1) * (n - 2)) for i in range(n)}
    want = sorted((v for v in ids if round(norm[v], 4) > 0),
                  key=lambda v: (-round(norm[v], 4), v))[:10]
    assert [b["id"] for b in got] == want
    for b in got:
        assert b["betweenness"] == pytest.approx(norm[b["id"]], abs=5e-5)


@SETTINGS
@given(networks())
def test_core_numbers_are_igraph_coreness(net):
    g, ids = _igraph(net, directed=False)
    core = dict(zip(ids, g.coreness(), strict=True))
    got = H.core_periphery(net)
    assert got["core_number"] == {v: core[v] for v in sorted(ids)}
    assert got["periphery_share"] == pytest.approx(
        sum(k == 1 for k in core.values()) / len(net), abs=5e-5)
    assert got["innermost_core"] == max(core.values())


@SETTINGS
@given(networks())
def test_clusters_partition_the_linked_organisations(net):
    got = H.clusters(net)
    und = nx.Graph(list(_active(net)))
    und.add_nodes_from(net.orgs)
    members = [set(c["members"]) for c in got["clusters"]]
    # disjoint, each of two or more, every organisation with a route in one unless alone
    assert sum(len(m) for m in members) == len(set().union(*members)) if members else True
    assert all(len(m) >= 2 for m in members)
    for c in got["clusters"]:
        lead = max(c["members"], key=lambda v: (net.graph.degree(v), [-ord(x) for x in v]))
        assert net.graph.degree(c["id"]) == net.graph.degree(lead)
        assert c["name"] == net.orgs[c["id"]].name
        assert sum(c["boroughs"].values()) == c["size"] == len(c["members"])
        assert sum(c["hub_areas"].values()) == c["size"]
    # the modularity reported is that of the partition found (singletons included)
    if und.number_of_edges():
        parts = [*members, *({v} for v in net.orgs if v not in got["cluster_of"])]
        assert got["modularity"] == pytest.approx(nx.community.modularity(und, parts),
                                                  abs=5e-5)


def test_clusters_match_networkx_louvain_with_the_seed(sample_net):
    und = nx.Graph(list(sample_net.graph.edges))
    und.add_nodes_from(sample_net.orgs)
    got = H.clusters(sample_net)
    assert len(got["clusters"]) >= 3
    # the same method on the same graph finds groups of the same quality
    ref = nx.community.louvain_communities(und, seed=H.CLUSTER_SEED)
    assert got["modularity"] == pytest.approx(nx.community.modularity(und, ref), abs=0.05)


_SCRIPT = ("import json, musicnet; from musicnet.analysis.health import clusters; "
           "print(json.dumps(clusters(musicnet.load('data'))))")


def test_clusters_are_the_same_in_every_process():
    outs = set()
    for seed in ("0", "1", "12345"):
        res = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True,
                             text=True, cwd=ROOT, check=True,
                             env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"})
        outs.add(res.stdout)
    assert len(outs) == 1
    assert json.loads(outs.pop())["clusters"]


def test_large_networks_are_estimated_from_a_seeded_sample():
    orgs = [org(f"o{i}") for i in range(40)]
    routes = [(f"o{i}", f"o{(i * 7 + 3) % 40}") for i in range(40)] + \
             [(f"o{i}", f"o{i + 1}") for i in range(39)]
    net = net_of(orgs, routes)
    a = H.average_path_length(net, limit=10, sample=5)
    assert a["estimated"] is True and a == H.average_path_length(net, limit=10, sample=5)
    exact = H.average_path_length(net)
    assert abs(a["value"] - exact["value"]) < exact["value"]
    assert H.brokers(net, limit=10, sample=5) == H.brokers(net, limit=10, sample=5)


@SETTINGS
@given(networks(), st.integers(2, 6))
def test_sampled_brokers_are_igraph_betweenness_from_the_sampled_starts(net, k):
    """Above the exact limit, brokers sum the journeys from a seeded sample of k starts
    (igraph's betweenness restricted to those sources) and divide by k (n - 2), or by
    (k - 1)(n - 2) for an organisation that is itself a start."""
    import random

    n = len(net)
    if n < 3 or k >= n:
        return
    got = H.brokers(net, limit=1, sample=k)
    g, ids = _igraph(net)
    nodes = list(net.graph)
    starts = random.Random(H.CLUSTER_SEED).sample(nodes, k)
    raw = g.betweenness(directed=True, sources=[ids.index(s) for s in starts])
    norm = {ids[i]: raw[i] / (((k - 1) if ids[i] in starts else k) * (n - 2))
            for i in range(n)}
    want = sorted((v for v in ids if round(norm[v], 4) > 0),
                  key=lambda v: (-round(norm[v], 4), v))[:10]
    assert [b["id"] for b in got] == want
    for b in got:
        assert b["betweenness"] == pytest.approx(norm[b["id"]], abs=5e-5 + 1e-12)  # rounding
