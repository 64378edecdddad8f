"""Missing-link suggestions: new routes that would most improve progression.

How a suggestion is scored (documented in ``docs/whatif.md`` too):

**Fit** (why the two organisations suit each other):

- +3 the target offers the next stage above the source's highest stage
  (+1 if it offers only stages further up);
- +1 for each shared genre, at most +2;
- +2 same borough, otherwise +1 same Music Hub area or within 5 km (lat/lon, or the
  borough's centre when an organisation has none);
- +2 the target works with one of the source's target groups, otherwise +1 if the target
  has a majority or minority challenging-circumstances remit (inclusive);
- +1 both give an age range and the ranges overlap;
- -2 the target is in another Music Hub area than the source, unless it is London-wide
  (rule ``hub-area``; a source that is London-wide or outside London pays nothing).

**Hard rules** (domain rules every suggestion must pass; ``allow_any=True``, or
``musicnet suggest --allow-any``, turns them off). They are in :data:`HARD_RULES`:

- ``role-order``: the target's Pathfinders role is the same as the source's or later
  (grassroots, then intermediary, then next step): a journey runs from targeted support
  towards open-access or selective provision, not back;
- ``placement``: the target is not a placement setting (a PRU, school, academy, youth
  justice or health setting: the types in :data:`PLACEMENT_TYPES`) unless the source is
  of the same type: nobody refers a young person to a Pupil Referral Unit or a youth
  offending service as a progression step;
- ``ages``: where both organisations give an age range (either end may be open), the
  ranges overlap;
- ``target-groups``: a majority-CC target that lists target groups shares at least one
  with the source (a refugee project is not the next step for every young person).

**Impact** (measured exactly, as ``musicnet whatif --add SOURCE:TARGET`` reports it):

- +5 if it resolves a dead end, -5 if it creates one;
- +3 per progression gap closed;
- +1 per organisation that can newly reach a stage above its own highest;
- +2 per majority-CC organisation helped;
- +2 per fragile route (bridge) made safe.

``score = fit + impact``; ties are broken by source id, then target id, so the ranking is
deterministic. At most two suggestions come from one organisation (unless ``--for`` names
it), so the list covers more of the network.

Only routes that lead **up** the ladder are considered: the target's highest stage must be
above the source's. Existing active routes and self-routes are never suggested; a lapsed or
planned route can be (reviving it is often the cheapest fix).

Algorithm, so it stays fast at national scale: candidate sources are organisations that
cannot reach every stage above their own; candidate targets are pruned by fit to the
organisations in the same borough, hub area or London-wide (all organisations for
``for_org``), keeping the best ``per_source`` per source. Every remaining candidate's
impact is computed exactly but incrementally: adding ``s -> t`` gives every organisation
that can reach ``s`` exactly the stages ``t`` offers or reaches, so with ancestor bitsets
on the condensation (strongly connected components) and one bitset per "lacks stage k"
each candidate costs a few big-integer operations; fragile routes made safe are the
bridges on the path between ``s`` and ``t`` in the bridge tree. The top ``top`` get their
full :class:`~musicnet.whatif.Diff` the same incremental way (``_Context.diff``, which the
tests check field by field against :func:`musicnet.compare` on random networks).
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .schema import BOROUGH_CENTROIDS, STAGES, TARGET_GROUPS, hub_area

if TYPE_CHECKING:  # pragma: no cover
    from .model import Organisation
    from .network import Network
    from .whatif import Diff

__all__ = ["HARD_RULES", "PLACEMENT_TYPES", "Suggestion", "Suggestions", "broken_rules",
           "impact_score", "suggest_links"]

NEARBY_KM = 5.0
#: Points taken off a target in another Music Hub area (rule ``hub-area``).
OTHER_HUB_AREA_COST = 2
#: Organisation types that are placement settings (rule ``placement``).
PLACEMENT_TYPES: tuple[str, ...] = ("pru", "school", "academy", "youth_justice", "health")
#: Pathfinders roles in journey order (rule ``role-order``).
ROLE_ORDER: dict[str, int] = {"grassroots": 0, "intermediary": 1, "next_step": 2}
#: The hard rules, by name, in the words shown to users.
HARD_RULES: dict[str, str] = {
    "role-order": "the target's Pathfinders role is the same as the source's or later "
                  "(grassroots, then intermediary, then next step)",
    "placement": "the target is not a placement setting (PRU, school, academy, youth justice "
                 "or health setting) unless the source is of the same type",
    "ages": "where both give an age range, the ranges overlap",
    "target-groups": "a majority-CC target that lists target groups shares one with the "
                     "source",
}
#: Target groups as they read after "works with".
GROUP_PHRASES: dict[str, str] = {
    "looked_after": "Looked After children and care leavers",
    "refugee_asylum": "young refugees, asylum seekers and vulnerable migrants",
    "homelessness": "young people who are homeless or at risk of homelessness",
    "mental_health": "young people with mental health needs",
    "send": "young people with special educational needs and/or disabilities",
    "pru": "young people in Pupil Referral Units and alternative provision",
    "youth_justice": "young people in or at risk of the youth justice system",
    "neet": "young people not in education, employment or training",
    "deprivation": "young people facing socioeconomic deprivation",
    "other": "young people facing other barriers to music-making",
}
WEIGHTS = {"dead_end_resolved": 5, "dead_end_created": -5, "gap_closed": 3,
           "higher_stage_gained": 1, "majority_cc_helped": 2, "bridge_made_safe": 2}


@dataclass(frozen=True)
class Suggestion:
    """One suggested route, why it fits, and its exact measured impact."""

    source: str
    target: str
    score: int
    fit: int
    reasons: list[str]
    impact: dict[str, Any] = field(repr=False)
    source_name: str = ""
    target_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target,
                "source_name": self.source_name, "target_name": self.target_name,
                "score": self.score, "fit": self.fit, "reasons": self.reasons,
                "impact": self.impact}

    def __str__(self) -> str:
        head = (f"{self.source_name} ({self.source}) -> {self.target_name} ({self.target}): "
                f"score {self.score}")
        return "\n".join([head, *(f"  - {r}" for r in self.reasons)])


def impact_score(diff: Diff) -> int:
    """The impact part of the score, from an exact :class:`~musicnet.whatif.Diff`."""
    w = WEIGHTS
    return (w["dead_end_resolved"] * len(diff.dead_ends_resolved)
            + w["dead_end_created"] * len(diff.dead_ends_created)
            + w["gap_closed"] * len(diff.progression_gaps_closed)
            + w["higher_stage_gained"] * len(diff.higher_stage_gained)
            + w["majority_cc_helped"] * len(diff.majority_cc_helped)
            + w["bridge_made_safe"] * len(diff.bridges_lost))


def _impact_reasons(diff: Diff) -> list[str]:
    out = []
    if diff.dead_ends_resolved:
        out.append("resolves a dead end")
    if diff.dead_ends_created:
        out.append("but the target becomes a dead end (it has no onward route)")
    if diff.progression_gaps_closed:
        n = len(diff.progression_gaps_closed)
        out.append(f"closes {n} progression gap{'s' if n != 1 else ''}")
    if diff.higher_stage_gained:
        n = len(diff.higher_stage_gained)
        m = len(diff.majority_cc_helped)
        out.append(f"gives {n} organisation{'s' if n != 1 else ''} a route to a higher stage"
                   + (f" ({m} majority-CC helped)" if m else ""))
    if diff.bridges_lost:
        n = len(diff.bridges_lost)
        out.append(f"makes {n} fragile route{'s' if n != 1 else ''} safe")
    return out


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _blocks(net: Network) -> list[set[str]]:
    """The blocks (biconnected components, as sets of organisations) of the network with
    routes seen as undirected; organisations with no route are in none. Hopcroft and
    Tarjan's depth-first search with a stack of edges, iterative, O(V + E)."""
    g = net.graph
    ids = list(g)
    index = {v: i for i, v in enumerate(ids)}
    nbrs = [sorted({index[w] for w in g._succ[v]} | {index[w] for w in g._pred[v]})
            for v in ids]
    disc = [-1] * len(ids)
    low = [0] * len(ids)
    clock = 0
    blocks: list[set[str]] = []
    for root in range(len(ids)):
        if disc[root] != -1 or not nbrs[root]:
            continue
        disc[root] = low[root] = clock
        clock += 1
        stack = [(root, -1, iter(nbrs[root]))]
        edges: list[tuple[int, int]] = []
        while stack:
            v, parent, it = stack[-1]
            for w in it:
                if w == parent:
                    continue
                if disc[w] == -1:
                    disc[w] = low[w] = clock
                    clock += 1
                    edges.append((v, w))
                    stack.append((w, v, iter(nbrs[w])))
                    break
                if disc[w] < disc[v]:  # an edge back up the tree
                    edges.append((v, w))
                    if disc[w] < low[v]:
                        low[v] = disc[w]
            else:
                stack.pop()
                if stack:
                    u = stack[-1][0]
                    if low[v] < low[u]:
                        low[u] = low[v]
                    if low[v] >= disc[u]:  # u separates v's subtree: one block
                        block: set[str] = set()
                        while True:
                            a, b = edges.pop()
                            block.add(ids[a])
                            block.add(ids[b])
                            if (a, b) == (u, v):
                                break
                        blocks.append(block)
    return blocks


