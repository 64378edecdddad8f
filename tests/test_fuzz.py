"""Hostile and random input: every loader and writer either works or fails cleanly."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import musicnet
from musicnet.export import export_files
from musicnet.model import Organisation, Route
from musicnet.render.map import render_map
from musicnet.render.report import render_report

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

cells = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
HEADER_O = ["id", "name", "type", "remit", "stages", "borough", "genres", "notes", "website",
            "age_min", "lat", "lon", "imd_decile"]


@FUZZ
@given(st.lists(st.lists(cells, min_size=0, max_size=15), max_size=6),
       st.lists(st.lists(cells, max_size=5), max_size=6), st.booleans())
def test_any_csv_content_loads_or_fails_cleanly(tmp_path_factory, org_rows, ref_rows, header):
    folder = tmp_path_factory.mktemp("fuzz")
    for name, head, rows in (("organisations.csv", HEADER_O, org_rows),
                             ("referrals.csv", ["source", "target", "kind"], ref_rows)):
        buf = io.StringIO()
        w = csv.writer(buf)
        if header:
            w.writerow(head)
        w.writerows(rows)
        (folder / name).write_text(buf.getvalue(), encoding="utf-8")
    try:
        net = musicnet.load(folder)
    except musicnet.DataError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.file.endswith(".csv") and str(p)
    else:
        net.analyse()


@FUZZ
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_any_bytes_load_or_fail_cleanly(tmp_path_factory, a, b):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "organisations.csv").write_bytes(a)
    (folder / "referrals.csv").write_bytes(b)
    try:
        musicnet.load(folder)
    except musicnet.DataError as exc:
        assert exc.problems


texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                     "[click](javascript:alert(1))", "<https://evil.example>", "&#60;b&#62;",
                     "=1+1", "# heading", "- item", "| a | b |", "`code`", "**bold**"]),
    st.tuples(st.text(max_size=20), st.sampled_from(["<b>x</b>", "<!-- c -->", "<a href=x>"]))
    .map("".join))


@st.composite
def hostile_networks(draw):
    n = draw(st.integers(2, 5))
    orgs = [Organisation(
        id=f"o{i}", name=draw(texts) or "x", type="other", remit="majority_cc",
        stages=(("participation",), ("developing",))[i % 2], borough="Lewisham",
        role="intermediary", genres=tuple(draw(st.lists(texts, max_size=2))),
        notes=draw(texts), website=draw(st.sampled_from(
            ["", "https://example.org/?a=<b>&c='d'", "javascript:alert(1)",
             "data:text/html,<script>alert(1)</script>"])),
        imd_decile=1) for i in range(n)]
    routes = [Route(f"o{i}", f"o{i + 1}", notes=draw(texts)) for i in range(n - 1)]
    return musicnet.Network(orgs, routes)


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.data_json = ""
        self._in_data = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        self._in_data = tag == "script" and ("id", "musicnet-data") in attrs

    def handle_endtag(self, tag):
        self._in_data = False

    def handle_data(self, data):
        if self._in_data:
            self.data_json += data
        else:
            self.text.append(data)


@FUZZ
@given(hostile_networks(), texts)
def test_html_outputs_hold_text_as_data(net, title):
    page = render_map(net, title=title, include_private=True)
    parsed = _Collect()
    parsed.feed(page)
    assert parsed.tags.count("script") == 3  # data block, vis-network, the map's own
    assert not any(k.startswith("on") for k, _ in parsed.attrs)
    data = json.loads(parsed.data_json)  # the data block is intact JSON ...
    assert data["nodes"]["name"] == [o.name for o in net.orgs.values()]
    assert data["nodes"]["id"] == list(net.orgs)
    notes = data["nodes"]["notes"]
    assert [notes.get(str(i), "") for i in range(len(net))] == [o.notes for o in
                                                                 net.orgs.values()]
    rep = render_report(net, title=title, suggestions=0)
    parsed = _Collect()
    parsed.feed(rep)
    assert "script" not in parsed.tags and not any(k.startswith("on") for k, _ in parsed.attrs)
    body = "".join(parsed.text)  # the parser has already turned character references back
    for o in net.orgs.values():
        if o.name.strip():
            assert " ".join(o.name.split())[:20] in " ".join(body.split())


@FUZZ
@given(hostile_networks())
def test_exports_never_fail_and_stay_formula_safe(net):
    for fmt in ("graphml", "gexf", "json", "kumu", "csv"):
        files = export_files(net, fmt, "out", include_private=True)
        assert files
    for path, text in export_files(net, "csv", "out", include_private=True).items():
        if path.suffix == ".csv":
            for row in csv.reader(io.StringIO(text, newline="")):
                # a plain number ("+0", "-3.5") is read by Excel as that number, never
                # run; anything else starting like a formula must be guarded
                bad = [c for c in row if c.startswith(("=", "+", "-", "@", "\t", "\r"))
                       and not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", c)]
                assert not bad, (path.name, bad)
    md = render_report(net, fmt="md", suggestions=0)
    # rendered as Markdown (raw HTML allowed, as code-hosting sites render before they
    # sanitise), hostile names make no tag, link or image: only the report's own structure
    from markdown_it import MarkdownIt

    shown = MarkdownIt("commonmark").enable("table").render(md)
    tags = {t.lstrip("/") for t in re.findall(r"<(/?[a-zA-Z][a-zA-Z0-9-]*)", shown)}
    assert tags <= {"h1", "h2", "h3", "hr", "p", "ul", "ol", "li", "strong", "table",
                    "thead", "tbody", "tr", "th", "td"}, tags


def test_control_characters_do_not_break_xml_exports(tmp_path):
    import networkx as nx

    net = musicnet.Network(
        [Organisation(id="a", name="bad\x00\x0bname\x1f", type="other", remit="general",
                      stages=("participation",), borough="Lewisham", role="intermediary"),
         Organisation(id="b", name="ok", type="other", remit="general",
                      stages=("developing",), borough="Lewisham", role="intermediary")],
        [Route("a", "b")])
    for fmt in ("graphml", "gexf"):
        (path, data), = export_files(net, fmt, tmp_path / f"n.{fmt}").items()
        path.write_bytes(data)
        g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        assert g.nodes["a"]["name"] == "badname"
