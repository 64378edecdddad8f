"""Deterministic node positions for the map and the static picture.

Two layouts, both without randomness, so the same data always gives the same picture:

- ``ladder``: a table of organisations. Columns are the stages of the ladder (the highest
  stage each organisation offers), first_access on the left to professional on the right;
  rows are London's five Music Hub areas, then London-wide and Outside London. Each cell is
  a small grid of slots wide enough for a node and its name. The number of grid columns
  per stage is chosen so the whole table has about the shape of a laptop screen (so it
  fills the canvas), and inside each cell organisations are ordered to cut edge crossings
  by barycentre sweeps: each organisation moves towards the mean height of its neighbours,
  sweeping left to right and back (at most four sweeps, stopping once a sweep shortens the
  total by less than :data:`SETTLED`), keeping the best ordering found (shortest total
  vertical edge length).
- ``geo``: London's real borough boundaries (shipped in ``musicnet/data``). Organisations
  with a latitude and longitude sit there (nudged apart along a spiral if two would touch);
  the others are placed inside their own borough's polygon on a hexagonal grid, nearest the
  middle first, ordered by id, so they never stack. London-wide and Outside London
  organisations sit in two labelled boxes in a strip to the east of the map, as far west
  as London's outline at the strip's height allows.

Units are "screen pixels at 100% zoom": a slot is ``CELL_W`` by ``ROW_H``.
"""

from __future__ import annotations

import bisect
import json
import math
import operator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .schema import BOROUGHS, HUB_AREAS, ROLES, STAGES, hub_area

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = [
    "GROUPS",
    "GeoPlan",
    "LadderPlan",
    "borough_shapes",
    "geo_layout",
    "geo_plan",
    "geo_point",
    "group_of",
    "ladder_layout",
    "ladder_plan",
    "view_labels",
]

CELL_W = 128.0
ROW_H = 28.0
BAND_GAP = 30.0
GROUP_GAP = 16.0
ASPECT = 1.45  # width / height of the canvas the ladder is shaped for
GROUPS: tuple[str, ...] = (*HUB_AREAS, "London-wide", "Outside London")
ATTRIBUTION = ("Contains National Statistics and Ordnance Survey data © Crown copyright and "
               "database right 2014. Boundaries: UK-GeoJSON by Martin Chorley, CC BY 4.0.")


def group_of(borough: str) -> str:
    """The ladder row of a borough: its hub area, or London-wide / Outside London.

    >>> group_of("Lewisham"), group_of("London-wide")
    ('South East', 'London-wide')
    """
    return hub_area(borough) or borough


@dataclass(frozen=True)
class LadderPlan:
    """Positions plus what the map draws behind them: stage columns and hub-area rows."""

    positions: dict[str, tuple[float, float]]
    bands: list[dict[str, Any]] = field(default_factory=list)   # stage, x0, x1, count
    groups: list[dict[str, Any]] = field(default_factory=list)  # name, y0, y1, count


def _shape(counts: list[list[int]], cols: list[int], row_h: float = ROW_H
           ) -> tuple[float, float]:
    rows = [max((math.ceil(c / k) for c, k in zip(row, cols, strict=True) if c), default=0)
            for row in counts]
    used = [r for r in rows if r]
    height = sum(used) * row_h + GROUP_GAP * max(len(used) - 1, 0)
    width = sum(k * CELL_W for k in cols) + BAND_GAP * (len(cols) - 1)
    return width, height


