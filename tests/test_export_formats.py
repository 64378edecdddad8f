"""Exports checked against the real formats: the official GEXF and GraphML schemas, Kumu's
documented import rules, what Excel expects of a CSV, and node-link JSON as every allowed
networkx version reads it."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from hypothesis import given
from lxml import etree
from openpyxl import load_workbook

import musicnet
from musicnet.cli import cli
from musicnet.export import export_files, export_graph
from musicnet.model import Route

from .conftest import ROOT, SAMPLE, net_of, node_link_graph, org
from .test_fuzz import FUZZ, hostile_networks

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture(scope="module")
def gexf_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "gexf-1.2draft-viz-ns-fixed" / "gexf.xsd")))


@pytest.fixture(scope="module")
def graphml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml-1.1" / "graphml.xsd")))


def _content(net, fmt: str, **kw) -> bytes:
    (_, data), = export_files(net, fmt, f"n.{fmt}", **kw).items()
    return data if isinstance(data, bytes) else data.encode()


def _valid(schema: etree.XMLSchema, data: bytes) -> None:
    doc = etree.parse(io.BytesIO(data))
    assert schema.validate(doc), schema.error_log


@pytest.mark.parametrize("private", [False, True])
def test_sample_exports_validate_against_official_schemas(sample_net, gexf_schema,
                                                           graphml_schema, private):
    kw = {"include_private": private, "suppress_below": 0 if private else 5}
    _valid(gexf_schema, _content(sample_net, "gexf", **kw))
    _valid(graphml_schema, _content(sample_net, "graphml", **kw))


def test_schemas_catch_what_was_wrong(gexf_schema, graphml_schema, sample_net):
    """The schemas reject the faults the exports used to have, so the tests above can fail."""
    gexf = _content(sample_net, "gexf").replace(b'defaultedgetype="directed"',
                                                b'defaultedgetype="directed" name="x"', 1)
    assert not gexf_schema.validate(etree.parse(io.BytesIO(gexf)))
    buf = io.BytesIO()
    g = export_graph(sample_net, include_private=True)
    g.graph["name"] = "musicnet network"
    nx.write_graphml(g, buf, named_key_ids=True)  # node 'name' and graph 'name': same key id
    assert not graphml_schema.validate(etree.parse(io.BytesIO(buf.getvalue())))


@FUZZ
@given(hostile_networks())
def test_fuzzed_exports_validate_against_official_schemas(gexf_schema, graphml_schema, net):
    for private in (False, True):
        _valid(gexf_schema, _content(net, "gexf", include_private=private))
        _valid(graphml_schema, _content(net, "graphml", include_private=private))


def _promised() -> set[str]:
    """The attribute names docs/report.md promises for every graph export."""
    text = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    section = text[text.index("Every graph export"):text.index("- **GraphML**")]
    return set(re.findall(r"`([a-z_]+)`", section))


def test_every_attribute_the_docs_promise_is_in_every_graph_export(sample_net):
    sample_net = musicnet.Network(list(sample_net.orgs.values()),
                                  [replace(r, notes=r.notes or "a note")
                                   for r in sample_net.routes])
    promised = _promised()
    edge_attrs = {"kind", "status", "bridge", "young_people", "since", "notes"}
    node_attrs = promised - edge_attrs - {"privacy"}
    assert {"privacy", "name", "stages", "dead_end", "progression_gap", "bridge_organisation",
            "cut_off", "isolated", "highest_stage", "hub_area", "x", "y"} <= promised
    assert edge_attrs <= promised
    kw = {"include_private": True, "suppress_below": 0}
    gexf = etree.fromstring(_content(sample_net, "gexf", **kw))
    ns = {"g": "http://www.gexf.net/1.2draft"}
    declared = {c: {a.get("title") for a in gexf.findall(f".//g:attributes[@class='{c}']/"
                                                         "g:attribute", ns)}
                for c in ("node", "edge")}
    assert node_attrs <= declared["node"] and edge_attrs <= declared["edge"]
    assert "Contact emails and notes are included" in gexf.find("g:meta/g:description",
                                                                ns).text
    gml = etree.fromstring(_content(sample_net, "graphml", **kw))
    gns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {(k.get("for"), k.get("attr.name")) for k in gml.findall("g:key", gns)}
    assert {("node", a) for a in node_attrs} <= keys
    assert {("edge", a) for a in edge_attrs} <= keys and ("graph", "privacy") in keys
    data = json.loads(_content(sample_net, "json", **kw))
    assert "privacy" in data["graph"]
    assert all(node_attrs - {"hub_area"} <= set(n) for n in data["nodes"])
    assert all({"kind", "status", "bridge"} <= set(e) for e in data["links"])
    assert edge_attrs <= {k for e in data["links"] for k in e}


def test_missing_values_are_left_out_not_written_empty(sample_net):
    gexf = _content(sample_net, "gexf")
    assert b'value=""' not in gexf and b"<graph " in gexf and b' name="' not in gexf
    gml = _content(sample_net, "graphml")
    assert not re.search(rb"<data key=\"d\d+\"\s*/>|<data key=\"d\d+\"></data>", gml)
    no_groups = [v for v, o in sample_net.orgs.items() if not o.target_groups]
    assert no_groups
    g = export_graph(sample_net)
    assert all("target_groups" not in g.nodes[v] for v in no_groups)
    assert all(x != "" for _, d in g.nodes(data=True) for x in d.values())


def test_json_is_classic_node_link_that_networkx_reads(sample_net):
    data = json.loads(_content(sample_net, "json"))
    assert set(data) == {"directed", "multigraph", "graph", "nodes", "links"}
    assert data["directed"] is True and data["multigraph"] is False
    assert all({"source", "target"} <= set(link) for link in data["links"])
    back = node_link_graph(data)
    g = export_graph(sample_net)
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    assert {(s, t): d for s, t, d in back.edges(data=True)} == \
        {(s, t): d for s, t, d in g.edges(data=True)}


# --- Kumu: read the workbook back the way Kumu's import guide describes ---------------


def kumu_read(data: bytes) -> tuple[dict[str, dict], list[dict]]:
    """Kumu's documented reading of an import workbook: sheets whose name contains
    '(ignore)' are skipped; headers are in row 1; an elements sheet starts with Label (or
    ID, and then connections' From/To hold IDs); a connections sheet starts with From, To
    (or ID, From, To); multi-value cells and From/To cells are split on '|'."""
    wb = load_workbook(io.BytesIO(data))
    elements: dict[str, dict] = {}
    connections: list[dict] = []
    for ws in wb.worksheets:
        if "(ignore)" in ws.title:
            continue
        rows = list(ws.iter_rows(values_only=True))
        header = list(rows[0])
        first = [h for h in header[:3]]
        if first[:2] == ["ID", "Label"] or first[0] == "Label":
            for row in rows[1:]:
                rec = dict(zip(header, row, strict=True))
                elements[rec.get("ID") or rec["Label"]] = rec
        else:
            assert first in (["ID", "From", "To"],) or first[:2] == ["From", "To"], first
            for row in rows[1:]:
                rec = dict(zip(header, row, strict=True))
                for a in str(rec["From"]).split("|"):
                    for b in str(rec["To"]).split("|"):
                        connections.append({**rec, "From": a, "To": b})
    return elements, connections


def test_kumu_workbook_follows_kumus_import_rules():
    names = ["Rock | Pop Collective", "-3 Degrees Choir", "@Home Beats", "=1+1 Crew",
             "Café Ünïcode"]
    orgs = [org(f"o{i}", "participation", name=n, target_groups=("send", "looked_after"),
                genres=("grime", "steel pan")) for i, n in enumerate(names)]
    orgs.append(org("top", "developing;advanced", name="Top | Flight"))
    n = net_of(orgs, [(f"o{i}", "top") for i in range(len(names))] + [("o0", "o1")])
    data = _content(n, "kumu", include_private=True)
    elements, connections = kumu_read(data)
    assert set(elements) == set(n.orgs)  # ID column: ids, not labels, identify elements
    assert {e["Label"] for e in elements.values()} == {o.name for o in n.orgs.values()}
    # one connection per route, with arrows, although names contain '|'
    assert sorted((c["From"], c["To"]) for c in connections) == sorted(
        (r.source, r.target) for r in n.routes)
    assert all(c["Direction"] == "directed" for c in connections)
    top = elements["top"]
    assert top["Stages"].split("|") == ["developing", "advanced"]
    assert elements["o0"]["Target Groups"].split("|") == ["send", "looked after"]
    assert elements["o0"]["Genres"].split("|") == ["grime", "steel pan"]
    assert "|" in elements["o0"]["Tags"]
    # text cells carry the name exactly: no apostrophe, and never a formula
    ws = load_workbook(io.BytesIO(data))["Elements"]
    for row in ws.iter_rows(min_row=2):
        assert row[1].data_type == "s" and not row[1].value.startswith("'")
    book = zipfile.ZipFile(io.BytesIO(data))
    assert not any(b"<f>" in book.read(name) for name in book.namelist())


def test_kumu_output_must_be_xlsx(tmp_path):
    """A wrong output name is a refused output: exit 2, as for map and report."""
    out = tmp_path / "net.kumu"
    res = CliRunner().invoke(cli, ["export", str(SAMPLE), "--format", "kumu", "-o", str(out)])
    assert res.exit_code == 2 and "net.xlsx" in res.output and "no .kumu file" in res.output
    assert not out.exists()
    res = CliRunner().invoke(cli, ["export", str(SAMPLE), "-o", str(out)])
    assert res.exit_code == 2 and "net.xlsx" in res.output and not out.exists()
    res = CliRunner().invoke(cli, ["export", str(SAMPLE), "--format", "gexf", "-o",
                                   str(tmp_path / "n.graphml")])
    assert res.exit_code == 2 and "n.gexf" in res.output
    res = CliRunner().invoke(cli, ["export", str(SAMPLE), "-o", str(tmp_path / "n.gexf")])
    assert res.exit_code == 0, res.output  # the format follows from the name
    assert (tmp_path / "n.gexf").read_bytes().startswith(b"<?xml")


# --- CSV for Excel -------------------------------------------------------------------


def test_csv_tables_are_what_excel_expects(tmp_path):
    names = ["Café Sounds", "-3 Degrees Choir", "@Home Beats", "+Plus", "=cmd", "Plain"]
    orgs = [org(f"o{i}", "participation", name=nm, lat=51.5, lon=-0.151, age_min=8)
            for i, nm in enumerate(names)]
    orgs.append(org("top", "developing"))
    n = net_of(orgs, [Route(f"o{i}", "top", young_people_per_year=12)
                      for i in range(len(names))])
    files = export_files(n, "csv", tmp_path / "t", suppress_below=0)
    for path, text in files.items():
        raw = text.encode("utf-8")
        if path.suffix == ".csv":
            assert raw.startswith(b"\xef\xbb\xbf"), path.name  # UTF-8 byte-order mark
            assert b"\n" not in raw.replace(b"\r\n", b""), path.name  # CRLF only
    table = files[tmp_path / "t" / "organisations.csv"]
    rows = list(csv.DictReader(io.StringIO(table.lstrip("\ufeff"), newline="")))
    by_id = {r["id"]: r for r in rows}
    assert by_id["o0"]["name"] == "Café Sounds"
    for i, nm in enumerate(names):
        guarded = nm[0] in "=+-@"
        assert by_id[f"o{i}"]["name"] == ("'" + nm if guarded else nm)
    assert by_id["o1"]["lon"] == "-0.151" and by_id["o1"]["lat"] == "51.5"
    assert by_id["o1"]["age_min"] == "8"
    dead = list(csv.DictReader(io.StringIO(
        files[tmp_path / "t" / "stage_reach.csv"].lstrip("\ufeff"), newline="")))
    assert {r["name"] for r in dead} >= {"'-3 Degrees Choir", "'@Home Beats"}


# --- the networkx floor ---------------------------------------------------------------


def test_pyproject_networkx_floor_is_the_version_tested():
    """pyproject's networkx floor is the version scripts/test-lowest.sh installs, and the
    exports only use networkx calls that exist there (see that script)."""
    text = (ROOT / "pyproject.toml").read_text()
    floor = re.search(r'"networkx>=([\d.]+)"', text).group(1)
    script = (ROOT / "scripts" / "test-lowest.sh").read_text()
    assert f"networkx=={floor}" in script


def test_json_reads_under_the_installed_networkx_with_its_documented_call(sample_net,
                                                                         tmp_path):
    path = tmp_path / "n.json"
    path.write_bytes(_content(sample_net, "json"))
    code = ("import json, sys, networkx as nx\n"
            "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
            "v = tuple(int(x) for x in nx.__version__.split('.')[:2])\n"
            "g = nx.node_link_graph(d, edges='links') if v >= (3, 4) else nx.node_link_graph(d)\n"
            "print(g.number_of_nodes(), g.number_of_edges(), g.is_directed())\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == [str(len(sample_net)), str(len(sample_net.routes)), "True"]
