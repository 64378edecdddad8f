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
- +1 both give an age range and the ranges overlap.

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
bridges on the path between ``s`` and ``t`` in the bridge tree. The top ``top`` are then
re-measured with :func:`musicnet.compare` itself, and that result is what is reported.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .schema import BOROUGH_CENTROIDS, STAGES, TARGET_GROUPS, hub_area

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network
    from .whatif import Diff

__all__ = ["Suggestion", "Suggestions", "impact_score", "suggest_links"]

NEARBY_KM = 5.0
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


class _Context:
    """Everything computed once per network for scoring candidates."""

    def __init__(self, net: Network):
        import networkx as nx

        from .analysis import bridges, dead_ends, progression_gaps
        from .whatif import reach_masks

        self.net = net
        g = net.graph
        # bit i of every node bitset is the i-th organisation in a topological order of
        # the condensation (an SCC's members side by side), so an ancestor set only has
        # bits below its own position and small sets stay small integers
        cond = nx.condensation(g)
        self.cond = cond
        self.scc = cond.graph["mapping"]
        self.ids = []
        self.span: dict[int, tuple[int, int]] = {}
        self.topo = list(nx.topological_sort(cond))
        for c in self.topo:
            start = len(self.ids)
            self.ids.extend(sorted(cond.nodes[c]["members"]))
            self.span[c] = (start, len(self.ids))
        self.index = {v: i for i, v in enumerate(self.ids)}
        self.level = {v: o.highest_level for v, o in net.orgs.items()}
        self.reach = reach_masks(net)
        self.dead = set(dead_ends(net))
        full = (1 << len(STAGES)) - 1
        lacks = [0] * len(STAGES)        # nodes lacking stage k, k above their own highest
        lacks_any = [0] * len(STAGES)    # nodes lacking stage k at all
        gap_bits = mcc_bits = 0
        gaps = set(progression_gaps(net))
        for v, i in self.index.items():
            bit = 1 << i
            for k in range(len(STAGES)):
                if not self.reach[v] >> k & 1:
                    lacks_any[k] |= bit
                    if k > self.level[v]:
                        lacks[k] |= bit
            if v in gaps:
                gap_bits |= bit
            if net.orgs[v].remit == "majority_cc":
                mcc_bits |= bit
        self.gap_bits, self.mcc_bits = gap_bits, mcc_bits
        self.lacks_higher = [self._or(lacks, m) for m in range(full + 1)]
        self.lacks_any = [self._or(lacks_any, m) for m in range(full + 1)]
        # ancestor bitsets are not kept for every SCC (that is quadratic memory on long
        # chains): impacts() computes them in one topological sweep, keeping only those
        # still needed, and ancestors() one at a time
        # bridge tree: 2-edge-connected components joined by bridges
        self.bridge_list = bridges(net)
        und = nx.Graph()
        und.add_nodes_from(g)
        und.add_edges_from(g.edges())
        und.remove_edges_from(self.bridge_list)
        self.two_ecc: dict[str, int] = {}
        for k, comp in enumerate(nx.connected_components(und)):
            for v in comp:
                self.two_ecc[v] = k
        tree: dict[int, list[int]] = {}
        for s, t in self.bridge_list:
            a, b = self.two_ecc[s], self.two_ecc[t]
            tree.setdefault(a, []).append(b)
            tree.setdefault(b, []).append(a)
        self.parent: dict[int, int | None] = {}
        self.depth: dict[int, int] = {}
        self.tree_root: dict[int, int] = {}
        for k in sorted(set(self.two_ecc.values())):
            if k in self.depth:
                continue
            self.parent[k], self.depth[k], self.tree_root[k] = None, 0, k
            queue = deque([k])
            while queue:
                x = queue.popleft()
                for y in tree.get(x, ()):
                    if y not in self.depth:
                        self.parent[y], self.depth[y], self.tree_root[y] = x, self.depth[x] + 1, k
                        queue.append(y)
        self.position = {v: self._where(v) for v in net.orgs}
        self.genres = {v: frozenset(o.genres) for v, o in net.orgs.items()}
        self.groups = {v: frozenset(o.target_groups) for v, o in net.orgs.items()}

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
        a, b = self.two_ecc[s], self.two_ecc[t]
        if self.tree_root[a] != self.tree_root[b]:
            return 0
        n = 0
        while a != b:
            if self.depth[a] < self.depth[b]:
                a, b = b, a
            a = self.parent[a]  # type: ignore[assignment]
            n += 1
        return n

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
            for p in self.cond.predecessors(x):
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
        waiting = {c: cond.out_degree(c) for c in self.topo}
        anc: dict[int, int] = {}
        out: dict[tuple[str, str], int] = {}
        for c in self.topo:
            a = self._members(c)
            for p in cond.predecessors(c):
                a |= anc[p] if p in anc else self._members(p)
                waiting[p] -= 1
                if waiting[p] == 0:
                    anc.pop(p, None)
            for s, t in by_scc.get(c, ()):
                out[(s, t)] = self.impact(s, t, a)[0]
            if waiting[c] and cond.in_degree(c):
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