def _columns(counts: list[list[int]], aspect: float = ASPECT, row_h: float = ROW_H
             ) -> list[int]:
    """Grid columns per stage that make the table closest to ``aspect`` (width / height)."""
    n_bands = len(counts[0])
    peak = [max(row[b] for row in counts) for b in range(n_bands)]
    cols = [1] * n_bands

    def badness(c: list[int]) -> float:
        w, h = _shape(counts, c, row_h)
        return max(w / aspect, h)  # the side that limits the zoom when fitting the canvas

    if max(peak) <= 40:  # small: try every choice of up to 4 columns per stage
        import itertools

        choices = [range(1, min(p, 4) + 1) if p else range(1, 2) for p in peak]
        return list(min(itertools.product(*choices), key=lambda c: (badness(list(c)), c)))
    best = badness(cols)
    while True:
        trials = []
        for b in range(n_bands):
            if cols[b] < peak[b]:
                c = cols.copy()
                c[b] += 1
                trials.append((badness(c), b, c))
        if not trials:
            return cols
        score, _, c = min(trials)
        if score >= best:
            return cols
        best, cols = score, c


#: Sweeping stops once a sweep shortens the total vertical route length by less than this
#: share (on 30,000 organisations the third and fourth sweeps gain 0.1 % for 0.4 s).
SETTLED = 0.005


def ladder_plan(net: Network, *, sweeps: int = 4, aspect: float = ASPECT,
                row_h: float = ROW_H) -> LadderPlan:
    """The stage-by-hub-area table layout, shaped for a canvas ``aspect`` times as wide as
    it is tall, with rows ``row_h`` apart (taller rows leave room for two-line names); see
    the module docstring.

    >>> import musicnet
    >>> plan = ladder_plan(musicnet.load("data"))
    >>> [b["stage"] for b in plan.bands][:2], plan.groups[0]["name"]
    (['first_access', 'participation'], 'North')
    """
    roles = list(ROLES)
    n_bands = len(STAGES)
    cells: dict[tuple[int, int], list[str]] = {}
    for v, o in net.orgs.items():
        cells.setdefault((GROUPS.index(group_of(o.borough)), o.highest_level), []).append(v)
    counts = [[len(cells.get((g, b), ())) for b in range(n_bands)] for g in range(len(GROUPS))]
    cols = _columns(counts, aspect, row_h) if net.orgs else [1] * n_bands
    band_x, x = [], 0.0
    for b in range(n_bands):
        band_x.append(x)
        x += cols[b] * CELL_W + BAND_GAP
    group_y: dict[int, float] = {}
    group_rows: dict[int, int] = {}
    y = 0.0
    for g in range(len(GROUPS)):
        rows = max((math.ceil(counts[g][b] / cols[b]) for b in range(n_bands)
                    if counts[g][b]), default=0)
        if rows:
            group_y[g], group_rows[g] = y, rows
            y += rows * row_h + GROUP_GAP
    order = {key: sorted(members, key=lambda v: (net.orgs[v].borough,
                                                 roles.index(net.orgs[v].role), v))
             for key, members in cells.items()}

    def slots(g: int, b: int, count: int) -> list[tuple[float, float]]:
        """Where the organisations of a cell go, in order: a cell with fewer
        organisations than slots spreads them out, so names get more room."""
        k = min(cols[b], math.ceil(count / group_rows[g]))
        rows = math.ceil(count / k)
        dx = CELL_W * cols[b] / k
        dy = row_h * group_rows[g] / rows if rows > 1 else row_h
        step = min(dy, row_h * 1.6)
        x0, y0 = band_x[b], group_y[g]
        return [(x0 + col * dx, y0 + row * step)
                for row, col in (divmod(i, k) for i in range(count))]

    # the sweeps work on positions in ``ids`` (plain lists: several times faster than
    # dictionaries keyed by id at 30,000 organisations)
    ids = list(net.orgs)
    at = {v: i for i, v in enumerate(ids)}
    cell_slots = {key: slots(key[0], key[1], len(members)) for key, members in order.items()}
    cell_ys = {key: [y for _, y in sl] for key, sl in cell_slots.items()}
    cells_i = {key: [at[v] for v in members] for key, members in order.items()}
    ys = [0.0] * len(ids)  # each organisation's row, the only thing the sweeps look at
    for key, members in cells_i.items():
        for i, y in zip(members, cell_ys[key], strict=True):
            ys[i] = y
    g_succ = net.graph._succ
    succ = [[at[w] for w in g_succ[v]] for v in ids]
    pred: list[list[int]] = [[] for _ in ids]
    us, vs = [], []  # every route's two ends
    for u, nb in enumerate(succ):
        for w in nb:
            pred[w].append(u)
        us += [u] * len(nb)
        vs += nb
    nbrs = [p + s for p, s in zip(pred, succ, strict=True)]

    def cost(ys: list[float]) -> float:
        y = ys.__getitem__
        return sum(map(abs, map(operator.sub, map(y, us), map(y, vs))))

    best, best_cost = {key: list(m) for key, m in cells_i.items()}, cost(ys)
    keys_lr = sorted(order, key=lambda k: (k[1], k[0]))
    for sweep in range(sweeps):
        keys = keys_lr if sweep % 2 == 0 else keys_lr[::-1]
        y = ys.__getitem__
        for key in keys:
            members = cells_i[key]
            # each one's barycentre: the mean row of its neighbours (its own row if none)
            bary = [sum(map(y, nbrs[v])) / len(nbrs[v]) if nbrs[v] else ys[v]
                    for v in members]
            ranked = sorted(zip(bary, range(len(members)), members, strict=True))
            members[:] = [v for _, _, v in ranked]
            for v, y_new in zip(members, cell_ys[key], strict=True):
                ys[v] = y_new
        c = cost(ys)
        if c < best_cost:
            settled = c > best_cost * (1 - SETTLED)
            best, best_cost = {key: list(m) for key, m in cells_i.items()}, c
            if settled:
                break
    placed: dict[str, tuple[float, float]] = {}
    for key, members in best.items():
        placed.update(zip((ids[i] for i in members), cell_slots[key], strict=True))
    positions = {v: (round(placed[v][0], 1), round(placed[v][1], 1)) for v in net.orgs}
    bands = [{"stage": s, "x0": band_x[b], "x1": band_x[b] + cols[b] * CELL_W,
              "count": sum(counts[g][b] for g in range(len(GROUPS)))}
             for b, s in enumerate(STAGES)]
    groups = [{"name": GROUPS[g], "y0": group_y[g], "y1": group_y[g] + group_rows[g] * row_h,
               "count": sum(counts[g])} for g in group_y]
    return LadderPlan(positions, bands, groups)


