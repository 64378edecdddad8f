"""Coverage of the stage ladder by borough and by Music Hub area."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..schema import BOROUGHS, HUB_AREAS, STAGES, hub_area
from ._reach import stage_steps

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["borough_coverage"]


def _area_row(net: Network, ids: list[str], steps: dict[str, dict[str, int | None]]
              ) -> dict[str, Any]:
    by_stage = dict.fromkeys(STAGES, 0)
    reachable: set[str] = set()
    for v in ids:
        for s in net.orgs[v].stages:
            by_stage[s] += 1
        reachable.update(s for s, d in steps[v].items() if d is not None)
    return {
        "organisations": len(ids),
        "majority_cc": sum(net.orgs[v].remit == "majority_cc" for v in ids),
        "by_stage": by_stage,
        "missing_stages": [s for s in STAGES if by_stage[s] == 0],
        "unreachable_stages": [s for s in STAGES if s not in reachable],
    }


def borough_coverage(net: Network) -> dict[str, Any]:
    """Which stages each borough (and each Music Hub area) offers and can reach.

    For each borough with at least one organisation (in the order of
    :data:`musicnet.schema.BOROUGHS`) and for each of London's five hub areas:

    - ``organisations``, ``majority_cc``: how many organisations are based there;
    - ``by_stage``: how many of them offer each stage;
    - ``missing_stages``: stages no organisation there offers;
    - ``unreachable_stages``: stages that no organisation there offers *or* can reach
      along active routes (wherever the destination is). A borough whose
      ``unreachable_stages`` include ``developing`` has no route beyond participation.

    ``London-wide`` and ``Outside London`` organisations appear as their own rows and belong
    to no hub area.

    Example: a borough whose two organisations offer ``participation`` and refer only to
    each other has ``missing_stages`` and ``unreachable_stages`` both equal to
    ``["first_access", "developing", "advanced", "professional"]``.
    """
    steps = stage_steps(net)
    by_borough: dict[str, list[str]] = {}
    for v in sorted(net.orgs):
        by_borough.setdefault(net.orgs[v].borough, []).append(v)
    boroughs = []
    for b in BOROUGHS:
        if b in by_borough:
            boroughs.append({"borough": b, "hub_area": hub_area(b),
                             **_area_row(net, by_borough[b], steps)})
    areas = []
    for area, members in HUB_AREAS.items():
        ids = [v for b in members for v in by_borough.get(b, [])]
        areas.append({"hub_area": area, **_area_row(net, sorted(ids), steps)})
    return {"boroughs": boroughs, "hub_areas": areas}
