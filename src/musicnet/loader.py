"""Read ``organisations.csv`` and ``referrals.csv`` into validated records.

Validation collects every problem before reporting, so one run lists all of them with file,
line and column. Soft problems (a borough spelling variant, a file that was not UTF-8, an
unused column) are warnings; hard ones raise :class:`~musicnet.errors.DataError`.
This module never prints and never writes.
"""

from __future__ import annotations

import csv
import io
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import schema, values
from ._files import note_input
from .errors import DataError, Problem
from .model import Organisation, Route
from .names import did_you_mean, slugify  # noqa: F401  (re-exported)
from .names import token as _token

__all__ = [
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "MAX_UNPACKED_BYTES",
    "Tables",
    "read_tables",
]

ORGANISATIONS_FILE = "organisations.csv"
REFERRALS_FILE = "referrals.csv"
#: Largest input file accepted (a national network is a few MB): 100 MB.
MAX_FILE_BYTES = 100_000_000
#: Largest unpacked size of a workbook (all its parts together): 100 MB.
MAX_UNPACKED_BYTES = 100_000_000
#: Most cells a workbook may hold, counting the blanks each row is padded with.
MAX_CELLS = 3_000_000
#: Most parts (files inside the zip) a workbook may hold.
MAX_PARTS = 2_000
#: The highest row number a sheet may hold (Excel's own limit).
MAX_SHEET_ROWS = 1_048_576
#: Deepest XML nesting accepted in a workbook part (Excel's own are under 20 deep).
MAX_XML_DEPTH = 200
#: Largest single cell accepted.
MAX_CELL_CHARS = 100_000
#: Did-you-mean look-ups are skipped after this many unknown ids (they cost O(n) each).
_MAX_ID_SUGGESTIONS = 50
#: Unknown values reported one by one in a single list cell (target_groups, stages,
#: genres ...); the rest are counted in one more problem.
_MAX_CELL_PROBLEMS = 5
#: Problems in one file after which values are checked without a did-you-mean.
_MAX_SUGGESTED = 500
#: Problems in one file after which its checking stops.
_MAX_PROBLEMS = 10_000

_LIST_SPLIT = re.compile(r"[;|,]")
#: Aliases are names, which may hold commas: only ';', '|' and new lines separate them.
_ALIAS_SPLIT = re.compile(r"[;|\n]")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_TARGET_GROUP_ALIASES = {
    "sen": "send",
    "sen/d": "send",
    "sen_d": "send",
    "sen_and_d": "send",
    "lac": "looked_after",
    "looked_after_children": "looked_after",
    "care_leavers": "looked_after",
    "refugee": "refugee_asylum",
    "refugees": "refugee_asylum",
    "asylum": "refugee_asylum",
    "homeless": "homelessness",
}


@dataclass
class Tables:
    """The validated contents of a data folder."""

    organisations: list[Organisation]
    routes: list[Route]
    source: str
    warnings: list[Problem] = field(default_factory=list)


def _suggest(value: str, choices: Iterable[str], *, listing: bool = True) -> str:
    return values.suggestion(value, choices, listing=listing)


_DELIMITERS = (",", ";", "\t")