class _Context:
    """Everything computed once per network for scoring candidates."""

    def __init__(self, net: Network):

        from .analysis import bridges, dead_ends, progression_gaps
        from .analysis._reach import condensed
        from .whatif import reach_masks

        self.net = net
        g = net.graph
        # bit i of every node bitset is the i-th organisation in a topological order of
        # the condensation (an SCC's members side by side), so an ancestor set only has
        # bits below its own position and small sets stay small integers
        cond = condensed(net)
        self.cond = cond
        self.scc = cond.comp
        self.ids: list[str] = []
        self.span: dict[int, tuple[int, int]] = {}
        self.topo = range(len(cond.members))  # condensed() numbers SCCs topologically
        for c in self.topo:
            start = len(self.ids)
            self.ids.extend(cond.members[c])
            self.span[c] = (start, len(self.ids))
        self.index = {v: i for i, v in enumerate(self.ids)}
        self.level = {v: o.highest_level for v, o in net.orgs.items()}
        self.reach = reach_masks(net)
        self.dead = set(dead_ends(net))
        full = (1 << len(STAGES)) - 1
        # lacks[k]: nodes lacking stage k, k above their own highest; lacks_any[k]: nodes
        # lacking stage k at all
        gaps = set(progression_gaps(net))
        # bitsets are filled as byte arrays and turned into integers once: setting bits
        # one by one on a big integer copies it every time (quadratic on 100,000 nodes)
        size = (len(self.ids) + 8) // 8
        lacks_b = [bytearray(size) for _ in STAGES]
        lacks_any_b = [bytearray(size) for _ in STAGES]
        gap_b, mcc_b = bytearray(size), bytearray(size)
        for v, i in self.index.items():
            byte, bit = i >> 3, 1 << (i & 7)
            r, lv = self.reach[v], self.level[v]
            for k in range(len(STAGES)):
                if not r >> k & 1:
                    lacks_any_b[k][byte] |= bit
                    if k > lv:
                        lacks_b[k][byte] |= bit
            if v in gaps:
                gap_b[byte] |= bit
            if net.orgs[v].remit == "majority_cc":
                mcc_b[byte] |= bit
        lacks = [int.from_bytes(b, "little") for b in lacks_b]
        lacks_any = [int.from_bytes(b, "little") for b in lacks_any_b]
        self.gap_bits = int.from_bytes(gap_b, "little")
        self.mcc_bits = int.from_bytes(mcc_b, "little")
        self.lacks_higher = [self._or(lacks, m) for m in range(full + 1)]
        self.lacks_any = [self._or(lacks_any, m) for m in range(full + 1)]
        # ancestor bitsets are not kept for every SCC (that is quadratic memory on long
        # chains): impacts() computes them in one topological sweep, keeping only those
        # still needed, and ancestors() one at a time
        # bridge tree: 2-edge-connected components joined by bridges
        self.bridge_list = bridges(net)
        cut = set(self.bridge_list)
        self.two_ecc: dict[str, int] = {}
        k = -1
        for root in sorted(net.orgs):  # connected parts once the bridges are taken out
            if root in self.two_ecc:
                continue
            k += 1
            self.two_ecc[root] = k
            todo = [root]
            while todo:
                x = todo.pop()
                for y in g.succ[x]:
                    if y not in self.two_ecc and (x, y) not in cut:
                        self.two_ecc[y] = k
                        todo.append(y)
                for y in g.pred[x]:
                    if y not in self.two_ecc and (y, x) not in cut:
                        self.two_ecc[y] = k
                        todo.append(y)
        tree: dict[int, list[tuple[int, tuple[str, str]]]] = {}
        for s, t in self.bridge_list:
            a, b = self.two_ecc[s], self.two_ecc[t]
            tree.setdefault(a, []).append((b, (s, t)))
            tree.setdefault(b, []).append((a, (s, t)))
        self.parent: dict[int, int | None] = {}
        self.depth: dict[int, int] = {}
        self.tree_root: dict[int, int] = {}
        #: the bridge joining each 2-edge-connected component to its parent in the tree
        self.up_bridge: dict[int, tuple[str, str]] = {}
        for k in sorted(set(self.two_ecc.values())):
            if k in self.depth:
                continue
            self.parent[k], self.depth[k], self.tree_root[k] = None, 0, k
            queue = deque([k])
            while queue:
                x = queue.popleft()
                for y, pair in tree.get(x, ()):
                    if y not in self.depth:
                        self.parent[y], self.depth[y], self.tree_root[y] = x, self.depth[x] + 1, k
                        self.up_bridge[y] = pair
                        queue.append(y)
        self.position = {v: self._where(v) for v in net.orgs}
        self.facts = {v: _org_facts(o, self.position[v]) for v, o in net.orgs.items()}

    @staticmethod
    def _or(parts: list[int], mask: int) -> int:
        out = 0
        for k, p in enumerate(parts):
            if mask >> k & 1:
                out |= p
        return out

    def _where(self, v: str) -> tuple[float, float] | None:
        o = self.net.orgs[v]
        if o.lat is not None and o.lon is not None:
            return (o.lat, o.lon)
        return BOROUGH_CENTROIDS.get(o.borough)

    def bridges_made_safe(self, s: str, t: str) -> int:
        """How many bridges stop being bridges when ``s -> t`` is added: the length of the
        bridge-tree path between them, ``depth(a) + depth(b) - 2 depth(lca)``, with the
        lowest common ancestor found by binary lifting (O(log n) a question, so a long
        chain of fragile routes costs no more per candidate than a short one)."""
        a, b = self.two_ecc[s], self.two_ecc[t]
        if self.tree_root[a] != self.tree_root[b]:
            return 0
        return self.depth[a] + self.depth[b] - 2 * self.depth[self._lca(a, b)]

    def _lca(self, a: int, b: int) -> int:
        if not hasattr(self, "_up"):
            # _up[j][k]: the ancestor 2**j levels above component k (a root is its own)
            first = [k if p is None else p for k, p in sorted(self.parent.items())]
            self._up = [first]
            for _ in range(max(self.depth.values(), default=0).bit_length()):
                prev = self._up[-1]
                self._up.append([prev[prev[k]] for k in range(len(prev))])
        up, depth = self._up, self.depth
        if depth[a] < depth[b]:
            a, b = b, a
        rise, j = depth[a] - depth[b], 0
        while rise:
            if rise & 1:
                a = up[j][a]
            rise >>= 1
            j += 1
        if a == b:
            return a
        for j in range(len(up) - 1, -1, -1):
            if up[j][a] != up[j][b]:
                a, b = up[j][a], up[j][b]
        return up[0][a]

    def safe_bridges(self, s: str, t: str) -> list[tuple[str, str]]:
        """The bridges that stop being bridges when ``s -> t`` is added: those on the path
        between ``s`` and ``t`` in the bridge tree (none when they are not connected)."""
        a, b = self.two_ecc[s], self.two_ecc[t]
        if self.tree_root[a] != self.tree_root[b]:
            return []
        out = []
        while a != b:
            if self.depth[a] < self.depth[b]:
                a, b = b, a
            out.append(self.up_bridge[a])
            a = self.parent[a]  # type: ignore[assignment]
        return out

    def _block_tree(self) -> None:
        """The block-cut tree of the undirected network (built on first use): blocks
        (biconnected components) and articulation points, rooted, with depths."""
        from .analysis import bridge_organisations

        self.articulation = {b.id for b in bridge_organisations(self.net)}
        # the bridge tree's root names each connected part
        part = {v: self.tree_root[k] for v, k in self.two_ecc.items()}
        sizes = Counter(part.values())
        self.component_size = {v: sizes[p] for v, p in part.items()}
        # tree nodes: ("b", k) for block k, ("c", v) for articulation point v
        adj: dict[tuple[str, Any], list[tuple[str, Any]]] = {}
        self.block_of: dict[str, tuple[str, Any]] = {}
        for k, block in enumerate(_blocks(self.net)):
            for v in sorted(block):
                if v in self.articulation:
                    adj.setdefault(("b", k), []).append(("c", v))
                    adj.setdefault(("c", v), []).append(("b", k))
                else:
                    self.block_of[v] = ("b", k)
        for v in self.articulation:
            self.block_of[v] = ("c", v)
        self.bc_adj = adj
        self.bc_parent: dict[tuple[str, Any], tuple[str, Any] | None] = {}
        self.bc_depth: dict[tuple[str, Any], int] = {}
        for root in sorted(adj, key=str):
            if root in self.bc_depth:
                continue
            self.bc_parent[root], self.bc_depth[root] = None, 0
            queue = deque([root])
            while queue:
                x = queue.popleft()
                for y in adj[x]:
                    if y not in self.bc_depth:
                        self.bc_parent[y], self.bc_depth[y] = x, self.bc_depth[x] + 1
                        queue.append(y)

    def articulation_change(self, s: str, t: str) -> tuple[list[str], list[str]]:
        """Bridge organisations (articulation points) gained and lost when ``s -> t`` is
        added, exactly. Different parts joined: ``s`` and ``t`` become articulation
        points when their own part has anyone else. Same part: an articulation point
        strictly inside the block-cut-tree path from ``s`` to ``t`` whose blocks all lie on
        that path (two of them) stops being one, as those blocks merge."""
        if not hasattr(self, "bc_adj"):
            self._block_tree()
        if self.tree_root[self.two_ecc[s]] != self.tree_root[self.two_ecc[t]]:
            gained = sorted(v for v in (s, t) if v not in self.articulation
                            and self.component_size.get(v, 1) > 1)
            return gained, []
        a, b = self.block_of[s], self.block_of[t]
        inner: list[tuple[str, Any]] = []
        ends = {a, b}
        while a != b:
            if self.bc_depth[a] < self.bc_depth[b]:
                a, b = b, a
            a = self.bc_parent[a]  # type: ignore[assignment]
            if a not in ends:
                inner.append(a)
        lost = sorted(x[1] for x in inner if x[0] == "c" and len(self.bc_adj[x]) == 2)
        return [], lost

    def ids_of(self, bits: int) -> list[str]:
        """The organisation ids of a node bitset, sorted."""
        out = []
        while bits:
            low = bits & -bits
            out.append(self.ids[low.bit_length() - 1])
            bits ^= low
        return sorted(out)

    def diff(self, s: str, t: str) -> Diff:
        """Exactly :func:`musicnet.compare` of the network before and after adding the
        active route ``s -> t`` (which must not be active already), computed
        incrementally: every organisation that can reach ``s`` gains what ``t`` offers or
        reaches; only ``s`` can stop being a dead end and only ``t`` (isolated before)
        can become one; bridges on the bridge-tree path from ``s`` to ``t`` stop being
        bridges, or the route itself is a new bridge when it joins two parts; bridge
        organisations change as :meth:`articulation_change` says. Nobody loses reach
        and nobody is cut off by adding a route."""
        from .whatif import Diff, _stages

        g = self.net.graph
        orgs = self.net.orgs
        anc = self.ancestors(self.scc[s])
        rt = self.reach[t]
        gained_any = anc & self.lacks_any[rt]
        gained_higher = anc & self.lacks_higher[rt]
        gained = {v: _stages(rt & ~self.reach[v]) for v in self.ids_of(gained_any)}
        dead_resolved = [s] if s in self.dead else []
        dead_created = [t] if (g.in_degree(t) == 0 and g.out_degree(t) == 0
                               and "professional" not in orgs[t].stages) else []
        closed = self.ids_of(gained_higher & self.gap_bits)
        helped = self.ids_of((gained_any | (1 << self.index[s] if dead_resolved else 0))
                             & self.mcc_bits)
        harmed = [v for v in dead_created if orgs[v].remit == "majority_cc"]
        joined = self.tree_root[self.two_ecc[s]] != self.tree_root[self.two_ecc[t]]
        bo_gained, bo_lost = self.articulation_change(s, t)
        if not hasattr(self, "names"):
            self.names = {v: o.name for v, o in orgs.items()}
            self.mcc_ids = frozenset(v for v, o in orgs.items() if o.remit == "majority_cc")
        return Diff(
            dead_ends_resolved=dead_resolved, dead_ends_created=dead_created,
            progression_gaps_closed=closed, progression_gaps_opened=[],
            bridges_gained=[(s, t)] if joined else [],
            bridges_lost=sorted(self.safe_bridges(s, t)),
            bridge_organisations_gained=bo_gained, bridge_organisations_lost=bo_lost,
            reach_gained=gained, reach_lost={},
            majority_cc_helped=helped, majority_cc_harmed=harmed,
            higher_stage_gained=self.ids_of(gained_higher),
            routes_added=[(s, t)], routes_removed=[], organisations_closed=[], cut_off=[],
            isolated_resolved=sorted(v for v in {s, t} if g.degree(v) == 0),
            names=self.names, majority_cc=self.mcc_ids, split=frozenset())

    def _members(self, c: int) -> int:
        start, end = self.span[c]
        return ((1 << (end - start)) - 1) << start

    def ancestors(self, c: int) -> int:
        """Bitset of every organisation that can reach SCC ``c`` (its members included)."""
        seen = {c}
        stack = [c]
        bits = bytearray((len(self.ids) + 8) // 8)
        while stack:
            x = stack.pop()
            start, end = self.span[x]
            for i in range(start, end):
                bits[i >> 3] |= 1 << (i & 7)
            for p in self.cond.pred[x]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return int.from_bytes(bits, "little")

    def impacts(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """:meth:`impact` scores of many candidate routes, with one topological sweep over
        the condensation: each SCC's ancestor bitset is built from its predecessors' and
        dropped as soon as no later SCC needs it, so memory follows the widest layer of
        the network, not its size squared."""
        by_scc: dict[int, list[tuple[str, str]]] = {}
        for s, t in pairs:
            by_scc.setdefault(self.scc[s], []).append((s, t))
        cond = self.cond
        waiting = [len(x) for x in cond.succ]
        anc: dict[int, int] = {}
        out: dict[tuple[str, str], int] = {}
        for c in self.topo:
            a = self._members(c)
            for p in cond.pred[c]:
                a |= anc[p] if p in anc else self._members(p)
                waiting[p] -= 1
                if waiting[p] == 0:
                    anc.pop(p, None)
            for s, t in by_scc.get(c, ()):
                out[(s, t)] = self.impact(s, t, a)[0]
            if waiting[c] and cond.pred[c]:
                anc[c] = a  # sources' sets are just their members: rebuilt when needed
        return out

    def impact(self, s: str, t: str, ancestors: int | None = None) -> tuple[int, list[int]]:
        """Incremental exact impact score of adding s -> t, and the counts behind it.
        ``ancestors`` is the ancestor bitset of ``s``'s SCC when the caller has it."""
        g = self.net.graph
        if ancestors is None:
            ancestors = self.ancestors(self.scc[s])
        gained_higher = ancestors & self.lacks_higher[self.reach[t]]
        gained_any = ancestors & self.lacks_any[self.reach[t]]
        dead_resolved = 1 if s in self.dead else 0
        t_org = self.net.orgs[t]
        dead_created = 1 if (g.in_degree(t) == 0 and g.out_degree(t) == 0
                             and "professional" not in t_org.stages) else 0
        gaps = (gained_higher & self.gap_bits).bit_count()
        higher = gained_higher.bit_count()
        helped_bits = gained_any | (1 << self.index[s] if dead_resolved else 0)
        helped = (helped_bits & self.mcc_bits).bit_count()
        safe = self.bridges_made_safe(s, t)
        w = WEIGHTS
        score = (w["dead_end_resolved"] * dead_resolved + w["dead_end_created"] * dead_created
                 + w["gap_closed"] * gaps + w["higher_stage_gained"] * higher
                 + w["majority_cc_helped"] * helped + w["bridge_made_safe"] * safe)
        return score, [dead_resolved, dead_created, gaps, higher, helped, safe]


def _ages_overlap(a: Organisation, b: Organisation) -> bool | None:
    """Whether two age ranges overlap; ``None`` when either gives no age at all.

    A missing end is open (no lower or no upper limit).

    >>> from musicnet.model import Organisation
    >>> def o(lo, hi):
    ...     return Organisation("x", "X", "other", "general", ("participation",), "Camden",
    ...                         "intermediary", age_min=lo, age_max=hi)
    >>> _ages_overlap(o(5, 11), o(16, 25)), _ages_overlap(o(14, None), o(None, 16))
    (False, True)
    >>> _ages_overlap(o(5, 11), o(None, None)) is None
    True
    """
    if (a.age_min is None and a.age_max is None) or (b.age_min is None and b.age_max is None):
        return None
    lo_a = a.age_min if a.age_min is not None else 0
    hi_a = a.age_max if a.age_max is not None else 10**9
    lo_b = b.age_min if b.age_min is not None else 0
    hi_b = b.age_max if b.age_max is not None else 10**9
    return lo_a <= hi_b and lo_b <= hi_a


def broken_rules(net: Network, source: str, target: str) -> list[str]:
    """Names of the :data:`HARD_RULES` a route ``source -> target`` breaks (``[]``: none).

    >>> import musicnet
    >>> net = musicnet.load("data")
    >>> broken_rules(net, "ashdown-primary-school", "kite-street-alternative-provision")
    ['placement', 'target-groups']
    >>> broken_rules(net, "ashdown-primary-school", "marigold-song-studio")
    []
    """
    so, to = net.orgs[source], net.orgs[target]
    out = []
    if ROLE_ORDER[to.role] < ROLE_ORDER[so.role]:
        out.append("role-order")
    if to.type in PLACEMENT_TYPES and so.type != to.type:
        out.append("placement")
    if _ages_overlap(so, to) is False:
        out.append("ages")
    if (to.remit == "majority_cc" and to.target_groups
            and not set(to.target_groups) & set(so.target_groups)):
        out.append("target-groups")
    return out


def _other_hub_area(so: Organisation, to: Organisation) -> str | None:
    """The target's hub area (or place) when rule ``hub-area`` costs points, else None."""
    home = hub_area(so.borough)
    if home is None or to.borough == "London-wide" or hub_area(to.borough) == home:
        return None
    return hub_area(to.borough) or to.borough


def _fit_points(ctx: _Context, s: str, t: str) -> int:
    """The fit score alone (the same rules as :func:`_fit`, without the words)."""
    return _scorer(ctx, s, rules=False)(t)  # type: ignore[return-value]


def _org_facts(o: Organisation, position: tuple[float, float] | None) -> tuple[Any, ...]:
    """What the fit and the hard rules look at, as one tuple (read once per organisation).

    The age range has open ends filled in (0 and 10**9), or is None when no age is given.
    """
    ages = None
    if o.age_min is not None or o.age_max is not None:
        ages = (o.age_min if o.age_min is not None else 0,
                o.age_max if o.age_max is not None else 10**9)
    return (o.borough, hub_area(o.borough), frozenset(o.stages), frozenset(o.genres),
            frozenset(o.target_groups), o.remit in ("majority_cc", "minority_cc"), ages,
            position, ROLE_ORDER[o.role], o.type, o.type in PLACEMENT_TYPES,
            o.remit == "majority_cc" and bool(o.target_groups))


def _scorer(ctx: _Context, s: str, *, rules: bool) -> Callable[[str], int | None]:
    """A function giving the fit points of ``s -> t`` for any target ``t``; with
    ``rules``, ``None`` when the route breaks a hard rule (see :func:`broken_rules`).
    Everything about ``s`` is read once, so scoring thousands of targets is quick."""
    facts = ctx.facts
    (s_borough, home, _, s_genres, s_groups, _, s_ages, s_pos, s_role, s_type, _,
     _) = facts[s]
    level = ctx.level[s]
    nxt = STAGES[level + 1] if level + 1 < len(STAGES) else None

    def score(t: str) -> int | None:
        (borough, hub, stages, genres, groups, inclusive, ages, pos, role, otype, placement,
         mcc_groups) = facts[t]
        overlap = None if s_ages is None or ages is None else (
            s_ages[0] <= ages[1] and ages[0] <= s_ages[1])
        if rules and (role < s_role or (placement and otype != s_type) or overlap is False
                      or (mcc_groups and not groups & s_groups)):
            return None
        points = 3 if nxt in stages else 1
        points += min(2, len(s_genres & genres))
        if s_borough == borough:
            points += 2
        elif (home and home == hub) or (
                s_pos is not None and pos is not None and _km(s_pos, pos) <= NEARBY_KM):
            points += 1
        if s_groups & groups:
            points += 2
        elif inclusive:
            points += 1
        if overlap:
            points += 1
        if home is not None and borough != "London-wide" and hub != home:
            points -= OTHER_HUB_AREA_COST
        return points

    return score


def _fit(ctx: _Context, s: str, t: str) -> tuple[int, list[str]]:
    net = ctx.net
    so, to = net.orgs[s], net.orgs[t]
    points, reasons = 0, []
    nxt = so.highest_level + 1
    offered_up = [st for st in to.stages if STAGES.index(st) > so.highest_level]
    if nxt < len(STAGES) and STAGES[nxt] in to.stages:
        points += 3
        reasons.append(f"offers {STAGES[nxt].replace('_', ' ')}, the next stage after "
                       f"{STAGES[so.highest_level].replace('_', ' ')}")
    else:
        points += 1
        reasons.append(f"offers {', '.join(x.replace('_', ' ') for x in offered_up)}")
    shared = [gn for gn in so.genres if gn in to.genres]
    if shared:
        points += min(2, len(shared))
        reasons.append(f"shares genres: {', '.join(shared)}")
    if so.borough == to.borough:
        points += 2
        reasons.append(f"same borough ({so.borough})")
    else:
        a, b = ctx.position[s], ctx.position[t]
        km = _km(a, b) if a and b else None
        if km is not None and km <= NEARBY_KM:
            points += 1
            reasons.append(f"nearby ({km:.1f} km)")
        elif hub_area(so.borough) and hub_area(so.borough) == hub_area(to.borough):
            points += 1
            reasons.append(f"same hub area ({hub_area(so.borough)})")
    groups = [tg for tg in so.target_groups if tg in to.target_groups]
    if groups:
        points += 2
        reasons.append("works with " + ", ".join(GROUP_PHRASES.get(tg, TARGET_GROUPS[tg])
                                                 for tg in groups))
    elif to.remit in ("majority_cc", "minority_cc"):
        points += 1
        reasons.append("inclusive remit (" + to.remit.replace("_", " ").replace(
            "cc", "challenging circumstances") + ")")
    if _ages_overlap(so, to):
        points += 1
        reasons.append(f"ages overlap ({_ages(so)} and {_ages(to)})")
    other = _other_hub_area(so, to)
    if other is not None:
        points -= OTHER_HUB_AREA_COST
        reasons.append(f"but in another hub area ({other}), -{OTHER_HUB_AREA_COST}")
    elif to.borough == "London-wide" and hub_area(so.borough):
        reasons.append("London-wide, so within reach from any hub area")
    return points, reasons


def _ages(o: Organisation) -> str:
    if o.age_max is None:
        return f"{o.age_min}+"
    return f"{o.age_min if o.age_min is not None else 0}-{o.age_max}"


def _resolve_borough(name: str) -> str:
    """The borough as the loader reads it (ONS name, "&" for "and", short forms)."""
    from .values import borough

    return borough(name)[0]


def _candidates(ctx: _Context, sources: list[str], per_source: int, everywhere: bool,
                progress: Callable[[int, int], None] | None, allow_any: bool = False, *,
                max_candidates: int | None = None, capped: list[int] | None = None
                ) -> list[tuple[int, int, str, str]]:
    """Candidate routes scored exactly: ``(fit + impact, fit, source, target)``, best first.

    Routes breaking a hard rule are left out unless ``allow_any``. With
    ``max_candidates``, the work is bounded: each source's fit is measured against at
    most ``2 * per_source + 1`` targets (those nearest its next stage first), and only
    ``max_candidates`` candidates (the best by fit, then source and target id) get their
    impact measured; ``capped`` then receives ``[measured, found]``."""
    if capped is None:
        capped = []
    net = ctx.net
    g = net.graph
    top_level = len(STAGES) - 1
    # targets by area and by highest level: only organisations above a source's own
    # highest stage are ever considered, so they are the only ones looked at
    by_area: dict[str | None, list[list[str]]] = {}
    everyone: list[list[str]] = [[] for _ in STAGES]
    for v, o in net.orgs.items():
        by_area.setdefault(hub_area(o.borough) or o.borough,
                           [[] for _ in STAGES])[ctx.level[v]].append(v)
        everyone[ctx.level[v]].append(v)
    wide = by_area.get("London-wide", [[] for _ in STAGES])
    # exact ranking: targets with the same facts get the same fit from any source, so
    # each such group is scored once and only its first members (by id) can be among a
    # source's best: a star of thousands of alike organisations costs as little as a few
    buckets: dict[int, list[list[str]]] = {}  # by the level list's id: its alike groups

    def grouped(level_list: list[str]) -> list[list[str]]:
        key = id(level_list)
        if key not in buckets:
            by_facts: dict[Any, list[str]] = {}
            for t in level_list:
                by_facts.setdefault(ctx.facts[t], []).append(t)
            buckets[key] = [sorted(m) for m in by_facts.values()]
        return buckets[key]

    pairs: list[tuple[int, str, str]] = []
    truncated = False
    for n, s in enumerate(sources):
        if progress:
            progress(n, len(sources))
        so = net.orgs[s]
        area = hub_area(so.borough) or so.borough
        lo = ctx.level[s] + 1
        if lo > top_level:
            continue
        if everywhere or area in ("London-wide", "Outside London"):
            levels = everyone[lo:]
        else:
            here = by_area.get(area, wide)
            levels = here[lo:] + (wide[lo:] if here is not wide else [])
        fits = []
        score = _scorer(ctx, s, rules=not allow_any)
        out = g._succ[s]
        if max_candidates is None:  # exact: every target, one score per group of alike
            for lv in levels:
                for members in grouped(lv):
                    points = None
                    taken = 0
                    for t in members:
                        if t == s or t in out:
                            continue
                        if points is None:
                            points = score(t)
                            if points is None:
                                break
                        fits.append((-points, t))
                        taken += 1
                        if taken >= per_source:
                            break
        else:
            pool = [t for lv in levels for t in lv]
            if len(pool) > 2 * per_source + 1:
                pool = pool[:2 * per_source + 1]
                truncated = True
            for t in pool:
                if t == s or t in out:
                    continue
                points = score(t)
                if points is not None:
                    fits.append((-points, t))
        fits.sort()
        pairs.extend((-negfit, s, t) for negfit, t in fits[:per_source])
    if max_candidates is not None and (truncated or len(pairs) > max_candidates):
        capped[:] = [min(max_candidates, len(pairs)), len(pairs)]
        pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
        pairs = pairs[:max_candidates]
    impacts = ctx.impacts([(s, t) for _, s, t in pairs])
    scored = [(impacts[(s, t)] + fit, fit, s, t) for fit, s, t in pairs]
    if progress:
        progress(len(sources), len(sources))
    scored.sort(key=lambda x: (-x[0], x[2], x[3]))
    return scored


def _rank(net: Network, *, top: int, for_org: str | None, borough: str | None,
          per_source: int, max_per_source: int,
          progress: Callable[[int, int], None] | None, allow_any: bool = False,
          max_candidates: int | None = None) -> Suggestions:
    ctx = _Context(net)
    if for_org is not None:
        sources = [net.resolve(for_org)]
    else:
        sources = []
        want = _resolve_borough(borough) if borough else None
        for v, o in net.orgs.items():
            above = ((1 << len(STAGES)) - 1) >> (o.highest_level + 1) << (o.highest_level + 1)
            if above & ~ctx.reach[v] and (want is None or o.borough == want):
                sources.append(v)
    capped: list[int] = []
    ranked = _candidates(ctx, sorted(sources), per_source, for_org is not None, progress,
                         allow_any, max_candidates=max_candidates, capped=capped)
    chosen: list[tuple[int, str, str]] = []
    per: dict[str, int] = {}
    for _, fit, s, t in ranked:
        if len(chosen) == top:
            break
        if per.get(s, 0) < max_per_source:
            per[s] = per.get(s, 0) + 1
            chosen.append((fit, s, t))
    out = []
    inactive = {(r.source, r.target): r.status for r in net.routes if r.status != "active"}
    for fit, s, t in chosen:
        diff = ctx.diff(s, t)
        _, fit_reasons = _fit(ctx, s, t)
        reasons = fit_reasons + _impact_reasons(diff)
        if (s, t) in inactive:
            reasons.append(f"revives a {inactive[(s, t)]} route")
        reasons.extend(f"breaks rule {name}: {HARD_RULES[name]} (allowed by --allow-any)"
                       for name in broken_rules(net, s, t))
        out.append(Suggestion(s, t, fit + impact_score(diff), fit, reasons, diff.to_dict(),
                              net.orgs[s].name, net.orgs[t].name))
    out.sort(key=lambda x: (-x.score, x.source, x.target))
    result = Suggestions(out)
    if capped:
        result.capped = (capped[0], capped[1])
    return result


class Suggestions(list):  # type: ignore[type-arg]
    """The suggestions, best first. ``capped`` is ``(measured, found)`` when only the
    ``measured`` best-fitting of ``found`` candidate routes had their impact measured
    (``max_candidates``), else ``None``: the ranking is then exact."""

    capped: tuple[int, int] | None = None


def suggest_links(net: Network, top: int = 10, *, for_org: str | None = None,
                  borough: str | None = None, greedy: int | None = None,
                  per_source: int = 15, max_per_source: int = 2,
                  allow_any: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  max_candidates: int | None = None) -> Suggestions:
    """Ranked new routes that would most improve progression (see the module docstring).

    - ``top``: how many suggestions;
    - ``for_org``: only routes from this organisation (targets anywhere);
    - ``borough``: only routes from organisations in this borough;
    - ``greedy``: instead, choose this many routes one after another, each measured on
      the network with the earlier ones already added (a plan, in order);
    - ``per_source``: targets kept per source after pruning by fit;
    - ``max_per_source``: at most this many suggestions from one organisation, so the list
      covers more of the network (``for_org`` lifts it);
    - ``max_candidates``: measure the impact of at most this many candidates (the best by
      fit), to bound the work on very large networks; the result's ``capped`` then says so.
      The default, ``None``, measures every candidate (exact).
    - ``allow_any``: also suggest routes that break the :data:`HARD_RULES` (each such
      suggestion says which rules it breaks in its ``reasons``).

    Every suggestion's ``reasons`` name the soft rules it met (next stage, shared genres,
    place, target groups or inclusive remit, ages) and any cost it paid (another hub area).

    Each :class:`Suggestion`'s ``impact`` is exactly :func:`musicnet.compare` of the network
    before and after adding that route (``musicnet whatif --add S:T --format json``).

    >>> import musicnet
    >>> best = musicnet.load("data").suggest_links(top=1)[0]
    >>> best.impact["dead_ends_resolved"] != [] or best.impact["progression_gaps_closed"] != []
    True
    """
    if greedy is None:
        return _rank(net, top=top, for_org=for_org, borough=borough, per_source=per_source,
                     max_per_source=top if for_org else max_per_source, progress=progress,
                     max_candidates=max_candidates, allow_any=allow_any)
    plan = Suggestions()
    current = net
    for _ in range(greedy):
        best = _rank(current, top=1, for_org=for_org, borough=borough,
                     per_source=per_source, max_per_source=1, progress=progress,
                     allow_any=allow_any)
        if not best:
            break
        plan.append(best[0])
        current = current.with_routes(add=[(best[0].source, best[0].target)])
    return plan
