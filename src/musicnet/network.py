"""The :class:`Network`: validated organisations and routes plus a networkx ``DiGraph``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .errors import Problem, UsageError
from .model import LIST_FIELDS, Organisation, Route

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .analysis.fragility import BridgeOrganisation
    from .analysis.pathways import Pathways, RouteBetween
    from .suggest import Suggestion

__all__ = ["Network", "load"]


class Network:
    """A region's youth-music organisations (nodes) and their referral routes (edges).

    ``graph`` is a :class:`networkx.DiGraph` with one node per organisation (its fields as
    node attributes) and one edge per **active** route (kind, status, young_people_per_year,
    since, notes as edge attributes). Lapsed and planned routes stay in ``routes`` but are
    not in ``graph``, so analyses only count routes that are working now.

    The object is immutable: ``graph`` is frozen (``networkx.freeze``), ``orgs`` is a
    read-only mapping, ``routes`` a tuple, and attributes cannot be reassigned, so the
    analyses cached on it can never go stale. :meth:`with_routes` returns a changed copy.

    >>> import musicnet
    >>> net = musicnet.load("data")
    >>> len(net), net.graph.number_of_edges() > 0
    (137, True)
    """

    def __init__(self, organisations: Iterable[Organisation], routes: Iterable[Route], *,
                 source: str = "", warnings: Iterable[Problem] = (),
                 proposed: Iterable[tuple[str, str]] = ()):
        import networkx as nx

        #: read-only: the network is immutable (analyses are cached on it)
        self.orgs: Mapping[str, Organisation] = MappingProxyType(
            {o.id: o for o in organisations})
        self.routes: tuple[Route, ...] = tuple(routes)
        self.source = source
        self.warnings: tuple[Problem, ...] = tuple(warnings)
        #: routes added by :meth:`with_routes` (drawn dashed as "proposed" on the map)
        self.proposed: frozenset[tuple[str, str]] = frozenset(proposed)
        self._by_key = {oid.casefold(): oid for oid in self.orgs}
        self._cache: dict[str, Any] = {}
        g = _digraph(
            ((o.id, _node_attrs(o)) for o in self.orgs.values()),
            ((r.source, r.target, {"kind": r.kind, "status": r.status,
                                   "young_people_per_year": r.young_people_per_year,
                                   "since": r.since, "notes": r.notes,
                                   "evidence": r.evidence})
             for r in self.routes if r.status == "active"))
        #: frozen (:func:`networkx.freeze`): adding or removing a node or edge raises
        self.graph: nx.DiGraph = nx.freeze(g)
        self._frozen = True

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError(f"a Network cannot be changed ({name!r}); use "
                                 "with_routes() for a changed copy")
        super().__setattr__(name, value)

    # -- lookups -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.orgs)

    def __contains__(self, org_id: object) -> bool:
        return isinstance(org_id, str) and org_id.casefold() in self._by_key

    def __repr__(self) -> str:
        active = self.graph.number_of_edges()
        return (f"<Network {len(self.orgs)} organisations, {active} active routes"
                f"{f' from {self.source}' if self.source else ''}>")

    def resolve(self, org_id: str) -> str:
        """The canonical id for ``org_id`` (case and surrounding spaces ignored).

        Raises :class:`~musicnet.errors.UsageError` with a did-you-mean for unknown ids.
        """
        key = org_id.strip().casefold()
        if key in self._by_key:
            return self._by_key[key]
        from .names import did_you_mean

        guess = did_you_mean(org_id.strip(), self.orgs)
        hint = f" Did you mean '{guess}'?" if guess else ""
        raise UsageError(f"unknown organisation id '{org_id}'.{hint}")

    def org(self, org_id: str) -> Organisation:
        """The :class:`Organisation` with this id (case-insensitive)."""
        return self.orgs[self.resolve(org_id)]

    def name(self, org_id: str) -> str:
        return self.orgs[org_id].name

    def _repr_html_(self) -> str:
        """The interactive map, inline in a notebook (in a sandboxed iframe)."""
        import html

        from .render.map import render_map

        page = render_map(self)
        return (f'<iframe srcdoc="{html.escape(page, quote=True)}" '
                'sandbox="allow-scripts" style="width:100%;height:720px;border:1px solid #ddd" '
                'title="musicnet map"></iframe>')

    # -- tables --------------------------------------------------------------------------
    def organisations_frame(self, *, private: bool = False) -> Any:
        """Organisations as a pandas DataFrame indexed by id (lists joined with ';')."""
        import pandas as pd

        rows = []
        for o in self.orgs.values():
            d = o.to_dict(private=private)
            for key in LIST_FIELDS:
                d[key] = ";".join(d[key])  # type: ignore[arg-type]
            rows.append(d)
        return pd.DataFrame(rows).set_index("id")

    def routes_frame(self, *, private: bool = False) -> Any:
        """All routes (any status) as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame([r.to_dict(private=private) for r in self.routes])

    # -- analyses (each defined in musicnet.analysis) ------------------------------------
    def dead_ends(self) -> list[str]:
        """See :func:`musicnet.analysis.dead_ends`."""
        from .analysis import dead_ends

        return dead_ends(self)

    def isolated(self) -> list[str]:
        """See :func:`musicnet.analysis.isolated`."""
        from .analysis import isolated

        return isolated(self)

    def progression_gaps(self) -> list[str]:
        """See :func:`musicnet.analysis.progression_gaps`."""
        from .analysis import progression_gaps

        return progression_gaps(self)

    def bridges(self) -> list[tuple[str, str]]:
        """See :func:`musicnet.analysis.bridges`."""
        from .analysis import bridges

        return bridges(self)

    def bridge_organisations(self) -> list[BridgeOrganisation]:
        """See :func:`musicnet.analysis.bridge_organisations`."""
        from .analysis import bridge_organisations

        return bridge_organisations(self)

    def stage_reach(self) -> dict[str, Any]:
        """See :func:`musicnet.analysis.stage_reach`."""
        from .analysis import stage_reach

        return stage_reach(self)

    def borough_coverage(self) -> dict[str, Any]:
        """See :func:`musicnet.analysis.borough_coverage`."""
        from .analysis import borough_coverage

        return borough_coverage(self)

    def pathfinder_chains(self) -> dict[str, list[str]]:
        """See :func:`musicnet.analysis.pathfinder_chains`."""
        from .analysis import pathfinder_chains

        return pathfinder_chains(self)

    # -- what-if, pathways, suggestions -------------------------------------------------
    def with_routes(self, *, add: Any = None, remove: Any = None, close: Iterable[str] = (),
                    include_planned: bool = False) -> Network:
        """A new network with routes added/removed; see :func:`musicnet.whatif.with_routes`."""
        from .whatif import with_routes

        return with_routes(self, add=add, remove=remove, close=close,
                           include_planned=include_planned)

    def with_min_evidence(self, level: str = "any") -> Network:
        """The network with only the routes whose evidence is at least ``level``.

        ``"any"`` keeps every route (returns this network). ``"both"`` leaves out
        one-sided routes: those whose ``evidence`` is ``source`` or ``target`` (only one
        of the two organisations said so in a survey). Routes with no evidence recorded
        (entered directly, not from a survey) are kept.

        >>> from musicnet import Organisation, Route
        >>> o = [Organisation(v, v, "other", "general", ("participation",), "Lewisham",
        ...                   "intermediary") for v in "abc"]
        >>> net = Network(o, [Route("a", "b", evidence="both"), Route("b", "c",
        ...               evidence="source"), Route("a", "c")])
        >>> sorted(net.with_min_evidence("both").graph.edges)
        [('a', 'b'), ('a', 'c')]
        """
        if level == "any":
            return self
        if level != "both":
            raise UsageError(f"unknown evidence level '{level}': use 'any' or 'both'.")
        kept = [r for r in self.routes if r.evidence not in ("source", "target")]
        return Network(self.orgs.values(), kept, source=self.source, warnings=self.warnings,
                       proposed=self.proposed)

    def pathways(self, org: str, *, to_stage: str | None = None, genre: str | None = None
                 ) -> Pathways:
        """Onward routes from ``org``; see :func:`musicnet.analysis.pathways`."""
        from .analysis import pathways

        return pathways(self, org, to_stage=to_stage, genre=genre)

    def route_between(self, source: str, target: str) -> RouteBetween:
        """The shortest chain of active routes from ``source`` to ``target``; see
        :func:`musicnet.analysis.route_between`."""
        from .analysis import route_between

        return route_between(self, source, target)

    def suggest_links(self, top: int = 10, **options: Any) -> list[Suggestion]:
        """Ranked missing links; see :func:`musicnet.suggest.suggest_links`."""
        from .suggest import suggest_links

        return suggest_links(self, top=top, **options)

    def analyse(self) -> dict[str, Any]:
        """Every analysis as one JSON-ready dict; see :func:`musicnet.analysis.analyse`."""
        from .analysis import analyse

        return analyse(self)


