"""Onward pathways from one organisation: where can a young person go from here?"""

from __future__ import annotations

import shlex
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..findings import plural
from ..schema import STAGES, stage_level

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["Pathways", "RouteBetween", "pathways", "route_between"]

def _words(code: str) -> str:
    """A stage code as words: ``first_access`` -> ``first access``."""
    return code.replace("_", " ")


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
        lines = [f"From {self.name} ({self.org}), highest stage "
                 f"{_words(self.highest_stage)}: "
                 f"{plural(self.reachable_organisations, 'organisation')} reachable."
                 + (f" Routes to organisations offering {self.genre}:" if self.genre
                    else "")]
        for stage, routes in self.routes.items():
            steps = len(routes[0]) - 1
            lines.append(f"{_words(stage)} ({steps} step{'s' if steps != 1 else ''}):")
            for route in routes:
                parts = [route[0]["name"]]
                parts += [f"-[{st['kind']}]-> {st['name']}" for st in route[1:]]
                lines.append("  " + " ".join(parts))
        if self.unreachable_stages:
            lines.append("Not reachable at all" + genre + ": "
                         + ", ".join(map(_words, self.unreachable_stages)) + ".")
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
        from ..names import did_you_mean

        guess = did_you_mean(to_stage, STAGES)
        raise UsageError(f"unknown stage '{to_stage}'." + (f" Did you mean '{guess}'?"
                                                            if guess else ""))
    wanted = [to_stage] if to_stage else [s for s in STAGES
                                          if stage_level(s) > o.highest_level]
    parent, order = _search(net, start)
    genre_key = " ".join(genre.lower().split()) if genre else None

    def route_to(v: str) -> list[dict[str, Any]]:
        return _steps(net, parent, v)

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


def _search(net: Network, start: str) -> tuple[dict[str, str | None], list[str]]:
    """Breadth-first search from ``start`` along active routes, each organisation's
    successors in id order: each reached organisation's parent on its route, and the
    organisations in the order reached."""
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
    return parent, order


def _steps(net: Network, parent: dict[str, str | None], v: str) -> list[dict[str, Any]]:
    """The route the search found to ``v``, as steps ``{"id", "name", "kind"}``."""
    chain = [v]
    while parent[chain[-1]] is not None:
        chain.append(parent[chain[-1]])  # type: ignore[arg-type]
    chain.reverse()
    g = net.graph
    return [{"id": x, "name": net.orgs[x].name,
             "kind": None if i == 0 else g.edges[chain[i - 1], x]["kind"]}
            for i, x in enumerate(chain)]


@dataclass(frozen=True)
class RouteBetween:
    """The result of :func:`route_between`: ``route`` is the steps ``{"id", "name",
    "kind"}`` from ``source`` to ``target`` (``kind``: the kind of route into that step,
    ``None`` for the first), or ``None`` when no chain of active routes leads there."""

    source: str
    source_name: str
    target: str
    target_name: str
    route: list[dict[str, Any]] | None
    reachable_organisations: int
    #: the data folder the what-if hint names (the CLI sets it; ``DATA_DIR`` otherwise)
    data_dir: str | None = field(default=None, compare=False)

    @property
    def steps(self) -> int | None:
        """Routes taken (one fewer than the organisations on the way), or ``None``."""
        return None if self.route is None else len(self.route) - 1

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.source, "from_name": self.source_name, "to": self.target,
                "to_name": self.target_name, "steps": self.steps, "route": self.route,
                "reachable_organisations": self.reachable_organisations}

    def __str__(self) -> str:
        head = f"From {self.source_name} ({self.source}) to {self.target_name} ({self.target})"
        if self.route is None:
            return (f"{head}: no route. No chain of active routes leads there; "
                    f"{plural(self.reachable_organisations, 'organisation')} can be "
                    f"reached from {self.source_name}.\n"
                    f"To see what a route would change: musicnet whatif "
                    f"{shlex.quote(self.data_dir) if self.data_dir else 'DATA_DIR'} --add "
                    f"{shlex.quote(self.source + ':' + self.target)}")
        parts = [self.route[0]["name"]]
        parts += [f"-[{st['kind']}]-> {st['name']}" for st in self.route[1:]]
        return f"{head}: {plural(self.steps or 0, 'step')}.\n  " + " ".join(parts)


def route_between(net: Network, source: str, target: str) -> RouteBetween:
    """The shortest chain of active routes from ``source`` to ``target``: fewest steps;
    of several, the one whose list of organisation ids is alphabetically first, compared
    step by step (the tie-break :func:`pathways` uses). ``route`` is ``None`` if no chain
    leads there. O(V + E).

    Example: with routes ``a -> b -> d`` and ``a -> c -> d``,
    ``route_between(net, "a", "d").route`` is ``a, b, d`` (2 steps; ``b`` before ``c``).
    """
    a, b = net.resolve(source), net.resolve(target)
    if a == b:
        raise UsageError(f"'{source}' and '{target}' are the same organisation: give two.")
    parent, order = _search(net, a)
    return RouteBetween(source=a, source_name=net.orgs[a].name, target=b,
                        target_name=net.orgs[b].name,
                        route=_steps(net, parent, b) if b in parent else None,
                        reachable_organisations=len(order) - 1)
