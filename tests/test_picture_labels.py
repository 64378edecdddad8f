"""Names in the static picture follow the map's rule: checked on what matplotlib really
draws (text extents, marker extents, the key), and against the map's own script in
Chromium (the same candidate spots and the same placement for the same input)."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.collections import PathCollection
from matplotlib.transforms import Affine2D, Bbox

import musicnet
from musicnet.render.labels import LABEL_RULE, label_spots, place_labels
from musicnet.render.map import render_map
from musicnet.render.picture import picture_figure
from musicnet.schema import BOROUGHS, ROLES, STAGES

from .conftest import net_of, org

# names placed on the sample by the picture's old rule (four spots, one line, no repair),
# measured at commit 45be177 with musicnet.render.picture of that commit
BEFORE = {"ladder": 101, "geo": 77}


def _meets(a, b, slack: float = 0.01) -> bool:
    """Do boxes (x0, y0, x1, y1) overlap by more than ``slack`` px?"""
    return (a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack
            and b[1] < a[3] - slack)


def covers(marker, box) -> bool:
    """Does a marker (its outline taken as filled, its edge included) reach into box?"""
    outer, outline, edge = marker
    if not _meets(outer, box):
        return False
    grown = Bbox.from_extents(box[0] - edge + 0.01, box[1] - edge + 0.01,
                              box[2] + edge - 0.01, box[3] + edge - 0.01)
    return bool(outline.intersects_bbox(grown, filled=True))


def _ext(artist, renderer) -> tuple[float, float, float, float]:
    e = artist.get_window_extent(renderer)
    return (e.x0, e.y0, e.x1, e.y1)


def drawn(net, **kw):
    """The picture drawn with Agg, and what is on it in display pixels: each name's line
    boxes, every marker's box (nodes and rings, edge included), every other text, the
    key's box, the drawing area and the figure."""
    fig, parts = picture_figure(net, **kw)
    fig.canvas.draw()
    r = parts["renderer"]
    ax = parts["axes"]
    dpi = fig.dpi
    markers = []  # (box, outline in display pixels, half the edge's width)
    for coll in ax.collections:
        if not isinstance(coll, PathCollection):
            continue
        unit = coll.get_paths()[0]
        reach = np.abs(unit.vertices).max(axis=0)
        centres = ax.transData.transform(coll.get_offsets())
        scales = coll.get_transforms()[:, 0, 0]
        lws = coll.get_linewidths()
        for k, (cx, cy) in enumerate(centres):
            edge = lws[k % len(lws)] * dpi / 72 / 2
            scale = scales[k % len(scales)]  # one size for the whole collection, or each
            half = reach * scale + edge
            markers.append(((cx - half[0], cy - half[1], cx + half[0], cy + half[1]),
                            unit.transformed(Affine2D().scale(scale).translate(cx, cy)),
                            edge))
    name_texts = {id(t) for lines in parts["names"].values() for t in lines}
    others = [_ext(t, r) for t in [*ax.texts, *fig.texts] if id(t) not in name_texts
              and t.get_text()]
    names = {v: [_ext(t, r) for t in lines] for v, lines in parts["names"].items()}
    texts = {v: " ".join(t.get_text() for t in lines) for v, lines in parts["names"].items()}
    return {"names": names, "texts": texts, "markers": markers, "others": others,
            "key": _ext(parts["legend"], r), "area": _ext(ax, r),
            "figure": (0.0, 0.0, fig.bbox.width, fig.bbox.height)}


def check_picture(net, **kw) -> dict:
    d = drawn(net, **kw)
    area, key = d["area"], d["key"]
    flat = [(v, b) for v, boxes in d["names"].items() for b in boxes]
    for v, b in flat:
        # inside the drawing area (so never under the key, the title or the attribution)
        assert area[0] - 0.01 <= b[0] and b[2] <= area[2] + 0.01, (v, b, area)
        assert area[1] - 0.01 <= b[1] and b[3] <= area[3] + 0.01, (v, b, area)
        assert not [m for m in d["markers"] if covers(m, b)], (v, b)
        assert not any(_meets(b, o) for o in d["others"]), (v, b)
    for i, (v, b) in enumerate(flat):
        for w, c in flat[i + 1:]:
            assert v == w or not _meets(b, c), (v, w)
    # each whole name, never cut short
    for v, text in d["texts"].items():
        assert text == " ".join(net.orgs[v].name.split()), (v, text)
    # the key never covers an organisation or a name, and lies on the page
    assert not [m for m in d["markers"] if covers(m, key)]
    assert not any(_meets(key, b) for _, b in flat)
    fig = d["figure"]
    assert fig[0] <= key[0] and key[2] <= fig[2] and fig[1] <= key[1] and key[3] <= fig[3]
    return d


@pytest.fixture(scope="module")
def sample():
    return musicnet.load("data")


@pytest.mark.parametrize("view", ["ladder", "geo"])
def test_sample_picture_names_apart_and_more_than_before(sample, view, capsys):
    d = check_picture(sample, view=view)
    with capsys.disabled():
        print(f"\npicture, {view}: {len(d['names'])} of {len(sample)} names "
              f"(before: {BEFORE[view]})")
    assert len(d["names"]) >= BEFORE[view]
    if view == "ladder":  # as on the map's ladder at its opening view: every name
        assert len(d["names"]) == len(sample)
    # the most important organisations are named first
    spof = {b.id for b in sample.bridge_organisations()}
    assert spof <= set(d["names"])


