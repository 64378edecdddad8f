"""What-if: change a network's routes and see exactly what changes.

``net.with_routes(...)`` returns a new :class:`~musicnet.network.Network` (the original is
untouched) and :func:`compare` reports the differences between two networks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from . import values
from .errors import UsageError
from .model import Route
from .schema import STAGES

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = ["Diff", "compare", "cut_off", "parse_pair", "with_routes"]

Pair = tuple[str, str]


def parse_pair(text: str) -> Pair:
    """``'SRC:TGT'`` (or ``'SRC->TGT'``) as a pair of ids.

    >>> parse_pair("kite-street:amber-lane")
    ('kite-street', 'amber-lane')
    """
    for sep in ("->", ":", ","):
        if sep in text:
            a, b = text.split(sep, 1)
            if a.strip() and b.strip():
                return a.strip(), b.strip()
    raise UsageError(f"'{text}' is not a route: write SOURCE:TARGET, e.g. kite-street:hub.")


def _cell(value: Any) -> str:
    """A table cell as text: missing values (None, NaN) are empty."""
    if value is None or value != value:
        return ""
    return str(value).strip()


def _routes_from(items: Any, what: str) -> list[Route]:
    """Pairs, Route objects or a DataFrame in the referrals.csv format, as Routes."""
    if items is None:
        return []
    if hasattr(items, "to_dict") and hasattr(items, "columns"):  # a pandas DataFrame
        cols = {str(c).strip().lower(): c for c in items.columns}
        if "source" not in cols or "target" not in cols:
            raise UsageError(f"the {what} table needs 'source' and 'target' columns.")
        out = []
        def get(rec: dict[Any, Any], col: str) -> Any:
            # a column missing from the table is empty (not the one with no header)
            return rec[cols[col]] if col in cols else None

        for rec in items.to_dict("records"):
            kind = _cell(get(rec, "kind"))
            status = _cell(get(rec, "status"))
            people = get(rec, "young_people_per_year")
            try:
                people = None if people is None or people != people or people == "" else int(
                    people)
            except (TypeError, ValueError):
                raise UsageError(f"young_people_per_year '{people}' is not a whole number."
                                 ) from None
            out.append(Route(str(rec[cols["source"]]).strip(), str(rec[cols["target"]]).strip(),
                             kind=values.kind(kind) if kind else "referral",
                             status=values.status(status) if status else "active",
                             young_people_per_year=people))
        return out
    out = []
    for item in items:
        if isinstance(item, Route):
            out.append(item)
        elif isinstance(item, str):
            out.append(Route(*parse_pair(item)))
        else:
            s, t = item
            out.append(Route(str(s), str(t)))
    return out


def with_routes(net: Network, *, add: Any = None, remove: Any = None,
                close: Iterable[str] = (), include_planned: bool = False) -> Network:
    """A new network with routes added or removed and organisations closed.

    - ``add``: routes to add as active, given as ``(source, target)`` pairs,
      ``"SOURCE:TARGET"`` strings, :class:`~musicnet.model.Route` objects or a pandas
      DataFrame in the ``referrals.csv`` format. A lapsed or planned route may be added:
      it becomes active. Added routes are remembered in ``Network.proposed`` (the map
      draws them dashed).
    - ``remove``: active routes to take away (same forms).
    - ``close``: organisations that close: they and all their routes leave the network.
    - ``include_planned``: treat every ``planned`` route as active.

    Raises :class:`~musicnet.errors.UsageError` for an unknown id (with a did-you-mean), a
    route that already exists and is active, a route from an organisation to itself, or
    a route to remove that is not there.

    >>> import musicnet
    >>> net = musicnet.load("data")
    >>> after = net.with_routes(add=[("ashdown-primary-school", "marigold-song-studio")])
    >>> after.graph.number_of_edges() - net.graph.number_of_edges()
    1
    """
    from .network import Network

    closing = {net.resolve(c) for c in close}
    by_pair: dict[Pair, Route] = {(r.source, r.target): r for r in net.routes}
    if include_planned:
        by_pair = {p: replace(r, status="active") if r.status == "planned" else r
                   for p, r in by_pair.items()}
    problems: list[str] = []

    def resolved(items: Any, what: str) -> list[tuple[Pair, Route]]:
        """Routes with both ends resolved to canonical ids; unknown ids become problems."""
        out = []
        for r in _routes_from(items, what):
            try:
                out.append(((net.resolve(r.source), net.resolve(r.target)), r))
            except UsageError as exc:
                problems.append(str(exc))
        return out

    removed: set[Pair] = set()
    for pair, _ in resolved(remove, "remove"):
        if pair not in by_pair or by_pair[pair].status != "active":
            problems.append(f"there is no active route {pair[0]} -> {pair[1]} to remove.")
            continue
        removed.add(pair)
    proposed: set[Pair] = set(net.proposed)
    added: dict[Pair, Route] = {}
    for pair, r in resolved(add, "add"):
        if pair[0] == pair[1]:
            problems.append(f"a route from '{pair[0]}' to itself is not a route.")
        elif pair in closing or pair[0] in closing or pair[1] in closing:
            problems.append(f"route {pair[0]} -> {pair[1]} involves an organisation that "
                            "closes.")
        elif pair in added or (pair in by_pair and by_pair[pair].status == "active"
                                and pair not in removed):
            problems.append(f"route {pair[0]} -> {pair[1]} already exists.")
        else:
            old = by_pair.get(pair)
            added[pair] = replace(old or r, source=pair[0], target=pair[1], status="active",
                                  line=None)
            proposed.add(pair)
    if problems:
        raise UsageError(problems[0] if len(problems) == 1 else
                         "\n".join(["the changes cannot be made:", *problems]))
    routes = [by_pair[p] for p in by_pair if p not in removed and p not in added
              and p[0] not in closing and p[1] not in closing]
    routes.extend(added.values())
    orgs = [o for v, o in net.orgs.items() if v not in closing]
    return Network(orgs, routes, source=net.source, warnings=net.warnings,
                   proposed={p for p in proposed if (p in added or p not in removed)
                             and p[0] not in closing and p[1] not in closing})


@dataclass(frozen=True)
class Diff:
    """What changed between two networks (``before`` -> ``after``).

    Organisation lists are sorted ids; route lists are sorted ``(source, target)`` pairs.
    ``reach_gained``/``reach_lost`` map an organisation id to the stages it can newly reach
    (or no longer reach) in the sense of stage reach: stage s when it offers, or can reach
    along active routes (directed) an organisation offering, s or a stage above s.
    ``dead_ends_resolved`` are former dead ends still reached that now lead on (or offer
    the top stage); ``dead_ends_unreached`` stopped being dead ends only because no active
    route reaches them any more, which is no help to anyone. ``cut_off`` lists the
    organisations no longer connected (routes seen as undirected) to the largest part of
    what they were connected to before: see :func:`compare`. ``isolated_resolved`` are
    organisations that had no active route in or out and now have one;
    ``isolated_created`` those left with none. ``majority_cc_helped`` lists majority-CC
    organisations with a dead end resolved, a gap closed or new reach;
    ``majority_cc_harmed`` those with a new dead end, a new gap, lost reach, cut off or left
    with no routes.
    """

    dead_ends_resolved: list[str]
    dead_ends_created: list[str]
    progression_gaps_closed: list[str]
    progression_gaps_opened: list[str]
    bridges_gained: list[Pair]
    bridges_lost: list[Pair]
    bridge_organisations_gained: list[str]
    bridge_organisations_lost: list[str]
    reach_gained: dict[str, list[str]]
    reach_lost: dict[str, list[str]]
    majority_cc_helped: list[str]
    majority_cc_harmed: list[str]
    higher_stage_gained: list[str] = field(default_factory=list)
    routes_added: list[Pair] = field(default_factory=list)
    routes_removed: list[Pair] = field(default_factory=list)
    organisations_closed: list[str] = field(default_factory=list)
    cut_off: list[str] = field(default_factory=list)
    dead_ends_unreached: list[str] = field(default_factory=list)
    isolated_resolved: list[str] = field(default_factory=list)
    isolated_created: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    majority_cc: frozenset[str] = field(default_factory=frozenset, repr=False, compare=False)
    split: frozenset[str] = field(default_factory=frozenset, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, stable keys (the ``whatif --format json`` shape)."""
        def pairs(ps: list[Pair]) -> list[dict[str, str]]:
            return [{"source": s, "target": t} for s, t in ps]

        return {
            "routes_added": pairs(self.routes_added),
            "routes_removed": pairs(self.routes_removed),
            "organisations_closed": self.organisations_closed,
            "cut_off": self.cut_off,
            "dead_ends_resolved": self.dead_ends_resolved,
            "dead_ends_unreached": self.dead_ends_unreached,
            "dead_ends_created": self.dead_ends_created,
            "isolated_resolved": self.isolated_resolved,
            "isolated_created": self.isolated_created,
            "progression_gaps_closed": self.progression_gaps_closed,
            "progression_gaps_opened": self.progression_gaps_opened,
            "bridges_gained": pairs(self.bridges_gained),
            "bridges_lost": pairs(self.bridges_lost),
            "bridge_organisations_gained": self.bridge_organisations_gained,
            "bridge_organisations_lost": self.bridge_organisations_lost,
            "higher_stage_gained": self.higher_stage_gained,
            "reach_gained": self.reach_gained,
            "reach_lost": self.reach_lost,
            "majority_cc_helped": self.majority_cc_helped,
            "majority_cc_harmed": self.majority_cc_harmed,
        }

    def _n(self, v: str) -> str:
        return f"{self.names.get(v, v)} ({v})" if v in self.names else v

    def _harmful(self) -> bool:
        return bool(self.cut_off or self.reach_lost or self.dead_ends_created
                    or self.progression_gaps_opened or self.isolated_created
                    or self.majority_cc_harmed)

    def __str__(self) -> str:
        lines: list[str] = []

        def section(title: str, items: list[str]) -> None:
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines.extend(f"  - {i}" for i in items)

        def mcc_first(ids: Iterable[str]) -> list[str]:
            return sorted(ids, key=lambda v: (v not in self.majority_cc, v))

        def tag(v: str) -> str:
            return self._n(v) + (" [majority CC]" if v in self.majority_cc else "")

        if self._harmful():
            harm = []
            if self.cut_off:
                harm.append(_count(len(self.cut_off), "organisation") + " cut off")
            if self.reach_lost:
                harm.append(_count(len(self.reach_lost), "organisation")
                            + " can no longer reach a stage")
            if self.dead_ends_created:
                harm.append(_count(len(self.dead_ends_created), "new dead end"))
            if self.progression_gaps_opened:
                harm.append(_count(len(self.progression_gaps_opened), "new progression gap"))
            if self.isolated_created:
                harm.append(_count(len(self.isolated_created), "organisation")
                            + " left with no routes")
            if self.majority_cc_harmed:
                harm.append(_count(len(self.majority_cc_harmed), "majority-CC organisation")
                            + " worse off")
            lines.append("This change harms progression: " + ", ".join(harm) + ".")
            good = []  # so a change that does both does not read as harm alone
            if self.dead_ends_resolved:
                good.append("resolves " + _count(len(self.dead_ends_resolved), "dead end"))
            if self.progression_gaps_closed:
                good.append("closes " + _count(len(self.progression_gaps_closed),
                                               "progression gap"))
            if self.reach_gained:
                good.append("gives " + _count(len(self.reach_gained), "organisation")
                            + " a route to a higher stage")
            if self.isolated_resolved:
                good.append("links " + _count(len(self.isolated_resolved),
                                              "isolated organisation"))
            if good:
                lines.append("It also " + ", ".join(good) + ".")
        section("Routes added", [f"{self._n(s)} -> {self._n(t)}" for s, t in self.routes_added])
        section("Routes removed", [f"{self._n(s)} -> {self._n(t)}"
                                   for s, t in self.routes_removed])
        section("Organisations closed", [self._n(v) for v in self.organisations_closed])
        section("Cut off from the rest of the network (majority CC first)",
                [tag(v) for v in mcc_first(self.cut_off)])
        section("Left with no routes in or out (majority CC first)",
                [tag(v) for v in mcc_first(self.isolated_created)])
        section("Can no longer reach (majority CC first)",
                [f"{tag(v)}: {', '.join(self.reach_lost[v])}"
                 for v in mcc_first(self.reach_lost)])
        section("New dead ends", [tag(v) for v in mcc_first(self.dead_ends_created)])
        section("New progression gaps",
                [tag(v) for v in mcc_first(self.progression_gaps_opened)])
        section("Dead ends resolved", [self._n(v) for v in self.dead_ends_resolved])
        section("No longer dead ends only because no route reaches them any more",
                [tag(v) for v in mcc_first(self.dead_ends_unreached)])
        section("Progression gaps closed", [self._n(v) for v in self.progression_gaps_closed])
        section("No longer isolated (they now have a route)",
                [self._n(v) for v in self.isolated_resolved])
        gone = set(self.routes_removed)
        section("Fragile routes made safe (no longer bridges)",
                [f"{self._n(s)} -> {self._n(t)}" for s, t in self.bridges_lost
                 if (s, t) not in gone and s not in self.split and t not in self.split])
        section("No longer bridges only because the network there was split or closed",
                [f"{self._n(s)} -> {self._n(t)}" for s, t in self.bridges_lost
                 if (s, t) not in gone and (s in self.split or t in self.split)])
        section("Fragile routes removed",
                [f"{self._n(s)} -> {self._n(t)}" for s, t in self.bridges_lost
                 if (s, t) in gone])
        section("New fragile routes (bridges)",
                [f"{self._n(s)} -> {self._n(t)}" for s, t in self.bridges_gained])
        section("No longer single points of failure",
                [self._n(v) for v in self.bridge_organisations_lost if v not in self.split])
        section("No longer single points of failure only because the part they held "
                "together was cut off or closed",
                [self._n(v) for v in self.bridge_organisations_lost if v in self.split])
        section("New single points of failure",
                [self._n(v) for v in self.bridge_organisations_gained])
        section("Can now reach more stages",
                [f"{self._n(v)}: {', '.join(st)}" for v, st in self.reach_gained.items()])
        if self.majority_cc_harmed:
            lines.append(f"Majority-CC organisations made worse off: "
                         f"{len(self.majority_cc_harmed)}: "
                         f"{'; '.join(map(self._n, self.majority_cc_harmed))}.")
        if self.majority_cc_helped:
            lines.append(f"Majority-CC organisations helped: {len(self.majority_cc_helped)}: "
                         f"{'; '.join(map(self._n, self.majority_cc_helped))}.")
        return "\n".join(lines) if lines else "No change to progression in the network."


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def reach_masks(net: Network) -> dict[str, int]:
    """Stage bitset of the stages each organisation can reach, in the sense of
    ``musicnet analyse``'s stage reach: stage s is in it when the organisation offers, or
    can reach along active routes an organisation offering, s *or any stage above s*. So
    the set runs from first access up to the highest stage offered or reached, and an
    organisation only gains or loses reach when that highest stage changes.

    >>> import musicnet
    >>> from musicnet import Organisation, Route
    >>> o = lambda i, s: Organisation(i, i, "other", "general", (s,), "Lewisham", "intermediary")
    >>> net = musicnet.Network([o("a", "participation"), o("b", "advanced")], [Route("a", "b")])
    >>> _stages(reach_masks(net)["a"])
    ['first_access', 'participation', 'developing', 'advanced']
    """
    from .analysis._reach import descendant_masks, stage_bits

    desc = descendant_masks(net, stage_bits, "stages")
    # every stage up to the highest one offered or reached
    return {v: (1 << (stage_bits(o) | desc[v]).bit_length()) - 1 for v, o in net.orgs.items()}


