"""A static picture of the network (SVG or PNG) for reports and funding bids.

Drawn with matplotlib from the same deterministic layouts as the interactive map, with the
same look: colour by Pathfinders role (or another ``colour_by`` scheme of the map), shapes
by remit (majority-CC diamonds), size by number of routes, the same rings for dead ends,
progression gaps and single points of failure, the same line colour for fragile routes,
thick dashed proposed routes, and names placed by the same rule as the map (most
important first, never two overlapping). The geography view draws London's boroughs with
their attribution. The key sits below the drawing, so it never covers an organisation.
Byte-identical for the same input.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

from .bends import bend_routes
from .labels import place_labels

__all__ = ["picture_figure", "place_labels", "render_picture"]

_MARKER = {"majority_cc": "D", "minority_cc": "o", "general": "s"}


#: The names' font size in the picture (points; 11 px at the picture's 100 dpi, as on the map)
NAME_PT = 8.0
_RING_GROW = {"dead_end": 5, "gap": 9, "bridge_org": 13}
#: How far a marker reaches from its centre, in node radii: circles 1; squares and
#: diamonds are drawn at 0.8 of the circle's size, and their corners reach 0.8 * sqrt 2.
#: Arrowhead length on screen, px (the map draws vis-network's arrows about this size).
ARROW_PX = 7.0
_REACH = {"o": 1.0, "s": 0.8 * 2 ** 0.5, "D": 0.8 * 2 ** 0.5}


def _ring_marker(flag: str) -> Any:
    """The key's marker for a highlight ring, drawn as the map draws it: a circle, dashed
    (in pieces) where the map's ring is dashed, two circles where it is double."""
    import numpy as np
    from matplotlib.path import Path

    from .map import FLAG_STYLES

    st = FLAG_STYLES[flag]
    if st.get("double"):
        outer, inner = Path.circle((0, 0), 1.0), Path.circle((0, 0), 0.62)
        return Path.make_compound_path(outer, inner)
    if st["dash"]:
        pieces = []
        for k in range(8):  # eight arcs with gaps between them
            t = np.linspace(k * np.pi / 4, k * np.pi / 4 + np.pi / 6, 6)
            pieces.append(Path(np.column_stack([np.cos(t), np.sin(t)])))
        return Path.make_compound_path(*pieces)
    return "o"


def _by_size(ids: list[str], size: Any) -> list[tuple[float, list[str]]]:
    """``ids`` grouped by ``size(id)``, smallest size first, ids in their given order."""
    groups: dict[float, list[str]] = {}
    for v in ids:
        groups.setdefault(size(v), []).append(v)
    return sorted(groups.items())