def sniff_delimiter(text: str, known: Iterable[str] = ()) -> str:
    r"""The column separator of a CSV text: ``,``, ``;`` (Excel's 'CSV' in many European
    locales) or a tab, judged from the header row. The separator whose header cells name
    the most ``known`` columns wins; with no known names, the one giving the most columns.
    Commas win ties, so ordinary files are read as before.

    >>> sniff_delimiter("id;name;type\n1;A;school\n", ["id", "name"])
    ';'
    >>> sniff_delimiter("id\tname\n"), sniff_delimiter('name,notes\nA,"x;y;z"\n')
    ('\t', ',')
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    known = {_token(k) for k in known}
    best, best_score = ",", (-1, -1)
    for delim in _DELIMITERS:
        try:
            header = next(csv.reader([first], delimiter=delim), [])
        except csv.Error:
            continue
        score = (sum(_token(h.replace("\ufeff", "")) in known for h in header), len(header))
        if score > best_score:
            best, best_score = delim, score
    return best


class _Reader:
    """Reads one CSV file into (line, {field: cell}) records, collecting problems."""

    def __init__(self, path: Path, label: str, columns: tuple[schema.Column, ...]):
        self.path = path
        self.label = label
        self.columns = columns
        self.problems: list[Problem] = []
        self.field_col: dict[str, int] = {}
        #: ';'-separated files come from Excel in locales that write 51,5 for 51.5
        self.decimal_comma = False
        #: values already read without a problem, by (field, text): a column of 100,000
        #: rows holds a few dozen distinct stages, kinds or boroughs
        self.known: dict[tuple[str, str], Any] = {}
        #: rows with more values than the header, the extra ones empty (line -> values):
        #: fine as they are (spreadsheets add trailing commas), but see collapse_long_rows
        self.long_rows: dict[int, int] = {}
        self.header_width = 0

    def collapse_long_rows(self) -> None:
        """A row with one value too many whose cells have problems is almost always a
        comma inside an unquoted value: every value after it moved one column right, and
        each of them was reported as wrong in its new column. Say that once instead."""
        if not self.long_rows:
            return
        from collections import Counter

        errors = Counter(p.line for p in self.problems
                         if p.severity == "error" and p.line in self.long_rows)
        # one wrong value in a long row is just a wrong value (a misspelt borough in a row
        # with trailing commas); several are the sign of everything shifted
        bad = {line for line, k in errors.items() if k >= 2}
        if not bad:
            return
        out: list[Problem] = []
        for p in self.problems:
            if p.line in bad and p.severity == "error":
                if p.line is not None and p.line in self.long_rows:
                    out.append(Problem(
                        self.label, f"this row has {self.long_rows.pop(p.line)} values, "
                        f"the header has {self.header_width}, and {errors[p.line]} of them "
                        "do not fit their columns.", p.line, None, None,
                        "Probably a comma inside a value: put that value in double quotes "
                        "(\"Smith, Jones and Co\"), or the values after it move one column "
                        "to the right.", "extra-cells", "error"))
                continue
            out.append(p)
        self.problems = out

    def problem(self, message: str, *, line: int | None = None, fld: str | None = None,
                suggestion: str | None = None, code: str = "invalid",
                severity: str = "error") -> None:
        column = self.field_col.get(fld) if fld else None
        self.problems.append(Problem(self.label, message, line, column, fld, suggestion or None,
                                     code, severity))

    def _decode(self, raw: bytes) -> str | None:
        if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
            self.problem("is a spreadsheet workbook, not a CSV file.",
                         suggestion="In Excel use File > Save As > 'CSV UTF-8'.", code="binary")
            return None
        if b"\x00" in raw:
            self.problem("contains binary data, so it is not a CSV text file.",
                         suggestion="Export the sheet as 'CSV UTF-8' and try again.",
                         code="binary")
            return None
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        for encoding, label in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            self.problem(f"is not UTF-8; read it as {label} (as Excel saves 'CSV').",
                         suggestion="Save as 'CSV UTF-8' to silence this warning.",
                         code="encoding", severity="warning")
            return text
        return None  # pragma: no cover - latin-1 decodes any bytes

    def read(self) -> list[tuple[int, dict[str, str]]] | None:
        """Records as (line, cells by canonical field name); ``None`` if unreadable."""
        path = self.path
        if path.exists() and not path.is_file():
            kind = "a folder" if path.is_dir() else "not a regular file (a pipe or device)"
            self.problem(f"is {kind}, so it cannot be read as a CSV file.",
                         suggestion=f"Put the {path.name} file itself there.",
                         code="not-a-file")
            return None
        if not path.is_file():
            hint = f"Expected {path.name} in {path.parent}."
            if path.parent.is_dir():
                near = [p.name for p in path.parent.iterdir() if p.suffix.lower() == ".csv"]
                guess = did_you_mean(path.name, near, cutoff=0.5)
                if guess:
                    hint = f"Did you mean '{guess}'? The file must be named {path.name}."
            self.problem("file not found.", suggestion=hint, code="missing-file")
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            got, most = _over(size, MAX_FILE_BYTES)
            self.problem(f"is {got}; the largest file accepted is {most}.",
                         suggestion="Check this is the right file.", code="too-large")
            return None
        note_input(path)
        text = self._decode(path.read_bytes())
        if text is None:
            return None
        if not text.strip():
            self.problem("is empty.", suggestion="The first row must be the column names: "
                         + ",".join(c.name for c in self.columns if c.required) + ".",
                         code="empty")
            return None

        old_limit = csv.field_size_limit(MAX_CELL_CHARS)
        try:
            return self._parse(text)
        finally:
            csv.field_size_limit(old_limit)

    def _parse(self, text: str) -> list[tuple[int, dict[str, str]]] | None:
        known = [n for c in self.columns for n in (c.name, *c.aliases)]
        delimiter = sniff_delimiter(text, known)
        self.decimal_comma = delimiter == ";"
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows: list[tuple[int, list[str]]] = []
        line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                msg = str(exc)
                if "field larger" in msg:
                    self.problem(f"a cell is longer than {MAX_CELL_CHARS:,} characters.",
                                 line=line, suggestion="Check for a missing closing quote.",
                                 code="cell-too-long")
                else:
                    self.problem(f"this row cannot be read as CSV ({msg}).", line=line,
                                 code="csv")
                return None
            rows.append((line, row))
            line = reader.line_num + 1
        return self.records(rows)

    def records(self, rows: list[tuple[int, list[str]]]
                ) -> list[tuple[int, dict[str, str]]] | None:
        """Validate the header (the first row) and turn the other rows into records."""
        if not rows:
            self.problem("is empty.", code="empty")
            return None
        header = rows[0][1]
        if self._header_lower_down(rows):
            return None
        if not self._header(header):
            return None
        records: list[tuple[int, dict[str, str]]] = []
        ncols = self.header_width = len(header)
        wanted = list(self.field_col_index.items())
        reach = max((i for _, i in wanted), default=-1) + 1  # a row this long has them all
        names = [f for f, _ in wanted]
        pick = operator.itemgetter(*(i for _, i in wanted)) if len(wanted) > 1 else None
        for start, row in rows[1:]:
            joined = "".join(row)
            if not joined.strip():
                continue  # blank rows, e.g. trailing rows Excel leaves behind
            if len(joined) > MAX_CELL_CHARS and max(map(len, row)) > MAX_CELL_CHARS:
                self.problem(f"a cell is longer than {MAX_CELL_CHARS:,} characters.",
                             line=start, code="cell-too-long")
                continue
            if len(row) > ncols:
                if "".join(row[ncols:]).strip():
                    self.problem(f"this row has {len(row)} values, the header has {ncols}.",
                                 line=start, code="extra-cells",
                                 suggestion="Check for an unquoted comma inside a value.")
                    continue
                self.long_rows[start] = len(row)
            if pick is not None and len(row) >= reach:
                cells = dict(zip(names, map(str.strip, pick(row)), strict=True))
            else:
                cells = {f: (row[i].strip() if i < len(row) else "") for f, i in wanted}
            if "'" in joined:  # the formula guard musicnet writes: read without it
                cells = {f: unguard(v) for f, v in cells.items()}
            records.append((start, cells))
        return records

    def _header_lower_down(self, rows: list[tuple[int, list[str]]]) -> bool:
        """Whether the column names are on a later row than the first (a title row above
        them, as spreadsheets often have): one problem saying where, instead of one per
        required column "missing"."""
        names: dict[str, str] = {}
        for c in self.columns:
            for n in (c.name, *c.aliases):
                names[n] = c.name
        required = {c.name for c in self.columns if c.required}

        def has_all(row: list[str]) -> bool:
            return required <= {names.get(_token(v.replace("\ufeff", "")), "") for v in row}

        if has_all(rows[0][1]):
            return False
        for line, row in rows[1:11]:
            if has_all(row):
                above = "line" if line == 2 else f"{line - 1} lines"
                self.problem(f"the column names are on line {line}, not line 1.", line=line,
                             code="header-not-first",
                             suggestion=f"Delete the {above} above them (a title, for "
                                        f"example): musicnet reads the first line as the "
                                        f"column names.")
                return True
        return False

    def _header(self, header: list[str]) -> bool:
        by_name: dict[str, str] = {}
        for c in self.columns:
            by_name[c.name] = c.name
            for a in c.aliases:
                by_name[a] = c.name
        self.field_col_index: dict[str, int] = {}
        unknown: list[tuple[int, str]] = []
        for i, raw in enumerate(header):
            name = _token(raw.replace("\ufeff", ""))
            if not name:
                continue
            canon = by_name.get(name)
            if canon is None:
                unknown.append((i, raw.strip()))
                continue
            if canon in self.field_col_index:
                self.problem(f"column '{raw.strip()}' appears twice (columns "
                             f"{self.field_col_index[canon] + 1} and {i + 1}).", line=1,
                             code="duplicate-column", suggestion="Delete one of them.")
                continue
            self.field_col_index[canon] = i
            self.field_col[canon] = i + 1
        ok = True
        header_tokens = {_token(h) for h in header}
        missing = [c.name for c in self.columns if c.required and c.name not in self.field_col]
        for name in missing:
            guess = did_you_mean(name, [u for _, u in unknown])
            hint = f"Is '{guess}' meant to be '{name}'?" if guess else (
                f"Add a column '{name}': {self._describe(name)}.")
            if self.path.name == REFERRALS_FILE and {"id", "name"} <= header_tokens:
                hint = ("This looks like an organisations file: check that the two files "
                        "are not swapped.")
            self.problem(f"required column '{name}' is missing.", line=1, suggestion=hint,
                         code="missing-column")
            ok = False
        for i, raw in unknown:
            guess = did_you_mean(_token(raw), by_name)
            self.problems.append(Problem(
                self.label, f"column '{raw}' is not used by musicnet and was ignored.", 1,
                i + 1, None, f"Did you mean '{by_name[guess]}'?" if guess else None,
                "unknown-column", "warning"))
        return ok

    def _describe(self, name: str) -> str:
        return next(c.description for c in self.columns if c.name == name)


def _read_organisations(r: _Reader, records: list[tuple[int, dict[str, str]]]
                        ) -> list[Organisation]:
    orgs: list[Organisation] = []
    seen: dict[str, int] = {}
    known = r.known
    for line, c in records:
        if _gave_up(r, line):
            break
        before = len(r.problems)

        def need(fld: str, _line: int = line, _c: dict[str, str] = c) -> str:
            value = _c.get(fld, "")
            if not value:
                r.problem(f"'{fld}' is empty; it is required.", line=_line, fld=fld,
                          code="required", suggestion=f"Give {r._describe(fld)}.")
            return value

        oid = need("id")
        if oid and _checked(r, line, "id", values.org_id, oid) is None:
            pass
        elif oid:
            key = oid.casefold()
            if key in seen:
                r.problem(f"id '{oid}' is used twice (first on line {seen[key]}).", line=line,
                          fld="id", code="duplicate-id",
                          suggestion="Each organisation needs its own id.")
            else:
                seen[key] = line
        name = need("name")
        otype = _enum(r, line, "type", need("type"), schema.TYPES)
        remit = _enum(r, line, "remit", need("remit"), tuple(schema.REMITS))
        stages_raw = need("stages")
        stages = _enum_list(r, line, "stages", stages_raw, schema.STAGES)
        if stages_raw and not stages and len(r.problems) == before:
            r.problem("'stages' lists no stage.", line=line, fld="stages", code="required")
        stages = known.get(("ladder", stages)) or known.setdefault(
            ("ladder", stages), tuple(s for s in schema.STAGES if s in stages))
        targets = _enum_list(r, line, "target_groups", c.get("target_groups", ""),
                             tuple(schema.TARGET_GROUPS), _TARGET_GROUP_ALIASES)
        role_raw = c.get("role", "")
        role = _enum(r, line, "role", role_raw, tuple(schema.ROLES)) if role_raw else None
        borough = _borough(r, line, need("borough"))
        genres_raw = c.get("genres", "")
        genres = known.get(("genres", genres_raw))
        if genres is None:
            genres = known[("genres", genres_raw)] = tuple(dict.fromkeys(
                g for g in (" ".join(x.split()).lower() for x in _LIST_SPLIT.split(
                    genres_raw)) if g))
        age_min = _int(r, line, "age_min", c.get("age_min", ""), 0, 120)
        age_max = _int(r, line, "age_max", c.get("age_max", ""), 0, 120)
        if age_min is not None and age_max is not None and age_min > age_max:
            r.problem(f"age_min {age_min} is greater than age_max {age_max}.", line=line,
                      fld="age_max", code="range", suggestion="Swap the two values?")
        lat = _float(r, line, "lat", c.get("lat", ""), -90, 90)
        lon = _float(r, line, "lon", c.get("lon", ""), -180, 180)
        if bool(c.get("lat")) != bool(c.get("lon")):
            r.problem("give both lat and lon, or neither.", line=line,
                      fld="lat" if c.get("lon") else "lon", code="required")
        website = _website(r, line, c.get("website", ""))
        imd = _int(r, line, "imd_decile", c.get("imd_decile", ""), 1, 10)
        email = c.get("contact_email", "")
        if email and not _EMAIL_RE.match(email):
            r.problem(f"'{email}' is not an email address.", line=line, fld="contact_email",
                      code="bad-email", suggestion="Use the form name@example.org.")
        aliases_raw = c.get("aliases", "")
        aliases = tuple(dict.fromkeys(
            a for a in (" ".join(x.split()) for x in _ALIAS_SPLIT.split(aliases_raw))
            if a)) if aliases_raw else ()
        if not (otype and remit and borough) or (len(r.problems) > before and any(
                p.severity == "error" for p in r.problems[before:])):
            continue
        orgs.append(Organisation._checked(
            id=oid, name=" ".join(name.split()), type=otype, remit=remit, stages=stages,
            borough=borough, role=role or schema.ROLE_BY_TYPE[otype],
            role_derived=role is None, target_groups=targets, genres=genres,
            age_min=age_min, age_max=age_max, postcode=c.get("postcode", "").upper(),
            lat=lat, lon=lon, website=website, imd_decile=imd, contact_email=email,
            notes=c.get("notes", ""), line=line, aliases=aliases))
    _check_aliases(r, orgs)
    _check_names(r, orgs)
    return orgs


def _check_names(r: _Reader, orgs: list[Organisation]) -> None:
    """Warn when two organisations in one borough have the same name: it may be one
    organisation entered twice, and survey answers naming it cannot be matched. (The same
    name in two boroughs is common, e.g. schools: surveys show the borough beside it.)"""
    from .names import normalise_name

    first: dict[tuple[str, str], Organisation] = {}
    for o in orgs:
        other = first.setdefault((normalise_name(o.name), o.borough), o)
        if other is not o:
            r.problem(f"'{o.name}' in {o.borough} has the same name as '{other.id}' "
                      f"(line {other.line}).", line=o.line, fld="name", code="shared-name",
                      severity="warning",
                      suggestion="If it is the same organisation, keep one row; if not, give "
                      "the two names that tell them apart (survey answers naming them go to "
                      "review).")


def _check_aliases(r: _Reader, orgs: list[Organisation]) -> None:
    """Warn when an alias is also another organisation's name or alias: survey answers
    using it cannot be matched automatically and will go to review."""
    from .names import normalise_name

    if not any(o.aliases for o in orgs):
        return  # nothing to clash
    owner: dict[str, Organisation] = {}
    for o in orgs:
        for text in (o.name, *o.aliases):
            owner.setdefault(normalise_name(text), o)
    for o in orgs:
        for alias in o.aliases:
            other = owner[normalise_name(alias)]
            if other.id != o.id:
                r.problem(f"alias '{alias}' is also used by '{other.id}' (line {other.line}).",
                          line=o.line, fld="aliases", code="shared-alias", severity="warning",
                          suggestion="Survey answers naming it will go to review; remove it "
                          "from one of the two if it belongs to only one.")


def _gave_up(r: _Reader, line: int) -> bool:
    """Whether a file has :data:`_MAX_PROBLEMS` problems already, so its checking stops at
    this line (with a problem saying so): a file of made-up values is not worth reading
    to the end, and costs minutes."""
    if len(r.problems) < _MAX_PROBLEMS:
        return False
    r.problem(f"checking stopped at this line after {_MAX_PROBLEMS:,} problems.", line=line,
              code="too-many-problems",
              suggestion="Check this is the right file; fix the problems above and run "
              "again to see any further ones.")
    return True


def _checked(r: _Reader, line: int, fld: str, check: Callable[..., Any], *args: Any
             ) -> Any:
    """``check(*args)`` (a validator from :mod:`musicnet.values`); a refused value becomes
    a problem at this line and column, and ``None``."""
    # past _MAX_SUGGESTED problems no did-you-mean is looked for (the allowed values are
    # still listed): a file of made-up values otherwise costs minutes
    quiet = values.SUGGESTING.set(len(r.problems) < _MAX_SUGGESTED)
    try:
        return check(*args)
    except values.InvalidValue as exc:
        r.problem(exc.message, line=line, fld=fld, code=exc.code,
                  suggestion=exc.suggestion or None)
        return None
    finally:
        values.SUGGESTING.reset(quiet)


def _enum(r: _Reader, line: int, fld: str, value: str, allowed: tuple[str, ...]) -> str | None:
    if not value:
        return None
    key = (fld, value)
    if key in r.known:
        return r.known[key]
    tok = _checked(r, line, fld, values.choice, fld, value, allowed)
    if tok is not None:
        r.known[key] = tok
    return tok


def _enum_list(r: _Reader, line: int, fld: str, value: str, allowed: tuple[str, ...],
               aliases: dict[str, str] | None = None) -> tuple[str, ...]:
    key = (fld + "[]", value)
    if key in r.known:
        return r.known[key]
    out: list[str] = []
    before = len(r.problems)
    more = 0  # unknown values past the first _MAX_CELL_PROBLEMS in this cell
    for part in _LIST_SPLIT.split(value):
        if not part.strip():
            continue
        if len(r.problems) - before >= _MAX_CELL_PROBLEMS:
            # the rest only counted (a did-you-mean for each of thousands of made-up values
            # in one cell took minutes)
            tok = values.choice_token(part, aliases)
            if tok in allowed:
                if tok not in out:
                    out.append(tok)
            else:
                more += 1
            continue
        tok = _checked(r, line, fld, values.choice, fld.rstrip("s"), part, allowed, aliases)
        if tok is not None and tok not in out:
            out.append(tok)
    if more:
        r.problem(f"{more:,} more unknown {fld.replace('_', ' ')} in this cell.", line=line,
                  fld=fld, code=f"unknown-{fld.rstrip('s')}",
                  suggestion="Allowed values: " + ", ".join(allowed) + ".")
    if len(r.problems) == before:
        r.known[key] = tuple(out)
    return tuple(out)


def _borough(r: _Reader, line: int, value: str) -> str | None:
    if not value:
        return None
    key = ("borough", value)
    checked = r.known.get(key) or _checked(r, line, "borough", values.borough, value)
    if checked is None:
        return None
    r.known[key] = checked
    canon, variant = checked
    if variant:
        r.problem(f"borough '{value}' read as '{canon}'.", line=line, fld="borough",
                  code="borough-variant", severity="warning",
                  suggestion="Use the ONS spelling to silence this warning.")
    return canon


def _bound(x: float) -> str:
    """A range's end as people write it: ``10,000,000``, ``-0.5``."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def _number(r: _Reader, line: int, fld: str, value: str, lo: float, hi: float,
            convert: Callable[[str], float | int], what: str) -> float | int | None:
    if not value:
        return None
    try:
        number = convert(value)
    except ValueError:
        r.problem(f"'{value}' is not {what}.", line=line, fld=fld, code="not-a-number",
                  suggestion=f"Give {what} from {_bound(lo)} to {_bound(hi)}, or leave it "
                  "empty.")
        return None
    if not lo <= number <= hi:
        r.problem(f"{fld} {value} is out of range.", line=line, fld=fld, code="range",
                  suggestion=f"Give {what} from {_bound(lo)} to {_bound(hi)}.")
        return None
    return number


