"""Shared reachability machinery: bitsets propagated over the condensation, and BFS steps."""

from __future__ import annotations

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


class Condensed:
    """The condensation of the network's active routes: strongly connected components
    (SCCs) numbered ``0 .. n-1`` **in topological order** (every route between two SCCs
    goes from a lower number to a higher one).

    - ``comp[v]``: the SCC of organisation ``v``;
    - ``members[c]``: the organisations in SCC ``c``, sorted;
    - ``succ[c]`` / ``pred[c]``: the SCCs one route away (each listed once).

    >>> from musicnet import Network, Organisation, Route
    >>> o = [Organisation(v, v, "other", "general", ("participation",), "Lewisham",
    ...                   "intermediary") for v in "abc"]
    >>> c = condensed(Network(o, [Route("a", "b"), Route("b", "a"), Route("b", "c")]))
    >>> c.members, c.succ
    ([['a', 'b'], ['c']], [[1], []])
    """

    __slots__ = ("comp", "members", "pred", "succ")

    def __init__(self, comp: dict[str, int], members: list[list[str]],
                 succ: list[list[int]], pred: list[list[int]]):
        self.comp, self.members, self.succ, self.pred = comp, members, succ, pred


def condensed(net: Network) -> Condensed:
    """The network's :class:`Condensed` form (cached on the network).

    Tarjan's algorithm, iterative, O(V + E): it finds SCCs in reverse topological order,
    so numbering them backwards gives a topological order with no second pass.
    Organisations are visited in id order, so the numbering is deterministic.
    """
    if "condensed" in net._cache:
        return net._cache["condensed"]
    g = net.graph
    ids = sorted(net.orgs)
    index = {v: i for i, v in enumerate(ids)}
    adj = [[index[w] for w in g._succ[v]] for v in ids]
    n = len(ids)
    order = [-1] * n      # discovery number
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    found: list[list[int]] = []   # SCCs, sinks first
    comp_of = [-1] * n
    counter = 0
    for root in range(n):
        if order[root] != -1:
            continue
        work = [(root, 0)]
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            v, i = work[-1]
            nbrs = adj[v]
            if i < len(nbrs):
                work[-1] = (v, i + 1)
                w = nbrs[i]
                if order[w] == -1:
                    order[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w] and order[w] < low[v]:
                    low[v] = order[w]
                continue
            work.pop()
            if work:
                u = work[-1][0]
                if low[v] < low[u]:
                    low[u] = low[v]
            if low[v] == order[v]:
                scc = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    comp_of[w] = len(found)
                    scc.append(w)
                    if w == v:
                        break
                found.append(scc)
    k = len(found)
    # found[j] is a sink-first order: SCC number k - 1 - j is topological
    members = [sorted(ids[i] for i in found[k - 1 - c]) for c in range(k)]
    comp = {ids[i]: k - 1 - comp_of[i] for i in range(n)}
    succ_sets: list[set[int]] = [set() for _ in range(k)]
    for v in range(n):
        cv = k - 1 - comp_of[v]
        for w in adj[v]:
            cw = k - 1 - comp_of[w]
            if cw != cv:
                succ_sets[cv].add(cw)
    succ = [sorted(x) for x in succ_sets]
    pred: list[list[int]] = [[] for _ in range(k)]
    for c in range(k):
        for d in succ[c]:
            pred[d].append(c)
    out = Condensed(comp, members, succ, pred)
    net._cache["condensed"] = out
    return out


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
    cond = condensed(net)
    members = cond.members
    own = [_or(bits(net.orgs[v]) for v in ms) for ms in members]
    below = [0] * len(members)
    for c in range(len(members) - 1, -1, -1):
        m = 0
        for s in cond.succ[c]:
            m |= own[s] | below[s]
        below[c] = m
    out: dict[str, int] = {}
    for c, ms in enumerate(members):
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
    pred = net.graph._pred
    nodes = list(net.orgs)
    index = {v: i for i, v in enumerate(nodes)}
    back = [[index[u] for u in pred[v]] for v in nodes]
    n = len(nodes)
    per_stage: list[list[int | None]] = []
    for stage in STAGES:
        dist: list[int | None] = [None] * n
        queue = [i for i, v in enumerate(nodes) if stage in net.orgs[v].stages]
        for i in queue:
            dist[i] = 0
        for v in queue:  # the queue grows while it is read: breadth-first
            d = dist[v] + 1  # type: ignore[operator]
            for u in back[v]:
                if dist[u] is None:
                    dist[u] = d
                    queue.append(u)
        per_stage.append(dist)
    out = {v: dict(zip(STAGES, column, strict=True))
           for v, column in zip(nodes, zip(*per_stage, strict=True), strict=True)}
    net._cache["steps"] = out
    return out
