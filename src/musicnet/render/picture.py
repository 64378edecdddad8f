"""A static picture of the network (SVG or PNG) for reports and funding bids.

Drawn with matplotlib from the same deterministic layout as the interactive map, with the
same colours, shapes and highlights: majority-CC organisations as diamonds, dead ends and
progression gaps ringed, fragile routes thick. Byte-identical for the same input.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["render_picture"]

_MARKER = {"majority_cc": "D", "minority_cc": "o", "general": "s"}


def render_picture(net: Network, *, fmt: str = "svg", view: str = "ladder",
                   title: str | None = None, labels: bool | None = None,
                   result: dict[str, Any] | None = None) -> bytes:
    """The network drawn as ``svg`` or ``png`` bytes.

    ``view`` is ``ladder`` (stages left to right) or ``geo``. Labels are drawn when there
    are at most 200 organisations unless ``labels`` says otherwise. Flags come from
    ``result`` (``net.analyse()``, computed when not given).

    >>> import musicnet
    >>> render_picture(musicnet.load("data"))[:5]
    b'<?xml'
    """
    import warnings

    import matplotlib
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from .._files import xml_safe
    from ..findings import FINDING, fragile_routes, organisation_flags
    from ..layout import geo_layout, ladder_layout, view_labels
    from .map import FLAG_COLOURS, TYPE_COLOURS

    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown picture format {fmt!r}: use svg or png")
    if result is None:
        result = net.analyse()
    flags = organisation_flags(net, result)
    pos = ladder_layout(net) if view == "ladder" else geo_layout(net)
    with matplotlib.rc_context({"svg.hashsalt": "musicnet", "svg.fonttype": "none",
                                "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(14, 9), dpi=100)  # no pyplot: no global state to leak
        ax = fig.subplots()
        ax.set_axis_off()
        ax.invert_yaxis()
        g = net.graph
        fragile = fragile_routes(result)
        plain = [(pos[u], pos[v]) for u, v in g.edges() if (u, v) not in fragile]
        ax.add_collection(LineCollection(plain, colors="#9a9a9a", linewidths=0.5,
                                         alpha=0.6, zorder=1))
        ax.add_collection(LineCollection([(pos[u], pos[v]) for u, v in sorted(fragile)],
                                         colors=FLAG_COLOURS["bridge"], linewidths=2.2,
                                         zorder=2))
        ends = {v for v, f in flags.items() if f.dead_end}
        gaps = {v for v, f in flags.items() if f.progression_gap}
        size = max(8.0, min(60.0, 6000 / max(len(net), 1)))
        for remit, marker in _MARKER.items():
            ids = [v for v, o in net.orgs.items() if o.remit == remit]
            if not ids:
                continue
            ax.scatter([pos[v][0] for v in ids], [pos[v][1] for v in ids], s=size,
                       marker=marker, zorder=3,
                       c=[TYPE_COLOURS[net.orgs[v].type] for v in ids],
                       edgecolors=[FLAG_COLOURS["dead_end"] if v in ends else
                                   FLAG_COLOURS["gap"] if v in gaps else "#333333"
                                   for v in ids],
                       linewidths=[2.0 if v in ends or v in gaps else 0.5 for v in ids])
        if labels if labels is not None else len(net) <= 200:
            for v, o in net.orgs.items():
                x, y = pos[v]
                ax.annotate(str(xml_safe(o.name))[:40], (x, y), xytext=(0, 7),
                            textcoords="offset points", ha="center", fontsize=5,
                            color="#333333", zorder=4, parse_math=False)
        if view == "ladder":
            for lab in view_labels(net, pos)["ladder"]:
                ax.text(lab["x"], lab["y"], lab["text"], ha="center", fontsize=11,  # type: ignore[arg-type]
                        color="#1f2a44", weight="bold")
        ax.autoscale_view()
        ax.margins(0.03)
        ax.set_title(str(xml_safe(title or "Youth music progression network")), loc="left",
                     fontsize=13, parse_math=False)
        legend = [
            Line2D([], [], marker="D", ls="", color="#bbbbbb", mec="#333333",
                   label="majority challenging circumstances"),
            Line2D([], [], marker="o", ls="", color="#bbbbbb", mec="#333333",
                   label="minority challenging circumstances"),
            Line2D([], [], marker="s", ls="", color="#bbbbbb", mec="#333333", label="general"),
            Line2D([], [], marker="o", ls="", color="white", mec=FLAG_COLOURS["dead_end"],
                   mew=2, label=f"{FINDING['dead_ends'].label} ({len(ends)})"),
            Line2D([], [], marker="o", ls="", color="white", mec=FLAG_COLOURS["gap"],
                   mew=2, label=f"{FINDING['progression_gaps'].label} ({len(gaps - ends)} more)"),
            Line2D([], [], color=FLAG_COLOURS["bridge"], lw=2.2,
                   label=f"{FINDING['bridges'].label} ({len(fragile)})"),
        ]
        ax.legend(handles=legend, loc="lower right", fontsize=8, frameon=True)
        buf = io.BytesIO()
        meta = {"Date": None} if fmt == "svg" else {"Software": None}
        with warnings.catch_warnings():  # names in scripts the font lacks: drawn as boxes
            warnings.filterwarnings("ignore", message="Glyph .* missing")
            fig.savefig(buf, format=fmt, metadata=meta, bbox_inches="tight")
    return buf.getvalue()
