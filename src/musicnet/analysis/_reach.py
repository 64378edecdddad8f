"""Shared reachability machinery: bitsets propagated over the condensation, and BFS steps."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..schema import ROLES, STAGES, stage_level

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Organisation
    from ..network import Network

ROLE_BIT = {role: 1 << i for i, role in enumerate(ROLES)}


def stage_bits(org: Organisation) -> int:
    """Bit i set when the organisation offers ladder stage i."""
    m = 0
    for s in org.stages:
        m |= 1 << stage_level(s)
    return m


def role_bits(org: Organisation) -> int:
    return ROLE_BIT[org.role]


def descendant_masks(net: Network, bits: Callable[[Organisation], int], key: str
                     ) -> dict[str, int]:
    """For each organisation, the OR of ``bits`` over every organisation reachable from it.

    Works on the condensation (strongly connected components) in reverse topological
    order, so it costs O(V + E) big-integer ORs. An organisation on a cycle reaches itself,
    so its own bits are included exactly when its component has more than one member.
    Cached on the network under ``key``.
    """
    cache_key = f"masks:{key}"
    if cache_key in net._cache:
        return net._cache[cache_key]
    import networkx as nx

    g = net.graph
    cond = nx.condensation(g)
    members = nx.get_node_attributes(cond, "members")
    own = {c: _or(bits(net.orgs[v]) for v in ms) for c, ms in members.items()}
    below: dict[int, int] = {}
    for c in reversed(list(nx.topological_sort(cond))):
        m = 0
        for s in cond.successors(c):
            m |= own[s] | below[s]
        below[c] = m
    out: dict[str, int] = {}
    for c, ms in members.items():
        m = below[c] | (own[c] if len(ms) > 1 else 0)
        for v in ms:
            out[v] = m
    net._cache[cache_key] = out
    return out


def _or(values: object) -> int:
    m = 0
    for v in values:  # type: ignore[attr-defined]
        m |= v
    return m


def stage_steps(net: Network) -> dict[str, dict[str, int | None]]:
    """Fewest active routes from each organisation to one offering each stage.

    0 when the organisation offers the stage itself, ``None`` when unreachable.
    One multi-source breadth-first search per stage on the reversed graph: O(5 (V + E)).
    """
    if "steps" in net._cache:
        return net._cache["steps"]
    g = net.graph
    pred = g.pred
    per_stage: dict[str, dict[str, int]] = {}
    for stage in STAGES:
        dist = {v: 0 for v, o in net.orgs.items() if stage in o.stages}
        queue = deque(dist)
        while queue:
            v = queue.popleft()
            d = dist[v] + 1
            for u in pred[v]:
                if u not in dist:
                    dist[u] = d
                    queue.append(u)
        per_stage[stage] = dist
    out = {v: {s: per_stage[s].get(v) for s in STAGES} for v in net.orgs}
    net._cache["steps"] = out
    return out
