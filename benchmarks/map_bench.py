"""Map benchmark: time until the map is ready, file size and pan/zoom frame times in Chromium.

Run: python benchmarks/map_bench.py [--sizes 500,2000,10000] [--no-baseline]

For each size (organisations, 5 routes each, synthetic London-like data) it prints the
layout time, the HTML size, the seconds until the page sets body[data-ready=true] in
headless Chromium (best of two), and, at 2,000 organisations, frame times while panning
and zooming with names on (each frame drawn synchronously and timed inside the page; at
every size up to 2,000, since up to 1,500 on screen the routes are bent around
organisations, work that grows with the count):
as the map does it (names placed afresh whenever the view changes while a placement is
quick, else carried with their nodes while moving and placed afresh when the motion
pauses) and with names placed afresh in every frame (``fps_every``). Beside them, in the
same run: pyvis 0.3.2 with its defaults (physics on, vis-network inlined, every name as a
vis label) at the same size, its time until physics settles and its frame times for the
same pan/zoom script. And the floor under the map's ready time (``vis_floor_s``): a
page holding only the vis-network script the map inlines, given the same organisations
as bare dots at the map's positions (no routes, names or page script), ready when vis has
drawn them.
Targets (issue 10): ready at 2,000 < 0.8 s, at 10,000 < 3 s; 10,000 file < 4 MB;
pan/zoom at 2,000 > 30 frames per second.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CHROMIUM_ARGS, chromium, page_ready_seconds, save, table, timed

import musicnet
from musicnet.layout import geo_plan, ladder_plan
from musicnet.render.map import render_map
from musicnet.synth import generate

MAP_READY = "body[data-ready=true]"

# pan and zoom around the map, drawing each frame synchronously, and time the draws
FRAME_SCRIPT = """(net) => {
  const n = net || window.musicnetMap.network, times = [];
  const start = n.getViewPosition(), s0 = n.getScale();
  for (let k = 0; k < 60; k++) {
    const a = k / 60 * 2 * Math.PI;
    n.moveTo({position: {x: start.x + 300 * Math.cos(a) / s0, y: start.y + 200 * Math.sin(a) / s0},
              scale: s0 * (1 + 0.8 * Math.sin(a) ** 2), animation: false});
    const t = performance.now();
    n.renderer._redraw();
    times.push(performance.now() - t);
  }
  return times;
}"""


def frame_times(browser, path: Path, handle: str, ready: str, every: bool = False
                ) -> list[float] | None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else route.abort())
    page.goto(path.as_uri(), wait_until="commit", timeout=150_000)
    try:
        if ready == MAP_READY:  # a selector: the map's CSP forbids evaluated conditions
            page.wait_for_selector(ready, state="attached", timeout=150_000)
        else:
            page.wait_for_function(ready, timeout=150_000, polling=100)
    except Exception:
        page.close()
        return None
    if every:
        page.evaluate("window.musicnetMap.placeEveryFrame = true")
    times = page.evaluate(f"(() => ({FRAME_SCRIPT})({handle}))()")
    page.close()
    return times


def summary(times: list[float] | None, label: str = "") -> tuple[float | None, float | None]:
    """Frames per second (from the mean frame time) and the 95th percentile frame time;
    with a label, the frame times are printed too."""
    if not times:
        return None, None
    s = sorted(times)
    mean = sum(s) / len(s)
    if label:
        print(f"{label}: {len(s)} frames, mean {mean:.1f} ms, median {s[len(s) // 2]:.1f}, "
              f"p95 {s[int(0.95 * (len(s) - 1))]:.1f}, max {s[-1]:.1f} ms; all: "
              + " ".join(f"{t:.0f}" for t in times), file=sys.stderr)
    return 1000 / mean, s[int(0.95 * (len(s) - 1))]


def pyvis_page(net: musicnet.Network, folder: Path) -> Path:
    from pyvis.network import Network as PyvisNetwork

    pv = PyvisNetwork(directed=True, cdn_resources="in_line")
    for v, o in net.orgs.items():
        pv.add_node(v, label=o.name)
    for u, v in net.graph.edges():
        pv.add_edge(u, v)
    path = folder / f"pyvis{len(net)}.html"
    path.write_text(pv.generate_html(), encoding="utf-8")
    return path


def map_ready_seconds(browser, path: Path, timeout_s: float = 150.0) -> float | None:
    """Seconds from navigation until the map sets body[data-ready=true] (None: timed out)."""
    return page_ready_seconds(browser, path, timeout_s=timeout_s,
                              selector="body[data-ready=true]")


def vis_floor_page(net: musicnet.Network, folder: Path) -> Path:
    """The floor page (see the module docstring): vis-network and bare dots."""
    import json

    from musicnet.render.map import _vis_js

    pos = ladder_plan(net).positions
    dots = [{"id": i, "x": pos[v][0], "y": pos[v][1], "shape": "dot", "size": 10}
            for i, v in enumerate(net.orgs)]
    page = ("<!doctype html><html><head><style>#map{width:1400px;height:900px}</style>"
            f"</head><body><div id='map'></div><script>{_vis_js()}</script><script>"
            f"var net = new vis.Network(document.getElementById('map'), "
            f"{{nodes: new vis.DataSet({json.dumps(dots)}), edges: new vis.DataSet([])}}, "
            "{physics: {enabled: false}, layout: {improvedLayout: false}});"
            "net.once('afterDrawing', function () { requestAnimationFrame(function () {"
            "document.body.dataset.ready = 'true'; }); }); net.redraw();"
            "</script></body></html>")
    path = folder / f"floor{len(net)}.html"
    path.write_text(page, encoding="utf-8")
    return path


PYVIS_READY = ("document.getElementById('loadingBar') && "
               "document.getElementById('loadingBar').style.opacity === '0'")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="500,2000,10000")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        assert CHROMIUM_ARGS
        folder = Path(tmp)
        for n in (int(s) for s in args.sizes.split(",")):
            orgs, routes = generate(n, 5 * n, seed=1)
            net = musicnet.Network(orgs, routes)
            layout_s, _ = timed(lambda net=net: (ladder_plan(net), geo_plan(net)))
            sugg = net.suggest_links(top=10) if n <= 2000 else []
            render_s, html = timed(lambda net=net, sugg=sugg: render_map(net, suggestions=sugg))
            path = folder / f"map{n}.html"
            path.write_text(html, encoding="utf-8")
            ready = [map_ready_seconds(browser, path) for _ in range(2)]
            row = {"organisations": n, "routes": net.graph.number_of_edges(),
                   "layout_s": layout_s, "render_s": render_s,
                   "size_mb": len(html.encode()) / 1e6,
                   "ready_s": min((r for r in ready if r is not None), default=None)}
            floor = vis_floor_page(net, folder)
            row["vis_floor_s"] = min((r for r in (map_ready_seconds(browser, floor)
                                                  for _ in range(2)) if r is not None),
                                     default=None)
            if n <= 2000:  # (up to 1,500 on screen routes are bent around organisations)
                row["fps"], row["p95_frame_ms"] = summary(
                    frame_times(browser, path, "null", MAP_READY), "musicnet frame times")
            if n == 2000:
                row["fps_every"], _ = summary(
                    frame_times(browser, path, "null", MAP_READY, every=True),
                    "musicnet frame times, names placed afresh every frame")
            if not args.no_baseline and n <= 2000:
                pv = pyvis_page(net, folder)
                row["pyvis_size_mb"] = pv.stat().st_size / 1e6
                row["pyvis_ready_s"] = page_ready_seconds(browser, pv, PYVIS_READY,
                                                          timeout_s=150)
                if n == 2000:
                    row["pyvis_fps"], row["pyvis_p95_frame_ms"] = summary(
                        frame_times(browser, pv, "network", PYVIS_READY), "pyvis frame times")
            rows.append(row)
            print(f"measured {n} organisations", file=sys.stderr)
    cols = ["organisations", "routes", "layout_s", "render_s", "size_mb", "ready_s",
            "vis_floor_s", "fps",
            "p95_frame_ms", "fps_every", "pyvis_size_mb", "pyvis_ready_s", "pyvis_fps",
            "pyvis_p95_frame_ms"]
    print(table(rows, cols))

    def at(n: int, key: str) -> float | None:
        return next((r.get(key) for r in rows if r["organisations"] == n), None)

    targets = {"ready_s@2000 < 0.8": at(2000, "ready_s"),
               "ready_s@10000 < 3": at(10000, "ready_s"),
               "size_mb@10000 < 4": at(10000, "size_mb"),
               "fps@2000 > 30": at(2000, "fps"),
               "fps_every@2000 > 30": at(2000, "fps_every")}
    print("targets:", targets)
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print("saved", save("map", {"rows": rows, "targets": targets}))


if __name__ == "__main__":
    main()
