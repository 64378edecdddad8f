"""One validator per kind of value: the loader, `whatif --routes`, `suggest --borough` and
the Python API accept and refuse the same values the same way."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import musicnet
from musicnet import Route, schema, values
from musicnet.cli import cli
from musicnet.errors import DataError, UsageError
from musicnet.suggest import suggest_links

from .conftest import SAMPLE, net_of, org

BOROUGH_SPELLINGS = [
    *schema.BOROUGHS, *schema.BOROUGH_ALIASES, "Kingston", "Hammersmith & Fulham",
    "hammersmith and fulham", "LONDON BOROUGH OF LEWISHAM", "Lewisham Council",
    "Kensington & Chelsea", "Lewisam", "Narnia", "  Camden  ", "Tower  Hamlets",
]


def _load_with_borough(tmp_path: Path, borough: str) -> musicnet.Network:
    d = tmp_path / "d"
    d.mkdir(exist_ok=True)
    cell = '"' + borough.replace('"', '""') + '"'
    (d / "organisations.csv").write_text(
        "id,name,type,remit,stages,borough\n"
        f"a,A,youth_service,general,participation,{cell}\n"
        "b,B,youth_service,general,developing,Lewisham\n", encoding="utf-8")
    (d / "referrals.csv").write_text("source,target\na,b\n", encoding="utf-8")
    return musicnet.load(d)


@pytest.mark.parametrize("spelling", BOROUGH_SPELLINGS)
def test_loader_and_suggest_agree_on_every_borough_spelling(tmp_path, spelling):
    try:
        loaded = _load_with_borough(tmp_path, spelling).orgs["a"].borough
    except DataError:
        loaded = None
    try:
        canon = values.borough(spelling)[0]
    except UsageError:
        canon = None
    assert loaded == canon
    net = net_of([org("a", "first_access", borough=canon or "Lewisham"),
                  org("b", "developing", borough=canon or "Lewisham")], [])
    try:
        suggest_links(net, borough=spelling)
        accepted = True
    except UsageError:
        accepted = False
    assert accepted == (canon is not None)


def test_suggest_borough_accepts_what_the_loader_accepts():
    runner = CliRunner()
    for spelling in ("Kingston", "Hammersmith & Fulham", "hammersmith and fulham"):
        res = runner.invoke(cli, ["--no-color", "suggest", str(SAMPLE), "--borough", spelling,
                                  "--top", "2"])
        assert res.exit_code == 0, (spelling, res.output)
    res = runner.invoke(cli, ["suggest", str(SAMPLE), "--borough", "Lewisam"])
    assert res.exit_code == 1 and "Did you mean 'Lewisham'?" in res.output


def test_a_dataframe_route_with_an_unknown_kind_is_refused():
    net = musicnet.load(SAMPLE)
    frame = pd.DataFrame([{"source": "ashdown-primary-school",
                           "target": "marigold-song-studio", "kind": "phone"}])
    with pytest.raises(UsageError, match="unknown kind 'phone'"):
        net.with_routes(add=frame)
    frame.loc[0, "kind"] = "Signposting"
    after = net.with_routes(add=frame)
    added = [r for r in after.routes if (r.source, r.target) == (
        "ashdown-primary-school", "marigold-song-studio")]
    assert [r.kind for r in added] == ["signposting"]
    frame.loc[0, "kind"] = None  # an empty cell: the default kind
    assert any(r.kind == "referral" for r in net.with_routes(add=frame).routes
               if r.source == "ashdown-primary-school"
               and r.target == "marigold-song-studio")


def test_route_objects_use_the_same_validators():
    with pytest.raises(UsageError, match="unknown kind 'phone'"):
        Route("a", "b", kind="phone")
    with pytest.raises(UsageError, match="unknown status 'closed'"):
        Route("a", "b", status="closed")
    assert Route("a", "b", kind="Signposting", status=" Lapsed ").kind == "signposting"
    assert Route("a", "b", status=" Lapsed ").status == "lapsed"


def test_whatif_routes_file_refuses_an_unknown_kind_with_its_line(tmp_path):
    f = tmp_path / "new.csv"
    f.write_text("source,target,kind\nashdown-primary-school,marigold-song-studio,phone\n",
                 encoding="utf-8")
    res = CliRunner().invoke(cli, ["whatif", str(SAMPLE), "--routes", str(f)])
    assert res.exit_code == 1
    assert "line 2, column 3 (kind): unknown kind 'phone'." in res.output


def test_ids_are_checked_by_one_validator(tmp_path):
    assert values.org_id(" kite-street ") == "kite-street"
    for bad in ("Kite Street", "-kite", "x" * 65, ""):
        with pytest.raises(UsageError):
            values.org_id(bad)
    d = tmp_path / "d"
    d.mkdir()
    (d / "organisations.csv").write_text(
        "id,name,type,remit,stages,borough\nKite Street,A,youth_service,general,"
        "participation,Lewisham\n", encoding="utf-8")
    (d / "referrals.csv").write_text("source,target\na,b\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        musicnet.load(d)
    with pytest.raises(UsageError) as direct:
        values.org_id("Kite Street")
    assert err.value.problems[0].message == direct.value.message  # type: ignore[attr-defined]


def test_network_is_frozen():
    """Regression: adding an edge to ``net.graph`` after one analysis used to give 13
    progression gaps where a fresh network gives 12 (the cached analysis went stale)."""
    import networkx as nx

    net = musicnet.load(SAMPLE)
    gaps = net.progression_gaps()
    with pytest.raises(nx.NetworkXError):
        net.graph.add_edge("ashdown-primary-school", "marigold-song-studio")
    with pytest.raises(nx.NetworkXError):
        net.graph.remove_node("ashdown-primary-school")
    with pytest.raises(TypeError):
        net.orgs["new"] = net.orgs["ashdown-primary-school"]  # type: ignore[index]
    with pytest.raises(TypeError):
        del net.orgs["ashdown-primary-school"]  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        net.routes = ()  # type: ignore[misc]
    assert net.progression_gaps() == gaps == musicnet.load(SAMPLE).progression_gaps()
    # the supported way to change it: a new network; the original is untouched
    after = net.with_routes(add=[("ashdown-primary-school", "marigold-song-studio")])
    assert after.graph.number_of_edges() == net.graph.number_of_edges() + 1
    assert net.progression_gaps() == gaps and nx.is_frozen(after.graph)
