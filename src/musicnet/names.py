"""Text helpers: names as people type them, slugs, did-you-mean, vocabulary tokens.

Plain text functions with no heavy imports, shared by the loader, the validators
(:mod:`musicnet.values`), the analyses, the CLI and the survey matcher
(:mod:`musicnet.responses`), so none of them needs to import the file reader.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["ABBREVIATIONS", "IGNORED_WORDS", "did_you_mean", "normalise_name", "slugify",
           "strip_brackets", "token"]

#: Words left out when names are compared: articles, "and" (so "&" and "and" are the
#: same) and legal forms (Ltd, Co., CIC ...), which people add or drop at will.
IGNORED_WORDS: frozenset[str] = frozenset({
    "the", "and", "of", "ltd", "limited", "co", "company", "cic", "cio", "plc", "llp",
    "inc", "trust",
})

#: Common abbreviations, expanded before comparing (keys and values are normalised words).
#: "St" may be Saint or Street, so both become "st".
ABBREVIATIONS: dict[str, str] = {
    "saint": "st",
    "street": "st",
    "road": "rd",
    "avenue": "ave",
    "se": "south east",
    "sw": "south west",
    "ne": "north east",
    "nw": "north west",
    "ctr": "centre",
    "cntr": "centre",
    "center": "centre",
    "sch": "school",
    "schl": "school",
    "prim": "primary",
    "sec": "secondary",
    "acad": "academy",
    "coll": "college",
    "dept": "department",
    "orch": "orchestra",
    "assoc": "association",
    "yc": "youth club",
    "ypc": "young peoples centre",
    "yp": "young peoples",
    "comm": "community",
    "cmty": "community",
    "mus": "music",
    "svc": "service",
    "serv": "service",
    "intl": "international",
    "uni": "university",
    "jnr": "junior",
    "jr": "junior",
    "ap": "alternative provision",
    "apprenticeship": "apprenticeships",
}

_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_APOSTROPHES = re.compile(r"['’‘`´]")
_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")


def strip_brackets(text: str) -> str:
    """``text`` without bracketed parts, e.g. extra words such as "(via school)".

    >>> strip_brackets("Hawthorn Community Music (via school)")
    'Hawthorn Community Music'
    """
    return " ".join(_BRACKETS.sub(" ", text).split())


def normalise_name(text: str) -> str:
    """The form in which two names are compared: accents and case dropped, "&" read as
    "and", apostrophes removed, other punctuation read as a space, abbreviations expanded
    (:data:`ABBREVIATIONS`) and the words in :data:`IGNORED_WORDS` left out.

    >>> normalise_name("The Young People's Centre & Co. Ltd")
    'young peoples centre'
    >>> normalise_name("Café-Music St. Mary's CIC")
    'cafe music st marys'
    >>> normalise_name("Drum & Bass Collective C.I.C.")
    'drum bass collective'
    >>> normalise_name("Elmstead Learning Ctr (PRU)")
    'elmstead learning centre pru'
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    text = _APOSTROPHES.sub("", text.replace("&", " and ").replace("+", " and "))
    text = _INITIALS.sub(lambda m: m.group(0).replace(".", ""), text)  # C.I.C. -> cic
    words: list[str] = []
    for word in re.sub(r"[\W_]+", " ", text).split():
        words.extend(ABBREVIATIONS.get(word, word).split())
    kept = [w for w in words if w not in IGNORED_WORDS]
    return " ".join(kept or words)


def slugify(text: str) -> str:
    """A valid id made from any text: 'Café Music!' -> 'cafe-music'.

    >>> slugify("St Mary's Youth Café")
    'st-mary-s-youth-cafe'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64] or "org-1"


def token(value: str) -> str:
    """A vocabulary value as written in the schema: 'First access' -> 'first_access'.

    >>> token(" First-access ")
    'first_access'
    """
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def did_you_mean(value: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The closest of ``choices`` to ``value`` (case-insensitive), or ``None``.

    >>> did_you_mean("advnced", ["developing", "advanced"])
    'advanced'
    >>> did_you_mean("ashdown", ["ashdown-primary-school", "zephyr"])
    'ashdown-primary-school'
    >>> did_you_mean("Kingstn", ["Islington", "Kingston upon Thames"])
    'Kingston upon Thames'
    """
    if len(value) > 200:  # nobody mistypes a word that long (and comparing costs its square)
        return None
    lowered: dict[str, str] = {}
    for c in choices:
        lowered.setdefault(c.lower(), c)
    # each choice and its leading words ('kingston', 'kingston upon'), so that a mistyped
    # short form ('Kingstn') finds the long name rather than whatever is closest in full
    forms: dict[str, str] = {}
    for low in lowered:
        forms.setdefault(low, low)
        for m in re.finditer(r"[\s\-_]+", low):
            forms.setdefault(low[:m.start()], low)
    match = difflib.get_close_matches(value.lower(), list(forms), n=1, cutoff=cutoff)
    if match:
        return lowered[forms[match[0]]]
    if len(value) >= 3:  # a short form of a long id: 'ashdown' for 'ashdown-primary-school'
        starts = sorted(c for c in lowered if c.startswith(value.lower()))
        if starts:
            return lowered[starts[0]]
    return None
