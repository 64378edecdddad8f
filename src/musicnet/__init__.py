"""musicnet: find where young people's musical journeys stop.

Model a region's youth-music organisations as a directed network of referral and
signposting routes, then find dead ends, progression gaps, fragile routes and single
points of failure.

>>> import musicnet
>>> net = musicnet.load("data")            # organisations.csv + referrals.csv
>>> net.dead_ends()[:1]                    # doctest: +SKIP
['bexley-refugee-welcome']
"""

from .errors import DataError, MusicnetError, Problem, UsageError
from .model import Organisation, Route
from .network import Network, load
from .whatif import Diff, compare

__version__ = "0.1.0"

#: Submodules loaded on first use, so ``import musicnet`` stays fast and
#: ``help(musicnet.analysis.dead_ends)`` still works straight after it.
_SUBMODULES = frozenset({
    "analysis", "diff", "errors", "export", "findings", "history", "layout", "loader",
    "model", "names", "network", "privacy", "render", "schema", "suggest", "synth",
    "values", "whatif",
})


def __getattr__(name: str) -> object:
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'musicnet' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES})

__all__ = [
    "DataError",
    "Diff",
    "MusicnetError",
    "Network",
    "Organisation",
    "Problem",
    "Route",
    "UsageError",
    "__version__",
    "compare",
    "load",
]
