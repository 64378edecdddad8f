"""The coordinator's report: one self-contained HTML page (or Markdown) for partners,
boards and funders.

Every finding is in plain English with the organisations named and a one-line "what to
do". Charts are inline SVG (the stage chart drawn directly, the timeline with
matplotlib); the page has no script
at all, and a Content-Security-Policy forbids any network request. All data text is
escaped by the template engine (HTML) or by :func:`md_escape` (Markdown).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from ..errors import DataError
from ..findings import FINDING, NETWORK_FINDINGS, plural
from ..privacy import privacy_line, published_parts, published_total
from ..schema import HUB_AREAS, REMIT_NAMES, STAGES, TYPE_NAMES

if TYPE_CHECKING:  # pragma: no cover
    from ..diff import Diff
    from ..network import Network
    from ..suggest import Suggestions

__all__ = ["md_escape", "render_report", "report_context", "report_suggestions"]

#: Above this many organisations the static network picture is left out of the report:
#: at a page's width most names no longer fit, it reads as a blot, and drawing it took
#: longer than everything else in a 2,000-organisation build (the report points to the
#: interactive map instead).
PICTURE_LIMIT = 1000
#: Above this many organisations the report's suggested links come from a capped set of
#: candidates (``suggest_links(max_candidates=...)``; the report says so).
EXACT_SUGGESTIONS_UP_TO = 5000
#: Organisations listed per finding; the rest are counted ("... and N more") and are all
#: in analysis.json and the CSV export (a list of 100,000 names helps nobody).
REPORT_ROWS = 500
SUGGESTION_CANDIDATES = 20_000

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
                               "Below 100%, some organisations cannot be reached from the "
                               "rest by any route.",
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
    step = max(1, -(-len(years) // 6))  # at most 6 year labels: 11 years touched
    with matplotlib.rc_context({"svg.hashsalt": "musicnet", "svg.fonttype": "none",
                                "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(8, 3.2), dpi=100)
        left, right = fig.subplots(1, 2)
        panels = ((left, "Routes", "routes", (("active_routes", "active", "#3b528b"),
                                              ("lapsed_routes", "lapsed", "#9e9e9e"))),
                  (right, "Findings", "organisations or routes",
                   (("dead_ends", "dead ends", "#d62728"),
                    ("progression_gaps", "progression gaps", "#ff7f0e"),
                    ("bridges", "fragile routes", "#7b2cbf"),
                    ("isolated", "isolated", "#212529"))))
        for ax, title, unit, series in panels:
            ax.set_ylabel(unit, fontsize=8)
            ax.set_xlabel("end of year", fontsize=8)
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
    """Bar chart: the share of organisations (all, and majority-CC) that can reach each
    stage, as inline SVG.

    Drawn directly (ten bars need no plotting library, and importing matplotlib took
    longer than the rest of a small report). Each bar carries its exact figures for screen
    readers and tests: ``data-stage``, ``data-group``, ``data-count``, ``data-of`` and a
    ``<title>`` such as "first access: 120 of 135 organisations (89%)".

    >>> svg = stage_chart_svg({"all": {"organisations": 4, "can_reach": dict.fromkeys(
    ...     STAGES, 2)}, "majority_cc": {"organisations": 0, "can_reach": dict.fromkeys(
    ...     STAGES, 0)}})
    >>> svg.count('class="bar"'), "first access: 2 of 4 organisations (50%)" in svg
    (10, True)
    """
    from html import escape

    width, height = 750, 300
    left, right, top, bottom = 56, 12, 48, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    groups = (("all", "all organisations", "#3b528b"),
              ("majority_cc", "majority-CC organisations", "#d62728"))
    slot = plot_w / len(STAGES)

    def noun(key: str, n: int) -> str:
        word = "organisation" if n == 1 else "organisations"
        return f"majority-CC {word}" if key == "majority_cc" else word

    bar_w = slot * 0.36
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" class="stage-chart" '
             'aria-label="Share of organisations that can reach each stage" '
             'font-family="DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif" '
             'font-size="12">']
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{"#444" if pct == 0 else "#e3e3e3"}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'fill="#555">{pct}%</text>')
    parts.append(f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
                 'text-anchor="middle" fill="#333">% that can reach the stage</text>')
    x_legend = left
    for key, label, colour in groups:
        text = f"{label} ({reach[key]['organisations']:,})"
        parts.append(f'<rect x="{x_legend}" y="10" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x_legend + 18}" y="20" fill="#222">{escape(text)}</text>')
        x_legend += 30 + 7 * len(text)
    for i, stage in enumerate(STAGES):
        centre = left + slot * (i + 0.5)
        name = stage.replace("_", " ")
        parts.append(f'<text x="{centre:.1f}" y="{height - bottom + 18}" '
                     f'text-anchor="middle" fill="#222">{name}</text>')
        for j, (key, _label, colour) in enumerate(groups):
            total = reach[key]["organisations"]
            count = reach[key]["can_reach"][stage]
            pct = 100 * count / total if total else 0.0
            h = plot_h * pct / 100
            x = centre - bar_w + j * bar_w
            y = top + plot_h - h
            shown = f"{pct:.0f}%" if total else "none"
            parts.append(
                f'<g class="bar" data-stage="{stage}" data-group="{key}" '
                f'data-count="{count}" data-of="{total}">'
                f'<title>{name}: {count:,} of {total:,} {noun(key, total)} ({shown})</title>'
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
                f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                f'font-size="10" fill="#333">{shown}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def report_suggestions(net: Network, top: int = 5) -> Suggestions:
    """The suggested links a report shows: ``net.suggest_links(top=top)``, from a capped
    set of candidates above :data:`EXACT_SUGGESTIONS_UP_TO` organisations (the result's
    ``capped`` says so). ``build`` computes them once for the map and the report."""
    return net.suggest_links(top=top, max_candidates=(  # type: ignore[return-value]
        SUGGESTION_CANDIDATES if len(net) > EXACT_SUGGESTIONS_UP_TO else None))


def report_context(net: Network, *, include_private: bool = False, suppress_below: int = 5,
                   suggestions: int = 5, title: str | None = None,
                   data_date: str | None = None,
                   result: dict[str, Any] | None = None,
                   changes: Diff | None = None,
                   suggested: Suggestions | None = None) -> dict[str, Any]:
    """Everything the report shows, as plain data (shared by HTML and Markdown).

    ``result`` is ``net.analyse()`` when the caller already has it (``build`` does);
    ``suggested`` likewise :func:`report_suggestions` with ``top`` at least
    ``suggestions`` (the report shows the first ``suggestions`` of them);
    ``changes`` (a :class:`~musicnet.diff.Diff` from last time's data) adds the "Since
    last time" section."""
    result = result if result is not None else net.analyse()
    s = result["summary"]
    coverage = result["borough_coverage"]
    sugs = []
    sugs_total = 0
    sugs_note = ""
    if suggestions:
        found = suggested if suggested is not None else report_suggestions(net, suggestions)
        sugs = [sg.to_dict() for sg in found[:suggestions]]
        sugs_total = len(found)
        if found.capped is not None:
            sugs_note = (f"This network is large, so to keep the report quick these were "
                         f"chosen from {found.capped[0]:,} of the best-fitting candidate "
                         "routes rather than all of them. `musicnet suggest` ranks every "
                         "candidate.")
    chains = result["pathfinder_chains"]
    rows_by_key: dict[str, list[dict[str, Any]]] = {
        "dead_ends": result["dead_ends"],
        "progression_gaps": [{**r, "detail": f"stops at {r['highest_stage'].replace('_', ' ')}"}
                             for r in result["progression_gaps"]],
        "bridges": [{"id": f"{b['source']} -> {b['target']}",
                     "name": f"{b['source_name']} -> {b['target_name']}"}
                    for b in result["bridges"]],
        "bridge_organisations": [{**r, "detail": f"{r['cut_off']} cut off"}
                                 for r in result["bridge_organisations"]],
        "isolated": result["isolated"],
        "grassroots_without_onward_route": chains["grassroots_without_onward_route"],
        "intermediaries_without_next_step": chains["intermediaries_without_next_step"],
    }
    picture = None
    caption = picture_caption()
    if len(net) <= PICTURE_LIMIT:
        from .picture import render_picture

        svg = render_picture(net, fmt="svg", title=title, result=result).decode("utf-8")
        picture = svg[svg.index("<svg"):]
    from ..analysis.summary import places
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
        "places": places(s),
        "picture_caption": caption,
        "young_people": published_total(
            (r.young_people_per_year for r in net.routes if r.status == "active"),
            suppress_below),
        "young_people_parts": published_parts(
            (r.young_people_per_year for r in net.routes if r.status == "active"),
            suppress_below),
        "suppress_below": suppress_below,
        "remit_labels": dict(REMIT_NAMES),
        "type_names": dict(TYPE_NAMES),
        "stage_labels": {st: st.replace("_", " ") for st in STAGES},
        "stages": list(STAGES),
        "hub_areas": list(HUB_AREAS),
        "reach": result["stage_reach"],
        "coverage": coverage,
        "max_count": max_count,
        "cold_spots": result["cold_spots"],
        "findings": [{"id": FINDING[k].anchor, "title": FINDING[k].title,
                      "explain": FINDING[k].explain,
                      "count": len(rows), "more": max(0, len(rows) - REPORT_ROWS),
                      "rows": [{"borough": "", "remit": "", "detail": "", **r}
                               for r in rows[:REPORT_ROWS]],
                      "todo": FINDING[k].todo} for k, rows in rows_by_key.items()],
        "suggestions": sugs,
        "suggestions_total": sugs_total,
        "suggestions_note": sugs_note,
        "stage_chart": stage_chart_svg(result["stage_reach"]),
        "picture": picture,
        "privacy": privacy_line(include_private, suppress_below),
        "todo_cold": FINDING["cold_spots"].todo,
        "glossary": [{"title": f.title, "what": f.explain}
                     for f in (*NETWORK_FINDINGS, FINDING["cold_spots"])],
        "health": result["health"],
        "health_meaning": HEALTH_MEANING,
        "timeline": years,
        "timeline_chart": timeline_chart_svg(years) if len(years) > 1 else None,
        "changes": changes_context(changes, suppress_below=suppress_below)
        if changes is not None else None,
    }


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_TAG = re.compile(r"<(?=[A-Za-z/!?])")  # would open raw HTML or an autolink
_MD_ENTITY = re.compile(r"&(?=#|[A-Za-z0-9]+;)")  # would be read as a character reference
_MD_LEAD = re.compile(r"^([#>+=-]|\d+[.)])")  # would start a heading, quote, list or rule


