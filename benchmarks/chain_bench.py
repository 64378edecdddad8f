"""Shapes benchmark: `musicnet build` and `musicnet suggest` on chains, stars and dense
clusters, and on the synthetic London-like networks, each in a cold process as a user
runs them (wall time and peak memory of that process).

Run: python benchmarks/chain_bench.py [--chains 10000,100000] [--sizes 2000:10000,30000:150000]

Beside each figure, measured in the same run on the same data: a naive networkx answer
to one of the questions (progression gaps by nx.descendants from every organisation,
timed on 200 organisations and scaled up, so labelled "extrapolated"). Targets (2 cores):
a 100,000-organisation chain builds in < 30 s and < 2 GB; 30,000/150,000 `build` < 15 s;
`suggest --top 20` < 0.7 s at 2,000/10,000 and < 20 s at 30,000/150,000; the report of
a national-scale (30,000/150,000) network < 10 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import cli_run as run
from _common import compile_musicnet, save, table

STAGES = ["first_access", "participation", "developing", "advanced"]


def shape(kind: str, n: int) -> tuple[list, list]:
    """Organisations and routes of one shape (all in one borough, one remit)."""
    from musicnet import Organisation, Route
    from musicnet.schema import ROLE_BY_TYPE

    def org(i: int, stage: str) -> Organisation:
        return Organisation(id=f"o{i}", name=f"Organisation {i}", type="youth_service",
                            remit="majority_cc", stages=(stage,), borough="Lewisham",
                            role=ROLE_BY_TYPE["youth_service"], role_derived=True)

    if kind == "chain":  # the case: all first_access, one borough
        orgs = [org(i, "first_access") for i in range(n)]
        return orgs, [Route(f"o{i}", f"o{i + 1}") for i in range(n - 1)]
    if kind == "chain-mixed":  # stages vary along the chain
        orgs = [org(i, STAGES[(i * 7 // 3) % 4]) for i in range(n)]
        return orgs, [Route(f"o{i}", f"o{i + 1}") for i in range(n - 1)]
    if kind == "chain-to-advanced":  # first access all along, one advanced at the end:
        # every route a fragile one, every organisation a candidate source
        orgs = [org(i, "first_access") for i in range(n - 1)] + [org(n - 1, "advanced")]
        return orgs, [Route(f"o{i}", f"o{i + 1}") for i in range(n - 1)]
    if kind == "star":  # every organisation refers to one hub, which refers on to one
        orgs = [org(i, STAGES[i % 3]) for i in range(n)]
        orgs[0] = org(0, "advanced")
        return orgs, [Route(f"o{i}", "o0") for i in range(1, n)]
    if kind == "clusters":  # dense groups of 20, chained
        rng = random.Random(1)
        orgs = [org(i, STAGES[rng.randrange(4)]) for i in range(n)]
        routes = set()
        for start in range(0, n, 20):
            members = range(start, min(n, start + 20))
            for a in members:
                for b in rng.sample(list(members), min(5, len(members))):
                    if a != b:
                        routes.add((a, b))
            if start + 20 < n:
                routes.add((start, start + 20))
        return orgs, [Route(f"o{a}", f"o{b}") for a, b in sorted(routes)]
    raise ValueError(kind)


def naive_gaps_s(data: str) -> float:
    """Progression gaps the naive way (nx.descendants per organisation), timed on 200
    organisations and scaled to all of them (extrapolated)."""
    import networkx as nx

    import musicnet

    net = musicnet.load(data)
    g = net.graph
    levels = {v: o.highest_level for v, o in net.orgs.items()}
    some = random.Random(0).sample(list(g), min(200, len(g)))
    t = time.perf_counter()
    [v for v in some if levels[v] < 4 and not any(levels[w] > levels[v]
                                                  for w in nx.descendants(g, v))]
    return (time.perf_counter() - t) * len(g) / len(some)


def main() -> None:
    compile_musicnet()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chains", default="10000,100000",
                    help="sizes of the chain, star and cluster networks")
    ap.add_argument("--shapes", default="chain,chain-mixed,chain-to-advanced,star,clusters")
    ap.add_argument("--sizes", default="2000:10000,30000:150000",
                    help="synthetic London-like networks, ORGS:ROUTES")
    args = ap.parse_args()
    from musicnet.synth import generate, write_data

    rows = []
    jobs = [(k, int(n)) for n in args.chains.split(",") for k in args.shapes.split(",")]
    jobs += [("london-like", spec) for spec in args.sizes.split(",")]
    for kind, spec in jobs:
        with tempfile.TemporaryDirectory() as tmp:
            data = str(Path(tmp, "data"))
            if kind == "london-like":
                n, m = (int(x) for x in str(spec).split(":"))
                write_data(data, *generate(n, m, seed=1))
            else:
                write_data(data, *shape(kind, int(spec)))
            import musicnet

            net = musicnet.load(data)
            row = {"network": kind, "organisations": len(net),
                   "routes": net.graph.number_of_edges()}
            del net
            row["build_s"], row["build_peak_mb"] = run(["build", data, "-o",
                                                        str(Path(tmp, "out")), "-q"])
            row["suggest_top20_s"], row["suggest_peak_mb"] = run(
                ["suggest", data, "--top", "20", "-q"])
            row["report_s"], _ = run(["report", data, "-o", str(Path(tmp, "r.html")), "-q"])
            row["naive_gaps_s (extrapolated)"] = naive_gaps_s(data)
            rows.append(row)
            print(f"measured {kind} {spec}", file=sys.stderr, flush=True)
    cols = ["network", "organisations", "routes", "build_s", "build_peak_mb",
            "suggest_top20_s", "suggest_peak_mb", "report_s", "naive_gaps_s (extrapolated)"]
    print(table(rows, cols))
    print("saved", save("shapes", {"rows": rows}))


if __name__ == "__main__":
    main()
