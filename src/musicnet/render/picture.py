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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["place_labels", "render_picture"]

_MARKER = {"majority_cc": "D", "minority_cc": "o", "general": "s"}


def place_labels(items: list[tuple[str, float, float, float, float, float]],
                 width: float, height: float,
                 obstacles: list[tuple[float, float, float, float]] = ()
                 ) -> dict[str, tuple[float, float, float, float]]:
    """Greedy collision-aware placement, the map's rule: for each item in priority order
    ``(key, x, y, radius, w, h)`` (display units, y down), try right, left, below and above
    the point; keep the first box that overlaps no placed box, no obstacle and no other
    point's disc, and lies inside ``width`` x ``height``. Returns key -> (x, y, w, h).

    >>> place_labels([("a", 50, 50, 2, 30, 8), ("b", 60, 50, 2, 30, 8)], 100, 100)
    {'a': (15, 46.0, 30, 8), 'b': (65, 46.0, 30, 8)}
    """
    cell = 40.0
    grid: dict[tuple[int, int], list[tuple[str, tuple[float, float, float, float]]]] = {}

    def keys(b: tuple[float, float, float, float]):
        for i in range(int(b[0] // cell), int((b[0] + b[2]) // cell) + 1):
            for j in range(int(b[1] // cell), int((b[1] + b[3]) // cell) + 1):
                yield i, j

    def add(b: tuple[float, float, float, float], owner: str) -> None:
        for k in keys(b):
            grid.setdefault(k, []).append((owner, b))

    def hits(b: tuple[float, float, float, float], owner: str) -> bool:
        for k in keys(b):
            for o, c in grid.get(k, ()):
                if o != owner and b[0] < c[0] + c[2] and c[0] < b[0] + b[2] \
                        and b[1] < c[1] + c[3] and c[1] < b[1] + b[3]:
                    return True
        return False

    for ob in obstacles:
        add(ob, "\0obstacle")
    for key, x, y, r, _w, _h in items:
        add((x - r, y - r, 2 * r, 2 * r), key)
    out: dict[str, tuple[float, float, float, float]] = {}
    for key, x, y, r, w, h in items:
        rr = r + 3
        for bx, by in ((x + rr, y - h / 2), (x - rr - w, y - h / 2), (x - w / 2, y + rr),
                       (x - w / 2, y - rr - h)):
            b = (bx, by, w, h)
            if bx < 0 or by < 0 or bx + w > width or by + h > height:
                continue
            if hits(b, key):
                continue
            add(b, "\0label")
            out[key] = b
            break
    return out


def render_picture(net: Network, *, fmt: str = "svg", view: str = "ladder",
                   title: str | None = None, labels: bool | None = None,
                   colour_by: str = "role", result: dict[str, Any] | None = None) -> bytes:
    """The network drawn as ``svg`` or ``png`` bytes.

    ``view`` is ``ladder`` (stages left to right, hub areas top to bottom) or ``geo``
    (London's boroughs). Names are placed as on the map unless ``labels`` is false.

    >>> import musicnet
    >>> render_picture(musicnet.load("data"))[:5]
    b'<?xml'
    """
    import warnings

    import matplotlib
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    from matplotlib.textpath import TextToPath

    from .._files import xml_safe
    from ..layout import ATTRIBUTION, geo_plan, group_of, ladder_plan
    from ..schema import STAGES
    from .map import (
        AREA_TINTS,
        CLASS_STYLES,
        COLOUR_SCHEMES,
        FLAG_STYLES,
        LINE_STYLES,
        flag_table,
        label_order,
        node_size,
    )

    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown picture format {fmt!r}: use svg or png")
    if colour_by not in COLOUR_SCHEMES:
        raise ValueError(f"unknown colour scheme {colour_by!r}: use one of "
                         + ", ".join(COLOUR_SCHEMES))
    plan: Any = ladder_plan(net) if view == "ladder" else geo_plan(net)
    pos = plan.positions
    flags, counts, cut_off, fragile = flag_table(net, result)
    g = net.graph
    scheme = COLOUR_SCHEMES[colour_by]

    def colour_value(v: str) -> str:
        o = net.orgs[v]
        return {"role": o.role, "type": o.type, "remit": o.remit,
                "hub_area": group_of(o.borough), "top": STAGES[o.highest_level]}[colour_by]

    # display units: 1 map unit = 1 px at 100% zoom; the figure is sized to the drawing
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    if view == "geo":
        for b in plan.boroughs:
            for ring in b["rings"]:
                xs += [p[0] for p in ring]
                ys += [p[1] for p in ring]
        for s in plan.strip:
            if s["count"]:
                xs.append(s["x1"])
                ys.append(s["y1"])
    x0, x1 = min(xs) - (135 if view == "ladder" else 20), max(xs) + 130
    y0, y1 = min(ys) - 45, max(ys) + 25
    dpi = 100
    scale = min(1.0, 1800 / max(x1 - x0, 1), 1400 / max(y1 - y0, 1))
    w_in, h_in = (x1 - x0) * scale / dpi, (y1 - y0) * scale / dpi
    legend_in = 1.1
    with matplotlib.rc_context({"svg.hashsalt": "musicnet", "svg.fonttype": "none",
                                "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(w_in, h_in + legend_in + 0.4), dpi=dpi)
        ax = fig.add_axes((0, legend_in / (h_in + legend_in + 0.4), 1,
                           h_in / (h_in + legend_in + 0.4)))
        ax.set_axis_off()
        ax.set_xlim(x0, x1)
        ax.set_ylim(y1, y0)  # y down, as on the map
        fig.text(0.01, 0.995, str(xml_safe(title or "Youth music progression network")),
                 ha="left", va="top", fontsize=13, parse_math=False)
        if view == "ladder":
            for k, grp in enumerate(plan.groups):
                ax.add_patch(Rectangle(
                    (plan.bands[0]["x0"] - 20, grp["y0"] - 16), plan.bands[-1]["x1"]
                    - plan.bands[0]["x0"] + 20, grp["y1"] - grp["y0"] + 2,
                    color="#1f2a44", alpha=0.035 if k % 2 else 0.075, lw=0, zorder=0))
                ax.text(plan.bands[0]["x0"] - 26, grp["y0"], grp["name"], ha="right",
                        va="center", fontsize=9, color="#46506a", weight="bold")
            for b in plan.bands:
                ax.text((b["x0"] + b["x1"]) / 2 - 10, (plan.groups[0]["y0"] if plan.groups
                                                      else 0) - 30,
                        f"{b['stage'].replace('_', ' ').capitalize()} ({b['count']})",
                        ha="center", va="center", fontsize=10, color="#1f2a44",
                        weight="bold")
        else:
            polys, faces = [], []
            for b in plan.boroughs:
                for ring in b["rings"]:
                    polys.append(ring)
                    faces.append(AREA_TINTS.get(b["area"], "#eeeeee"))
            ax.add_collection(PolyCollection(polys, facecolors=faces, edgecolors="#8c8c8c",
                                             linewidths=0.5, zorder=0))
            for s in plan.strip:
                ax.add_patch(Rectangle(
                    (s["x0"], s["y0"]), s["x1"] - s["x0"], s["y1"] - s["y0"],
                    facecolor="#f1f1f1", edgecolor="#8c8c8c", lw=0.5, zorder=0))
                ax.text(s["x0"] + 6, s["y0"] + 18, f"{s['name']} ({s['count']})", fontsize=8,
                        weight="bold", color="#333333", va="center")
            fig.text(0.99, 0.005, ATTRIBUTION, ha="right", va="bottom", fontsize=6,
                     color="#555555")
        # routes: active grey, fragile routes and proposed routes in the map's styles
        lines = {"active": [], "bridge": [], "proposed": []}
        for u, v in g.edges():
            key = ("proposed" if (u, v) in net.proposed else
                   "bridge" if (u, v) in fragile else "active")
            lines[key].append((pos[u], pos[v]))
        for key, segs in lines.items():
            st = CLASS_STYLES["proposed"] if key == "proposed" else LINE_STYLES[key]
            if segs:
                ax.add_collection(LineCollection(
                    segs, colors=st["colour"], linewidths=st["width"] * 0.6 * scale,
                    alpha=0.7 if key == "active" else 1.0, zorder=1 if key == "active" else 2,
                    linestyles=(0, tuple(st["dash"])) if st["dash"] else "solid"))
        pt = 72 / dpi * scale  # points per map unit
        for remit, marker in _MARKER.items():
            ids = [v for v, o in net.orgs.items() if o.remit == remit]
            if not ids:
                continue
            ax.scatter([pos[v][0] for v in ids], [pos[v][1] for v in ids], marker=marker,
                       s=[(node_size(g.degree(v)) * 2 * pt * (0.8 if marker != "o" else 1))
                          ** 2 for v in ids],
                       c=[scheme["colours"].get(colour_value(v), "#999999") for v in ids],
                       edgecolors="#333333", linewidths=0.5, zorder=3)
        for f in ("dead_end", "gap", "bridge_org"):
            ids = [v for v in net.orgs if f in flags[v]]
            if not ids:
                continue
            st = FLAG_STYLES[f]
            grow = {"dead_end": 5, "gap": 9, "bridge_org": 13}[f]
            ax.scatter([pos[v][0] for v in ids], [pos[v][1] for v in ids], marker="o",
                       s=[((node_size(g.degree(v)) + grow) * 2 * pt) ** 2 for v in ids],
                       facecolors="none", edgecolors=st["colour"],
                       linewidths=st["width"] * 0.7,
                       linestyles=(0, tuple(st["dash"])) if st["dash"] else "solid",
                       zorder=2.5)
        if labels is not False and net.orgs:
            fontsize = 7.0
            px_per_pt = dpi / 72
            measure = TextToPath()
            prop = FontProperties(family="DejaVu Sans", size=fontsize)
            order = label_order(net, flags, cut_off)
            items = []
            for v in order[:3000]:
                name = str(xml_safe(net.orgs[v].name))
                name = name if len(name) <= 40 else name[:39] + "…"
                try:
                    width_pt = measure.get_text_width_height_descent(name, prop, ismath=False)[0]
                except Exception:  # a name the font cannot shape: a generous estimate
                    width_pt = 0.62 * fontsize * len(name)
                x, y = pos[v]
                ring = max([{"dead_end": 5, "gap": 9, "bridge_org": 13}[f] for f in flags[v]
                            if f in ("dead_end", "gap", "bridge_org")], default=0)
                items.append((v, (x - x0) * scale, (y - y0) * scale,
                              (node_size(g.degree(v)) + ring) * scale + 1,
                              width_pt * px_per_pt + 3, fontsize * px_per_pt * 1.25))
            fixed = []
            if view == "ladder":
                fixed += [((plan.bands[0]["x0"] - 130 - x0) * scale, 0, 120 * scale,
                           (y1 - y0) * scale)]
            placed = place_labels(items, (x1 - x0) * scale, (y1 - y0) * scale, fixed)
            for v in order:
                if v in placed:
                    bx, by, _bw, bh = placed[v]
                    name = str(xml_safe(net.orgs[v].name))
                    name = name if len(name) <= 40 else name[:39] + "…"
                    ax.text(x0 + (bx + 1.5) / scale, y0 + (by + bh / 2) / scale, name,
                            fontsize=fontsize, va="center", ha="left", color="#1d1d1d",
                            zorder=4, parse_math=False)
        colours_used = [k for k in scheme["colours"] if any(colour_value(v) == k
                                                            for v in net.orgs)]
        handles = [Line2D([], [], marker="s", ls="", color=scheme["colours"][k], mec="#333333",
                          label=k.replace("_", " ")) for k in colours_used]
        handles += [
            Line2D([], [], marker="D", ls="", color="#bbbbbb", mec="#333333",
                   label="majority challenging circumstances"),
            Line2D([], [], marker="o", ls="", color="#bbbbbb", mec="#333333",
                   label="minority challenging circumstances"),
            Line2D([], [], marker="s", ls="", color="#bbbbbb", mec="#333333", label="general"),
            Line2D([], [], marker="o", ls="", color="white", mec=FLAG_STYLES["dead_end"]["colour"],
                   mew=2, label=f"dead end ({counts['dead_end']})"),
            Line2D([], [], marker="o", ls="", color="white", mec=FLAG_STYLES["gap"]["colour"],
                   mew=2, label=f"progression gap ({counts['gap']})"),
            Line2D([], [], marker="o", ls="", color="white",
                   mec=FLAG_STYLES["bridge_org"]["colour"], mew=2,
                   label=f"single point of failure ({counts['bridge_org']})"),
            Line2D([], [], color=LINE_STYLES["active"]["colour"], lw=1, label="route"),
            Line2D([], [], color=LINE_STYLES["bridge"]["colour"], lw=3,
                   label=f"fragile route ({counts['bridge']})"),
        ]
        if net.proposed:
            handles.append(Line2D([], [], color=CLASS_STYLES["proposed"]["colour"], lw=4,
                                  ls=(0, (4, 2)), label="proposed route"))
        fig.legend(handles=handles, loc="lower center", ncol=min(6, len(handles)),
                   fontsize=8, frameon=True, title=f"Colour: {scheme['label'].lower()} · "
                   "shape: remit · size: number of routes", title_fontsize=8,
                   bbox_to_anchor=(0.5, 0.03))
        buf = io.BytesIO()
        meta = {"Date": None} if fmt == "svg" else {"Software": None}
        with warnings.catch_warnings():  # names in scripts the font lacks: drawn as boxes
            warnings.filterwarnings("ignore", message="Glyph .* missing")
            fig.savefig(buf, format=fmt, metadata=meta)
    return buf.getvalue()
