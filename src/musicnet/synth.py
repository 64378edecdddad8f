"""A seeded generator of valid, London-like networks of any size, and a CSV writer.

Used by the benchmarks and the tests; ``musicnet synth`` exposes it on the command line.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable
from pathlib import Path

from . import schema
from .model import Organisation, Route

__all__ = ["GENRES", "data_files", "generate", "write_data"]

GENRES: tuple[str, ...] = (
    "pop", "rock", "hip-hop", "grime", "r&b", "jazz", "classical", "choral", "steel pan",
    "world", "folk", "electronic", "music production", "songwriting", "samba",
    "adaptive music technology",
)

_GRASSROOTS_TYPES = ("grassroots", "youth_service", "pru", "school", "academy")
_STAGES_BY_TYPE: dict[str, tuple[tuple[str, ...], ...]] = {
    "music_education_hub": (("first_access", "participation", "developing", "advanced"),),
    "music_service": (("first_access", "participation", "developing"),
                      ("participation", "developing", "advanced")),
    "orchestral_outreach": (("first_access", "participation"),
                            ("participation", "developing")),
    "venue": (("participation", "developing"), ("developing", "advanced")),
    "youth_ensemble": (("developing",), ("developing", "advanced"), ("advanced",)),
    "conservatoire_junior": (("advanced",),),
    "further_education": (("developing", "advanced"),),
    "higher_education": (("professional",),),
    "industry": (("advanced", "professional"), ("professional",)),
}
_NEXT_STEP_TYPES = tuple(_STAGES_BY_TYPE)


def _pick_stages(rng: random.Random, role: str, otype: str) -> tuple[str, ...]:
    if role == "grassroots":
        return rng.choice((("first_access",), ("first_access", "participation"),
                           ("participation",)))
    if role == "intermediary":
        return rng.choice((("first_access", "participation"), ("participation", "developing"),
                           ("first_access", "participation", "developing")))
    return rng.choice(_STAGES_BY_TYPE[otype])


def generate(n_orgs: int, n_routes: int, *, seed: int = 0
             ) -> tuple[list[Organisation], list[Route]]:
    """A random London-like network: ``n_orgs`` organisations and up to ``n_routes`` routes.

    Roles are about 40% grassroots, 25% intermediary, 35% next step, with stages to match;
    most routes lead to the same hub area and to an equal or higher stage; about 90% are
    active, 6% lapsed and 4% planned. Same arguments give the same network.

    >>> orgs, routes = generate(50, 150, seed=1)
    >>> len(orgs), len(routes) <= 150
    (50, True)
    """
    rng = random.Random(seed)
    boroughs = [b for b in schema.BOROUGHS if schema.hub_area(b)]
    orgs: list[Organisation] = []
    width = max(4, len(str(n_orgs)))
    for i in range(n_orgs):
        r = rng.random()
        role = "grassroots" if r < 0.4 else "intermediary" if r < 0.65 else "next_step"
        if role == "grassroots":
            otype = rng.choice(_GRASSROOTS_TYPES)
            remit = rng.choices(tuple(schema.REMITS), (6, 3, 1))[0]
        elif role == "intermediary":
            otype = rng.choice(("other", "other", "grassroots"))
            remit = rng.choices(tuple(schema.REMITS), (3, 5, 2))[0]
        else:
            otype = rng.choice(_NEXT_STEP_TYPES)
            remit = rng.choices(tuple(schema.REMITS), (1, 4, 5))[0]
        borough = rng.choice(boroughs) if rng.random() > 0.02 else "London-wide"
        lat, lon = schema.BOROUGH_CENTROIDS.get(borough, (51.507, -0.128))
        targets = tuple(sorted(rng.sample(tuple(schema.TARGET_GROUPS), rng.randint(1, 3)))
                        ) if remit != "general" else ()
        age_min = rng.choice((5, 8, 11, 14, 16))
        orgs.append(Organisation(
            id=f"org-{i:0{width}d}",
            name=f"Synthetic {otype.replace('_', ' ')} {i}",
            type=otype, remit=remit, stages=_pick_stages(rng, role, otype), borough=borough,
            role=role, role_derived=schema.ROLE_BY_TYPE[otype] == role,
            target_groups=targets, genres=tuple(rng.sample(GENRES, rng.randint(1, 4))),
            age_min=age_min, age_max=rng.choice((18, 19, 21, 25)),
            lat=round(lat + rng.uniform(-0.02, 0.02), 5),
            lon=round(lon + rng.uniform(-0.03, 0.03), 5),
            imd_decile=rng.randint(1, 10),
        ))
    # buckets by (hub area, highest level) for stage-structured targets
    by_level: dict[int, list[int]] = {}
    by_area_level: dict[tuple[str | None, int], list[int]] = {}
    for i, o in enumerate(orgs):
        by_level.setdefault(o.highest_level, []).append(i)
        by_area_level.setdefault((schema.hub_area(o.borough), o.highest_level), []).append(i)
    routes: list[Route] = []
    seen: set[tuple[int, int]] = set()
    attempts = 0
    while len(routes) < n_routes and attempts < n_routes * 5 and n_orgs > 1:
        attempts += 1
        s = rng.randrange(n_orgs)
        src = orgs[s]
        if rng.random() < 0.8:
            level = rng.randint(src.highest_level, 4)
            pool = (by_area_level.get((schema.hub_area(src.borough), level))
                    if rng.random() < 0.7 else None) or by_level.get(level)
            if not pool:
                continue
            t = rng.choice(pool)
        else:
            t = rng.randrange(n_orgs)
        if t == s or (s, t) in seen:
            continue
        seen.add((s, t))
        status = rng.choices(schema.STATUSES, (90, 6, 4))[0]
        kind = rng.choices(schema.KINDS, (6, 3, 1))[0]
        people = rng.randint(1, 40) if rng.random() < 0.5 else None
        routes.append(Route(src.id, orgs[t].id, kind, status, people))
    return orgs, routes


def _cell(value: object) -> str:
    """A value as a data-file cell, guarded against running as a formula in Excel
    (:func:`musicnet.export.csv_cell`; the loader reads it back without the guard)."""
    from .export import csv_cell

    if isinstance(value, bool):
        return "yes" if value else "no"
    return csv_cell(value)


def data_files(folder: str | Path, organisations: Iterable[Organisation],
               routes: Iterable[Route]) -> dict[Path, str]:
    """``organisations.csv`` and ``referrals.csv`` (UTF-8, the loader's format, text that
    Excel would run as a formula guarded) as ``{path: text}``, for
    :func:`musicnet._files.write_outputs`."""
    folder = Path(folder)
    org_cols = [c.name for c in schema.ORGANISATION_COLUMNS]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # CRLF: a bare \r in a cell gets quoted
    w.writerow(org_cols)
    for o in organisations:
        role = "" if o.role_derived else o.role
        w.writerow([role if c == "role" else _cell(getattr(o, c)) for c in org_cols])
    files = {folder / "organisations.csv": buf.getvalue()}
    ref_cols = [c.name for c in schema.REFERRAL_COLUMNS]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # CRLF: a bare \r in a cell gets quoted
    w.writerow(ref_cols)
    for r in routes:
        w.writerow([_cell(getattr(r, c)) for c in ref_cols])
    files[folder / "referrals.csv"] = buf.getvalue()
    return files


def write_data(folder: str | Path, organisations: Iterable[Organisation],
               routes: Iterable[Route]) -> None:
    """Write ``organisations.csv`` and ``referrals.csv`` into ``folder``, both or neither,
    replacing any there (the ``synth`` command refuses that unless ``--force``)."""
    from ._files import write_outputs

    write_outputs(data_files(folder, organisations, routes), force=True)
