"""Diff benchmark: `musicnet diff OLD NEW` on two national-scale states, time and memory.

Run: python benchmarks/diff_bench.py [--orgs 30000 --routes 150000]

OLD is the seeded synthetic network; NEW is the same network a year later: 1% of
organisations closed (with their routes), 1% new organisations with routes, 3% new routes,
2% of routes removed, 2% changed status. Both are written as CSV and compared by the
whole `musicnet diff --format json` command in a fresh process (peak RSS of that
process). Baseline, measured in the same run: `musicnet check` on both (reading and
validating the two states, the least any comparison must do). Target (2 cores): under 15 s
and 2 GB.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import cli_run as run
from _common import compile_musicnet, save, table

ROOT = Path(__file__).resolve().parent.parent


def later(orgs: list, routes: list, seed: int = 7) -> tuple[list, list]:
    """The network a year later (see the module docstring)."""
    from musicnet.model import Route

    rng = random.Random(seed)
    n = len(orgs)
    closed = {o.id for o in rng.sample(orgs, n // 100)}
    kept = [o for o in orgs if o.id not in closed]
    new_orgs = [replace(o, id=f"{o.id}-new", name=f"{o.name} (new)")
                for o in rng.sample(kept, n // 100)]
    all_orgs = kept + new_orgs
    ids = [o.id for o in all_orgs]
    out = []
    for r in routes:
        if r.source in closed or r.target in closed:
            continue
        x = rng.random()
        if x < 0.02:
            continue
        if x < 0.04:
            r = replace(r, status="lapsed" if r.status == "active" else "active")
        out.append(r)
    seen = {(r.source, r.target) for r in out}
    for o in new_orgs:
        for t in rng.sample(ids, 3):
            if t != o.id and (o.id, t) not in seen:
                seen.add((o.id, t))
                out.append(Route(o.id, t))
    while len(out) < len(routes) * 1.01:
        s, t = rng.sample(ids, 2)
        if (s, t) not in seen:
            seen.add((s, t))
            out.append(Route(s, t, since="2026"))
    return all_orgs, out


def main() -> None:
    compile_musicnet()
    from musicnet.synth import generate, write_data

    ap = argparse.ArgumentParser()
    ap.add_argument("--orgs", type=int, default=30000)
    ap.add_argument("--routes", type=int, default=150000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp, "old"), Path(tmp, "new")
        o, r = generate(a.orgs, a.routes, seed=1)
        write_data(old, o, r)
        write_data(new, *later(o, r))
        t0 = time.perf_counter()
        check_old, _ = run(["check", str(old), "-q"])
        check_new, _ = run(["check", str(new), "-q"])
        out = Path(tmp, "changes.json")
        diff_s, diff_rss = run(["diff", str(old), str(new), "--format", "json", "-o",
                                str(out), "-q"])
        total = time.perf_counter() - t0
        import json

        d = json.loads(out.read_text())
    row = {
        "organisations / routes": f"{a.orgs:,} / {a.routes:,}",
        "check both (baseline)": f"{check_old + check_new:.1f} s",
        "musicnet diff": f"{diff_s:.1f} s",
        "ratio": f"{diff_s / (check_old + check_new):.2f}",
        "peak memory": f"{diff_rss:.0f} MB",
        "routes added / removed / changed": f"{len(d['routes_added']):,} / "
                                            f"{len(d['routes_removed']):,} / "
                                            f"{len(d['routes_changed']):,}",
    }
    print(table([row], list(row)))
    print(f"(whole run {total:.0f} s; target: diff < 15 s and < 2 GB)")
    save("diff_bench", {"rows": [row]})


if __name__ == "__main__":
    main()
