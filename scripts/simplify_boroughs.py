"""Make the package's copy of London's borough boundaries from the shared GeoJSON.

Run: python scripts/simplify_boroughs.py ../shared/data/london-boroughs.geojson

Keeps ``code`` and ``name``, adds ``label`` (a [lon, lat] well inside the borough),
simplifies each ring with Douglas-Peucker (tolerance about 55 m) and rounds coordinates to
5 decimals (about 1 m), so the file stays small enough to go inside every map. The licence
and attribution travel with it in ``src/musicnet/data/README.md``.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

TOLERANCE = 0.0005  # degrees: about 55 m north-south, 35 m east-west in London
OUT = Path(__file__).resolve().parent.parent / "src" / "musicnet" / "data"


def _dist(p: list[float], a: list[float], b: list[float]) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    k = math.cos(math.radians(51.5))
    px, ax, bx = px * k, ax * k, bx * k
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(ring: list[list[float]], tol: float) -> list[list[float]]:
    """Douglas-Peucker on a closed ring (first point == last point kept)."""
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    # split a closed ring at its farthest point from the start so both halves are open lines
    far = max(range(len(ring)), key=lambda i: _dist(ring[i], ring[0], ring[0]))
    keep[far] = True
    stack = [(0, far), (far, len(ring) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = 0.0, -1
        for k in range(i + 1, j):
            d = _dist(ring[k], ring[i], ring[j])
            if d > best:
                best, idx = d, k
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack += [(i, idx), (idx, j)]
    return [[round(x, 5), round(y, 5)] for (x, y), k in zip(ring, keep, strict=True) if k]


def _inside(x: float, y: float, rings: list[list[list[float]]]) -> bool:
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


def label_point(rings: list[list[list[float]]]) -> list[float]:
    """A point well inside the polygon, for its name: of a fine grid of inside points, the
    one farthest from the boundary's vertices (a stand-in for the pole of inaccessibility)."""
    k = math.cos(math.radians(51.5))
    xs = [p[0] for r in rings for p in r]
    ys = [p[1] for r in rings for p in r]
    pts = [(p[0] * k, p[1]) for r in rings for p in r]
    best, best_d = [sum(xs) / len(xs), sum(ys) / len(ys)], -1.0
    n = 40
    for i in range(n):
        for j in range(n):
            x = min(xs) + (i + 0.5) * (max(xs) - min(xs)) / n
            y = min(ys) + (j + 0.5) * (max(ys) - min(ys)) / n
            if _inside(x, y, rings):
                d = min((px - x * k) ** 2 + (py - y) ** 2 for px, py in pts)
                if d > best_d:
                    best, best_d = [x, y], d
    return [round(best[0], 5), round(best[1], 5)]


def main() -> None:
    src = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    features = []
    for f in sorted(src["features"], key=lambda f: f["properties"]["code"]):
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        polys = [[simplify(ring, TOLERANCE) for ring in poly] for poly in polys]
        biggest = max(polys, key=lambda p: len(p[0]))
        features.append({"type": "Feature",
                         "properties": {"code": f["properties"]["code"],
                                        "name": f["properties"]["name"],
                                        "label": label_point(biggest)},
                         "geometry": {"type": "MultiPolygon", "coordinates": polys}})
    out = OUT / "london-boroughs.geojson"
    out.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                              separators=(",", ":")) + "\n", encoding="utf-8")
    n = sum(len(r) for f in features for p in f["geometry"]["coordinates"] for r in p)
    print(f"wrote {out}: {len(features)} boroughs, {n} points, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
