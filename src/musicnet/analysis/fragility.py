"""Fragile links: bridge routes and bridge organisations (single points of failure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["BridgeOrganisation", "bridge_organisations", "bridges"]


@dataclass(frozen=True)
class BridgeOrganisation:
    """An articulation point and how many organisations losing it would cut off."""

    id: str
    cut_off: int

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "cut_off": self.cut_off}


@dataclass(frozen=True)
class _Cuts:
    bridges: list[tuple[str, str]]
    articulation: list[BridgeOrganisation]


def _cuts(net: Network) -> _Cuts:
    """One iterative depth-first search (Hopcroft-Tarjan) over the undirected multigraph.

    Each active route is an undirected edge with its own id, so a pair joined by routes in
    both directions has two parallel edges and neither can be a bridge. For every DFS tree
    edge ``p -> c``: it is a bridge when ``low[c] > disc[p]``; the subtree of ``c`` is a
    piece separated by removing ``p`` when ``low[c] >= disc[p]``. Subtree sizes give the
    size of every piece, so ``cut_off`` needs no extra searches. O(V + E).
    """
    if "cuts" in net._cache:
        return net._cache["cuts"]
    g = net.graph
    ids = list(g.nodes)
    index = {v: i for i, v in enumerate(ids)}
    n = len(ids)
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    edges: list[tuple[str, str]] = []
    for eid, (u, v) in enumerate(g.edges()):
        iu, iv = index[u], index[v]
        adj[iu].append((iv, eid))
        adj[iv].append((iu, eid))
        edges.append((u, v))
    disc = [-1] * n
    low = [0] * n
    size = [1] * n
    bridge_ids: list[int] = []
    articulation: list[BridgeOrganisation] = []
    clock = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = clock
        clock += 1
        component = [root]
        pieces: dict[int, list[int]] = {}
        stack = [(root, -1, iter(adj[root]))]
        while stack:
            v, parent_edge, it = stack[-1]
            for w, eid in it:
                if eid == parent_edge:
                    continue
                if disc[w] == -1:
                    disc[w] = low[w] = clock
                    clock += 1
                    component.append(w)
                    stack.append((w, eid, iter(adj[w])))
                    break
                if disc[w] < low[v]:
                    low[v] = disc[w]
            else:
                stack.pop()
                if stack:
                    p = stack[-1][0]
                    size[p] += size[v]
                    if low[v] < low[p]:
                        low[p] = low[v]
                    if low[v] > disc[p]:
                        bridge_ids.append(parent_edge)
                    if low[v] >= disc[p]:
                        pieces.setdefault(p, []).append(size[v])
        total = len(component)
        for p, sep in pieces.items():
            if p == root:
                if len(sep) < 2:
                    continue
                parts = sep
            else:
                parts = [*sep, total - 1 - sum(sep)]
            articulation.append(BridgeOrganisation(ids[p], total - 1 - max(parts)))
    result = _Cuts(
        sorted(edges[e] for e in bridge_ids),
        sorted(articulation, key=lambda b: (-b.cut_off, b.id)),
    )
    net._cache["cuts"] = result
    return result


def bridges(net: Network) -> list[tuple[str, str]]:
    """Fragile single routes: active routes whose loss splits the network.

    Definition: a route is a bridge when removing it disconnects the network viewed as
    undirected (more connected components than before). Two routes between the same pair
    of organisations, in either direction, are not bridges: losing one leaves the other.

    Returns ``(source, target)`` pairs as they appear in ``referrals.csv``, sorted.
    O(V + E), one depth-first search.

    Example: routes ``a -> b``, ``b -> c``, ``c -> a`` and ``c -> d``: only ``("c", "d")``
    is a bridge. Adding ``d -> c`` makes it not a bridge.
    """
    return list(_cuts(net).bridges)


def bridge_organisations(net: Network) -> list[BridgeOrganisation]:
    """Single points of failure: organisations whose closure splits the network.

    Definition: the articulation points of the network viewed as undirected (active routes
    only). ``cut_off`` is how many organisations, other than the one closing, would no
    longer be in the largest remaining part of its connected component: the component's
    size minus one minus the size of the largest piece left when it closes.

    Sorted by ``cut_off`` (largest first), then id. O(V + E).

    Example: a star with centre ``hub`` and leaves ``a``, ``b``, ``c``: closing ``hub``
    leaves three pieces of one organisation, so ``cut_off`` is 3 - 1 = 2.
    """
    return list(_cuts(net).articulation)
