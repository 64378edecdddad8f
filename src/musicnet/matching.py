"""Match organisation names as people type them to the organisations of a network.

Survey answers name organisations in free text: "Lewisham Music", "LMH", "the Horniman",
"Fairbeats!", "Midi Music Co.", several to a cell. :func:`split_answer` cuts a cell into
mentions; a :class:`NameMatcher` matches each mention against every organisation's
name, id and ``aliases``, in :func:`~musicnet.names.normalise_name` form (case,
punctuation, "the", "&"/"and" and "Ltd/Co./CIC" ignored).

Each mention is matched in one of these ways (``Match.how``):

``exact``
    the mention is an organisation's name or id (also with a bracketed part of the
    name left out: "Elmstead Learning Centre" for "Elmstead Learning Centre (PRU)").
``alias``
    the mention is one of an organisation's aliases.
``fuzzy``
    the best fuzzy score is at least ``sure`` (default :data:`SURE`), every word of the
    mention is a word of the name give or take a typo (and the other way round), and no
    other organisation scores within ``margin`` points.

Anything else goes to review, never in silently: ``uncertain`` (a best score below
``sure`` but at least ``review`` (default :data:`REVIEW`), or above ``sure`` with words
that do not line up), ``ambiguous`` (two organisations share the name or alias, or score
within ``margin`` of each other) and ``unmatched`` (nothing scores ``review`` or more).
Scores are 0-100: the best of rapidfuzz's ``ratio`` and ``token_sort_ratio`` (word order
ignored) and ``ratio`` with spaces removed ("Clock Tower" for "Clocktower").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .names import normalise_name, strip_brackets

if TYPE_CHECKING:  # pragma: no cover
    from .model import Organisation

__all__ = [
    "MARGIN",
    "REVIEW",
    "SURE",
    "Candidate",
    "Match",
    "Mention",
    "NameMatcher",
    "choice_names",
    "split_answer",
]

#: Fuzzy scores at or above this match automatically (if the words line up).
SURE = 90.0
#: Fuzzy scores below this count as no match at all.
REVIEW = 60.0
#: A runner-up within this many points makes the match ambiguous.
MARGIN = 6.0
#: Two words count as the same word, give or take a typo, at this rapidfuzz ratio.
_WORD_SAME = 75.0

AUTOMATIC = ("exact", "alias", "fuzzy")


@dataclass(frozen=True)
class Candidate:
    """An organisation a mention may mean, with its score (0-100)."""

    id: str
    name: str
    score: float


@dataclass(frozen=True)
class Match:
    """How one mention was matched. ``id`` is set only for automatic matches
    (``how`` in exact, alias, fuzzy); ``candidates`` are the best three, best first."""

    mention: str
    how: str
    id: str | None
    score: float
    candidates: tuple[Candidate, ...] = ()

    @property
    def automatic(self) -> bool:
        return self.how in AUTOMATIC


@dataclass(frozen=True)
class Mention:
    """One organisation named in an answer: the text as written (noise removed) and a
    count of young people if one was given beside it ("Fairbeats (about 12)")."""

    text: str
    count: int | None = None


@dataclass
class _Key:
    text: str
    org: str
    kind: str  # exact, alias, acronym
    words: tuple[str, ...] = field(default=())


def choice_names(organisations: Iterable[Organisation]) -> dict[str, str]:
    """Each organisation's name as a survey's drop-down list shows it (id -> text): its
    name, or, where two or more organisations share a name, the name and borough
    ("Foxglove Secondary School (Camden)"), or the name and id if they share the borough
    too. :class:`NameMatcher` reads these back as exact names.

    >>> from musicnet import Organisation
    >>> def org(i, name, borough):
    ...     return Organisation(i, name, "school", "general", ("participation",), borough,
    ...                         "grassroots")
    >>> choice_names([org("a", "Oak School", "Camden"), org("b", "Oak School", "Brent"),
    ...               org("c", "Elm School", "Brent")])
    {'a': 'Oak School (Camden)', 'b': 'Oak School (Brent)', 'c': 'Elm School'}
    """
    keyed = [(normalise_name(o.name), o) for o in organisations]
    by_name: dict[str, list[Organisation]] = {}
    for key, o in keyed:
        by_name.setdefault(key, []).append(o)
    out: dict[str, str] = {}
    for key, o in keyed:
        same = by_name[key]
        if len(same) == 1:
            out[o.id] = o.name
        elif sum(x.borough == o.borough for x in same) == 1:
            out[o.id] = f"{o.name} ({o.borough})"
        else:
            out[o.id] = f"{o.name} ({o.id})"
    return out


def _acronym(name: str) -> str:
    words = normalise_name(strip_brackets(name)).split()
    return "".join(w[0] for w in words) if len(words) >= 3 else ""


class NameMatcher:
    """Matches mentions to organisations (see the module docstring for the rules).

    >>> from musicnet import Organisation
    >>> def org(i, name, aliases=()):
    ...     return Organisation(i, name, "other", "general", ("participation",),
    ...                         "Lewisham", "intermediary", aliases=aliases)
    >>> m = NameMatcher([org("lewisham-hub", "Lewisham Music Hub", ("LMH",)),
    ...                  org("fb", "Fairbeats! Ltd"), org("hm", "Horniman Museum")])
    >>> [(x.how, x.id) for x in map(m.match, ["the Fairbeats", "LMH", "Horniman Musuem",
    ...                                      "Lewisham Youth Theatre"])]
    [('exact', 'fb'), ('alias', 'lewisham-hub'), ('fuzzy', 'hm'), ('uncertain', None)]
    """

    def __init__(self, organisations: Iterable[Organisation], *, sure: float = SURE,
                 review: float = REVIEW, margin: float = MARGIN):
        self.sure, self.review, self.margin = sure, review, margin
        self.names: dict[str, str] = {}
        self._exact: dict[str, set[str]] = {}
        self._alias: dict[str, set[str]] = {}
        self._acronyms: dict[str, set[str]] = {}
        self._ids: dict[str, str] = {}
        keys: dict[tuple[str, str], _Key] = {}
        organisations = list(organisations)
        shown = choice_names(organisations)  # a shared name comes with its borough
        for o in organisations:
            self.names[o.id] = shown[o.id]  # candidates for review name the borough too
            texts = [(o.name, "exact"), (strip_brackets(o.name), "exact"),
                     (o.id.replace("-", " ").replace("_", " ").replace(".", " "), "exact"),
                     *((a, "alias") for a in o.aliases)]
            if shown[o.id] != o.name:
                texts.append((shown[o.id], "exact"))
            for text, kind in texts:
                norm = normalise_name(text)
                if not norm:
                    continue
                (self._exact if kind == "exact" else self._alias).setdefault(
                    norm, set()).add(o.id)
                keys.setdefault((norm, o.id), _Key(norm, o.id, kind, tuple(norm.split())))
            self._ids[o.id.casefold()] = o.id
            acronym = _acronym(o.name)
            if acronym:
                self._acronyms.setdefault(acronym, set()).add(o.id)
        self._keys = list(keys.values())
        self._texts = [k.text for k in self._keys]
        self._spaceless = [k.text.replace(" ", "") for k in self._keys]

    def __len__(self) -> int:
        return len(self.names)

    # -- matching ------------------------------------------------------------------------
    def match(self, mention: str) -> Match:
        """Match one mention (already cut out of its answer by :func:`split_answer`)."""
        variants = _variants(mention)
        if not variants:
            return Match(mention, "unmatched", None, 0.0)
        # 1. ids as written, exact names (and ids), then aliases
        oid = self._ids.get(mention.strip().casefold())
        if oid is not None:
            return Match(mention, "exact", oid, 100.0, self._candidates(variants, prefer=oid))
        for table, how in ((self._exact, "exact"), (self._alias, "alias")):
            for v in variants:
                ids = table.get(v)
                if not ids:
                    continue
                if len(ids) == 1:
                    (oid,) = ids
                    cands = self._candidates(variants, prefer=oid)
                    return Match(mention, how, oid, 100.0, cands)
                cands = tuple(Candidate(i, self.names[i], 100.0) for i in sorted(ids))[:3]
                return Match(mention, "ambiguous", None, 100.0, cands)
        # 2. fuzzy scores
        scored = self._scores(variants)
        cands = tuple(Candidate(oid, self.names[oid], round(s, 1))
                      for oid, (s, _) in scored[:3])
        # an acronym typed in capitals ("KSAP") is a candidate, for review only
        acronym_ids = self._acronym_ids(mention)
        if acronym_ids:
            extra = [Candidate(i, self.names[i], 85.0) for i in sorted(acronym_ids)]
            rest = [c for c in cands if c.id not in acronym_ids]
            cands = tuple([*extra, *rest][:3])
            return Match(mention, "ambiguous" if len(acronym_ids) > 1 else "uncertain",
                         None, 85.0, cands)
        if not scored or scored[0][1][0] < self.review:
            return Match(mention, "unmatched", None, cands[0].score if cands else 0.0, cands)
        best_id, (best, aligned) = scored[0]
        runner_up = scored[1][1][0] if len(scored) > 1 else 0.0
        if best - runner_up < self.margin and runner_up >= self.review:
            return Match(mention, "ambiguous", None, round(best, 1), cands)
        if best >= self.sure and aligned:
            return Match(mention, "fuzzy", best_id, round(best, 1), cands)
        return Match(mention, "uncertain", None, round(best, 1), cands)

    def _acronym_ids(self, mention: str) -> set[str]:
        text = mention.strip().strip(".")
        if not (3 <= len(text) <= 8 and text.isalpha() and text.isupper()):
            return set()
        return self._acronyms.get(text.lower(), set())

    def _scores(self, variants: list[str]) -> list[tuple[str, tuple[float, bool]]]:
        """Organisations by their best (score, words line up), best first."""
        from rapidfuzz import fuzz, process

        best: dict[str, tuple[float, bool]] = {}
        for v in variants:
            found: set[int] = set()
            for texts, query, scorer in ((self._texts, v, fuzz.ratio),
                                         (self._texts, v, fuzz.token_sort_ratio),
                                         (self._spaceless, v.replace(" ", ""), fuzz.ratio)):
                for _, _, i in process.extract(query, texts, scorer=scorer, limit=12,
                                               score_cutoff=self.review / 2):
                    found.add(i)
            words = v.split()
            for i in found:
                key = self._keys[i]
                spaceless = fuzz.ratio(v.replace(" ", ""), self._spaceless[i])
                score = max(fuzz.ratio(v, key.text), fuzz.token_sort_ratio(v, key.text),
                            spaceless)
                aligned = spaceless >= 95 or _aligned(words, key.words)
                if not aligned and _part_of(words, key.words):
                    # a short form, "Riverside Sinfonia" for "Riverside Sinfonia Learning",
                    # scores high; it can match automatically only if it is the first words
                    # and no other organisation's name holds the same words
                    score = max(score, 80 + 20 * len(words) / len(key.words))
                    aligned = _short_form(words, key.words)
                # per organisation: the best score, and whether a score of at least
                # ``sure`` came with words that line up
                old_score, old_aligned = best.get(key.org, (0.0, False))
                best[key.org] = (max(old_score, score),
                                 old_aligned or (aligned and score >= self.sure))
        return sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))

    def _candidates(self, variants: list[str], prefer: str) -> tuple[Candidate, ...]:
        others = [Candidate(oid, self.names[oid], round(s, 1))
                  for oid, (s, _) in self._scores(variants) if oid != prefer]
        return (Candidate(prefer, self.names[prefer], 100.0), *others[:2])


def _same_word(x: str, y: str) -> bool:
    from rapidfuzz import fuzz

    return x == y or (min(len(x), len(y)) >= 4 and fuzz.ratio(x, y) >= _WORD_SAME)


def _part_of(words: list[str], key: tuple[str, ...]) -> bool:
    """Every one of ``words`` is in ``key`` (give or take a typo), and they are at least
    half of it."""
    return (len(words) < len(key) and 2 * len(words) >= len(key)
            and all(any(_same_word(w, k) for k in key) for w in words))


def _short_form(words: list[str], key: tuple[str, ...]) -> bool:
    """``words`` are the first words of ``key`` (give or take a typo): at least two, at
    least half of the key's words, and not only generic words ("Youth Music")."""
    n = len(words)
    return (2 <= n < len(key) and 2 * n >= len(key)
            and all(_same_word(w, k) for w, k in zip(words, key, strict=False))
            and any(w not in GENERIC_WORDS for w in words))


