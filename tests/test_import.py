"""`musicnet import`: Kumu, Gephi (GEXF, GraphML), node-link JSON, Open Referral UK / HSDS
and musicnet's own CSV tables become a data folder; round trips give the same analysis;
`;`- and tab-separated input files are read."""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import musicnet
from musicnet.cli import cli
from musicnet.export import export_files
from musicnet.importer import import_files, read_source
from musicnet.synth import generate, write_data

from .conftest import ROOT, SAMPLE, SAMPLE_ORGS, SAMPLE_ROUTES


def run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.output


def analyse_json(folder: Path) -> str:
    code, out = run("analyse", str(folder), "--format", "json", "-q")
    assert code == 0, out
    return out


def write(files: dict) -> None:
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def kumu_csvs(xlsx: bytes, folder: Path) -> Path:
    """The Elements and Connections CSV files Kumu's export gives, made from a workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = load_workbook(io.BytesIO(xlsx))
    for sheet, name in (("Elements", "My map - Elements.csv"),
                        ("Connections", "My map - Connections.csv")):
        with open(folder / name, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            for row in wb[sheet].iter_rows(values_only=True):
                w.writerow(["" if c is None else c for c in row])
    return folder


SOURCES = {"graphml": "n.graphml", "gexf": "n.gexf", "json": "n.json", "kumu": "n.xlsx",
           "kumu-csv": "kumu", "csv": "tables"}


def export_to(net, fmt: str, where: Path) -> Path:
    base = "kumu" if fmt == "kumu-csv" else fmt
    files = export_files(net, base, where / SOURCES["kumu" if fmt == "kumu-csv" else fmt],
                         suppress_below=0)
    write(files)
    if fmt == "kumu-csv":
        return kumu_csvs(next(iter(files.values())), where / "kumu")
    return where / SOURCES[fmt]


@pytest.mark.parametrize("fmt", list(SOURCES))
def test_round_trip_of_the_sample_gives_the_same_analysis(tmp_path, sample_net, fmt):
    source = export_to(sample_net, fmt, tmp_path)
    code, out = run("import", str(source), "-o", str(tmp_path / "back"))
    assert code == 0, out
    assert f"Imported {SAMPLE_ORGS} organisations and {SAMPLE_ROUTES} routes" in out
    assert analyse_json(tmp_path / "back") == analyse_json(SAMPLE)
    back = musicnet.load(tmp_path / "back")
    for o in sample_net.orgs.values():  # every field a user gave comes back, not only ids
        b = back.org(o.id)
        for f in ("name", "type", "remit", "stages", "borough", "target_groups", "genres",
                  "age_min", "age_max", "postcode", "lat", "lon", "website", "imd_decile",
                  "aliases"):
            assert getattr(b, f) == getattr(o, f), (o.id, f)
    def key(r):
        return (r.source, r.target, r.kind, r.status, r.young_people_per_year, r.since,
                r.ended, r.evidence)

    assert sorted(map(key, back.routes), key=str) == sorted(map(key, sample_net.routes),
                                                              key=str)


def test_suppressed_counts_are_named_on_import(tmp_path, sample_net):
    """A published export shows small counts as 'fewer than 5': importing it says how
    many routes lost their figure (a user's Kumu round trip lost 71 silently)."""
    files = export_files(sample_net, "kumu", tmp_path / "k.xlsx")  # suppress_below=5
    write(files)
    small = sum(1 for r in sample_net.routes
                if r.young_people_per_year is not None and r.young_people_per_year < 5)
    code, out = run("import", str(tmp_path / "k.xlsx"), "-o", str(tmp_path / "back"))
    assert code == 0, out
    assert f"warning: {small} routes' counts of young people were published as 'fewer than N'" \
        in out
    back = musicnet.load(tmp_path / "back")
    assert sum("fewer than 5" in r.notes for r in back.routes) == small


def test_private_fields_come_back_when_exported(tmp_path, sample_net):
    for fmt in ("gexf", "kumu"):
        name = SOURCES[fmt]
        write(export_files(sample_net, fmt, tmp_path / name, include_private=True,
                           suppress_below=0))
        files, _ = import_files(tmp_path / name, tmp_path / f"back-{fmt}")
        write(files)
        back = musicnet.load(tmp_path / f"back-{fmt}")
        for o in sample_net.orgs.values():
            assert back.org(o.id).contact_email == o.contact_email, fmt
            assert back.org(o.id).notes == o.notes, fmt


names = st.text(alphabet=st.sampled_from(list("abcXYZ é|-=+@'\",;&<>ü")), min_size=1,
                max_size=20).map(lambda s: " ".join(s.split())).filter(bool)


@settings(max_examples=8, deadline=None)
@given(st.integers(5, 30), st.integers(0, 10_000), st.lists(names, min_size=30, max_size=30),
       st.lists(st.sampled_from(["", "both", "source", "target"]), min_size=90, max_size=90))
def test_round_trip_of_random_networks(tmp_path_factory, n, seed, new_names, evidence):
    tmp = tmp_path_factory.mktemp("rt")
    orgs, routes = generate(n, n * 3, seed=seed)
    # names with |, leading - = + @, quotes and separators; aliases; evidence on routes
    orgs = [replace(o, name=name, aliases=(f"{name} alias", "LMH") if i % 3 == 0 else ())
            for i, (o, name) in enumerate(zip(orgs, new_names, strict=False))]
    routes = [replace(r, evidence=e) for r, e in zip(routes, evidence, strict=False)]
    write_data(tmp / "data", orgs, routes)
    net = musicnet.load(tmp / "data")
    assert any(o.aliases for o in net.orgs.values())
    want = net.analyse()
    for fmt in SOURCES:
        source = export_to(net, fmt, tmp / f"out-{fmt}")
        files, result = import_files(source, tmp / f"back-{fmt}")
        assert not result.missing, fmt
        write(files)
        back = musicnet.load(tmp / f"back-{fmt}")
        assert back.analyse() == want, fmt
        assert [(o.name, o.aliases) for o in back.orgs.values()] == [
            (o.name, o.aliases) for o in net.orgs.values()]
        assert sorted((r.source, r.target, r.evidence) for r in back.routes) == sorted(
            (r.source, r.target, r.evidence) for r in net.routes)


def test_a_kumu_map_made_by_hand(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Elements"
    ws.append(["Label", "Type", "Description", "Tags", "Borough", "Stages", "Remit", "Size"])
    ws.append(["Kite Street AP", "PRU", "Alternative provision", "referrer|lewisham",
               "Lewisham", "first access", "majority cc", 3])
    ws.append(["Hawthorn Music", "Charity", None, None, "lewisham", "participation|developing",
               "minority_cc", None])
    ws.append(["Next Steps | Youth Orchestra", "youth ensemble", None, None, "Narnia",
               "advanced|virtuoso", "general", None])
    wc = wb.create_sheet("Connections")
    wc.append(["From", "To", "Type", "Direction", "Strength"])
    wc.append(["Kite Street AP", "Hawthorn Music", "referral", None, "strong"])
    wc["F1"], wc["F2"] = "Since", datetime.date(2023, 4, 1)  # a date cell
    wc.append(["Hawthorn Music", "Next Steps | Youth Orchestra", "signposting", "mutual", None])
    wc.append(["Kite Street AP", "Nobody", "referral", None, None])
    wb.create_sheet("Notes (ignore)").append(["anything", "at all"])
    wb.save(tmp_path / "map.xlsx")
    code, out = run("import", str(tmp_path / "map.xlsx"), "-o", str(tmp_path / "d"))
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "d" / "organisations.csv").read_text(encoding="utf-8-sig"))))
    by = {r["id"]: r for r in rows}
    assert list(by) == ["kite-street-ap", "hawthorn-music", "next-steps-youth-orchestra"]
    kite, hawthorn, nxt = by.values()
    assert (kite["type"], kite["remit"], kite["stages"], kite["borough"]) == (
        "pru", "majority_cc", "first_access", "Lewisham")
    assert kite["notes"] == "Alternative provision; tags: referrer, lewisham; Size: 3"
    assert hawthorn["type"] == "" and "Type: Charity" in hawthorn["notes"]
    assert hawthorn["stages"] == "participation;developing"
    assert nxt["name"] == "Next Steps | Youth Orchestra" and nxt["stages"] == "advanced"
    assert "Stages: virtuoso" in nxt["notes"] and "Borough: Narnia" in nxt["notes"]
    assert "hawthorn-music (Hawthorn Music): type" in out
    assert "next-steps-youth-orchestra (Next Steps | Youth Orchestra): borough" in out
    assert "dropped: no organisation 'Nobody'" in out
    routes = list(csv.DictReader(io.StringIO(
        (tmp_path / "d" / "referrals.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["source"], r["target"], r["kind"]) for r in routes] == [
        ("kite-street-ap", "hawthorn-music", "referral"),
        ("hawthorn-music", "next-steps-youth-orchestra", "signposting"),
        ("next-steps-youth-orchestra", "hawthorn-music", "signposting")]
    assert routes[0]["notes"] == "Strength: strong" and routes[0]["since"] == "2023-04-01"
    report = (tmp_path / "d" / "import-report.txt").read_text(encoding="utf-8")
    doc = (ROOT / "docs" / "gephi-kumu.md").read_text(encoding="utf-8")
    assert doc.split("```text\n", 1)[1].split("```", 1)[0] == report  # the docs show it
    # check then validates as usual and names what is left to fill in
    code, out = run("check", str(tmp_path / "d"))
    assert code == 1 and "'type' is empty" in out and "'borough' is empty" in out


def test_gephi_file_with_its_own_fields(tmp_path):
    g = nx.Graph()  # undirected, numeric ids, Gephi's metrics and colours
    g.add_node(0, label="Amber Lane Youth Club", modularity_class=2, borough="Camden",
               viz={"color": {"r": 1, "g": 2, "b": 3, "a": 1.0},
                    "position": {"x": 1.0, "y": 2.0, "z": 0.0}})
    g.add_node(1, label="Camden Music Hub")
    g.add_edge(0, 1, weight=1.0)
    nx.write_gexf(g, tmp_path / "gephi.gexf")
    result = read_source(tmp_path / "gephi.gexf")
    a, _ = result.organisations
    assert (a["id"], a["name"], a["borough"]) == ("0", "Amber Lane Youth Club", "Camden")
    assert a["notes"] == "modularity_class: 2"
    assert [(r["source"], r["target"]) for r in result.referrals] == [("0", "1"), ("1", "0")]
    assert any("no direction" in w for w in result.warnings)
    assert result.missing == {"0": ["type", "remit", "stages"],
                              "1": ["type", "remit", "stages", "borough"]}


def test_open_referral_directory(tmp_path):
    d = tmp_path / "hsds"
    d.mkdir()
    files = {
        "organizations.csv": "id,name,description,email,url\n"
                             "o1,Harmony Trust,Music for refugees,hi@harmony.org,"
                             "https://harmony.org\no2,Beat Box CIC,,,harmony.org\n",
        "services.csv": "id,organization_id,name,status,minimum_age,maximum_age\n"
                        "s1,o1,Saturday band,active,11,18\n",
        "locations.csv": "id,name,latitude,longitude\nl1,Hall,51.45,-0.02\n",
        "physical_addresses.csv": "id,location_id,address_1,city,postal_code\n"
                                  "a1,l1,1 High St,Lewisham,se13 5aa\n",
        "service_at_locations.csv": "id,service_id,location_id\nx1,s1,l1\n",
    }
    for name, text in files.items():
        (d / name).write_text(text)
    code, out = run("import", str(d), "-o", str(tmp_path / "data"))
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "data" / "organisations.csv").read_text(encoding="utf-8-sig"))))
    o1, o2 = rows
    assert (o1["id"], o1["name"], o1["contact_email"], o1["website"]) == (
        "o1", "Harmony Trust", "hi@harmony.org", "https://harmony.org")
    assert (o1["age_min"], o1["age_max"], o1["postcode"], o1["borough"]) == (
        "11", "18", "SE13 5AA", "Lewisham")
    assert float(o1["lat"]) == 51.45 and float(o1["lon"]) == -0.02
    assert o1["notes"].startswith("Music for refugees") and "Saturday band" in o1["notes"]
    assert o2["website"] == "" and "url: harmony.org" in o2["notes"]
    assert "o1 (Harmony Trust): type, remit, stages" in out
    assert "o2 (Beat Box CIC): type, remit, stages, borough" in out
    assert "add the routes" in out
    from musicnet.schema import REFERRAL_COLUMNS

    assert (tmp_path / "data" / "referrals.csv").read_text(encoding="utf-8-sig").strip() == \
        ",".join(c.name for c in REFERRAL_COLUMNS)  # a header and no routes yet


