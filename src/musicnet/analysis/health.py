"""Network health: whole-network measures, brokers, core and periphery, clusters.

All measures use the **active** routes (``net.graph``) and every organisation, including
isolated ones. Where a measure ignores the direction of routes it says so: two
organisations with routes both ways are then one connection.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..schema import hub_area

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = [
    "CLUSTER_SEED",
    "EXACT_LIMIT",
    "average_path_length",
    "brokers",
    "clusters",
    "core_periphery",
    "degree_centralisation",
    "density",
    "health",
    "health_metrics",
    "largest_component_share",
    "reciprocity",
]

#: Seed for the Louvain cluster search (fixed, so clusters are the same on every run).
CLUSTER_SEED = 20241
#: Above this many organisations, path lengths and betweenness are estimated from a seeded
#: sample of starting organisations (see :func:`sample_size`) instead of from every one.
EXACT_LIMIT = 1000
#: Above this many organisations clusters are not searched for (networkx's Louvain takes
#: minutes there); ``clusters`` then says so in ``not_computed``.
CLUSTER_LIMIT = 10_000


def density(net: Network) -> float:
    """Share of all possible routes that exist: active routes / (n * (n - 1)) for n
    organisations (a route is directed, so A -> B and B -> A are two possible routes).

    0 for fewer than two organisations.

    >>> from musicnet import Network, Organisation, Route
    >>> o = [Organisation(i, i, "other", "general", ("participation",), "Lewisham", "other")
    ...      for i in "abc"]
    >>> density(Network(o, [Route("a", "b"), Route("b", "c")]))
    0.3333
    """
    n = len(net)
    return round(net.graph.number_of_edges() / (n * (n - 1)), 4) if n > 1 else 0.0


def reciprocity(net: Network) -> float:
    """Share of active routes that are returned: the route A -> B counts when B -> A is also
    an active route. 0 when there are no active routes.

    >>> from musicnet import Network, Organisation, Route
    >>> o = [Organisation(i, i, "other", "general", ("participation",), "Lewisham", "other")
    ...      for i in "abc"]
    >>> reciprocity(Network(o, [Route("a", "b"), Route("b", "a"), Route("b", "c")]))
    0.6667
    """
    g = net.graph
    m = g.number_of_edges()
    if not m:
        return 0.0
    succ = g._succ
    back = sum(1 for u, out in succ.items() for v in out if u in succ[v])
    return round(back / m, 4)


def _neighbours(net: Network) -> dict[str, set[str]]:
    """Each organisation's neighbours with route direction ignored (cached on ``net``)."""
    cached = net._cache.get("undirected_neighbours")
    if cached is None:
        g = net.graph
        cached = {v: set(g._succ[v]) | set(g._pred[v]) for v in g}
        net._cache["undirected_neighbours"] = cached
    return cached


def degree_centralisation(net: Network) -> float:
    """Freeman degree centralisation, from 0 to 1: how much the network hangs on one hub.

    Route direction is ignored; d(v) is the number of organisations v has a route with.
    With n organisations and the largest degree d*, the value is
    sum over v of (d* - d(v)), divided by (n - 1)(n - 2), the largest that sum can be
    (reached by a star: one hub linked to everyone, no other links). 1 for a star, 0 when
    every organisation has the same number of links; 0 for fewer than three organisations.

    >>> from musicnet import Network, Organisation, Route
    >>> o = [Organisation(i, i, "other", "general", ("participation",), "Lewisham", "other")
    ...      for i in "abcd"]
    >>> degree_centralisation(Network(o, [Route("a", "b"), Route("c", "a"), Route("a", "d")]))
    1.0
    """
    n = len(net)
    if n < 3:
        return 0.0
    deg = [len(nb) for nb in _neighbours(net).values()]
    top = max(deg)
    return round(sum(top - d for d in deg) / ((n - 1) * (n - 2)), 4)


