"""Bring a network in from the tools coordinators already use: ``musicnet import``.

Reads a Kumu export (an ``.xlsx`` workbook, its Elements and Connections CSV files, or a
JSON blueprint), a
GEXF or GraphML file (Gephi, yEd, Cytoscape), node-link JSON (networkx, d3), or an Open
Referral UK / HSDS directory (``organizations.csv`` and ``services.csv``), and turns it into
the rows of ``organisations.csv`` and ``referrals.csv``.

- Fields that mean the same thing are mapped (:data:`FIELD_NAMES` lists the names accepted
  for each column; values go through the same vocabulary rules as the loader, so ``Music
  Education Hub`` becomes ``music_education_hub`` and ``first access|developing`` becomes
  ``first_access;developing``).
- What cannot be mapped (an unknown field, a value outside musicnet's lists) is kept in
  the organisation's or route's ``notes``, as ``field: value``.
- Fields that musicnet computes itself (the analysis flags, layout positions, highest
  stage, hub area) are dropped: ``musicnet build`` works them out again.
- Required columns that are still empty are listed per organisation
  (:attr:`Imported.missing`), so the coordinator knows what to fill in before ``musicnet
  check``.

This module never prints; :func:`import_files` returns the files to write.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .errors import MusicnetError, OutputRefused
from .findings import FINDINGS
from .loader import unguard

__all__ = ["FIELD_NAMES", "IGNORED_FIELDS", "Imported", "import_files", "read_source"]

#: For each musicnet column, the field names read into it (compared after lower-casing
#: and turning spaces and hyphens into ``_``). The first is musicnet's own name.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "name": ("name", "label", "title"),
    "type": ("type", "organisation_type", "organization_type", "element_type"),
    "remit": ("remit",),
    "target_groups": ("target_groups", "target_group"),
    "stages": ("stages", "stage"),
    "role": ("role", "pathfinders_role"),
    "genres": ("genres", "genre"),
    "borough": ("borough", "local_authority"),
    "age_min": ("age_min", "minimum_age", "min_age"),
    "age_max": ("age_max", "maximum_age", "max_age"),
    "postcode": ("postcode", "postal_code", "post_code"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "longitude", "lng"),
    "website": ("website", "url"),
    "imd_decile": ("imd_decile",),
    "contact_email": ("contact_email", "email"),
    "notes": ("notes", "description"),
    "aliases": ("aliases", "alias", "other_names", "also_known_as"),
}

#: Route columns: field names read into each (Kumu's connection ``Type`` is the kind).
ROUTE_FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "kind": ("kind", "type", "connection_type"),
    "status": ("status",),
    "young_people_per_year": ("young_people_per_year",),
    "since": ("since", "start", "started"),
    "ended": ("ended", "end", "end_date", "ended_on"),
    "evidence": ("evidence",),
    "notes": ("notes", "description"),
}

#: Fields dropped on import because musicnet computes them (and layout fields of the
#: tools): they would only go stale in the data.
IGNORED_FIELDS: frozenset[str] = frozenset({
    "highest_stage", "hub_area", "dead_end", "progression_gap", "bridge_organisation",
    "cut_off", "isolated", "x", "y", "z", "viz", "bridge", "fragile_route", "young_people",
    "direction", "directed", "tags", "key", "source", "target", "from", "to",
})

_ORG_BY_NAME = {alias: col for col, names in FIELD_NAMES.items() for alias in names}
_ROUTE_BY_NAME = {alias: col for col, names in ROUTE_FIELD_NAMES.items() for alias in names}
_REQUIRED = tuple(c.name for c in schema.ORGANISATION_COLUMNS if c.required)
_REMIT_ALIASES = {
    "majority_challenging_circumstances": "majority_cc",
    "minority_challenging_circumstances": "minority_cc",
    "majority_cc": "majority_cc", "minority_cc": "minority_cc", "general": "general",
}
#: Tags that a musicnet Kumu export writes (remit, role, flags): not worth a note.
_OWN_TAGS = {*schema.REMITS, *schema.ROLES, "dead_end", "progression_gap",
             "bridge_organisation", "isolated", "majority_cc", "minority_cc", "next_step",
             *(f.singular.replace(" ", "_") for f in FINDINGS)}


@dataclass
class _Node:
    key: str
    label: str
    attrs: dict[str, Any]


@dataclass
class _Edge:
    source: str
    target: str
    attrs: dict[str, Any]
    directed: bool = True


@dataclass
class Imported:
    """The result of reading a source: rows for the two data files and what to tell the
    coordinator. ``missing`` maps an organisation id to the required columns still empty;
    ``warnings`` are plain sentences (routes dropped, directions doubled, ...)."""

    kind: str
    organisations: list[dict[str, str]]
    referrals: list[dict[str, str]]
    missing: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def report(self) -> str:
        """Everything the coordinator needs to know, as plain text."""
        lines = [f"Imported {len(self.organisations)} organisations and "
                 f"{len(self.referrals)} routes from a {self.kind}."]
        lines += [f"warning: {w}" for w in self.warnings]
        if self.missing:
            names = {r["id"]: r["name"] for r in self.organisations}
            lines.append(f"{len(self.missing)} organisations need required fields filled in "
                         "before `musicnet check`:")
            lines += [f"  {oid} ({names[oid] or 'no name'}): {', '.join(cols)}"
                      for oid, cols in self.missing.items()]
        return "\n".join(lines)


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _text(value: Any) -> str:
    """A cell value as text, without surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):  # a date cell in a workbook: 2023-04-01, as in a CSV
        from .loader import _cell_text

        return _cell_text(value)
    return str(value).strip()