def ladder_layout(net: Network) -> dict[str, tuple[float, float]]:
    """Positions of :func:`ladder_plan`.

    >>> import musicnet
    >>> pos = ladder_layout(musicnet.load("data"))
    >>> len(pos) == len(musicnet.load("data"))
    True
    """
    return ladder_plan(net).positions


# ---- geography ---------------------------------------------------------------------------
_LONDON = (51.507, -0.128)
_GEO_SCALE = 2600.0
_COS0 = math.cos(math.radians(_LONDON[0]))
GEO_SPACING = 20.0  # the closest two organisations may sit, in map units


def geo_point(lat: float, lon: float) -> tuple[float, float]:
    """Map coordinates of a latitude/longitude (equirectangular around central London).

    >>> geo_point(51.507, -0.128)
    (0.0, 0.0)
    """
    return (round((lon - _LONDON[1]) * _COS0 * _GEO_SCALE, 1),
            round(-(lat - _LONDON[0]) * _GEO_SCALE, 1) + 0.0)


Ring = list[tuple[float, float]]


@cache
def _shapes() -> tuple[tuple[str, tuple[float, float], tuple[tuple[tuple[float, float], ...],
                                                             ...]], ...]:
    """(name, label point, rings) per borough, in map coordinates (read once)."""
    path = Path(__file__).parent / "data" / "london-boroughs.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for f in doc["features"]:
        rings = tuple(tuple(geo_point(lat, lon) for lon, lat in ring)
                      for poly in f["geometry"]["coordinates"] for ring in poly)
        lon, lat = f["properties"]["label"]
        out.append((f["properties"]["name"], geo_point(lat, lon), rings))
    return tuple(out)


