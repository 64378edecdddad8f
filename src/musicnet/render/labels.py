"""Where organisations' names go: one rule for the interactive map and the static picture.

:data:`LABEL_RULE` is the single table of the rule (the candidate positions around a node,
the wrap widths that give a name its shapes, the costs that order the candidates and the
work limits). :func:`musicnet.render.map.map_data` passes it to the page, whose script
(``assets/map.js``, ``placeNames``) reads it; :func:`place_labels` applies it here for the
picture. Both implement the same steps, so a name the map shows beside its node at a given
spot the picture shows there too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["LABEL_RULE", "label_spots", "place_labels"]

#: Around a node at (x, y) whose radius plus a gap is ``rr``, position k puts the top-left
#: corner of a name box ``w`` x ``h`` at
#: ``x + a*rr + b*d + c*w``, ``y + e*rr + f*d + g*h + i*mid`` with ``d = diag * rr`` and
#: ``mid`` half a line plus one: each row is (name, a, b, c, e, f, g, i).
_POSITIONS: tuple[tuple[str, float, float, float, float, float, float, float], ...] = (
    ("right", 1, 0, 0, 0, 0, -0.5, 0),
    ("left", -1, 0, -1, 0, 0, -0.5, 0),
    ("right, first line level", 1, 0, 0, 0, 0, 0, -1),
    ("right, last line level", 1, 0, 0, 0, 0, -1, 1),
    ("left, first line level", -1, 0, -1, 0, 0, 0, -1),
    ("left, last line level", -1, 0, -1, 0, 0, -1, 1),
    ("below", 0, 0, -0.5, 1, 0, 0, 0),
    ("above", 0, 0, -0.5, -1, 0, -1, 0),
    ("below, starting at the node", 0, -1, 0, 1, 0, 0, 0),
    ("below, ending at the node", 0, 1, -1, 1, 0, 0, 0),
    ("above, starting at the node", 0, -1, 0, -1, 0, -1, 0),
    ("above, ending at the node", 0, 1, -1, -1, 0, -1, 0),
    ("lower right corner", 0, 1, 0, 0, 1, 0, 0),
    ("upper right corner", 0, 1, 0, 0, -1, -1, 0),
    ("lower left corner", 0, -1, -1, 0, 1, 0, 0),
    ("upper left corner", 0, -1, -1, 0, -1, -1, 0),
)
_POS_COST = (0, 1, 0.6, 0.6, 1.4, 1.4, 2, 2, 2.4, 2.4, 2.4, 2.4, 3, 3, 3.2, 3.2)
_SHAPE_COST = (0, 1.1, 1.3, 1.7, 2.5)
_RINGS = (0, 18, 42)  # the sixteen positions, then again 18 and 42 px further out
_RING_COST = 3.5


def _pairs() -> list[list[int]]:
    """(position, shape) pairs, cheapest first (ties: first shapes, then first positions)."""
    n_pos = len(_POSITIONS)
    cost = {(pk, sk): _POS_COST[pk % n_pos] + _SHAPE_COST[sk] + _RING_COST * (pk // n_pos)
            for pk in range(len(_RINGS) * n_pos) for sk in range(len(_SHAPE_COST))}
    return [[pk, sk] for pk, sk in sorted(cost, key=lambda p: (cost[p], p[1], p[0]))]


#: The naming rule, in pixels for names drawn in an 11 px font (the picture scales every
#: length by its own font size over ``font_px``). ``wraps``: the widths a name is wrapped
#: at to make its shapes, in this order (0: the whole name on one line; a shape of more
#: than ``max_lines`` lines is dropped unless it is the first); a shape's box is its
#: widest line plus ``pad_w`` by its lines times ``line_h`` plus ``pad_h``. ``positions``:
#: see ``_POSITIONS``; ``rings``: the extra distance of each ring of positions (names
#: further out are tied to their node by a leader line); ``pairs``: every (position,
#: shape) in the order tried; ``near_shapes``: with more than ``crowded`` organisations on
#: screen only the first ring and the first ``near_shapes`` shapes are tried, names are
#: tried for at most ``max_tries`` organisations and ``max_boxes`` boxes, and no room is
#: made. Otherwise up to ``repair_passes`` passes (``repair_work`` spots tried in all) let
#: a name that did not fit take a spot held by at most ``repair_moves`` placed names if
#: each of those can move to a free spot. ``gap``: the space between a node's edge and the
#: nearest candidate. ``assoc``: a name in the first ring (no leader line) must read as
#: its own node's: of the sides of the name that face its node, every other node's centre
#: is at least this many times as far as its own node's centre, no other node's edge
#: is nearer than its own node's edge, and no other node's centre is nearer any side of
#: the name than its own node's centre is (not checked when crowded). ``lead_clear``: a name
#: further out, tied to its node by a leader line, keeps at least this far from every
#: other node's edge (not checked when crowded, nor for a name that did not fit and is
#: making room in the repair passes). ``sep``: names side by side keep at least this far
#: apart (two-line names 3 px apart read across as one).
LABEL_RULE: dict[str, Any] = {
    "font_px": 11, "line_h": 13, "pad_w": 5, "pad_h": 2, "gap": 3, "diag": 0.72,
    "wraps": [106, 0, 140, 80, 60], "max_lines": 4,
    "positions": [list(p[1:]) for p in _POSITIONS],
    "rings": list(_RINGS), "pairs": _pairs(), "near_shapes": 2,
    "crowded": 400, "max_tries": 4000, "max_boxes": 8000,
    "repair_work": 200000, "repair_passes": 3, "repair_moves": 2,
    "leader_from": 9, "assoc": 1.2, "sep": 6, "lead_clear": 10,
}

Box = tuple[float, float, float, float]


def label_spots(x: float, y: float, rr: float, w: float, h: float,
                em: float = 1.0) -> list[tuple[float, float]]:
    """The top-left corners of a ``w`` x ``h`` name around a node at (``x``, ``y``) whose
    radius plus the gap is ``rr``, at every position of every ring (the rule's order of
    positions, not of ``pairs``); ``em`` scales the rule's lengths.

    >>> label_spots(100, 100, 10, 40, 14)[:2]
    [(110.0, 93.0), (50.0, 93.0)]
    """
    rule = LABEL_RULE
    mid = (rule["line_h"] / 2 + 1) * em
    out = []
    for extra in rule["rings"]:
        r = rr + extra * em
        d = r * rule["diag"]
        for a, b, c, e, f, g, i in rule["positions"]:
            out.append((x + a * r + b * d + c * w, y + e * r + f * d + g * h + i * mid))
    return out


def place_labels(items: Iterable[tuple[str, float, float, float, str]],
                 width: float, height: float, obstacles: Iterable[Box] = (), *,
                 measure: Callable[[str], float], em: float = 1.0, repair: bool = True,
                 repair_work: int | None = None
                 ) -> dict[str, tuple[float, float, float, float, tuple[str, ...]]]:
    """Names placed by the map's rule (:data:`LABEL_RULE`), for nodes ``items`` given in
    priority order as ``(key, x, y, radius, name)`` in display units (y down) inside a
    ``width`` x ``height`` canvas. Returns key -> ``(x, y, w, h, lines)``, the name's box and
    its lines, in priority order, for the names placed.

    The rule: every node's disc (a square of side ``2 * radius``) and every box in
    ``obstacles`` is kept free of names, and a name beside its node (the first ring) is read
    as its own: no other node is near the sides of the name that face its node (``assoc``);
    a name further out keeps ``lead_clear`` from every other node (except a name making room
    in the repair passes), and names side by side keep ``sep`` apart (when crowded only
    ``sep`` is checked). A name has shapes: wrapped at each of the rule's ``wraps`` widths
    (``measure(word)`` gives a word's width, a line is its words and the spaces between;
    lines break at spaces only, so a name is never cut), each shape once.
    Each name in turn takes the first (position, shape) pair of ``pairs`` whose box lies
    inside the canvas and overlaps no obstacle, no other node and no name already placed.
    Names that found no spot then get up to ``repair_passes`` passes: such a name may take
    a spot held by one or two placed names if each of them can move to another free spot
    (otherwise everything goes back), within ``repair_work`` spots tried. With more than
    ``crowded`` nodes only the nearest ring of positions and the first two shapes are tried
    and no room is made. Lengths of the rule (wrap widths, line height, gap, rings) are
    multiplied by ``em``.

    >>> w = lambda s: 6.0 * len(s)
    >>> place_labels([("a", 50, 50, 2, "Ab"), ("b", 64, 50, 2, "Cd")], 100, 100, measure=w)
    {'a': (28.0, 42.5, 17.0, 15.0, ('Ab',)), 'b': (69.0, 42.5, 17.0, 15.0, ('Cd',))}

    A name that fits nowhere near its node is left out; a long name is wrapped onto lines
    when one line does not fit:

    >>> out = place_labels([("a", 20, 30, 4, "Long Name Here")], 100, 60, measure=w)
    >>> out["a"][4]
    ('Long Name', 'Here')
    """
    rule = LABEL_RULE
    line_h, pad_w, pad_h = rule["line_h"] * em, rule["pad_w"], rule["pad_h"] * em
    gap, space = rule["gap"] * em, measure(" ")
    n_pos, near_shapes = len(rule["positions"]), rule["near_shapes"]
    pairs = [tuple(p) for p in rule["pairs"]]
    near = [p for p in pairs if p[0] < n_pos and p[1] < near_shapes]
    nodes = [(k, float(x), float(y), float(r), str(name)) for k, x, y, r, name in items]
    crowded = len(nodes) > rule["crowded"]
    assoc = rule["assoc"]
    sep = rule["sep"] * em
    lead_clear = rule["lead_clear"] * em
    max_r = max((r for _, _, _, r, _ in nodes), default=0.0)

    class Grid:  # boxes in square buckets, to ask "what overlaps this box?" quickly
        def __init__(self, cell: float) -> None:
            self.cell, self.map = cell, {}  # type: dict[tuple[int, int], list[list[Any]]]

        def cells(self, b: Box) -> Iterable[tuple[int, int]]:
            c = self.cell
            for i in range(math.floor(b[0] / c), math.floor((b[0] + b[2]) / c) + 1):
                for j in range(math.floor(b[1] / c), math.floor((b[1] + b[3]) / c) + 1):
                    yield i, j

        def add(self, b: Box, owner: Any) -> list[Any]:
            item = [b, owner, False]
            for k in self.cells(b):
                self.map.setdefault(k, []).append(item)
            return item

        def owners(self, b: Box, skip: Any = None, limit: int = 0) -> list[Any]:
            out: list[Any] = []
            for k in self.cells(b):
                for c, o, dead in self.map.get(k, ()):
                    if not dead and o != skip and o not in out and b[0] < c[0] + c[2] \
                            and c[0] < b[0] + b[2] and b[1] < c[1] + c[3] and c[1] < b[1] + b[3]:
                        out.append(o)
                        if len(out) > limit:
                            return out
            return out

    blocked = Grid(24.0)
    for b in obstacles:
        blocked.add(tuple(b), None)
    for k, x, y, r, _ in nodes:
        blocked.add((x - r, y - r, 2 * r, 2 * r), k)
    labels = Grid(48.0)
    at: dict[str, tuple[list[Any], Box, tuple[str, ...]]] = {}
    widths: dict[str, float] = {}
    shapes: dict[str, list[tuple[tuple[str, ...], float, float]]] = {}
    spots: dict[tuple[str, int, int, bool], tuple[Box, tuple[str, ...]] | None] = {}
    where = {k: (x, y, r) for k, x, y, r, _ in nodes}
    names = {k: name for k, _, _, _, name in nodes}
    corners: dict[tuple[str, int], list[tuple[float, float]]] = {}
    count = {"boxes": 0, "work": 0}

    def shapes_of(key: str) -> list[tuple[tuple[str, ...], float, float]]:
        if key not in shapes:
            words = names[key].split() or [key]
            out, seen = [], set()
            for wrap in rule["wraps"]:
                limit = wrap * em if wrap else math.inf
                lines: list[str] = []
                wide = 0.0  # the widest line: its words' widths and the spaces between
                cur, cur_w = "", 0.0
                for word in words:
                    ww = widths.get(word)
                    if ww is None:
                        ww = widths[word] = measure(word)
                    if cur and cur_w + space + ww > limit:
                        lines.append(cur)
                        wide = max(wide, cur_w)
                        cur, cur_w = "", 0.0
                    cur, cur_w = (cur + " " + word, cur_w + space + ww) if cur else (word, ww)
                lines.append(cur)
                wide = max(wide, cur_w)
                if tuple(lines) in seen or (len(lines) > rule["max_lines"] and out):
                    continue
                seen.add(tuple(lines))
                out.append((tuple(lines), math.ceil(wide) + pad_w * em,
                            len(lines) * line_h + pad_h))
            shapes[key] = out
        return shapes[key]

    def box_at(key: str, pair: tuple[int, int], loose: bool = False
               ) -> tuple[Box, tuple[str, ...]] | None:
        """The name's box at ``pair`` if it may go there (``loose``: a leader-line name,
        making room, may sit near other nodes)."""
        got = spots.get((key, *pair, loose), False)
        if got is not False:
            return got  # type: ignore[return-value]
        count["boxes"] += 1
        got = None
        shp = shapes_of(key)
        if pair[1] < len(shp):
            lines, w, h = shp[pair[1]]
            if (key, pair[1]) not in corners:
                x, y, r = where[key]
                corners[(key, pair[1])] = label_spots(x, y, r + gap, w, h, em)
            bx, by = corners[(key, pair[1])][pair[0]]
            box = (bx, by, w, h)
            if bx >= 0 and by >= 0 and bx + w <= width and by + h <= height \
                    and not blocked.owners(box, skip=key) \
                    and (crowded or (loose or clear_of_others(key, box) if pair[0] >= n_pos
                                     else own_name(key, box))):
                got = (box, lines)
        spots[(key, *pair, loose)] = got
        return got

    def side_dist(key: str, x0: float, y0: float, x1: float, y1: float) -> float:
        """From key's centre to the segment (x0, y0)-(x1, y1)."""
        x, y, _ = where[key]
        dx, dy = max(x0 - x, 0.0, x - x1), max(y0 - y, 0.0, y - y1)
        return math.sqrt(dx * dx + dy * dy)

    def facing_dist(own: str, key: str, b: Box) -> float:
        """From key's centre to the sides of box ``b`` that face own's centre."""
        x, y, _ = where[own]
        x0, y0, x1, y1 = b[0], b[1], b[0] + b[2], b[1] + b[3]
        sides = [s for s, faces in (((x0, y0, x0, y1), x <= x0), ((x1, y0, x1, y1), x >= x1),
                                    ((x0, y0, x1, y0), y <= y0), ((x0, y1, x1, y1), y >= y1))
                 if faces] or [(x0, y0, x1, y1)]
        return min(side_dist(key, *s) for s in sides)

    def own_name(key: str, b: Box) -> bool:
        """Whether box ``b`` reads as key's name: of its sides facing key (where a reader
        looks for the name's owner), every other node's centre is ``assoc`` times as far
        as key's centre, and its edge no nearer (by half a pixel) than key's edge; and no
        other node's centre is nearer any side of the name than key's centre is."""
        mine = facing_dist(key, key, b)
        far, edge = mine * assoc, mine - where[key][2]
        pad = far + max_r
        for o in blocked.owners((b[0] - pad, b[1] - pad, b[2] + 2 * pad, b[3] + 2 * pad),
                                skip=key, limit=len(nodes)):
            if o is None:
                continue
            if side_dist(o, b[0], b[1], b[0] + b[2], b[1] + b[3]) < mine:
                return False
            d = facing_dist(key, o, b)
            if d < far or d - where[o][2] < edge - 0.5 * em:
                return False
        return True

    def clear_of_others(key: str, b: Box) -> bool:
        """Whether every other node's edge is at least ``lead_clear`` from box ``b`` (a
        name tied to its node by a leader line must not sit beside another node)."""
        pad = lead_clear + max_r
        for o in blocked.owners((b[0] - pad, b[1] - pad, b[2] + 2 * pad, b[3] + 2 * pad),
                                skip=key, limit=len(nodes)):
            if o is None:
                continue
            if side_dist(o, b[0], b[1], b[0] + b[2], b[1] + b[3]) - where[o][2] < lead_clear:
                return False
        return True

    def apart(b: Box) -> Box:
        """Box b widened by ``sep`` each side: names side by side keep that far apart."""
        return (b[0] - sep, b[1], b[2] + 2 * sep, b[3])

    def put(key: str, got: tuple[Box, tuple[str, ...]]) -> None:
        at[key] = (labels.add(got[0], key), *got)

    def lift(key: str) -> tuple[Box, tuple[str, ...]]:
        item, box, lines = at.pop(key)
        item[2] = True
        return box, lines

    def try_place(key: str, order: Sequence[tuple[int, int]]) -> bool:
        for pair in order:
            got = box_at(key, pair)
            count["work"] += 1
            if got and not labels.owners(apart(got[0])):
                put(key, got)
                return True
        return False

    left: list[str] = []
    for tries, (key, *_rest) in enumerate(nodes, 1):
        if tries > rule["max_tries"] or (crowded and count["boxes"] > rule["max_boxes"]):
            break
        if not try_place(key, near if crowded else pairs):
            left.append(key)
    budget = count["work"] + (rule["repair_work"] if repair_work is None else repair_work)
    for _ in range(rule["repair_passes"] if repair and not crowded else 0):
        if not left or count["work"] >= budget:
            break
        still = []
        for u in left:
            for pair in pairs:
                if count["work"] >= budget:
                    break
                got = box_at(u, pair, loose=True)
                count["work"] += 1
                if not got:
                    continue
                who = labels.owners(apart(got[0]), limit=rule["repair_moves"])
                if len(who) > rule["repair_moves"]:
                    continue
                old = [lift(w) for w in who]
                put(u, got)
                moved = []
                for w in who:
                    if not try_place(w, pairs):
                        break
                    moved.append(w)
                if len(moved) == len(who):
                    break
                for w in [u, *moved]:
                    lift(w)
                for w, o in zip(who, old, strict=True):
                    put(w, o)
            if u not in at:
                still.append(u)
        if len(still) == len(left):
            break
        left = still
    return {k: (*at[k][1], at[k][2]) for k, *_ in nodes if k in at}