def _split(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;|,]", value) if p.strip()]


# --- value rules (the loader's, applied to one value) ---------------------------------


def _vocab(value: str, allowed: Iterable[str], aliases: dict[str, str] | None = None
           ) -> str | None:
    tok = _key(value)
    tok = (aliases or {}).get(tok, tok)
    return tok if tok in set(allowed) else None


def _number(value: str, lo: float, hi: float, whole: bool) -> str | None:
    """The number as the loader reads it (the same rules), or None if it would not."""
    from .loader import _to_float, _to_int

    try:
        number = _to_int(value) if whole else _to_float(value)
    except ValueError:
        return None
    if not lo <= number <= hi:
        return None
    return str(number) if whole else repr(number)


def _borough(value: str) -> str | None:
    """The borough as the loader reads it (the one validator), or None if unknown."""
    from .values import InvalidValue, borough

    try:
        return borough(value)[0]
    except InvalidValue:
        return None


def _map_value(col: str, value: str) -> tuple[str, list[str]]:
    """``(mapped value or '', parts that did not map)`` for one organisation column."""
    from .loader import _EMAIL_RE, _TARGET_GROUP_ALIASES

    if col == "aliases":
        parts = [" ".join(p.split()) for p in re.split(r"[;|\n]", value)]
        return ";".join(dict.fromkeys(p for p in parts if p)), []
    if col in ("stages", "target_groups", "genres"):
        parts = _split(value)
        if col == "genres":
            return ";".join(dict.fromkeys(" ".join(p.split()).lower() for p in parts)), []
        allowed = schema.STAGES if col == "stages" else tuple(schema.TARGET_GROUPS)
        aliases = _TARGET_GROUP_ALIASES if col == "target_groups" else None
        good = [v for v in (_vocab(p, allowed, aliases) for p in parts) if v]
        bad = [p for p in parts if not _vocab(p, allowed, aliases)]
        ordered = [s for s in allowed if s in good] if col == "stages" else good
        return ";".join(dict.fromkeys(ordered)), bad
    if col == "type":
        got = _vocab(value, schema.TYPES)
    elif col == "remit":
        got = _vocab(value, schema.REMITS, _REMIT_ALIASES)
    elif col == "role":
        got = _vocab(value, schema.ROLES)
    elif col == "borough":
        got = _borough(value)
    elif col in ("age_min", "age_max"):
        got = _number(value, 0, 120, True)
    elif col == "imd_decile":
        got = _number(value, 1, 10, True)
    elif col == "lat":
        got = _number(value, -90, 90, False)
    elif col == "lon":
        got = _number(value, -180, 180, False)
    elif col == "website":
        got = value if re.match(r"^https?://[^\s]+$", value, re.I) else None
    elif col == "contact_email":
        got = value if _EMAIL_RE.match(value) else None
    elif col == "postcode":
        got = value.upper()
    else:
        got = value
    return (got, []) if got else ("", [value])