# numbers as people type them: ASCII digits only (Python would also take "4_0" as 40 and
# other scripts' digits), thousands separated by commas in groups of three
_INT_TEXT = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.0*)?([eE]\+?\d+)?", re.ASCII)
_FLOAT_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def _to_int(value: str) -> int:
    if not _INT_TEXT.fullmatch(value):
        raise ValueError(value)
    f = float(value.replace(",", ""))
    if not f.is_integer():
        raise ValueError(value)
    return int(f)


def _int(r: _Reader, line: int, fld: str, value: str, lo: int, hi: int) -> int | None:
    key = (fld, value)  # ages and deciles repeat: each value is read once per column
    if key in r.known:
        return r.known[key]
    n = _number(r, line, fld, value, lo, hi, _to_int, "a whole number")
    if n is None:
        return None
    r.known[key] = int(n)
    return int(n)


def _to_float(value: str) -> float:
    if not _FLOAT_TEXT.fullmatch(value):
        raise ValueError(value)
    f = float(value)
    if f != f or f in (float("inf"), float("-inf")):
        raise ValueError(value)
    return f


def _float(r: _Reader, line: int, fld: str, value: str, lo: float, hi: float) -> float | None:
    if r.decimal_comma and re.fullmatch(r"-?\d+,\d+", value):
        value = value.replace(",", ".")  # 51,5 from a ';'-separated European Excel file
    n = _number(r, line, fld, value, lo, hi, _to_float, "a number")
    return None if n is None else float(n)


