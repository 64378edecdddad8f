"""Change over time inside one file: route dates, the network as it was on a date, and key
counts year by year.

Routes may carry ``since`` (when the route started) and ``ended`` (the day it lapsed). A date
may be a year (``2023``), a month (``2023-04``, ``04/2023``, ``April 2023``) or a day
(``2023-04-01``, ``01/04/2023`` in the UK order day/month/year). A year or a month stands
for its **first day**: ``since 2023`` means the route was running from 1 January 2023.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .errors import DataError, Problem, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = ["as_of", "last_day", "parse_date", "route_dates", "timeline", "timeline_text"]

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_UK = re.compile(r"^(?:(\d{1,2})[/.])?(\d{1,2})[/.](\d{4})$")
_WORDS = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")


def parse_date(text: str) -> dt.date | None:
    """The first day ``text`` can mean, or None when it is not a date this module reads.

    >>> parse_date("2023"), parse_date("2023-04"), parse_date("01/04/2023")
    (datetime.date(2023, 1, 1), datetime.date(2023, 4, 1), datetime.date(2023, 4, 1))
    >>> parse_date("Sept 2024"), parse_date("about 2019")
    (datetime.date(2024, 9, 1), None)
    """
    s = text.strip()
    if not s:
        return None
    try:
        if m := _ISO.match(s):
            return dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
        if m := _UK.match(s):
            return dt.date(int(m[3]), int(m[2]), int(m[1] or 1))
        if (m := _WORDS.match(s)) and m[1].lower() in _MONTHS:
            return dt.date(int(m[2]), _MONTHS[m[1].lower()], 1)
    except ValueError:  # e.g. month 13 or 31 February
        return None
    return None


def last_day(text: str) -> dt.date | None:
    """The last day ``text`` can mean (``2024`` -> 31 December 2024), or None.

    >>> last_day("2024"), last_day("2024-02"), last_day("2024-02-10")
    (datetime.date(2024, 12, 31), datetime.date(2024, 2, 29), datetime.date(2024, 2, 10))
    """
    import calendar

    first = parse_date(text)
    if first is None:
        return None
    s = text.strip()
    iso, uk = _ISO.match(s), _UK.match(s)
    if iso and iso[2] is None:
        return dt.date(first.year, 12, 31)
    if (iso and iso[3] is not None) or (uk and uk[1] is not None):
        return first
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def as_of_date(text: str) -> dt.date:
    """The date given to ``--as-of`` (any form :func:`parse_date` reads), or UsageError."""
    d = parse_date(text)
    if d is None:
        raise UsageError(f"--as-of '{text}' is not a date. Give a year (2024), a month "
                         "(2024-03) or a day (2024-03-31).")
    return d


def route_dates(net: Network) -> list[tuple[Any, dt.date | None, dt.date | None]]:
    """Each route with its parsed ``since`` and ``ended`` (None when empty).

    Raises :class:`~musicnet.errors.DataError` naming every route whose non-empty ``since``
    or ``ended`` is not a readable date, since those routes cannot be placed in time.
    """
    out = []
    problems = []
    for r in net.routes:
        got = []
        for fld in ("since", "ended"):
            text = getattr(r, fld)
            d = parse_date(text)
            if text.strip() and d is None:
                problems.append(Problem(
                    net.source or "referrals", f"{fld} '{text}' of route {r.source} -> "
                    f"{r.target} is not a date.", r.line, None, fld,
                    "Give a year (2023), a month (2023-04) or a day (2023-04-01).",
                    "bad-date"))
            got.append(d)
        out.append((r, got[0], got[1]))
    if problems:
        raise DataError(problems)
    return out


def _state_on(r: Any, since: dt.date | None, ended: dt.date | None, day: dt.date
              ) -> str | None:
    """The route's status on ``day``: None if it had not started yet."""
    if since is not None and since > day:
        return None
    if ended is not None:
        return "lapsed" if ended < day else ("active" if r.status == "lapsed" else r.status)
    return r.status