# --- turning nodes and edges into rows --------------------------------------------------


def _convert(kind: str, nodes: list[_Node], edges: list[_Edge]) -> Imported:
    from .names import slugify
    from .values import _ID_RE

    warnings: list[str] = []
    ids: dict[str, str] = {}
    taken: set[str] = set()
    orgs: list[dict[str, str]] = []
    missing: dict[str, list[str]] = {}
    for node in nodes:
        if node.key in ids:
            warnings.append(f"organisation '{node.key}' is listed twice; the first was kept.")
            continue
        oid = node.key if _ID_RE.match(node.key) else slugify(node.label or node.key)
        base, n = oid, 2
        while oid.casefold() in taken:
            oid = f"{base[:60]}-{n}"
            n += 1
        taken.add(oid.casefold())
        ids[node.key] = oid
        row = {c.name: "" for c in schema.ORGANISATION_COLUMNS}
        row["id"], row["name"] = oid, " ".join(node.label.split())
        notes: list[str] = []
        for name, raw in node.attrs.items():
            key = _key(name)
            value = _text(raw)
            if not value or key in ("id", "label"):
                continue
            if key == "tags":
                extra = [t for t in _split(value) if _key(t) not in _OWN_TAGS]
                if extra:
                    notes.append(f"tags: {', '.join(extra)}")
                continue
            col = _ORG_BY_NAME.get(key)
            if col == "name":
                if not row["name"]:
                    row["name"] = " ".join(value.split())
                continue
            if col is None:
                if key not in IGNORED_FIELDS:
                    notes.append(f"{name}: {value}")
                continue
            if col == "notes":
                notes.insert(0, value)
                continue
            got, bad = _map_value(col, value)
            if got and not row[col]:
                row[col] = got
            if bad:
                notes.append(f"{name}: {', '.join(bad)}")
        row["notes"] = "; ".join(notes)
        if not row["name"]:
            row["name"] = node.key
        gaps = [c for c in _REQUIRED if not row[c]]
        if gaps:
            missing[oid] = gaps
        orgs.append(row)

    routes: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    doubled = 0
    hidden = 0  # counts a published export showed only as "fewer than N"
    for edge in edges:
        src, tgt = ids.get(edge.source), ids.get(edge.target)
        if src is None or tgt is None:
            unknown = edge.source if src is None else edge.target
            warnings.append(f"route {edge.source} -> {edge.target} dropped: no organisation "
                            f"'{unknown}'.")
            continue
        if src == tgt:
            warnings.append(f"route from '{src}' to itself dropped.")
            continue
        row = {c.name: "" for c in schema.REFERRAL_COLUMNS}
        notes = []
        for name, raw in edge.attrs.items():
            key = _key(name)
            value = _text(raw)
            if not value:
                continue
            col = _ROUTE_BY_NAME.get(key)
            if key == "young_people" and value.startswith("fewer than"):
                notes.append(f"young people a year: {value}")
                hidden += 1
                continue
            if key == "type" and value in ("directed", "undirected", "mutual"):
                continue  # an edge's direction in GEXF, not its kind
            if col is None:
                if key == "weight" and value in ("1", "1.0"):
                    continue
                if key not in IGNORED_FIELDS and key not in ("id", "label"):
                    notes.append(f"{name}: {value}")
                continue
            if col == "kind":
                got = _vocab(value, schema.KINDS)
            elif col == "status":
                got = _vocab(value, schema.STATUSES)
            elif col == "evidence":
                got = _vocab(value, schema.EVIDENCE)
            elif col == "young_people_per_year":
                got = _number(value, 0, 10_000_000, True)
            else:
                got = value
            if col == "notes":
                notes.insert(0, value)
            elif got:
                row[col] = got
            else:
                notes.append(f"{name}: {value}")
        row["notes"] = "; ".join(notes)
        pairs = [(src, tgt)] if edge.directed else [(src, tgt), (tgt, src)]
        doubled += not edge.directed
        for s, t in pairs:
            if (s, t) in seen:
                warnings.append(f"route {s} -> {t} is listed twice; the first was kept.")
                continue
            seen.add((s, t))
            routes.append({**row, "source": s, "target": t})
    if doubled:
        what = "1 connection has" if doubled == 1 else f"{doubled} connections have"
        warnings.append(f"{what} no direction, so each became two routes, one each way; "
                        "delete from referrals.csv the ones young people do not take.")
    if hidden:
        what = "1 route's count of young people was" if hidden == 1 else \
            f"{hidden} routes' counts of young people were"
        warnings.append(f"{what} published as 'fewer than N' (suppressed small numbers), "
                        "so young_people_per_year is left empty and the text kept in notes; "
                        "fill in the real figures from your own records if you have them.")
    if not routes:
        warnings.append("no routes were found: add them to referrals.csv "
                        "(source and target ids).")
    return Imported(kind, orgs, routes, missing, warnings)


