"""The interactive map: one self-contained, offline HTML file.

vis-network's JavaScript comes from the pyvis package (its bundled copy) and is inlined;
the page is rendered with the project's own Jinja2 template (autoescaping on). Data goes in
a ``<script type="application/json">`` block (with ``<``, ``>``, ``&`` and ``'`` escaped, so
no text can close the block) and the page's script places every text with
``textContent``. A Content-Security-Policy allows only the page's own two scripts, by hash,
and no network access at all.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import math
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..schema import HUB_AREAS, KINDS, REMITS, ROLES, STAGES, TARGET_GROUPS, TYPES, hub_area

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Route
    from ..network import Network

__all__ = ["map_data", "render_map"]

_HERE = Path(__file__).parent
VIS_VERSION = "9.1.2"

TYPE_COLOURS: dict[str, str] = dict(zip(TYPES, (
    "#1f77b4", "#6baed6", "#2ca02c", "#98df8a", "#9467bd", "#c5b0d5", "#8c564b", "#c49c94",
    "#e377c2", "#f7b6d2", "#7f7f7f", "#bcbd22", "#dbdb8d", "#17becf", "#9edae5",
), strict=True))
STAGE_COLOURS: dict[str, str] = dict(zip(STAGES, (
    "#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"), strict=True))
FLAG_LABELS: dict[str, str] = {
    "dead_end": "Dead ends",
    "gap": "Progression gaps",
    "bridge_org": "Bridge organisations",
    "bridge": "Fragile routes (bridges)",
    "isolated": "Isolated",
}
FLAG_COLOURS: dict[str, str] = {
    "dead_end": "#d62728",
    "gap": "#ff7f0e",
    "bridge_org": "#7b2cbf",
    "bridge": "#e8590c",
    "isolated": "#212529",
}


#: Cluster colours (Okabe-Ito, colour-blind safe); clusters beyond them are grey.
CLUSTER_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                   "#CC79A7", "#999933", "#882255", "#44AA99")

#: The map of changes (``musicnet diff --map``, ``build --previous``).
CHANGE_COLOURS: dict[str, str] = {"added": "#1b9e3e", "removed": "#c92a2a",
                                  "changed": "#f08c00"}
CHANGE_LABELS: dict[str, str] = {"added": "New since last time",
                                 "removed": "Gone since last time (dashed)",
                                 "changed": "Changed (status, kind or details)"}


@cache
def _asset(name: str) -> str:
    return (_HERE / "assets" / name).read_text(encoding="utf-8")


@cache
def _vis_js() -> str:
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        from ..errors import MusicnetError

        raise MusicnetError("the map needs the pyvis package: pip install pyvis")
    root = Path(next(iter(spec.submodule_search_locations)))
    return (root / "lib" / f"vis-{VIS_VERSION}" / "vis-network.min.js").read_text("utf-8")


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def map_data(net: Network, *, include_private: bool = False,
             proposed: Iterable[Route] = (), suppress_below: int = 5,
             changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the map page needs, as JSON-ready data (deterministic order).

    Nodes carry positions for both views, analysis flags and (when ``include_private``)
    contact_email and notes; edges include lapsed and planned routes (hidden by default in
    the page) and any ``proposed`` routes, drawn dashed. ``changes`` (from
    :func:`musicnet.render.diff.diff_map_data`) marks nodes and edges ``added``,
    ``removed`` or ``changed`` for the map of changes.
    """
    from ..analysis import bridge_organisations, bridges, dead_ends, isolated, progression_gaps
    from ..layout import geo_layout, ladder_layout, view_labels
    from ..privacy import suppressed

    ladder = ladder_layout(net)
    geo = geo_layout(net)
    # the map of changes draws organisations and routes that are gone too; the findings
    # are those of the current network (changes["current"])
    current = changes.get("current", net) if changes is not None else net
    flags: dict[str, list[str]] = {v: [] for v in net.orgs}
    counts = dict.fromkeys(FLAG_LABELS, 0)
    for flag, ids in (("dead_end", dead_ends(current)), ("gap", progression_gaps(current)),
                      ("isolated", isolated(current))):
        counts[flag] = len(ids)
        for v in ids:
            flags[v].append(flag)
    cut_off: dict[str, int] = {}
    for b in bridge_organisations(current):
        flags[b.id].append("bridge_org")
        cut_off[b.id] = b.cut_off
    counts["bridge_org"] = len(cut_off)
    bridge_set = set(bridges(current))
    counts["bridge"] = len(bridge_set)
    from ..analysis.health import clusters as find_clusters

    found = find_clusters(current)
    cluster_of = found["cluster_of"]
    g = net.graph
    nodes = []
    for v, o in net.orgs.items():
        d = o.to_dict(private=include_private)
        d.pop("role_derived")
        d.pop("lat")
        d.pop("lon")
        x, y = ladder[v]
        gx, gy = geo[v]
        d.update(hub_area=hub_area(o.borough), x=x, y=y, gx=gx, gy=gy, flags=flags[v],
                 cut_off=cut_off.get(v, 0), top=o.highest_level,
                 size=round(10 + 3 * math.sqrt(g.degree(v)), 1),
                 cluster=cluster_of.get(v, -1))
        if changes is not None:
            d["change"] = changes["nodes"].get(v, "")
        nodes.append(d)
    edges = []
    for r in (*net.routes, *proposed):
        status = "proposed" if (r.source, r.target) in net.proposed else r.status
        edges.append({"from": r.source, "to": r.target, "kind": r.kind, "status": status,
                      "people": suppressed(r.young_people_per_year, suppress_below),
                      "bridge": r.status == "active" and (r.source, r.target) in bridge_set,
                      "evidence": r.evidence})
        if changes is not None:
            edges[-1]["change"] = changes["edges"].get((r.source, r.target), "")
    present = {o.type for o in net.orgs.values()}
    boroughs = sorted({o.borough for o in net.orgs.values()})
    groups = {t for o in net.orgs.values() for t in o.target_groups}
    genres = sorted({gn for o in net.orgs.values() for gn in o.genres})
    return {
        "nodes": nodes,
        "edges": edges,
        "view_labels": view_labels(net, ladder),
        "stages": list(STAGES),
        "kinds": list(KINDS),
        "counts": counts,
        "flag_order": ["dead_end", "gap", "bridge_org", "bridge", "isolated"],
        "flag_labels": FLAG_LABELS,
        "flag_colours": FLAG_COLOURS,
        "type_colours": TYPE_COLOURS,
        "stage_colours": STAGE_COLOURS,
        "types_present": [t for t in TYPES if t in present],
        "remit_labels": {k: f"{k.replace('_', ' ')}: {v}" for k, v in REMITS.items()},
        "filters": [
            {"key": "borough", "label": "Borough", "values": boroughs},
            {"key": "hub_area", "label": "Hub area", "values": list(HUB_AREAS)},
            {"key": "type", "label": "Type", "values": [t for t in TYPES if t in present]},
            {"key": "remit", "label": "Remit", "values": list(REMITS)},
            {"key": "role", "label": "Pathfinders role", "values": list(ROLES)},
            {"key": "target_group", "label": "Target group",
             "values": [t for t in TARGET_GROUPS if t in groups]},
            {"key": "stage", "label": "Stage offered", "values": list(STAGES)},
            {"key": "genre", "label": "Genre", "values": genres},
        ],
        "private": include_private,
        "clusters": [{"name": c["name"], "size": c["size"],
                      "colour": CLUSTER_COLOURS[i] if i < len(CLUSTER_COLOURS) else "#BBBBBB"}
                     for i, c in enumerate(found["clusters"])],
        **({"change_colours": CHANGE_COLOURS, "change_labels": CHANGE_LABELS}
           if changes is not None else {}),
    }


