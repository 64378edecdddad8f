"""The interactive map: one self-contained, offline HTML file.

vis-network's JavaScript comes from the pyvis package (its bundled copy) and is inlined;
the page is rendered with the project's own Jinja2 template (autoescaping on). Data goes in
a ``<script type="application/json">`` block (with ``<``, ``>``, ``&`` and ``'`` escaped, so
no text can close the block) in a compact column-wise encoding (one list per field, numbers
for vocabulary values, organisations referred to by their position), and the page's script
places every text with ``textContent`` or draws it on the canvas. A Content-Security-Policy
allows only the page's own two scripts, by hash, and no network access at all.

Drawing is split between vis-network and the page's own script: vis-network draws the
organisations and handles zoom, pan, drag, hover and clicks; the page draws the routes, the
background (stage columns and hub-area rows, or London's boroughs) and the names, placed
so that no two overlap (most important organisations first). vis-network knows each
organisation by its position in the data (an integer), never by its id, so ids such as
``constructor`` or ``__proto__`` are safe. The stable handle for tests and scripts is
``window.musicnetMap``: ``network`` (the vis-network instance), ``visId(orgId)``,
``orgId(visId)``, ``domPosition(orgId)``, ``select(orgId)``, ``labelBoxes()`` and
``state``.

Other features can mark routes and organisations with a *class* (``route_classes``,
``extra_routes``, ``node_classes``) and a style for it (``class_styles``): the page draws
them in that style and lists them in the legend. ``proposed`` routes (what-ifs) are such
a class.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import math
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..findings import FINDINGS, NETWORK_FINDINGS, plural
from ..schema import (
    HUB_AREAS,
    KINDS,
    REMIT_NAMES,
    REMITS,
    ROLES,
    STAGES,
    STATUSES,
    TARGET_GROUPS,
    TYPE_NAMES,
    TYPES,
)
from .bends import BEND_RULE
from .labels import LABEL_RULE

if TYPE_CHECKING:  # pragma: no cover
    from ..layout import GeoPlan, LadderPlan
    from ..model import Route
    from ..network import Network

__all__ = ["CLASS_STYLES", "COLOUR_SCHEMES", "FLAG_STYLES", "LINE_STYLES", "MapLayouts",
           "flag_table", "label_order", "map_data", "map_layouts", "polyline", "render_map"]

_HERE = Path(__file__).parent
VIS_VERSION = "9.1.2"

# ---- one palette for the map, the static picture and the report ------------------------
#: Colour-by schemes: Okabe-Ito hues (safe for the common kinds of colour blindness) for
#: roles, remits and hub areas; viridis for stages; Paul Tol's palettes for the 17 types.
COLOUR_SCHEMES: dict[str, dict[str, Any]] = {
    "role": {"label": "Pathfinders role", "colours": {
        "grassroots": "#E69F00", "intermediary": "#56B4E9", "next_step": "#009E73"}},
    "type": {"label": "Type", "colours": dict(zip(TYPES, (
        "#332288", "#4477AA", "#EE7733", "#CCBB44", "#AA3377", "#EE3377", "#882255",
        "#66CCEE", "#009988", "#C2A5CF", "#F4A582", "#117733", "#999933", "#CC6677",
        "#DFC27D", "#8C510A", "#BBBBBB"), strict=True)), "value_names": TYPE_NAMES},
    "remit": {"label": "Remit", "colours": {
        "majority_cc": "#D55E00", "minority_cc": "#0072B2", "general": "#999999"},
        "value_names": REMIT_NAMES},
    "hub_area": {"label": "Hub area", "colours": {
        "North": "#E69F00", "East": "#56B4E9", "West": "#009E73", "South East": "#F0E442",
        "South West": "#CC79A7", "London-wide": "#999999", "Outside London": "#555555"}},
    "top": {"label": "Highest stage", "colours": dict(zip(STAGES, (
        "#FDE725", "#5EC962", "#21918C", "#3B528B", "#440154"), strict=True))},
}
#: Cluster colours (Okabe-Ito, then Tol); clusters beyond them are grey.
CLUSTER_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                   "#CC79A7", "#999933", "#882255", "#44AA99")
#: Clusters are offered as a colour-by up to this many organisations (Louvain's cost).
MAX_CLUSTER_ORGS = 5000
TYPE_COLOURS = COLOUR_SCHEMES["type"]["colours"]
ROLE_COLOURS = COLOUR_SCHEMES["role"]["colours"]
STAGE_COLOURS = COLOUR_SCHEMES["top"]["colours"]
#: Hub-area tints for the borough map (pale versions of the hub-area colours).
AREA_TINTS: dict[str, str] = {
    "North": "#FBEBCC", "East": "#DDF0FB", "West": "#CCECE3", "South East": "#FCF9D9",
    "South West": "#F5E4EE"}

#: Highlights of organisations: a ring around the node, each in its own colour and dash
#: (``look``: the style in words, for captions). None of the ring colours is a colour the
#: organisations themselves take under the default colouring (Pathfinders role) or remit.
FLAG_STYLES: dict[str, dict[str, Any]] = {
    "dead_end": {"label": "Dead ends", "colour": "#000000", "look": "black rings",
                 "dash": [], "width": 3,
                 "what": "young people reach it but no route leads on"},
    "gap": {"label": "Progression gaps", "colour": "#A50026", "look": "dashed dark red rings",
            "dash": [5, 3], "width": 3,
            "what": "no route to any higher stage"},
    "bridge_org": {"label": "Single points of failure", "colour": "#332288",
                   "look": "double dark blue rings", "dash": [],
                   "width": 2, "double": True,
                   "what": "if it closed, others would be cut off"},
    "isolated": {"label": "Isolated", "colour": "#666666", "look": "dotted grey rings",
                 "dash": [2, 3], "width": 2,
                 "what": "no routes in or out"},
}
#: Line styles: every kind of route the map can draw (also the legend's entries).
LINE_STYLES: dict[str, dict[str, Any]] = {
    "active": {"label": "Active route", "colour": "#8A8A8A", "width": 1, "dash": []},
    "lapsed": {"label": "Lapsed route", "colour": "#B5B5B5", "width": 1, "dash": [2, 5]},
    "planned": {"label": "Planned route", "colour": "#4477AA", "width": 1.5, "dash": [8, 5]},
    "bridge": {"label": "Fragile route (the only link)", "colour": "#CC79A7", "width": 5,
               "dash": [], "look": "thick pink lines"},
    "pathway": {"label": "On the selected organisation's pathways", "colour": "#222222",
                "width": 2.5, "dash": []},
    "incoming": {"label": "Route into the selected organisation", "colour": "#555555",
                 "width": 2, "dash": [5, 3]},
    "suggested": {"label": "Suggested new link", "colour": "#7B3294", "width": 3,
                  "dash": [7, 5]},
}
#: Classes other features can give routes (and organisations); "proposed" is the what-if.
CLASS_STYLES: dict[str, dict[str, Any]] = {
    "proposed": {"label": "Proposed route (what-if)", "colour": "#111111", "width": 6,
                 "dash": [14, 6]},
}
#: Active routes named by one side only in a survey (``evidence`` source or target).
ONE_SIDED_STYLE: dict[str, Any] = {"label": "Named by one side only (survey)",
                                   "colour": "#B35806", "width": 1.5, "dash": [3, 4]}
#: The map of changes (``musicnet diff --map``, ``build --previous``): route and
#: organisation classes ``added``, ``removed`` and ``changed``.
CHANGE_COLOURS: dict[str, str] = {"added": "#1B9E3E", "removed": "#C92A2A",
                                  "changed": "#F08C00"}
CHANGE_LABELS: dict[str, str] = {"added": "New since last time",
                                 "removed": "Gone since last time (dashed)",
                                 "changed": "Changed (status, kind or details)"}
CHANGE_STYLES: dict[str, dict[str, Any]] = {
    k: {"label": CHANGE_LABELS[k], "colour": c, "width": 3, "section": "Changes since last time",
        "dash": [8, 6] if k == "removed" else []} for k, c in CHANGE_COLOURS.items()}
LADDER_ASPECTS = (0.8, 1.0, 1.15, 1.3, 1.5, 1.75)
#: Up to this many organisations the ladder also comes with taller rows (room for names
#: on two lines), and the page takes the shape whose opening view names the most.
LADDER_NAMES_MAX = 400
LADDER_TALL_ROW = 34.0
FLAG_ORDER = ("dead_end", "gap", "bridge_org", "bridge", "isolated")
#: The findings ringed when the map opens: where journeys stop (dead ends, progression
#: gaps) and the organisations the network hangs on. Fragile routes and isolated
#: organisations are a tick away (thick lines everywhere would hide the routes).
HIGHLIGHTS_ON = ("dead_end", "gap", "bridge_org")
#: Map flag code -> label, from the one findings table.
FLAG_LABELS: dict[str, str] = {f.flag: f.label for f in FINDINGS if f.flag}
for _code, _style in FLAG_STYLES.items():
    _style["label"] = FLAG_LABELS[_code]
LINE_STYLES["bridge"]["label"] = FLAG_LABELS["bridge"]
#: "How to read this map": what each ring means (the key names them, to stay one row).
RINGS_HELP = ("Rings mark what the analysis found: " + "; ".join(
    f"{st['look']} are {st['label'].lower()} ({st['what']})" for st in FLAG_STYLES.values())
    + ". Tick or untick them under Highlight, with fragile routes (the only link between "
    "two parts of the network).")
# kept for older callers: the colour of each highlight
FLAG_COLOURS: dict[str, str] = {**{k: v["colour"] for k, v in FLAG_STYLES.items()},
                                "bridge": LINE_STYLES["bridge"]["colour"]}


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


def flag_table(net: Network, result: Mapping[str, Any] | None = None
               ) -> tuple[dict[str, list[str]], dict[str, int], dict[str, int],
                          set[tuple[str, str]]]:
    """Each organisation's highlight flags, the count per flag, how many each single point
    of failure would cut off, and the fragile routes (bridges), all read from ``result``
    (``net.analyse()``, computed when not given) through the one findings table
    (:func:`musicnet.findings.organisation_flags`).

    >>> import musicnet
    >>> flags, counts, cut_off, bridges = flag_table(musicnet.load("data"))
    >>> counts["dead_end"] == len(musicnet.load("data").dead_ends())
    True
    """
    from ..findings import FINDINGS, fragile_routes, organisation_flags

    if result is None:
        result = net.analyse()
    of = organisation_flags(net, dict(result))
    flags = {v: f.codes for v, f in of.items()}
    cut_off = {v: f.cut_off for v, f in of.items() if f.bridge_organisation}
    counts = dict.fromkeys(FLAG_ORDER, 0)
    counts.update({f.flag: result["summary"][f.key] for f in FINDINGS if f.flag})
    return flags, counts, cut_off, fragile_routes(dict(result))


def label_order(net: Network, flags: Mapping[str, list[str]],
                cut_off: Mapping[str, int]) -> list[str]:
    """Organisations in the order their names are placed when not all fit: single points of
    failure (most cut off first), dead ends, next-step hubs (three or more routes in),
    progression gaps, then by number of routes, then by name. The map puts the selected
    organisation, its neighbours and search results before all of these.

    >>> from musicnet import Network, Organisation, Route
    >>> o = lambda i, t="other": Organisation(i, i.upper(), t, "general", ("participation",),
    ...                                       "Lewisham", "intermediary")
    >>> net = Network([o("a"), o("b"), o("c")], [Route("a", "b")])
    >>> label_order(net, {"a": [], "b": ["dead_end"], "c": ["isolated"]}, {})
    ['b', 'a', 'c']
    """
    g = net.graph

    def key(v: str) -> tuple[int, int, int, str, str]:
        f = flags.get(v, ())
        o = net.orgs[v]
        tier = (4 if "bridge_org" in f else 3 if "dead_end" in f else
                2 if o.role == "next_step" and g.in_degree(v) >= 3 else 1 if "gap" in f else 0)
        return (-tier, -cut_off.get(v, 0), -g.degree(v), o.name.lower(), v)

    return sorted(net.orgs, key=key)


def node_size(degree: int) -> float:
    """Node radius (map units) from the number of active routes in and out.

    >>> node_size(0), node_size(9)
    (6.0, 10.5)
    """
    return round(min(14.0, 6.0 + 1.5 * math.sqrt(degree)), 1)


def polyline(points: Iterable[tuple[int, int]]) -> str:
    """Integer points as one short text, the "encoded polyline" way: each coordinate is the
    difference from the previous one, zig-zagged to a non-negative number and written five
    bits per character from ``?`` to ``~`` (so the text holds no digits, quotes or ``<``).

    >>> polyline([(0, 0), (3, -1), (35, -1)])
    '??E@_A?'
    """
    out: list[str] = []
    px = py = 0
    for x, y in points:
        for d in (x - px, y - py):
            v = ~(d << 1) if d < 0 else d << 1
            while v >= 0x20:
                out.append(chr((0x20 | (v & 0x1F)) + 63))
                v >>= 5
            out.append(chr(v + 63))
        px, py = x, y
    return "".join(out)


def _vocab(values: Iterable[str]) -> dict[str, int]:
    return {v: i for i, v in enumerate(values)}


class MapLayouts(NamedTuple):
    """The positions a map page is sent: ladder tables (``shapes``: aspect and row height
    of each of ``ladders``) and the borough map."""

    shapes: list[tuple[float, float]]
    ladders: list[LadderPlan]
    geo: GeoPlan


def map_layouts(net: Network) -> MapLayouts:
    """The ladder shaped for a tall, a square-ish and a wide canvas (and, for small
    networks, with taller rows too), each distinct table once, and the borough map. The
    page takes the ladder that names the most organisations on the screen it is opened
    on, then the one that shows them biggest."""
    from ..layout import ROW_H, geo_plan, ladder_plan

    aspects = LADDER_ASPECTS if len(net) <= 3000 else LADDER_ASPECTS[-1:]
    shapes = [(a, ROW_H) for a in aspects]
    if len(net) <= LADDER_NAMES_MAX:
        shapes += [(a, LADDER_TALL_ROW) for a in aspects]
    ladders: list[LadderPlan] = []
    for a, r in list(shapes):
        lp = ladder_plan(net, aspect=a, row_h=r)
        if any(lp.positions == q.positions and lp.bands == q.bands and lp.groups == q.groups
               for q in ladders):  # two aspects can give the same table: the page tries
            shapes.remove((a, r))  # each shape it is sent, so send each once
            continue
        ladders.append(lp)
    return MapLayouts(shapes, ladders, geo_plan(net))


def map_data(net: Network, *, include_private: bool = False,
             proposed: Iterable[Route] = (), suppress_below: int = 5,
             suggestions: Iterable[Any] | None = None, top_suggestions: int = 10,
             extra_routes: Iterable[tuple[Route, str]] = (),
             route_classes: Mapping[tuple[str, str], str] | None = None,
             node_classes: Mapping[str, str] | None = None,
             class_styles: Mapping[str, Mapping[str, Any]] | None = None,
             changes: Mapping[str, Any] | None = None,
             result: Mapping[str, Any] | None = None,
             layouts: MapLayouts | None = None) -> dict[str, Any]:
    """Everything the map page needs, as JSON-ready data (deterministic order).

    Organisations are columns of equal length (``nodes``); routes refer to organisations by
    position (``edges.s``/``edges.t``). Routes include lapsed and planned ones (hidden by
    default in the page), ``proposed`` routes (class ``proposed``) and ``extra_routes``
    with a class each; ``route_classes`` gives existing routes a class. ``layouts``: the
    network's :func:`map_layouts`, if already worked out. ``suggestions``
    (default: ``net.suggest_links(top=top_suggestions)``, the list ``musicnet suggest``
    prints) become the suggested-links layer. ``changes`` (from
    :func:`musicnet.render.diff.diff_map_data`) marks organisations and routes ``added``,
    ``removed`` or ``changed`` for the map of changes; findings are then those of
    ``changes["current"]``.
    """
    from ..layout import ATTRIBUTION, ROW_H, group_of
    from ..privacy import suppressed

    shapes, ladders, geo = layouts or map_layouts(net)
    current = net
    if changes is not None:
        current = changes.get("current", net)
        route_classes = {**changes.get("edges", {}), **(route_classes or {})}
        node_classes = {**changes.get("nodes", {}), **(node_classes or {})}
        class_styles = {**CHANGE_STYLES, **(class_styles or {})}
        if suggestions is None:
            suggestions = []
    # routes from a survey that only one side named (``evidence`` source or target)
    one_sided = {(r.source, r.target): "one_sided" for r in net.routes
                 if r.status == "active" and r.evidence in ("source", "target")}
    if one_sided:
        route_classes = {**one_sided, **(route_classes or {})}
        class_styles = {"one_sided": ONE_SIDED_STYLE, **(class_styles or {})}
    flags, counts, cut_off, bridge_set = flag_table(current, result)
    flags = {v: flags.get(v, []) for v in net.orgs}
    g = net.graph
    ids = list(net.orgs)
    index = {v: i for i, v in enumerate(ids)}
    orgs = [net.orgs[v] for v in ids]
    v_type, v_remit, v_role = _vocab(TYPES), _vocab(REMITS), _vocab(ROLES)
    boroughs = sorted({o.borough for o in orgs})
    v_borough = _vocab(boroughs)
    v_stage = _vocab(STAGES)
    groups_present = sorted({t for o in orgs for t in o.target_groups},
                            key=list(TARGET_GROUPS).index)
    v_group = _vocab(groups_present)
    genres = sorted({gn for o in orgs for gn in o.genres})
    v_genre = _vocab(genres)
    flag_bits = {f: 1 << i for i, f in enumerate(FLAG_ORDER)}

    def bits(values: Iterable[str], vocab: Mapping[str, int]) -> int:
        return sum(1 << vocab[x] for x in set(values))

    def sparse(values: list[Any]) -> dict[str, Any]:
        return {str(i): x for i, x in enumerate(values) if x not in (None, "")}

    nodes: dict[str, Any] = {
        "id": ids,
        "name": [o.name for o in orgs],
        "type": [v_type[o.type] for o in orgs],
        "remit": [v_remit[o.remit] for o in orgs],
        "role": [v_role[o.role] for o in orgs],
        "borough": [v_borough[o.borough] for o in orgs],
        "stages": [bits(o.stages, v_stage) for o in orgs],
        "top": [o.highest_level for o in orgs],
        "groups": [bits(o.target_groups, v_group) for o in orgs],
        "genres": [bits(o.genres, v_genre) if len(genres) <= 30 else
                   [v_genre[x] for x in o.genres] for o in orgs],
        "gx": [geo.positions[v][0] for v in ids],
        "gy": [geo.positions[v][1] for v in ids],
        "size": [node_size(g.degree(v)) for v in ids],
        "flags": [sum(flag_bits[f] for f in flags[v]) for v in ids],
        "cut_off": {str(index[v]): n for v, n in cut_off.items()},
        "age_min": sparse([o.age_min for o in orgs]),
        "age_max": sparse([o.age_max for o in orgs]),
        "imd": sparse([o.imd_decile for o in orgs]),
        "website": sparse([o.website for o in orgs]),
        "label_rank": [0] * len(ids),
        "cls": sparse([(node_classes or {}).get(v) for v in ids]),
    }
    for rank, v in enumerate(label_order(net, flags, cut_off)):
        nodes["label_rank"][index[v]] = rank
    if include_private:
        nodes["contact_email"] = sparse([o.contact_email for o in orgs])
        nodes["notes"] = sparse([o.notes for o in orgs])
    statuses = [*STATUSES]
    v_status, v_kind = _vocab(statuses), _vocab(KINDS)
    classes = dict(route_classes or {})
    all_routes: list[tuple[Route, str | None]] = [
        (r, classes.get((r.source, r.target))) for r in net.routes]
    all_routes += [(r, "proposed") for r in proposed]
    all_routes += list(extra_routes)
    styles = {**CLASS_STYLES, **{k: dict(v) for k, v in (class_styles or {}).items()}}
    edges: dict[str, Any] = {"s": [], "t": [], "kind": [], "status": [], "people": {},
                             "bridge": [], "cls": {}}
    for i, (r, cls) in enumerate(all_routes):
        if (r.source, r.target) in net.proposed and cls is None:
            cls = "proposed"
        edges["s"].append(index[r.source])
        edges["t"].append(index[r.target])
        edges["kind"].append(v_kind[r.kind])
        edges["status"].append(v_status[r.status])
        people = suppressed(r.young_people_per_year, suppress_below)
        if people is not None:
            edges["people"][str(i)] = people
        if r.status == "active" and (r.source, r.target) in bridge_set and cls is None:
            edges["bridge"].append(i)
        if cls:
            edges["cls"][str(i)] = cls
    if suggestions is None:
        suggestions = current.suggest_links(top=top_suggestions) if top_suggestions else []
    capped = getattr(suggestions, "capped", None)
    sugg_note = (f"This network is large, so these were chosen from the {capped[0]:,} "
                 f"best-fitting of {capped[1]:,} candidate routes. musicnet suggest ranks "
                 "every candidate." if capped else "")
    sugg = []
    for sg in suggestions:
        d = sg.to_dict()
        impact = {k: len(v) for k, v in d["impact"].items() if isinstance(v, list | dict)
                  and k not in ("routes_added", "routes_removed")}
        sugg.append({"s": index[d["source"]], "t": index[d["target"]], "score": d["score"],
                     "fit": d["fit"], "reasons": d["reasons"], "impact": impact})
    # clusters (seeded Louvain, as `musicnet analyse` reports them) as one more colour-by
    schemes = dict(COLOUR_SCHEMES)
    if len(ids) <= MAX_CLUSTER_ORGS:
        from ..analysis.health import clusters as find_clusters

        # the clusters `analyse` found, when its result is given (the same seeded search)
        found = (result["health"]["clusters"] if result is not None and "health" in result
                 else find_clusters(current))
        names = [c["name"] for c in found["clusters"]]
        if names:
            nodes["cluster"] = [found["cluster_of"].get(v, -1) for v in ids]
            schemes["cluster"] = {"label": "Cluster (named after its most connected member)",
                                  "names": names, "colours": {
                                      n: CLUSTER_COLOURS[i] if i < len(CLUSTER_COLOURS)
                                      else "#BBBBBB" for i, n in enumerate(names)}}
    key = hashlib.sha256(json.dumps([ids, edges["s"], edges["t"]]).encode()).hexdigest()[:16]
    present = {o.type for o in orgs}
    return {
        "key": key,
        "nodes": nodes,
        "edges": edges,
        "suggestions": sugg,
        "suggestions_note": sugg_note,
        "vocab": {"type": list(TYPES), "remit": list(REMITS), "role": list(ROLES),
                  "borough": boroughs, "stage": list(STAGES), "group": groups_present,
                  "genre": genres, "kind": list(KINDS), "status": statuses},
        "hub_of_borough": {b: group_of(b) for b in boroughs},
        "ladders": [{"aspect": a if r == ROW_H else f"{a}/{r:g}", "bands": lp.bands,
                     "groups": lp.groups, "x": [lp.positions[v][0] for v in ids],
                     "y": [lp.positions[v][1] for v in ids]}
                    for (a, r), lp in zip(shapes, ladders, strict=True)],
        "geo": {"boroughs": [{"name": b["name"], "area": b["area"], "label": b["label"],
                              "rings": [polyline([(round(p[0]), round(p[1])) for p in ring])
                                        for ring in b["rings"]]} for b in geo.boroughs],
                "strip": geo.strip, "attribution": ATTRIBUTION},
        "counts": counts,
        "flag_order": list(FLAG_ORDER),
        "highlights_on": list(HIGHLIGHTS_ON),
        "flag_labels": FLAG_LABELS,
        "flag_styles": FLAG_STYLES,
        "line_styles": LINE_STYLES,
        "class_styles": styles,
        "class_order": list(styles),
        "colour_schemes": schemes,
        "area_tints": AREA_TINTS,
        "types_present": [t for t in TYPES if t in present],
        "remit_labels": {k: f"{REMIT_NAMES[k]}: {v}" for k, v in REMITS.items()},
        "group_labels": TARGET_GROUPS,
        "type_names": TYPE_NAMES,
        "flag_singular": {f.flag: f.singular for f in FINDINGS if f.flag},
        "filters": [
            {"key": "borough", "label": "Borough", "values": boroughs},
            {"key": "hub_area", "label": "Hub area", "values": list(HUB_AREAS)},
            {"key": "type", "label": "Type", "values": [t for t in TYPES if t in present],
             "names": TYPE_NAMES},
            {"key": "remit", "label": "Remit", "values": list(REMITS), "names": REMIT_NAMES},
            {"key": "role", "label": "Pathfinders role", "values": list(ROLES)},
            {"key": "target_group", "label": "Target group", "values": groups_present,
             "names": {g: TARGET_GROUPS.get(g, g) for g in groups_present}},
            {"key": "stage", "label": "Stage offered", "values": list(STAGES)},
            {"key": "genre", "label": "Genre", "values": genres},
        ],
        "private": include_private,
        "labels": LABEL_RULE,
        "bends": BEND_RULE,
    }


def _health_line(net: Network, result: Mapping[str, Any] | None = None) -> str:
    """One sentence on the network's health for the map's "How to read" notes, from
    ``result["health"]`` when the caller has the analysis (``build`` does)."""
    if result is not None and "health" in result:
        h = result["health"]
    else:
        from ..analysis import health as H

        h = {"density": H.density(net), "reciprocity": H.reciprocity(net),
             "degree_centralisation": H.degree_centralisation(net),
             "largest_component_share": H.largest_component_share(net),
             "core_periphery": H.core_periphery(net)}
    density, periphery = h["density"], h["core_periphery"]["periphery_share"]
    return (f"Network health: density {density:.3f} ({density * 100:.1f}% of possible "
            f"routes exist); {h['reciprocity'] * 100:.0f}% of routes returned; degree "
            f"centralisation {h['degree_centralisation']:.2f} (1 = everything hangs on one "
            f"hub); {h['largest_component_share'] * 100:.0f}% of organisations in the largest "
            f"connected part; {periphery * 100:.0f}% on the periphery (held in by a single "
            "chain of links). Choose 'Cluster' under 'Colour by' to see groups more linked to each "
            "other than to the rest, each named after its most connected member.")


def render_map(net: Network, *, title: str | None = None, include_private: bool = False,
               proposed: Iterable[Route] = (), data_date: str | None = None,
               suppress_below: int = 5, suggestions: Iterable[Any] | None = None,
               changes: Mapping[str, Any] | None = None, before: Network | None = None,
               **classes: Any) -> str:
    """The interactive map as one HTML document (a string); see the module docstring.

    ``before``: the network before a what-if change; the header then gives each count
    that changed with its old value ("6 dead ends (was 7)").

    ``classes`` are passed to :func:`map_data` (``extra_routes``, ``route_classes``,
    ``node_classes``, ``class_styles``, ``top_suggestions``).

    >>> import musicnet
    >>> html = render_map(musicnet.load("data"))
    >>> html.startswith("<!DOCTYPE html>")
    True
    """
    import jinja2

    from .. import __version__
    from ..layout import ATTRIBUTION
    from ..privacy import privacy_line

    data = map_data(net, include_private=include_private, proposed=proposed,
                    suppress_below=suppress_below, suggestions=suggestions, changes=changes,
                    **classes)
    if changes is not None:
        net = changes.get("current", net)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":"),
                                         "ensure_ascii": False}
    vis_js, map_js = _vis_js(), _asset("map.js")
    c = data["counts"]
    active = net.graph.number_of_edges()
    dated = f"Data: {data_date} · " if data_date else ""
    then: dict[str, int] = {}
    if before is not None:
        then = {"orgs": len(before.orgs), "active": before.graph.number_of_edges(),
                **flag_table(before)[1]}

    def was(key: str, now: int, text: str) -> str:
        return text if key not in then or then[key] == now else f"{text} (was {then[key]})"

    stats_line = " · ".join([
        was("orgs", len(net.orgs), f"{dated}{plural(len(net.orgs), 'organisation')}"),
        was("active", active, plural(active, "active route")),
        *(was(f.flag, c[f.flag], f.count(c[f.flag])) for f in NETWORK_FINDINGS[:4] if f.flag)])
    privacy = privacy_line(include_private, suppress_below)
    health_line = _health_line(net, classes.get("result") if changes is None else None)
    csp = f"script-src {_csp_hash(vis_js)} {_csp_hash(map_js)}"
    return env.get_template("map.html.j2").render(csp=csp,
        title=title or "Youth music progression network",
        stats_line=stats_line, privacy_line=privacy, health_line=health_line, data=data,
        rings_help=RINGS_HELP,
        version=__version__,
        css=_asset("map.css"), vis_js=vis_js, map_js=map_js, attribution=ATTRIBUTION,
    )