def borough_shapes() -> dict[str, list[Ring]]:
    """London's 33 boroughs as rings of map coordinates (outer rings and holes alike; draw
    with the even-odd rule).

    >>> shapes = borough_shapes()
    >>> len(shapes), sorted(shapes)[0]
    (33, 'Barking and Dagenham')
    """
    return {name: [list(r) for r in rings] for name, _label, rings in _shapes()}


def _inside(x: float, y: float, rings: list[Ring] | tuple[Any, ...]) -> bool:
    """Even-odd point-in-polygon test over all rings."""
    inside = False
    for ring in rings:
        n = len(ring)
        for i in range(n):
            x1, y1 = ring[i]
            x2, y2 = ring[(i + 1) % n]
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


def _crossings(y: float, rings: list[Ring] | tuple[Any, ...]) -> list[float]:
    """Where the horizontal line at ``y`` crosses the rings' edges, sorted: a point
    ``(x, y)`` is inside (even-odd) exactly when an odd number of them lie right of ``x``
    (the same test as :func:`_inside`, done once per row instead of once per point)."""
    out = []
    for ring in rings:
        n = len(ring)
        for i in range(n):
            x1, y1 = ring[i]
            x2, y2 = ring[(i + 1) % n]
            if (y1 > y) != (y2 > y):
                out.append((x2 - x1) * (y - y1) / (y2 - y1) + x1)
    out.sort()
    return out


def _bbox(rings: Any) -> tuple[float, float, float, float]:
    xs = [p[0] for r in rings for p in r]
    ys = [p[1] for r in rings for p in r]
    return min(xs), min(ys), max(xs), max(ys)


@dataclass(frozen=True)
class GeoPlan:
    """Positions plus the background: borough outlines, label points and the side strip."""

    positions: dict[str, tuple[float, float]]
    boroughs: list[dict[str, Any]] = field(default_factory=list)  # name, area, rings, label
    strip: list[dict[str, Any]] = field(default_factory=list)     # name, x0, y0, x1, y1