def test_never_overwrites_without_force(tmp_path, sample_net):
    write(export_files(sample_net, "gexf", tmp_path / "n.gexf"))
    out = tmp_path / "data"
    out.mkdir()
    (out / "organisations.csv").write_text("precious")
    code, text = run("import", str(tmp_path / "n.gexf"), "-o", str(out))
    assert code == 2 and "--force" in text and "nothing was written" in text
    assert (out / "organisations.csv").read_text() == "precious"
    code, text = run("import", str(tmp_path / "n.gexf"), "-o", str(out), "--force")
    assert code == 0, text
    assert len(musicnet.load(out)) == len(sample_net)
    # the source itself is never written over, even with --force
    tables = tmp_path / "tables"
    write(export_files(sample_net, "csv", tables))
    before = (tables / "organisations.csv").read_bytes()
    code, text = run("import", str(tables), "-o", str(tables), "--force")
    assert code == 2 and "overwrite the source" in text
    assert (tables / "organisations.csv").read_bytes() == before


@pytest.mark.parametrize("content, name, message", [
    (b"<gexf><graph><nodes><node", "bad.gexf", "cannot be read as GEXF"),
    (b"not xml", "bad.graphml", "cannot be read as GraphML"),
    (b"[1, 2]", "bad.json", "not node-link JSON"),
    (b"{\"nodes\": [{\"name\": \"x\"}], \"links\": []}", "noid.json", "has no 'id'"),
    (b"PK\x03\x04junk", "bad.xlsx", "cannot be read as an Excel workbook"),
    (b"a,b\n", "thing.txt", "cannot import thing.txt"),
])
def test_bad_sources_give_a_clear_error_and_write_nothing(tmp_path, content, name, message):
    (tmp_path / name).write_bytes(content)
    code, out = run("import", str(tmp_path / name), "-o", str(tmp_path / "out"))
    assert code == 1 and message in out and "Traceback" not in out
    assert not (tmp_path / "out").exists()


