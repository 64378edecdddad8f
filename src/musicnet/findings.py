"""One source of truth for what each finding is called and what to do about it, and for
each organisation's flags.

:data:`FINDINGS` is the only table of finding titles, explanations and "what to do" lines;
:func:`organisation_flags` is the only place that decides which organisations are dead
ends, progression gaps, bridge organisations or isolated, and :func:`fragile_routes` which
routes are bridges. The terminal, the map, the report, the picture and the exports all read
them, from the analysis result :func:`musicnet.analysis.analyse` returned, so no renderer
runs an analysis again or words a finding its own way.

>>> FINDING["dead_ends"].count(1), FINDING["dead_ends"].count(3)
('1 dead end', '3 dead ends')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = ["FINDING", "FINDINGS", "Finding", "OrgFlags", "fragile_routes",
           "more_line", "organisation_flags", "plural"]


def more_line(hidden: int) -> str:
    """The line under a shortened terminal list.

    >>> more_line(4)
    '  ... and 4 more (--limit N lists more; --format json gives all)'
    """
    return f"  ... and {hidden} more (--limit N lists more; --format json gives all)"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``n`` with the right form of the noun.

    >>> plural(1, "route"), plural(2, "route"), plural(0, "single point of failure",
    ...                                                   "single points of failure")
    ('1 route', '2 routes', '0 single points of failure')
    """
    word = singular if n == 1 else plural_form or f"{singular}s"
    return f"{n} {word}"


@dataclass(frozen=True)
class Finding:
    """One kind of finding, worded once.

    ``key`` is its key in the analysis result (and its count in ``result["summary"]`` for
    the five network-wide findings); ``title`` the heading everywhere; ``label`` the short
    name in tables of counts and map legends; ``explain`` one sentence saying what it
    means; ``todo`` the "what to do" line; ``flag`` the per-organisation (or, for fragile
    routes, per-route) flag code used by the map, or ``None``; ``anchor`` the report's
    section id; ``singular``/``plural_form`` the noun for counts ("1 dead end").
    """

    key: str
    title: str
    label: str
    explain: str
    todo: str
    singular: str
    plural_form: str
    flag: str | None = None
    anchor: str = ""

    def count(self, n: int) -> str:
        """``n`` with this finding's noun, singular or plural."""
        return plural(n, self.singular, self.plural_form)


FINDINGS: tuple[Finding, ...] = (
    Finding("dead_ends", "Dead ends", "Dead ends",
            "Young people are referred here, but no route leads on.",
            "Agree an onward route for each, to an organisation offering the next stage.",
            "dead end", "dead ends", flag="dead_end", anchor="dead-ends"),
    Finding("progression_gaps", "Progression gaps", "Progression gaps",
            "No route leads to any stage above the organisation's own.",
            "Link each to an organisation offering a stage above its own.",
            "progression gap", "progression gaps", flag="gap", anchor="progression-gaps"),
    Finding("bridges", "Fragile routes", "Fragile routes",
            "Each is the only link between two parts of the network (a bridge, in network "
            "terms).",
            "Add a second route beside each, so one lapsed relationship cannot cut young "
            "people off.",
            "fragile route", "fragile routes", flag="bridge", anchor="bridges"),
    Finding("bridge_organisations", "Single points of failure", "Single points of failure",
            "If one of these closed, part of the network would be cut off (bridge "
            "organisations, in network terms).",
            "Build routes around them, so the network survives if one closes or loses its "
            "key member of staff.",
            "single point of failure", "single points of failure", flag="bridge_org",
            anchor="bridge-organisations"),
    Finding("isolated", "Isolated organisations", "Isolated organisations",
            "No active route in or out.",
            "Bring each into the network with at least one route in and one out.",
            "isolated organisation", "isolated organisations", flag="isolated",
            anchor="isolated"),
    Finding("grassroots_without_onward_route",
            "Broken Pathfinders chains: grassroots settings", "Grassroots with no onward route",
            "Grassroots settings with no route to an intermediary or next step.",
            "Connect each to a community music (intermediary) organisation.",
            "grassroots setting", "grassroots settings", anchor="chains-grassroots"),
    Finding("intermediaries_without_next_step",
            "Broken Pathfinders chains: intermediaries", "Intermediaries with no next step",
            "Community music organisations with no route to a next step.",
            "Connect each to a hub, music service, venue, ensemble or college.",
            "intermediary", "intermediaries", anchor="chains-intermediaries"),
    Finding("no_route_beyond_participation", "Boroughs with no route beyond participation",
            "No route beyond participation",
            "No organisation in the borough offers, or has a route to, a developing-stage "
            "offer or above.",
            "Make sure each borough's projects link to a developing-stage offer.",
            "borough", "boroughs", anchor="no-route-beyond-participation"),
    Finding("cold_spots", "Cold spots", "Cold spots",
            "Deprived places with no targeted provision or no route beyond participation.",
            "Prioritise targeted provision and onward routes in these places.",
            "cold spot", "cold spots", anchor="cold-spots"),
)

#: :data:`FINDINGS` by key.
FINDING: dict[str, Finding] = {f.key: f for f in FINDINGS}

#: The findings counted in ``result["summary"]``, in the order every output lists them.
NETWORK_FINDINGS: tuple[Finding, ...] = tuple(
    FINDING[k] for k in ("dead_ends", "progression_gaps", "bridges", "bridge_organisations",
                         "isolated"))

#: Map flag codes for organisations, in display order (fragile routes are route flags).
ORG_FLAG_CODES: tuple[str, ...] = ("dead_end", "gap", "bridge_org", "isolated")


@dataclass(frozen=True)
class OrgFlags:
    """One organisation's flags. ``cut_off`` is how many organisations its closure would
    cut off (0 unless it is a bridge organisation)."""

    dead_end: bool = False
    progression_gap: bool = False
    bridge_organisation: bool = False
    isolated: bool = False
    cut_off: int = 0

    @property
    def codes(self) -> list[str]:
        """The map's flag codes for this organisation, in display order."""
        on = (self.dead_end, self.progression_gap, self.bridge_organisation, self.isolated)
        return [code for code, flag in zip(ORG_FLAG_CODES, on, strict=True) if flag]


def organisation_flags(net: Network, result: dict[str, Any] | None = None
                       ) -> dict[str, OrgFlags]:
    """Every organisation's flags, read from the analysis result.

    ``result`` is what :func:`musicnet.analysis.analyse` returned for ``net``; it is
    computed when not given. Every organisation of ``net`` has an entry.

    >>> import musicnet
    >>> net = musicnet.load("data")
    >>> flags = organisation_flags(net)
    >>> sum(f.dead_end for f in flags.values()) == len(net.dead_ends())
    True
    """
    if result is None:
        result = net.analyse()
    dead = {r["id"] for r in result["dead_ends"]}
    gaps = {r["id"] for r in result["progression_gaps"]}
    iso = {r["id"] for r in result["isolated"]}
    cut = {r["id"]: r["cut_off"] for r in result["bridge_organisations"]}
    return {v: OrgFlags(dead_end=v in dead, progression_gap=v in gaps,
                        bridge_organisation=v in cut, isolated=v in iso,
                        cut_off=cut.get(v, 0))
            for v in net.orgs}


def fragile_routes(result: dict[str, Any]) -> set[tuple[str, str]]:
    """The active routes that are bridges, as ``(source, target)`` pairs, read from the
    analysis result."""
    return {(b["source"], b["target"]) for b in result["bridges"]}
