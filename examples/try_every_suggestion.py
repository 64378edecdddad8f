"""Try every suggested route, one at a time, and write a CSV of their impacts.

Run from the project folder:

    python examples/try_every_suggestion.py data suggestions.csv --top 50

Each row is one new route measured on its own against today's network (not combined),
exactly as `musicnet whatif --add SOURCE:TARGET` would report it.
"""

from __future__ import annotations

import argparse
import csv

import musicnet
from musicnet._files import safe_cell


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default="data")
    ap.add_argument("out", nargs="?", default="suggestions.csv")
    ap.add_argument("--top", type=int, default=50)
    args = ap.parse_args()

    net = musicnet.load(args.data)
    rows = []
    for sug in net.suggest_links(top=args.top):
        after = net.with_routes(add=[(sug.source, sug.target)])
        diff = musicnet.compare(net, after)
        rows.append({
            "source": sug.source, "source_name": net.name(sug.source),
            "target": sug.target, "target_name": net.name(sug.target),
            "score": sug.score,
            "dead_ends_resolved": len(diff.dead_ends_resolved),
            "progression_gaps_closed": len(diff.progression_gaps_closed),
            "organisations_reaching_a_higher_stage": len(diff.higher_stage_gained),
            "majority_cc_helped": len(diff.majority_cc_helped),
            "fragile_routes_made_safe": len(diff.bridges_lost),
            "why": "; ".join(sug.reasons),
        })
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["source"])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: safe_cell(v) for k, v in row.items()})
    print(f"wrote {len(rows)} suggestions to {args.out}")


if __name__ == "__main__":
    main()
