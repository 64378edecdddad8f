"""The coordinator's report, in real Chromium and as Markdown."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import musicnet
from musicnet.model import Organisation, Route
from musicnet.render.report import md_escape, render_report

from .conftest import net_of, org
from .test_map_browser import PAYLOADS

SECTIONS = ["key-stats", "findings", "dead-ends", "progression-gaps", "bridges",
            "bridge-organisations", "isolated", "chains-grassroots", "chains-intermediaries",
            "suggestions", "stage-chart", "coverage", "cold-spots", "network-picture",
            "privacy"]


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(musicnet.load("data")), encoding="utf-8")
    return path


def test_report_in_chromium_shows_every_section_offline(browser, sample_report, sample_net):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(sample_report.as_uri())
    assert [u for u in requests if u != sample_report.as_uri()] == []
    for section in SECTIONS:
        assert page.locator(f"#{section}").is_visible(), section
    dead = page.locator("#dead-ends").text_content()
    for v in sample_net.dead_ends():
        assert sample_net.name(v) in dead
    assert "What to do" in dead
    assert page.locator("#stage-chart svg").count() == 1
    assert page.locator("#network-picture svg").count() == 1
    assert page.locator("#suggestions tr").count() == 6  # header + 5
    assert "Bexley" in page.locator("#cold-spots").text_content()
    assert "left out" in page.locator("#privacy").text_content()
    assert page.evaluate("document.scripts.length") == 0
    pdf = page.pdf(format="A4")  # the print stylesheet renders to PDF
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    page.close()


def test_hostile_names_are_text_in_report(browser, tmp_path):
    orgs = [Organisation(id=f"p{i}", name=p, type="other", remit="majority_cc",
                         stages=("participation",), borough="Lewisham", role="intermediary",
                         notes=p, imd_decile=1)
            for i, p in enumerate(PAYLOADS)]
    net = musicnet.Network(orgs, [Route(f"p{i}", f"p{i + 1}") for i in range(3)])
    html = render_report(net, title="<script>window.__xss=7</script>")
    assert "<script" not in html.lower().replace("&lt;script", "")
    path = tmp_path / "r.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("dialog", lambda d: (errors.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    text = page.locator("body").text_content()
    for p in PAYLOADS[:5]:
        assert p in text
    assert page.evaluate("window.__xss") is None and errors == []
    assert page.locator("img").count() == 0
    page.close()


def test_private_fields_and_small_counts():
    n = net_of([org("a", "first_access", contact_email="secret@x.org", notes="secret note"),
                org("b", "developing")],
               [Route("a", "b", young_people_per_year=3)])
    html = render_report(n, suggestions=0)
    assert "secret" not in html
    assert "fewer than 5" in html
    assert ">3<" not in html
    assert "fewer than 5" not in render_report(n, suggestions=0, suppress_below=0)


def test_markdown_report(sample_net):
    md = render_report(sample_net, fmt="md")
    assert md.startswith("# ")
    for heading in ("## Key figures", "## Where journeys stop", "## Suggested missing links",
                    "## Cold spots"):
        assert heading in md
    # the sections the HTML report has (a first-time user found the borough table and the
    # headings of the cold-spot lists, brokers and clusters missing from the Markdown)
    html = render_report(sample_net)
    h = re.findall(r"<h[23][^>]*>([^<]*)</h[23]>", html)
    m = [x.lstrip("# ") for x in re.findall(r"^#{2,3} .*$", md, re.M)]
    shared = [x for x in h if x != "Over the years" and x != "The network"]
    assert [x for x in shared if x not in m] == []
    boroughs = {r["borough"] for r in sample_net.analyse()["borough_coverage"]["boroughs"]}
    assert all(f"| {b} |" in md for b in boroughs)
    # every table row has the same number of cells as its header
    for table in re.findall(r"((?:^\|.*\|\n)+)", md, re.M):
        rows = table.strip().splitlines()
        widths = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
        assert len(widths) == 1, rows[:3]


def _rendered(markdown: str) -> tuple[set[str], str]:
    """The tags and the text a CommonMark renderer (raw HTML allowed, tables on, as code
    hosting sites render before they sanitise) makes of ``markdown``."""
    import html

    from markdown_it import MarkdownIt

    out = MarkdownIt("commonmark").enable("table").render(markdown)
    tags = set(re.findall(r"<(/?[a-zA-Z][a-zA-Z0-9]*)", out))
    return tags, " ".join(html.unescape(re.sub(r"<[^>]*>", " ", out)).split())


_MD_PLACES = {"{}": {"p", "/p"}, "- {}": {"ul", "/ul", "li", "/li"},
              "| a |\n|---|\n| {} |": {"table", "/table", "thead", "/thead", "tbody",
                                         "/tbody", "tr", "/tr", "th", "/th", "td", "/td"}}


@pytest.mark.parametrize("text", [
    *PAYLOADS, "<img src=x onerror=alert(1)> | [link](javascript:x) *b* `c`\nnext",
    "r&b -> soul", "1. first", "# heading", "> quote", "---", "&amp; &#60;", "<3 music",
    "a\\", "<https://example.org>", "+ plus", "2024) year"])
def test_md_escape_shows_text_literally(text):
    """A Markdown renderer shows the escaped text exactly (whitespace collapsed) as plain
    text: no tag, link, heading, list or entity comes out of it."""
    for place, tags in _MD_PLACES.items():
        got_tags, got_text = _rendered(place.format(md_escape(text)))
        assert got_tags <= tags, (text, place, got_tags)
        assert got_text == " ".join(("a " if place.startswith("|") else "") .split()
                                    + text.split()), (text, place)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40))
def test_md_escape_shows_any_text_literally(text):
    for place, tags in _MD_PLACES.items():
        got_tags, got_text = _rendered(place.format(md_escape(text)))
        assert got_tags <= tags, (text, place, got_tags)
        assert got_text == " ".join(("a " if place.startswith("|") else "").split()
                                    + text.split()), (text, place)


def test_markdown_report_reads_as_plain_text(sample_net):
    """Arrows and ampersands in the Markdown report are not HTML entities."""
    md = render_report(sample_net, fmt="md")
    assert "&gt;" not in md and "&amp;" not in md and " -> " in md


def test_report_is_deterministic(sample_net):
    assert render_report(sample_net) == render_report(sample_net)


def test_stage_chart_bars_show_brute_force_reach(browser, sample_report, sample_net):
    """Every bar of the report's stage chart: its figures equal an independent count (an
    organisation can reach stage s when it offers or reaches a stage at or above s), its
    drawn height is that share of the axis, and its label says the percentage."""
    from musicnet.schema import STAGES

    from .test_numbers import edges, lvl, top_level

    es = edges(sample_net)
    page = browser.new_page()
    page.goto(sample_report.as_uri())
    bars = page.evaluate("""() => [...document.querySelectorAll('.stage-chart .bar')].map(g => ({
        stage: g.dataset.stage, group: g.dataset.group, count: +g.dataset.count,
        of: +g.dataset.of, h: g.querySelector('rect').getBBox().height,
        label: g.querySelector('text').textContent,
        title: g.querySelector('title').textContent}))""")
    axis = page.evaluate("""() => { const ys = [...document.querySelectorAll('.stage-chart line')]
        .map(l => +l.getAttribute('y1')); return Math.max(...ys) - Math.min(...ys); }""")
    assert len(bars) == 2 * len(STAGES)
    for bar in bars:
        group = [v for v, o in sample_net.orgs.items()
                 if bar["group"] == "all" or o.remit == "majority_cc"]
        want = sum(top_level(sample_net, es, v) >= lvl(bar["stage"]) for v in group)
        assert (bar["count"], bar["of"]) == (want, len(group)), bar
        assert bar["h"] == pytest.approx(axis * want / len(group), abs=0.2), bar
        assert bar["label"] == f"{100 * want / len(group):.0f}%"
        assert bar["title"].startswith(f"{bar['stage'].replace('_', ' ')}: {want} of ")


def test_network_picture_left_out_above_the_limit(sample_net, monkeypatch):
    """Above PICTURE_LIMIT organisations the report has no picture and points to the map;
    at the limit it has one."""
    from musicnet.render import report

    monkeypatch.setattr(report, "PICTURE_LIMIT", len(sample_net) - 1)
    html = render_report(sample_net)
    section = html[html.index('id="network-picture"'):]
    assert "<svg" not in section[:section.index("</section>")]
    assert "open the interactive map (map.html)" in section
    monkeypatch.setattr(report, "PICTURE_LIMIT", len(sample_net))
    html = render_report(sample_net)
    section = html[html.index('id="network-picture"'):]
    assert "<svg" in section[:section.index("</section>")]


def _colour_word(hex_colour: str) -> str:
    """A colour's everyday name from its hue and lightness (independent of musicnet)."""
    import colorsys

    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    if light < 0.1:
        return "black"
    if sat < 0.15:
        return "grey"
    deg = hue * 360
    for name, top in (("red", 15), ("orange", 45), ("yellow", 70), ("green", 170),
                      ("blue", 260), ("purple", 300), ("pink", 345), ("red", 361)):
        if deg < top:
            return name
    raise AssertionError(hex_colour)