# --- readers -------------------------------------------------------------------------


def _too_big(path: Path) -> None:
    from .loader import MAX_FILE_BYTES, _over

    if path.stat().st_size > MAX_FILE_BYTES:
        got, most = _over(path.stat().st_size, MAX_FILE_BYTES)
        raise MusicnetError(f"{path} is {got}; the largest file accepted is {most}.")


def _from_networkx(g: Any, kind: str) -> Imported:
    nodes = []
    for v, d in g.nodes(data=True):
        attrs = {k: x for k, x in d.items() if k not in ("label", "name")}
        label = str(d.get("name") or d.get("label") or v)
        nodes.append(_Node(str(v), label, attrs))
    directed = g.is_directed()
    edges = [_Edge(str(s), str(t), {k: x for k, x in d.items() if k != "id"},
                   directed and d.get("type", "directed") != "undirected")
             for s, t, d in g.edges(data=True)]
    return _convert(kind, nodes, edges)


def _read_gexf(path: Path) -> Imported:
    import networkx as nx

    try:
        g = nx.read_gexf(path)
    except Exception as exc:  # networkx raises several types for a damaged file
        raise MusicnetError(f"{path} cannot be read as GEXF ({type(exc).__name__}: {exc}). "
                            "Export it from Gephi again (File > Export > Graph file).") from exc
    return _from_networkx(g, "GEXF file")


def _read_graphml(path: Path) -> Imported:
    import networkx as nx

    try:
        g = nx.read_graphml(path)
    except Exception as exc:  # networkx raises several types for a damaged file
        raise MusicnetError(f"{path} cannot be read as GraphML ({type(exc).__name__}: "
                            f"{exc}).") from exc
    return _from_networkx(g, "GraphML file")


