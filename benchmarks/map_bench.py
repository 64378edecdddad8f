"""Map benchmark: layout time, file size and time until the map is ready in Chromium.

Run: python benchmarks/map_bench.py [--sizes 500,2000,10000] [--no-baseline]

For each size (organisations, 5 routes each, synthetic London-like data) it prints the
layout time, the HTML size and the seconds until the page sets body[data-ready=true] in
headless Chromium. Beside them, measured in the same run: networkx's spring_layout at the
same size (layout baseline, up to 2,000), and pyvis 0.3.2 with its defaults (physics on,
vis-network inlined) at 500 organisations, timed until its physics settles.
Targets on a 2-core machine: 2,000 ready < 2 s, 10,000 ready < 8 s, layout < 1 s at 2,000.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import chromium, page_ready_seconds, save, table, timed

import musicnet
from musicnet.layout import geo_layout, ladder_layout
from musicnet.render.map import render_map
from musicnet.synth import generate


def pyvis_baseline(net: musicnet.Network, folder: Path, browser) -> float | None:
    from pyvis.network import Network as PyvisNetwork

    pv = PyvisNetwork(directed=True, cdn_resources="in_line")
    for v, o in net.orgs.items():
        pv.add_node(v, label=o.name)
    for u, v in net.graph.edges():
        pv.add_edge(u, v)
    path = folder / "pyvis.html"
    path.write_text(pv.generate_html(), encoding="utf-8")
    return page_ready_seconds(
        browser, path,
        "document.getElementById('loadingBar') && "
        "document.getElementById('loadingBar').style.opacity === '0'", timeout_s=150)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="500,2000,10000")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    import networkx as nx

    rows = []
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        folder = Path(tmp)
        for n in (int(s) for s in args.sizes.split(",")):
            orgs, routes = generate(n, 5 * n, seed=1)
            net = musicnet.Network(orgs, routes)
            layout_s, _ = timed(lambda net=net: (ladder_layout(net), geo_layout(net)), 3)
            render_s, html = timed(lambda net=net: render_map(net))
            path = folder / f"map{n}.html"
            path.write_text(html, encoding="utf-8")
            ready = [page_ready_seconds(browser, path, "document.body.dataset.ready === 'true'")
                     for _ in range(2)]
            row = {"organisations": n, "routes": net.graph.number_of_edges(),
                   "layout_s": layout_s, "render_s": render_s,
                   "size_mb": len(html.encode()) / 1e6,
                   "ready_s": min((r for r in ready if r is not None), default=None)}
            if not args.no_baseline and n <= 2000:
                und = nx.Graph(net.graph)
                row["nx_spring_layout_s"], _ = timed(lambda und=und: nx.spring_layout(und,
                                                                                       seed=1))
                row["layout_speedup"] = row["nx_spring_layout_s"] / layout_s
            if not args.no_baseline and n == 500:
                row["pyvis_defaults_ready_s"] = pyvis_baseline(net, folder, browser)
                if row["pyvis_defaults_ready_s"] and row["ready_s"]:
                    row["ready_speedup"] = row["pyvis_defaults_ready_s"] / row["ready_s"]
            rows.append(row)
            print(f"measured {n} organisations", file=sys.stderr)
    cols = ["organisations", "routes", "layout_s", "nx_spring_layout_s", "layout_speedup",
            "render_s", "size_mb", "ready_s", "pyvis_defaults_ready_s", "ready_speedup"]
    print(table(rows, cols))
    targets = {"ready_s@2000 < 2": next((r["ready_s"] for r in rows
                                         if r["organisations"] == 2000), None),
               "ready_s@10000 < 8": next((r["ready_s"] for r in rows
                                          if r["organisations"] == 10000), None),
               "layout_s@2000 < 1": next((r["layout_s"] for r in rows
                                          if r["organisations"] == 2000), None)}
    print("targets:", targets)
    print("saved", save("map", {"rows": rows, "targets": targets}))


if __name__ == "__main__":
    main()
