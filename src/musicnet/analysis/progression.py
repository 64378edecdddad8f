"""Progression up the stage ladder: gaps and reach."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..schema import STAGES
from ._reach import descendant_masks, stage_bits, stage_steps

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["progression_gaps", "stage_reach"]


def progression_gaps(net: Network) -> list[str]:
    """Organisations from which no higher stage can be reached.

    Definition: an organisation whose highest offered stage ``h`` is below ``professional``
    and from which no organisation offering any stage above ``h`` is reachable along active
    routes (paths of any length). Isolated organisations below ``professional`` are gaps.

    Returns sorted ids. Computed with stage bitsets propagated over the condensation of the
    graph: O(V + E).

    Example: ``a`` (participation) -> ``b`` (first_access) -> ``c`` (developing): ``a`` is
    not a gap (``c`` is reachable), ``b`` is not, ``c`` is (nothing after it).
    """
    reach = descendant_masks(net, stage_bits, "stages")
    gaps = []
    for v, o in net.orgs.items():
        h = o.highest_level
        if h < len(STAGES) - 1 and reach[v] >> (h + 1) == 0:
            gaps.append(v)
    return sorted(gaps)


def stage_reach(net: Network) -> dict[str, Any]:
    """How far up the ladder a young person can get from each organisation.

    For every organisation: ``highest_stage_offered``; ``highest_stage_reachable`` (the
    highest stage offered by the organisation itself or any organisation reachable from
    it along active routes); and ``steps``, the fewest routes to an organisation offering
    each stage (0 when it offers the stage itself, ``None`` when unreachable).

    ``majority_cc`` summarises the organisations with a majority challenging-circumstances
    remit, the young people the *Taking Off* research is about: how many there are and,
    in ``can_reach``, how many can reach each stage. ``all`` gives the same counts for
    everyone. An organisation *can reach stage s* when it offers, or can reach along active
    routes an organisation offering, a stage **at or above** ``s`` (a young person who can
    get to ``advanced`` has passed ``developing``), so the counts never rise up the
    ladder. ``steps`` is stricter: it measures the way to an organisation offering exactly
    that stage.

    Example: ``a`` (first_access) -> ``b`` (developing) gives ``a`` the steps
    ``{"first_access": 0, "participation": None, "developing": 1, ...}``, and ``a`` counts
    as able to reach first access, participation and developing.
    """
    steps = stage_steps(net)
    rows = []
    counts_all = dict.fromkeys(STAGES, 0)
    counts_mcc = dict.fromkeys(STAGES, 0)
    n_mcc = 0
    for v in sorted(net.orgs):
        o = net.orgs[v]
        st = steps[v]
        reachable = [s for s in STAGES if st[s] is not None]
        rows.append({
            "id": v,
            "name": o.name,
            "remit": o.remit,
            "highest_stage_offered": STAGES[o.highest_level],
            "highest_stage_reachable": reachable[-1],
            "steps": st,
        })
        n_mcc += o.remit == "majority_cc"
        for s in STAGES[:STAGES.index(reachable[-1]) + 1]:  # at or below the highest
            counts_all[s] += 1
            if o.remit == "majority_cc":
                counts_mcc[s] += 1
    return {
        "organisations": rows,
        "all": {"organisations": len(net.orgs), "can_reach": counts_all},
        "majority_cc": {"organisations": n_mcc, "can_reach": counts_mcc},
    }
