"""One validator per kind of value: organisation ids, boroughs, stages, kinds, statuses.

The file loader, ``whatif --routes``, command options such as ``suggest --borough`` and the
Python API (:class:`~musicnet.model.Route`, :meth:`~musicnet.network.Network.with_routes`)
all call these, so the same input is accepted or refused the same way everywhere. Each
returns the canonical value or raises :class:`InvalidValue`, which carries a plain-English
message, a suggestion and a stable code (the loader turns it into a
:class:`~musicnet.errors.Problem` with file, line and column).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextvars import ContextVar

from . import schema
from .errors import UsageError
from .names import did_you_mean, slugify, token

__all__ = ["InvalidValue", "borough", "choice", "choice_token", "kind", "org_id", "stage", "status"]

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_BOROUGH_BY_LOWER = {b.lower(): b for b in schema.BOROUGHS}


class InvalidValue(UsageError, ValueError):
    """A value that is not allowed: ``message`` says what, ``suggestion`` what to do."""

    def __init__(self, message: str, suggestion: str = "", code: str = "invalid"):
        self.message = message
        self.suggestion = suggestion
        self.code = code
        super().__init__(f"{message} {suggestion}".strip())


#: Whether :func:`suggestion` looks for the closest allowed value; a file reader turns it
#: off past a few hundred problems (a did-you-mean for each of 600,000 made-up values
#: took minutes), leaving the list of allowed values.
SUGGESTING: ContextVar[bool] = ContextVar("musicnet_suggesting", default=True)


def suggestion(value: str, allowed: Iterable[str], *, listing: bool = True) -> str:
    """"Did you mean ...?" for the closest allowed value, else (``listing``) the list.

    >>> suggestion("advnced", ["developing", "advanced"])
    "Did you mean 'advanced'?"
    """
    allowed = list(allowed)
    guess = did_you_mean(value, allowed) if SUGGESTING.get() else None
    if guess is not None:
        return f"Did you mean '{guess}'?"
    if listing:
        return "Allowed values: " + ", ".join(allowed) + "."
    return ""


def org_id(value: str) -> str:
    """An organisation id as written in a file: a letter or digit, then letters, digits,
    ``-``, ``_`` or ``.``, up to 64 characters.

    >>> org_id("kite-street")
    'kite-street'
    >>> org_id("Kite Street")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    musicnet.values.InvalidValue: id 'Kite Street' is not a short id. ... e.g. 'kite-street'.
    """
    value = value.strip()
    if not _ID_RE.match(value):
        raise InvalidValue(f"id '{value}' is not a short id.",
                           "Use letters, digits, '-', '_' or '.', up to 64 characters, "
                           f"e.g. '{slugify(value)}'.", "bad-id")
    return value


def choice_token(value: str, aliases: dict[str, str] | None = None) -> str:
    """``value`` as :func:`choice` compares it with the allowed values: a vocabulary token
    (case, spaces and hyphens ignored), then through ``aliases``.

    >>> choice_token("First access")
    'first_access'
    """
    tok = token(value)
    return (aliases or {}).get(tok, tok)


def choice(field: str, value: str, allowed: Iterable[str],
           aliases: dict[str, str] | None = None) -> str:
    """``value`` as one of ``allowed`` (case, spaces and hyphens ignored: 'First access'
    is ``first_access``); ``aliases`` maps other spellings to allowed values.

    >>> choice("stage", "First access", schema.STAGES)
    'first_access'
    """
    allowed = tuple(allowed)
    tok = choice_token(value, aliases)
    if tok in allowed:
        return tok
    raise InvalidValue(f"unknown {field} '{value.strip()}'.", suggestion(tok, allowed),
                       f"unknown-{field}")


def stage(value: str) -> str:
    """A ladder stage (see :data:`musicnet.schema.STAGES`)."""
    return choice("stage", value, schema.STAGES)


def kind(value: str) -> str:
    """A route kind: referral, signposting or partnership.

    >>> kind("Signposting")
    'signposting'
    >>> kind("phone")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    musicnet.values.InvalidValue: unknown kind 'phone'. Allowed values: referral, ...
    """
    return choice("kind", value, schema.KINDS)


def status(value: str) -> str:
    """A route status: active, lapsed or planned."""
    return choice("status", value, schema.STATUSES)


def borough(value: str) -> tuple[str, bool]:
    """A borough as its ONS name, and whether ``value`` was a variant spelling (which the
    loader reports as a warning). Case, "London Borough of", "Council", "&" for "and" and
    common short forms (:data:`musicnet.schema.BOROUGH_ALIASES`) are accepted.

    >>> borough("hammersmith & fulham")
    ('Hammersmith and Fulham', True)
    >>> borough("Kingston")
    ('Kingston upon Thames', True)
    >>> borough("lewisham")
    ('Lewisham', False)
    """
    low = " ".join(value.lower().replace("&", " & ").split())
    low = low.removeprefix("london borough of ").removesuffix(" council")
    if low in _BOROUGH_BY_LOWER:
        return _BOROUGH_BY_LOWER[low], False
    if low.replace(" & ", " and ") in _BOROUGH_BY_LOWER:
        return _BOROUGH_BY_LOWER[low.replace(" & ", " and ")], True
    if low in schema.BOROUGH_ALIASES:
        return schema.BOROUGH_ALIASES[low], True
    raise InvalidValue(f"unknown borough '{value.strip()}'.",
                       suggestion(value, schema.BOROUGHS), "unknown-borough")