def largest_component_share(net: Network) -> float:
    """Share of organisations in the largest connected part of the network (route
    direction ignored: a weakly connected component). 1 when everyone is connected;
    0 for an empty network.

    >>> from musicnet import Network, Organisation, Route
    >>> o = [Organisation(i, i, "other", "general", ("participation",), "Lewisham", "other")
    ...      for i in "abcd"]
    >>> largest_component_share(Network(o, [Route("a", "b"), Route("b", "c")]))
    0.75
    """
    if not len(net):
        return 0.0
    big = max((len(c) for c in _components(net)), default=0)
    return round(big / len(net), 4)


def _components(net: Network) -> list[set[str]]:
    """The weakly connected components (cached on ``net``)."""
    cached = net._cache.get("weak_components")
    if cached is None:
        import networkx as nx

        cached = list(nx.weakly_connected_components(net.graph))
        net._cache["weak_components"] = cached
    return cached


def _indexed(net: Network) -> tuple[list[str], dict[str, int], list[list[int]]]:
    """Organisations in graph order, their positions, and each one's successors as
    positions (cached on ``net``): the breadth-first searches below run on plain lists."""
    cached = net._cache.get("indexed_successors")
    if cached is None:
        succ = net.graph._succ
        nodes = list(succ)
        index = {v: i for i, v in enumerate(nodes)}
        cached = (nodes, index, [[index[w] for w in succ[v]] for v in nodes])
        net._cache["indexed_successors"] = cached
    return cached


def _largest_component(net: Network) -> list[str]:
    comps = _components(net)
    if not comps:
        return []
    # largest; ties broken by the smallest id, so the choice is deterministic
    return sorted(min(comps, key=lambda c: (-len(c), min(c))))