#: Words too common in organisation names to identify one on their own.
GENERIC_WORDS: frozenset[str] = frozenset({
    "music", "youth", "young", "peoples", "people", "london", "community", "centre", "school",
    "project", "service", "hub", "arts", "art", "academy", "college", "club", "group",
    "orchestra", "choir", "band", "studio", "studios", "sound", "north", "south", "east",
    "west", "primary", "secondary", "free", "special", "new", "city", "junior", "education",
    "foundation", "network", "learning", "trust", "saint", "st",
})


def _aligned(a: tuple[str, ...] | list[str], b: tuple[str, ...] | list[str]) -> bool:
    """Every word of ``a`` is a word of ``b`` give or take a typo, and the other way round."""
    from rapidfuzz import fuzz

    def covered(xs: Iterable[str], ys: Iterable[str]) -> bool:
        ys = list(ys)
        return all(any(x == y or (min(len(x), len(y)) >= 4
                                  and fuzz.ratio(x, y) >= _WORD_SAME) for y in ys)
                   for x in xs)

    return covered(a, b) and covered(b, a)


#: Words after which the rest of a mention is a comment: "Fairbeats via Ms Jones".
_COMMENT = re.compile(r"\s(?:-|–|—|via|through|thru|c/o|at|for|who|which|when|because"
                      r"|e\.?g\.?|incl\.?|including)\s.*$", re.I)