def test_d3_links_after_layout_and_edges_key(tmp_path):
    data = {"nodes": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
            "edges": [{"source": {"id": "a"}, "target": 1, "kind": "signposting"}]}
    (tmp_path / "d3.json").write_text(json.dumps(data))
    result = read_source(tmp_path / "d3.json")
    assert [(r["source"], r["target"], r["kind"]) for r in result.referrals] == [
        ("a", "b", "signposting")]


def test_kumu_json_blueprint(tmp_path):
    data = {"elements": [{"id": "e1", "label": "A", "type": "School", "tags": ["x", "y"],
                          "Borough": "Hackney"},
                         {"_id": "e2", "attributes": {"label": "B", "stages": "developing"}}],
            "connections": [{"from": "e1", "to": "e2", "direction": "directed",
                             "type": "referral"}]}
    (tmp_path / "blueprint.json").write_text(json.dumps(data))
    result = read_source(tmp_path / "blueprint.json")
    a, b = result.organisations
    assert (a["id"], a["name"], a["type"], a["borough"], a["notes"]) == (
        "e1", "A", "school", "Hackney", "tags: x, y")
    assert (b["id"], b["name"], b["stages"]) == ("e2", "B", "developing")
    assert [(r["source"], r["target"], r["kind"]) for r in result.referrals] == [
        ("e1", "e2", "referral")]


