"""The Pathfinders chain: grassroots -> intermediary -> next step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._reach import ROLE_BIT, descendant_masks, role_bits

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["pathfinder_chains"]


def pathfinder_chains(net: Network) -> dict[str, list[str]]:
    """Where the Pathfinders chain (grassroots -> intermediary -> next step) is broken.

    Returns two sorted id lists:

    - ``grassroots_without_onward_route``: organisations with role ``grassroots`` from which
      no ``intermediary`` or ``next_step`` organisation is reachable along active routes;
    - ``intermediaries_without_next_step``: organisations with role ``intermediary`` from
      which no ``next_step`` organisation is reachable.

    "Reachable" means by a path of any length, as a young person may pass through several
    organisations. O(V + E) via role bitsets on the condensation.

    Example: a refugee project (grassroots) whose only route goes to another grassroots
    setting, which has no routes, is listed under ``grassroots_without_onward_route``.
    """
    reach = descendant_masks(net, role_bits, "roles")
    onward = ROLE_BIT["intermediary"] | ROLE_BIT["next_step"]
    grassroots, intermediaries = [], []
    for v, o in net.orgs.items():
        if o.role == "grassroots" and not reach[v] & onward:
            grassroots.append(v)
        elif o.role == "intermediary" and not reach[v] & ROLE_BIT["next_step"]:
            intermediaries.append(v)
    return {
        "grassroots_without_onward_route": sorted(grassroots),
        "intermediaries_without_next_step": sorted(intermediaries),
    }
