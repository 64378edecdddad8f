"""The plain-English text says exactly what the JSON says (counts, order, who is named).

The terminal text of ``analyse``, ``whatif`` and ``path`` is checked on random networks
against the structured result it renders, section by section, so a wrong count, a lost
row or a wrong order in the text fails even when the numbers underneath are right.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from musicnet import UsageError
from musicnet.analysis import analyse, format_text, pathways
from musicnet.schema import STAGES
from musicnet.whatif import compare, parse_pair

from .test_numbers import SETTINGS, changes, networks

HEAD = re.compile(r"^(?P<title>.+) \((?P<n>\d+)\):?$")


def blocks(text: str) -> dict[str, list[str]]:
    """Sections of ``analyse`` text: heading -> its lines (paragraphs split by blank lines)."""
    out = {}
    for para in text.split("\n\n")[1:]:
        lines = para.splitlines()
        out[lines[0]] = lines[1:]
    return out



def _n(n: int, word: str) -> str:
    """'1 organisation', '2 organisations': counts read as English."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"

@SETTINGS
@given(networks(), st.integers(1, 4))
def test_analyse_text_matches_the_result(net, limit):
    result = analyse(net)
    text = format_text(result, limit=limit)
    s = result["summary"]
    rs = s["routes_by_status"]
    lines = text.splitlines()
    wide = sum(o.borough == "London-wide" for o in net.orgs.values())
    outside = sum(o.borough == "Outside London" for o in net.orgs.values())
    inside = len(net) - wide - outside
    where = f"in {_n(s['boroughs'], 'borough')}"
    if wide or outside:
        where = "(" + ", ".join(
            ([f"{inside} in {_n(s['boroughs'], 'borough')}"] if inside else [])
            + ([f"{wide} London-wide"] if wide else [])
            + ([f"{outside} outside London"] if outside else [])) + ")"
    assert lines[0] == (f"{_n(s['organisations'], 'organisation')} {where}, "
                        f"{_n(s['routes'], 'route')} ({rs['active']} active, "
                        f"{rs['lapsed']} lapsed, "
                        f"{rs['planned']} planned; only active routes are analysed).")
    names = {"majority_cc": "majority challenging circumstances",
             "minority_cc": "minority challenging circumstances", "general": "general"}
    assert lines[1] == "Remit: " + ", ".join(f"{v} {names[k]}"
                                             for k, v in s["by_remit"].items()) + "."
    mcc = result["stage_reach"]["majority_cc"]
    mcc_line = [x for x in lines if x.startswith("From the ")]
    if mcc["organisations"]:
        who = _n(mcc["organisations"], "majority-CC organisation")
        assert mcc_line == [f"From the {who}, young "
                            "people can reach: " + ", ".join(
                                f"{st.replace('_', ' ')} {mcc['can_reach'][st]}"
                                for st in STAGES) + "."]
    else:
        assert mcc_line == []
    chains = result["pathfinder_chains"]
    stuck = [b for b in result["borough_coverage"]["boroughs"]
             if "developing" in b["unreachable_stages"]]
    expected = {  # heading start -> the rows it must list, in order, and a key on each row
        "Dead ends": [r["id"] for r in result["dead_ends"]],
        "Progression gaps": [r["id"] for r in result["progression_gaps"]],
        "Fragile routes": [f"({b['source']}) -> {b['target_name']} ({b['target']})"
                           for b in result["bridges"]],
        "Single points of failure": [r["id"] for r in result["bridge_organisations"]],
        "Isolated": [r["id"] for r in result["isolated"]],
        "Broken Pathfinders chains: grassroots": [
            r["id"] for r in chains["grassroots_without_onward_route"]],
        "Broken Pathfinders chains: intermediaries": [
            r["id"] for r in chains["intermediaries_without_next_step"]],
        "Boroughs with no route beyond participation": [
            f"{b['borough']}: {b['organisations']} organisation" for b in stuck],
    }
    secs = blocks(text)
    for heading, body in secs.items():
        m = HEAD.match(heading)
        key = next((k for k in expected if m and m["title"].startswith(k)), None)
        if key is None:
            continue  # a section this test does not know (it is checked elsewhere)
        rows = expected.pop(key)
        assert int(m["n"]) == len(rows), heading
        if not rows:  # the explanation (from the findings table), then "none found"
            assert body[-1] == "  none found" and len(body) <= 2, body
            assert not [x for x in body if x.startswith("  - ")]
            continue
        bullets = [x for x in body if x.startswith("  - ")]
        assert len(bullets) == min(limit, len(rows))
        for bullet, row in zip(bullets, rows, strict=False):
            assert (f"({row})" in bullet) if not row.startswith("(") and ":" not in row \
                else (row in bullet), (bullet, row)
        more = [x for x in body if x.startswith("  ... and ")]
        assert more == ([f"  ... and {len(rows) - limit} more (--limit N lists more; "
                         "--format json gives all)"] if len(rows) > limit else [])
        assert body[-1].startswith("  What to do: ")
    assert expected == {}  # every finding has its section
    remits = {v: o.remit for v, o in net.orgs.items()}
    for line in text.splitlines():
        m = re.match(r"  - .*?\(([^()]+)\), [^()]+?( \[majority CC\])?(?::.*)?$", line)
        if m and m[1] in remits:  # an organisation row: flagged exactly when majority CC
            assert bool(m[2]) == (remits[m[1]] == "majority_cc"), line
    for row in result["bridge_organisations"][:limit]:
        n = row["cut_off"]
        assert (f"({row['id']}), {row['borough']}" in text and
                f"{n} organisation{'' if n == 1 else 's'} cut off if it closed" in text)
    for row in result["progression_gaps"][:limit]:
        stage = row["highest_stage"].replace("_", " ")
        assert f"({row['id']}), " in text and f"stops at {stage}" in text


