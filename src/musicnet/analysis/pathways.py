"""Onward pathways from one organisation: where can a young person go from here?"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..schema import STAGES, stage_level

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["Pathways", "pathways"]

#: Shortest routes shown per stage (one per nearest destination).
MAX_ROUTES_PER_STAGE = 3


@dataclass(frozen=True)
class Pathways:
    """The result of :func:`pathways`. ``routes`` maps a stage to its shortest routes; each
    route is a list of steps ``{"id", "name", "kind"}`` starting at the organisation
    (``kind`` is the kind of route into that step, ``None`` for the first)."""

    org: str
    name: str
    highest_stage: str
    routes: dict[str, list[list[dict[str, Any]]]]
    unreachable_stages: list[str]
    reachable_organisations: int
    genre: str | None = None
    genres_reachable: list[str] = field(default_factory=list)
    genres_unreachable: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.org, "name": self.name, "highest_stage": self.highest_stage,
            "genre": self.genre, "reachable_organisations": self.reachable_organisations,
            "routes": self.routes, "unreachable_stages": self.unreachable_stages,
            "genres_reachable": self.genres_reachable,
            "genres_unreachable": self.genres_unreachable,
        }

    def __str__(self) -> str:
        genre = f" in {self.genre}" if self.genre else ""
        lines = [f"From {self.name} ({self.org}), highest stage {self.highest_stage}: "
                 f"{self.reachable_organisations} organisations reachable{genre}."]
        for stage, routes in self.routes.items():
            steps = len(routes[0]) - 1
            lines.append(f"{stage} ({steps} step{'s' if steps != 1 else ''}):")
            for route in routes:
                parts = [route[0]["name"]]
                parts += [f"-[{st['kind']}]-> {st['name']}" for st in route[1:]]
                lines.append("  " + " ".join(parts))
        if self.unreachable_stages:
            lines.append("Not reachable at all" + genre + ": "
                         + ", ".join(self.unreachable_stages) + ".")
        if self.genres_unreachable:
            lines.append("Its own genres with no onward offer: "
                         + ", ".join(self.genres_unreachable) + " (a genre break).")
        return "\n".join(lines)


def pathways(net: Network, org: str, *, to_stage: str | None = None,
             genre: str | None = None) -> Pathways:
    """The onward pathways from ``org`` along active routes.

    For each stage above the organisation's highest stage (or just ``to_stage``), the
    shortest routes there: breadth-first search from ``org`` finds the fewest steps to an
    organisation offering that stage; up to three such destinations are shown (the nearest;
    ties broken by id), each with one shortest route: of several, the one whose list of
    organisation ids is alphabetically first, compared step by step (the search visits
    each organisation's successors in id order, which gives exactly that route). With
    ``genre``,
    only destinations offering that genre count. ``unreachable_stages`` lists the stages
    asked about that no route reaches; ``genres_unreachable`` lists the organisation's own
    genres that no reachable organisation offers (a genre break). O(V + E).

    Example: with ``a`` (first_access) -> ``b`` (participation) -> ``c`` (developing),
    ``pathways(net, "a").routes["developing"]`` is one route ``a -> b -> c``.
    """
    start = net.resolve(org)
    o = net.orgs[start]
    if to_stage is not None and to_stage not in STAGES:
        from ..loader import did_you_mean

        guess = did_you_mean(to_stage, STAGES)
        raise UsageError(f"unknown stage '{to_stage}'." + (f" Did you mean '{guess}'?"
                                                            if guess else ""))
    wanted = [to_stage] if to_stage else [s for s in STAGES
                                          if stage_level(s) > o.highest_level]
    g = net.graph
    parent: dict[str, str | None] = {start: None}
    order = [start]
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in sorted(g.successors(v)):
            if w not in parent:
                parent[w] = v
                order.append(w)
                queue.append(w)
    genre_key = " ".join(genre.lower().split()) if genre else None

    def route_to(v: str) -> list[dict[str, Any]]:
        chain = [v]
        while parent[chain[-1]] is not None:
            chain.append(parent[chain[-1]])  # type: ignore[arg-type]
        chain.reverse()
        return [{"id": x, "name": net.orgs[x].name,
                 "kind": None if i == 0 else g.edges[chain[i - 1], x]["kind"]}
                for i, x in enumerate(chain)]

    depth = {start: 0}
    for v in order[1:]:
        depth[v] = depth[parent[v]] + 1  # type: ignore[index]
    routes: dict[str, list[list[dict[str, Any]]]] = {}
    unreachable = []
    for stage in wanted:
        dests = [v for v in order[1:] if stage in net.orgs[v].stages
                 and (genre_key is None or genre_key in net.orgs[v].genres)]
        if not dests:
            unreachable.append(stage)
            continue
        best = depth[dests[0]]
        nearest = sorted(v for v in dests if depth[v] == best)[:MAX_ROUTES_PER_STAGE]
        routes[stage] = [route_to(v) for v in nearest]
    onward_genres = {gn for v in order[1:] for gn in net.orgs[v].genres}
    return Pathways(
        org=start, name=o.name, highest_stage=STAGES[o.highest_level], routes=routes,
        unreachable_stages=unreachable, reachable_organisations=len(order) - 1,
        genre=genre_key,
        genres_reachable=[gn for gn in o.genres if gn in onward_genres],
        genres_unreachable=[gn for gn in o.genres if gn not in onward_genres],
    )