# --- `;`- and tab-separated input -----------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_read(tmp_path, delimiter):
    out = tmp_path / "data"
    out.mkdir()
    for name in ("organisations.csv", "referrals.csv"):
        with open(SAMPLE / name, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        with open(out / name, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=delimiter)
            for row in rows:
                if delimiter == ";" and name == "organisations.csv":
                    # European Excel: decimal commas in a ';'-separated file
                    row = [c.replace(".", ",") if c.replace(".", "").lstrip("-").isdigit()
                           and c.count(".") == 1 else c for c in row]
                w.writerow(row)
    text = (out / "organisations.csv").read_text(encoding="utf-8")
    assert delimiter in text.splitlines()[0]
    assert analyse_json(out) == analyse_json(SAMPLE)
    loaded = musicnet.load(out)
    sample = musicnet.load(SAMPLE)
    assert [(o.lat, o.lon) for o in loaded.orgs.values()] == [
        (o.lat, o.lon) for o in sample.orgs.values()]


def test_a_semicolon_inside_a_comma_file_is_still_a_list(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "d")
    net = musicnet.load(tmp_path / "d")
    assert any(len(o.stages) > 1 for o in net.orgs.values())  # 'a;b' cells stay lists


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["x.gexf", "x.graphml", "x.json", "x.xlsx", "Elements.csv"]),
       st.one_of(st.binary(max_size=300),
                 st.text(max_size=300).map(lambda t: t.encode("utf-8")),
                 st.sampled_from([b'{"nodes": [{"id": 1}], "links": [{"source": 1}]}',
                                  b'{"nodes": "x"}', b'{"nodes": [], "links": 5}',
                                  b"<graphml><graph><node/></graph></graphml>",
                                  b"Label\n\n", b"From,To\na,b\n", b"ID\n1\n"])))
def test_any_source_imports_or_fails_cleanly(tmp_path_factory, name, content):
    from musicnet.errors import MusicnetError

    tmp = tmp_path_factory.mktemp("src")
    (tmp / name).write_bytes(content)
    try:
        files, result = import_files(tmp / name, tmp / "out")
    except MusicnetError as exc:
        assert str(exc)
    else:
        assert {p.name for p in files} >= {"organisations.csv", "referrals.csv"}
        assert all(r["id"] for r in result.organisations)
