"""Files for the tools the sector already uses: Gephi, yEd, Cytoscape, Kumu, Excel.

Every export carries the organisations' fields, the analysis flags (dead end, progression
gap, bridge organisation, isolated, fragile route) and the map's ladder-layout positions,
follows the privacy rules (no contact emails or notes unless ``include_private``; counts
of young people below ``suppress_below`` shown as "fewer than N") and is byte-identical for
the same input. Spreadsheet cells are formula-safe.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._files import xml_safe
from .errors import OutputRefused
from .findings import FINDING
from .privacy import privacy_line, suppressed
from .schema import STAGES, hub_area

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .network import Network

__all__ = ["FORMATS", "SUFFIXES", "check_output_name", "csv_cell", "export_files",
           "export_graph", "format_for", "kumu_multi"]

FORMATS = ("graphml", "gexf", "json", "kumu", "csv")
_clean = xml_safe
_FIXED_TIME = "2000-01-01T00:00:00Z"


def export_graph(net: Network, *, include_private: bool = False, suppress_below: int = 5,
                 result: dict[str, Any] | None = None) -> nx.DiGraph:
    """A networkx DiGraph ready for export: every route (any status) as an edge, plain
    scalar attributes only (lists joined with ';'), missing and empty values left out.

    The graph carries one attribute, ``privacy``: what was left out (see
    :func:`musicnet.privacy.privacy_line`). Flags come from ``result`` (``net.analyse()``,
    computed when not given) through :func:`musicnet.findings.organisation_flags`.
    """
    import networkx as nx

    from .findings import fragile_routes, organisation_flags
    from .layout import ladder_layout

    if result is None:
        result = net.analyse()
    pos = ladder_layout(net)
    flags = organisation_flags(net, result)
    fragile = fragile_routes(result)
    g = nx.DiGraph(privacy=privacy_line(include_private, suppress_below))
    for v, o in net.orgs.items():
        attrs: dict[str, Any] = {}
        for key, value in o.to_dict(private=include_private).items():
            if key in ("id", "role_derived"):
                continue
            if isinstance(value, list):
                value = ";".join(value)
            value = _clean(value)
            if value is None or value == "":
                continue
            attrs[key] = value
        area = hub_area(o.borough)
        attrs.update(label=_clean(o.name), highest_stage=STAGES[o.highest_level])
        if area:
            attrs["hub_area"] = area
        f = flags[v]
        attrs.update(dead_end=f.dead_end, progression_gap=f.progression_gap,
                     bridge_organisation=f.bridge_organisation, cut_off=f.cut_off,
                     isolated=f.isolated,
                     x=float(pos[v][0]), y=float(pos[v][1]))
        g.add_node(v, **attrs)
    for r in net.routes:
        e: dict[str, Any] = {"kind": r.kind, "status": r.status,
                             "bridge": (r.source, r.target) in fragile}
        people = suppressed(r.young_people_per_year, suppress_below)
        if people is not None:
            e["young_people"] = people
            if not people.startswith("fewer"):
                e["young_people_per_year"] = r.young_people_per_year
        if r.since and _clean(r.since):
            e["since"] = _clean(r.since)
        if r.ended:
            e["ended"] = r.ended
        if r.evidence:
            e["evidence"] = r.evidence
        if include_private and r.notes and _clean(r.notes):
            e["notes"] = _clean(r.notes)
        g.add_edge(r.source, r.target, **e)
    return g


def _graphml(g: nx.DiGraph) -> bytes:
    """GraphML 1.1 as networkx writes it. Key ids are networkx's ``d0``, ``d1``...: named
    ids would clash where a node and a route share an attribute name (``notes``), which the
    GraphML schema forbids; every reader shows the ``attr.name`` anyway."""
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(g, buf, named_key_ids=False)
    return buf.getvalue()


_GEXF_NS = "http://www.gexf.net/1.2draft"
_VIZ_NS = "http://www.gexf.net/1.2draft/viz"
_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def _gexf_type(values: list[Any]) -> str:
    if all(isinstance(x, bool) for x in values):
        return "boolean"
    if all(isinstance(x, int) and not isinstance(x, bool) for x in values):
        return "integer"
    if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in values):
        return "double"
    return "string"


def _gexf_value(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(value)


def _gexf(g: nx.DiGraph) -> bytes:
    """GEXF 1.2draft, valid against the official schema: the privacy note is the file's
    ``<meta><description>`` (GEXF 1.2 has no graph attributes), each node's ``label`` is
    its name, the layout is ``<viz:position>`` (y pointing up, as Gephi draws it), and
    attributes with no value are left out rather than written empty."""
    from xml.etree import ElementTree as ET

    ET.register_namespace("", _GEXF_NS)
    ET.register_namespace("viz", _VIZ_NS)
    ET.register_namespace("xsi", _XSI_NS)

    def q(tag: str, ns: str = _GEXF_NS) -> str:
        return f"{{{ns}}}{tag}"

    root = ET.Element(q("gexf"), {
        "version": "1.2",
        q("schemaLocation", _XSI_NS): f"{_GEXF_NS} http://www.gexf.net/1.2draft/gexf.xsd"})
    meta = ET.SubElement(root, q("meta"))
    ET.SubElement(meta, q("creator")).text = "musicnet"
    ET.SubElement(meta, q("description")).text = g.graph["privacy"]
    graph = ET.SubElement(root, q("graph"), defaultedgetype="directed", mode="static")

    def declare(cls: str, rows: list[dict[str, Any]], skip: tuple[str, ...]) -> dict[str, str]:
        names = [k for k in dict.fromkeys(k for d in rows for k in d) if k not in skip]
        types = {k: _gexf_type([d[k] for d in rows if k in d]) for k in names}
        if names:
            block = ET.SubElement(graph, q("attributes"), {"class": cls, "mode": "static"})
            for k in names:
                ET.SubElement(block, q("attribute"), id=k, title=k, type=types[k])
        return types

    node_types = declare("node", [d for _, d in g.nodes(data=True)], ("label",))
    edge_types = declare("edge", [d for *_, d in g.edges(data=True)], ())

    def attvalues(parent: ET.Element, data: dict[str, Any], types: dict[str, str]) -> None:
        present = [k for k in types if k in data]
        if present:
            block = ET.SubElement(parent, q("attvalues"))
            for k in present:
                ET.SubElement(block, q("attvalue"), {"for": k,
                                                     "value": _gexf_value(data[k], types[k])})

    nodes = ET.SubElement(graph, q("nodes"), count=str(g.number_of_nodes()))
    for v, d in g.nodes(data=True):
        node = ET.SubElement(nodes, q("node"), id=str(v), label=str(d.get("label", v)))
        attvalues(node, d, node_types)
        ET.SubElement(node, q("position", _VIZ_NS), x=repr(d["x"]), y=repr(-d["y"] + 0.0),
                      z="0.0")
    edges = ET.SubElement(graph, q("edges"), count=str(g.number_of_edges()))
    for i, (s, t, d) in enumerate(g.edges(data=True)):
        edge = ET.SubElement(edges, q("edge"), id=str(i), source=str(s), target=str(t))
        attvalues(edge, d, edge_types)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _json(g: nx.DiGraph) -> str:
    """Node-link JSON in the classic shape every networkx version and d3 read:
    ``{"directed", "multigraph", "graph", "nodes": [{"id", ...}], "links": [{"source",
    "target", ...}]}``. Built here rather than with ``nx.node_link_data``, whose
    arguments changed between networkx 3.3 and 3.4."""
    data = {
        "directed": True,
        "multigraph": False,
        "graph": dict(g.graph),
        "nodes": [{"id": v, **d} for v, d in g.nodes(data=True)],
        "links": [{"source": s, "target": t, **d} for s, t, d in g.edges(data=True)],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite an .xlsx (a zip) with fixed timestamps so the bytes depend only on content."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                                 rb"\g<1>" + _FIXED_TIME.encode(), content)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, content)
    return out.getvalue()


def _append_text_row(ws: Any, row: list[Any]) -> None:
    """Append a row to an openpyxl sheet with every string stored as a text cell: a text
    cell is never run as a formula, so no apostrophe is needed (openpyxl alone would turn
    a name starting with '=' into a formula)."""
    ws.append([_clean(c) for c in row])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _words(value: str) -> str:
    return value.replace("_", " ")


def kumu_multi(values: list[str] | tuple[str, ...]) -> str:
    """Several values in one Kumu cell: Kumu splits cells on ``|`` (its documented
    multi-value separator), so values are joined with ``|``.

    >>> kumu_multi(["first access", "participation"])
    'first access|participation'
    """
    return "|".join(values)


#: Kumu's Elements sheet: column header -> organisation field (custom fields after the
#: pre-named ID, Label, Type, Description, Tags). The importer reads the same names.
KUMU_ELEMENT_FIELDS: dict[str, str] = {
    "Remit": "remit", "Pathfinders Role": "role", "Stages": "stages",
    "Borough": "borough", "Target Groups": "target_groups", "Genres": "genres",
    "Age Min": "age_min", "Age Max": "age_max", "Postcode": "postcode",
    "Latitude": "lat", "Longitude": "lon", "Website": "website",
    "IMD Decile": "imd_decile", "Email": "contact_email", "Aliases": "aliases",
}


#: Kumu tags: finding key -> node attribute (tag text from the findings table).
_TAGS = (("dead_ends", "dead_end"), ("progression_gaps", "progression_gap"),
         ("bridge_organisations", "bridge_organisation"), ("isolated", "isolated"))


def _kumu(net: Network, g: nx.DiGraph, include_private: bool) -> bytes:
    """A Kumu import workbook following Kumu's documented spreadsheet rules:

    - ``Elements`` has ``ID`` in column A (Kumu's rule for stable ids; ``Label`` follows),
      then Type, Description, Tags and custom fields; ``Connections`` has ``ID``, ``From``,
      ``To`` with From/To holding element IDs (required once elements have IDs), and a
      ``Direction`` of ``directed`` so referral routes get arrows. Connection IDs make a
      later re-import update routes instead of duplicating them.
    - Multi-value cells (Tags, Stages, Target Groups, Genres, Aliases) are joined with ``|``. Ids
      never contain ``|``, so a ``|`` in a name cannot split a connection.
    - The explanatory sheet is named ``About (ignore)`` so Kumu skips it.
    - Every string is a text cell, so nothing is run as a formula and no apostrophe is
      added.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Elements"
    custom = ["Remit", "Pathfinders Role", "Stages", "Highest Stage", "Borough", "Hub Area",
              "Target Groups", "Genres", "Aliases", "Age Min", "Age Max", "Postcode", "Latitude",
              "Longitude", "Website", "IMD Decile", *(["Email"] if include_private else []),
              "Dead End", "Progression Gap", "Bridge Organisation", "Cut Off", "Isolated"]
    _append_text_row(ws, ["ID", "Label", "Type", "Description", "Tags", *custom])
    for v, o in net.orgs.items():
        d = g.nodes[v]
        tags = [_words(o.remit), _words(o.role)]
        tags += [FINDING[key].singular for key, attr in _TAGS if d[attr]]
        row = [v, o.name, _words(o.type), o.notes if include_private else None,
               kumu_multi(tags), o.remit, o.role,
               kumu_multi([_words(s) for s in o.stages]), _words(d["highest_stage"]),
               o.borough, d.get("hub_area"),
               kumu_multi([_words(t) for t in o.target_groups]), kumu_multi(list(o.genres)),
               kumu_multi(list(o.aliases)),
               o.age_min, o.age_max, o.postcode, o.lat, o.lon, o.website, o.imd_decile,
               *([o.contact_email] if include_private else []),
               d["dead_end"], d["progression_gap"], d["bridge_organisation"], d["cut_off"],
               d["isolated"]]
        _append_text_row(ws, [None if c == "" else c for c in row])
    wc = wb.create_sheet("Connections")
    _append_text_row(wc, ["ID", "From", "To", "Type", "Direction", "Status", "Fragile Route",
                          "Young People", "Young People Per Year", "Since", "Ended",
                          "Evidence", "Description"])
    for s, t, e in g.edges(data=True):
        _append_text_row(wc, [f"{s}->{t}", s, t, e["kind"], "directed", e["status"],
                              e["bridge"], e.get("young_people"),
                              e.get("young_people_per_year"), e.get("since"),
                              e.get("ended"), e.get("evidence"), e.get("notes")])
    about = wb.create_sheet("About (ignore)")
    _append_text_row(about, ["Made with musicnet for import into Kumu (kumu.io): drag this "
                             "file onto a map, or + > Import. Kumu skips this sheet because "
                             "its name ends in (ignore)."])
    _append_text_row(about, [g.graph["privacy"]])
    for sheet in (ws, wc):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "B2"
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue())


