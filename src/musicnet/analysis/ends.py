"""Where journeys stop: dead ends and isolated organisations."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["dead_ends", "isolated"]


def dead_ends(net: Network) -> list[str]:
    """Organisations young people are referred to but from which no route leads on.

    Definition: an organisation with at least one incoming **active** route, no outgoing
    active route, and that does not itself offer the ``professional`` stage (the top of the
    ladder is a destination, not a dead end). Lapsed and planned routes do not count.

    Returns ids sorted alphabetically. O(V).

    Example: with routes ``a -> b`` and ``b -> c``, where ``c`` offers only
    ``participation``, ``dead_ends`` is ``["c"]``; if ``c`` offered ``professional`` it
    would be ``[]``.
    """
    g = net.graph
    return sorted(
        v for v, o in net.orgs.items()
        if g.in_degree(v) > 0 and g.out_degree(v) == 0 and "professional" not in o.stages
    )


def isolated(net: Network) -> list[str]:
    """Organisations with no active route at all, in or out.

    Definition: an organisation that is neither the source nor the target of any
    **active** route. Lapsed and planned routes do not count, so a project whose only
    relationship has lapsed shows up here: young people can neither arrive nor move on
    through the network. Returns ids sorted alphabetically. O(V).

    Example: with routes ``a -> b`` (active) and ``c -> a`` (lapsed), ``isolated`` is
    ``["c"]``.
    """
    g = net.graph
    return sorted(v for v in net.orgs if g.degree(v) == 0)