def _read_json(path: Path) -> Imported:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MusicnetError(f"{path} is not JSON ({exc}).") from exc
    if isinstance(data, dict) and isinstance(data.get("elements"), list):
        return _kumu_blueprint(data, path)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise MusicnetError(f"{path} is not node-link JSON: expected an object with a "
                            "'nodes' list and a 'links' (or 'edges') list.")
    links = data.get("links", data.get("edges", []))
    if not isinstance(links, list):
        raise MusicnetError(f"{path}: 'links' must be a list of routes.")
    directed = bool(data.get("directed", True))
    nodes = []
    for i, n in enumerate(data["nodes"]):
        if not isinstance(n, dict) or "id" not in n:
            raise MusicnetError(f"{path}: node {i + 1} has no 'id'.")
        attrs = {k: x for k, x in n.items() if k not in ("id", "name", "label")}
        nodes.append(_Node(str(n["id"]), str(n.get("name") or n.get("label") or n["id"]),
                           attrs))
    edges = []
    for i, e in enumerate(links):
        if not isinstance(e, dict) or "source" not in e or "target" not in e:
            raise MusicnetError(f"{path}: link {i + 1} needs a 'source' and a 'target'.")
        ends = []
        for end in (e["source"], e["target"]):
            # d3 replaces ids with node objects or indexes once it has run
            if isinstance(end, dict):
                end = end.get("id")
            elif isinstance(end, int) and not isinstance(end, bool) and 0 <= end < len(
                    nodes) and not any(nd.key == str(end) for nd in nodes):
                end = nodes[end].key
            ends.append(str(end))
        edges.append(_Edge(ends[0], ends[1], {k: x for k, x in e.items()
                                              if k not in ("source", "target")}, directed))
    return _convert("node-link JSON file", nodes, edges)


def _kumu_blueprint(data: dict[str, Any], path: Path) -> Imported:
    """A Kumu JSON blueprint: ``elements`` (label, id, type, description, tags, custom keys;
    a project backup nests them in ``attributes``) and ``connections`` (from, to,
    direction, ...), read like the spreadsheet."""
    special = {"id": "ID", "_id": "ID", "label": "Label", "from": "From", "to": "To",
               "direction": "Direction"}

    def record(item: Any, what: str, i: int) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise MusicnetError(f"{path}: {what} {i + 1} is not an object.")
        flat = {**item, **(item.get("attributes") or {})}
        flat.pop("attributes", None)
        out: dict[str, Any] = {}
        for k, v in flat.items():
            if isinstance(v, list):
                v = "|".join(str(x) for x in v)
            elif isinstance(v, dict):
                continue  # positions, styles
            out[special.get(str(k).lower(), str(k))] = v
        return out

    connections = data.get("connections") or []
    if not isinstance(connections, list):
        raise MusicnetError(f"{path}: 'connections' must be a list.")
    elements = [record(e, "element", i) for i, e in enumerate(data["elements"])]
    links = [record(c, "connection", i) for i, c in enumerate(connections)]
    return _from_kumu([("elements", elements), ("connections", links)],
                      "Kumu blueprint (JSON)")


def _kumu_table(rows: list[list[Any]], where: str) -> tuple[str, list[dict[str, Any]]]:
    """Which Kumu table these rows are ('elements' or 'connections') and their records."""
    while rows and not any(_text(c) for c in rows[0]):
        rows = rows[1:]
    if not rows:
        return "empty", []
    header = [_text(c) for c in rows[0]]
    keys = [_key(h) for h in header]
    if "from" in keys and "to" in keys:
        kind = "connections"
    elif "label" in keys:
        kind = "elements"
    else:
        raise MusicnetError(f"{where} is not a Kumu sheet: its first row needs 'Label' "
                            "(elements) or 'From' and 'To' (connections); found "
                            + ", ".join(h for h in header if h)[:200] + ".")
    records = []
    for row in rows[1:]:
        if not any(_text(c) for c in row):
            continue
        records.append({h: row[i] if i < len(row) else None
                        for i, h in enumerate(header) if h})
    return kind, records


def _ends(cell: str, keys: set[str], by_label: dict[str, str]) -> list[str]:
    """The elements a Kumu From/To cell names: Kumu splits the cell on ``|`` (several
    connections at once); a cell that is exactly one element's ID or label is kept whole,
    so a ``|`` inside a name does not split it. Labels are turned into IDs."""
    parts = [cell] if cell in keys or cell in by_label else [p.strip() for p in cell.split("|")]
    return [p if p in keys else by_label.get(p, p) for p in parts if p]


