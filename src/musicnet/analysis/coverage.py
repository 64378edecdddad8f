"""Coverage of the stage ladder by borough and by Music Hub area."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..schema import BOROUGHS, HUB_AREAS, STAGES, hub_area
from ._reach import descendant_masks, stage_bits, stage_steps

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["borough_coverage", "cold_spots"]


def _by_borough(net: Network) -> dict[str, list[str]]:
    """Organisation ids (sorted) grouped by borough."""
    out: dict[str, list[str]] = {}
    for v in sorted(net.orgs):
        out.setdefault(net.orgs[v].borough, []).append(v)
    return out


def _area_row(net: Network, ids: list[str], reach: dict[str, int]) -> dict[str, Any]:
    by_stage = dict.fromkeys(STAGES, 0)
    mask = 0  # stages offered by, or reachable from, any organisation in the area
    for v in ids:
        for s in net.orgs[v].stages:
            by_stage[s] += 1
        mask |= stage_bits(net.orgs[v]) | reach[v]
    top = mask.bit_length() - 1  # highest stage offered or reachable; -1 when none
    return {
        "organisations": len(ids),
        "majority_cc": sum(net.orgs[v].remit == "majority_cc" for v in ids),
        "by_stage": by_stage,
        "missing_stages": [s for s in STAGES if by_stage[s] == 0],
        "unreachable_stages": [s for i, s in enumerate(STAGES) if i > top],
    }


def borough_coverage(net: Network) -> dict[str, Any]:
    """Which stages each borough (and each Music Hub area) offers and can reach.

    For each borough with at least one organisation (in the order of
    :data:`musicnet.schema.BOROUGHS`) and for each of London's five hub areas:

    - ``organisations``, ``majority_cc``: how many organisations are based there;
    - ``by_stage``: how many of them offer each stage;
    - ``missing_stages``: stages no organisation there offers;
    - ``unreachable_stages``: the stages above the highest stage that an organisation there
      offers or can reach along active routes (wherever the destination is). An
      organisation offering a stage is provision at that stage, and a young person who can
      get to ``advanced`` can get to everything below it, so stage ``s`` is unreachable
      only when no organisation there offers, or can reach an organisation offering, a
      stage at or above ``s``. The list is always a top slice of the ladder. A borough
      whose ``unreachable_stages`` include ``developing`` has no route beyond
      participation.

    ``London-wide`` and ``Outside London`` organisations appear as their own rows and belong
    to no hub area.

    Example: a borough whose two organisations offer ``participation`` and refer only to
    each other has ``missing_stages`` ``["first_access", "developing", "advanced",
    "professional"]`` and ``unreachable_stages`` ``["developing", "advanced",
    "professional"]``; a borough whose only organisation offers ``advanced`` has
    ``unreachable_stages`` ``["professional"]``.
    """
    reach = descendant_masks(net, stage_bits, "stages")
    by_borough = _by_borough(net)
    boroughs = []
    for b in BOROUGHS:
        if b in by_borough:
            boroughs.append({"borough": b, "hub_area": hub_area(b),
                             **_area_row(net, by_borough[b], reach)})
    areas = []
    for area, members in HUB_AREAS.items():
        ids = [v for b in members for v in by_borough.get(b, [])]
        areas.append({"hub_area": area, **_area_row(net, sorted(ids), reach)})
    return {"boroughs": boroughs, "hub_areas": areas}


def cold_spots(net: Network, *, most_deprived: int = 3) -> dict[str, Any]:
    """Deprived places where progression is missing (a modelling choice, see below).

    Uses each organisation's ``imd_decile`` (Index of Multiple Deprivation decile of its
    area; 1 = most deprived 10%). An organisation is *deprived* when its decile is at most
    ``most_deprived`` (default 3, the most deprived 30% of areas).

    - ``organisations``: deprived organisations that neither offer nor reach any stage
      above participation (no route beyond participation from where they are);
    - ``boroughs``: boroughs with at least one deprived organisation and either no
      targeted provision (no majority-CC organisation and no grassroots setting) or no
      route beyond participation from any of their organisations. Each row gives its
      ``reasons``.

    Organisations without an ``imd_decile`` are never counted as deprived.

    Example: a borough whose only organisation has ``imd_decile`` 2, a general remit and
    role ``next_step``, offering only participation with no routes, is a cold spot for both
    reasons.
    """
    steps = stage_steps(net)

    def stuck(v: str) -> bool:  # offers and reaches nothing above participation
        return all(steps[v][s] is None for s in STAGES[2:])

    deprived = [v for v in sorted(net.orgs) if net.orgs[v].imd_decile is not None
                and net.orgs[v].imd_decile <= most_deprived]  # type: ignore[operator]
    orgs = [{"id": v, "name": net.orgs[v].name, "borough": net.orgs[v].borough,
             "imd_decile": net.orgs[v].imd_decile}
            for v in deprived if stuck(v)]
    deprived_set = set(deprived)
    by_borough = _by_borough(net)
    boroughs = []
    for b in BOROUGHS:
        members = by_borough.get(b, [])
        poor = [v for v in members if v in deprived_set]
        if not poor:
            continue
        reasons = []
        if not any(net.orgs[v].remit == "majority_cc" or net.orgs[v].role == "grassroots"
                   for v in members):
            reasons.append("no targeted provision (no majority-CC organisation or "
                           "grassroots setting)")
        if all(stuck(v) for v in members):
            reasons.append("no route beyond participation")
        if reasons:
            boroughs.append({"borough": b, "hub_area": hub_area(b),
                             "deprived_organisations": len(poor), "reasons": reasons})
    return {"most_deprived_decile": most_deprived, "organisations": orgs,
            "boroughs": boroughs}
