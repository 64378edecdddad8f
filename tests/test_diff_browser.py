"""The map of changes and the "Since last time" report in real headless Chromium."""

from __future__ import annotations

import pytest

import musicnet
from musicnet.diff import diff
from musicnet.render.diff import render_diff, render_diff_map
from musicnet.render.report import render_report

from .conftest import SAMPLE
from .test_map_browser import open_map

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def changes():
    return diff(musicnet.load(SAMPLE), musicnet.load(SAMPLE / "2026"))


def test_diff_map_styles_and_legend(browser, changes, tmp_path):
    path = tmp_path / "changes-map.html"
    path.write_text(render_diff_map(changes), encoding="utf-8")
    requests: list[str] = []
    page = open_map(browser, path, requests)
    assert page.errors == []
    assert [u for u in requests if u != path.as_uri()] == []
    legend = page.locator("#legend-changes li")
    assert legend.count() == 3
    assert "New since last time" in legend.nth(0).inner_text()
    d = changes.to_dict()
    # every new and lost route is drawn, with its change, even though lost ones are
    # not active; lost routes are dashed
    drawn = page.evaluate("""() => {
        const m = window.musicnetMap;
        return m.edges.get().filter(e => e.dashes || e.width === 3).length; }""")
    assert drawn >= len(d["routes_added"]) + len(d["routes_removed"])
    lost = page.evaluate("""() => window.musicnetMap.edges.get()
        .filter(e => Array.isArray(e.dashes) && e.color.color === '#c92a2a').length""")
    assert lost == len(d["routes_removed"])
    ids = page.evaluate("() => window.musicnetMap.nodes.getIds()")
    assert {r["id"] for r in d["organisations_removed"]} <= set(ids)
    # the header counts the current network, not the lost organisations
    new = changes.new
    assert f"{len(new)} organisations" in page.locator("header").inner_text()
    page.screenshot(path=str(tmp_path / "diff-map.png"))
    page.close()


def test_report_since_last_time(browser, changes, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(render_report(changes.new, suggestions=0, changes=changes),
                    encoding="utf-8")
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    assert [u for u in requests if u != path.as_uri()] == []
    section = page.locator("#since-last-time")
    text = section.inner_text()
    assert "Larkfield Refugee Welcome Music" in text
    assert "Cold-spot boroughs" in text
    # numbers columns stay readable (not wrapped letter by letter)
    width = page.evaluate("""() => document.querySelector(
        '#since-last-time table.changes th:first-child').getBoundingClientRect().width""")
    assert width > 100
    assert page.locator("#health").inner_text().count("Density") == 1
    assert page.locator("#clusters-table tr").count() >= 4
    assert page.locator("#timeline svg").count() == 1
    page.close()


def test_diff_page_escapes_names(browser, tmp_path):
    from dataclasses import replace

    old = musicnet.load(SAMPLE)
    evil = "<img src=x onerror=alert(1)>"
    first = next(iter(old.orgs.values()))
    new = musicnet.Network([replace(first, name=evil), *list(old.orgs.values())[1:]],
                           old.routes)
    path = tmp_path / "changes.html"
    path.write_text(render_diff(diff(old, new)), encoding="utf-8")
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    assert evil in page.locator("#since-last-time").inner_text()
    assert page.locator("#since-last-time img").count() == 0 and dialogs == []
    page.close()


def test_map_colours_by_cluster_with_a_legend(browser, tmp_path):
    from musicnet.analysis.health import clusters
    from musicnet.render.map import render_map

    net = musicnet.load(SAMPLE)
    path = tmp_path / "map.html"
    path.write_text(render_map(net), encoding="utf-8")
    page = open_map(browser, path)
    assert page.locator("#legend-clusters").is_hidden()
    assert "Network health: density" in page.locator("#health-line").text_content()
    page.check("#colour-cluster")
    assert page.locator("#legend-clusters").is_visible()
    found = clusters(net)
    names = page.locator("#legend-clusters li").all_inner_texts()
    assert [n.rsplit(" (", 1)[0].strip() for n in names] == [c["name"]
                                                             for c in found["clusters"]]
    colours = page.evaluate("""() => Object.fromEntries(window.musicnetMap.nodes.get()
        .map(n => [n.id, n.color.background]))""")
    legend = page.evaluate("() => JSON.parse(document.getElementById('musicnet-data')"
                           ".textContent).clusters.map(c => c.colour)")
    for i, c in enumerate(found["clusters"]):
        assert {colours[v] for v in c["members"]} == {legend[i]}
    page.uncheck("#colour-cluster")
    assert page.locator("#legend-clusters").is_hidden()
    assert page.errors == []
    page.close()