def _fit_points(ctx: _Context, s: str, t: str) -> int:
    """The fit score alone (the same rules as :func:`_fit`, without the words)."""
    so, to = ctx.net.orgs[s], ctx.net.orgs[t]
    nxt = STAGES[so.highest_level + 1] if so.highest_level + 1 < len(STAGES) else None
    points = 3 if nxt in to.stages else 1
    points += min(2, len(ctx.genres[s] & ctx.genres[t]))
    if so.borough == to.borough:
        points += 2
    else:
        a, b = ctx.position[s], ctx.position[t]
        if (a and b and _km(a, b) <= NEARBY_KM) or (
                hub_area(so.borough) and hub_area(so.borough) == hub_area(to.borough)):
            points += 1
    if ctx.groups[s] & ctx.groups[t]:
        points += 2
    elif to.remit in ("majority_cc", "minority_cc"):
        points += 1
    if None not in (so.age_min, so.age_max, to.age_min, to.age_max) and (
            so.age_min <= to.age_max and to.age_min <= so.age_max):  # type: ignore[operator]
        points += 1
    return points


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
        reasons.append("works with " + ", ".join(TARGET_GROUPS[tg] for tg in groups))
    elif to.remit in ("majority_cc", "minority_cc"):
        points += 1
        reasons.append("inclusive remit (" + to.remit.replace("_", " ").replace(
            "cc", "challenging circumstances") + ")")
    if None not in (so.age_min, so.age_max, to.age_min, to.age_max) and (
            so.age_min <= to.age_max and to.age_min <= so.age_max):  # type: ignore[operator]
        points += 1
        reasons.append(f"ages overlap ({so.age_min}-{so.age_max} and {to.age_min}-"
                       f"{to.age_max})")
    return points, reasons


def _resolve_borough(name: str) -> str:
    """The borough as the loader reads it (ONS name, "&" for "and", short forms)."""
    from .values import borough

    return borough(name)[0]


def _candidates(ctx: _Context, sources: list[str], per_source: int, everywhere: bool,
                progress: Callable[[int, int], None] | None, *,
                max_candidates: int | None = None, capped: list[int] | None = None
                ) -> list[tuple[int, int, str, str]]:
    """Candidate routes scored exactly: ``(fit + impact, fit, source, target)``, best first.

    With ``max_candidates``, the work is bounded: each source's fit is measured against at
    most ``2 * per_source`` targets (those nearest its next stage first), and only
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
            pool = [t for lv in everyone[lo:] for t in lv]
        else:
            here = by_area.get(area, wide)
            pool = [t for lv in here[lo:] for t in lv]
            if here is not wide:
                pool += [t for lv in wide[lo:] for t in lv]
        if max_candidates is not None and len(pool) > 2 * per_source + 1:
            pool = pool[:2 * per_source + 1]
            truncated = True
        fits = []
        for t in pool:
            if t == s or ctx.level[t] <= so.highest_level or g.has_edge(s, t):
                continue
            fits.append((-_fit_points(ctx, s, t), t))
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
          progress: Callable[[int, int], None] | None,
          max_candidates: int | None = None) -> Suggestions:
    from .whatif import compare

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
                         max_candidates=max_candidates, capped=capped)
    chosen: list[tuple[int, str, str]] = []
    per: dict[str, int] = {}
    for _, fit, s, t in ranked:
        if len(chosen) == top:
            break
        if per.get(s, 0) < max_per_source:
            per[s] = per.get(s, 0) + 1
            chosen.append((fit, s, t))
    out = []
    for fit, s, t in chosen:
        diff = compare(net, net.with_routes(add=[(s, t)]))
        _, fit_reasons = _fit(ctx, s, t)
        reasons = fit_reasons + _impact_reasons(diff)
        if any(r.source == s and r.target == t and r.status != "active" for r in net.routes):
            status = next(r.status for r in net.routes if (r.source, r.target) == (s, t))
            reasons.append(f"revives a {status} route")
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
                     max_candidates=max_candidates)
    plan = Suggestions()
    current = net
    for _ in range(greedy):
        best = _rank(current, top=1, for_org=for_org, borough=borough,
                     per_source=per_source, max_per_source=1, progress=progress)
        if not best:
            break
        plan.append(best[0])
        current = current.with_routes(add=[(best[0].source, best[0].target)])
    return plan
