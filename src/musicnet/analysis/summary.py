"""All analyses together: one JSON-ready dict, and a plain-English text rendering."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..findings import FINDING, more_line, plural
from ..schema import HUB_AREAS, REMIT_NAMES, REMITS, ROLES, STAGES, STATUSES, TYPES, hub_area
from .chains import pathfinder_chains
from .coverage import borough_coverage, cold_spots
from .ends import dead_ends, isolated
from .fragility import bridge_organisations, bridges
from .health import health
from .progression import progression_gaps, stage_reach

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["analyse", "format_text"]


def _org(net: Network, v: str, **extra: Any) -> dict[str, Any]:
    o = net.orgs[v]
    return {"id": v, "name": o.name, "borough": o.borough, "remit": o.remit, **extra}


def _counts(values: list[str], order: tuple[str, ...] | list[str]) -> dict[str, int]:
    c = Counter(values)
    return {k: c[k] for k in order if c[k]}


def summary(net: Network) -> dict[str, Any]:
    """Key counts: organisations and routes by remit, type, role, hub area and status.

    ``boroughs`` is the number of London boroughs with at least one organisation
    (London-wide and Outside London are not boroughs; ``by_hub_area`` counts their
    organisations); ``young_people_per_year`` the sum over active routes that give a figure.

    >>> import musicnet
    >>> s = summary(musicnet.load("data"))
    >>> s["organisations"], s["boroughs"], s["by_hub_area"]["London-wide"]
    (137, 28, 1)
    """
    orgs = list(net.orgs.values())
    status = Counter(r.status for r in net.routes)
    people = [r.young_people_per_year for r in net.routes
              if r.status == "active" and r.young_people_per_year is not None]
    return {
        "organisations": len(orgs),
        "routes": len(net.routes),
        "routes_by_status": {s: status[s] for s in STATUSES},
        "by_remit": _counts([o.remit for o in orgs], tuple(REMITS)),
        "by_type": _counts([o.type for o in orgs], TYPES),
        "by_role": _counts([o.role for o in orgs], tuple(ROLES)),
        "by_hub_area": _counts([hub_area(o.borough) or o.borough for o in orgs],
                               [*HUB_AREAS, "London-wide", "Outside London"]),
        # London boroughs only: London-wide and Outside London are counted in by_hub_area
        "boroughs": len({o.borough for o in orgs if hub_area(o.borough) is not None}),
        "young_people_per_year": sum(people) if people else None,
    }


def analyse(net: Network) -> dict[str, Any]:
    """Every analysis on ``net`` as one JSON-ready dict (stable keys, sorted lists).

    Keys: ``summary``, ``dead_ends``, ``progression_gaps``, ``bridges`` (list of
    ``{"source", "target"}``), ``bridge_organisations`` (list of ``{"id", "cut_off"}``),
    ``isolated``, ``stage_reach``, ``borough_coverage``, ``pathfinder_chains``,
    ``cold_spots``, ``health`` (see :func:`musicnet.analysis.health.health`).
    Organisation lists hold objects with ``id``, ``name``, ``borough`` and ``remit``.
    """
    reach = stage_reach(net)
    highest = {row["id"]: row for row in reach["organisations"]}
    chains = pathfinder_chains(net)
    result = {
        "summary": summary(net),
        "dead_ends": [_org(net, v) for v in dead_ends(net)],
        "progression_gaps": [
            _org(net, v, highest_stage=highest[v]["highest_stage_offered"])
            for v in progression_gaps(net)
        ],
        "bridges": [
            {"source": s, "target": t, "source_name": net.orgs[s].name,
             "target_name": net.orgs[t].name}
            for s, t in bridges(net)
        ],
        "bridge_organisations": [
            _org(net, b.id, cut_off=b.cut_off) for b in bridge_organisations(net)
        ],
        "isolated": [_org(net, v) for v in isolated(net)],
        "stage_reach": reach,
        "borough_coverage": borough_coverage(net),
        "pathfinder_chains": {k: [_org(net, v) for v in ids] for k, ids in chains.items()},
        "cold_spots": cold_spots(net),
        "health": health(net),
    }
    s = result["summary"]
    for key in ("dead_ends", "progression_gaps", "bridges", "bridge_organisations",
                "isolated"):
        s[key] = len(result[key])
    return result


def _label(row: dict[str, Any]) -> str:
    remit = " [majority CC]" if row.get("remit") == "majority_cc" else ""
    return f"{row['name']} ({row['id']}), {row['borough']}{remit}"


def _section(lines: list[str], key: str, rows: list[str], limit: int) -> None:
    f = FINDING[key]
    lines.append("")
    lines.append(f"{f.title} ({len(rows)})")
    lines.append(f"  {f.explain}")
    if not rows:
        lines.append("  none found")
        return
    for text in rows[:limit]:
        lines.append(f"  - {text}")
    if len(rows) > limit:
        lines.append(more_line(len(rows) - limit))
    lines.append(f"  What to do: {f.todo}")


def places(s: dict[str, Any]) -> str:
    """Where the organisations of a :func:`summary` are, in words: how many London
    boroughs, with London-wide and outside-London organisations counted apart.

    >>> places({"organisations": 3, "boroughs": 1, "by_hub_area": {"East": 2,
    ...                                                            "London-wide": 1}})
    '(2 in 1 borough, 1 London-wide)'
    >>> places({"organisations": 2, "boroughs": 2, "by_hub_area": {"East": 2}})
    'in 2 boroughs'
    """
    wide = s["by_hub_area"].get("London-wide", 0)
    outside = s["by_hub_area"].get("Outside London", 0)
    inside = s["organisations"] - wide - outside
    if not wide and not outside:
        return f"in {plural(s['boroughs'], 'borough')}"
    parts = [f"{inside} in {plural(s['boroughs'], 'borough')}"] if inside else []
    parts += [f"{wide} London-wide"] if wide else []
    parts += [f"{outside} outside London"] if outside else []
    return f"({', '.join(parts)})"


def format_text(result: dict[str, Any], *, limit: int = 15) -> str:
    """A plain-English summary of :func:`analyse` output for the terminal.

    Titles, explanations and "what to do" lines come from :data:`musicnet.findings.FINDINGS`.
    """
    s = result["summary"]
    rs = s["routes_by_status"]
    lines = [
        f"{plural(s['organisations'], 'organisation')} {places(s)}, "
        f"{plural(s['routes'], 'route')} ({rs['active']} active, {rs['lapsed']} lapsed, "
        f"{rs['planned']} planned; only active routes are analysed).",
        "Remit: " + ", ".join(f"{v} {REMIT_NAMES[k]}" for k, v in s["by_remit"].items()) + ".",
    ]
    mcc = result["stage_reach"]["majority_cc"]
    if mcc["organisations"]:
        lines.append(
            f"From the {plural(mcc['organisations'], 'majority-CC organisation')}, young "
            "people can reach: " + ", ".join(f"{st.replace('_', ' ')} {mcc['can_reach'][st]}"
                                             for st in STAGES) + ".")
    _section(lines, "dead_ends", [_label(r) for r in result["dead_ends"]], limit)
    _section(lines, "progression_gaps",
             [f"{_label(r)}: stops at {r['highest_stage'].replace('_', ' ')}" for r in
              result["progression_gaps"]], limit)
    _section(lines, "bridges",
             [f"{b['source_name']} ({b['source']}) -> {b['target_name']} ({b['target']})"
              for b in result["bridges"]], limit)
    _section(lines, "bridge_organisations",
             [f"{_label(r)}: {plural(r['cut_off'], 'organisation')} cut off if it closed"
              for r in result["bridge_organisations"]], limit)
    _section(lines, "isolated", [_label(r) for r in result["isolated"]], limit)
    chains = result["pathfinder_chains"]
    for key in ("grassroots_without_onward_route", "intermediaries_without_next_step"):
        _section(lines, key, [_label(r) for r in chains[key]], limit)
    stuck = [b for b in result["borough_coverage"]["boroughs"]
             if "developing" in b["unreachable_stages"]]
    _section(lines, "no_route_beyond_participation",
             [f"{b['borough']}: {plural(b['organisations'], 'organisation')}"
              for b in stuck], limit)
    _health_text(lines, result["health"])
    return "\n".join(lines)


def _health_text(lines: list[str], h: dict[str, Any]) -> None:
    """The network health lines of :func:`format_text`."""
    apl = h["average_path_length"]
    cp = h["core_periphery"]
    lines.append("")
    lines.append("Network health")
    lines.append(f"  Density {h['density']:.3f}: {h['density'] * 100:.1f}% of all possible "
                 "routes exist.")
    lines.append(f"  Reciprocity {h['reciprocity']:.2f}: {h['reciprocity'] * 100:.0f}% of "
                 "routes are returned.")
    lines.append(f"  Degree centralisation {h['degree_centralisation']:.2f} (0 = links spread "
                 "evenly, 1 = everything hangs on one hub).")
    lines.append(f"  Largest connected part: {h['largest_component_share'] * 100:.0f}% of "
                 "organisations.")
    if apl is not None:
        est = " (estimated from a sample)" if h["average_path_length_estimated"] else ""
        lines.append(f"  Average journey: {apl:.2f} steps between organisations that can "
                     f"reach each other{est}.")
    lines.append(f"  Periphery: {cp['periphery_share'] * 100:.0f}% of organisations hang on by "
                 "a single chain of links (core number 1).")
    lines.append(f"  Innermost core: {plural(cp['innermost_core_size'], 'organisation')} "
                 f"each linked to at least {plural(cp['innermost_core'], 'other')} of the core.")
    if h["brokers"]:
        lines.append("  Brokers, most often on the shortest journey between two others "
                     "(betweenness, 0-1):")
        lines.extend(f"    - {b['name']} ({b['id']}): {b['betweenness']:.3f}"
                     for b in h["brokers"][:5])
    cl = h["clusters"]
    if cl.get("not_computed"):
        lines.append(f"  Clusters: not computed ({cl['not_computed']}).")
    elif cl["clusters"]:
        lines.append(f"  {plural(len(cl['clusters']), 'cluster')} (modularity "
                     f"{cl['modularity']:.2f}), each named after its most connected member:")
        for c in cl["clusters"]:
            mix = ", ".join(f"{b} {n}" for b, n in list(c["boroughs"].items())[:3])
            lines.append(f"    - {c['name']}: {c['size']} organisations ({mix})")
