"""The command line, run as a user would run it (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from musicnet.cli import cli

from .conftest import ROOT, SAMPLE, SAMPLE_ORGS


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "musicnet.cli", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env, timeout=120)


def test_build_writes_outputs(tmp_path):
    out = tmp_path / "out"
    res = run("build", str(SAMPLE), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["analysis.json", "map.html", "report.html"]
    assert "dead ends" in res.stdout
    data = json.loads((out / "analysis.json").read_text())
    assert data["summary"]["organisations"] == SAMPLE_ORGS


def test_analyse_json_shape_on_sample():
    res = run("analyse", str(SAMPLE), "--format", "json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert list(data) == ["summary", "dead_ends", "progression_gaps", "bridges",
                          "bridge_organisations", "isolated", "stage_reach",
                          "borough_coverage", "pathfinder_chains", "cold_spots", "health"]
    for key in ("dead_ends", "progression_gaps", "bridges", "bridge_organisations"):
        assert data[key], key
    assert {"id", "name"} <= set(data["dead_ends"][0])
    assert {"source", "target"} <= set(data["bridges"][0])
    assert {"id", "cut_off"} <= set(data["bridge_organisations"][0])


def test_analyse_text_is_plain_english():
    res = run("analyse", str(SAMPLE))
    assert res.returncode == 0
    assert "Dead ends" in res.stdout and "What to do" in res.stdout


def test_data_dir_defaults_to_data(tmp_path):
    res = run("check", cwd=ROOT)
    assert res.returncode == 0 and "no problems found" in res.stdout


BAD_ORGS = ("id,name,type,remit,stages,borough\n"
            "a,A,grassroots,general,first_access,Lewisham\n"
            "a,A again,grassroots,general,first_access,Lewisham\n"
            "b,B,other,general,advnced,Lewisham\n")
BAD_REFS = "source,target\na,zzz\n"


@pytest.mark.parametrize("command", ["check", "analyse", "build", "map"])
def test_bad_data_exit_1_no_traceback_no_output(tmp_path, command):
    data = tmp_path / "data"
    data.mkdir()
    (data / "organisations.csv").write_text(BAD_ORGS)
    (data / "referrals.csv").write_text(BAD_REFS)
    out = tmp_path / "out"
    extra = {"build": ["--out", str(out)], "map": ["-o", str(out / "map.html")]}.get(command, [])
    res = run(command, str(data), *extra)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert "line 3, column 1 (id)" in res.stderr
    assert "Did you mean 'advanced'?" in res.stderr
    assert "unknown organisation id 'zzz'" in res.stderr
    assert not out.exists()
    assert not res.stdout.strip()


def test_missing_column_message(tmp_path):
    (tmp_path / "organisations.csv").write_text("id,name,type,remit,borough\n")
    (tmp_path / "referrals.csv").write_text("source,target\n")
    res = run("check", str(tmp_path))
    assert res.returncode == 1 and "required column 'stages' is missing" in res.stderr


def test_wrong_usage_exits_2():
    res = run("analyse", "--format", "yaml")
    assert res.returncode == 2
    assert run("no-such-command").returncode == 2


def test_debug_shows_traceback(tmp_path):
    res = run("--debug", "check", str(tmp_path / "missing"))
    assert res.returncode == 1 and "Traceback" in res.stderr


def test_unwritable_output_is_clean_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = run("build", str(SAMPLE), "--out", str(blocker / "sub"))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "cannot write" in res.stderr


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from musicnet.cli import cli; "
            "from click.testing import CliRunner; CliRunner().invoke(cli, ['--help']); "
            "print(sorted(m for m in ('pandas','networkx','pyvis','jinja2','numpy') "
            "if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.stdout.strip() == "[]", res.stdout + res.stderr


def test_every_command_has_an_example_and_is_documented():
    docs = (ROOT / "README.md").read_text() + "".join(
        p.read_text() for p in (ROOT / "docs").glob("*.md"))
    runner = CliRunner()
    for name in cli.commands:
        res = runner.invoke(cli, [name, "--help"])
        assert res.exit_code == 0
        assert "Example" in res.output, name
        assert f"musicnet {name}" in docs, f"`musicnet {name}` is not in README.md or docs/"


def test_version():
    res = run("--version")
    assert res.returncode == 0 and "musicnet" in res.stdout


def test_synth_then_build(tmp_path):
    res = run("synth", str(tmp_path / "s"), "--orgs", "60", "--routes", "200", "--seed", "4")
    assert res.returncode == 0, res.stderr
    res = run("build", str(tmp_path / "s"), "--out", str(tmp_path / "o"), "-q")
    assert res.returncode == 0 and res.stdout == ""


def test_outputs_are_deterministic(tmp_path):
    for name in ("one", "two"):
        assert run("build", str(SAMPLE), "--out", str(tmp_path / name), "-q").returncode == 0
    for f in ("analysis.json", "map.html", "report.html"):
        assert (tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes()


def test_rich_output_shows_names_literally(capsys):
    from musicnet.analysis import analyse, format_text
    from musicnet.cli import _rich_findings

    from .conftest import net_of, org

    n = net_of([org("a", name="[bold red]Evil[/] [link=http://x]y[/link]"),
                org("b", "participation")], [("a", "b")])
    result = analyse(n)
    _rich_findings(result, format_text(result))
    out = capsys.readouterr().out
    assert "[bold red]Evil[/] [link=http://x]y[/link]" in out
    assert "Where journeys stop" in out and "Dead ends" in out


def test_no_color_flag_and_plain_output_when_piped():
    res = run("--no-color", "analyse", str(SAMPLE))
    assert res.returncode == 0 and "\x1b[" not in res.stdout
    assert "\x1b[" not in run("analyse", str(SAMPLE)).stdout


def test_exports_and_synth_identical_across_processes(tmp_path):
    """Separate processes get different hash seeds: outputs must not depend on them."""
    for fmt, name in (("graphml", "n.graphml"), ("gexf", "n.gexf"), ("kumu", "k.xlsx"),
                      ("json", "n.json")):
        for run_no in ("1", "2"):
            res = run("export", str(SAMPLE), "--format", fmt, "-o",
                      str(tmp_path / run_no / name), "-q")
            assert res.returncode == 0, res.stderr
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()
    for run_no in ("a", "b"):
        assert run("synth", str(tmp_path / run_no), "--orgs", "80", "--seed", "3",
                   "-q").returncode == 0
    for f in ("organisations.csv", "referrals.csv"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    res = run("suggest", str(SAMPLE), "--format", "json")
    assert res.stdout == run("suggest", str(SAMPLE), "--format", "json").stdout


def test_python_dash_m_musicnet_is_the_command(tmp_path):
    """`python -m musicnet` runs the same command line as `musicnet` (for environments
    where the console script is not on PATH)."""
    res = subprocess.run([sys.executable, "-m", "musicnet", "check", str(SAMPLE)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout == run("check", str(SAMPLE), cwd=tmp_path).stdout
    assert f"{SAMPLE_ORGS} organisations" in res.stdout
    bad = subprocess.run([sys.executable, "-m", "musicnet", "check", str(tmp_path)],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