def test_picture_caption_names_the_styles_it_is_drawn_in():
    """The caption under the report's picture once said red rings and orange lines for
    black rings and pink lines: it is now made from the styles the picture draws with."""
    from musicnet.render.map import FLAG_STYLES, LINE_STYLES
    from musicnet.render.report import picture_caption

    for style in (*FLAG_STYLES.values(), LINE_STYLES["bridge"]):
        assert _colour_word(style["colour"]) in style["look"], style
        assert bool(style["dash"]) == any(w in style["look"] for w in ("dashed", "dotted"))
    caption = picture_caption()
    for f in ("dead_end", "gap", "bridge_org"):
        assert f"{FLAG_STYLES[f]['look']}: {FLAG_STYLES[f]['label'].lower()}" in caption.lower()
    assert f"{LINE_STYLES['bridge']['look']}: fragile routes" in caption
    page = render_report(musicnet.load("data"))
    assert f'<figcaption class="muted">{caption}</figcaption>' in page


@pytest.mark.parametrize("size", [(1440, 900), (1024, 768), (768, 1024)])
def test_network_picture_at_its_own_size_and_no_sideways_page(browser, sample_report, size):
    """The report's network picture is not shrunk into the text column (names were about
    7 px): it is shown at its own size, as wide as the window allows, and scrolls sideways
    inside its own box on a narrow screen; the page itself never scrolls sideways."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(sample_report.as_uri())
    shown, natural, page_w, box_w = page.evaluate("""() => {
        const s = document.querySelector('#network-picture svg');
        const box = s.closest('.scroll');
        return [s.getBoundingClientRect().width, s.width.baseVal.value,
                document.documentElement.scrollWidth, box.getBoundingClientRect().width]; }""")
    assert abs(shown - natural) < 1
    assert page_w <= size[0] and box_w <= size[0]
    page.close()


def test_report_words_for_a_funder(sample_net):
    """A second look as a funder found "majority CC", "(as `musicnet whatif` does)", an
    unexplained score, and 5 suggestions where the map showed 10 with no word why."""
    from musicnet.render.report import report_suggestions

    ten = report_suggestions(sample_net, top=10)
    html = render_report(sample_net, suggested=ten)
    assert "majority CC" not in html and "musicnet whatif" not in html
    assert "majority challenging circumstances" in html
    assert "The higher the score, the bigger the improvement." in html
    assert "The first 5 of 10: the map's <em>Suggested new links</em> layer shows all 10." in html
    assert html.count('<tr><td class="num">') >= 5
    alone = render_report(sample_net)  # its own 5: nothing to say about the map's
    assert "The first 5 of" not in alone


def test_percentages_are_rounded_not_cut():
    """2 of 3 is 67%, not 66% (a planted int() that cut the fraction off went unnoticed:
    the sample's shares happened to round down)."""
    net = net_of([org("a", "developing"), org("b", "developing"), org("c", "first_access",
                                                                       borough="Camden")], [])
    html = render_report(net)
    bars = re.findall(r'<g class="bar" data-stage="developing" data-group="all" '
                      r'data-count="(\d+)" data-of="(\d+)">.*?<text[^>]*>([^<]*)</text>', html,
                      flags=re.S)
    assert bars == [("2", "3", "67%")]


def test_cluster_table_counts_the_boroughs_it_leaves_out(sample_net):
    """Each cluster row names four boroughs and says how many more: the count must be
    the rest exactly (a planted "- 3" said one too many and went unnoticed)."""
    from html import escape

    html = render_report(sample_net)
    table = re.search(r'<table id="clusters-table">(.*?)</table>', html, flags=re.S).group(1)
    clusters = sample_net.analyse()["health"]["clusters"]["clusters"]
    assert any(len(c["boroughs"]) > 4 for c in clusters)
    for c in clusters:
        row = next(r for r in table.split("<tr>") if f"<td>{escape(c['name'])}</td>" in r)
        names = list(c["boroughs"])
        assert all(b in row for b in names[:4])
        more = re.search(r" and (\d+) more", row)
        assert (int(more.group(1)) if more else 0) == max(0, len(names) - 4), row


def test_the_report_says_what_its_words_mean(sample_net):
    """A funder's-eye review: 'majority-CC', 'Pathfinders' and the findings' names were
    never explained. The report has a glossary with every finding from the one findings
    table and the research's terms."""
    from markupsafe import escape

    from musicnet.findings import FINDING, NETWORK_FINDINGS

    html = render_report(sample_net)
    words = html[html.index('<details id="words"'):]
    words = words[:words.index("</details>")]
    for f in (*NETWORK_FINDINGS, FINDING["cold_spots"]):
        assert f"<dt>{escape(f.title)}</dt><dd>{escape(f.explain)}</dd>" in words
    for term in ("Majority / minority challenging circumstances (CC)", "Pathfinders role",
                 "Stages", "Route"):
        assert f"<dt>{term}</dt>" in words
    # the coverage table's greens are explained, with the count they are measured against
    assert "darkest</span>: some, more, most" in html