def _from_kumu(tables: list[tuple[str, list[dict[str, Any]]]], kind: str) -> Imported:
    elements = [r for k, recs in tables if k == "elements" for r in recs]
    connections = [r for k, recs in tables if k == "connections" for r in recs]
    if not elements:
        raise MusicnetError(f"the {kind} has no elements (a sheet or file whose first row "
                            "has 'Label').")
    has_id = any(_text(r.get("ID")) for r in elements)
    nodes = []
    by_label: dict[str, str] = {}
    for r in elements:
        label = _text(r.get("Label"))
        key = _text(r.get("ID")) if has_id else label
        if not key:
            continue
        by_label.setdefault(label, key)
        nodes.append(_Node(key, label, {k: v for k, v in r.items()
                                        if k not in ("ID", "Label")}))
    keys = {n.key for n in nodes}
    edges = []
    for r in connections:
        direction = _key(_text(r.get("Direction")) or "directed")
        attrs = {k: v for k, v in r.items() if k not in ("ID", "From", "To", "Direction")}
        for a in _ends(_text(r.get("From")), keys, by_label):
            for b in _ends(_text(r.get("To")), keys, by_label):
                edges.append(_Edge(a, b, attrs, directed=direction not in ("mutual",
                                                                            "undirected")))
    return _convert(kind, nodes, edges)


def _read_kumu_xlsx(path: Path) -> Imported:
    from .loader import _WorkbookRefused, open_workbook

    try:
        wb = open_workbook(path)  # checked first: a small crafted file cannot blow up
    except _WorkbookRefused as exc:
        raise MusicnetError(f"{path} {exc} {exc.suggestion}".rstrip()) from exc
    try:
        names = [n.strip().lower() for n in wb.sheetnames]
        if "organisations" in names and "referrals" in names:
            raise MusicnetError(f"{path} is already a musicnet workbook (organisations and "
                                "referrals sheets): give it to any command as it is, e.g. "
                                f"musicnet check {path}")
        tables = []
        for ws in wb.worksheets:
            if "(ignore)" in ws.title.lower():
                continue  # Kumu's rule: such sheets are not imported
            try:
                rows = [list(r) for r in ws.iter_rows(values_only=True)]
            except Exception as exc:  # a part openpyxl cannot parse: bad data, not a bug
                raise MusicnetError(f"{path} [{ws.title}] cannot be read "
                                    f"({type(exc).__name__}: {exc}).") from exc
            kind, records = _kumu_table(rows, f"{path} [{ws.title}]")
            tables.append((kind, records))
    finally:
        wb.close()
    return _from_kumu(tables, "Kumu workbook")


def _read_csv(path: Path) -> list[list[str]]:
    from .loader import sniff_delimiter

    _too_big(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))


def _kumu_csv_pair(folder: Path) -> tuple[Path, Path] | None:
    csvs = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    el = [p for p in csvs if "element" in p.name.lower()]
    co = [p for p in csvs if "connection" in p.name.lower()]
    return (el[0], co[0]) if el and co else None


def _read_kumu_csv(elements: Path, connections: Path | None) -> Imported:
    tables = [_kumu_table(_read_csv(elements), str(elements))]
    if connections is not None:
        tables.append(_kumu_table(_read_csv(connections), str(connections)))
    return _from_kumu(tables, "Kumu export (CSV)")


def _records(path: Path, *, guarded: bool = False) -> list[dict[str, str]]:
    """The rows of a CSV file as dicts by normalised header; ``guarded`` undoes the formula
    guard of musicnet's own CSV tables."""
    rows = _read_csv(path)
    if not rows:
        return []
    header = [_key(h) for h in rows[0]]
    fix = unguard if guarded else (lambda t: t)
    return [{h: fix(row[i]) if i < len(row) else "" for i, h in enumerate(header) if h}
            for row in rows[1:] if any(c.strip() for c in row)]


