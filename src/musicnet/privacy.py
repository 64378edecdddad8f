"""Privacy rules shared by every output meant for publication (map, report, analysis JSON,
exports).

By default contact emails and notes are left out (``include_private`` puts them in), and
counts of young people below ``suppress_below`` (N) are withheld so that small groups
cannot be identified:

* **A route's count** below N is shown as ``"fewer than N"`` (:func:`suppressed`).
* **A total** over routes never includes a withheld count, so no withheld count can be
  worked out by subtracting the published ones from it (:func:`published_total`). If every
  count in it is N or more (or 0) the total is exact; otherwise it is the total of the
  published counts, with the number of routes whose counts are withheld:
  ``"100 + 1 route with fewer than 5"``. Every published number is therefore computed
  from published numbers alone: this is the complementary-suppression rule official
  statistics use, applied to the simplest case.

Each output carries :func:`privacy_line` saying what was left out. The raw numbers stay
available in the Python API (``Network.analyse()``), which is not a publication.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = ["privacy_line", "publish_result", "published_parts", "published_total",
           "suppressed"]


def suppressed(value: int | None, below: int) -> str | None:
    """A count for publication: ``None`` stays ``None``; counts below ``below`` become
    ``"fewer than N"`` so small groups of young people cannot be identified.

    >>> suppressed(3, 5), suppressed(12, 5), suppressed(3, 0)
    ('fewer than 5', '12', '3')
    """
    if value is None:
        return None
    return f"fewer than {below}" if 0 < value < below else str(value)


def published_parts(values: Iterable[int | None], below: int) -> tuple[int, int] | None:
    """The two numbers behind :func:`published_total`: the total of the counts that are
    published, and how many counts are withheld; ``None`` if no value is given.

    >>> published_parts([100, 3, None], 5)
    (100, 1)
    """
    given = [v for v in values if v is not None]
    if not given:
        return None
    hidden = sum(1 for v in given if 0 < v < below)
    return sum(v for v in given if not 0 < v < below), hidden


def published_total(values: Iterable[int | None], below: int) -> str | None:
    """A total of counts for publication, from which no withheld count can be recovered.

    ``None`` values (no figure given) are left out; ``None`` if no value is given at all.

    >>> published_total([100, 12], 5)
    '112'
    >>> published_total([100, 3], 5)
    '100 + 1 route with fewer than 5'
    >>> published_total([3, 4], 5)
    '2 routes with fewer than 5 each'
    >>> published_total([3, 4], 0)
    '7'
    """
    given = [v for v in values if v is not None]
    if not given:
        return None
    hidden = [v for v in given if 0 < v < below]
    shown = sum(v for v in given if not 0 < v < below)
    if not hidden:
        return str(shown)
    n = len(hidden)
    tail = (f"1 route with fewer than {below}" if n == 1
            else f"{n} routes with fewer than {below} each")
    return tail if shown == 0 and n == len(given) else f"{shown} + {tail}"


def publish_result(result: dict[str, Any], net: Network, suppress_below: int
                   ) -> dict[str, Any]:
    """A copy of ``net.analyse()``'s result fit for publication: the young-people total in
    ``summary`` becomes :func:`published_total` text (``None`` when no route has a figure).
    The result passed in is not changed."""
    out = copy.copy(result)
    summary = dict(result["summary"])
    summary["young_people_per_year"] = published_total(
        (r.young_people_per_year for r in net.routes if r.status == "active"),
        suppress_below)
    out["summary"] = summary
    return out


def privacy_line(include_private: bool, suppress_below: int) -> str:
    """One sentence for each output saying what was left out or withheld."""
    parts = []
    if include_private:
        parts.append("Contact emails and notes are included: share only with people allowed "
                     "to see them.")
    else:
        parts.append("Contact emails and notes are left out.")
    if suppress_below > 1:
        parts.append(f"Counts of young people below {suppress_below} are shown as "
                     f"'fewer than {suppress_below}' and left out of totals.")
    return " ".join(parts)