def _stages(mask: int) -> list[str]:
    return [s for i, s in enumerate(STAGES) if mask >> i & 1]


def _components(net: Network) -> dict[str, int]:
    """Connected component number of each organisation (active routes, undirected)."""
    parent = {v: v for v in net.orgs}

    def find(v: str) -> str:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for u, v in net.graph.edges():
        parent[find(u)] = find(v)
    roots: dict[str, int] = {}
    return {v: roots.setdefault(find(v), len(roots)) for v in sorted(net.orgs)}


def cut_off(before: Network, after: Network) -> tuple[list[str], set[str]]:
    """Organisations cut off by the change, and every organisation in a part that split.

    Routes are seen as undirected. For each connected part of ``before``, its organisations
    still in ``after`` are grouped by the part of ``after`` they are in; the largest group
    (ties: the one holding the alphabetically first id) is what remains of it, and the
    members of every other group are cut off. Closing one organisation therefore cuts off
    exactly the ``cut_off`` that :func:`musicnet.analysis.bridge_organisations` reports
    for it. The second value holds every member of a part that lost an organisation, by
    closure or by being cut off (its bridges and bridge organisations may vanish only
    because of that).
    """
    cb, ca = _components(before), _components(after)
    parts: dict[int, list[str]] = {}
    for v in sorted(before.orgs):
        parts.setdefault(cb[v], []).append(v)
    out: list[str] = []
    split: set[str] = set()
    for members in parts.values():
        groups: dict[int, list[str]] = {}
        for v in members:
            if v in ca:
                groups.setdefault(ca[v], []).append(v)
        if not groups:
            continue
        keep = min(groups.values(), key=lambda g: (-len(g), g[0]))
        lost = [v for g in groups.values() if g is not keep for v in g]
        out.extend(lost)
        if lost or len(keep) < len(members):
            split.update(members)
    return sorted(out), split