def md_escape(text: object) -> str:
    """Text shown literally by any Markdown (CommonMark) renderer, raw HTML included, and
    still readable as plain text: characters that would mean something are escaped with
    a backslash, and only where they would (``r&b``, ``A -> B`` and ``<3`` stay as they are).
    Newlines become spaces: they would break tables and lists.

    >>> md_escape("<b>Tom | Jerry</b> & r&b -> 1 &amp;")
    '\\\\<b>Tom \\\\| Jerry\\\\</b> & r&b -> 1 \\\\&amp;'
    >>> md_escape("1. # not a heading")
    '1\\\\. # not a heading'
    """
    s = " ".join(str(text).split())
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = _MD_TAG.sub(r"\\<", s)
    s = _MD_ENTITY.sub(r"\\&", s)
    return _MD_LEAD.sub(lambda m: f"{m[1][:-1]}\\{m[1][-1]}", s)


def picture_caption() -> str:
    """The caption under the report's network picture, its highlights described from the
    styles the picture is drawn with (:data:`musicnet.render.map.FLAG_STYLES`).

    >>> picture_caption().split(". ")[2]
    'Black rings: dead ends; dashed dark red rings: progression gaps; double dark blue rings: \
single points of failure; thick pink lines: fragile routes'
    """
    from .map import FLAG_STYLES, LINE_STYLES

    looks = [FLAG_STYLES[f] for f in ("dead_end", "gap", "bridge_org")]
    looks.append(LINE_STYLES["bridge"])
    said = "; ".join(f"{st['look']}: {st['label'].lower()}" for st in looks)
    return ("Organisations by the highest stage they offer, left to right, coloured by "
            "Pathfinders role (see the key). Diamonds: majority-CC organisations; circles: "
            f"minority-CC; squares: general. {said[0].upper()}{said[1:]}. The "
            "interactive map (map.html) lets you explore it.")


def render_report(net: Network, *, fmt: str = "html", include_private: bool = False,
                  suppress_below: int = 5, suggestions: int = 5, title: str | None = None,
                  data_date: str | None = None, result: dict[str, Any] | None = None,
                  changes: Diff | None = None, suggested: Suggestions | None = None) -> str:
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
                         result=result, changes=changes, suggested=suggested)
    from pathlib import Path

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=fmt == "html", keep_trailing_newline=True, trim_blocks=True,
        lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["md"] = md_escape
    env.filters["plural"] = plural
    return env.get_template(f"report.{fmt}.j2").render(version=__version__, **ctx)
