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
