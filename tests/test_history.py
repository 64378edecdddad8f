"""Route dates, the network as it was on a date (--as-of), the timeline, and the worked
example in docs/history.md."""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import subprocess
import sys

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musicnet import DataError, load
from musicnet.analysis import dead_ends, isolated
from musicnet.cli import cli
from musicnet.history import as_of, last_day, parse_date, timeline
from musicnet.model import Route

from .conftest import ROOT, SAMPLE, net_of, org

YEARS = st.integers(2015, 2026)


@st.composite
def dated_networks(draw):
    n = draw(st.integers(2, 7))
    ids = [f"o{i}" for i in range(n)]
    pairs = [(a, b) for a in ids for b in ids if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True))
    routes = []
    for a, b in chosen:
        since = draw(st.one_of(st.just(""), YEARS.map(str),
                               st.tuples(YEARS, st.integers(1, 12)).map(
                                   lambda t: f"{t[0]}-{t[1]:02d}")))
        ended = ""
        if draw(st.booleans()):
            first = parse_date(since).year if since else 2015
            ended = f"{draw(st.integers(first, 2026))}-{draw(st.integers(1, 12)):02d}"
            if since and parse_date(ended) < parse_date(since):
                ended = ""
        status = draw(st.sampled_from(("active", "lapsed", "planned")))
        routes.append(Route(a, b, status=status, since=since, ended=ended))
    return net_of([org(v) for v in ids], routes)


def _expected_status(r: Route, day: dt.date) -> str | None:
    """The rule in plain code: started by then? lapsed by then?"""
    if r.since and parse_date(r.since) > day:
        return None
    if r.ended:
        if parse_date(r.ended) < day:
            return "lapsed"
        return "active" if r.status == "lapsed" else r.status
    return r.status


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dated_networks(), st.dates(dt.date(2014, 1, 1), dt.date(2027, 12, 31)))
def test_as_of_follows_the_rule(net, day):
    then = as_of(net, day)
    want = {(r.source, r.target): _expected_status(r, day) for r in net.routes}
    got = {(r.source, r.target): r.status for r in then.routes}
    assert got == {k: v for k, v in want.items() if v is not None}
    assert set(then.graph.edges) == {k for k, v in want.items() if v == "active"}
    # an organisation joins with its first route: kept when a route of its counts on the
    # day, or when it has no routes at all
    counted = {v for k, st_ in want.items() if st_ is not None for v in k}
    with_routes = {v for r in net.routes for v in (r.source, r.target)}
    assert set(then.orgs) == {v for v in net.orgs if v in counted or v not in with_routes}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dated_networks())
def test_timeline_rows_are_the_as_of_state_at_each_year_end(net):
    rows = timeline(net)
    years = {d.year for r in net.routes for d in (parse_date(r.since), parse_date(r.ended))
             if d}
    if not years:
        assert rows == []
        return
    assert [r["year"] for r in rows] == list(range(min(years), max(years) + 1))
    for row in rows:
        then = as_of(net, dt.date(row["year"], 12, 31))
        assert row["active_routes"] == then.graph.number_of_edges()
        assert row["dead_ends"] == len(dead_ends(then))
        assert row["isolated"] == len(isolated(then))
        assert row["organisations"] == len(then)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    ("2023-02", dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
    ("2024-02-10", dt.date(2024, 2, 10), dt.date(2024, 2, 10)),
    ("10/02/2024", dt.date(2024, 2, 10), dt.date(2024, 2, 10)),
    ("02/2024", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("March 2025", dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
    ("about 2019", None, None),
    ("2023-13", None, None),
])
def test_dates(text, first, last):
    assert parse_date(text) == first
    assert last_day(text) == last


def _write(folder, rows):
    folder.mkdir()
    (folder / "organisations.csv").write_text(
        "id,name,type,remit,stages,borough\n"
        "a,A,other,general,participation,Lewisham\n"
        "b,B,other,general,developing,Lewisham\n")
    (folder / "referrals.csv").write_text("source,target,since,ended\n" + rows)


def test_bad_ended_dates_are_errors_with_line_and_column(tmp_path):
    _write(tmp_path / "d", "a,b,2023,soon\nb,a,2024-05,2023\n")
    with pytest.raises(DataError) as exc:
        load(tmp_path / "d")
    text = exc.value.report()
    assert "line 2, column 4 (ended): ended 'soon' is not a date" in text
    assert "line 3, column 4 (ended): the route ended (2023) before it started" in text


def test_ended_in_the_same_year_as_a_later_month_is_fine(tmp_path):
    _write(tmp_path / "d", "a,b,2024-05,2024\n")
    assert load(tmp_path / "d").routes[0].ended == "2024"


def test_as_of_with_free_text_since_is_a_clear_error(tmp_path):
    _write(tmp_path / "d", "a,b,about 2019,\n")
    res = CliRunner().invoke(cli, ["analyse", str(tmp_path / "d"), "--as-of", "2020"])
    assert res.exit_code == 1
    assert "since 'about 2019' of route a -> b is not a date" in res.output
    res = CliRunner().invoke(cli, ["analyse", str(SAMPLE), "--as-of", "someday"])
    assert res.exit_code == 1 and "--as-of 'someday' is not a date" in res.output


def test_build_and_map_take_as_of(tmp_path):
    res = CliRunner().invoke(cli, ["build", str(SAMPLE), "--as-of", "2018-12-31", "--out",
                                   str(tmp_path / "o"), "-q"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "o" / "report.html").exists()
    res = CliRunner().invoke(cli, ["map", str(SAMPLE), "--as-of", "2018", "-o",
                                   str(tmp_path / "m.html"), "-q"])
    assert res.exit_code == 0, res.output


def _run(command: str) -> str:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    res = subprocess.run([sys.executable, "-m", "musicnet.cli", *shlex.split(command)[1:]],
                         capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    assert res.returncode == 0, (command, res.stderr)
    return res.stdout


def test_docs_output_is_current():
    """Every `$ musicnet ...` block in docs/history.md starts the way the command prints
    today, and the health block is the end of `musicnet analyse data`."""
    text = (ROOT / "docs" / "history.md").read_text()
    blocks = re.findall(r"```text\n\$ (musicnet [^\n]+)\n(.*?)```", text, re.S)
    assert len(blocks) >= 3
    for command, shown in blocks:
        lines = shown.rstrip("\n").splitlines()
        if lines[-1] == "...":  # the block shows the first lines only
            lines = lines[:-1]
        else:
            assert len(_run(command).splitlines()) == len(lines), command
        assert _run(command).splitlines()[:len(lines)] == lines, command
    health = re.search(r"```text\n(Network health\n.*?)```", text, re.S)
    assert health is not None
    assert _run("musicnet analyse data").rstrip("\n").endswith(health[1].rstrip("\n"))