def _website(r: _Reader, line: int, value: str) -> str:
    if not value:
        return ""
    if re.match(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?$", value):
        r.problem(f"website '{value}' has no http:// or https://; read as https://{value}.",
                  line=line, fld="website", code="website-scheme", severity="warning")
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(
            ch.isspace() or ord(ch) < 32 for ch in value):
        r.problem(f"website '{value}' is not an http:// or https:// address.", line=line,
                  fld="website", code="bad-website",
                  suggestion="Give an address such as https://example.org, or leave it empty.")
        return ""
    return value


#: Text behind the guard :func:`musicnet.export.csv_cell` puts before what a spreadsheet
#: would run as a formula: apostrophes, then ``=``, ``+``, ``-``, ``@``, tab or return.
_GUARDED = re.compile(r"^'+[=+\-@\t\r]")


def unguard(text: str) -> str:
    """A cell as it was before :func:`musicnet.export.csv_cell` guarded it against running
    as a formula: one leading apostrophe fewer, where apostrophes lead to a formula start.
    Every data file musicnet writes is guarded, and read back through this.

    >>> unguard("'=HYPERLINK(1)"), unguard("''-x"), unguard("'Tis Music")
    ('=HYPERLINK(1)', "'-x", "'Tis Music")
    """
    return text[1:] if text.startswith("'") and _GUARDED.match(text) else text


def _read_routes(r: _Reader, records: list[tuple[int, dict[str, str]]],
                 orgs: list[Organisation], known_ids: Iterable[str]) -> list[Route]:
    canon = {o.id.casefold(): o.id for o in orgs}
    all_ids = {i.casefold(): i for i in known_ids}
    routes: list[Route] = []
    seen: dict[tuple[str, str], int] = {}
    suggestions_left = _MAX_ID_SUGGESTIONS
    #: (kind, status, young people, evidence) as written -> as read, for values without
    #: problems: most routes repeat a handful of combinations
    valid: dict[tuple[str, str, str, str], tuple[str, str, int | None, str]] = {}

    def end(line: int, fld: str, value: str) -> None:
        """Report an empty or unknown id."""
        nonlocal suggestions_left
        if not value:
            r.problem(f"'{fld}' is empty; it is required.", line=line, fld=fld,
                      code="required", suggestion="Give an organisation id.")
            return
        if value.casefold() in all_ids:
            return  # the organisation exists but its own row has problems
        hint = "Check the id in organisations.csv."
        if suggestions_left > 0:
            suggestions_left -= 1
            guess = did_you_mean(value, canon.values())
            if guess:
                hint = f"Did you mean '{guess}'?"
        r.problem(f"unknown organisation id '{value}'.", line=line, fld=fld,
                  code="unknown-id", suggestion=hint)

    for line, c in records:
        if _gave_up(r, line):
            break
        before = len(r.problems)
        s_value, t_value = c.get("source", ""), c.get("target", "")
        src, tgt = canon.get(s_value.casefold()), canon.get(t_value.casefold())
        if src is None:
            end(line, "source", s_value)
        if tgt is None:
            end(line, "target", t_value)
        raw = (c.get("kind", ""), c.get("status", ""), c.get("young_people_per_year", ""),
               c.get("evidence", ""))
        checked = valid.get(raw)
        if checked is None:  # first time these four values are seen together
            first = len(r.problems)
            checked = (
                _enum(r, line, "kind", raw[0], schema.KINDS) or "referral",
                _enum(r, line, "status", raw[1], schema.STATUSES) or "active",
                _int(r, line, "young_people_per_year", raw[2], 0, 10_000_000),
                _enum(r, line, "evidence", raw[3], tuple(schema.EVIDENCE)) or "")
            if len(r.problems) == first:
                valid[raw] = checked
        kind, status, people, evidence = checked
        if src and tgt and src == tgt:
            r.problem(f"route from '{src}' to itself.", line=line, fld="target",
                      code="self-route", suggestion="A route must lead to another organisation.")
            continue
        if src and tgt:
            if (src, tgt) in seen:
                r.problem(f"route {src} -> {tgt} is listed twice (first on line "
                          f"{seen[(src, tgt)]}).", line=line, fld="target",
                          code="duplicate-route",
                          suggestion="List each route once; use status for lapsed or planned "
                          "routes.")
                continue
            seen[(src, tgt)] = line
        since, ended = c.get("since", ""), c.get("ended", "")
        if ended:
            _route_dates(r, line, since, ended)
        if not (src and tgt) or (len(r.problems) > before and any(
                p.severity == "error" for p in r.problems[before:])):
            continue
        routes.append(Route._checked(src, tgt, kind, status, people, since,
                                     c.get("notes", ""), line, evidence, ended))
    return routes


def _route_dates(r: _Reader, line: int, since: str, ended: str) -> None:
    """``ended`` must be a date, and not before ``since`` (``since`` may be free text)."""
    if not ended:
        return
    from .history import last_day, parse_date

    end = last_day(ended)
    if end is None:
        r.problem(f"ended '{ended}' is not a date.", line=line, fld="ended", code="bad-date",
                  suggestion="Give a year (2024), a month (2024-03) or a day (2024-03-31), "
                  "or leave it empty while the route runs.")
        return
    start = parse_date(since)
    if start is not None and end < start:
        r.problem(f"the route ended ({ended}) before it started ({since}).", line=line,
                  fld="ended", code="ended-before-since",
                  suggestion="Check the two dates; ended is the day the route lapsed.")


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _mb(size: int) -> str:
    return f"{size / 1e6:.0f} MB" if size >= 1e6 else f"{size / 1e6:.1f} MB"


def _over(size: int, limit: int) -> tuple[str, str]:
    """``size`` and ``limit`` in MB, or in bytes where MB would show them equal (a file
    of 100,000,001 bytes is not "100 MB; the largest accepted is 100 MB")."""
    a, b = _mb(size), _mb(limit)
    return (a, b) if a != b else (f"{size:,} bytes", f"{limit:,} bytes")


class _WorkbookRefused(Exception):
    """A workbook that must not be opened; the message says why (for the user)."""

    def __init__(self, message: str, suggestion: str = "", code: str = "bad-workbook"):
        super().__init__(message)
        self.suggestion = suggestion
        self.code = code


_DAMAGED_HINT = "Open it in Excel and save it again as .xlsx, or export the two sheets as " \
    "CSV UTF-8."


def _column_number(ref: str) -> int:
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            n = n * 26 + ord(ch) - 96
        else:
            break
    return n


def _looks_like_xml(zf: Any, info: Any) -> bool:
    """Whether a workbook part may be an XML document: anything but an empty part or one
    whose first byte after any byte order mark and blank space is not ``<``. Blank space
    is read past however long it runs (a part padded with blanks past the first bytes
    looked like a picture, went unchecked, and was then read by openpyxl)."""
    import zipfile
    import zlib

    try:
        with zf.open(info) as fh:
            head = fh.read(64)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):
                return True  # UTF-16, as XML may be
            rest = head.removeprefix(b"\xef\xbb\xbf").lstrip()
            while not rest and head:
                head = fh.read(1 << 16)
                rest = head.lstrip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError, zlib.error):
        return True  # let the full read report it
    if not rest:
        return info.file_size > 0  # blank space only: checked (and refused as not XML)
    return rest.startswith(b"<")