def _read_tables(folder: Path) -> Imported:
    """The folder of tables ``musicnet export --format csv`` writes (organisations.csv and
    routes.csv, with the formula guard's apostrophes removed again)."""
    nodes = [_Node(r.get("id", ""), r.get("name", ""),
                   {k: v for k, v in r.items() if k not in ("id", "name")})
             for r in _records(folder / "organisations.csv", guarded=True)]
    edges = [_Edge(r.get("source", ""), r.get("target", ""),
                   {k: v for k, v in r.items() if k not in ("source", "target")})
             for r in _records(folder / "routes.csv", guarded=True)]
    return _convert("musicnet CSV export", nodes, edges)


def _read_hsds(folder: Path) -> Imported:
    """Open Referral UK / HSDS: organizations.csv, with services.csv (and, if present,
    locations.csv, physical_addresses.csv and service_at_locations.csv) folded in."""
    def table(name: str) -> list[dict[str, str]]:
        for cand in (f"{name}.csv", f"{name}s.csv"):
            if (folder / cand).is_file():
                return _records(folder / cand)
        return []

    organizations = table("organizations")
    services = table("services")
    if not organizations and services:  # a services-only directory: one per service
        organizations = [{"id": s.get("id", ""), "name": s.get("name", ""),
                          "description": s.get("description", ""), "url": s.get("url", ""),
                          "email": s.get("email", "")} for s in services]
        services = []
    if not organizations:
        raise MusicnetError(f"{folder} has no organizations.csv (Open Referral UK / HSDS).")
    locations = {r.get("id"): r for r in table("locations")}
    addresses = {r.get("location_id"): r for r in table("physical_addresses")}
    service_locations: dict[str, list[str]] = {}
    for r in table("service_at_locations"):
        service_locations.setdefault(r.get("service_id", ""), []).append(
            r.get("location_id", ""))
    eligibility = {r.get("service_id"): r for r in table("eligibilitys") or table("eligibility")}
    nodes = []
    for o in organizations:
        attrs: dict[str, Any] = {k: v for k, v in o.items()
                                 if k not in ("id", "name", "logo", "uri")}
        own = [s for s in services if s.get("organization_id") == o.get("id")]
        if own:
            attrs["services"] = "; ".join(s.get("name", "") for s in own if s.get("name"))
        for s in own:
            for k in ("minimum_age", "maximum_age"):
                value = s.get(k) or eligibility.get(s.get("id"), {}).get(k, "")
                if value and k not in attrs:
                    attrs[k] = value
            for loc_id in service_locations.get(s.get("id", ""), []):
                loc, addr = locations.get(loc_id, {}), addresses.get(loc_id, {})
                for src, dst in (("latitude", "latitude"), ("longitude", "longitude")):
                    if loc.get(src) and dst not in attrs:
                        attrs[dst] = loc[src]
                if addr.get("postal_code") and "postal_code" not in attrs:
                    attrs["postal_code"] = addr["postal_code"]
                for k in ("city", "state_province", "region", "address_2"):
                    if addr.get(k) and _borough(addr[k]) and "borough" not in attrs:
                        attrs["borough"] = addr[k]
        nodes.append(_Node(o.get("id", "") or o.get("name", ""), o.get("name", ""), attrs))
    result = _convert("Open Referral UK / HSDS directory", nodes, [])
    result.warnings = [w for w in result.warnings if not w.startswith("no routes")]
    result.warnings.append("HSDS lists services, not referral routes: add the routes "
                           "between organisations to referrals.csv.")
    return result