def _variants(mention: str) -> list[str]:
    """The normal forms to try for a mention: as written, without bracketed words, and
    without a trailing comment."""
    out: list[str] = []
    for text in (mention, strip_brackets(mention), _COMMENT.sub("", strip_brackets(mention)),
                 _COMMENT.sub("", mention)):
        norm = normalise_name(text)
        if norm and norm not in out:
            out.append(norm)
    return out


# -- cutting answers into mentions ------------------------------------------------------

#: Answers that name no organisation.
NON_ANSWERS: frozenset[str] = frozenset({
    "none", "n a", "na", "no", "nil", "not applicable", "dont know", "do not know",
    "unknown", "various", "not sure", "no one", "nobody", "none yet", "tbc", "tbd",
    "nothing", "none at the moment", "none currently", "no others", "others", "etc",
    "and others", "other", "various others", "lots", "many",
})
_SPLIT = re.compile(r"\s*(?:\r\n|\r|\n|;|,|•|·|\|)\s*|\s+/\s+|\s+(?=\d{1,2}[.)]\s)")
_BULLET = re.compile(r"^\s*(?:[-*–—•·>]+|\(?\d{1,2}[.)]|[a-z][.)])\s+", re.I)
_AND = re.compile(r"\s+(?:and|&|\+)\s+", re.I)
_COUNT = re.compile(
    r"\s*[\(\[]\s*(?:about|approx\.?|approximately|around|roughly|c\.|ca\.|~|up to|maybe)?"
    r"\s*(\d{1,6})\s*(?:young people|yp|people|students|pupils|participants|a year|"
    r"per year|pa|p\.a\.|a yr|/yr|/year|each year|yearly|annually|\s)*[\)\]]\s*"
    r"|\s+[-–:x×]\s*(?:about|approx\.?|around|~)?\s*(\d{1,6})"
    r"(?:\s*(?:young people|yp|a year|per year|pa))?\s*$", re.I)
