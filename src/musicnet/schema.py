"""The data model: columns, allowed values, the stage ladder, boroughs and hub areas.

This module is plain data, read by the loader, the validator, the analyses and the docs.
It imports nothing heavy so that ``musicnet --help`` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BOROUGHS",
    "BOROUGH_ALIASES",
    "BOROUGH_CENTROIDS",
    "EVIDENCE",
    "HUB_AREAS",
    "KINDS",
    "ORGANISATION_COLUMNS",
    "REFERRAL_COLUMNS",
    "REMITS",
    "ROLES",
    "ROLE_BY_TYPE",
    "STAGES",
    "STATUSES",
    "TARGET_GROUPS",
    "TYPES",
    "TYPE_NAMES",
    "Column",
    "hub_area",
    "stage_level",
]

#: Organisation types (column ``type``).
TYPES: tuple[str, ...] = (
    "music_education_hub",
    "music_service",
    "grassroots",
    "youth_service",
    "orchestral_outreach",
    "venue",
    "pru",
    "school",
    "academy",
    "youth_justice",
    "health",
    "further_education",
    "higher_education",
    "conservatoire_junior",
    "youth_ensemble",
    "industry",
    "other",
)

#: Types as people read them: on the map, the pictures and the report (the data keeps
#: the codes above).
TYPE_NAMES: dict[str, str] = {
    "music_education_hub": "Music Education Hub",
    "music_service": "Music service",
    "grassroots": "Grassroots setting",
    "youth_service": "Youth service",
    "orchestral_outreach": "Orchestral outreach",
    "venue": "Venue",
    "pru": "Pupil Referral Unit or alternative provision",
    "school": "School",
    "academy": "Academy",
    "youth_justice": "Youth justice setting",
    "health": "Health setting",
    "further_education": "Further education college",
    "higher_education": "Higher education",
    "conservatoire_junior": "Junior conservatoire",
    "youth_ensemble": "Youth ensemble",
    "industry": "Music industry",
    "other": "Other",
}

#: Remits (column ``remit``), after Sound Connections' *Taking Off* research.
REMITS: dict[str, str] = {
    "majority_cc": "targeted work with young people in challenging circumstances",
    "minority_cc": "open access, with targeted projects or inclusion aims",
    "general": "open access with no particular focus on challenging circumstances",
}

#: Remits as the terminal and the pictures name them.
REMIT_NAMES: dict[str, str] = {
    "majority_cc": "majority challenging circumstances",
    "minority_cc": "minority challenging circumstances",
    "general": "general",
}

#: Challenging circumstances an organisation targets (column ``target_groups``).
TARGET_GROUPS: dict[str, str] = {
    "looked_after": "Looked After children and care leavers",
    "refugee_asylum": "young refugees, asylum seekers and vulnerable migrants",
    "homelessness": "homeless or at risk of homelessness",
    "mental_health": "mental health needs",
    "send": "special educational needs and/or disabilities",
    "pru": "Pupil Referral Units and alternative provision",
    "youth_justice": "in or at risk of the youth justice system",
    "neet": "not in education, employment or training",
    "deprivation": "socioeconomic deprivation",
    "other": "other barriers to music-making",
}

#: The progression ladder, lowest first (column ``stages``).
STAGES: tuple[str, ...] = (
    "first_access",
    "participation",
    "developing",
    "advanced",
    "professional",
)

STAGE_DESCRIPTIONS: dict[str, str] = {
    "first_access": "tasters and first experiences",
    "participation": "regular group music-making",
    "developing": "tuition, bands, ensembles, courses",
    "advanced": "auditioned or excellence ensembles, artist development, junior conservatoire",
    "professional": "higher education, apprenticeships, paid and industry work",
}

_STAGE_LEVEL = {s: i for i, s in enumerate(STAGES)}


def stage_level(stage: str) -> int:
    """Position of ``stage`` on the ladder: ``first_access`` is 0, ``professional`` is 4.

    >>> stage_level("developing")
    2
    """
    return _STAGE_LEVEL[stage]


#: Pathfinders roles (column ``role``).
ROLES: dict[str, str] = {
    "grassroots": "a setting, often not music-specialist, giving targeted support",
    "intermediary": "a community music organisation that brings music into grassroots settings "
    "and helps young people move on",
    "next_step": "open-access or selective provision young people move on to",
}

#: The role an organisation gets when its ``role`` cell is empty.
#: Community music organisations (the usual intermediaries) have no type of their own in
#: the fixed list, so ``other`` maps to ``intermediary``; set ``role`` to override.
ROLE_BY_TYPE: dict[str, str] = {
    "grassroots": "grassroots",
    "youth_service": "grassroots",
    "pru": "grassroots",
    "school": "grassroots",
    "academy": "grassroots",
    "youth_justice": "grassroots",
    "health": "grassroots",
    "other": "intermediary",
    "music_education_hub": "next_step",
    "music_service": "next_step",
    "orchestral_outreach": "next_step",
    "venue": "next_step",
    "further_education": "next_step",
    "higher_education": "next_step",
    "conservatoire_junior": "next_step",
    "youth_ensemble": "next_step",
    "industry": "next_step",
}

#: Route kinds and statuses (``referrals.csv``).
KINDS: tuple[str, ...] = ("referral", "signposting", "partnership")
STATUSES: tuple[str, ...] = ("active", "lapsed", "planned")

#: Who says a route exists (column ``evidence``, filled by ``musicnet responses``):
#: ``both`` sides, only the ``source`` (it says it refers there) or only the ``target``
#: (it says young people come from there). Empty: recorded directly, not from a survey.
EVIDENCE: dict[str, str] = {
    "both": "both organisations say the route exists (confirmed)",
    "source": "only the organisation young people come from says so",
    "target": "only the organisation young people go to says so",
}

#: London's five Music Hub areas (since September 2024) and their local authorities.
HUB_AREAS: dict[str, tuple[str, ...]] = {
    "North": ("Barnet", "Camden", "Enfield", "Haringey", "Islington"),
    "East": (
        "Barking and Dagenham",
        "City of London",
        "Hackney",
        "Havering",
        "Newham",
        "Redbridge",
        "Tower Hamlets",
        "Waltham Forest",
    ),
    "West": (
        "Brent",
        "Ealing",
        "Hammersmith and Fulham",
        "Harrow",
        "Hillingdon",
        "Kensington and Chelsea",
        "Westminster",
    ),
    "South East": ("Bexley", "Bromley", "Greenwich", "Lambeth", "Lewisham", "Southwark"),
    "South West": (
        "Croydon",
        "Hounslow",
        "Kingston upon Thames",
        "Merton",
        "Richmond upon Thames",
        "Sutton",
        "Wandsworth",
    ),
}

_HUB_BY_BOROUGH = {b: area for area, bs in HUB_AREAS.items() for b in bs}

#: The 33 London local authorities as the ONS spells them, then two catch-alls.
BOROUGHS: tuple[str, ...] = (*sorted(_HUB_BY_BOROUGH), "London-wide", "Outside London")

#: Common spellings accepted with a warning, mapped to the ONS name (keys are lower case).
BOROUGH_ALIASES: dict[str, str] = {
    "barking": "Barking and Dagenham",
    "barking & dagenham": "Barking and Dagenham",
    "city": "City of London",
    "the city": "City of London",
    "hammersmith": "Hammersmith and Fulham",
    "hammersmith & fulham": "Hammersmith and Fulham",
    "kensington": "Kensington and Chelsea",
    "kensington & chelsea": "Kensington and Chelsea",
    "royal borough of kensington and chelsea": "Kensington and Chelsea",
    "kingston": "Kingston upon Thames",
    "kingston-upon-thames": "Kingston upon Thames",
    "richmond": "Richmond upon Thames",
    "richmond-upon-thames": "Richmond upon Thames",
    "royal borough of greenwich": "Greenwich",
    "city of westminster": "Westminster",
    "london wide": "London-wide",
    "londonwide": "London-wide",
    "pan-london": "London-wide",
    "outside": "Outside London",
}


def hub_area(borough: str) -> str | None:
    """The Music Hub area of a London borough, or ``None`` for London-wide/Outside London.

    >>> hub_area("Lewisham")
    'South East'
    """
    return _HUB_BY_BOROUGH.get(borough)


@dataclass(frozen=True)
class Column:
    """One column of an input table."""

    name: str
    required: bool
    description: str
    aliases: tuple[str, ...] = ()


ORGANISATION_COLUMNS: tuple[Column, ...] = (
    Column("id", True, "unique short id (letters, digits, '-', '_', '.'), used in referrals.csv"),
    Column("name", True, "the organisation's name"),
    Column("type", True, "one of: " + ", ".join(TYPES)),
    Column("remit", True, "one of: " + ", ".join(REMITS)),
    Column("target_groups", False, "';'-separated, from: " + ", ".join(TARGET_GROUPS)),
    Column("stages", True, "';'-separated, at least one of: " + ", ".join(STAGES)),
    Column("role", False, "Pathfinders role: " + ", ".join(ROLES) + "; derived from type if empty"),
    Column("genres", False, "';'-separated free text, stored in lower case"),
    Column("borough", True, "a London borough as the ONS spells it, London-wide or Outside London"),
    Column("age_min", False, "youngest age served (whole number)", ("minimum_age",)),
    Column("age_max", False, "oldest age served (whole number)", ("maximum_age",)),
    Column("postcode", False, "postcode"),
    Column("lat", False, "latitude in degrees", ("latitude",)),
    Column("lon", False, "longitude in degrees", ("longitude", "lng")),
    Column("website", False, "http:// or https:// address", ("url",)),
    Column("imd_decile", False, "Index of Multiple Deprivation decile of the area, 1-10"),
    Column("contact_email", False, "private: left out of shared outputs", ("email",)),
    Column("notes", False, "private: left out of shared outputs"),
    Column("aliases", False, "';'-separated other names people use (e.g. LMH; Lewisham Music),"
           " for matching survey answers", ("alias", "other_names", "also_known_as")),
)

REFERRAL_COLUMNS: tuple[Column, ...] = (
    Column("source", True, "id of the organisation the young person comes from", ("from",)),
    Column("target", True, "id of the organisation they are referred to", ("to",)),
    Column("kind", False, "one of: " + ", ".join(KINDS) + " (default referral)"),
    Column("status", False, "one of: " + ", ".join(STATUSES) + " (default active)"),
    Column("young_people_per_year", False, "whole number of young people a year"),
    Column("since", False, "when the route started: a year (2023), month (2023-04) or date "
           "(2023-04-01); other text is kept but cannot be used with --as-of"),
    Column("ended", False, "the day the route lapsed (a date as in since); empty while it runs",
           ("end", "end_date", "ended_on")),
    Column("notes", False, "private: left out of shared outputs"),
    Column("evidence", False, "who says the route exists: " + ", ".join(EVIDENCE)
           + " (empty: recorded directly, not from a survey)"),
)

#: Approximate centroids (latitude, longitude) of the London boroughs, for maps and for
#: "nearby" when an organisation has no lat/lon of its own.
BOROUGH_CENTROIDS: dict[str, tuple[float, float]] = {
    "Barking and Dagenham": (51.554, 0.134),
    "Barnet": (51.625, -0.152),
    "Bexley": (51.455, 0.150),
    "Brent": (51.564, -0.276),
    "Bromley": (51.372, 0.051),
    "Camden": (51.529, -0.142),
    "City of London": (51.515, -0.092),
    "Croydon": (51.372, -0.099),
    "Ealing": (51.513, -0.308),
    "Enfield": (51.652, -0.081),
    "Greenwich": (51.472, 0.060),
    "Hackney": (51.545, -0.055),
    "Hammersmith and Fulham": (51.492, -0.223),
    "Haringey": (51.588, -0.111),
    "Harrow": (51.580, -0.334),
    "Havering": (51.577, 0.212),
    "Hillingdon": (51.533, -0.452),
    "Hounslow": (51.468, -0.361),
    "Islington": (51.546, -0.105),
    "Kensington and Chelsea": (51.502, -0.194),
    "Kingston upon Thames": (51.398, -0.300),
    "Lambeth": (51.457, -0.123),
    "Lewisham": (51.445, -0.021),
    "Merton": (51.410, -0.188),
    "Newham": (51.525, 0.035),
    "Redbridge": (51.576, 0.045),
    "Richmond upon Thames": (51.446, -0.326),
    "Southwark": (51.474, -0.081),
    "Sutton": (51.361, -0.194),
    "Tower Hamlets": (51.515, -0.037),
    "Waltham Forest": (51.590, -0.012),
    "Wandsworth": (51.456, -0.192),
    "Westminster": (51.497, -0.137),
}
