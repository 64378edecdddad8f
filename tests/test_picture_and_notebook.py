"""Static pictures, the notebook view and the map header."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pytest

from musicnet.render.map import render_map
from musicnet.render.picture import render_picture

from .conftest import SAMPLE, net_of, org


def test_svg_is_valid_deterministic_and_escaped():
    net = net_of([org("a", name="<b>Tom & Jerry's</b>"), org("b", "developing")], [("a", "b")])
    svg = render_picture(net, fmt="svg")
    assert svg == render_picture(net, fmt="svg")
    root = ET.fromstring(svg)  # well-formed XML: the name cannot break out
    # (a long name may be wrapped onto lines, as on the map)
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "<b>Tom & Jerry's</b>" in texts
    assert b"<b>" not in svg


def test_png_of_sample(sample_net):
    png = render_picture(sample_net, fmt="png", view="geo")
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert png == render_picture(sample_net, fmt="png", view="geo")


def test_unknown_picture_format():
    with pytest.raises(ValueError):
        render_picture(net_of([org("a")], []), fmt="gif")


def test_notebook_repr_is_a_sandboxed_iframe(sample_net):
    out = sample_net._repr_html_()
    assert out.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in out
    page = html.unescape(out.split('srcdoc="', 1)[1].split('" sandbox=', 1)[0])
    assert page == render_map(sample_net)


def test_header_shows_title_date_and_stats(browser, tmp_path, sample_net):
    path = tmp_path / "m.html"
    path.write_text(render_map(sample_net, title="Lewisham <pathways>", data_date="May 2026"))
    page = browser.new_page(viewport={"width": 768, "height": 1024})  # a tablet
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#title").text_content() == "Lewisham <pathways>"
    stats = page.locator("#stats").text_content()
    assert "May 2026" in stats and f"{len(sample_net)} organisations" in stats
    # on a tablet the controls stack above the map and nothing overflows sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.locator("#map").bounding_box()["height"] > 300
    page.close()


def test_map_cli_formats(tmp_path):
    import hashlib

    from click.testing import CliRunner

    from musicnet.cli import cli

    def digest():
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(SAMPLE.glob("*.csv"))}

    before = digest()
    runner = CliRunner()
    for fmt in ("svg", "png"):
        out = tmp_path / f"n.{fmt}"
        res = runner.invoke(cli, ["map", "data", "--format", fmt, "-o", str(out), "-q"])
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 1000
    assert digest() == before  # inputs never modified


def test_the_picture_gives_the_counts_under_its_title(sample_net):
    """A picture is often sent on its own: under the title it gives the counts the map's
    header gives, from the same analysis."""
    svg = render_picture(sample_net, fmt="svg", title="T").decode()
    n, active = len(sample_net.orgs), sample_net.graph.number_of_edges()
    line = (f"{n} organisations · {active} active routes · "
            f"{len(sample_net.dead_ends())} dead ends · "
            f"{len(sample_net.progression_gaps())} progression gaps · "
            f"{len(sample_net.bridges())} fragile routes · "
            f"{len(sample_net.bridge_organisations())} single points of failure")
    assert line in svg


def test_dollar_signs_are_not_maths():
    net = net_of([org("a", name="$$ \\frac{1}{0} $"), org("b", "developing")], [("a", "b")])
    svg = render_picture(net, fmt="svg", title="$x$")
    assert b"$$ \\frac{1}{0} $" in svg


def test_picture_rings_and_key_look_like_the_map(sample_net):
    """The report's caption says "double dark blue rings" and "dashed dark red rings", as
    the map draws them; the picture drew one blue ring, and its key a solid red one."""
    from matplotlib.colors import to_hex

    from musicnet.render.map import FLAG_STYLES
    from musicnet.render.picture import picture_figure

    _fig, parts = picture_figure(sample_net)
    ax = parts["axes"]
    blue = FLAG_STYLES["bridge_org"]["colour"].lower()
    spof = {b.id for b in sample_net.bridge_organisations()}
    rings = [c for c in ax.collections
             if len(c.get_edgecolors()) and to_hex(c.get_edgecolors()[0]) == blue]
    assert sum(len(c.get_offsets()) for c in rings) == 2 * len(spof)  # two rings each
    key = {t.get_text().split(" (")[0]: h for t, h in
           zip(parts["legend"].get_texts(), parts["legend"].legend_handles, strict=True)}
    double = key["single point of failure"].get_marker()
    dashed = key["progression gap"].get_marker()
    # a compound path: two circles; eight separate arcs
    assert sum(code == 1 for code in double.codes) == 2
    assert sum(code == 1 for code in dashed.codes) == 8
    assert key["dead end"].get_marker() == "o"


@pytest.mark.parametrize("view", ["ladder", "geo"])
def test_picture_routes_have_arrowheads(view):
    """Every route ends in an arrowhead pointing into its target, just outside the
    target's drawing, in the route's colour (the report's picture had none: which way
    young people go was invisible)."""
    import math

    from matplotlib.colors import to_hex

    import musicnet
    from musicnet.render.map import LINE_STYLES
    from musicnet.render.picture import picture_figure

    net = musicnet.load(SAMPLE.parent / "tests" / "corpus" / "fifteen")
    _fig, parts = picture_figure(net, view=view)
    ax = parts["axes"]
    heads = [(c, p) for c in ax.collections if c.get_zorder() == 2.6 for p in c.get_paths()]
    routes = list(net.graph.edges())
    assert len(heads) == len(routes)
    fragile = set(net.bridges())
    centres = {v: ax.transData.transform(p) for v, p in parts["positions"].items()}
    unmatched = list(heads)
    for u, v in routes:
        cx, cy = centres[v]
        for k, (c, path) in enumerate(unmatched):
            tip, b1, b2 = ax.transData.transform(path.vertices[:3])
            base = (b1 + b2) / 2
            axis = (tip - base) / math.hypot(*(tip - base))
            to_centre = (cx - tip[0], cy - tip[1])
            d = math.hypot(*to_centre)
            if 3 <= d <= 40 and abs(axis[0] * to_centre[0] / d + axis[1] * to_centre[1] / d
                                    - 1) < 1e-3:
                colour = LINE_STYLES["bridge" if (u, v) in fragile else "active"]["colour"]
                assert to_hex(c.get_facecolors()[0]) == colour.lower()
                del unmatched[k]
                break
        else:
            raise AssertionError(f"no arrowhead into {v} from {u}")