def sample_size(n: int) -> int:
    """Starting organisations sampled in a network of ``n`` (above :data:`EXACT_LIMIT`):
    100,000 / n, at least 10, so the work stays about the same at every size.

    >>> sample_size(2000), sample_size(30000)
    (50, 10)
    """
    return max(10, 100_000 // max(n, 1))


def _sources(nodes: list[str], limit: int, sample: int | None) -> tuple[list[str], bool]:
    """Every node, or a seeded sample of ``sample`` nodes (default :func:`sample_size`)
    when there are more than ``limit``; and whether it is a sample."""
    if len(nodes) <= limit:
        return nodes, False
    k = min(len(nodes), sample or sample_size(len(nodes)))
    return random.Random(CLUSTER_SEED).sample(nodes, k), True


def average_path_length(net: Network, *, limit: int = EXACT_LIMIT,
                        sample: int | None = None) -> dict[str, Any]:
    """The average number of steps (routes followed, in their direction) between two
    organisations of the largest connected part, over every ordered pair (A, B) where B
    can be reached from A. A low value means young people reach other organisations in
    few referrals.

    Returns ``{"value", "pairs", "estimated"}``: ``value`` is None when no organisation
    can reach another; ``pairs`` is how many (A, B) pairs were averaged. Above ``limit``
    organisations the average is estimated from ``sample`` (default :func:`sample_size`)
    starting organisations of the largest part, drawn with a fixed seed (``estimated`` is
    then true).

    >>> from musicnet import Network, Organisation, Route
    >>> o = [Organisation(i, i, "other", "general", ("participation",), "Lewisham", "other")
    ...      for i in "abc"]
    >>> average_path_length(Network(o, [Route("a", "b"), Route("b", "c")]))
    {'value': 1.3333, 'pairs': 3, 'estimated': False}
    """
    nodes = _largest_component(net)
    starts, estimated = _sources(nodes, limit, sample)
    _, index, adj = _indexed(net)
    total = pairs = 0
    for s in starts:
        # breadth-first; journeys from inside the largest part stay in it
        dist = [-1] * len(adj)
        dist[index[s]] = 0
        queue = [index[s]]
        for v in queue:  # the queue grows while it is read
            dv = dist[v] + 1
            for w in adj[v]:
                if dist[w] < 0:
                    dist[w] = dv
                    total += dv
                    queue.append(w)
        pairs += len(queue) - 1
    return {"value": round(total / pairs, 4) if pairs else None, "pairs": pairs,
            "estimated": estimated}


def brokers(net: Network, *, top: int = 10, limit: int = EXACT_LIMIT,
            sample: int | None = None) -> list[dict[str, Any]]:
    """The ``top`` organisations with the highest betweenness: the share of shortest
    journeys (along routes, in their direction) between two other organisations that pass
    through this one, normalised to 0-1 by dividing by (n - 1)(n - 2). A broker links
    parts of the network that would otherwise be far apart.

    Only organisations with betweenness above 0 are listed, highest first (ties by id).
    Each row: ``id``, ``name``, ``betweenness`` (4 decimals). Above ``limit``
    organisations betweenness is estimated from ``sample`` (default :func:`sample_size`)
    starting organisations drawn with a fixed seed: the journeys from the ``k`` starts
    are summed and divided by ``k (n - 2)``, or by ``(k - 1)(n - 2)`` for an organisation
    that is itself a start (its own journeys cannot pass through it), the estimator
    networkx 3.6 uses.

    >>> from musicnet import Network, Organisation, Route
    >>> o = [Organisation(i, i, "other", "general", ("participation",), "Lewisham", "other")
    ...      for i in "abc"]
    >>> brokers(Network(o, [Route("a", "b"), Route("b", "c")]))
    [{'id': 'b', 'name': 'b', 'betweenness': 0.5}]
    """
    g = net.graph
    n = len(net)
    if n < 3:
        return []
    nodes = list(g)
    starts, estimated = _sources(nodes, limit, sample)
    bc = _betweenness(net, nodes, starts)
    if estimated:
        k = len(starts)
        started = set(starts)
        scale = {True: 1 / ((k - 1) * (n - 2)) if k > 1 else 0.0, False: 1 / (k * (n - 2))}
        values = [b * scale[v in started] for v, b in zip(nodes, bc, strict=True)]
    else:
        values = [b * (1 / ((n - 1) * (n - 2))) for b in bc]
    ranked = sorted(((-round(v, 4), u) for u, v in zip(nodes, values, strict=True)
                     if round(v, 4) > 0))[:top]
    return [{"id": u, "name": net.orgs[u].name, "betweenness": -v} for v, u in ranked]


def _betweenness(net: Network, nodes: list[str], starts: list[str]) -> list[float]:
    """Brandes' algorithm (unweighted, directed): for each organisation in ``nodes`` (the
    graph's order), the sum over start organisations ``s`` in ``starts`` and every target
    ``t`` of the share of shortest ``s -> t`` journeys passing through it.

    A breadth-first search from ``s`` counts the shortest journeys ``sigma`` to each
    organisation; then, farthest first, each organisation's dependency is
    ``delta(v) = sigma(v) * sum of (1 + delta(w)) / sigma(w)`` over its successors ``w`` one
    step farther. Integer-indexed lists rather than networkx's views, and successors
    re-read in the second pass instead of predecessor lists built in the first: the same
    sums, several times faster than networkx."""
    _, index, adj = _indexed(net)
    n = len(adj)
    bc = [0.0] * n
    for s_id in starts:
        s = index[s_id]
        sigma = [0] * n
        dist = [-1] * n
        sigma[s], dist[s] = 1, 0
        queue = [s]
        for v in queue:  # the queue grows while it is read
            dv, sv = dist[v] + 1, sigma[v]
            for w in adj[v]:
                dw = dist[w]
                if dw < 0:
                    dist[w] = dv
                    sigma[w] = sv
                    queue.append(w)
                elif dw == dv:
                    sigma[w] += sv
        share = [0.0] * n  # (1 + delta(w)) / sigma(w), once w is done
        for v in reversed(queue):
            farther = dist[v] + 1
            acc = 0.0
            for w in adj[v]:
                if dist[w] == farther:
                    acc += share[w]
            delta = sigma[v] * acc
            share[v] = (1 + delta) / sigma[v]
            if v != s:
                bc[v] += delta
    return bc


def core_periphery(net: Network) -> dict[str, Any]:
    """Each organisation's k-core number and the share of organisations in the periphery.

    Route direction is ignored. The k-core is the largest group in which every
    organisation has links to at least k others of the group; an organisation's core
    number is the largest k whose k-core holds it. Core number 1: on the edge of the
    network, linked by a single chain; 0: no active route at all.

    Returns ``core_number`` ({id: k}, ids sorted), ``periphery_share`` (share of all
    organisations with core number exactly 1), ``innermost_core`` (the largest k) and
    ``innermost_core_size`` (how many organisations have it).

    >>> from musicnet import Network, Organisation, Route
    >>> o = [Organisation(i, i, "other", "general", ("participation",), "Lewisham", "other")
    ...      for i in "abcd"]
    >>> cp = core_periphery(Network(o, [Route("a", "b"), Route("b", "c"), Route("c", "a"),
    ...                                 Route("c", "d")]))
    >>> cp["core_number"], cp["periphery_share"]
    ({'a': 2, 'b': 2, 'c': 2, 'd': 1}, 0.25)
    """
    core = _core_numbers(_neighbours(net))
    top = max(core.values(), default=0)
    return {
        "core_number": {v: core[v] for v in sorted(core)},
        "periphery_share": round(sum(1 for k in core.values() if k == 1) / len(net), 4)
        if len(net) else 0.0,
        "innermost_core": top,
        "innermost_core_size": sum(1 for k in core.values() if k == top) if core else 0,
    }


def _core_numbers(adj: dict[str, set[str]]) -> dict[str, int]:
    """k-core numbers by peeling (Batagelj and Zaversnik, O(V + E)): repeatedly remove an
    organisation of smallest remaining degree; its core number is the largest such degree
    seen so far."""
    degree = {v: len(nb) for v, nb in adj.items()}
    buckets: dict[int, set[str]] = {}
    for v, d in degree.items():
        buckets.setdefault(d, set()).add(v)
    core: dict[str, int] = {}
    k = 0
    d = 0
    while len(core) < len(adj):
        while not buckets.get(d):
            d += 1
        v = buckets[d].pop()
        k = max(k, d)
        core[v] = k
        for w in adj[v]:
            if w not in core:
                dw = degree[w]
                buckets[dw].discard(w)
                degree[w] = dw - 1
                buckets.setdefault(dw - 1, set()).add(w)
        d = max(d - 1, 0)
    return core


def _mix(values: list[str]) -> dict[str, int]:
    counts = Counter(values)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def clusters(net: Network, *, seed: int = CLUSTER_SEED) -> dict[str, Any]:
    """Groups of organisations more linked to each other than to the rest: communities
    found by the Louvain method (networkx ``louvain_communities``, route direction
    ignored, fixed ``seed``), so the same data always gives the same clusters.

    Returns ``clusters`` (groups of two or more, largest first) and ``modularity`` (from
    -0.5 to 1: how much more linked the groups are inside than chance would give; above
    about 0.3 the network splits clearly into groups). Each cluster has ``name`` (the name
    of its most connected member: most routes in and out, ties by id), ``id`` (that
    member's id), ``size``, ``members`` (ids, sorted), ``boroughs`` and ``hub_areas``
    (member counts, largest first). ``cluster_of`` maps every organisation in a listed
    cluster to its position in ``clusters``.

    >>> from musicnet import Network, Organisation, Route
    >>> o = [Organisation(i, i.upper(), "other", "general", ("participation",), "Lewisham",
    ...                   "other") for i in "abcdef"]
    >>> r = [Route(*p) for p in ("ab", "bc", "ca", "de", "ef", "fd", "cd")]
    >>> c = clusters(Network(o, r))
    >>> [(x["name"], x["members"]) for x in c["clusters"]]
    [('C', ['a', 'b', 'c']), ('D', ['d', 'e', 'f'])]
    """
    import networkx as nx

    if len(net) > CLUSTER_LIMIT:
        return {"modularity": None, "clusters": [], "cluster_of": {},
                "not_computed": f"more than {CLUSTER_LIMIT:,} organisations"}
    if not net.graph.number_of_edges():
        return {"modularity": 0.0, "clusters": [], "cluster_of": {}}
    # integer labels in id order: the search then does not depend on string hashing,
    # so the result is the same in every process
    ids = sorted(net.orgs)
    index = {v: i for i, v in enumerate(ids)}
    g = nx.Graph()
    g.add_nodes_from(range(len(ids)))
    g.add_edges_from(sorted((index[u], index[v]) for u, v in net.graph.edges))
    parts = nx.community.louvain_communities(g, seed=seed)
    modularity = nx.community.modularity(g, parts)
    degree = net.graph.degree
    out = []
    for part in parts:
        if len(part) < 2:
            continue
        members = sorted(ids[i] for i in part)
        lead = min(members, key=lambda v: (-degree[v], v))
        orgs = [net.orgs[v] for v in members]
        out.append({
            "id": lead, "name": net.orgs[lead].name, "size": len(members),
            "members": members,
            "boroughs": _mix([o.borough for o in orgs]),
            "hub_areas": _mix([hub_area(o.borough) or o.borough for o in orgs]),
        })
    out.sort(key=lambda c: (-c["size"], c["name"], c["id"]))
    return {"modularity": round(modularity, 4), "clusters": out,
            "cluster_of": {v: i for i, c in enumerate(out) for v in c["members"]}}


def health(net: Network, *, with_brokers: bool = True) -> dict[str, Any]:
    """Every health measure as one JSON-ready dict: ``density``, ``reciprocity``,
    ``degree_centralisation``, ``largest_component_share``, ``average_path_length``
    (steps; None if no journeys), ``average_path_length_estimated``, ``brokers``,
    ``brokers_estimated``,
    ``core_periphery``, ``clusters`` (see each function for its definition).
    ``with_brokers=False`` leaves brokers out (an empty list): they cost the most.

    >>> import musicnet
    >>> h = health(musicnet.load("data"))
    >>> 0 < h["density"] < 1 and len(h["brokers"]) == 10
    True
    """
    apl = average_path_length(net)
    return {
        "density": density(net),
        "reciprocity": reciprocity(net),
        "degree_centralisation": degree_centralisation(net),
        "largest_component_share": largest_component_share(net),
        "average_path_length": apl["value"],
        "average_path_length_estimated": apl["estimated"],
        "brokers": brokers(net) if with_brokers else [],
        "brokers_estimated": len(net) > EXACT_LIMIT,
        "core_periphery": core_periphery(net),
        "clusters": clusters(net),
    }


def health_metrics(h: dict[str, Any]) -> dict[str, float | int | None]:
    """The single numbers in a :func:`health` result, flat (``musicnet diff`` compares
    them): the scalar measures, ``periphery_share``, ``innermost_core``, the number of
    ``clusters`` and their ``modularity``."""
    return {
        "density": h["density"],
        "reciprocity": h["reciprocity"],
        "degree_centralisation": h["degree_centralisation"],
        "largest_component_share": h["largest_component_share"],
        "average_path_length": h["average_path_length"],
        "periphery_share": h["core_periphery"]["periphery_share"],
        "innermost_core": h["core_periphery"]["innermost_core"],
        "clusters": None if h["clusters"].get("not_computed") else len(
            h["clusters"]["clusters"]),
        "modularity": h["clusters"]["modularity"],
    }
