"""Exports round-trip; xlsx import matches CSV; formula-safety and privacy."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from openpyxl import Workbook, load_workbook

import musicnet
from musicnet.export import export_files, export_graph, template_workbook
from musicnet.model import Organisation, Route

from .conftest import SAMPLE, net_of, node_link_graph, org


def attrs_equal(a: nx.DiGraph, b: nx.DiGraph, skip: tuple[str, ...] = ()) -> None:
    assert list(a.nodes) == list(b.nodes)
    assert set(a.edges) == set(b.edges)
    for v in a:
        left = {k: x for k, x in a.nodes[v].items() if k not in skip}
        right = {k: x for k, x in b.nodes[v].items() if k not in skip}
        assert left == right, v
    for e in a.edges:
        assert a.edges[e] == {k: x for k, x in b.edges[e].items() if k not in ("id",)}, e


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_graph_exports_read_back_identically(tmp_path, sample_net, fmt):
    (path, content), = export_files(sample_net, fmt, tmp_path / f"n.{fmt}").items()
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    g = export_graph(sample_net)
    if fmt == "graphml":
        back = nx.read_graphml(path)
        attrs_equal(g, back)
    elif fmt == "gexf":
        back = nx.read_gexf(path)
        attrs_equal(g, back, skip=("viz",))
        v = next(iter(g))
        assert back.nodes[v]["viz"]["position"]["x"] == g.nodes[v]["x"]
    else:
        back = node_link_graph(json.loads(path.read_text()))
        attrs_equal(g, back)
    flagged = [v for v in back if back.nodes[v]["dead_end"]]
    assert flagged == [v for v in sample_net.orgs if v in set(sample_net.dead_ends())]
    assert sum(1 for *_, d in back.edges(data=True) if d["bridge"]) == len(sample_net.bridges())


def test_exports_are_deterministic(sample_net, tmp_path):
    for fmt in ("graphml", "gexf", "json", "kumu", "csv"):
        a = export_files(sample_net, fmt, tmp_path / "x")
        b = export_files(sample_net, fmt, tmp_path / "x")
        assert a == b, fmt
    assert template_workbook() == template_workbook()


def test_kumu_workbook(sample_net, tmp_path):
    (_, data), = export_files(sample_net, "kumu", tmp_path / "k.xlsx").items()
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Elements", "Connections", "About (ignore)"]
    elements = list(wb["Elements"].iter_rows(values_only=True))
    assert elements[0][:5] == ("ID", "Label", "Type", "Description", "Tags")
    ids = {row[0] for row in elements[1:]}
    assert ids == set(sample_net.orgs)
    assert {row[1] for row in elements[1:]} == {o.name for o in sample_net.orgs.values()}
    connections = list(wb["Connections"].iter_rows(values_only=True))
    assert connections[0][:5] == ("ID", "From", "To", "Type", "Direction")
    assert len(connections) - 1 == len(sample_net.routes)
    assert all(row[1] in ids and row[2] in ids and row[4] == "directed"
               for row in connections[1:])


def test_kumu_names_may_repeat_because_ids_join_connections():
    n = net_of([org("a", name="Same"), org("b", "developing", name="Same")], [("a", "b")])
    (_, data), = export_files(n, "kumu", "k.xlsx").items()
    wb = load_workbook(io.BytesIO(data))
    rows = list(wb["Elements"].iter_rows(values_only=True))
    assert [(r[0], r[1]) for r in rows[1:]] == [("a", "Same"), ("b", "Same")]
    assert list(wb["Connections"].iter_rows(values_only=True))[1][1:3] == ("a", "b")


def test_csv_tables_are_formula_safe(tmp_path):
    evil = ["=HYPERLINK(\"http://x\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    orgs = [org(f"o{i}", "participation", name=name) for i, name in enumerate(evil)]
    orgs.append(org("top", "developing"))
    n = net_of(orgs, [(f"o{i}", "top") for i in range(len(evil))])
    files = export_files(n, "csv", tmp_path / "t")
    for path, text in files.items():
        if path.suffix != ".csv":
            continue
        for row in csv.reader(io.StringIO(text, newline="")):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (path.name, cell)
                assert not (cell.startswith("-") and not cell[1:].replace(".", "").isdigit())
    table = files[tmp_path / "t" / "organisations.csv"]
    names = [r[1] for r in csv.reader(io.StringIO(table, newline=""))]
    assert "'=HYPERLINK(\"http://x\",\"click\")" in names
    (_, data), = export_files(n, "kumu", "k.xlsx").items()
    ws = load_workbook(io.BytesIO(data))["Elements"]
    labels = {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}
    for i, name in enumerate(evil):  # stored as text cells: inert, and no apostrophe
        assert labels[f"o{i}"].value == name and labels[f"o{i}"].data_type == "s"


def test_privacy_in_exports():
    n = net_of([org("a", "first_access", contact_email="hidden@x.org", notes="secret"),
                org("b", "developing")], [Route("a", "b", young_people_per_year=2, notes="n")])
    for fmt in ("graphml", "gexf", "json", "kumu", "csv"):
        blob = b"".join(c if isinstance(c, bytes) else c.encode()
                        for c in export_files(n, fmt, "out").values())
        if fmt != "kumu":  # the kumu workbook is compressed; checked below
            assert b"hidden@x.org" not in blob and b"secret" not in blob, fmt
            assert b"fewer than 5" in blob, fmt
    g = export_graph(n)
    assert "contact_email" not in g.nodes["a"] and "young_people_per_year" not in g.edges["a", "b"]
    assert g.edges["a", "b"]["young_people"] == "fewer than 5"
    assert "left out" in g.graph["privacy"]
    private = export_graph(n, include_private=True, suppress_below=0)
    assert private.nodes["a"]["contact_email"] == "hidden@x.org"
    assert private.edges["a", "b"]["young_people_per_year"] == 2


def workbook_from_csv(folder, path):
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in ("organisations", "referrals"):
        ws = wb.create_sheet(sheet.capitalize() if sheet == "referrals" else sheet)
        with open(folder / f"{sheet}.csv", encoding="utf-8") as fh:
            for i, row in enumerate(csv.reader(fh)):
                typed = []
                for cell in row:
                    try:  # Excel stores numbers as numbers
                        typed.append(float(cell) if i and "." in cell else int(cell) if i
                                     else cell)
                    except ValueError:
                        typed.append(cell if cell else None)
                ws.append(typed)
    wb.save(path)


def test_xlsx_input_gives_identical_analysis(tmp_path, sample_net):
    book = tmp_path / "network.xlsx"
    workbook_from_csv(SAMPLE, book)
    from_book = musicnet.load(book)
    assert from_book.analyse() == sample_net.analyse()
    from click.testing import CliRunner

    from musicnet.cli import cli

    a = CliRunner().invoke(cli, ["analyse", str(book), "--format", "json"])
    b = CliRunner().invoke(cli, ["analyse", str(SAMPLE), "--format", "json"])
    assert a.exit_code == 0 and a.output == b.output


def test_xlsx_problems_name_sheet_and_row(tmp_path):
    book = tmp_path / "bad.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "organisations"
    ws.append(["id", "name", "type", "remit", "stages", "borough"])
    ws.append(["a", "A", "grassroots", "general", "first_access", "Lewisham"])
    ws.append(["b", "B", "other", "general", "advnced", "Lewisham"])
    wb.create_sheet("referals").append(["source", "target"])
    wb.save(book)
    with pytest.raises(musicnet.DataError) as info:
        musicnet.load(book)
    text = info.value.report()
    assert "bad.xlsx [organisations], line 3, column 5 (stages)" in text
    assert "no sheet named 'referrals'" in text and "'referals'" in text
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip at all")
    with pytest.raises(musicnet.DataError, match="problem"):
        musicnet.load(tmp_path / "junk.xlsx")


def test_template_workbook(tmp_path):
    wb = load_workbook(io.BytesIO(template_workbook()))
    assert wb.sheetnames == ["read me", "organisations", "referrals", "lists"]
    headers = [c.value for c in wb["organisations"][1]]
    assert headers[:6] == ["id", "name", "type", "remit", "target_groups", "stages"]
    formulas = {dv.formula1 for dv in wb["organisations"].data_validations.dataValidation}
    assert any(f.startswith("lists!$A$2") for f in formulas)
    lists = [c.value for c in wb["lists"]["A"] if c.value][1:]
    from musicnet import schema

    assert lists == list(schema.TYPES)


def test_hsds_aliases(tmp_path):
    (tmp_path / "organisations.csv").write_text(
        "id,name,type,remit,stages,borough,minimum_age,maximum_age,email,url\n"
        "a,A,grassroots,general,first_access,Lewisham,8,18,a@b.org,https://a.org\n"
        "b,B,other,general,developing,Lewisham,,,,\n")
    (tmp_path / "referrals.csv").write_text("from,to\na,b\n")
    net = musicnet.load(tmp_path)
    a = net.org("a")
    assert (a.age_min, a.age_max, a.contact_email, a.website) == (8, 18, "a@b.org",
                                                                  "https://a.org")
    assert net.graph.has_edge("a", "b")


def test_export_cli(tmp_path):
    from click.testing import CliRunner

    from musicnet.cli import cli

    res = CliRunner().invoke(cli, ["export", str(SAMPLE), "--format", "csv", "-o",
                                   str(tmp_path / "tables")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "tables" / "dead_ends.csv").exists()
    res = CliRunner().invoke(cli, ["export", str(SAMPLE), "--format", "pdf", "-o", "x"])
    assert res.exit_code == 2


def test_hostile_org_cannot_escape_output_folder(tmp_path):
    # ids are restricted to a safe alphabet, and no output path is built from data
    with pytest.raises(musicnet.DataError):
        (tmp_path / "d").mkdir()
        (tmp_path / "d" / "organisations.csv").write_text(
            "id,name,type,remit,stages,borough\n../../etc,A,other,general,first_access,Lewisham\n")
        (tmp_path / "d" / "referrals.csv").write_text("source,target\n../../etc,../../etc\n")
        musicnet.load(tmp_path / "d")
    n = net_of([Organisation(id="../../x", name="x", type="other", remit="general",
                             stages=("developing",), borough="Lewisham", role="intermediary"),
                org("b")], [Route("b", "../../x")])
    files = export_files(n, "csv", tmp_path / "out")
    assert all(p.parent == tmp_path / "out" for p in files)