def _digraph(nodes: Iterable[tuple[str, dict[str, Any]]],
             edges: Iterable[tuple[str, str, dict[str, Any]]]) -> Any:
    """The ``networkx.DiGraph`` that ``add_nodes_from(nodes)`` then ``add_edges_from(edges)``
    builds (attributes of a repeated node or edge merged, nodes only named by an edge
    added bare), filled straight into the graph's adjacency dictionaries.

    networkx's general methods check every item's shape and look each node up several
    times: about a second for 150,000 routes, most of loading a national network. The
    dictionaries (``_node``, ``_succ`` which is ``_adj``, ``_pred``) are the layout every
    networkx 2 and 3 DiGraph uses; a test checks the result equals networkx's own.
    """
    import networkx as nx

    g = nx.DiGraph()
    node, succ, pred = g._node, g._succ, g._pred
    for v, attrs in nodes:
        if v in node:
            node[v].update(attrs)
        else:
            node[v] = attrs
            succ[v] = {}
            pred[v] = {}
    for u, v, attrs in edges:
        for w in (u, v):
            if w not in node:
                node[w] = {}
                succ[w] = {}
                pred[w] = {}
        out = succ[u]
        if v in out:
            out[v].update(attrs)
        else:
            out[v] = attrs
            pred[v][u] = attrs
    return g


def _node_attrs(o: Organisation) -> dict[str, Any]:
    """An organisation's fields as graph node attributes: ``to_dict(private=True)``
    without the id (the node itself), read straight from the instance."""
    d = dict(vars(o))
    for key in ("id", "line", "highest_level"):  # highest_level: a cached property
        d.pop(key, None)
    for key in LIST_FIELDS:
        d[key] = list(d[key])
    return d


def load(path: str | Path = "data") -> Network:
    """Load and validate a data folder (``organisations.csv`` + ``referrals.csv``).

    Raises :class:`~musicnet.errors.DataError` listing every problem found; warnings
    (e.g. a borough spelling variant) are kept on ``Network.warnings``.

    >>> net = load("data")
    >>> net.org("Kite-Street-Alternative-Provision").borough
    'Camden'
    """
    from .loader import read_tables

    tables = read_tables(path)
    return Network(tables.organisations, tables.routes, source=tables.source,
                   warnings=tables.warnings)
