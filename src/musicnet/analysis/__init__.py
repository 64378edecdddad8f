"""The analyses: pure functions taking a :class:`~musicnet.network.Network`.

Each returns plain data (sorted id lists, small frozen dataclasses or dicts) that the CLI,
the map and the JSON output share. Only **active** routes count.
"""

from .chains import pathfinder_chains
from .coverage import borough_coverage, cold_spots
from .ends import dead_ends, isolated
from .fragility import BridgeOrganisation, bridge_organisations, bridges
from .pathways import Pathways, RouteBetween, pathways, route_between
from .progression import progression_gaps, stage_reach
from .summary import analyse, format_text

__all__ = [
    "BridgeOrganisation",
    "Pathways",
    "RouteBetween",
    "analyse",
    "borough_coverage",
    "bridge_organisations",
    "bridges",
    "cold_spots",
    "dead_ends",
    "format_text",
    "isolated",
    "pathfinder_chains",
    "pathways",
    "progression_gaps",
    "route_between",
    "stage_reach",
]