#: Text a spreadsheet would run as a formula; apostrophes before such text are guarded too,
#: so that ``musicnet import`` can remove exactly one and get the original back.
_FORMULA_LIKE = re.compile(r"^'*[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def csv_cell(value: Any) -> str:
    r"""A value as a CSV cell for Excel: ``None`` is empty, lists are joined with ``;``,
    ``True``/``False`` stay as words, and text a spreadsheet would run as a formula (it
    starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return, possibly after
    apostrophes) gets a leading apostrophe. Numbers, including negative ones, are never
    changed.

    >>> csv_cell("-3 Degrees Choir"), csv_cell("-0.151"), csv_cell(-3), csv_cell(["a", "b"])
    ("'-3 Degrees Choir", '-0.151', '-3', 'a;b')
    """
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    text = str(value)
    if _NUMBER.match(text) or not _FORMULA_LIKE.match(text):
        return text
    return "'" + text


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A CSV table as Excel expects it: UTF-8 with a byte-order mark (so Excel does not
    read 'Café' as 'CafÃ©'), CRLF line ends, formula-safe text."""
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([csv_cell(row.get(c)) for c in columns])
    return buf.getvalue()


def _csv_tables(net: Network, g: nx.DiGraph, result: dict[str, Any]) -> dict[str, str]:
    org_cols = ["id", "name", *[c for c in dict.fromkeys(
        k for _, d in g.nodes(data=True) for k in d) if c not in ("label", "name")]]
    orgs = [{"id": v, **d} for v, d in g.nodes(data=True)]
    edge_cols = ["source", "target", *dict.fromkeys(k for *_, d in g.edges(data=True)
                                                     for k in d)]
    routes = [{"source": s, "target": t, **d} for s, t, d in g.edges(data=True)]
    basic = ["id", "name", "borough", "remit"]
    chains = [{**r, "chain_break": k} for k, rows in result["pathfinder_chains"].items()
              for r in rows]
    reach = [{**{k: v for k, v in r.items() if k != "steps"},
              **{f"steps_to_{s}": r["steps"][s] for s in STAGES}}
             for r in result["stage_reach"]["organisations"]]
    cov = [{"borough": r["borough"], "hub_area": r["hub_area"],
            "organisations": r["organisations"], "majority_cc": r["majority_cc"],
            **{f"offering_{s}": r["by_stage"][s] for s in STAGES},
            "missing_stages": r["missing_stages"],
            "unreachable_stages": r["unreachable_stages"]}
           for r in result["borough_coverage"]["boroughs"]]
    cov_cols = ["borough", "hub_area", "organisations", "majority_cc",
                *(f"offering_{s}" for s in STAGES), "missing_stages", "unreachable_stages"]
    areas = [{**{k: v for k, v in r.items() if k != "by_stage"},
              **{f"offering_{s}": r["by_stage"][s] for s in STAGES}}
             for r in result["borough_coverage"]["hub_areas"]]
    return {
        "organisations.csv": _csv(orgs, org_cols),
        "routes.csv": _csv(routes, edge_cols),
        "dead_ends.csv": _csv(result["dead_ends"], basic),
        "progression_gaps.csv": _csv(result["progression_gaps"], [*basic, "highest_stage"]),
        "bridges.csv": _csv(result["bridges"],
                            ["source", "source_name", "target", "target_name"]),
        "bridge_organisations.csv": _csv(result["bridge_organisations"], [*basic, "cut_off"]),
        "isolated.csv": _csv(result["isolated"], basic),
        "pathfinder_chains.csv": _csv(chains, [*basic, "chain_break"]),
        "stage_reach.csv": _csv(reach, ["id", "name", "remit", "highest_stage_offered",
                                        "highest_stage_reachable",
                                        *(f"steps_to_{s}" for s in STAGES)]),
        "borough_coverage.csv": _csv(cov, cov_cols),
        "hub_area_coverage.csv": _csv(areas, ["hub_area", "organisations", "majority_cc",
                                              *(f"offering_{s}" for s in STAGES),
                                              "missing_stages", "unreachable_stages"]),
        "cold_spots.csv": _csv(result["cold_spots"]["organisations"],
                               ["id", "name", "borough", "imd_decile"]),
        "README.txt": ("Tables from musicnet (one per analysis), UTF-8 CSV for Excel. Text "
                       "that Excel would run as a formula starts with an apostrophe. "
                       + g.graph["privacy"] + "\r\n"),
    }


#: The file name ending each format is written with (csv writes a folder).
SUFFIXES: dict[str, str] = {"graphml": ".graphml", "gexf": ".gexf", "json": ".json",
                            "kumu": ".xlsx", "csv": ""}


def format_for(path: str | Path) -> str | None:
    """The export format a file name asks for, or ``None`` if its ending says nothing.

    >>> format_for("network.gexf"), format_for("kumu.xlsx"), format_for("tables")
    ('gexf', 'kumu', 'csv')
    """
    suffix = Path(path).suffix.lower()
    if not suffix:
        return "csv"
    if suffix == ".kumu":
        return "kumu"  # refused with the right name by check_output_name
    return next((f for f, s in SUFFIXES.items() if s and s == suffix), None)


def check_output_name(fmt: str, path: str | Path) -> None:
    """Refuse an output name whose ending does not match the format (a GraphML file
    called ``.gexf``, a Kumu workbook called ``.kumu``), with the name to use instead."""
    path = Path(path)
    suffix = path.suffix.lower()
    if fmt == "csv":
        if suffix in (".csv", ".xlsx", ".json", ".gexf", ".graphml"):
            raise OutputRefused(f"--format csv writes a folder of tables, but {path} looks "
                                f"like a file name. Give a folder, e.g. -o {path.with_suffix('')}")
        return
    want = SUFFIXES[fmt]
    if suffix != want:
        extra = (" Kumu imports Excel workbooks (.xlsx); there is no .kumu file."
                 if fmt == "kumu" else "")
        raise OutputRefused(f"--format {fmt} writes a {want} file, but the output name is "
                            f"{path.name}.{extra} Use -o {path.with_suffix(want)}")


def export_files(net: Network, fmt: str, path: str | Path, *, include_private: bool = False,
                 suppress_below: int = 5, result: dict[str, Any] | None = None
                 ) -> dict[Path, str | bytes]:
    """The files an export writes, as ``{path: content}`` (written atomically by the CLI).

    ``fmt`` is one of :data:`FORMATS`. For ``csv``, ``path`` is a folder that receives one
    table per analysis; for the others it is the file.

    >>> import musicnet
    >>> files = export_files(musicnet.load("data"), "graphml", "network.graphml")
    >>> list(files)
    [PosixPath('network.graphml')]
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    path = Path(path)
    if result is None:
        result = net.analyse()
    g = export_graph(net, include_private=include_private, suppress_below=suppress_below,
                     result=result)
    if fmt == "graphml":
        return {path: _graphml(g)}
    if fmt == "gexf":
        return {path: _gexf(g)}
    if fmt == "json":
        return {path: _json(g)}
    if fmt == "kumu":
        return {path: _kumu(net, g, include_private)}
    return {path / name: text for name, text in _csv_tables(net, g, result).items()}


def template_workbook() -> bytes:
    """An empty data workbook: ``organisations`` and ``referrals`` sheets with the right
    headers and drop-down lists of allowed values, a ``lists`` sheet those drop-downs read
    from, and a ``read me`` sheet describing every column. Fill it in and give its path
    to any musicnet command instead of a data folder."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from . import schema

    wb = Workbook()
    readme = wb.active
    readme.title = "read me"
    readme.column_dimensions["A"].width = 24
    readme.column_dimensions["B"].width = 100
    readme.append(["musicnet data workbook"])
    readme["A1"].font = Font(bold=True, size=14)
    readme.append(["Fill in the 'organisations' sheet (one row per organisation) and the "
                   "'referrals' sheet (one row per referral or signposting route). Then run, "
                   "for example: musicnet build my-network.xlsx"])
    readme.append(["Lists (stages, target groups, genres) are separated by ';'. Drop-downs "
                   "offer the allowed values; see docs/data.md for the full description."])
    lists = wb.create_sheet("lists")
    vocab = {"type": list(schema.TYPES), "remit": list(schema.REMITS),
             "role": list(schema.ROLES), "borough": list(schema.BOROUGHS),
             "stages": list(schema.STAGES), "target_groups": list(schema.TARGET_GROUPS),
             "kind": list(schema.KINDS), "status": list(schema.STATUSES)}
    ranges = {}
    for col, (name, values) in enumerate(vocab.items(), start=1):
        letter = get_column_letter(col)
        lists.cell(row=1, column=col, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=col, value=value)
        ranges[name] = f"lists!${letter}$2:${letter}${len(values) + 1}"
    for title, columns in (("organisations", schema.ORGANISATION_COLUMNS),
                           ("referrals", schema.REFERRAL_COLUMNS)):
        ws = wb.create_sheet(title)
        readme.append([])
        readme.append([f"Sheet '{title}'"])
        readme.cell(row=readme.max_row, column=1).font = Font(bold=True)
        for col, c in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=col, value=c.name)
            cell.font = Font(bold=True)
            ws.column_dimensions[get_column_letter(col)].width = max(12, len(c.name) + 4)
            readme.append([c.name, ("required: " if c.required else "optional: ")
                           + c.description])
            readme.cell(row=readme.max_row, column=2).alignment = Alignment(wrap_text=True)
            if c.name in ranges and c.name not in ("stages", "target_groups"):
                dv = DataValidation(type="list", formula1=ranges[c.name], allow_blank=True,
                                    showErrorMessage=True, errorTitle=f"Unknown {c.name}",
                                    error=f"Choose a {c.name} from the list.")
                letter = get_column_letter(col)
                dv.add(f"{letter}2:{letter}5000")
                ws.add_data_validation(dv)
            elif c.name in ("stages", "target_groups"):
                dv = DataValidation(type="custom", formula1="TRUE", allow_blank=True,
                                    showInputMessage=True, promptTitle=c.name,
                                    prompt=("Separate several with ';', from the '"
                                            + c.name + "' column of the lists sheet.")[:250])
                letter = get_column_letter(col)
                dv.add(f"{letter}2:{letter}5000")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
    wb.move_sheet("lists", offset=3)
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue())
