"""What changed, drawn: the ``musicnet diff --format html`` page, the "Since last time"
section of the report, and the map of changes.

The page has the report's look and rules: no script, a Content-Security-Policy that
forbids every network request, all data text escaped by the template engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..diff import Diff
    from ..network import Network
    from ..whatif import Diff as WhatifDiff

__all__ = ["changes_context", "render_diff", "render_diff_map", "render_whatif_map"]

from .map import CHANGE_COLOURS


def _fmt(v: Any) -> str:
    from ..diff import _fmt as fmt

    return fmt(v, words=True)


def changes_context(d: Diff, *, suppress_below: int = 5) -> dict[str, Any]:
    """Everything the "Since last time" section shows, as plain data with names."""
    from ..diff import FINDING_LABELS, FINDINGS, METRIC_LABELS, measure_change, measure_text

    data = d.to_dict(suppress_below=suppress_below)

    def name(oid: str) -> str:
        return d._name(oid.casefold())[1]

    def route(r: dict[str, Any]) -> dict[str, Any]:
        return {**r, "source_name": name(r["source"]), "target_name": name(r["target"])}

    findings = []
    for k in FINDINGS:
        f = data["findings"][k]
        rows = {}
        for side in ("resolved", "new"):
            rows[side] = [
                r["borough"] if k == "cold_spots" else
                f"{r['source_name']} -> {r['target_name']}" if k == "bridges" else
                f"{r['name']} ({r['borough']})" for r in f[side]]
        findings.append({"key": k, "label": FINDING_LABELS[k],
                         "before": data["metrics"][k]["before"],
                         "after": data["metrics"][k]["after"], **rows})
    measures = []
    for k, v in data["metrics"].items():
        if k in FINDINGS:
            continue
        before, after = v["before"], v["after"]
        measures.append({"label": METRIC_LABELS.get(k, k), "before": measure_text(k, before),
                         "after": measure_text(k, after),
                         "change": measure_change(k, before, after)})
    changed_orgs = [{**c, "name": name(c["id"]), "field": c["field"].replace("_", " "),
                     "before": _fmt(c["before"]), "after": _fmt(c["after"])}
                    for c in data["organisations_changed"]]
    return {
        "old": data["old"], "new": data["new"], "metrics": data["metrics"],
        "organisations_added": data["organisations_added"],
        "organisations_removed": data["organisations_removed"],
        "organisations_changed": changed_orgs,
        "routes_added": [route(r) for r in data["routes_added"]],
        "routes_removed": [route(r) for r in data["routes_removed"]],
        "routes_changed": [route(r) for r in data["routes_changed"]],
        "findings": findings,
        "measures": measures,
        "colours": CHANGE_COLOURS,
    }


def _env() -> Any:
    from pathlib import Path

    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined)


def render_diff(d: Diff, *, title: str | None = None, suppress_below: int = 5) -> str:
    """The changes as one self-contained HTML page with the report's look.

    >>> import musicnet
    >>> from musicnet.diff import diff
    >>> net = musicnet.load("data")
    >>> render_diff(diff(net, net))[:15]
    '<!DOCTYPE html>'
    """
    from .. import __version__
    from ..privacy import privacy_line

    return _env().get_template("diff.html.j2").render(
        version=__version__, title=title or "What changed since last time",
        changes=changes_context(d, suppress_below=suppress_below),
        privacy=privacy_line(False, suppress_below))


def diff_map_data(d: Diff) -> tuple[Any, dict[tuple[str, str], str], dict[str, str]]:
    """The network drawn on the map of changes (the new state plus what was lost), and
    the change of each route and organisation: ``added``, ``removed`` or ``changed``."""
    from ..network import Network

    data = d.to_dict()
    node_change = {r["id"]: "added" for r in data["organisations_added"]}
    node_change.update({r["id"]: "removed" for r in data["organisations_removed"]})
    for c in data["organisations_changed"]:
        node_change.setdefault(c["id"], "changed")
    edge_change = {(r["source"], r["target"]): "added" for r in data["routes_added"]}
    edge_change.update({(r["source"], r["target"]): "changed"
                        for r in data["routes_changed"]})
    removed_orgs = [d.old.orgs[r["id"]] for r in data["organisations_removed"]]
    cf = str.casefold
    canon = {cf(v): v for v in d.new.orgs} | {cf(o.id): o.id for o in removed_orgs}
    gone = {(cf(r["source"]), cf(r["target"])) for r in data["routes_removed"]}
    from dataclasses import replace

    lost = []
    for r in d.old.routes:
        key = (cf(r.source), cf(r.target))
        if key in gone:
            s, t = canon[key[0]], canon[key[1]]
            # drawn with its old status but never counted: it is no longer listed
            lost.append(replace(r, source=s, target=t, status="lapsed"))
            edge_change[(s, t)] = "removed"
    union = Network([*d.new.orgs.values(), *removed_orgs], [*d.new.routes, *lost],
                    source=d.new.source)
    return union, edge_change, node_change


def render_diff_map(d: Diff, *, title: str | None = None, include_private: bool = False,
                    suppress_below: int = 5) -> str:
    """The map of changes: the new network with new routes and organisations in green,
    lost ones dashed in red and changed ones in amber, with a legend."""
    from .map import render_map

    union, edge_change, node_change = diff_map_data(d)
    return render_map(union, title=title or "What changed since last time",
                      include_private=include_private, suppress_below=suppress_below,
                      changes={"edges": edge_change, "nodes": node_change,
                               "current": d.new})


#: What a what-if map marks beyond its proposed routes: routes removed and organisations
#: closed (drawn dashed where they were), and organisations the change cuts off.
WHATIF_STYLES: dict[str, dict[str, Any]] = {
    "removed": {"label": "Removed or closed in this what-if (dashed)",
                "colour": CHANGE_COLOURS["removed"], "width": 3, "dash": [8, 6],
                "section": "What if"},
    "cut_off": {"label": "Cut off by the change", "colour": "#D6336C", "width": 4,
                "dash": [], "section": "What if"},
}


def render_whatif_map(before: Network, after: Network, d: WhatifDiff, *, title: str,
                      include_private: bool = False, suppress_below: int = 5) -> str:
    """The map of a what-if (``musicnet whatif --map``): the network after the change, its
    proposed routes thick and dashed, and what the change takes away still drawn where it
    was: closed organisations and removed routes dashed in red (not counted in any
    finding), organisations cut off ringed. The header gives each count that changed with
    its old value.

    >>> import musicnet
    >>> from musicnet.whatif import compare
    >>> net = musicnet.load("data")
    >>> after = net.with_routes(close=["open-doors-music-network-london-wide"])
    >>> html = render_whatif_map(net, after, compare(net, after), title="What if")
    >>> '"cut_off"' in html and '"removed"' in html
    True
    """
    from dataclasses import replace

    from ..network import Network
    from .map import render_map

    gone = set(d.routes_removed)
    lost = [replace(r, status="lapsed") for r in before.routes
            if (r.source, r.target) in gone and r.status == "active"]
    closed = [before.orgs[v] for v in d.organisations_closed]
    union = Network([*after.orgs.values(), *closed], [*after.routes, *lost],
                    source=after.source, proposed=after.proposed)
    nodes = {v: "removed" for v in d.organisations_closed}
    nodes.update({v: "cut_off" for v in d.cut_off})
    return render_map(union, title=title, before=before, include_private=include_private,
                      suppress_below=suppress_below, class_styles=WHATIF_STYLES,
                      changes={"current": after, "edges": dict.fromkeys(gone, "removed"),
                               "nodes": nodes})
