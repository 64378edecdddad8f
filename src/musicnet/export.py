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

from ._files import safe_cell, xml_safe
from .privacy import privacy_line, suppressed
from .schema import STAGES, hub_area

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .network import Network

__all__ = ["FORMATS", "export_files", "export_graph"]

FORMATS = ("graphml", "gexf", "json", "kumu", "csv")
_clean = xml_safe
_FIXED_TIME = "2000-01-01T00:00:00Z"


def export_graph(net: Network, *, include_private: bool = False, suppress_below: int = 5
                 ) -> nx.DiGraph:
    """A networkx DiGraph ready for export: every route (any status) as an edge, plain
    scalar attributes only (lists joined with ';', missing values left out)."""
    import networkx as nx

    from .analysis import bridge_organisations, bridges, dead_ends, isolated, progression_gaps
    from .layout import ladder_layout

    pos = ladder_layout(net)
    dead, gaps, iso = set(dead_ends(net)), set(progression_gaps(net)), set(isolated(net))
    cut = {b.id: b.cut_off for b in bridge_organisations(net)}
    fragile = set(bridges(net))
    g = nx.DiGraph(name="musicnet network",
                   privacy=privacy_line(include_private, suppress_below))
    for v, o in net.orgs.items():
        attrs: dict[str, Any] = {}
        for key, value in o.to_dict(private=include_private).items():
            if key in ("id", "role_derived") or value is None or value == "":
                continue
            attrs[key] = _clean(";".join(value) if isinstance(value, list) else value)
        attrs.update(
            label=_clean(o.name), hub_area=hub_area(o.borough) or "", highest_stage=STAGES[
                o.highest_level], dead_end=v in dead, progression_gap=v in gaps,
            bridge_organisation=v in cut, cut_off=cut.get(v, 0), isolated=v in iso,
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
        if r.since:
            e["since"] = _clean(r.since)
        if r.evidence:
            e["evidence"] = r.evidence
        if include_private and r.notes:
            e["notes"] = _clean(r.notes)
        g.add_edge(r.source, r.target, **e)
    return g


def _graphml(g: nx.DiGraph) -> bytes:
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(g, buf, named_key_ids=True)
    return buf.getvalue()


def _gexf(g: nx.DiGraph) -> bytes:
    import networkx as nx

    h = g.copy()
    for _, d in h.nodes(data=True):
        d["viz"] = {"position": {"x": d["x"], "y": -d["y"], "z": 0.0}}
    buf = io.BytesIO()
    nx.write_gexf(h, buf)
    # the writer stamps today's date; a fixed one keeps the file byte-identical
    return re.sub(rb'lastmodifieddate="[^"]*"', b'lastmodifieddate="2000-01-01"',
                  buf.getvalue(), count=1)


def _json(g: nx.DiGraph) -> str:
    import networkx as nx

    data = nx.node_link_data(g, edges="edges")
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


def _unique_labels(net: Network) -> dict[str, str]:
    names = {v: _clean(o.name) for v, o in net.orgs.items()}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {v: name if counts[name] == 1 else f"{name} ({v})" for v, name in names.items()}


def _kumu(net: Network, g: nx.DiGraph) -> bytes:
    """A Kumu import workbook: Elements (Label, Type, Description, Tags, custom fields)
    and Connections (From, To, Type) sheets. Kumu matches connections to elements by
    label, so duplicate names get the id added."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    labels = _unique_labels(net)
    wb = Workbook()
    ws = wb.active
    ws.title = "Elements"
    custom = ["ID", "Remit", "Pathfinders Role", "Stages", "Highest Stage", "Borough",
              "Hub Area", "Target Groups", "Genres", "Age Min", "Age Max", "Website",
              "IMD Decile", "Dead End", "Progression Gap", "Bridge Organisation", "Cut Off",
              "Isolated"]
    ws.append(["Label", "Type", "Description", "Tags", *custom])
    for v, o in net.orgs.items():
        d = g.nodes[v]
        tags = [o.remit, o.role, *("dead end" for _ in [0] if d["dead_end"]),
                *("progression gap" for _ in [0] if d["progression_gap"]),
                *("bridge organisation" for _ in [0] if d["bridge_organisation"])]
        description = (f"{o.type.replace('_', ' ')} in {o.borough}; remit "
                       f"{o.remit.replace('_', ' ')}; stages "
                       f"{', '.join(s.replace('_', ' ') for s in o.stages)}")
        row = [labels[v], o.type.replace("_", " "), description, " | ".join(tags),
               v, o.remit, o.role, ";".join(o.stages), d["highest_stage"], o.borough,
               d["hub_area"], ";".join(o.target_groups), ";".join(o.genres), o.age_min,
               o.age_max, o.website, o.imd_decile, d["dead_end"], d["progression_gap"],
               d["bridge_organisation"], d["cut_off"], d["isolated"]]
        ws.append([safe_cell(_clean(c)) for c in row])
    wc = wb.create_sheet("Connections")
    wc.append(["From", "To", "Type", "Status", "Fragile Route", "Young People", "Since"])
    for s, t, e in g.edges(data=True):
        wc.append([safe_cell(c) for c in (labels[s], labels[t], e["kind"], e["status"],
                                          e["bridge"], e.get("young_people"),
                                          e.get("since"))])
    about = wb.create_sheet("About")
    about.append(["Made with musicnet for import into Kumu (kumu.io): Import > Excel."])
    about.append([g.graph["privacy"]])
    for sheet in (ws, wc):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue())


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([safe_cell("" if row.get(c) is None else
                              ";".join(row[c]) if isinstance(row.get(c), list) else row[c])
                    for c in columns])
    return buf.getvalue()


def _csv_tables(net: Network, g: nx.DiGraph) -> dict[str, str]:
    result = net.analyse()
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
        "README.txt": "Tables from musicnet (one per analysis). " + g.graph["privacy"] + "\n",
    }


def export_files(net: Network, fmt: str, path: str | Path, *, include_private: bool = False,
                 suppress_below: int = 5) -> dict[Path, str | bytes]:
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
    g = export_graph(net, include_private=include_private, suppress_below=suppress_below)
    if fmt == "graphml":
        return {path: _graphml(g)}
    if fmt == "gexf":
        return {path: _gexf(g)}
    if fmt == "json":
        return {path: _json(g)}
    if fmt == "kumu":
        return {path: _kumu(net, g)}
    return {path / name: text for name, text in _csv_tables(net, g).items()}


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
