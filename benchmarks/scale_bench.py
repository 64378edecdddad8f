"""Scale benchmark: load+validate, all analyses, map write, report write, peak memory.

Run: python benchmarks/scale_bench.py [--sizes 150,2000:10000,30000:150000]

Sizes are ORGS or ORGS:ROUTES (synthetic London-like data written to CSV, then loaded as
a user's files would be; 150 is the shipped sample). Beside musicnet's figures, measured
in the same run on the same graph: straightforward networkx calls for the same questions
(nx.bridges + nx.articulation_points on the undirected graph, and progression gaps by
nx.descendants per organisation, timed on 200 organisations and scaled up) and
`musicnet --help`. Targets (2 cores): build at 2,000 < 3 s end to end; 30,000 load+analyse
< 15 s and < 2 GB peak; --help < 0.3 s.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import cli_run, compile_musicnet, save, table, timed

ROOT = Path(__file__).resolve().parent.parent


def child(data: str, out: str) -> None:
    """Measure one size in a fresh process, so peak memory belongs to it alone."""
    import json
    import resource

    import musicnet
    from musicnet.render.map import render_map
    from musicnet.render.report import render_report, report_suggestions

    t0 = time.perf_counter()
    net = musicnet.load(data)
    load_s = time.perf_counter() - t0
    # as `musicnet build` does it: one analysis and one list of suggestions for both pages
    analyse_s, result = timed(net.analyse)
    suggest_s, suggested = timed(lambda: report_suggestions(net, top=10))
    map_s, html = timed(lambda: render_map(net, result=result, suggestions=suggested))
    report_s, rep = timed(lambda: render_report(net, result=result, suggested=suggested))
    Path(out, "map.html").write_text(html)
    Path(out, "report.html").write_text(rep)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"load_s": load_s, "analyse_s": analyse_s, "suggest_s": suggest_s,
                      "map_s": map_s, "report_s": report_s, "peak_rss_mb": rss}))


def naive_networkx_s(data: str) -> float:
    import networkx as nx

    import musicnet

    net = musicnet.load(data)
    g = net.graph
    t = time.perf_counter()
    und = nx.Graph(g)
    list(nx.bridges(und))
    list(nx.articulation_points(und))
    fixed = time.perf_counter() - t
    levels = {v: o.highest_level for v, o in net.orgs.items()}
    some = random.Random(0).sample(list(g), min(200, len(g)))
    t = time.perf_counter()
    [v for v in some if levels[v] < 4 and not any(levels[w] > levels[v]
                                                  for w in nx.descendants(g, v))]
    return fixed + (time.perf_counter() - t) * len(g) / len(some)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="150,2000:10000,30000:150000")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    import json

    from musicnet.synth import generate, write_data

    compile_musicnet()
    rows = []
    help_s = min(timed(lambda: subprocess.run(
        [sys.executable, "-m", "musicnet.cli", "--help"], capture_output=True, check=True))[0]
        for _ in range(3))
    for spec in args.sizes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            if spec == "150":
                data = str(ROOT / "data")
            else:
                n, m = (int(x) for x in spec.split(":"))
                data = str(Path(tmp, "data"))
                write_data(data, *generate(n, m, seed=1))
            out = Path(tmp, "out")
            out.mkdir()
            t = time.perf_counter()
            res = subprocess.run([sys.executable, __file__, "--child", data, str(out)],
                                 capture_output=True, text=True, check=True)
            wall = time.perf_counter() - t
            row = json.loads(res.stdout)
            row["build_cli_s"], row["build_peak_mb"] = cli_run(["build", data, "--out",
                                                                 str(out), "-q"])
            row.update(organisations=int(spec.split(":")[0]), child_wall_s=wall)
            row["load_analyse_s"] = row["load_s"] + row["analyse_s"]
            row["naive_nx_analyses_s"] = naive_networkx_s(data)
            row["analyse_speedup"] = row["naive_nx_analyses_s"] / row["analyse_s"]
            rows.append(row)
            print(f"measured {spec}", file=sys.stderr)
    cols = ["organisations", "load_s", "analyse_s", "naive_nx_analyses_s", "analyse_speedup",
            "load_analyse_s", "suggest_s", "map_s", "report_s", "build_cli_s", "build_peak_mb"]
    print(table(rows, cols))
    print(f"musicnet --help: {help_s:.3f} s")
    print("saved", save("scale", {"rows": rows, "help_s": help_s}))


if __name__ == "__main__":
    main()
