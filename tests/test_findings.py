"""One source of truth: the findings table and the flags function are what every output
shows, and renderers use the analysis result they are given instead of re-running it."""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json
import re
from pathlib import Path

import markupsafe
import pytest

import musicnet
from musicnet.analysis import format_text
from musicnet.export import export_files, export_graph
from musicnet.findings import FINDING, FINDINGS, NETWORK_FINDINGS, organisation_flags, plural
from musicnet.render.map import FLAG_LABELS, map_data, render_map
from musicnet.render.picture import render_picture
from musicnet.render.report import render_report

from .conftest import ROOT, SAMPLE, net_of, org

SRC = ROOT / "src" / "musicnet"


@pytest.fixture(scope="module")
def sample() -> tuple[musicnet.Network, dict]:
    net = musicnet.load(SAMPLE)
    return net, net.analyse()


def _tiny() -> musicnet.Network:
    # a -> b -> c: c is a dead end and a gap; b is a bridge organisation; d is isolated.
    return net_of([org("a", "first_access"), org("b", "participation"),
                   org("c", "developing"), org("d", "developing")],
                  [("a", "b"), ("b", "c")])


def test_flags_agree_with_each_analysis(sample):
    net, result = sample
    flags = organisation_flags(net, result)
    assert set(flags) == set(net.orgs)
    assert sorted(v for v, f in flags.items() if f.dead_end) == net.dead_ends()
    assert sorted(v for v, f in flags.items() if f.progression_gap) == net.progression_gaps()
    assert sorted(v for v, f in flags.items() if f.isolated) == net.isolated()
    cut = {b.id: b.cut_off for b in net.bridge_organisations()}
    assert {v: f.cut_off for v, f in flags.items() if f.bridge_organisation} == cut
    assert all(f.cut_off == 0 for v, f in flags.items() if v not in cut)


def test_flags_on_a_tiny_network():
    flags = organisation_flags(_tiny())
    assert flags["c"].codes == ["dead_end", "gap"]
    assert flags["b"].codes == ["bridge_org"] and flags["b"].cut_off == 1
    assert flags["d"].codes == ["gap", "isolated"]
    assert flags["a"].codes == [] and flags["a"].cut_off == 0


def _doctored(net: musicnet.Network, result: dict) -> tuple[dict, str]:
    """A copy of ``result`` claiming one more dead end (an organisation that is not one),
    so an output that re-ran the analysis would not show it."""
    fake = copy.deepcopy(result)
    victim = next(v for v in sorted(net.orgs) if v not in net.dead_ends())
    o = net.orgs[victim]
    fake["dead_ends"].append({"id": victim, "name": o.name, "borough": o.borough,
                              "remit": o.remit})
    fake["summary"]["dead_ends"] += 1
    return fake, victim


def test_map_uses_the_given_result(sample):
    net, result = sample
    fake, victim = _doctored(net, result)
    data = map_data(net, result=fake, top_suggestions=0)
    i = data["nodes"]["id"].index(victim)
    bit = 1 << data["flag_order"].index("dead_end")
    assert data["nodes"]["flags"][i] & bit
    assert data["counts"]["dead_end"] == len(net.dead_ends()) + 1
    assert FINDING["dead_ends"].count(len(net.dead_ends()) + 1) in render_map(net, result=fake)


def test_exports_use_the_given_result(sample):
    net, result = sample
    fake, victim = _doctored(net, result)
    assert export_graph(net, result=fake).nodes[victim]["dead_end"] is True
    assert export_graph(net).nodes[victim]["dead_end"] is False
    files = export_files(net, "csv", "out", result=fake)
    rows = list(csv.DictReader(io.StringIO(files[Path("out/dead_ends.csv")].lstrip("\ufeff"))))
    assert victim in {r["id"] for r in rows}


def test_report_and_picture_use_the_given_result(sample):
    net, result = sample
    fake, victim = _doctored(net, result)
    page = render_report(net, result=fake, suggestions=0)
    section = page[page.index('id="dead-ends"'):page.index('id="progression-gaps"')]
    assert f"({victim}," in section
    n = len(net.dead_ends())
    pic = render_picture(net, result=fake).decode()
    assert f"dead end ({n + 1})" in pic and f"dead end ({n + 1})" not in render_picture(
        net, result=result).decode()