def _health_line(net: Network) -> str:
    """One sentence on the network's health for the map's "How to read" notes."""
    from ..analysis.health import (
        core_periphery,
        degree_centralisation,
        density,
        largest_component_share,
        reciprocity,
    )

    periphery = core_periphery(net)["periphery_share"]
    return (f"Network health: density {density(net):.3f} ({density(net) * 100:.1f}% of possible "
            f"routes exist); {reciprocity(net) * 100:.0f}% of routes returned; degree "
            f"centralisation {degree_centralisation(net):.2f} (1 = everything hangs on one "
            f"hub); {largest_component_share(net) * 100:.0f}% of organisations in the largest "
            f"connected part; {periphery * 100:.0f}% on the periphery (held in by a single "
            "chain of links). Tick 'Colour by cluster' to see groups more linked to each "
            "other than to the rest, each named after its most connected member.")


def render_map(net: Network, *, title: str | None = None, include_private: bool = False,
               proposed: Iterable[Route] = (), data_date: str | None = None,
               suppress_below: int = 5, changes: dict[str, Any] | None = None) -> str:
    """The interactive map as one HTML document (a string); see the module docstring.

    >>> import musicnet
    >>> html = render_map(musicnet.load("data"))
    >>> html.startswith("<!DOCTYPE html>")
    True
    """
    import jinja2

    from .. import __version__
    from ..privacy import privacy_line

    data = map_data(net, include_private=include_private, proposed=proposed,
                    suppress_below=suppress_below, changes=changes)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )
    vis_js, map_js = _vis_js(), _asset("map.js")
    c = data["counts"]
    if changes is not None:
        net = changes.get("current", net)
    active = net.graph.number_of_edges()
    majority = sum(o.remit == "majority_cc" for o in net.orgs.values())
    dated = f"Data: {data_date} · " if data_date else ""
    stats_line = (f"{dated}{len(net.orgs)} organisations · {active} active routes · {majority} "
                  f"majority-CC organisations · {c['dead_end']} dead ends · {c['gap']} "
                  f"progression gaps · {c['bridge']} fragile routes · {c['bridge_org']} "
                  "single points of failure")
    privacy = privacy_line(include_private, suppress_below)
    health_line = _health_line(net)
    csp = f"script-src {_csp_hash(vis_js)} {_csp_hash(map_js)}"
    return env.get_template("map.html.j2").render(csp=csp,
        title=title or "Youth music progression network",
        stats_line=stats_line, privacy_line=privacy, health_line=health_line, data=data,
        version=__version__,
        css=_asset("map.css"), vis_js=vis_js, map_js=map_js,
    )