class _Grid:
    """Placed points in buckets, to ask "is anything within d of here?" quickly."""

    def __init__(self, d: float):
        self.d = d
        self.cells: dict[tuple[int, int], list[tuple[float, float]]] = {}

    def free(self, x: float, y: float, d: float | None = None) -> bool:
        d = self.d if d is None else d
        cx, cy = int(x // self.d), int(y // self.d)
        for i in (cx - 1, cx, cx + 1):
            for j in (cy - 1, cy, cy + 1):
                for px, py in self.cells.get((i, j), ()):
                    if (px - x) ** 2 + (py - y) ** 2 < d * d:
                        return False
        return True

    def add(self, x: float, y: float) -> None:
        self.cells.setdefault((int(x // self.d), int(y // self.d)), []).append((x, y))


#: Above this many organisations with coordinates, the geography view snaps them to the
#: nearest free point of one square lattice (exact search around every point is too slow).
SNAP_ABOVE = 3000
_SPIRAL: list[tuple[int, int]] = [(0, 0)]


def _spiral(n: int) -> list[tuple[int, int]]:
    """Lattice offsets ring by ring (ring r: max(|i|, |j|) = r), each ring nearest first
    (then by i, then j); at least ``n`` of them."""
    r = max(abs(i) for i in _SPIRAL[-1]) if len(_SPIRAL) > 1 else 0
    while len(_SPIRAL) < n:
        r += 1
        ring = [(i, j) for i in range(-r, r + 1) for j in (-r, r)]
        ring += [(i, j) for i in (-r, r) for j in range(-r + 1, r)]
        _SPIRAL.extend((i, j) for _, i, j in sorted((i * i + j * j, i, j) for i, j in ring))
    return _SPIRAL


def _free_spot(grid: _Grid, x: float, y: float) -> tuple[float, float]:
    """``(x, y)`` if nothing is within the grid's spacing, else the nearest free point of
    a square lattice around it (searched ring by ring)."""
    if grid.free(x, y):
        return x, y
    d = grid.d
    k = 1
    while k < 400_000_000:  # pragma: no branch
        spiral = _spiral(k * 64)
        for i, j in spiral[k:k * 64]:
            if grid.free(x + i * d, y + j * d):
                return x + i * d, y + j * d
        k *= 64
    return x, y  # pragma: no cover


class _Lattice:
    """Snapping to the nearest free point of one square lattice of spacing ``d``: each
    point takes the first free lattice point in :func:`_spiral` order around the lattice
    point nearest it. Points taken stay taken, so each starting point remembers how far
    its spiral is known to be full: the total work is linear even when thousands of
    organisations share one spot."""

    def __init__(self, d: float):
        self.d = d
        self.taken: set[tuple[int, int]] = set()
        self.full_to: dict[tuple[int, int], int] = {}

    def spot(self, x: float, y: float) -> tuple[float, float]:
        ci, cj = round(x / self.d), round(y / self.d)
        k = self.full_to.get((ci, cj), 0)
        while True:
            if k >= len(_SPIRAL):
                _spiral(2 * k + 64)
            i, j = _SPIRAL[k]
            if (ci + i, cj + j) not in self.taken:
                self.taken.add((ci + i, cj + j))
                self.full_to[(ci, cj)] = k + 1
                return (ci + i) * self.d, (cj + j) * self.d
            k += 1


def geo_plan(net: Network) -> GeoPlan:
    """Borough-map positions; see the module docstring.

    >>> import musicnet
    >>> plan = geo_plan(musicnet.load("data"))
    >>> len(plan.boroughs), [s["name"] for s in plan.strip]
    (33, ['London-wide', 'Outside London'])
    """
    shapes = {name: rings for name, _label, rings in _shapes()}
    labels = {name: label for name, label, _rings in _shapes()}
    # closer together in big networks (they are read zoomed in), never on top of each other
    d = max(3.0, min(GEO_SPACING, GEO_SPACING * math.sqrt(400 / max(len(net), 1))))
    grid = _Grid(d)
    pos: dict[str, tuple[float, float]] = {}
    by_borough: dict[str, list[str]] = {}
    located = sum(o.lat is not None and o.lon is not None for o in net.orgs.values())
    lattice = _Lattice(d) if located > SNAP_ABOVE else None
    for v in sorted(net.orgs):
        o = net.orgs[v]
        if o.borough not in shapes:
            continue
        if o.lat is None or o.lon is None:
            by_borough.setdefault(o.borough, []).append(v)
            continue
        if lattice is not None:
            x, y = lattice.spot(*geo_point(o.lat, o.lon))
        else:
            x, y = _free_spot(grid, *geo_point(o.lat, o.lon))
        pos[v] = (round(x, 1), round(y, 1))
        grid.add(x, y)
    for borough, members in sorted(by_borough.items()):
        rings = shapes[borough]
        cx, cy = labels[borough]
        x0, y0, x1, y1 = _bbox(rings)
        # every part of the borough (Greenwich's first ring is a sliver across the river:
        # sizing the spacing by it alone packed its organisations 6 units apart)
        area = sum(abs(sum(ax * by - bx * ay for (ax, ay), (bx, by)
                           in zip(r, r[1:] + r[:1], strict=True))) / 2 for r in rings)
        # start from a spacing whose hexagonal grid has room for everyone with some to spare
        step = min(d, math.sqrt(max(area, 1.0) / (1.5 * len(members) * 0.866)))
        while True:
            cands = []
            h = step * math.sqrt(3) / 2
            j = 0
            yy = y0
            while yy <= y1:
                xx = x0 + (step / 2 if j % 2 else 0.0)
                row = _crossings(yy, rings)
                while xx <= x1:
                    if ((len(row) - bisect.bisect_right(row, xx)) % 2
                            and grid.free(xx, yy, step)):
                        cands.append(((xx - cx) ** 2 + (yy - cy) ** 2, xx, yy))
                    xx += step
                yy += h
                j += 1
            if len(cands) >= len(members) or step < 2:
                break
            step *= 0.8
        cands.sort()
        for v, (_, xx, yy) in zip(members, cands, strict=False):
            pos[v] = (round(xx, 1), round(yy, 1))
            grid.add(xx, yy)
        for v in members[len(cands):]:  # only when a borough is impossibly full
            pos[v] = (round(cx, 1), round(cy, 1))
    # the strip east of London for London-wide and Outside London: as far west as London's
    # outline (and its organisations) at the strip's height allow, so the strip sits in
    # the empty north-east corner when it can rather than widening the map
    all_rings = [r for rings in shapes.values() for r in rings]
    _lx0, ly0, lx1, _ly1 = _bbox(all_rings)
    boxes = []
    y = ly0
    for name in ("London-wide", "Outside London"):
        members = sorted((v for v, o in net.orgs.items() if o.borough == name),
                         key=lambda v: (net.orgs[v].name.lower(), v))
        cols = max(1, math.ceil(math.sqrt(len(members) / 4)))
        rows = max(1, math.ceil(len(members) / cols))
        boxes.append((name, members, cols, rows, y))
        y = y + 40 + rows * ROW_H + 40
    band0, band1 = ly0 - 30, y
    east = max([max(p[0], q[0]) for r in all_rings for p, q in zip(r, r[1:] + r[:1],
                                                                   strict=True)
                if min(p[1], q[1]) <= band1 and max(p[1], q[1]) >= band0]
               + [p[0] + 20 for p in pos.values() if band0 <= p[1] <= band1],
               default=lx1)
    sx = min(lx1, east) + 80
    strip = []
    for name, members, cols, _rows, y in boxes:
        top = y + 40
        for i, v in enumerate(members):
            row, col = divmod(i, cols)
            pos[v] = (round(sx + 20 + col * CELL_W, 1), round(top + row * ROW_H, 1))
        y1 = top + _rows * ROW_H
        strip.append({"name": name, "x0": sx, "y0": y, "x1": sx + 20 + cols * CELL_W,
                      "y1": y1, "count": len(members)})
    boroughs = []
    for name, label, rings in _shapes():
        boroughs.append({"name": name, "area": hub_area(name),
                         "rings": [list(r) for r in rings], "label": label})
    return GeoPlan(pos, boroughs, strip)


def geo_layout(net: Network) -> dict[str, tuple[float, float]]:
    """Positions of :func:`geo_plan`."""
    return geo_plan(net).positions


def view_labels(net: Network, ladder: dict[str, tuple[float, float]] | None = None
                ) -> dict[str, list[dict[str, object]]]:
    """Background labels: stage names above the ladder's columns, hub areas beside its rows,
    borough names at a point well inside each borough."""
    plan = ladder_plan(net)
    out: list[dict[str, object]] = []
    top = min((y for _, y in plan.positions.values()), default=0.0) - 40
    for b in plan.bands:
        out.append({"text": b["stage"].replace("_", " ").capitalize(),
                    "x": round((b["x0"] + b["x1"]) / 2 - 8, 1), "y": top, "kind": "stage"})
    for g in plan.groups:
        out.append({"text": g["name"], "x": -30.0, "y": g["y0"], "kind": "group"})
    geo = [{"text": name, "x": x, "y": y, "kind": "borough"}
           for name, (x, y), _rings in _shapes() if name in BOROUGHS]
    return {"ladder": out, "geo": geo}
