"""Small things a user hit (issue 11): each pinned by a test that failed before the fix."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import musicnet
from musicnet.cli import cli
from musicnet.errors import DataError, Problem

from .conftest import ROOT, SAMPLE


def test_str_of_data_error_lists_the_problems():
    problems = [Problem("organisations.csv", f"problem number {i}.", i + 2) for i in range(25)]
    text = str(DataError(problems))
    lines = text.splitlines()
    assert lines[0] == "25 problems in the input data:"
    assert "organisations.csv, line 2: problem number 0." in lines[1]
    assert "problem number 19." in text and "problem number 20." not in text
    assert lines[-1].strip().startswith("... and 5 more")
    one = str(DataError(problems[:1]))
    assert one.splitlines()[0] == "1 problem in the input data:" and "more" not in one


def test_help_on_an_analysis_works_after_import_musicnet():
    code = ("import io, contextlib, musicnet\n"
            "buf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf):\n"
            "    help(musicnet.analysis.dead_ends)\n"
            "assert 'Organisations young people are referred to' in buf.getvalue()\n"
            "assert 'findings' in dir(musicnet)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=False)
    assert res.returncode == 0, res.stderr
    with pytest.raises(AttributeError):
        musicnet.not_a_module  # noqa: B018


def test_import_musicnet_stays_light():
    res = subprocess.run([sys.executable, "-c", "import sys, musicnet; "
                          "print(sorted(m for m in ('networkx', 'pandas', 'matplotlib') "
                          "if m in sys.modules))"], capture_output=True, text=True,
                         check=False)
    assert res.stdout.strip() == "[]", res.stdout + res.stderr


def _problems_loading(tmp_path: Path, organisations: str, referrals: str) -> DataError:
    """The DataError loading a data folder with these two files raises."""
    d = tmp_path / "d"
    d.mkdir()
    (d / "organisations.csv").write_text(organisations, encoding="utf-8")
    (d / "referrals.csv").write_text(referrals, encoding="utf-8")
    with pytest.raises(DataError) as err:
        musicnet.load(d)
    return err.value


def test_a_row_with_an_unquoted_comma_says_how_many_values(tmp_path):
    err = _problems_loading(
        tmp_path, "id,name,type,remit,stages,borough\n"
        "a,Smith, Jones and Co,youth_service,general,participation,Lewisham\n"
        "b,B,youth_service,general,developing,Lewisham\n", "source,target\nb,b2\n")
    p = next(p for p in err.problems if p.line == 2)
    assert p.message == "this row has 7 values, the header has 6."
    assert "unquoted comma" in (p.suggestion or "")


def test_a_shifted_row_is_one_problem_not_one_per_column(tmp_path):
    """Found by a first-time user: an unquoted comma in a row whose last value is empty
    moved every value after it one column right, and each was reported wrong in its new
    column (8 problems for one comma). Now the row is one problem saying why; a row that
    is only long because of trailing commas keeps its own, real problem."""
    err = _problems_loading(
        tmp_path, "id,name,type,remit,stages,borough,notes\n"
        "a,Smith, Jones and Co,youth_service,general,participation,Lewisham,\n"
        "b,B,youth_service,general,developing,Lewishm,,,\n"
        "c,C,youth_service,general,developing,Lewisham,,,\n", "source,target\nb,c\n")
    got = [(p.line, p.message) for p in err.problems]
    assert got == [
        (2, "this row has 8 values, the header has 7, and 4 of them do not fit their "
            "columns."),
        (3, "unknown borough 'Lewishm'.")]
    assert "double quotes" in err.problems[0].suggestion


def test_a_missing_workbook_says_file_not_found(tmp_path):
    (tmp_path / "network.xlsx").write_bytes(b"")
    res = CliRunner().invoke(cli, ["check", str(tmp_path / "netwrk.xlsx")])
    assert res.exit_code == 1
    assert "netwrk.xlsx: file not found. Did you mean 'network.xlsx'?" in res.output
    res = CliRunner().invoke(cli, ["check", str(tmp_path / "other.xlsx")])
    assert "other.xlsx: file not found." in res.output and "folder" not in res.output


def _one_route(tmp_path: Path) -> Path:
    d = tmp_path / "one"
    d.mkdir()
    (d / "organisations.csv").write_text(
        "id,name,type,remit,stages,borough\n"
        "a,A,youth_service,majority_cc,first_access,Lewisham\n"
        "b,B,youth_service,general,participation,Lewisham\n", encoding="utf-8")
    (d / "referrals.csv").write_text("source,target\na,b\n", encoding="utf-8")
    return d


def test_singular_and_plural(tmp_path):
    d = _one_route(tmp_path)
    runner = CliRunner()
    out = runner.invoke(cli, ["check", str(d)]).output
    assert "OK: 2 organisations and 1 route in" in out
    text = runner.invoke(cli, ["--no-color", "analyse", str(d)]).output
    assert text.startswith("2 organisations in 1 borough, 1 route (")
    assert "From the 1 majority-CC organisation," in text
    assert "Progression gaps (1)" in text
    assert "each linked to at least 1 other of the core." in text
    assert not re.search(r"\b1 (others|organisations|routes|boroughs|steps|stages)\b", text)
    path_text = runner.invoke(cli, ["path", str(d), "a"]).output
    assert "1 organisation reachable" in path_text
    synth = runner.invoke(cli, ["synth", str(tmp_path / "s"), "--orgs", "2", "--routes", "1"])
    assert "wrote 2 organisations and 1 route to" in synth.output
    from musicnet.render.report import render_report

    page = render_report(musicnet.load(d), suggestions=0)
    assert "in 1 borough<" in page and "1 boroughs" not in page
    assert "active route (" in page
    assert "1 organisations" not in render_report(musicnet.load(d), fmt="md", suggestions=0)


def test_whatif_quiet_prints_nothing(tmp_path):
    args = ["whatif", str(SAMPLE), "--add", "ashdown-primary-school:marigold-song-studio"]
    res = CliRunner().invoke(cli, [*args, "-q", "--map", str(tmp_path / "w.html")])
    assert res.exit_code == 0 and res.output == ""
    assert (tmp_path / "w.html").stat().st_size > 0
    assert "Dead ends resolved" in CliRunner().invoke(cli, args).output


def test_title_help_names_what_it_titles():
    runner = CliRunner()
    assert "shown on the report" in " ".join(runner.invoke(cli, ["report", "--help"]).output
                                              .split())
    assert "shown on the map " in " ".join(runner.invoke(cli, ["map", "--help"]).output
                                           .split())


# -- found by a new user's first try (26 November) ------------------------------------------
def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "musicnet.cli", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)


def test_page_format_follows_the_output_name(tmp_path):
    """`map -o x.pdf` wrote HTML into x.pdf; now the ending picks the format, and an
    ending that fits no format is refused (exit 2) with the name to use."""
    res = _run("map", str(SAMPLE), "-o", str(tmp_path / "x.pdf"))
    assert res.returncode == 2 and "Use -o" in res.stderr and str(tmp_path / "x.html") in res.stderr
    assert not (tmp_path / "x.pdf").exists()
    res = _run("map", str(SAMPLE), "--format", "svg", "-o", str(tmp_path / "y.html"))
    assert res.returncode == 2 and str(tmp_path / "y.svg") in res.stderr
    assert _run("map", str(SAMPLE), "-o", str(tmp_path / "m.png"), "-q").returncode == 0
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _run("report", str(SAMPLE), "-o", str(tmp_path / "r.md"), "-q").returncode == 0
    assert (tmp_path / "r.md").read_text().startswith("# ")
    res = _run("report", str(SAMPLE), "-o", str(tmp_path / "r.txt"))
    assert res.returncode == 2 and str(tmp_path / "r.html") in res.stderr
    # a name with no ending is taken as it is
    assert _run("report", str(SAMPLE), "-o", str(tmp_path / "r"), "-q").returncode == 0
    assert (tmp_path / "r").read_text().startswith("<!DOCTYPE html>")


def test_path_with_two_organisations_explains_itself():
    res = _run("path", str(SAMPLE), "clocktower-primary-school", "marigold-song-studio")
    assert res.returncode == 2
    assert "give one organisation" in res.stderr
    assert (f"musicnet path {SAMPLE} clocktower-primary-school --to marigold-song-studio"
            in res.stderr)


def test_path_to_another_organisation(sample_net, tmp_path):
    """`path ORG --to OTHER`: the route in words, JSON with the same steps, no route
    explained with what to try, and --to with --to-stage refused."""
    import json

    a, b = "kite-street-alternative-provision", "north-london-music-hub-illustrative"
    res = _run("path", str(SAMPLE), a, "--to", b)
    assert res.returncode == 0, res.stderr
    route = sample_net.route_between(a, b)
    names = " ".join([route.route[0]["name"]] + [f"-[{s['kind']}]-> {s['name']}"
                                                   for s in route.route[1:]])
    assert res.stdout.splitlines() == [
        f"From {sample_net.orgs[a].name} ({a}) to {sample_net.orgs[b].name} ({b}): "
        f"{route.steps} step{'s' if route.steps != 1 else ''}.", "  " + names]
    js = json.loads(_run("path", str(SAMPLE), a, "--to", b, "--format", "json").stdout)
    assert js["route"] == route.route and js["steps"] == route.steps == len(route.route) - 1
    back = _run("path", str(SAMPLE), b, "--to", a)
    assert back.returncode == 0 and "no route" in back.stdout
    # the what-if it suggests runs on the same data (found by a first-time user: the
    # hint left the folder out, so pasting it ran on ./data)
    assert f"musicnet whatif {SAMPLE} --add {b}:{a}" in back.stdout
    spaced = tmp_path / "my data"
    spaced.mkdir()
    for f in SAMPLE.glob("*.csv"):
        (spaced / f.name).write_bytes(f.read_bytes())
    quoted = _run("path", str(spaced), b, "--to", a)
    assert f"musicnet whatif '{spaced}' --add {b}:{a}" in quoted.stdout
    # the organisation forgotten: the folder is not taken for it
    no_org = _run("path", str(SAMPLE))
    assert no_org.returncode == 2 and "give the organisation to start from" in no_org.stderr
    assert "Traceback" not in no_org.stderr
    same = _run("path", str(SAMPLE), a, "--to", a.upper())
    assert same.returncode == 1 and "same organisation" in same.stderr
    both = _run("path", str(SAMPLE), a, "--to", b, "--to-stage", "advanced")
    assert both.returncode == 2 and "--to-stage" in both.stderr


def test_problem_count_line_fits_the_command(tmp_path):
    """'Found 1 problem; nothing was written. Fix them' from a command that writes
    nothing: read-only commands leave the clause out, and one problem is 'it'."""
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "organisations.csv").write_text(
        "id,name,type,remit,stages,borough\na,A,other,general,first_access,Lewisham\n"
        "b,B,other,general,participation,Lewisham\n")
    (bad / "referrals.csv").write_text("source,target,young_people_per_year\na,b,99999999\n")
    check = _run("check", str(bad))
    assert check.returncode == 1
    assert check.stderr.strip().splitlines()[-1] == "Found 1 problem. Fix it and run again."
    assert "from 0 to 10,000,000" in check.stderr
    build = _run("build", str(bad), "-o", str(tmp_path / "out"))
    assert build.stderr.strip().splitlines()[-1] == (
        "Found 1 problem; nothing was written. Fix it and run again.")


def test_as_of_before_any_route_says_so():
    res = _run("analyse", str(SAMPLE), "--as-of", "2010-01-01")
    assert res.returncode == 0
    assert ("warning: no route had started by 2010-01-01 (the earliest 'since' is 2015)"
            in res.stderr)
    assert "no route had started" not in _run("analyse", str(SAMPLE), "--as-of",
                                              "2020").stderr


def test_a_mistyped_short_borough_name_suggests_the_borough():
    res = CliRunner().invoke(cli, ["suggest", str(SAMPLE), "--borough", "Kingstn"])
    assert res.exit_code != 0
    assert "Did you mean 'Kingston upon Thames'?" in res.output


def test_options_a_first_time_user_typed(tmp_path):
    """`--format JSON` in capitals, `build --output` (other commands say --output), and an
    .xls file get what was meant, or a hint that says what to do."""
    import json

    res = _run("analyse", str(SAMPLE), "--format", "JSON")
    assert res.returncode == 0 and json.loads(res.stdout)["summary"]
    res = _run("build", str(SAMPLE), "--output", str(tmp_path / "out"), "-q")
    assert res.returncode == 0 and (tmp_path / "out" / "map.html").is_file()
    old = tmp_path / "network.xls"
    old.write_bytes(b"PK\x03\x04 not really a workbook")
    res = _run("check", str(old))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "save it as an Excel Workbook (.xlsx)" in res.stderr
