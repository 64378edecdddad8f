"""The interactive map in real headless Chromium (Playwright driving /usr/bin/chromium)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import musicnet
from musicnet.model import Organisation, Route
from musicnet.render.map import render_map
from musicnet.synth import write_data

pytestmark = pytest.mark.browser


def open_map(browser, path: Path, requests: list[str] | None = None):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    if requests is not None:
        page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.errors = errors  # type: ignore[attr-defined]
    return page


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("map") / "map.html"
    path.write_text(render_map(musicnet.load("data")), encoding="utf-8")
    return path


def test_loads_offline_with_counts(browser, sample_map, sample_net):
    requests: list[str] = []
    page = open_map(browser, sample_map, requests)
    assert [u for u in requests if u != sample_map.as_uri()] == []
    assert page.errors == []
    body = page.locator("body")
    assert int(body.get_attribute("data-visible-nodes")) == len(sample_net)
    assert int(body.get_attribute("data-visible-edges")) == sample_net.graph.number_of_edges()
    # lapsed and planned routes are off by default and can be switched on
    page.check("#show-lapsed")
    page.check("#show-planned")
    assert int(body.get_attribute("data-visible-edges")) == len(sample_net.routes)
    assert page.evaluate("window.musicnetMap.nodes.length") == len(sample_net)
    page.close()


def test_search_focuses_and_selects(browser, sample_map, sample_net):
    page = open_map(browser, sample_map)
    target = sample_net.org("open-doors-music-network-london-wide")
    page.fill("#search", "open doors")
    page.press("#search", "Enter")
    assert page.locator("body").get_attribute("data-selected") == target.id
    assert page.locator("#panel-name").text_content() == target.name
    assert page.evaluate("window.musicnetMap.network.getSelectedNodes()") == [target.id]
    page.fill("#search", "no such organisation anywhere")
    page.press("#search", "Enter")
    assert "No organisation" in page.locator("#search-status").text_content()
    page.close()


def test_filters(browser, sample_map, sample_net):
    page = open_map(browser, sample_map)
    body = page.locator("body")
    bexley = [v for v, o in sample_net.orgs.items() if o.borough == "Bexley"]
    page.select_option("#filter-borough", "Bexley")
    assert int(body.get_attribute("data-visible-nodes")) == len(bexley)
    inside = [r for r in sample_net.routes if r.status == "active"
              and r.source in bexley and r.target in bexley]
    assert int(body.get_attribute("data-visible-edges")) == len(inside)
    page.select_option("#filter-borough", "")
    page.select_option("#filter-remit", "majority_cc")
    n_mcc = sum(o.remit == "majority_cc" for o in sample_net.orgs.values())
    assert int(body.get_attribute("data-visible-nodes")) == n_mcc
    page.select_option("#filter-remit", "")
    page.select_option("#filter-kind", "signposting")
    n_sign = sum(r.kind == "signposting" and r.status == "active" for r in sample_net.routes)
    assert int(body.get_attribute("data-visible-edges")) == n_sign
    page.close()


def test_highlight_toggles(browser, sample_map, sample_net):
    page = open_map(browser, sample_map)
    dead = sample_net.dead_ends()[0]
    ok = next(v for v in sample_net.orgs if v not in sample_net.dead_ends()
              and v not in sample_net.progression_gaps())
    border = "id => window.musicnetMap.nodes.get(id).color.border"
    assert page.evaluate(border, dead) == "#333333"
    page.check("#hl-dead_end")
    assert page.evaluate(border, dead) == "#d62728"
    assert page.evaluate(border, ok) == "#333333"
    assert f"({len(sample_net.dead_ends())})" in page.locator("#highlights").text_content()
    page.check("#hl-bridge")
    s, t = sample_net.bridges()[0]
    widths = page.evaluate("""([s, t]) => window.musicnetMap.edges.get()
        .filter(e => e.from === s && e.to === t).map(e => e.width)""", [s, t])
    assert widths == [4]
    page.uncheck("#hl-dead_end")
    assert page.evaluate(border, dead) == "#333333"
    page.close()


def test_click_shows_details_and_pathways(browser, sample_map, sample_net):
    page = open_map(browser, sample_map)
    oid = "open-doors-music-network-london-wide"
    page.evaluate("id => window.musicnetMap.network.focus(id, {scale: 1.5, animation: false})",
                  oid)
    pos = page.evaluate("""id => { const m = window.musicnetMap.network;
        const p = m.canvasToDOM(m.getPositions([id])[id]);
        const r = document.getElementById('map').getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }""", oid)
    page.mouse.click(pos[0], pos[1])
    assert page.locator("body").get_attribute("data-selected") == oid
    assert page.locator("#panel-name").text_content() == sample_net.org(oid).name
    reach = len(__import__("networkx").descendants(sample_net.graph, oid))
    assert f"{reach} organisations reachable" in page.locator("#pathways").text_content()
    # reachable organisations are coloured by stage, the rest greyed out
    other = next(v for v in sample_net.orgs if v not in
                 __import__("networkx").descendants(sample_net.graph, oid) and v != oid)
    assert page.evaluate("id => window.musicnetMap.nodes.get(id).color.background",
                         other) == "#e3e3e3"
    onward = sorted(sample_net.graph.successors(oid))
    shown = page.locator("#panel-body section:nth-of-type(2) button.link").all_text_contents()
    assert sorted(shown) == sorted(sample_net.name(v) for v in onward)
    page.click("#clear-selection")
    assert page.locator("body").get_attribute("data-selected") is None
    page.close()


PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=2\">",
    "</script><script>window.__xss=3</script>",
    "\" onmouseover=\"window.__xss=4",
    "'; window.__xss=5; '",
    "\u202egnp.exe <b>bold</b>",
    "{{ 7*7 }} ${7*7}",
    "x" * 3000,
]


def test_hostile_text_is_shown_literally(browser, tmp_path):
    orgs = []
    for i, payload in enumerate(PAYLOADS):
        orgs.append(Organisation(
            id=f"p{i}", name=payload, type="other", remit="majority_cc",
            stages=("participation",), borough="Lewisham", role="intermediary",
            genres=(payload.lower(),), notes=payload, contact_email="a@b.org",
            website="javascript:window.__xss=9" if i == 0 else "https://example.org/?q=<x>"))
    routes = [Route(f"p{i}", f"p{i + 1}", notes=PAYLOADS[i]) for i in range(len(PAYLOADS) - 1)]
    write_data(tmp_path / "data", orgs, routes[1:])
    # the loader accepts hostile names and notes but rejects a javascript: website
    with pytest.raises(musicnet.DataError) as info:
        musicnet.load(tmp_path / "data")
    assert [p.field for p in info.value.problems] == ["website"]
    net = musicnet.Network(orgs, routes)  # the Python API can still be handed anything
    html = render_map(net, title="<script>window.__xss=6</script>", include_private=True)
    assert "<script>window.__xss" not in html
    path = tmp_path / "map.html"
    path.write_text(html, encoding="utf-8")
    page = open_map(browser, path)
    assert page.title() == "<script>window.__xss=6</script>"
    for i, payload in enumerate(PAYLOADS):
        page.evaluate("id => window.musicnetMap.select(id, true)", f"p{i}")
        assert page.locator("#panel-name").text_content() == payload
        assert payload in page.locator("#panel-body dl").text_content()  # notes shown
        link = page.locator("#panel-website")
        if i == 0:
            assert link.count() == 0
        else:
            assert link.get_attribute("href") == "https://example.org/?q=%3Cx%3E"
        page.locator("#panel-body").hover()
    assert page.evaluate("window.__xss") is None
    assert page.locator("#panel-body img, #panel-body script, #panel-body b").count() == 0
    assert page.errors == []
    page.close()


def test_private_fields_left_out_by_default(tmp_path):
    net = musicnet.load("data")
    html = render_map(net)
    data = json.loads(html.split('id="musicnet-data">', 1)[1].split("</script>", 1)[0])
    assert all("contact_email" not in n and "notes" not in n for n in data["nodes"])
    assert "hello@" not in html
    html_private = render_map(net, include_private=True)
    assert "hello@" in html_private


def test_keyboard_only_use(browser, sample_map, sample_net):
    page = open_map(browser, sample_map)
    page.focus("#search")
    page.keyboard.type("bexley")  # no name matches: falls back to nothing found
    page.keyboard.press("Enter")
    assert "No organisation" in page.locator("#search-status").text_content()
    page.fill("#search", "")
    target = sorted(sample_net.orgs)[0]
    page.keyboard.type(target)
    page.keyboard.press("Enter")
    assert page.locator("body").get_attribute("data-selected") == target
    # tab order reaches the view switch and the highlight toggles, and space toggles them
    page.focus("#hl-gap")
    page.keyboard.press("Space")
    assert page.is_checked("#hl-gap")
    page.focus("#relax")
    page.keyboard.press("Enter")
    assert page.get_attribute("#relax", "aria-pressed") == "true"
    assert page.evaluate("window.musicnetMap.network.physics.options.enabled") is True
    page.close()


def test_geo_view_moves_nodes(browser, sample_map):
    page = open_map(browser, sample_map)
    first = "window.musicnetMap.data.nodes[0].id"
    before = page.evaluate(f"window.musicnetMap.network.getPositions([{first}])")
    page.check("input[value=geo]")
    after = page.evaluate(f"window.musicnetMap.network.getPositions([{first}])")
    assert before != after
    page.close()
