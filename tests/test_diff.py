"""`musicnet diff`: changes between two states against brute-force set differences, and
findings against running each analysis on both sides."""

from __future__ import annotations

import json
from dataclasses import replace

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musicnet import load
from musicnet.analysis import (
    bridge_organisations,
    bridges,
    cold_spots,
    dead_ends,
    isolated,
    progression_gaps,
)
from musicnet.analysis.health import health, health_metrics
from musicnet.cli import cli
from musicnet.diff import ORG_FIELDS, diff
from musicnet.model import Route
from musicnet.schema import STAGES, STATUSES

from .conftest import SAMPLE, csv_rows, net_of, org

LATER = SAMPLE / "2026"
BOROUGHS = ("Lewisham", "Camden", "Bexley")
SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def pair_of_networks(draw, max_nodes: int = 8):
    """Two networks over overlapping id sets, ids in different letter case on each side."""
    n = draw(st.integers(1, max_nodes))
    ids = [f"o{i}" for i in range(n)]

    def side(upper: bool):
        keep = [v for v in ids if draw(st.booleans()) or v == ids[0]]
        orgs = []
        for v in keep:
            stages = draw(st.sets(st.sampled_from(STAGES), min_size=1))
            orgs.append(org(v.upper() if upper else v, ";".join(stages),
                            borough=draw(st.sampled_from(BOROUGHS)),
                            remit=draw(st.sampled_from(("majority_cc", "general"))),
                            imd_decile=draw(st.sampled_from((None, 1, 5)))))
        names = [o.id for o in orgs]
        pairs = [(a, b) for a in names for b in names if a != b]
        chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
        routes = [Route(a, b, kind=draw(st.sampled_from(("referral", "signposting"))),
                        status=draw(st.sampled_from((*STATUSES, "active"))))
                  for a, b in chosen]
        return net_of(orgs, routes)

    return side(False), side(draw(st.booleans()))


def _key(v: str) -> str:
    return v.casefold()


@SETTINGS
@given(pair_of_networks())
def test_sets_match_brute_force(nets):
    old, new = nets
    d = diff(old, new).to_dict()
    o = {_key(v) for v in old.orgs}
    n = {_key(v) for v in new.orgs}
    assert sorted(_key(r["id"]) for r in d["organisations_added"]) == sorted(n - o)
    assert sorted(_key(r["id"]) for r in d["organisations_removed"]) == sorted(o - n)
    ro = {(_key(r.source), _key(r.target)): r for r in old.routes}
    rn = {(_key(r.source), _key(r.target)): r for r in new.routes}
    got = {(_key(r["source"]), _key(r["target"])) for r in d["routes_added"]}
    assert got == set(rn) - set(ro)
    got = {(_key(r["source"]), _key(r["target"])) for r in d["routes_removed"]}
    assert got == set(ro) - set(rn)
    want = {(k, f, getattr(ro[k], f), getattr(rn[k], f)) for k in set(ro) & set(rn)
            for f in ("status", "kind") if getattr(ro[k], f) != getattr(rn[k], f)}
    got = {((_key(c["source"]), _key(c["target"])), c["field"], c["before"], c["after"])
           for c in d["routes_changed"]}
    assert got == want
    byo = {_key(v): x for v, x in old.orgs.items()}
    byn = {_key(v): x for v, x in new.orgs.items()}
    want_orgs = set()
    for k in o & n:
        for f in ORG_FIELDS:
            a, b = getattr(byo[k], f), getattr(byn[k], f)
            if a != b:
                want_orgs.add((k, f, json.dumps(list(a) if isinstance(a, tuple) else a),
                               json.dumps(list(b) if isinstance(b, tuple) else b)))
    got_orgs = {(_key(c["id"]), c["field"], json.dumps(c["before"]), json.dumps(c["after"]))
                for c in d["organisations_changed"]}
    assert got_orgs == want_orgs
    # every shown id is spelled as in one of the files, preferring the new one
    for r in d["routes_added"]:
        assert r["source"] in new.orgs and r["target"] in new.orgs
    for r in d["organisations_removed"]:
        assert r["id"] in old.orgs


def _findings(net):
    return {
        "dead_ends": {_key(v) for v in dead_ends(net)},
        "progression_gaps": {_key(v) for v in progression_gaps(net)},
        "bridges": {(_key(s), _key(t)) for s, t in bridges(net)},
        "bridge_organisations": {_key(b.id) for b in bridge_organisations(net)},
        "isolated": {_key(v) for v in isolated(net)},
        "cold_spots": {b["borough"] for b in cold_spots(net)["boroughs"]},
    }


def _row_key(kind, row):
    if kind == "cold_spots":
        return row["borough"]
    if kind == "bridges":
        return _key(row["source"]), _key(row["target"])
    return _key(row["id"])


@SETTINGS
@given(pair_of_networks())
def test_findings_match_the_analyses_on_each_side(nets):
    old, new = nets
    d = diff(old, new).to_dict()
    before, after = _findings(old), _findings(new)
    for kind, sides in d["findings"].items():
        assert {_row_key(kind, r) for r in sides["resolved"]} == before[kind] - after[kind]
        assert {_row_key(kind, r) for r in sides["new"]} == after[kind] - before[kind]
        assert d["metrics"][kind] == {"before": len(before[kind]), "after": len(after[kind])}
    for name, value in health_metrics(health(old)).items():
        assert d["metrics"][name]["before"] == value
    for name, value in health_metrics(health(new)).items():
        assert d["metrics"][name]["after"] == value
    active = [r for r in new.routes if r.status == "active"]
    assert d["metrics"]["active_routes"]["after"] == len(active)
    assert d["metrics"]["organisations"] == {"before": len(old), "after": len(new)}


