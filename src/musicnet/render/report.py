"""The coordinator's report: one self-contained HTML page (or Markdown) for partners,
boards and funders.

Every finding is in plain English with the organisations named and a one-line "what to
do". Charts are drawn with matplotlib and embedded as inline SVG; the page has no script
at all, and a Content-Security-Policy forbids any network request. All data text is
escaped by the template engine (HTML) or by :func:`md_escape` (Markdown).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from ..errors import DataError
from ..privacy import privacy_line, published_total
from ..schema import HUB_AREAS, REMITS, STAGES

if TYPE_CHECKING:  # pragma: no cover
    from ..diff import Diff
    from ..network import Network

__all__ = ["md_escape", "render_report", "report_context"]

#: Above this many organisations the static network picture is left out of the report
#: (it would be an unreadable blot and a very large file).
PICTURE_LIMIT = 3000

WHAT_TO_DO = {
    "dead_ends": "Agree an onward route for each, to an organisation offering the next stage.",
    "progression_gaps": "Link each to an organisation offering a stage above its own.",
    "bridges": "Add a second route beside each, so one lapsed relationship cannot cut "
               "young people off.",
    "bridge_organisations": "Build routes around them, so the network survives if one "
                            "closes or loses its key member of staff.",
    "isolated": "Bring each into the network with at least one route in and one out.",
    "grassroots_without_onward_route": "Connect each to a community music (intermediary) "
                                       "organisation.",
    "intermediaries_without_next_step": "Connect each to a hub, music service, venue, "
                                        "ensemble or college.",
    "cold_spots": "Prioritise targeted provision and onward routes in these places.",
}


#: What each health measure means for young people's journeys (shown in the report).
HEALTH_MEANING = {
    "density": "Share of all possible routes that exist. Low is normal for a regional "
               "network; falling density with more organisations means newcomers are not "
               "being linked in.",
    "reciprocity": "Share of routes returned (A refers to B and B to A). Higher means "
                   "two-way relationships, which tend to last longer than one-way "
                   "signposting.",
    "degree_centralisation": "0 to 1: how much the network hangs on one hub. High means "
                             "one organisation's closure would strand many young people.",
    "largest_component_share": "Share of organisations in the largest connected part. "
                               "Below 1, some organisations cannot be reached from the rest "
                               "by any route.",
    "average_path_length": "Average number of referrals between two organisations that "
                           "can reach each other. Lower means shorter journeys with fewer "
                           "hand-offs where a young person can drop out.",
    "periphery_share": "Share of organisations on the edge (core number 1: held in by a "
                       "single chain of links). High means many journeys depend on one "
                       "relationship.",
}


def timeline_chart_svg(rows: list[dict[str, Any]]) -> str:
    """Two line charts side by side: routes (active, lapsed) and findings (dead ends,
    progression gaps, fragile routes, isolated) at the end of each year."""
    import matplotlib
    from matplotlib.figure import Figure

    years = [r["year"] for r in rows]
    step = max(1, len(years) // 6)
    with matplotlib.rc_context({"svg.hashsalt": "musicnet", "svg.fonttype": "none",
                                "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(8, 3.2), dpi=100)
        left, right = fig.subplots(1, 2)
        panels = ((left, "Routes", (("active_routes", "active", "#3b528b"),
                                    ("lapsed_routes", "lapsed", "#9e9e9e"))),
                  (right, "Findings", (("dead_ends", "dead ends", "#d62728"),
                                       ("progression_gaps", "progression gaps", "#ff7f0e"),
                                       ("bridges", "fragile routes", "#7b2cbf"),
                                       ("isolated", "isolated", "#212529"))))
        for ax, title, series in panels:
            for key, label, colour in series:
                ax.plot(years, [r[key] for r in rows], marker="o", markersize=3,
                        color=colour, label=label)
            ax.set_title(title, fontsize=10, loc="left")
            ax.set_xticks(years[::step], [str(y) for y in years[::step]])
            ax.tick_params(labelsize=8)
            ax.set_ylim(bottom=0)
            ax.spines[["top", "right"]].set_visible(False)
            ax.legend(frameon=False, fontsize=8)
        fig.tight_layout()
        return _svg(fig)


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def stage_chart_svg(reach: dict[str, Any]) -> str:
    """Bar chart: organisations (all, and majority-CC) that can reach each stage."""
    import matplotlib
    from matplotlib.figure import Figure

    labels = [s.replace("_", " ") for s in STAGES]
    everyone = reach["all"]
    mcc = reach["majority_cc"]
    pct_all = [100 * everyone["can_reach"][s] / max(everyone["organisations"], 1)
               for s in STAGES]
    pct_mcc = [100 * mcc["can_reach"][s] / max(mcc["organisations"], 1) for s in STAGES]
    with matplotlib.rc_context({"svg.hashsalt": "musicnet", "svg.fonttype": "none",
                                "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(7.5, 3.2), dpi=100)
        ax = fig.subplots()
        xs = range(len(STAGES))
        ax.bar([x - 0.2 for x in xs], pct_all, width=0.4, color="#3b528b",
               label=f"all organisations ({everyone['organisations']})")
        ax.bar([x + 0.2 for x in xs], pct_mcc, width=0.4, color="#d62728",
               label=f"majority-CC organisations ({mcc['organisations']})")
        ax.set_xticks(list(xs), labels)
        ax.set_ylim(0, 105)
        ax.set_ylabel("% that can reach the stage")
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, 1.2),
                  ncol=2)
        return _svg(fig)


def report_context(net: Network, *, include_private: bool = False, suppress_below: int = 5,
                   suggestions: int = 5, title: str | None = None,
                   data_date: str | None = None,
                   result: dict[str, Any] | None = None,
                   changes: Diff | None = None) -> dict[str, Any]:
    """Everything the report shows, as plain data (shared by HTML and Markdown).

    ``result`` is ``net.analyse()`` when the caller already has it (``build`` does);
    ``changes`` (a :class:`~musicnet.diff.Diff` from last time's data) adds the "Since
    last time" section."""
    result = result if result is not None else net.analyse()
    s = result["summary"]
    coverage = result["borough_coverage"]
    sugs = []
    if suggestions:
        sugs = [sg.to_dict() for sg in net.suggest_links(top=suggestions)]
    chains = result["pathfinder_chains"]
    findings = [
        ("dead-ends", "Dead ends", "Young people are referred here, but no route leads on.",
         result["dead_ends"], "dead_ends"),
        ("progression-gaps", "Progression gaps",
         "No route leads to any stage above the organisation's own.",
         [{**r, "detail": f"stops at {r['highest_stage'].replace('_', ' ')}"}
          for r in result["progression_gaps"]], "progression_gaps"),
        ("bridges", "Fragile routes (bridges)",
         "Each is the only link between two parts of the network.",
         [{"id": f"{b['source']} -> {b['target']}",
           "name": f"{b['source_name']} -> {b['target_name']}"} for b in result["bridges"]],
         "bridges"),
        ("bridge-organisations", "Single points of failure (bridge organisations)",
         "If one of these closed, part of the network would be cut off.",
         [{**r, "detail": f"{r['cut_off']} cut off"} for r in result["bridge_organisations"]],
         "bridge_organisations"),
        ("isolated", "Isolated organisations", "No active route in or out.",
         result["isolated"], "isolated"),
        ("chains-grassroots", "Broken Pathfinders chains: grassroots settings",
         "Grassroots settings with no route to an intermediary or next step.",
         chains["grassroots_without_onward_route"], "grassroots_without_onward_route"),
        ("chains-intermediaries", "Broken Pathfinders chains: intermediaries",
         "Community music organisations with no route to a next step.",
         chains["intermediaries_without_next_step"], "intermediaries_without_next_step"),
    ]
    picture = None
    if len(net) <= PICTURE_LIMIT:
        from .picture import render_picture

        svg = render_picture(net, fmt="svg", title=title).decode("utf-8")
        picture = svg[svg.index("<svg"):]
    from ..history import timeline
    from .diff import changes_context

    try:
        years = timeline(net)
    except DataError:  # a since that is free text: no timeline, the rest of the report stands
        years = []
    max_count = max((row["by_stage"][st] for row in coverage["boroughs"] for st in STAGES),
                    default=1) or 1
    return {
        "title": title or "Youth music progression: where journeys stop",
        "data_date": data_date,
        "summary": s,
        "young_people": published_total(
            (r.young_people_per_year for r in net.routes if r.status == "active"),
            suppress_below),
        "remit_labels": {k: k.replace("_", " ") for k in REMITS},
        "stage_labels": {st: st.replace("_", " ") for st in STAGES},
        "stages": list(STAGES),
        "hub_areas": list(HUB_AREAS),
        "reach": result["stage_reach"],
        "coverage": coverage,
        "max_count": max_count,
        "cold_spots": result["cold_spots"],
        "findings": [{"id": i, "title": t, "explain": e,
                      "rows": [{"borough": "", "remit": "", "detail": "", **r} for r in rows],
                      "todo": WHAT_TO_DO[k]} for i, t, e, rows, k in findings],
        "suggestions": sugs,
        "stage_chart": stage_chart_svg(result["stage_reach"]),
        "picture": picture,
        "privacy": privacy_line(include_private, suppress_below),
        "todo_cold": WHAT_TO_DO["cold_spots"],
        "health": result["health"],
        "health_meaning": HEALTH_MEANING,
        "timeline": years,
        "timeline_chart": timeline_chart_svg(years) if len(years) > 1 else None,
        "changes": changes_context(changes, suppress_below=suppress_below)
        if changes is not None else None,
    }


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: object) -> str:
    """Text safe inside Markdown (and the HTML a code-hosting site renders from it).

    >>> md_escape("<b>Tom | Jerry</b>")
    '&lt;b&gt;Tom \\\\| Jerry&lt;/b&gt;'
    """
    s = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return " ".join(s.split())  # no newlines: they would break tables and lists


def render_report(net: Network, *, fmt: str = "html", include_private: bool = False,
                  suppress_below: int = 5, suggestions: int = 5, title: str | None = None,
                  data_date: str | None = None, result: dict[str, Any] | None = None,
                  changes: Diff | None = None) -> str:
    """The report as an HTML page or a Markdown document (a string).

    >>> import musicnet
    >>> render_report(musicnet.load("data"), suggestions=0)[:15]
    '<!DOCTYPE html>'
    """
    import jinja2

    from .. import __version__

    if fmt not in ("html", "md"):
        raise ValueError(f"unknown report format {fmt!r}: use html or md")
    ctx = report_context(net, include_private=include_private, suppress_below=suppress_below,
                         suggestions=suggestions, title=title, data_date=data_date,
                         result=result, changes=changes)
    from pathlib import Path

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=fmt == "html", keep_trailing_newline=True, trim_blocks=True,
        lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["md"] = md_escape
    return env.get_template(f"report.{fmt}.j2").render(version=__version__, **ctx)
