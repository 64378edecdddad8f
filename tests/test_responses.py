"""The survey workbook and `musicnet responses`, with real files as a coordinator gets them:
a survey workbook filled in with openpyxl, and an online-form CSV export with a byte-order
mark and Windows line ends."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import musicnet
from musicnet.matching import NameMatcher, split_answer
from musicnet.survey import ROUTE_QUESTIONS

from .conftest import ROOT
from .test_cli import run

CORPUS = ROOT / "tests" / "corpus"
Q_NAME = "What is your organisation's name?"
Q_ONWARD = ROUTE_QUESTIONS["onward"].text
Q_INCOMING = ROUTE_QUESTIONS["incoming"].text


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A writable copy of the corpus network (sample data plus organisations with
    aliases), with two routes of its own."""
    dst = tmp_path / "data"
    shutil.copytree(CORPUS, dst, ignore=shutil.ignore_patterns("mentions.csv"))
    (dst / "referrals.csv").write_text(
        "source,target,status,young_people_per_year\n"
        "the-beat-garden,thameside-music-hub,active,4\n"
        "vale-youth-club,fairground-beats,lapsed,\n", encoding="utf-8")
    return dst


def survey_workbook_filled(tmp_path: Path, data: Path, name: str, onward: list,
                           incoming: list, about: dict[int, str] | None = None) -> Path:
    """`musicnet survey` run for real, then filled in as an organisation would."""
    xlsx = tmp_path / "survey.xlsx"
    if not xlsx.exists():
        res = run("survey", str(data), "-o", str(xlsx))
        assert res.returncode == 0, res.stderr
    wb = load_workbook(xlsx)
    wb["about you"]["B2"] = name
    for row, value in (about or {}).items():
        wb["about you"][f"B{row}"] = value
    for sheet, rows in (("onward routes", onward), ("incoming routes", incoming)):
        for i, values in enumerate(rows, start=3):
            for col, value in zip("ABCDE", values if isinstance(values, tuple) else (values,),
                                  strict=False):
                wb[sheet][f"{col}{i}"] = value
    out = tmp_path / "answers" / f"{name[:20]}.xlsx"
    out.parent.mkdir(exist_ok=True)
    wb.save(out)
    return out