@SETTINGS
@given(changes())
def test_whatif_text_matches_the_diff(change):
    before, after = change
    diff = compare(before, after)
    d = diff.to_dict()
    text = str(diff)
    lines = text.splitlines()
    harmful = bool(d["cut_off"] or d["reach_lost"] or d["dead_ends_created"]
                   or d["progression_gaps_opened"] or d["isolated_created"]
                   or d["majority_cc_harmed"])
    assert lines[0].startswith("This change harms progression: ") == harmful

    def n(k, word):
        return f"{k} {word}{'' if k == 1 else 's'}"

    if harmful:
        parts = [n(len(d["cut_off"]), "organisation") + " cut off" if d["cut_off"] else "",
                 n(len(d["reach_lost"]), "organisation") + " can no longer reach a stage"
                 if d["reach_lost"] else "",
                 n(len(d["dead_ends_created"]), "new dead end") if d["dead_ends_created"]
                 else "",
                 n(len(d["progression_gaps_opened"]), "new progression gap")
                 if d["progression_gaps_opened"] else "",
                 n(len(d["isolated_created"]), "organisation") + " left with no routes"
                 if d["isolated_created"] else "",
                 n(len(d["majority_cc_harmed"]), "majority-CC organisation") + " worse off"
                 if d["majority_cc_harmed"] else ""]
        assert lines[0] == "This change harms progression: " + ", ".join(
            x for x in parts if x) + "."
    if not any(v for v in d.values()):
        assert text == "No change to progression in the network."
        return
    mcc = {v for v, o in {**before.orgs, **after.orgs}.items() if o.remit == "majority_cc"}
    sections: dict[str, list[str]] = {}
    current = None
    for line in lines:
        m = HEAD.match(line)
        if m and line.endswith(":"):
            current = m["title"]
            sections[current] = []
            assert int(m["n"]) > 0
        elif line.startswith("  - "):
            sections[current].append(line[4:])
    counts = {t: len(items) for t, items in sections.items()}
    names = {v: o.name for v, o in {**before.orgs, **after.orgs}.items()}
    for title, key in (("Routes added", "routes_added"), ("Routes removed", "routes_removed")):
        assert sections.get(title, []) == [
            f"{names[r['source']]} ({r['source']}) -> {names[r['target']]} ({r['target']})"
            for r in d[key]], title
    for title, key in (("Routes added", "routes_added"), ("Routes removed", "routes_removed"),
                       ("Organisations closed", "organisations_closed"),
                       ("Dead ends resolved", "dead_ends_resolved"),
                       ("No longer dead ends only because no route reaches them any more",
                        "dead_ends_unreached"),
                       ("New dead ends", "dead_ends_created"),
                       ("Progression gaps closed", "progression_gaps_closed"),
                       ("New progression gaps", "progression_gaps_opened"),
                       ("New fragile routes (bridges)", "bridges_gained"),
                       ("New single points of failure", "bridge_organisations_gained"),
                       ("Can now reach more stages", "reach_gained"),
                       ("Cut off from the rest of the network (majority CC first)", "cut_off"),
                       ("Can no longer reach (majority CC first)", "reach_lost"),
                       ("Left with no routes in or out (majority CC first)",
                        "isolated_created"),
                       ("No longer isolated (they now have a route)", "isolated_resolved")):
        assert counts.get(title, 0) == len(d[key]), title
    # a lost bridge or single point of failure is listed exactly once, in one of its sections
    lost_titles = ("Fragile routes made safe (no longer bridges)", "Fragile routes removed",
                   "No longer bridges only because the network there was split or closed")
    assert sum(counts.get(t, 0) for t in lost_titles) == len(d["bridges_lost"])
    names = {v: o.name for v, o in {**before.orgs, **after.orgs}.items()}
    shown = sorted(x for t in lost_titles for x in sections.get(t, []))
    assert shown == sorted(f"{names[b['source']]} ({b['source']}) -> "
                           f"{names[b['target']]} ({b['target']})" for b in d["bridges_lost"])
    shown = sorted(x for t, items in sections.items() if t.startswith("No longer single")
                   for x in items)
    assert shown == sorted(f"{names[v]} ({v})" for v in d["bridge_organisations_lost"])
    assert sum(n for t, n in counts.items() if t.startswith("No longer single points")
               ) == len(d["bridge_organisations_lost"])
    for title in ("Cut off from the rest of the network (majority CC first)",
                  "Left with no routes in or out (majority CC first)",
                  "Can no longer reach (majority CC first)", "New dead ends",
                  "New progression gaps"):
        items = sections.get(title, [])
        flags = ["[majority CC]" in x for x in items]
        assert flags == sorted(flags, reverse=True), title  # majority CC named first
        ids = [re.search(r"\(([^()]+)\)(?: \[majority CC\])?(?::|$)", x)[1] for x in items]
        assert all(("[majority CC]" in x) == (v in mcc) for x, v in zip(items, ids,
                                                                        strict=True))
    for v, stages in d["reach_lost"].items():
        assert any(f"({v})" in x and x.endswith(": " + ", ".join(stages))
                   for x in sections["Can no longer reach (majority CC first)"])
    for key, label in (("majority_cc_harmed", "Majority-CC organisations made worse off: "),
                       ("majority_cc_helped", "Majority-CC organisations helped: ")):
        got = [x for x in lines if x.startswith(label)]
        who = "; ".join(f"{names[v]} ({v})" for v in d[key])
        assert got == ([f"{label}{len(d[key])}: {who}."] if d[key] else [])
    # a harmful change that also helps says so on the line after the harm
    resolved = d["dead_ends_resolved"]
    good = [f"resolves {n(len(resolved), 'dead end')}" if resolved else "",
            f"closes {n(len(d['progression_gaps_closed']), 'progression gap')}"
            if d["progression_gaps_closed"] else "",
            f"gives {n(len(d['reach_gained']), 'organisation')} a route to a higher stage"
            if d["reach_gained"] else "",
            f"links {n(len(d['isolated_resolved']), 'isolated organisation')}"
            if d["isolated_resolved"] else ""]
    also = [x for x in lines if x.startswith("It also ")]
    want = "It also " + ", ".join(x for x in good if x) + "."
    assert also == ([want] if harmful and any(good) else [])
    if also:
        assert lines[1] == want


