"""Routes that would pass through an organisation are drawn bent around it.

Drawn straight, a route from A to C that passes over B reads as A -> B -> C: on the stage
ladder, two routes down one column (A to C, B to D) look like one chain through every
organisation between them. :data:`BEND_RULE` is the rule and :func:`bend_routes` applies it;
the interactive map's script (``assets/map.js``, ``bendRoutes``) implements the same steps
on the same table (passed to the page), so the map, its PNG download and the static picture
bend the same routes the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["BEND_RULE", "bend_routes", "curve_points"]

#: ``clear``: how far (in the drawing's units, beyond its radius) a route must stay from
#: an organisation it does not start or end at. ``bows``: the control points tried for a
#: blocked route, in order, as multiples of the route's length off its middle, towards the
#: left of the drawing (positive; upwards for a level route: names sit to the right of
#: organisations first) or the right (negative); a quadratic curve bows out by half that.
#: ``samples``: the curve is checked as this many straight pieces. ``max_orgs``: with more
#: organisations shown than this, routes are drawn straight (a network that size is read
#: by its shape, and the work grows with it). ``max_bow``: bows that would take the curve
#: further than this from the straight line are not tried (the layouts' units: a stage
#: column is about 230 wide). ``few_orgs``: only with at most this many organisations shown
#: are all the bows tried; with more, only the first ``bows_when_many`` (the finer bows
#: cost a busy map about 0.4 s to open at 1,500 organisations, for curves nobody reads at
#: that size).
BEND_RULE: dict[str, Any] = {
    "clear": 3, "bows": [0.12, -0.12, 0.3, -0.3, 0.5, -0.5, 0.8, -0.8,
                         # then finer ones: the shallow bows a long route (across a ladder
                         # row) can take within max_bow, and the steps between the above
                         0.04, -0.04, 0.06, -0.06, 0.08, -0.08, 0.2, -0.2, 0.4, -0.4,
                         0.65, -0.65, 1.0, -1.0],
    "samples": 12,
    "max_orgs": 1500, "max_bow": 80, "few_orgs": 500, "bows_when_many": 8,
}


def curve_points(a: Sequence[float], c: Sequence[float], b: Sequence[float],
                 samples: int) -> list[tuple[float, float]]:
    """``samples + 1`` points along the quadratic curve from ``a`` to ``b`` with control
    point ``c`` (its two ends included).

    >>> curve_points((0, 0), (1, 2), (2, 0), 2)
    [(0.0, 0.0), (1.0, 1.0), (2.0, 0.0)]
    """
    out = []
    for k in range(samples + 1):
        t = k / samples
        u = 1 - t
        out.append((u * u * a[0] + 2 * u * t * c[0] + t * t * b[0],
                    u * u * a[1] + 2 * u * t * c[1] + t * t * b[1]))
    return out


def _seg_dist2(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    """Squared distance from (px, py) to the segment a-b."""
    dx, dy = bx - ax, by - ay
    dd = dx * dx + dy * dy
    t = 0.0 if dd == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / dd))
    qx, qy = ax + t * dx - px, ay + t * dy - py
    return qx * qx + qy * qy


def bend_routes(points: Sequence[tuple[float, float] | None], radii: Sequence[float],
                routes: Sequence[tuple[int, int]],
                rule: dict[str, Any] | None = None) -> dict[int, tuple[float, float]]:
    """The routes to draw bent, as route index -> the control point of its quadratic curve.

    ``points[i]`` is organisation i's centre (``None``: not drawn), ``radii[i]`` its drawn
    radius, ``routes`` (source, target) index pairs, all in one drawing's units. A route is
    *blocked* when its straight line comes within ``radii[k] + clear`` of the centre of an
    organisation k drawn and neither its source nor its target. A blocked route gets the
    first of the rule's ``bows`` (those bowing out at most ``max_bow``; only the first
    ``bows_when_many`` with more than ``few_orgs`` organisations drawn) whose curve (checked
    as ``samples`` straight pieces) is clear of every such organisation. Routes that are not
    blocked, that no bow clears (in a crowded borough a swooping arc would only add
    clutter), with an end not drawn or of no length are drawn straight and are not in the
    result. With more than ``max_orgs`` organisations drawn, none is bent.

    >>> pts = [(0, 0), (0, 50), (0, 100)]  # three organisations down one column (y down)
    >>> bend_routes(pts, [10, 10, 10], [(0, 2), (0, 1)])  # 0 -> 2 passes over 1: bent left
    {0: (-30.0, 50.0)}
    """
    rule = rule or BEND_RULE
    clear, samples = rule["clear"], rule["samples"]
    drawn = [i for i, p in enumerate(points) if p is not None]
    if len(drawn) > rule["max_orgs"] or not routes or len(drawn) < 3:
        return {}
    bows = (rule["bows"] if len(drawn) <= rule["few_orgs"]
            else rule["bows"][:rule["bows_when_many"]])
    reach = [radii[i] + clear if points[i] is not None else 0.0 for i in range(len(points))]
    cell = max(2 * max(reach[i] for i in drawn), 1.0)
    grid: dict[tuple[int, int], list[int]] = {}
    for i in drawn:
        x, y = points[i]  # type: ignore[misc]
        r = reach[i]
        for gx in range(math.floor((x - r) / cell), math.floor((x + r) / cell) + 1):
            for gy in range(math.floor((y - r) / cell), math.floor((y + r) / cell) + 1):
                grid.setdefault((gx, gy), []).append(i)

    def hits(path: list[tuple[float, float]], s: int, t: int) -> bool:
        """Whether the polyline passes over an organisation other than s and t."""
        near: set[int] = set()
        for q in range(len(path) - 1):
            # the cells along each piece (cut into lengths of at most a cell: the box of a
            # long diagonal line would hold most of the map)
            (x0, y0), (x1, y1) = path[q], path[q + 1]
            steps = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / cell))
            for k in range(steps):
                ax, ay = x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps
                bx, by = x0 + (x1 - x0) * (k + 1) / steps, y0 + (y1 - y0) * (k + 1) / steps
                for gx in range(math.floor(min(ax, bx) / cell), math.floor(max(ax, bx) / cell) + 1):
                    for gy in range(math.floor(min(ay, by) / cell),
                                    math.floor(max(ay, by) / cell) + 1):
                        near.update(grid.get((gx, gy), ()))
        near.discard(s)
        near.discard(t)
        for k in near:
            px, py = points[k]  # type: ignore[misc]
            r2 = reach[k] * reach[k]
            if any(_seg_dist2(px, py, *path[q], *path[q + 1]) < r2
                   for q in range(len(path) - 1)):
                return True
        return False

    out: dict[int, tuple[float, float]] = {}
    for j, (s, t) in enumerate(routes):
        a, b = points[s], points[t]
        if a is None or b is None or s == t or tuple(a) == tuple(b):
            continue
        if not hits([a, b], s, t):
            continue
        dx, dy = b[0] - a[0], b[1] - a[1]
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        # (dy, -dx) is a normal to the route; turned to point left (or up), y downwards
        sign = -1.0 if dy > 0 or (dy == 0 and dx < 0) else 1.0
        length = math.hypot(dx, dy)
        for k in bows:
            if abs(k) * length / 2 > rule["max_bow"]:
                continue  # a swooping arc across the map reads worse than a straight line
            c = (mx + sign * k * dy, my - sign * k * dx)
            if not hits(curve_points(a, c, b, samples), s, t):
                out[j] = (float(c[0]), float(c[1]))
                break
    return out
