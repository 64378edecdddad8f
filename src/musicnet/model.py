"""Validated records: one :class:`Organisation` per node and one :class:`Route` per edge."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property

from .schema import KINDS, STATUSES, stage_level

__all__ = ["LIST_FIELDS", "PRIVATE_FIELDS", "Organisation", "Route"]

#: Fields left out of shared outputs (maps, reports, exports) unless asked for.
PRIVATE_FIELDS: frozenset[str] = frozenset({"contact_email", "notes"})
#: Organisation fields holding several values (';'-separated in the files).
LIST_FIELDS: tuple[str, ...] = ("stages", "target_groups", "genres", "aliases")


@dataclass(frozen=True)
class Organisation:
    """One row of ``organisations.csv`` after validation.

    ``stages`` are in ladder order without repeats; ``role`` is filled from the type when the
    file left it empty (``role_derived`` is then true); ``line`` is where the row starts.
    """

    id: str
    name: str
    type: str
    remit: str
    stages: tuple[str, ...]
    borough: str
    role: str
    role_derived: bool = False
    target_groups: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    postcode: str = ""
    lat: float | None = None
    lon: float | None = None
    website: str = ""
    imd_decile: int | None = None
    contact_email: str = ""
    notes: str = ""
    line: int | None = None
    #: other names people use for the organisation (for matching survey answers)
    aliases: tuple[str, ...] = ()

    @classmethod
    def _checked(cls, **values: object) -> Organisation:
        """An organisation from values the loader has already validated (every field
        given): the same object as ``Organisation(...)`` without the dataclass's
        field-by-field set-up."""
        org = object.__new__(cls)
        vars(org).update(values)
        return org

    @cached_property
    def highest_level(self) -> int:
        """Ladder position of the highest stage offered (0 = first_access ... 4 = professional)."""
        return max(stage_level(s) for s in self.stages)

    def to_dict(self, *, private: bool = False) -> dict[str, object]:
        """Plain-data view (lists for the ``;`` fields); ``private=False`` leaves out
        contact_email and notes."""
        d = {f: getattr(self, f) for f in _ORG_FIELDS if private or f not in PRIVATE_FIELDS}
        for key in LIST_FIELDS:
            d[key] = list(d[key])
        return d


@dataclass(frozen=True)
class Route:
    """One row of ``referrals.csv`` after validation (ids resolved to the organisations' ids)."""

    source: str
    target: str
    kind: str = "referral"
    status: str = "active"
    young_people_per_year: int | None = None
    since: str = ""
    notes: str = ""
    line: int | None = None
    #: who says the route exists: ``both``, ``source``, ``target``, or empty (not surveyed)
    evidence: str = ""
    #: the day the route lapsed (a date as in ``since``); empty while it runs
    ended: str = ""

    def __post_init__(self) -> None:
        # the same validators as the loader: 'Signposting' is read as signposting,
        # 'phone' is refused (never silently turned into a referral)
        if self.kind not in KINDS:
            from . import values

            object.__setattr__(self, "kind", values.kind(str(self.kind)))
        if self.status not in STATUSES:
            from . import values

            object.__setattr__(self, "status", values.status(str(self.status)))

    def to_dict(self, *, private: bool = False) -> dict[str, object]:
        return {f: getattr(self, f) for f in _ROUTE_FIELDS if private or f != "notes"}

    @classmethod
    def _checked(cls, source: str, target: str, kind: str, status: str,
                 young_people_per_year: int | None, since: str, notes: str, line: int | None,
                 evidence: str, ended: str) -> Route:
        """A route from values the loader has already validated (every field given):
        the same object as ``Route(...)`` without its per-field checks, which cost more
        than the rest of reading a national file's 150,000 routes."""
        route = object.__new__(cls)
        vars(route).update(source=source, target=target, kind=kind, status=status,
                           young_people_per_year=young_people_per_year, since=since,
                           notes=notes, line=line, evidence=evidence, ended=ended)
        return route


_ORG_FIELDS = tuple(f.name for f in fields(Organisation) if f.name != "line")
_ROUTE_FIELDS = ("source", "target", "kind", "status", "young_people_per_year", "since",
                 "ended", "notes", "evidence")
