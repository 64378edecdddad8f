"""Missing-link benchmark: `suggest --top 20` and one what-if comparison.

Run: python benchmarks/suggest_bench.py [--sizes 2000:10000,30000:150000]

Beside each figure, measured in the same run, a naive networkx-only baseline: for a few
candidate routes, copy the graph, add the route and recompute dead ends, progression gaps
(nx.descendants per organisation, timed on 200 organisations and scaled), nx.bridges and
nx.articulation_points; its per-candidate time times the number of candidates musicnet
scored gives the naive total (extrapolated, and labelled so).
Targets (2 cores): 2,000/10,000: suggest < 3 s, whatif < 0.1 s; 30,000/150,000: suggest
< 60 s and < 2 GB.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import max_rss_mb, save, table, timed

import musicnet
from musicnet.suggest import _candidates, _Context
from musicnet.synth import generate
from musicnet.whatif import compare


def naive_seconds_per_candidate(net: musicnet.Network, pairs: list[tuple[str, str]],
                                sample: int = 200) -> float:
    """Naive networkx re-analysis of one candidate. The per-organisation descendants
    search is timed on ``sample`` organisations and scaled to all of them."""
    import random

    import networkx as nx

    levels = {v: o.highest_level for v, o in net.orgs.items()}
    some = random.Random(0).sample(list(net.orgs), min(sample, len(net.orgs)))
    scale = len(net.orgs) / len(some)
    total = 0.0
    for s, tgt in pairs:
        t = time.perf_counter()
        g = net.graph.copy()
        g.add_edge(s, tgt)
        [v for v in g if g.in_degree(v) and not g.out_degree(v)]
        und = nx.Graph(g)
        list(nx.bridges(und))
        list(nx.articulation_points(und))
        fixed = time.perf_counter() - t
        t = time.perf_counter()
        [v for v in some if levels[v] < 4
         and not any(levels[w] > levels[v] for w in nx.descendants(g, v))]
        total += fixed + (time.perf_counter() - t) * scale
    return total / len(pairs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2000:10000,30000:150000")
    args = ap.parse_args()
    rows = []
    for spec in args.sizes.split(","):
        n, m = (int(x) for x in spec.split(":"))
        orgs, routes = generate(n, m, seed=1)
        net = musicnet.Network(orgs, routes)
        net.analyse()  # the before-network's analyses are cached, as in the CLI
        suggest_s, sugs = timed(lambda net=net: net.suggest_links(top=20))
        s, t = sugs[0].source, sugs[0].target
        whatif_s, _ = timed(lambda net=net, s=s, t=t: compare(
            net, net.with_routes(add=[(s, t)])), 3)
        ctx = _Context(net)
        sources = [v for v, o in net.orgs.items()
                   if (31 >> (o.highest_level + 1) << (o.highest_level + 1)) & ~ctx.reach[v]]
        n_candidates = len(_candidates(ctx, sorted(sources), 15, False, None))
        sample = [(x.source, x.target) for x in sugs[:3]]
        naive_each = naive_seconds_per_candidate(net, sample)
        rows.append({"organisations": n, "routes": m, "suggest_top20_s": suggest_s,
                     "candidates_scored": n_candidates, "whatif_s": whatif_s,
                     "naive_per_candidate_s": naive_each,
                     "naive_total_s (extrapolated)": naive_each * n_candidates,
                     "speedup": naive_each * n_candidates / suggest_s,
                     "peak_rss_mb": max_rss_mb()})
        print(f"measured {n}", file=sys.stderr)
    cols = ["organisations", "routes", "suggest_top20_s", "whatif_s", "candidates_scored",
            "naive_per_candidate_s", "naive_total_s (extrapolated)", "speedup", "peak_rss_mb"]
    print(table(rows, cols))
    print("saved", save("suggest", {"rows": rows}))


if __name__ == "__main__":
    main()