def test_identical_networks_have_no_changes(sample_net):
    d = diff(sample_net, sample_net).to_dict()
    for key in ("organisations_added", "organisations_removed", "organisations_changed",
                "routes_added", "routes_removed", "routes_changed"):
        assert d[key] == []
    assert all(v == {"resolved": [], "new": []} for v in d["findings"].values())
    assert all(v["before"] == v["after"] for v in d["metrics"].values())


def test_json_keys_are_the_documented_ones():
    result = CliRunner().invoke(cli, ["diff", str(SAMPLE), str(LATER), "--format", "json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert set(d) == {"old", "new", "organisations_added", "organisations_removed",
                      "organisations_changed", "routes_added", "routes_removed",
                      "routes_changed", "findings", "metrics"}
    assert set(d["findings"]) == {"dead_ends", "progression_gaps", "bridges",
                                  "bridge_organisations", "isolated", "cold_spots"}
    # routes by name as well as id (the text named new routes by id only)
    names = {**{v: o.name for v, o in load(SAMPLE).orgs.items()},
             **{v: o.name for v, o in load(LATER).orgs.items()}}
    for key in ("routes_added", "routes_removed", "routes_changed"):
        for r in d[key]:
            assert {"source", "target", "source_name", "target_name"} <= set(r)
            assert (r["source_name"], r["target_name"]) == (names[r["source"]],
                                                            names[r["target"]])
    assert {"density", "reciprocity", "degree_centralisation", "largest_component_share",
            "average_path_length", "periphery_share", "clusters", "dead_ends",
            "organisations", "active_routes"} <= set(d["metrics"])
    assert all(set(v) == {"before", "after"} for v in d["metrics"].values())
    # the sample's later state: planned routes started, Bexley is no longer a cold spot
    assert any(c["before"] == "planned" and c["after"] == "active"
               for c in d["routes_changed"])
    assert d["findings"]["cold_spots"]["resolved"] == [{"borough": "Bexley",
                                                        "hub_area": "South East"}]


def test_text_names_the_changes():
    result = CliRunner().invoke(cli, ["--no-color", "diff", str(SAMPLE), str(LATER)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "New organisations (2)" in out
    assert "Larkfield Refugee Welcome Music" in out
    assert "Cold-spot boroughs: 1 -> 0 (1 resolved, 0 new)" in out
    # the same borough count as analyse (London-wide is not a borough)
    london = {o.borough for o in load(SAMPLE).orgs.values()} - {"London-wide",
                                                                 "Outside London"}
    assert f"  Boroughs: {len(london)} -> " in out


def test_ids_match_whatever_their_case(sample_net):
    upper = net_of([replace(o, id=o.id.upper()) for o in sample_net.orgs.values()],
                   [replace(r, source=r.source.upper(), target=r.target.upper())
                    for r in sample_net.routes])
    d = diff(sample_net, upper).to_dict()
    assert d["organisations_added"] == d["organisations_removed"] == []
    assert d["routes_added"] == d["routes_removed"] == []


def test_bad_input_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["diff", str(SAMPLE), str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "folder not found" in result.output
    assert "Traceback" not in result.output


def test_html_and_map_are_written(tmp_path):
    page, mapf = tmp_path / "changes.html", tmp_path / "changes-map.html"
    result = CliRunner().invoke(cli, ["diff", str(SAMPLE), str(LATER), "--format", "html",
                                      "-o", str(page), "--map", str(mapf)])
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and "Larkfield Refugee Welcome Music" in html
    assert "default-src 'none'" in html
    assert mapf.read_text().startswith("<!DOCTYPE html>")


def test_load_of_later_sample_state():
    net = load(LATER)
    assert len(net) == csv_rows(LATER / "organisations.csv")


def test_one_file_compared_with_itself_a_year_apart():
    from musicnet.history import as_of

    res = CliRunner().invoke(cli, ["diff", str(SAMPLE), str(SAMPLE), "--old-as-of",
                                   "2023-12-31", "--as-of", "2024-12-31", "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    net = load(SAMPLE)
    before, after = as_of(net, "2023-12-31"), as_of(net, "2024-12-31")
    want = diff(before, after).to_dict()
    assert d["routes_added"] == want["routes_added"] and d["routes_added"]
    assert all(r.since == "2024" for r in net.routes
               if {"source": r.source, "target": r.target} in d["routes_added"])
    assert d["metrics"]["active_routes"] == {
        "before": before.graph.number_of_edges(), "after": after.graph.number_of_edges()}


def test_shares_shown_as_percentages_as_analyse_shows_them(tmp_path):
    """Shares of organisations read as percentages in the text and the page (as
    ``analyse`` prints them), their changes in percentage points, worked out here from
    the two sides' health measures."""
    before, after = (health_metrics(health(load(p), with_brokers=False))
                     for p in (SAMPLE, LATER))
    out = CliRunner().invoke(cli, ["--no-color", "diff", str(SAMPLE), str(LATER)]).output
    page = tmp_path / "changes.html"
    CliRunner().invoke(cli, ["diff", str(SAMPLE), str(LATER), "--format", "html",
                             "-o", str(page)])
    html = page.read_text()
    for key, label in (("largest_component_share", "Largest connected part"),
                       ("periphery_share", "Periphery")):
        a, b = before[key] * 100, after[key] * 100
        assert a != b
        line = (f"  {label} (share of organisations): {a:.1f}% -> {b:.1f}% "
                f"({b - a:+.1f} points)")
        assert line in out.splitlines()
        assert f"{a:.1f}%" in html and f"{b:.1f}%" in html and f"{b - a:+.1f} points" in html