def as_of(net: Network, day: dt.date | str) -> Network:
    """The network as it was on ``day``, from each route's ``since`` and ``ended`` dates.

    A route **counts** on ``day`` if its ``since`` is empty or not after ``day``; routes
    that started later are left out. A counted route is **active** on ``day`` unless its
    ``ended`` date is before ``day`` (it is then lapsed); a route marked ``lapsed`` whose
    ``ended`` date is on or after ``day`` was still running then, so it is active. A route
    with no ``ended`` date keeps its status (a lapsed route without a date stays lapsed:
    when it lapsed is unknown). Organisations have no dates of their own: one **joins** the
    network with its first route, so an organisation all of whose routes started after
    ``day`` is left out (counting it would make it look isolated, a gap, or a dead end in
    every earlier year); an organisation with no routes at all is always kept.

    >>> import musicnet
    >>> net = musicnet.load("data")
    >>> before = as_of(net, "2019-12-31")
    >>> before.graph.number_of_edges() < net.graph.number_of_edges()
    True
    """
    from .network import Network

    if isinstance(day, str):
        day = as_of_date(day)
    routes = []
    has_route: set[str] = set()
    for r, since, ended in route_dates(net):
        has_route.update((r.source, r.target))
        status = _state_on(r, since, ended, day)
        if status is not None:
            routes.append(r if status == r.status else replace(r, status=status))
    joined = {v for r in routes for v in (r.source, r.target)}
    orgs = [o for v, o in net.orgs.items() if v in joined or v not in has_route]
    return Network(orgs, routes, source=net.source, warnings=net.warnings)


#: The counts :func:`timeline` gives for each year.
TIMELINE_KEYS = ("organisations", "active_routes", "lapsed_routes", "dead_ends",
                 "progression_gaps", "bridges", "bridge_organisations", "isolated")


def timeline(net: Network) -> list[dict[str, Any]]:
    """Key counts at the end of each year (31 December), from the first year a route's
    ``since`` or ``ended`` names to the last; see :func:`as_of` for how dates count.

    Each row: ``year`` and the counts in :data:`TIMELINE_KEYS` (``active_routes`` and
    ``lapsed_routes`` count routes that had started by then). Empty when no route has a
    date.

    >>> import musicnet
    >>> rows = timeline(musicnet.load("data"))
    >>> rows[0]["year"], rows[-1]["year"], rows[0]["active_routes"] < rows[-1]["active_routes"]
    (2015, 2025, True)
    """
    from .analysis import bridge_organisations, bridges, dead_ends, isolated, progression_gaps

    if not any(r.since.strip() or r.ended.strip() for r in net.routes):
        return []
    dated = route_dates(net)
    years = sorted({d.year for _, since, ended in dated for d in (since, ended) if d})
    if not years:
        return []
    rows = []
    for year in range(years[0], years[-1] + 1):
        day = dt.date(year, 12, 31)
        then = as_of(net, day)
        statuses = [r.status for r in then.routes]
        rows.append({
            "year": year,
            "organisations": len(then),
            "active_routes": statuses.count("active"),
            "lapsed_routes": statuses.count("lapsed"),
            "dead_ends": len(dead_ends(then)),
            "progression_gaps": len(progression_gaps(then)),
            "bridges": len(bridges(then)),
            "bridge_organisations": len(bridge_organisations(then)),
            "isolated": len(isolated(then)),
        })
    return rows


_HEADINGS = {"year": "Year", "organisations": "Orgs", "active_routes": "Active",
             "lapsed_routes": "Lapsed", "dead_ends": "Dead ends",
             "progression_gaps": "Gaps", "bridges": "Fragile routes",
             "bridge_organisations": "Single points", "isolated": "Isolated"}


def timeline_text(rows: list[dict[str, Any]]) -> str:
    """The rows of :func:`timeline` as an aligned plain-text table.

    >>> print(timeline_text([{"year": 2024, **dict.fromkeys(TIMELINE_KEYS, 3)}]))
    Year  Orgs  Active  Lapsed  Dead ends  Gaps  Fragile routes  Single points  Isolated
    2024     3       3       3          3     3               3              3         3
    """
    if not rows:
        return ("No route has a since or ended date, so there is no timeline. Add dates "
                "(e.g. since 2023, ended 2025-03) to referrals.csv.")
    keys = ["year", *TIMELINE_KEYS]
    widths = {k: max(len(_HEADINGS[k]), *(len(str(r[k])) for r in rows)) for k in keys}
    lines = ["  ".join(_HEADINGS[k].ljust(widths[k]) if k == "year" else
                       _HEADINGS[k].rjust(widths[k]) for k in keys).rstrip()]
    for r in rows:
        lines.append("  ".join(str(r[k]).ljust(widths[k]) if k == "year" else
                               str(r[k]).rjust(widths[k]) for k in keys).rstrip())
    return "\n".join(lines)
