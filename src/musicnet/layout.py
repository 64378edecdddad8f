"""Deterministic node positions for the map and the static picture.

Two layouts, both computed in O(n log n) with no randomness, so the same data always
gives the same picture and a 10,000-organisation map opens at once:

- ``ladder``: one vertical band per stage (the organisation's highest stage offered), left
  to right from first_access to professional. Within a band organisations sit on a grid
  ordered by hub area, borough, role and id, so neighbours across bands tend to be
  neighbours in the network and most routes run left to right.
- ``geo``: longitude/latitude (the borough's centroid when the organisation has none),
  projected to a flat plane, with a small fixed offset derived from the id so that
  organisations in the same place do not sit on top of each other.
"""

from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING

from .schema import BOROUGH_CENTROIDS, BOROUGHS, HUB_AREAS, ROLES, STAGES, hub_area

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = ["geo_layout", "geo_point", "ladder_layout", "view_labels"]

_LONDON = (51.507, -0.128)
_SPACING = 42.0


def _area_rank(borough: str) -> tuple[int, int]:
    area = hub_area(borough)
    areas = list(HUB_AREAS)
    return (areas.index(area) if area else len(areas), BOROUGHS.index(borough))


def ladder_layout(net: Network) -> dict[str, tuple[float, float]]:
    """Positions with stage bands left to right; see the module docstring.

    >>> import musicnet
    >>> pos = ladder_layout(musicnet.load("data"))
    >>> len(pos) == len(musicnet.load("data"))
    True
    """
    roles = list(ROLES)
    bands: dict[int, list[str]] = {i: [] for i in range(len(STAGES))}
    for v, o in net.orgs.items():
        bands[o.highest_level].append(v)
    tallest = max((len(b) for b in bands.values()), default=1)
    # enough columns per band that the map is about as wide as it is tall
    cols = max(1, math.ceil(math.sqrt(tallest / 30)))
    band_width = cols * _SPACING * 3 + 250
    pos: dict[str, tuple[float, float]] = {}
    for level, members in bands.items():
        members.sort(key=lambda v: (*_area_rank(net.orgs[v].borough),
                                    roles.index(net.orgs[v].role), v))
        rows = math.ceil(len(members) / cols) if members else 0
        x0 = level * band_width
        for k, v in enumerate(members):
            row, col = divmod(k, cols)
            x = x0 + (col - (cols - 1) / 2) * _SPACING * 3 + (row % 2) * _SPACING * 0.8
            y = (row - (rows - 1) / 2) * _SPACING
            pos[v] = (round(x, 2), round(y, 2))
    return pos


def _jitter(v: str) -> tuple[float, float]:
    h = hashlib.sha256(v.encode("utf-8")).digest()
    angle = h[0] / 255 * 2 * math.pi
    radius = 0.2 + h[1] / 255 * 0.8
    return math.cos(angle) * radius, math.sin(angle) * radius


_GEO_SCALE = 12000.0
_COS0 = math.cos(math.radians(_LONDON[0]))


def geo_point(lat: float, lon: float) -> tuple[float, float]:
    """Map coordinates of a latitude/longitude (equirectangular around central London)."""
    return (round((lon - _LONDON[1]) * _COS0 * _GEO_SCALE, 2),
            round(-(lat - _LONDON[0]) * _GEO_SCALE, 2))


def view_labels(net: Network, ladder: dict[str, tuple[float, float]]
                ) -> dict[str, list[dict[str, object]]]:
    """Background labels: stage names above the ladder bands, borough names on the map."""
    ladder_labels: list[dict[str, object]] = []
    if ladder:
        top = min(y for _, y in ladder.values()) - 90
        for level, stage in enumerate(STAGES):
            xs = [ladder[v][0] for v, o in net.orgs.items() if o.highest_level == level]
            if xs:
                ladder_labels.append({"text": stage.replace("_", " ").capitalize(),
                                      "x": round((min(xs) + max(xs)) / 2, 2), "y": top})
    geo_labels: list[dict[str, object]] = []
    for b in sorted({o.borough for o in net.orgs.values()}):
        if b in BOROUGH_CENTROIDS:
            x, y = geo_point(*BOROUGH_CENTROIDS[b])
            geo_labels.append({"text": b, "x": x, "y": y})
    return {"ladder": ladder_labels, "geo": geo_labels}


def geo_layout(net: Network) -> dict[str, tuple[float, float]]:
    """Positions from lat/lon (or borough centroid), equirectangular around London."""
    pos: dict[str, tuple[float, float]] = {}
    for v, o in net.orgs.items():
        if o.lat is not None and o.lon is not None:
            lat, lon = o.lat, o.lon
            spread = 0.004
        else:
            lat, lon = BOROUGH_CENTROIDS.get(o.borough, _LONDON)
            spread = 0.012
            if o.borough == "Outside London":
                lat, lon = _LONDON[0] + 0.2, _LONDON[1] + 0.35
        dx, dy = _jitter(v)
        pos[v] = geo_point(lat + dy * spread, lon + dx * spread / _COS0)
    return pos