@SETTINGS
@given(networks(), st.data())
def test_path_text_and_dict_match(net, data):
    start = data.draw(st.sampled_from(sorted(net.orgs)))
    p = pathways(net, start)
    d = p.to_dict()
    assert d == {"id": p.org, "name": p.name, "highest_stage": p.highest_stage,
                 "genre": p.genre, "reachable_organisations": p.reachable_organisations,
                 "routes": p.routes, "unreachable_stages": p.unreachable_stages,
                 "genres_reachable": p.genres_reachable,
                 "genres_unreachable": p.genres_unreachable}
    lines = str(p).splitlines()
    top = STAGES[max(STAGES.index(x) for x in net.orgs[start].stages)]
    assert p.highest_stage == top
    def words(code: str) -> str:
        return code.replace("_", " ")

    assert lines[0] == (f"From {net.orgs[start].name} ({start}), highest stage "
                        f"{words(top)}: {_n(p.reachable_organisations, 'organisation')} "
                        "reachable.")
    i = 1
    for stage, routes in p.routes.items():
        steps = len(routes[0]) - 1
        assert lines[i] == f"{words(stage)} ({steps} step{'s' if steps != 1 else ''}):"
        for k, route in enumerate(routes):
            want = route[0]["name"] + "".join(f" -[{x['kind']}]-> {x['name']}"
                                              for x in route[1:])
            assert lines[i + 1 + k] == "  " + want
        i += 1 + len(routes)
    rest = lines[i:]
    assert rest == ([f"Not reachable at all: {', '.join(map(words, p.unreachable_stages))}."]
                    if p.unreachable_stages else []) + (
        [f"Its own genres with no onward offer: {', '.join(p.genres_unreachable)} "
         "(a genre break)."] if p.genres_unreachable else [])


def test_parse_pair_forms():
    for text in ("a:b", "a->b", "a,b", " a : b "):
        assert parse_pair(text) == ("a", "b")
    assert parse_pair("kite-street->hub") == ("kite-street", "hub")
    assert parse_pair("a:b:c") == ("a", "b:c")
    for bad in ("a:", ":b", "ab", " : "):
        with pytest.raises(UsageError, match="is not a route: write SOURCE:TARGET"):
            parse_pair(bad)


def test_suggestion_text_and_dict(sample_net):
    s = sample_net.suggest_links(top=1)[0]
    assert s.to_dict() == {"source": s.source, "target": s.target,
                           "source_name": s.source_name, "target_name": s.target_name,
                           "score": s.score, "fit": s.fit, "reasons": s.reasons,
                           "impact": s.impact}
    assert str(s).splitlines() == [
        f"{sample_net.orgs[s.source].name} ({s.source}) -> "
        f"{sample_net.orgs[s.target].name} ({s.target}): score {s.score}",
        *(f"  - {r}" for r in s.reasons)]