def picture_figure(net: Network, *, view: str = "ladder", title: str | None = None,
                   labels: bool | None = None, colour_by: str = "role",
                   result: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
    """The picture as a matplotlib ``Figure`` (100 dpi, Agg canvas attached) and the parts
    tests and callers may want to look at: ``names`` (org id -> the Text of each line of its
    name), ``leaders`` (the leader lines of names set further out), ``axes`` and ``legend``.
    See :func:`render_picture` for the arguments.

    >>> import musicnet
    >>> fig, parts = picture_figure(musicnet.load("data"))
    >>> len(parts["names"]) > 100
    True
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path

    from .._files import xml_safe
    from ..layout import ATTRIBUTION, ROW_H, geo_plan, group_of, ladder_plan
    from ..schema import STAGES
    from .labels import LABEL_RULE
    from .map import (
        AREA_TINTS,
        CLASS_STYLES,
        COLOUR_SCHEMES,
        FLAG_STYLES,
        LADDER_NAMES_MAX,
        LADDER_TALL_ROW,
        LINE_STYLES,
        flag_table,
        label_order,
        node_size,
    )

    if colour_by not in COLOUR_SCHEMES:
        raise ValueError(f"unknown colour scheme {colour_by!r}: use one of "
                         + ", ".join(COLOUR_SCHEMES))
    # small networks: the taller ladder rows the map also offers, room for every name
    row_h = LADDER_TALL_ROW if len(net) <= LADDER_NAMES_MAX else ROW_H
    plan: Any = ladder_plan(net, row_h=row_h) if view == "ladder" else geo_plan(net)
    pos = plan.positions
    flags, counts, cut_off, fragile = flag_table(net, result)
    g = net.graph
    scheme = COLOUR_SCHEMES[colour_by]

    def colour_value(v: str) -> str:
        o = net.orgs[v]
        return {"role": o.role, "type": o.type, "remit": o.remit,
                "hub_area": group_of(o.borough), "top": STAGES[o.highest_level]}[colour_by]

    # display units: 1 map unit = `scale` px; the drawing is sized to the network
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    if view == "ladder":  # every stage column, empty ones too, and every hub-area row
        xs += [x for b in plan.bands for x in (b["x0"], b["x1"])]
        ys += [y for grp in plan.groups for y in (grp["y0"], grp["y1"])]
    else:
        for b in plan.boroughs:
            for ring in b["rings"]:
                xs += [p[0] for p in ring]
                ys += [p[1] for p in ring]
        for s in plan.strip:
            if s["count"]:
                xs += [s["x0"], s["x1"]]
                ys += [s["y0"], s["y1"]]
    dpi = 100
    left = 20.0  # px left of the drawing: on the ladder, room for the hub-area names
    if view == "ladder" and plan.groups:
        from matplotlib.textpath import TextToPath

        bold = FontProperties(family="DejaVu Sans", size=9, weight="bold")
        left = max(135.0, 32 + max(TextToPath().get_text_width_height_descent(
            grp["name"], bold, ismath=False)[0] for grp in plan.groups) * dpi / 72)
    x1, y0, y1 = max(xs) + 130, min(ys) - 45, max(ys) + 25
    scale = 1.0
    for _ in range(3):  # the margins are in px, the drawing's scale depends on them
        x0 = min(xs) - left / scale
        scale = min(1.0, 1800 / max(x1 - x0, 1), 1400 / max(y1 - y0, 1))
    draw_w, draw_h = (x1 - x0) * scale, (y1 - y0) * scale  # px

    # the key, sized first (on a scratch figure) so the page can hold it below the drawing
    colours_used = [k for k in scheme["colours"] if any(colour_value(v) == k
                                                        for v in net.orgs)]
    handles = [Line2D([], [], marker="s", ls="", color=scheme["colours"][k], mec="#333333",
                      label=scheme.get("value_names", {}).get(k, k.replace("_", " ")))
               for k in colours_used]
    handles += [
        Line2D([], [], marker="D", ls="", color="#bbbbbb", mec="#333333",
               label="majority challenging circumstances"),
        Line2D([], [], marker="o", ls="", color="#bbbbbb", mec="#333333",
               label="minority challenging circumstances"),
        Line2D([], [], marker="s", ls="", color="#bbbbbb", mec="#333333", label="general"),
        Line2D([], [], marker=_ring_marker("dead_end"), ls="", color="white",
               mec=FLAG_STYLES["dead_end"]["colour"], mew=2, ms=10,
               label=f"dead end ({counts['dead_end']})"),
        Line2D([], [], marker=_ring_marker("gap"), ls="", color="white",
               mec=FLAG_STYLES["gap"]["colour"], mew=2, ms=10,
               label=f"progression gap ({counts['gap']})"),
        Line2D([], [], marker=_ring_marker("bridge_org"), ls="", color="white",
               mec=FLAG_STYLES["bridge_org"]["colour"], mew=1.5, ms=10,
               label=f"single point of failure ({counts['bridge_org']})"),
        Line2D([], [], color=LINE_STYLES["active"]["colour"], lw=1, label="route"),
        Line2D([], [], color=LINE_STYLES["bridge"]["colour"], lw=3,
               label=f"fragile route ({counts['bridge']})"),
    ]
    if net.proposed:
        handles.append(Line2D([], [], color=CLASS_STYLES["proposed"]["colour"], lw=4,
                              ls=(0, (4, 2)), label="proposed route"))
    key_title = (f"Colour: {scheme['label'].lower()} · shape: remit · size: number of routes")

    def make_key(fig: Any, ncol: int, y: float = 0.0) -> Any:
        return fig.legend(handles=handles, loc="lower center", ncol=ncol, fontsize=8,
                          frameon=True, title=key_title, title_fontsize=8,
                          bbox_to_anchor=(0.5, y))

    from ..findings import NETWORK_FINDINGS, plural

    # under the title, the counts the map's header gives (a picture is often sent alone)
    active = g.number_of_edges()
    stats = " · ".join([plural(len(net.orgs), "organisation"),
                        plural(active, "active route"),
                        *(f.count(counts[f.flag]) for f in NETWORK_FINDINGS[:4] if f.flag)])
    title_px, foot_px = 54.0, 24.0  # the title above, the attribution below the key
    with matplotlib.rc_context({"svg.hashsalt": "musicnet", "svg.fonttype": "none",
                                "font.family": "DejaVu Sans"}):
        scratch = Figure(figsize=(max(draw_w, 300) / dpi, 4), dpi=dpi)
        scratch_renderer = FigureCanvasAgg(scratch).get_renderer()
        ncol = min(6, len(handles))
        while True:  # as many columns as fit the page's width
            box = make_key(scratch, ncol).get_window_extent(scratch_renderer)
            if box.width <= max(draw_w, 300) - 16 or ncol == 1:
                break
            scratch.legends.clear()
            ncol -= 1
        fig_w = max(draw_w, box.width + 16)
        key_px = box.height + 12
        fig_h = title_px + draw_h + key_px + foot_px
        fig = Figure(figsize=(fig_w / dpi, fig_h / dpi), dpi=dpi)
        renderer = FigureCanvasAgg(fig).get_renderer()
        ax = fig.add_axes(((fig_w - draw_w) / 2 / fig_w, (key_px + foot_px) / fig_h,
                           draw_w / fig_w, draw_h / fig_h))
        ax.set_axis_off()
        ax.set_xlim(x0, x1)
        ax.set_ylim(y1, y0)  # y down, as on the map
        fig.text(0.01, 1 - 6 / fig_h, str(xml_safe(title or "Youth music progression network")),
                 ha="left", va="top", fontsize=13, parse_math=False)
        fig.text(0.01, 1 - 30 / fig_h, stats, ha="left", va="top", fontsize=9,
                 color="#46506a", parse_math=False)
        legend = make_key(fig, ncol, (foot_px + 2) / fig_h)
        fixed = []  # stage, hub-area and strip names: kept free of organisations' names
        if view == "ladder":
            for k, grp in enumerate(plan.groups):
                ax.add_patch(Rectangle(
                    (plan.bands[0]["x0"] - 20, grp["y0"] - 16), plan.bands[-1]["x1"]
                    - plan.bands[0]["x0"] + 20, grp["y1"] - grp["y0"] + 2,
                    color="#1f2a44", alpha=0.035 if k % 2 else 0.075, lw=0, zorder=0))
                fixed.append(ax.text(plan.bands[0]["x0"] - 26, grp["y0"], grp["name"],
                                     ha="right", va="center", fontsize=9, color="#46506a",
                                     weight="bold"))
            for b in plan.bands:
                fixed.append(ax.text(
                    (b["x0"] + b["x1"]) / 2 - 10,
                    (plan.groups[0]["y0"] if plan.groups else 0) - 30,
                    f"{b['stage'].replace('_', ' ').capitalize()} ({b['count']})",
                    ha="center", va="center", fontsize=10, color="#1f2a44", weight="bold"))
        else:
            polys, faces = [], []
            for b in plan.boroughs:
                for ring in b["rings"]:
                    polys.append(ring)
                    faces.append(AREA_TINTS.get(b["area"], "#eeeeee"))
            ax.add_collection(PolyCollection(polys, facecolors=faces, edgecolors="#8c8c8c",
                                             linewidths=0.5, zorder=0))
            for s in plan.strip:
                if not s["count"]:
                    continue  # an empty box says nothing (as on the map)
                ax.add_patch(Rectangle(
                    (s["x0"], s["y0"]), s["x1"] - s["x0"], s["y1"] - s["y0"],
                    facecolor="#f1f1f1", edgecolor="#8c8c8c", lw=0.5, zorder=0))
                # named just above its box, clear of the organisations inside
                fixed.append(ax.text(s["x0"], s["y0"] - 4, f"{s['name']} ({s['count']})",
                                     fontsize=8, weight="bold", color="#333333",
                                     va="bottom"))
            fig.text(0.99, 4 / fig_h, ATTRIBUTION, ha="right", va="bottom", fontsize=6,
                     color="#555555")
        # routes: active grey, fragile routes and proposed routes in the map's styles
        # (bent around organisations they would pass over, by the map's rule)
        index = {v: k for k, v in enumerate(net.orgs)}
        routes = list(g.edges())
        bent = bend_routes([pos[v] for v in net.orgs],
                           [node_size(g.degree(v)) for v in net.orgs],
                           [(index[u], index[v]) for u, v in routes])
        lines: dict[str, list[Any]] = {"active": [], "bridge": [], "proposed": []}
        styles = {k: CLASS_STYLES["proposed"] if k == "proposed" else LINE_STYLES[k]
                  for k in lines}
        # per line style, each route's target and the point its last stretch comes from
        # (for the arrowheads, drawn once the organisations' drawn sizes are known)
        ends: dict[str, list[tuple[str, Any]]] = {k: [] for k in lines}
        for j, (u, v) in enumerate(routes):
            key = ("proposed" if (u, v) in net.proposed else
                   "bridge" if (u, v) in fragile else "active")
            lines[key].append((pos[u], bent[j], pos[v]) if j in bent else (pos[u], pos[v]))
            ends[key].append((v, bent[j] if j in bent else pos[u]))
        for key, segs in lines.items():
            st = styles[key]
            if segs:
                # one path per line style (a collection writes one SVG element per route:
                # most of the time to draw 10,000 routes)
                path = Path([xy for seg in segs for xy in seg],
                            [code for seg in segs for code in
                             ((Path.MOVETO, Path.CURVE3, Path.CURVE3) if len(seg) == 3
                              else (Path.MOVETO, Path.LINETO))])
                ax.add_artist(PathPatch(  # not add_patch: the limits are set already
                    path, facecolor="none", edgecolor=st["colour"], transform=ax.transData,
                    linewidth=st["width"] * 0.6 * scale, capstyle="butt",
                    alpha=0.7 if key == "active" else 1.0, zorder=1 if key == "active" else 2,
                    linestyle=(0, tuple(st["dash"])) if st["dash"] else "solid"))
        pt = 72 / dpi * scale  # points per map unit
        reach: dict[str, float] = {}  # px from an organisation's centre its drawing reaches
        for remit, marker in _MARKER.items():
            ids = [v for v, o in net.orgs.items() if o.remit == remit]
            if not ids:
                continue
            # one collection per marker size: the SVG then defines each marker once (a
            # size per organisation made it write a separate path for every one)
            for size, group in _by_size(ids, lambda v: node_size(g.degree(v))):
                ax.scatter([pos[v][0] for v in group], [pos[v][1] for v in group],
                           marker=marker, s=(size * 2 * pt * (0.8 if marker != "o" else 1)) ** 2,
                           c=[scheme["colours"].get(colour_value(v), "#999999") for v in group],
                           edgecolors="#333333", linewidths=0.5, zorder=3)
            for v in ids:
                reach[v] = node_size(g.degree(v)) * scale * _REACH[marker] + 0.5
        for f in ("dead_end", "gap", "bridge_org"):
            ids = [v for v in net.orgs if f in flags[v]]
            if not ids:
                continue
            st = FLAG_STYLES[f]
            for size, group in _by_size(ids, lambda v: node_size(g.degree(v))):
                # the map's look: dashed rings for gaps, double rings for single points of
                # failure (a second ring just outside the first)
                for extra in (0, 4) if st.get("double") else (0,):
                    ax.scatter([pos[v][0] for v in group], [pos[v][1] for v in group],
                               marker="o", s=((size + _RING_GROW[f] + extra) * 2 * pt) ** 2,
                               facecolors="none", edgecolors=st["colour"],
                               linewidths=st["width"] * 0.7,
                               linestyles=(0, tuple(st["dash"])) if st["dash"] else "solid",
                               zorder=2.5)
            for v in ids:
                reach[v] = max(reach[v], (node_size(g.degree(v)) + _RING_GROW[f]
                                          + (4 if st.get("double") else 0)) * scale
                               + st["width"] * 0.7 / 72 * dpi / 2)
        # arrowheads where each route meets its target's drawing (rings included), in
        # the route's colour, pointing along the route's last stretch: which way young
        # people go is what the picture is about
        for key, items in ends.items():
            st = styles[key]
            # in map units: ARROW_PX plus twice the line's width, so thick lines show it
            head = (ARROW_PX + 2 * st["width"] * 0.6 * scale * dpi / 72) / scale
            tris = []
            for v, (ax_, ay) in items:
                bx, by = pos[v]
                d = math.hypot(bx - ax_, by - ay)
                if d < 1e-9:
                    continue
                ux, uy = (bx - ax_) / d, (by - ay) / d
                back = reach.get(v, 0.0) / scale
                tx, ty = bx - ux * back, by - uy * back
                tris.append(((tx, ty), (tx - ux * head - uy * head * 0.45,
                                        ty - uy * head + ux * head * 0.45),
                             (tx - ux * head + uy * head * 0.45,
                              ty - uy * head - ux * head * 0.45)))
            if tris:
                ax.add_collection(PolyCollection(tris, facecolors=st["colour"],
                                                 edgecolors="none", zorder=2.6),
                                  autolim=False)
        names: dict[str, list[Any]] = {}
        leaders: list[Any] = []
        if labels is not False and net.orgs:
            em = NAME_PT / 72 * dpi / LABEL_RULE["font_px"]
            prop = FontProperties(family="DejaVu Sans", size=NAME_PT)
            widths: dict[str, float] = {}

            def measure(text: str) -> float:
                if text not in widths:
                    try:
                        widths[text] = renderer.get_text_width_height_descent(
                            text, prop, ismath=False)[0]
                    except Exception:  # a name the font cannot shape: a generous estimate
                        widths[text] = 0.62 * NAME_PT * dpi / 72 * len(text)
                return widths[text]

            frame = ax.get_window_extent(renderer)
            at = ax.transData.transform([pos[v] for v in net.orgs])
            where = {v: (p[0] - frame.x0, frame.y1 - p[1]) for v, p in zip(net.orgs, at,
                                                                             strict=True)}
            blocked = []
            for t in fixed:
                e = t.get_window_extent(renderer)
                # kept LABEL_RULE sep clear at the sides, as names are of each other (a
                # name just beside a row name read as one: "Zephyr Academy East")
                pad = LABEL_RULE["sep"] * em
                blocked.append((e.x0 - frame.x0 - pad, frame.y1 - e.y1 - 2, e.width + 2 * pad,
                                e.height + 4))
            order = label_order(net, flags, cut_off)
            placed = place_labels(
                [(v, *where[v], reach[v], str(xml_safe(net.orgs[v].name))) for v in order],
                frame.width, frame.height, blocked, measure=measure, em=em)
            line_h, lead_from = LABEL_RULE["line_h"] * em, LABEL_RULE["leader_from"] * em
            inv = ax.transData.inverted()

            def data_xy(x: float, y: float) -> Any:
                return inv.transform((x + frame.x0, frame.y1 - y))

            # a faint white ground under each name, so routes behind it do not cut it up
            halo = {"boxstyle": "square,pad=0", "fc": "white", "ec": "none", "alpha": 0.72}
            for v, (bx, by, bw, bh, rows) in placed.items():
                names[v] = [ax.text(*data_xy(bx + 2 * em, by + em + k * line_h), row,
                                    fontsize=NAME_PT, va="top", ha="left", color="#1d1d1d",
                                    zorder=4, parse_math=False, bbox=halo)
                            for k, row in enumerate(rows)]
                # a name set further out is tied to its node by a thin leader line
                px, py = where[v]
                nx, ny = max(bx, min(px, bx + bw)), max(by, min(py, by + bh))
                d = ((nx - px) ** 2 + (ny - py) ** 2) ** 0.5
                if d > reach[v] + lead_from:
                    sx, sy = px + (nx - px) / d * (reach[v] + 1), py + (ny - py) / d * (
                        reach[v] + 1)
                    leaders.append(ax.add_line(Line2D(
                        *zip(data_xy(sx, sy), data_xy(nx, ny), strict=True), lw=0.8,
                        color="#333333", zorder=3.5)))
        if view == "geo":  # borough names where they are clear, as the map draws them
            frame = ax.get_window_extent(renderer)
            taken = [(bx, by, bw, bh) for bx, by, bw, bh, _rows in placed.values()] \
                if labels is not False and net.orgs else []
            at = ax.transData.transform([pos[v] for v in net.orgs]) if net.orgs else []
            dots = [(p[0] - frame.x0, frame.y1 - p[1], reach[v])
                    for v, p in zip(net.orgs, at, strict=True)]

            def clear(b: tuple[float, float, float, float]) -> bool:
                x, y, w, h = b
                return (not any(x < tx + tw and tx < x + w and y < ty + th and ty < y + h
                                for tx, ty, tw, th in taken)
                        and not any(x - r < dx < x + w + r and y - r < dy < y + h + r
                                    for dx, dy, r in dots))

            for b in plan.boroughs:
                lx, ly = b["label"]
                for ox, oy in ((0, 0), (0, -16), (0, 16), (0, -30), (0, 30), (-30, 0),
                               (30, 0)):
                    t = ax.text(lx + ox, ly + oy, b["name"], fontsize=7, style="italic",
                                color="#5a6478", ha="center", va="center", zorder=1,
                                parse_math=False)
                    e = t.get_window_extent(renderer)
                    box = (e.x0 - frame.x0, frame.y1 - e.y1, e.width, e.height)
                    if clear(box):
                        taken.append(box)
                        break
                    t.remove()
    return fig, {"names": names, "leaders": leaders, "axes": ax, "legend": legend,
                 "renderer": renderer, "positions": pos}


def render_picture(net: Network, *, fmt: str = "svg", view: str = "ladder",
                   title: str | None = None, labels: bool | None = None,
                   colour_by: str = "role", result: dict[str, Any] | None = None) -> bytes:
    """The network drawn as ``svg`` or ``png`` bytes.

    ``view`` is ``ladder`` (stages left to right, hub areas top to bottom) or ``geo``
    (London's boroughs). Names are placed by the map's rule
    (:func:`musicnet.render.labels.place_labels`) unless ``labels`` is false.

    >>> import musicnet
    >>> render_picture(musicnet.load("data"))[:5]
    b'<?xml'
    """
    import warnings

    import matplotlib

    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown picture format {fmt!r}: use svg or png")
    with warnings.catch_warnings():  # names in scripts the font lacks: drawn as boxes
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        fig, _parts = picture_figure(net, view=view, title=title, labels=labels,
                                     colour_by=colour_by, result=result)
        buf = io.BytesIO()
        meta = {"Date": None} if fmt == "svg" else {"Software": None}
        with matplotlib.rc_context({"svg.hashsalt": "musicnet", "svg.fonttype": "none"}):
            fig.savefig(buf, format=fmt, metadata=meta)
    return buf.getvalue()