def compare(before: Network, after: Network) -> Diff:
    """Exactly what changes in progression from ``before`` to ``after``.

    Uses the same analyses as ``musicnet analyse`` on both networks. Organisations only in
    one network (closed or new) are not counted as resolving or creating anything; they
    are listed in ``organisations_closed``. ``cut_off`` is defined in :func:`cut_off`;
    ``reach_lost`` counts the stages each remaining organisation can no longer reach
    along active routes (directed).

    >>> import musicnet
    >>> net = musicnet.load("data")
    >>> diff = musicnet.compare(net, net.with_routes(
    ...     add=[("ashdown-primary-school", "marigold-song-studio")]))
    >>> diff.dead_ends_resolved
    ['ashdown-primary-school']
    """
    from .analysis import bridge_organisations, bridges, dead_ends, progression_gaps

    both = before.orgs.keys() & after.orgs.keys()

    def changed(a: Iterable[str], b: Iterable[str]) -> tuple[list[str], list[str]]:
        sa, sb = set(a) & both, set(b) & both
        return sorted(sa - sb), sorted(sb - sa)

    de_gone, de_new = changed(dead_ends(before), dead_ends(after))
    # a dead end nobody reaches any more is not resolved: its way in was lost
    de_res = [v for v in de_gone if after.graph.in_degree(v) > 0]
    de_unreached = [v for v in de_gone if after.graph.in_degree(v) == 0]
    gap_closed, gap_opened = changed(progression_gaps(before), progression_gaps(after))
    bo_lost, bo_gained = changed((b.id for b in bridge_organisations(before)),
                                 (b.id for b in bridge_organisations(after)))
    br_before, br_after = set(bridges(before)), set(bridges(after))
    rb, ra = reach_masks(before), reach_masks(after)
    gained = {v: _stages(ra[v] & ~rb[v]) for v in sorted(both) if ra[v] & ~rb[v]}
    lost = {v: _stages(rb[v] & ~ra[v]) for v in sorted(both) if rb[v] & ~ra[v]}
    higher = sorted(v for v in gained if (ra[v] & ~rb[v]) >> (after.orgs[v].highest_level + 1))
    mcc = {v for v in both if after.orgs[v].remit == "majority_cc"}
    helped = sorted(mcc & (set(de_res) | set(gap_closed) | set(gained)))
    cut, split = cut_off(before, after)
    gb, ga = before.graph, after.graph
    iso_res = sorted(v for v in both if gb.degree(v) == 0 and ga.degree(v) > 0)
    iso_new = sorted(v for v in both if gb.degree(v) > 0 and ga.degree(v) == 0)
    harmed = sorted(mcc & (set(de_new) | set(gap_opened) | set(lost) | set(cut)
                           | set(iso_new)))
    eb, ea = set(before.graph.edges()), set(after.graph.edges())
    return Diff(
        dead_ends_resolved=de_res, dead_ends_created=de_new,
        progression_gaps_closed=gap_closed, progression_gaps_opened=gap_opened,
        bridges_gained=sorted(br_after - br_before), bridges_lost=sorted(br_before - br_after),
        bridge_organisations_gained=bo_gained, bridge_organisations_lost=bo_lost,
        reach_gained=gained, reach_lost=lost,
        majority_cc_helped=helped, majority_cc_harmed=harmed, higher_stage_gained=higher,
        routes_added=sorted(ea - eb), routes_removed=sorted(eb - ea),
        organisations_closed=sorted(before.orgs.keys() - after.orgs.keys()),
        cut_off=cut, dead_ends_unreached=de_unreached,
        isolated_resolved=iso_res, isolated_created=iso_new,
        names={v: o.name for v, o in {**before.orgs, **after.orgs}.items()},
        majority_cc=frozenset(v for v, o in {**before.orgs, **after.orgs}.items()
                              if o.remit == "majority_cc"),
        split=frozenset(split),
    )