@pytest.mark.parametrize("view", ["ladder", "geo"])
def test_key_never_covers_nodes_with_a_long_key(sample, view):
    """Colour by type: the key has many rows; it still sits below the drawing."""
    check_picture(sample, view=view, colour_by="type")


@st.composite
def networks(draw, max_nodes: int = 12):
    n = draw(st.integers(1, max_nodes))
    ids = [f"o{i}" for i in range(n)]
    words = st.sampled_from(["Youth", "Music", "Hub", "Lewisham", "Steel", "Pan",
                             "Academy", "of", "Collective", "Z", "Brass", "Community"])
    orgs = [org(v, ";".join(draw(st.sets(st.sampled_from(STAGES), min_size=1))),
                name=" ".join(draw(st.lists(words, min_size=1, max_size=6))),
                role=draw(st.sampled_from(tuple(ROLES))),
                remit=draw(st.sampled_from(("majority_cc", "minority_cc", "general"))),
                borough=draw(st.sampled_from(("Lewisham", "Camden", BOROUGHS[0],
                                              "London-wide", "Outside London"))))
            for v in ids]
    pairs = [(a, b) for a in ids for b in ids if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3 * n)
                  ) if pairs else []
    return net_of(orgs, chosen)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.sampled_from(["ladder", "geo"]))
def test_random_pictures_names_apart_and_inside(net, view):
    check_picture(net, view=view)


# ---- the same rule as the map's script ---------------------------------------------------

@pytest.fixture(scope="module")
def map_page(browser, tmp_path_factory, sample):
    path = tmp_path_factory.mktemp("labels") / "map.html"
    path.write_text(render_map(sample), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true][data-labels=placed]", timeout=30_000)
    yield page
    page.close()


@pytest.mark.browser
def test_map_and_picture_share_the_candidate_spots(map_page):
    m = "window.musicnetMap"
    assert map_page.evaluate(f"{m}.data.labels") == json.loads(json.dumps(LABEL_RULE))
    assert map_page.evaluate(f"{m}.labelPairs()") == LABEL_RULE["pairs"]
    assert len(LABEL_RULE["pairs"]) == len({tuple(p) for p in LABEL_RULE["pairs"]}) == \
        len(LABEL_RULE["positions"]) * len(LABEL_RULE["rings"]) * len(LABEL_RULE["wraps"])
    rnd = random.Random(7)
    for _ in range(20):
        args = [rnd.uniform(0, 900), rnd.uniform(0, 700), rnd.uniform(4, 30),
                rnd.uniform(20, 200), rnd.choice([15, 28, 41])]
        js = map_page.evaluate(f"a => {m}.labelSpots(...a)", args)
        py = label_spots(*args)
        assert len(js) == len(py) == len(LABEL_RULE["positions"]) * len(LABEL_RULE["rings"])
        assert np.allclose(js, py, rtol=0, atol=1e-9)


@pytest.mark.browser
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_map_and_picture_place_the_same_names(map_page, sample, seed):
    """The page's placeNames and place_labels, given the same nodes, names, canvas and text
    widths (the page's own), place the same names in the same boxes, repair pass included."""
    rnd = random.Random(seed)
    ids = list(sample.orgs)
    n = len(ids)
    pts = [None] * n
    chosen = rnd.sample(range(n), 70)
    for i in chosen:
        pts[i] = [rnd.uniform(0, 700), rnd.uniform(0, 500), rnd.uniform(4, 12)]
    order = rnd.sample(range(n), n)
    blocked = [[rnd.uniform(0, 600), rnd.uniform(0, 400), 80, 40]]
    js = map_page.evaluate("a => window.musicnetMap.placeNamesFor(...a)",
                           [pts, order, 700, 500, blocked])
    # the page's widths of every word and space, so both sides measure alike
    words = sorted({w for i in chosen for w in sample.orgs[ids[i]].name.split()})
    widths = dict(zip(words, map_page.evaluate(
        "ws => ws.map(w => window.musicnetMap.textWidth(w))", words), strict=True))
    space = map_page.evaluate("window.musicnetMap.textWidth(' ')")

    def measure(text: str) -> float:
        if text == " ":
            return space
        total = 0.0
        for k, w in enumerate(text.split(" ")):
            total = total + space + widths[w] if k else widths[w]
        return total

    py = place_labels([(ids[i], *pts[i], sample.orgs[ids[i]].name) for i in order if pts[i]],
                      700, 500, blocked, measure=measure)
    got = {ids[q["i"]]: (q["x"], q["y"], q["w"], q["h"], tuple(q["lines"])) for q in js}
    assert len(got) > 30
    assert list(got) == list(py)
    for v, box in py.items():
        assert np.allclose(got[v][:4], box[:4], rtol=0, atol=1e-6), (v, got[v], box)
        assert got[v][4] == box[4]


def test_geography_picture_names_boroughs_where_clear(sample):
    """As on the map: borough names in the geography picture, never over an organisation
    or its name (check_picture: names never meet any other text)."""
    from musicnet.schema import BOROUGHS

    fig, parts = picture_figure(sample, view="geo")
    fig.canvas.draw()
    r, ax = parts["renderer"], parts["axes"]
    shown = [t for t in ax.texts if t.get_text() in BOROUGHS]
    assert len(shown) >= 10  # 13 on the crowded sample; 0 before
    d = check_picture(sample, view="geo")
    for t in shown:
        b = _ext(t, r)
        assert not [m for m in d["markers"] if covers(m, b)], t.get_text()
