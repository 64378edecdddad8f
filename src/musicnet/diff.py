"""Compare two states of a network: what changed since last time.

:func:`diff` takes two :class:`~musicnet.network.Network` objects (last year's and this
year's data, or one file seen on two dates with :func:`musicnet.history.as_of`) and gives
the organisations and routes added, removed and changed, the findings resolved and new,
and every key count and health measure before and after.

Organisations match by id ignoring case (as the loader does); a route is the pair of its
two organisations' ids. Where the two files spell an id differently, the newer spelling is
shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .findings import NETWORK_FINDINGS, more_line

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = ["FINDINGS", "ORG_FIELDS", "Diff", "diff", "snapshot"]

#: The findings compared, in the order shown.
FINDINGS = ("dead_ends", "progression_gaps", "bridges", "bridge_organisations", "isolated",
            "cold_spots")

#: Headings, from the one findings table (:data:`musicnet.findings.FINDINGS`).
FINDING_LABELS = {
    **{f.key: f.label for f in NETWORK_FINDINGS},
    "cold_spots": "Cold-spot boroughs",
}

#: Organisation fields compared (private fields, notes and contact_email, are not).
ORG_FIELDS = ("name", "type", "remit", "stages", "borough", "role", "target_groups",
              "genres", "age_min", "age_max", "postcode", "lat", "lon", "website",
              "imd_decile")
#: Route fields compared.
ROUTE_FIELDS = ("status", "kind")

METRIC_LABELS = {
    "organisations": "Organisations",
    "majority_cc": "Majority-CC organisations",
    "boroughs": "Boroughs",
    "routes": "Routes (any status)",
    "active_routes": "Active routes",
    "lapsed_routes": "Lapsed routes",
    "planned_routes": "Planned routes",
    "young_people_per_year": "Young people a year (where given)",
    **{f.key: f.label for f in NETWORK_FINDINGS},
    "cold_spots": "Cold-spot boroughs",
    "density": "Density",
    "reciprocity": "Reciprocity",
    "degree_centralisation": "Degree centralisation",
    "largest_component_share": "Largest connected part (share of organisations)",
    "average_path_length": "Average path length (steps)",
    "periphery_share": "Periphery (share of organisations)",
    "innermost_core": "Innermost core (k)",
    "clusters": "Clusters",
    "modularity": "Modularity",
}


def snapshot(net: Network) -> dict[str, Any]:
    """What :func:`diff` compares on one side: finding keys (sets of case-folded ids or
    id pairs, or borough names for cold spots) and metrics (key counts and health
    measures)."""
    from .analysis import (
        bridge_organisations,
        bridges,
        cold_spots,
        dead_ends,
        isolated,
        progression_gaps,
    )
    from .analysis.health import health, health_metrics
    from .analysis.summary import summary
    from .schema import STATUSES

    cf = str.casefold
    found = {
        "dead_ends": {cf(v) for v in dead_ends(net)},
        "progression_gaps": {cf(v) for v in progression_gaps(net)},
        "bridges": {(cf(s), cf(t)) for s, t in bridges(net)},
        "bridge_organisations": {cf(b.id) for b in bridge_organisations(net)},
        "isolated": {cf(v) for v in isolated(net)},
        "cold_spots": {b["borough"] for b in cold_spots(net)["boroughs"]},
    }
    status = {s: 0 for s in STATUSES}
    for r in net.routes:
        status[r.status] += 1
    people = [r.young_people_per_year for r in net.routes
              if r.status == "active" and r.young_people_per_year is not None]
    metrics: dict[str, Any] = {
        "organisations": len(net),
        "majority_cc": sum(o.remit == "majority_cc" for o in net.orgs.values()),
        "boroughs": summary(net)["boroughs"],  # London boroughs, as analyse counts them
        "routes": len(net.routes),
        "active_routes": status["active"],
        "lapsed_routes": status["lapsed"],
        "planned_routes": status["planned"],
        "young_people_per_year": sum(people) if people else None,
        **{k: len(v) for k, v in found.items()},
        **health_metrics(health(net, with_brokers=False)),
    }
    return {"findings": found, "metrics": metrics}


def _org_row(net: Network, oid: str) -> dict[str, Any]:
    o = net.orgs[oid]
    return {"id": oid, "name": o.name, "borough": o.borough}


def _value(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


@dataclass
class Diff:
    """The changes from ``old`` to ``new`` (see :func:`diff`); ``to_dict()`` is the JSON
    of ``musicnet diff --format json``, ``str()`` the text."""

    old: Network
    new: Network
    organisations_added: list[str] = field(default_factory=list)
    organisations_removed: list[str] = field(default_factory=list)
    organisations_changed: list[dict[str, Any]] = field(default_factory=list)
    routes_added: list[tuple[str, str]] = field(default_factory=list)
    routes_removed: list[tuple[str, str]] = field(default_factory=list)
    routes_changed: list[dict[str, Any]] = field(default_factory=list)
    findings: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)

    def _name(self, key: str) -> tuple[str, str]:
        """(id as shown, name) for a case-folded id, preferring the new spelling."""
        for net in (self.new, self.old):
            oid = net._by_key.get(key)
            if oid is not None:
                return oid, net.orgs[oid].name
        return key, key  # pragma: no cover - every key comes from one side

    def _route_row(self, source: str, target: str) -> dict[str, str]:
        """A route as ``{"source", "target", "source_name", "target_name"}``."""
        (s, sn), (t, tn) = self._name(source), self._name(target)
        return {"source": s, "target": t, "source_name": sn, "target_name": tn}

    def _finding_row(self, kind: str, item: Any) -> dict[str, Any]:
        if kind == "cold_spots":
            from .schema import hub_area

            return {"borough": item, "hub_area": hub_area(item)}
        if kind == "bridges":
            (s, sn), (t, tn) = self._name(item[0]), self._name(item[1])
            return {"source": s, "target": t, "source_name": sn, "target_name": tn}
        oid, name = self._name(item)
        net = self.new if oid in self.new.orgs else self.old
        return {"id": oid, "name": name, "borough": net.orgs[oid].borough}

    def to_dict(self, *, suppress_below: int = 5) -> dict[str, Any]:
        """The JSON-ready result (keys as in :func:`diff`), fit for publication: the
        young-people totals in ``metrics`` follow
        :func:`~musicnet.privacy.published_total` (``suppress_below=0`` for raw numbers;
        :attr:`metrics` keeps them raw)."""
        from .privacy import published_total

        metrics = {k: dict(v) for k, v in self.metrics.items()}
        if "young_people_per_year" in metrics:
            metrics["young_people_per_year"] = {
                side: published_total((r.young_people_per_year for r in net.routes
                                       if r.status == "active"), suppress_below)
                for side, net in (("before", self.old), ("after", self.new))}
        return {
            "old": self.old.source,
            "new": self.new.source,
            "organisations_added": [_org_row(self.new, v) for v in self.organisations_added],
            "organisations_removed": [_org_row(self.old, v)
                                      for v in self.organisations_removed],
            "organisations_changed": self.organisations_changed,
            "routes_added": [self._route_row(s, t) for s, t in self.routes_added],
            "routes_removed": [self._route_row(s, t) for s, t in self.routes_removed],
            "routes_changed": [{**self._route_row(r["source"], r["target"]), **r}
                               for r in self.routes_changed],
            "findings": {k: {side: [self._finding_row(k, x) for x in items]
                             for side, items in v.items()}
                         for k, v in self.findings.items()},
            "metrics": metrics,
        }

    def __str__(self) -> str:
        return format_text(self.to_dict())


def _sort_key(item: Any) -> Any:
    return item if isinstance(item, tuple) else (item,)


def diff(old: Network, new: Network, *, before: dict[str, Any] | None = None,
         after: dict[str, Any] | None = None) -> Diff:
    """What changed from ``old`` to ``new``.

    - ``organisations_added`` / ``organisations_removed``: ids in only one of the two
      (case ignored); ``organisations_changed``: one row ``{"id", "field", "before",
      "after"}`` per organisation field in :data:`ORG_FIELDS` that differs.
    - ``routes_added`` / ``routes_removed``: routes (any status) listed in only one;
      ``routes_changed``: ``{"source", "target", "field", "before", "after"}`` for a
      route in both whose ``status`` or ``kind`` differs (e.g. active -> lapsed).
    - ``findings``: for each of :data:`FINDINGS`, ``resolved`` (in ``old`` only) and
      ``new`` (in ``new`` only); a finding present in both is in neither list.
    - ``metrics``: ``{name: {"before", "after"}}`` for every key count and health measure.

    ``before`` and ``after`` are :func:`snapshot` results when the caller has them.

    >>> from musicnet import Network, Organisation, Route
    >>> o = [Organisation(i, i, "other", "general", ("participation",), "Lewisham", "other")
    ...      for i in "abc"]
    >>> d = diff(Network(o, [Route("a", "b")]), Network(o, [Route("a", "b"), Route("b", "c")]))
    >>> d.routes_added, d.findings["dead_ends"]
    ([('b', 'c')], {'resolved': ['b'], 'new': ['c']})
    """
    cf = str.casefold
    okeys = {cf(v): v for v in old.orgs}
    nkeys = {cf(v): v for v in new.orgs}
    added = sorted(nkeys[k] for k in nkeys.keys() - okeys.keys())
    removed = sorted(okeys[k] for k in okeys.keys() - nkeys.keys())
    changed = []
    for k in sorted(okeys.keys() & nkeys.keys(), key=lambda k: nkeys[k]):
        a, b = old.orgs[okeys[k]], new.orgs[nkeys[k]]
        if a == b:
            continue
        for f in ORG_FIELDS:
            x, y = getattr(a, f), getattr(b, f)
            if x != y:
                changed.append({"id": nkeys[k], "field": f, "before": _value(x),
                                "after": _value(y)})

    def canon(key: str) -> str:
        return nkeys.get(key) or okeys[key]

    oroutes = {(cf(r.source), cf(r.target)): r for r in old.routes}
    nroutes = {(cf(r.source), cf(r.target)): r for r in new.routes}

    def pair(k: tuple[str, str]) -> tuple[str, str]:
        return canon(k[0]), canon(k[1])

    routes_added = sorted(pair(k) for k in nroutes.keys() - oroutes.keys())
    routes_removed = sorted(pair(k) for k in oroutes.keys() - nroutes.keys())
    routes_changed = []
    for k in sorted(oroutes.keys() & nroutes.keys(), key=pair):
        for f in ROUTE_FIELDS:
            x, y = getattr(oroutes[k], f), getattr(nroutes[k], f)
            if x != y:
                s, t = pair(k)
                routes_changed.append({"source": s, "target": t, "field": f, "before": x,
                                       "after": y})
    before = before if before is not None else snapshot(old)
    after = after if after is not None else snapshot(new)
    d = Diff(old, new, added, removed, changed, routes_added, routes_removed, routes_changed)
    for k in FINDINGS:
        b, a = before["findings"][k], after["findings"][k]
        d.findings[k] = {"resolved": sorted(b - a, key=_sort_key),
                         "new": sorted(a - b, key=_sort_key)}
    d.metrics = {k: {"before": before["metrics"][k], "after": after["metrics"][k]}
                 for k in before["metrics"]}
    # findings hold case-folded keys until shown; show them with the files' spelling
    for k in ("dead_ends", "progression_gaps", "bridge_organisations", "isolated"):
        for side in ("resolved", "new"):
            d.findings[k][side] = sorted(canon(x) for x in d.findings[k][side])
    for side in ("resolved", "new"):
        d.findings["bridges"][side] = sorted(pair(x) for x in d.findings["bridges"][side])
    return d


def _fmt(v: Any, *, words: bool = False) -> str:
    """A value as text for a change listing; ``words`` shows ``a_b`` as ``a b`` (the HTML
    page) and an empty list as ``(none)`` instead of ``(empty)``."""
    def text(x: Any) -> str:
        return str(x).replace("_", " ") if words and isinstance(x, str) else str(x)

    if v is None:
        return "none"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"
    if isinstance(v, list):
        return "; ".join(text(x) for x in v) or ("(none)" if words else "(empty)")
    return text(v)


#: measures that are shares of all organisations: shown as percentages, as ``analyse``
#: shows them, and changes in percentage points
SHARES = frozenset({"largest_component_share", "periphery_share"})


def measure_text(key: str, v: Any) -> str:
    """A measure's value as text: shares as percentages, to one decimal (a change of a
    few organisations in hundreds shows)."""
    if key in SHARES and isinstance(v, int | float):
        return f"{v * 100:.1f}%"
    return _fmt(v)


def measure_change(key: str, before: Any, after: Any) -> str:
    """The change in a measure, signed (shares in percentage points); empty if none."""
    if not (isinstance(before, int | float) and isinstance(after, int | float)):
        return ""
    d = after - before
    if not d:
        return ""
    if key in SHARES:
        return f"{d * 100:+.1f} points"
    return f"{d:+.3g}" if isinstance(d, float) else f"{d:+d}"


def _org_text(row: dict[str, Any]) -> str:
    return f"{row['name']} ({row['id']}), {row['borough']}"


def _route_text(row: dict[str, Any]) -> str:
    """A route by name, with the ids: "A -> B (a -> b)"."""
    if "source_name" not in row:
        return f"{row['source']} -> {row['target']}"
    return (f"{row['source_name']} -> {row['target_name']} "
            f"({row['source']} -> {row['target']})")


def _finding_text(kind: str, row: dict[str, Any]) -> str:
    if kind == "cold_spots":
        return row["borough"]
    if kind == "bridges":
        return f"{row['source_name']} -> {row['target_name']}"
    return _org_text(row)


def format_text(d: dict[str, Any], *, limit: int = 15) -> str:
    """Plain-English text of :meth:`Diff.to_dict` output: counts first, then each list
    (at most ``limit`` rows each)."""
    lines: list[str] = []

    def block(title: str, rows: list[str]) -> None:
        if not rows:
            return
        lines.append("")
        lines.append(f"{title} ({len(rows)})")
        lines.extend(f"  - {r}" for r in rows[:limit])
        if len(rows) > limit:
            lines.append(more_line(len(rows) - limit))

    m = d["metrics"]
    lines.append(f"From {d['old'] or 'the old data'} to {d['new'] or 'the new data'}:")
    lines.append(
        f"Organisations: {m['organisations']['before']} -> {m['organisations']['after']} "
        f"({len(d['organisations_added'])} new, {len(d['organisations_removed'])} gone, "
        f"{len({c['id'] for c in d['organisations_changed']})} changed).")
    lines.append(
        f"Routes: {m['routes']['before']} -> {m['routes']['after']} "
        f"({len(d['routes_added'])} new, {len(d['routes_removed'])} gone, "
        f"{len(d['routes_changed'])} changed status or kind); active "
        f"{m['active_routes']['before']} -> {m['active_routes']['after']}.")
    block("New organisations", [_org_text(r) for r in d["organisations_added"]])
    block("Organisations no longer listed", [_org_text(r) for r in d["organisations_removed"]])
    block("Organisation details changed",
          [f"{c['id']}: {c['field']} {_fmt(c['before'])} -> {_fmt(c['after'])}"
           for c in d["organisations_changed"]])
    block("New routes", [_route_text(r) for r in d["routes_added"]])
    block("Routes no longer listed", [_route_text(r) for r in d["routes_removed"]])
    block("Routes changed",
          [f"{_route_text(r)}: {r['field']} {r['before']} -> {r['after']}"
           for r in d["routes_changed"]])
    lines.append("")
    lines.append("Findings (before -> after: resolved, new)")
    for k in FINDINGS:
        f = d["findings"][k]
        lines.append(f"  {FINDING_LABELS[k]}: {m[k]['before']} -> {m[k]['after']} "
                     f"({len(f['resolved'])} resolved, {len(f['new'])} new)")
        for side, word in (("resolved", "resolved"), ("new", "new")):
            rows = f[side]
            for r in rows[:limit]:
                lines.append(f"      {word}: {_finding_text(k, r)}")
            if len(rows) > limit:
                lines.append(f"      ... and {len(rows) - limit} more {word}")
    lines.append("")
    lines.append("Measures (before -> after)")
    for k, v in m.items():
        if k in FINDINGS or k in ("organisations", "routes", "active_routes"):
            continue
        change = measure_change(k, v["before"], v["after"])
        lines.append(f"  {METRIC_LABELS.get(k, k)}: {measure_text(k, v['before'])} -> "
                     f"{measure_text(k, v['after'])}" + (f" ({change})" if change else ""))
    return "\n".join(lines)