def form_csv(path: Path, rows: list[tuple[str, str, str]], *, extra: str = "") -> Path:
    """An online-form export as Microsoft/Google Forms write it: BOM, CRLF, a timestamp
    column, the question texts as headers, several names per cell."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["Timestamp", "Email address", Q_NAME, "Which London borough are you based "
                "in?", Q_ONWARD, Q_INCOMING])
    for i, (name, onward, incoming) in enumerate(rows):
        w.writerow([f"2026/03/0{i + 1} 10:00:00", f"person{i}@example.org", name,
                    extra, onward, incoming])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_survey_workbook_offers_known_names_and_accepts_others(tmp_path, data):
    res = run("survey", str(data), "-o", str(tmp_path / "s.xlsx"))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "s.txt").is_file()
    wb = load_workbook(tmp_path / "s.xlsx")
    assert wb.sheetnames == ["read me", "about you", "onward routes", "incoming routes",
                             "organisations", "choices"]
    assert wb["choices"].sheet_state == "hidden"
    net = musicnet.load(data)
    rows = [r for r in wb["organisations"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert all(len([x for x in r if x is not None]) == 2 for r in rows)  # name and id only
    # every organisation once; a name two share comes with its borough
    shared = Counter(o.name for o in net.orgs.values())
    assert sorted(rows) == sorted(
        (o.name if shared[o.name] == 1 else f"{o.name} ({o.borough})", v)
        for v, o in net.orgs.items())
    for sheet, cell in (("about you", "B2"), ("onward routes", "A3"),
                        ("incoming routes", "A100")):
        rules = [dv for dv in wb[sheet].data_validations.dataValidation
                 if cell in dv.sqref and "organisations" in (dv.formula1 or "")]
        assert len(rules) == 1, (sheet, cell)
        assert rules[0].type == "list" and not rules[0].showErrorMessage  # free text ok
    assert wb["onward routes"]["A1"].value == Q_ONWARD
    text = (tmp_path / "s.txt").read_text()
    assert Q_ONWARD in text and Q_INCOMING in text and Q_NAME in text
    assert all(o.name in text for o in net.orgs.values())
    assert text.split("drop-down list (")[1].startswith(f"{len(net)}):")
    # the same network gives the same bytes
    run("survey", str(data), "-o", str(tmp_path / "again.xlsx"))
    assert (tmp_path / "again.xlsx").read_bytes() == (tmp_path / "s.xlsx").read_bytes()


def test_workbook_and_form_answers_make_a_new_data_folder(tmp_path, data):
    before = digest(data)
    survey_workbook_filled(
        tmp_path, data, "Hawthorn Community Music",
        onward=[("Thameside Music Hub", "referral", 12, "2024"),
                "Kite St AP, Vale Youth Club", "Lewisham Youth Theatre"],
        incoming=["the Beat Garden", ("Cedar Yard Youth Cafe", "signposting", 3)],
        about={3: "Barking and Dagenham"})
    form_csv(tmp_path / "answers" / "form.csv", [
        ("Thameside Music", "Songbird Music Co. (5)\nthe beat garden",
         "Hawthorn Community Music; Drum & Bass Collective"),
        ("The Beat Garden Ltd", "Thameside Music Hub and Hawthorn Comunity Music", "none"),
        ("Vale Youth Club", "Fairground Beats", "Kite Street"),
        ("Deptford Youth Orchestra", "Thameside Music Hub (about 8 a year)", "n/a"),
    ])
    out = tmp_path / "new"
    res = run("responses", str(tmp_path / "answers"), "-d", str(data), "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert digest(data) == before  # inputs never changed
    assert sorted(p.name for p in out.iterdir()) == [
        "changes.json", "matches.csv", "new_organisations.csv", "organisations.csv",
        "referrals.csv", "review.csv"]
    changes = json.loads((out / "changes.json").read_text())
    assert len(changes["routes_added"]) == 8
    assert changes["routes_changed"] == [{"source": "vale-youth-club",
                                          "target": "fairground-beats",
                                          "source_name": "Vale Youth Club",
                                          "target_name": "Fairground Beats!",
                                          "field": "status",
                                          "before": "lapsed", "after": "active"}]
    assert "What changed (as musicnet diff shows it" in res.stdout
    assert (out / "organisations.csv").read_bytes() == (data / "organisations.csv").read_bytes()
    net = musicnet.load(out)  # the new folder is valid data
    routes = {(r.source, r.target): r for r in net.routes}
    hcm, tmh, bg = "hawthorn-community-music", "thameside-music-hub", "the-beat-garden"
    # A says it refers to B and B says it receives from A: confirmed by both
    assert routes[(hcm, tmh)].evidence == "both"
    assert routes[(hcm, tmh)].young_people_per_year == 12  # the referrer's own figure
    assert routes[(hcm, tmh)].since == "2024"
    assert routes[(bg, hcm)].evidence == "both"
    assert routes[(tmh, "songbird-music-co")].evidence == "source"
    assert routes[(tmh, "songbird-music-co")].young_people_per_year == 5
    assert routes[("cedar-yard-youth-cafe", hcm)].evidence == "target"
    assert routes[("cedar-yard-youth-cafe", hcm)].kind == "signposting"
    # routes already in the data: confirmed, lapsed one made active again
    assert routes[(bg, tmh)].evidence == "source" and routes[(bg, tmh)].young_people_per_year == 4
    assert routes[(tmh, bg)].evidence == "source"
    assert (routes[("vale-youth-club", "fairground-beats")].status,
            routes[("vale-youth-club", "fairground-beats")].evidence) == ("active", "source")
    # nothing uncertain went in: review holds the rest with three candidates
    review = read_csv(out / "review.csv")
    assert {(r["respondent"], r["mention"], r["status"]) for r in review} == {
        ("Hawthorn Community Music", "Lewisham Youth Theatre", "uncertain"),
        ("Vale Youth Club", "Kite Street", "ambiguous"),
        ("Deptford Youth Orchestra", "Deptford Youth Orchestra", "ambiguous"),
    }
    kite = next(r for r in review if r["mention"] == "Kite Street")
    assert {kite["candidate_1"], kite["candidate_2"]} == {
        "kite-street-alternative-provision", "kite-street-special-school"}
    assert kite["score_1"] and kite["name_1"].startswith("Kite Street") and not kite["decision"]
    assert kite["where"].endswith("form.csv, line 4")
    new = read_csv(out / "new_organisations.csv")
    assert [(r["id"], r["name"], r["borough"]) for r in new] == [
        ("deptford-youth-orchestra", "Deptford Youth Orchestra", ""),
        ("lewisham-youth-theatre", "Lewisham Youth Theatre", "")]
    assert "Routes added: 8 (2 confirmed by both sides, 6 one-sided)." in res.stdout
    assert "3 to review (1 uncertain, 2 ambiguous, 0 unmatched)" in res.stdout
    matches = read_csv(out / "matches.csv")
    assert {"exact", "alias", "fuzzy"} <= {m["how"] for m in matches}

    # the coordinator decides; running again applies the decisions
    for r in review:
        r["decision"] = {"Kite Street": "Kite-Street-Special-School",
                         "Lewisham Youth Theatre": "skip"}.get(r["mention"], "new")
    reviewed = tmp_path / "reviewed.csv"
    with open(reviewed, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(review[0]))
        w.writeheader()
        w.writerows(review)
    out2 = tmp_path / "new2"
    res = run("responses", str(tmp_path / "answers"), "-d", str(data), "-o", str(out2),
              "--review", str(reviewed))
    assert res.returncode == 0, res.stderr
    routes2 = {(r.source, r.target) for r in musicnet.load(out2).routes}
    assert routes2 == set(routes) | {("kite-street-special-school", "vale-youth-club")}
    assert "0 to review" in res.stdout and "1 decided in review" in res.stdout
    assert [r["decision"] for r in read_csv(out2 / "review.csv")] == [
        r["decision"].lower() if r["decision"] in ("new", "skip") else
        "kite-street-special-school" for r in review]
    assert [r["name"] for r in read_csv(out2 / "new_organisations.csv")] == [
        "Deptford Youth Orchestra"]
    # idempotent: the same again gives the same files; on the new folder, nothing changes
    out3 = tmp_path / "new3"
    run("responses", str(tmp_path / "answers"), "-d", str(data), "-o", str(out3),
        "--review", str(reviewed))
    assert digest(out3) == digest(out2)
    out4 = tmp_path / "new4"
    res = run("responses", str(tmp_path / "answers"), "-d", str(out2), "-o", str(out4),
              "--review", str(reviewed))
    assert "Routes added: 0" in res.stdout and "(0 changed" in res.stdout
    assert (out4 / "referrals.csv").read_bytes() == (out2 / "referrals.csv").read_bytes()

    # only confirmed routes
    res = run("analyse", str(out2), "--min-evidence", "both", "--format", "json")
    assert res.returncode == 0, res.stderr


def test_outputs_never_overwrite_inputs(tmp_path, data):
    """Refused outputs exit 2, as for every command (they exited 1 here)."""
    answers = form_csv(tmp_path / "a" / "form.csv", [("Vale Youth Club", "Fairground Beats",
                                                      "")])
    res = run("responses", str(answers), "-d", str(data), "-o", str(data))
    assert res.returncode == 2 and "is an input" in res.stderr
    res = run("responses", str(answers), "-d", str(data), "-o", str(data), "--force")
    assert res.returncode == 2 and "is an input" in res.stderr
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    res = run("responses", str(answers), "-d", str(data), "-o", str(out))
    assert res.returncode == 2 and "--force" in res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    res = run("responses", str(answers), "-d", str(data), "-o", str(out), "--force")
    assert res.returncode == 0, res.stderr
    # a reviewed file inside the output folder cannot be overwritten
    res = run("responses", str(answers), "-d", str(data), "-o", str(out), "--force",
              "--review", str(out / "review.csv"))
    assert res.returncode == 2 and "would overwrite an input" in res.stderr


def test_bad_decisions_and_unreadable_answers_are_clear(tmp_path, data):
    answers = form_csv(tmp_path / "a" / "form.csv", [("Vale Youth Club", "Kite Street", "")])
    res = run("responses", str(answers), "-d", str(data), "-o", str(tmp_path / "o"))
    review = read_csv(tmp_path / "o" / "review.csv")
    review[0]["decision"] = "kite-stret-special-school"
    with open(tmp_path / "r.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(review[0]))
        w.writeheader()
        w.writerows(review)
    res = run("responses", str(answers), "-d", str(data), "-o", str(tmp_path / "o2"),
              "--review", str(tmp_path / "r.csv"))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "r.csv, line 2, column 15 (decision): decision 'kite-stret-special-school'" in (
        res.stderr)
    assert "Did you mean 'kite-street-special-school'?" in res.stderr
    assert not (tmp_path / "o2").exists()  # nothing half-written
    bad = tmp_path / "b" / "export.csv"
    bad.parent.mkdir()
    bad.write_text("when,who,what\n1,2,3\n")
    res = run("responses", str(bad), "-d", str(data), "-o", str(tmp_path / "o3"))
    assert res.returncode == 1 and "cannot tell which columns hold the answers" in res.stderr
    assert Q_ONWARD in res.stderr


def test_an_xlsx_form_export_is_read_like_a_csv(tmp_path, data):
    wb = Workbook()
    ws = wb.active
    ws.title = "Form1"
    ws.append(["ID", "Start time", "Organisation name", "Which organisations do you send "
               "young people to?", "Which organisations send young people to you?"])
    ws.append([1, "2026-03-01", "Fairground Beats!", "Drum and Bass Collective\nTMH", ""])
    wb.save(tmp_path / "forms.xlsx")
    out = tmp_path / "o"
    res = run("responses", str(tmp_path / "forms.xlsx"), "-d", str(data), "-o", str(out))
    assert res.returncode == 0, res.stderr
    got = {(r.source, r.target, r.evidence) for r in musicnet.load(out).routes
           if r.source == "fairground-beats"}
    assert got == {("fairground-beats", "drum-and-bass-collective", "source"),
                   ("fairground-beats", "thameside-music-hub", "source")}


def test_the_whole_corpus_through_responses(tmp_path, data):
    """Every corpus answer sent as one organisation's onward answer: each mention is
    matched automatically (to the right organisation) or is in review.csv."""
    bench_rows = read_csv(CORPUS / "mentions.csv")
    form_csv(tmp_path / "a" / "form.csv",
             [("Northgate Youth Theatre", r["answer"], "") for r in bench_rows])
    out = tmp_path / "o"
    res = run("responses", str(tmp_path / "a"), "-d", str(data), "-o", str(out))
    assert res.returncode == 0, res.stderr
    matcher = NameMatcher(musicnet.load(data).orgs.values())
    review = {r["mention"] for r in read_csv(out / "review.csv")}
    matches = read_csv(out / "matches.csv")
    onward = [m for m in matches if m["question"] == "onward"]
    expected = [e for r in bench_rows for e in r["expected"].split("|")]
    assert len(onward) == len(expected) == sum(
        len(split_answer(r["answer"], matcher)) for r in bench_rows)
    for m, exp in zip(onward, expected, strict=True):
        if m["how"] in ("exact", "alias", "fuzzy"):
            assert m["id"] == exp, m
        else:
            assert m["mention"] in review, m
    targets = {r.target for r in musicnet.load(out).routes
               if r.source == "northgate-youth-theatre"}
    assert "new" not in targets and targets <= set(expected)


# -- evidence against a brute-force reference, on random networks -------------------------

_WORDS = ("Alder", "Birch", "Cedar", "Damson", "Elder", "Fig", "Ginkgo", "Hazel")


def _evidence_case(n: int, onward: set, incoming: set, existing: dict):
    from musicnet import Network, Organisation, Route
    from musicnet.responses import Answer, RouteAnswer

    orgs = [Organisation(f"o{i}", f"{_WORDS[i]} Music Project", "other", "general",
                         ("participation",), "Lewisham", "intermediary") for i in range(n)]
    routes = [Route(f"o{s}", f"o{t}", evidence=ev) for (s, t), ev in sorted(existing.items())]
    net = Network(orgs, routes)
    answers = []
    for i in range(n):
        a = Answer("form.csv", i + 2, orgs[i].name)
        outs = [orgs[t].name for s, t in sorted(onward) if s == i]
        ins = [orgs[s].name for s, t in sorted(incoming) if t == i]
        if outs:
            a.onward.append(RouteAnswer("; ".join(outs), i + 2))
        if ins:
            a.incoming.append(RouteAnswer("\n".join(ins), i + 2))
        if outs or ins:
            answers.append(a)
    return net, answers


pairs = st.tuples(st.integers(0, 5), st.integers(0, 5)).filter(lambda p: p[0] != p[1])


@settings(max_examples=40, deadline=None)
@given(st.sets(pairs, max_size=12), st.sets(pairs, max_size=12),
       st.dictionaries(pairs, st.sampled_from(["", "source", "target", "both"]), max_size=8))
def test_evidence_matches_a_brute_force_reference(onward, incoming, existing):
    from musicnet.responses import apply_answers

    net, answers = _evidence_case(6, onward, incoming, existing)
    outcome = apply_answers(net, answers)
    got = {(int(r.source[1:]), int(r.target[1:])): r.evidence for r in outcome.routes}
    expected = {}
    for p in onward | incoming | set(existing):
        sides = set()
        if p in onward:
            sides.add("source")
        if p in incoming:
            sides.add("target")
        old = existing.get(p, "")
        sides |= {"source", "target"} if old == "both" else ({old} if old else set())
        expected[p] = "both" if sides == {"source", "target"} else next(iter(sides), "")
    assert got == expected
    assert all(m.how == "exact" for m in outcome.mentions)
    # routes the answers name are active; the rest keep their own status
    assert len(outcome.added) == len((onward | incoming) - set(existing))


@pytest.mark.parametrize("name, content", [
    ("empty.csv", b""),
    ("garbage.xlsx", b"PK\x03\x04 not really a zip"),
    ("binary.csv", bytes(range(256)) * 4),
    ("only-header.csv", b"What is your organisation's name?,Which organisations do you "
                        b"refer or signpost young people to?\r\n"),
    ("latin1.csv", "Organisation name,Refers to\nCaf\xe9 Music,Fairground Beats\n"
                   .encode("latin-1")),
])
def test_odd_answer_files_give_a_clear_message_or_work(tmp_path, data, name, content):
    path = tmp_path / "a" / name
    path.parent.mkdir()
    path.write_bytes(content)
    res = run("responses", str(path), "-d", str(data), "-o", str(tmp_path / "o"))
    assert "Traceback" not in res.stderr and "Internal error" not in res.stderr, res.stderr
    if res.returncode == 0:
        # the answers were merged into the network: nothing of the data was lost
        assert set(musicnet.load(data).orgs) <= set(musicnet.load(tmp_path / "o").orgs)
    else:
        assert res.returncode == 1 and str(path) in res.stderr
        assert not (tmp_path / "o").exists()


def test_bad_data_is_reported_and_nothing_written(tmp_path):
    from .test_cli import BAD_ORGS, BAD_REFS

    data = tmp_path / "data"
    data.mkdir()
    (data / "organisations.csv").write_text(BAD_ORGS)
    (data / "referrals.csv").write_text(BAD_REFS)
    answers = form_csv(tmp_path / "a" / "form.csv", [("A", "B", "")])
    for args in (["survey", str(data), "-o", str(tmp_path / "o" / "s.xlsx")],
                 ["responses", str(answers), "-d", str(data), "-o", str(tmp_path / "o")]):
        res = run(*args)
        assert res.returncode == 1 and "Traceback" not in res.stderr
        assert "Did you mean 'advanced'?" in res.stderr
        assert not (tmp_path / "o").exists()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=60), st.text(max_size=60)),
                min_size=1, max_size=4))
@example([("Á", "", ""), ("á", "", "")])  # two respondents differing only in case
@example([("+0", "", "")])  # a number, left as it is (the check took it for a formula)
def test_any_text_in_answers_gives_readable_safe_files(rows):
    from musicnet.responses import Answer, RouteAnswer, apply_answers

    net = musicnet.load(CORPUS)
    answers = []
    for i, (name, onward, incoming) in enumerate(rows):
        a = Answer("form.csv", i + 2, name or "x")
        a.onward.append(RouteAnswer(onward, i + 2))
        a.incoming.append(RouteAnswer(incoming, i + 2))
        answers.append(a)
    outcome = apply_answers(net, answers)
    for name in ("review.csv", "matches.csv", "new_organisations.csv", "referrals.csv"):
        parsed = list(csv.reader(io.StringIO(outcome.files[name], newline="")))
        width = len(parsed[0])
        assert all(len(r) == width for r in parsed), name
        # (a plain number such as -1.5 or +0 is a number to Excel, never a formula)
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for r in parsed[1:]
                       for c in r if c and not re.fullmatch(
                           r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", c)), name
    matches = list(csv.DictReader(io.StringIO(outcome.files["matches.csv"], newline="")))
    assert len(matches) == len(outcome.mentions)
    # review.csv lists each mention once per respondent, question and text with case and
    # spacing ignored (a decision there applies to every such mention: read_decisions
    # keys them the same way), so 'Á' and 'á' from two rows share one review row
    from musicnet.responses import _key

    review = {_key(r["respondent"], r["question"], r["mention"]) for r in csv.DictReader(
        io.StringIO(outcome.files["review.csv"], newline=""))}
    for m in matches:  # every mention not matched automatically is in review
        if m["how"] not in ("exact", "alias", "fuzzy"):
            assert _key(m["respondent"], m["question"], m["mention"]) in review


@pytest.mark.browser
def test_the_map_draws_one_sided_routes_differently(browser, tmp_path):
    """The docs' example: routes named by one side only are dotted, in their own colour,
    listed in the legend and marked in the details panel."""
    from musicnet.render.map import render_map

    from .test_map_browser import open_map

    shutil.copytree(ROOT / "data", tmp_path / "data")
    out = tmp_path / "new"
    res = run("responses", str(ROOT / "examples" / "survey" / "answers"), "-d",
              str(tmp_path / "data"), "-o", str(out))
    assert res.returncode == 0, res.stderr
    net = musicnet.load(out)
    page_file = tmp_path / "map.html"
    page_file.write_text(render_map(net), encoding="utf-8")
    page = open_map(browser, page_file)
    data = page.evaluate("window.musicnetMap.data")
    ids = data["nodes"]["id"]
    classed = {(ids[data["edges"]["s"][int(i)]], ids[data["edges"]["t"][int(i)]])
               for i, c in data["edges"]["cls"].items() if c == "one_sided"}
    one_sided = {(r.source, r.target) for r in net.routes
                 if r.evidence in ("source", "target") and r.status == "active"}
    assert one_sided and classed == one_sided
    assert data["class_styles"]["one_sided"]["dash"] == [3, 4]
    assert "Named by one side only" in page.inner_text("#legend")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(tmp_path / "one-sided.png"))
    assert page.errors == []
    page.close()


def test_organisations_sharing_a_name_can_be_told_apart(tmp_path, data):
    """Two organisations called 'Foxglove Secondary School' (Camden and Redbridge): the
    survey lists both with their borough, an answer naming one with its borough matches it
    exactly, and the bare name goes to review with both boroughs among the candidates."""
    from musicnet.matching import NameMatcher

    net = musicnet.load(data)
    twins = sorted(v for v, o in net.orgs.items() if o.name == "Foxglove Secondary School")
    assert len(twins) == 2
    m = NameMatcher(net.orgs.values())
    for v in twins:
        got = m.match(f"Foxglove Secondary School ({net.orgs[v].borough})")
        assert (got.how, got.id) == ("exact", v)
    bare = m.match("Foxglove Secondary School")
    assert bare.how == "ambiguous" and bare.id is None
    assert {c.name for c in bare.candidates} == {
        f"Foxglove Secondary School ({net.orgs[v].borough})" for v in twins}
    assert run("survey", str(data), "-o", str(tmp_path / "s.xlsx")).returncode == 0
    text = (tmp_path / "s.txt").read_text()
    for v in twins:
        assert f"\nFoxglove Secondary School ({net.orgs[v].borough})\n" in text