_TRAILING_NOISE = re.compile(r"(?:\s+(?:etc\.?|and others|and more|and so on))+\.?\s*$|"
                             r"^\s*(?:e\.?g\.?|including|incl\.?|mainly|mostly|also|"
                             r"sometimes|occasionally)[:\s]+", re.I)


def _clean(part: str) -> Mention | None:
    part = _BULLET.sub("", part)
    count: int | None = None
    m = _COUNT.search(part)
    if m:
        count = int(m.group(1) or m.group(2))
        part = part[:m.start()] + " " + part[m.end():]
    part = _TRAILING_NOISE.sub("", part)
    part = " ".join(part.split()).strip(" :-–—\"'“”")
    if not part or normalise_name(part) in NON_ANSWERS or not re.search(r"[^\W\d_]", part):
        return None
    return Mention(part, count)


def split_answer(cell: str, matcher: NameMatcher | None = None) -> list[Mention]:
    """The organisations named in one answer cell, in order.

    Names are separated by new lines, ``;``, ``,`` or bullets; "and" / "&" also separate
    names unless the whole text is one organisation's name (with ``matcher``, a part is
    cut at "and" only when that gives more automatic matches than leaving it whole; two
    comma-separated parts are joined back when together they are an organisation's
    name). Non-answers ("none", "n/a", "various") are dropped; a number beside a name,
    "(12)", "(about 12 a year)" or "- 12", is the count of young people.

    >>> [m.text for m in split_answer("Fairbeats!, the Horniman and LMH; Midi Music Co.")]
    ['Fairbeats!', 'the Horniman', 'LMH', 'Midi Music Co.']
    >>> split_answer("Kite Street (about 12 a year)\\nn/a")
    [Mention(text='Kite Street', count=12)]
    """
    if not cell or not cell.strip():
        return []
    parts = [p for p in _SPLIT.split(cell.strip()) if p.strip()]
    if matcher is not None:
        parts = _join_commas(parts, matcher)
    out: list[Mention] = []
    for part in parts:
        pieces = _AND.split(part)
        if len(pieces) > 1:
            out.extend(_best_grouping(pieces, _AND.findall(part), matcher))
        else:
            mention = _clean(part)
            if mention:
                out.append(mention)
    return out