def test_every_output_words_findings_from_the_table(sample):
    net, result = sample
    text = format_text(result, limit=1000)
    page = render_report(net, result=result, suggestions=0)
    md = render_report(net, fmt="md", result=result, suggestions=0)
    for f in FINDINGS:
        if f.key == "cold_spots":
            assert f.todo in page
            continue
        assert f"{f.title} (" in text and f.explain in text, f.key
        if f.key != "no_route_beyond_participation":
            assert f"{f.title} (" in page and str(markupsafe.escape(f.explain)) in page, f.key
            assert f"### {f.title} (" in md, f.key
    for f in NETWORK_FINDINGS:
        assert FLAG_LABELS[f.flag] == f.label  # type: ignore[index]
    # the map's own labels come from the table
    assert set(FLAG_LABELS) == {f.flag for f in FINDINGS if f.flag}


def test_titles_and_todo_lines_are_written_once():
    """No module but findings.py spells out a finding's explanation or what-to-do line."""
    sources = {p: p.read_text(encoding="utf-8") for p in SRC.rglob("*")
               if p.suffix in (".py", ".j2", ".js") and p.name != "findings.py"}
    for f in FINDINGS:
        for text in (f.todo, f.explain):
            probe = text.rstrip(".")
            holders = [str(p) for p, s in sources.items() if probe in s]
            assert not holders, (probe, holders)


def test_build_summary_line_is_singular_for_one(tmp_path: Path):
    from click.testing import CliRunner

    from musicnet.cli import cli

    data = tmp_path / "d"
    data.mkdir()
    (data / "organisations.csv").write_text(
        "id,name,type,remit,stages,borough\n"
        "a,A,youth_service,majority_cc,first_access,Lewisham\n"
        "b,B,youth_service,majority_cc,participation,Lewisham\n", encoding="utf-8")
    (data / "referrals.csv").write_text("source,target\na,b\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["build", str(data), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    first = res.output.splitlines()[0]
    assert first == ("2 organisations, 1 active route: 1 dead end, 1 progression gap, "
                     "1 fragile route, 0 single points of failure."), first
    analysis = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["summary"]["dead_ends"] == 1
    assert re.search(r"1 dead end\b(?!s)", (tmp_path / "out" / "map.html").read_text("utf-8"))


def test_plural():
    assert plural(1, "route") == "1 route"
    assert plural(0, "route") == "0 routes"
    assert plural(2, "single point of failure", "single points of failure") == (
        "2 single points of failure")


def test_csv_export_quotes_a_bare_carriage_return():
    """Regression: ``since="2023\\r=1+1"`` used to end the row at the \\r and start a new
    one with a live ``=1+1`` cell."""
    from musicnet import Route

    net = net_of([org("a", "first_access"), org("b", "developing")],
                 [Route("a", "b", since="2023\r=1+1", notes="x\r@SUM(1)")])
    files = export_files(net, "csv", "out", include_private=True)
    rows = list(csv.reader(io.StringIO(files[Path("out/routes.csv")], newline="")))
    assert len(rows) == 2
    cells = [c for row in rows for c in row]
    assert "2023\r=1+1" in cells and "x\r@SUM(1)" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@", "-"))]


def test_synth_writes_a_bare_carriage_return_safely(tmp_path: Path):
    from musicnet import Route
    from musicnet.synth import write_data

    a = org("a", "first_access", notes="line\r=1+1")
    b = org("b", "developing", name="B\rB")
    write_data(tmp_path, [a, b], [Route("a", "b", since="2023\r=1+1")])
    net = musicnet.load(tmp_path)
    assert len(net) == 2 and len(net.routes) == 1
    assert net.routes[0].since == "2023\r=1+1"
    assert net.orgs["a"].notes == "line\r=1+1" and net.orgs["b"].name == "B B"


def test_highlight_colours_are_not_node_colours():
    """Rings and the what-if line are told apart from what organisations are coloured by
    default (role) and by remit: at least 80 apart in RGB, and the rings from each other."""
    from musicnet.render.map import CLASS_STYLES, COLOUR_SCHEMES, FLAG_STYLES

    def rgb(c):
        return tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))

    def dist(a, b):
        return sum((x - y) ** 2 for x, y in zip(rgb(a), rgb(b), strict=True)) ** 0.5

    nodes = [c for k in ("role", "remit")
             for c in COLOUR_SCHEMES[k]["colours"].values()]
    marks = [s["colour"] for s in FLAG_STYLES.values()] + [CLASS_STYLES["proposed"]["colour"]]
    for m in marks:
        assert min(dist(m, c) for c in nodes) >= 80, m
    rings = [s["colour"] for s in FLAG_STYLES.values()]
    assert all(dist(a, b) >= 80 for a, b in itertools.combinations(rings, 2))