def open_workbook(path: Path) -> Any:
    """An Excel workbook opened for a streaming read, after the checks that keep a small
    crafted file from exhausting memory or time: its size (:data:`MAX_FILE_BYTES`), then
    :func:`_inspect_workbook`; every sheet's declared size is ignored. Every command that
    reads a workbook (data, Kumu imports, survey answers) opens it here. Raises
    :class:`_WorkbookRefused` with the reason, for the caller to report as bad data."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        got, most = _over(size, MAX_FILE_BYTES)
        raise _WorkbookRefused(f"is {got}; the largest file accepted is {most}.",
                               "Check this is the right file.",
                               "too-large")
    _inspect_workbook(path)
    try:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _WorkbookRefused(f"cannot be read as an Excel workbook "
                               f"({type(exc).__name__}).", _DAMAGED_HINT) from exc
    for ws in wb.worksheets:
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # never trust (or pad to) the declared sheet size
    return wb


def _inspect_workbook(path: Path) -> None:
    """Check a workbook's parts before openpyxl reads any of them, streaming each XML part
    once: at most :data:`MAX_PARTS` parts and :data:`MAX_UNPACKED_BYTES` unpacked; no DTD
    or entity declarations (no legitimate workbook has them: they are how entity-expansion
    attacks work); well-formed XML; at most :data:`MAX_CELLS` cells (each row counted as
    wide as its last cell, since that is how it is read) and no text longer than
    :data:`MAX_CELL_CHARS`. Raises :class:`_WorkbookRefused` with the reason."""
    import zipfile
    import zlib
    from xml.parsers import expat

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _WorkbookRefused("cannot be read as an Excel workbook (it is not a valid .xlsx "
                               f"file: {exc}).", _DAMAGED_HINT) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            raise _WorkbookRefused(f"has {len(infos):,} parts inside; a workbook has a few "
                                   "dozen.", "Check this is the right file.", "too-large")
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _WorkbookRefused(
                "unpacks to {}; the largest accepted is {}.".format(
                    *_over(unpacked, MAX_UNPACKED_BYTES)),
                "Check this is the right file, or split it "
                "into the two CSV files.", "too-large")
        cells = 0
        for info in infos:
            name = info.filename
            # every part that is XML, whatever its name says (openpyxl follows the
            # workbook's links to a sheet called anything); pictures and the like are not
            if not _looks_like_xml(zf, info):
                continue
            state = {"text": 0, "in_t": False, "row_max": 0, "col": 0, "depth": 0}

            def start(tag: str, attrs: dict[str, str], _s: dict = state,
                      _part: str = name) -> None:
                _s["depth"] += 1
                if _s["depth"] > MAX_XML_DEPTH:
                    raise _WorkbookRefused(f"is damaged: the part {_part} is nested more "
                                           f"than {MAX_XML_DEPTH} levels deep.",
                                           _DAMAGED_HINT)
                local = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
                if local == "c":
                    ref = attrs.get("r")
                    if ref and not ref.isascii():
                        # Excel writes A1-style references in ASCII; the reader upper-cases
                        # others ('ſZZ2' becomes SZZ2: a row 13,546 cells wide)
                        raise _WorkbookRefused(
                            f"is damaged: the part {_part} has a cell reference "
                            f"{ref[:20]!r} that is not a column letter and row number.",
                            _DAMAGED_HINT)
                    _s["col"] = _column_number(ref) if ref else _s["col"] + 1
                    _s["row_max"] = max(_s["row_max"], _s["col"])
                elif local == "row":
                    _s["row_max"] = 0
                    _s["col"] = 0
                    number = attrs.get("r")
                    if number is not None and not (number.isascii() and number.isdigit()
                                                   and 1 <= int(number) <= MAX_SHEET_ROWS):
                        # the reader walks every row up to the last one, so a row
                        # numbered in the billions takes hours though the file is tiny
                        raise _WorkbookRefused(
                            f"is damaged: the part {_part} has a row numbered "
                            f"{number[:20]!r}; a sheet's rows are numbered 1 to "
                            f"{MAX_SHEET_ROWS:,}.", _DAMAGED_HINT)
                elif local == "t":
                    _s["in_t"] = True
                    _s["text"] = 0

            def end(tag: str, _s: dict = state) -> None:
                nonlocal cells
                _s["depth"] -= 1
                local = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
                if local == "row":
                    cells += _s["row_max"]
                    if cells > MAX_CELLS:
                        raise _WorkbookRefused(
                            f"holds more than {MAX_CELLS:,} cells (counting the blank cells "
                            "before the last one in each row).",
                            "Delete unused rows and columns, or check this is the right "
                            "file.", "too-large")
                elif local == "t":
                    _s["in_t"] = False

            def text(data: str, _s: dict = state) -> None:
                if _s["in_t"]:
                    _s["text"] += len(data)
                    if _s["text"] > MAX_CELL_CHARS:
                        raise _WorkbookRefused(
                            f"has a cell with more than {MAX_CELL_CHARS:,} characters.",
                            "Check this is the right file.", "too-large")

            def dtd(*_args: object, _part: str = name) -> None:
                raise _WorkbookRefused(
                    f"contains a document type declaration (in {_part}), which Excel never "
                    "writes; it is refused because it can be used to attack the reader.",
                    _DAMAGED_HINT)

            parser = expat.ParserCreate(namespace_separator="}")
            parser.StartElementHandler = start
            parser.EndElementHandler = end
            parser.CharacterDataHandler = text
            parser.StartDoctypeDeclHandler = dtd
            parser.EntityDeclHandler = dtd
            parser.ExternalEntityRefHandler = dtd  # type: ignore[assignment]
            try:
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        parser.Parse(chunk, False)
                    parser.Parse(b"", True)
            except expat.ExpatError as exc:
                raise _WorkbookRefused(
                    f"is damaged: the part {name} is not valid XML "
                    f"({expat.ErrorString(exc.code)} at line {exc.lineno}).",
                    _DAMAGED_HINT) from exc
            except NotImplementedError as exc:  # zipfile: a compression it cannot unpack
                # (before RuntimeError: NotImplementedError is one)
                raise _WorkbookRefused(f"cannot be read: the part {name} is packed in a "
                                       f"way Excel does not use ({exc}).",
                                       _DAMAGED_HINT) from exc
            except RuntimeError as exc:  # zipfile: an encrypted part
                raise _WorkbookRefused(f"cannot be read: the part {name} is encrypted "
                                       "(password-protected).", "Save the workbook again "
                                       "without a password, or export the two sheets as "
                                       "CSV UTF-8.") from exc
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
                raise _WorkbookRefused(f"is damaged: the part {name} cannot be unpacked "
                                       f"({exc}).", _DAMAGED_HINT) from exc
            except RecursionError as exc:  # pragma: no cover - expat does not recurse
                raise _WorkbookRefused(f"is damaged: the part {name} is nested too deeply.",
                                       _DAMAGED_HINT) from exc


#: Spreadsheet files musicnet does not read, by ending: what to call them in a hint.
_OTHER_SPREADSHEETS = {".xls": "the older Excel format (.xls)",
                       ".xlsb": "Excel binary workbooks (.xlsb)",
                       ".ods": "OpenDocument spreadsheets (.ods)",
                       ".numbers": "Numbers files"}


def _read_workbook(path: Path) -> tuple[_Reader, _Reader, list | None, list | None]:
    """The two sheets of a workbook as readers and records (like the two CSV files).

    The workbook is checked by :func:`_inspect_workbook` before it is opened, and read
    streaming (openpyxl read-only mode, declared sheet sizes ignored), so a small crafted
    file cannot exhaust memory; a damaged one is reported as bad data, never as a bug."""
    org_reader = _Reader(path, f"{path} [organisations]", schema.ORGANISATION_COLUMNS)
    ref_reader = _Reader(path, f"{path} [referrals]", schema.REFERRAL_COLUMNS)
    note_input(path)
    try:
        wb = open_workbook(path)
    except _WorkbookRefused as exc:
        org_reader.problems.append(Problem(str(path), str(exc), suggestion=exc.suggestion
                                           or None, code=exc.code))
        return org_reader, ref_reader, None, None
    try:
        sheets = {name.strip().lower(): name for name in wb.sheetnames}
        out: list[list | None] = []
        for reader, want in ((org_reader, "organisations"), (ref_reader, "referrals")):
            name = sheets.get(want)
            if name is None:
                guess = did_you_mean(want, wb.sheetnames)
                reader.problem(f"the workbook has no sheet named '{want}'.",
                               suggestion=(f"Is '{guess}' meant to be '{want}'? " if guess
                                           else "") + "Sheets found: "
                               + ", ".join(wb.sheetnames) + ".", code="missing-sheet")
                out.append(None)
                continue
            ws = wb[name]
            rows: list[tuple[int, list[str]]] = []
            try:
                for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
                    cells = [_cell_text(c) for c in row]
                    while cells and not cells[-1]:
                        cells.pop()
                    if any(c.strip() for c in cells):  # blank rows: skipped, lines kept
                        rows.append((i, cells))
            except Exception as exc:  # a part openpyxl cannot parse: bad data, not a bug
                reader.problem(f"the sheet '{name}' cannot be read ({type(exc).__name__}: "
                               f"{exc}).", suggestion=_DAMAGED_HINT, code="bad-workbook")
                out.append(None)
                continue
            out.append(reader.records(rows))
    finally:
        wb.close()
    return org_reader, ref_reader, out[0], out[1]


def read_tables(path: str | Path = "data") -> Tables:
    """Read and validate a data folder holding ``organisations.csv`` and ``referrals.csv``,
    or an ``.xlsx`` workbook with ``organisations`` and ``referrals`` sheets.

    Raises :class:`~musicnet.errors.DataError` listing every problem if any is an error.
    """
    from ._files import odd_input

    folder = Path(path)
    odd = odd_input(folder)
    if odd:
        raise DataError([Problem(str(folder), f"is {odd}, not a file or folder.",
                                 code="not-a-file", suggestion="Give the folder that holds "
                                 f"{ORGANISATIONS_FILE} and {REFERRALS_FILE}, or an .xlsx "
                                 "workbook.")])
    if folder.is_file() and folder.suffix.lower() in (".xlsx", ".xlsm"):
        org_reader, ref_reader, org_records, ref_records = _read_workbook(folder)
        return _validate(folder, org_reader, ref_reader, org_records, ref_records)
    if not folder.exists() and folder.suffix.lower() in (".xlsx", ".xlsm", ".csv"):
        parent = folder.parent if folder.parent.is_dir() else None
        near = [p.name for p in parent.iterdir() if p.suffix.lower() == folder.suffix.lower()
                ] if parent else []
        guess = did_you_mean(folder.name, near, cutoff=0.5)
        raise DataError([Problem(str(folder), "file not found.", code="missing-file",
                                 suggestion=f"Did you mean '{guess}'?" if guess else
                                 "Check the name and the folder it is in.")])
    if folder.is_file():
        other = _OTHER_SPREADSHEETS.get(folder.suffix.lower())
        raise DataError([Problem(
            str(folder), "is a file; give the folder that holds "
            f"{ORGANISATIONS_FILE} and {REFERRALS_FILE}, or an .xlsx workbook.",
            code="not-a-folder",
            suggestion=f"musicnet reads .xlsx workbooks, not {other}: open it and save "
                       "it as an Excel Workbook (.xlsx)." if other else None)])
    if not folder.exists():
        raise DataError([Problem(str(folder), "folder not found.", code="missing-folder",
                                 suggestion="Give the folder that holds "
                                 f"{ORGANISATIONS_FILE} and {REFERRALS_FILE}.")])
    org_reader = _Reader(folder / ORGANISATIONS_FILE, str(folder / ORGANISATIONS_FILE),
                         schema.ORGANISATION_COLUMNS)
    ref_reader = _Reader(folder / REFERRALS_FILE, str(folder / REFERRALS_FILE),
                         schema.REFERRAL_COLUMNS)
    return _validate(folder, org_reader, ref_reader, org_reader.read(), ref_reader.read())


def _validate(source: Path, org_reader: _Reader, ref_reader: _Reader,
              org_records: list | None, ref_records: list | None) -> Tables:
    orgs: list[Organisation] = []
    routes: list[Route] = []
    if org_records is not None:
        if not org_records:
            org_reader.problem("has a header row but no organisations.", line=2,
                               code="no-rows", suggestion="Add one row per organisation.")
        orgs = _read_organisations(org_reader, org_records)
    if ref_records is not None:
        if not ref_records:
            ref_reader.problem("has a header row but no routes.", line=2, code="no-rows",
                               suggestion="Add one row per referral or signposting route.")
        elif org_records is not None:
            known = [c.get("id", "") for _, c in org_records]
            routes = _read_routes(ref_reader, ref_records, orgs, known)
    org_reader.collapse_long_rows()
    ref_reader.collapse_long_rows()
    problems = org_reader.problems + ref_reader.problems
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    return Tables(orgs, routes, str(source), problems)


def read_routes_file(path: str | Path, net: Any) -> list[Route]:
    """Routes from one CSV in the ``referrals.csv`` format, checked against ``net``'s
    organisations (for ``whatif --routes``). Raises DataError listing every problem."""
    reader = _Reader(Path(path), str(path), schema.REFERRAL_COLUMNS)
    records = reader.read()
    routes: list[Route] = []
    if records is not None:
        if not records:
            reader.problem("has a header row but no routes.", line=2, code="no-rows")
        routes = _read_routes(reader, records, list(net.orgs.values()), net.orgs)
    if any(p.severity == "error" for p in reader.problems):
        raise DataError(reader.problems)
    return routes