def _best_grouping(pieces: list[str], joins: list[str], matcher: NameMatcher | None
                   ) -> list[Mention]:
    """Cut "A and B & C" at the "and"s that give the most automatic matches: with no
    matcher, or when no grouping matches anything, at every "and"; when some do, the
    grouping with the fewest unmatched mentions, then the most mentions."""
    n = len(pieces)
    if matcher is None or n > 6:
        return [m for m in map(_clean, pieces) if m]
    best: tuple[tuple[int, int, int], list[Mention]] | None = None
    for mask in range(1 << (n - 1)):  # bit i set: cut after piece i
        groups, current = [], pieces[0]
        for i in range(n - 1):
            if mask >> i & 1:
                groups.append(current)
                current = pieces[i + 1]
            else:
                current = f"{current}{joins[i]}{pieces[i + 1]}"
        groups.append(current)
        mentions = [m for m in map(_clean, groups) if m]
        auto = sum(matcher.match(m.text).automatic for m in mentions)
        key = (auto, -(len(mentions) - auto) if auto else 0, len(mentions))
        if best is None or key > best[0]:
            best = (key, mentions)
    assert best is not None
    return best[1]


def _join_commas(parts: list[str], matcher: NameMatcher) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(parts):
        if i + 1 < len(parts):
            joined = f"{parts[i]}, {parts[i + 1]}"
            jm = _clean(joined)
            if jm and matcher.match(jm.text).how in ("exact", "alias"):
                a, b = _clean(parts[i]), _clean(parts[i + 1])
                if a and b and not any(matcher.match(x.text).how in ("exact", "alias")
                                       for x in (a, b)):
                    out.append(joined)
                    i += 2
                    continue
        out.append(parts[i])
        i += 1
    return out