def read_source(path: str | Path) -> Imported:
    """Read any supported source (see the module docstring) into :class:`Imported`.

    Raises :class:`~musicnet.errors.MusicnetError` with a plain explanation if the source
    is missing, of an unknown kind or damaged.
    """
    from ._files import odd_input

    path = Path(path)
    odd = odd_input(path)
    if odd:
        raise MusicnetError(f"{path} is {odd}, not a file or folder: give the file or "
                            "folder to import.")
    if not path.exists():
        raise MusicnetError(f"{path} not found.")
    if path.is_dir():
        names = {p.name.lower() for p in path.iterdir()}
        if {"organizations.csv", "services.csv"} & names:
            return _read_hsds(path)
        pair = _kumu_csv_pair(path)
        if pair:
            return _read_kumu_csv(*pair)
        if {"organisations.csv", "routes.csv"} <= names and "referrals.csv" not in names:
            return _read_tables(path)
        if {"organisations.csv", "referrals.csv"} <= names:
            raise MusicnetError(f"{path} is already a musicnet data folder: give it to any "
                                f"command as it is, e.g. musicnet check {path}")
        raise MusicnetError(f"{path} holds no file musicnet can import: expected Kumu's "
                            "Elements and Connections CSV files, or Open Referral UK / HSDS "
                            "organizations.csv and services.csv.")
    _too_big(path)
    suffix = path.suffix.lower()
    if suffix == ".gexf":
        return _read_gexf(path)
    if suffix in (".graphml", ".xml"):
        return _read_graphml(path)
    if suffix == ".json":
        return _read_json(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_kumu_xlsx(path)
    if suffix == ".csv":
        lower = path.name.lower()
        if lower in ("organizations.csv", "services.csv"):
            return _read_hsds(path.parent)
        pair = _kumu_csv_pair(path.parent)
        if "connection" in lower:
            raise MusicnetError(f"{path} holds only connections: give the Elements CSV, or "
                                "the folder holding both files.")
        return _read_kumu_csv(path, pair[1] if pair else None)
    raise MusicnetError(f"cannot import {path.name}: musicnet imports Kumu workbooks (.xlsx) "
                        "and CSV files, GEXF (.gexf), GraphML (.graphml), node-link JSON "
                        "(.json) and Open Referral UK / HSDS folders.")


def _data_csv(rows: list[dict[str, str]], columns: list[str]) -> str:
    """A data file for Excel: text Excel would run as a formula is guarded
    (:func:`musicnet.export.csv_cell`); the loader reads it back without the guard."""
    from .export import csv_cell

    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 correctly only with the byte-order mark
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([csv_cell(row.get(c, "")) for c in columns])
    return buf.getvalue()


def import_files(source: str | Path, out_dir: str | Path, *, force: bool = False
                 ) -> tuple[dict[Path, str], Imported]:
    """The files ``musicnet import`` writes into ``out_dir`` (``organisations.csv``,
    ``referrals.csv`` and, when something needs attention, ``import-report.txt``), and the
    :class:`Imported` result.

    Refuses an ``out_dir`` that already exists and is not empty unless ``force``, and never
    writes over the source itself.
    """
    from ._files import odd_input

    source, out = Path(source), Path(out_dir)
    if out.exists() and not out.is_dir():
        odd = odd_input(out)
        raise OutputRefused(f"cannot import into {out}: it is {odd or 'a file'}, not a "
                            "folder. Give a folder to import into.")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputRefused(f"{out} already exists and is not empty; nothing was written. "
                            "Give a new folder, or add --force to replace its "
                            "organisations.csv and referrals.csv.")
    result = read_source(source)
    files: dict[Path, str] = {
        out / "organisations.csv": _data_csv(result.organisations,
                                             [c.name for c in schema.ORGANISATION_COLUMNS]),
        out / "referrals.csv": _data_csv(result.referrals,
                                         [c.name for c in schema.REFERRAL_COLUMNS]),
    }
    if result.missing or result.warnings:
        files[out / "import-report.txt"] = result.report().replace("\n", "\r\n") + "\r\n"
    inputs = {p.resolve() for p in ([source] if source.is_file() else source.iterdir())}
    clash = [p for p in files if p.resolve() in inputs]
    if clash:
        raise OutputRefused(f"importing would overwrite the source file {clash[0]}; give "
                            "another folder with -o.")
    return files, result
