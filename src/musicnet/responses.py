"""From survey answers to a network: read the answers, match the names, confirm both sides.

:func:`read_answers` reads filled survey workbooks (:func:`musicnet.survey.survey_workbook`)
and online-form exports (CSV or xlsx, one row per responding organisation, the question
texts as headers). :func:`apply_answers` matches every organisation named
(:mod:`musicnet.matching`), applies the coordinator's decisions from a reviewed
``review.csv``, and returns the new routes table and the files of a new data folder:

- ``organisations.csv``: unchanged (copied byte for byte from a data folder);
- ``referrals.csv``: every route, with the survey's routes added and ``evidence`` set:
  ``both`` when A says it refers to B and B says young people come from A, otherwise
  ``source`` or ``target``; a route already in the data that a survey names is marked
  the same way (and made ``active``);
- ``review.csv``: every mention not matched automatically (uncertain, ambiguous,
  unmatched), with the three best candidates and scores and a ``decision`` column for
  the coordinator: an organisation id, ``new`` or ``skip``;
- ``new_organisations.csv``: names that look like organisations missing from the data
  (in the organisations.csv format, with what the organisation said about itself), to
  check and add;
- ``matches.csv``: every mention and how it was matched (exact, alias, fuzzy, decided).

Running again with the reviewed file (``--review``) applies the decisions; the same
answers, data and decisions always give the same files, and running on the new folder
again adds nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataError, OutputRefused, Problem, UsageError
from .matching import AUTOMATIC, Match, NameMatcher, split_answer
from .names import normalise_name
from .survey import (
    ABOUT_YOU,
    ROUTE_QUESTIONS,
    SHEET_ABOUT,
    SHEET_INCOMING,
    SHEET_ONWARD,
)

if TYPE_CHECKING:  # pragma: no cover
    from .diff import Diff
    from .model import Route
    from .network import Network

__all__ = ["Answer", "Outcome", "RouteAnswer", "apply_answers", "plan", "read_answers",
           "read_decisions"]

REVIEW_COLUMNS = ("where", "respondent", "question", "mention", "status",
                  "candidate_1", "name_1", "score_1", "candidate_2", "name_2", "score_2",
                  "candidate_3", "name_3", "score_3", "decision")
MATCH_COLUMNS = ("where", "respondent", "question", "mention", "how", "id", "name", "score")
DECISIONS = ("new", "skip")
#: A name in review whose best score is below this is listed as a possible new organisation.
NEW_BELOW = 85.0


@dataclass(frozen=True)
class RouteAnswer:
    """One answer naming organisations: a form cell or a workbook row."""

    text: str
    line: int
    kind: str = ""
    count: int | None = None
    since: str = ""


@dataclass
class Answer:
    """One organisation's response: who answered (as typed), what it said about itself,
    and the organisations it refers onward to and receives from."""

    file: str
    line: int
    respondent: str
    details: dict[str, str] = field(default_factory=dict)
    onward: list[RouteAnswer] = field(default_factory=list)
    incoming: list[RouteAnswer] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.file}, line {self.line}" if self.line else self.file


# -- reading answers ----------------------------------------------------------------------

def _files(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix.lower() in (".csv", ".xlsx")
                           and not q.name.startswith((".", "~$")))
            if not found:
                raise UsageError(f"{p} holds no .csv or .xlsx files of survey answers.")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            from ._files import odd_input

            odd = odd_input(p)
            raise UsageError(f"{p} is {odd}, not a file or folder of survey answers." if odd
                             else f"{p}: file not found.")
    return out


def read_answers(paths: Iterable[str | Path]) -> list[Answer]:
    """Every response in the given files and folders (a folder: its .csv and .xlsx
    files). A workbook with an ``about you`` sheet is one filled survey workbook; any
    other CSV or workbook is an online-form export with one row per organisation.

    Raises :class:`~musicnet.errors.DataError` listing every problem (file, line, column).
    """
    answers: list[Answer] = []
    problems: list[Problem] = []
    for path in _files(paths):
        if path.stat().st_size > 100 * 1024 * 1024:
            problems.append(Problem(str(path), "is larger than 100 MB; check it is the "
                                    "right file.", code="too-large"))
            continue
        if path.suffix.lower() == ".xlsx":
            rows = _workbook(path, problems)
            if rows is None:
                continue
            if isinstance(rows, Answer):
                answers.append(rows)
                continue
        else:
            rows = _csv_rows(path, problems)
            if rows is None:
                continue
        answers.extend(_form_rows(path, rows, problems))
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    return answers


def _csv_rows(path: Path, problems: list[Problem]) -> list[list[str]] | None:
    raw = path.read_bytes()
    if raw.startswith(b"PK\x03\x04"):
        problems.append(Problem(str(path), "is an Excel workbook saved with a .csv name.",
                                suggestion="Rename it to .xlsx.", code="binary"))
        return None
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:4096]
    delimiter = ","
    if sample.count("\t") > sample.count(",") and sample.count("\t") > sample.count(";"):
        delimiter = "\t"
    elif sample.split("\n", 1)[0].count(";") > sample.split("\n", 1)[0].count(","):
        delimiter = ";"
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        problems.append(Problem(str(path), f"cannot be read as CSV ({exc}).", code="csv"))
        return None


def _cell(value: object) -> str:
    from .loader import _cell_text

    return _cell_text(value).strip()


def _workbook(path: Path, problems: list[Problem]) -> list[list[str]] | Answer | None:
    from .loader import _WorkbookRefused, open_workbook

    try:
        wb = open_workbook(path)  # checked first: a small crafted file cannot blow up
    except _WorkbookRefused as exc:
        problems.append(Problem(str(path), str(exc), suggestion=exc.suggestion or None,
                                code=exc.code))
        return None
    try:
        sheets = {n.strip().lower(): n for n in wb.sheetnames}
        if SHEET_ABOUT in sheets:
            return _survey_workbook(path, wb, sheets, problems)
        ws = wb[wb.sheetnames[0]]
        return [[_cell(c) for c in row] for row in ws.iter_rows(values_only=True)]
    except Exception as exc:  # a part openpyxl cannot parse: bad data, not a bug
        problems.append(Problem(str(path), f"cannot be read ({type(exc).__name__}: {exc}).",
                                code="bad-workbook"))
        return None
    finally:
        wb.close()


def _survey_workbook(path: Path, wb: object, sheets: dict[str, str],
                     problems: list[Problem]) -> Answer | None:
    from .loader import _to_int

    about = wb[sheets[SHEET_ABOUT]]  # type: ignore[index]
    by_text = {normalise_name(q.text): q.key for q in ABOUT_YOU}
    details: dict[str, str] = {}
    name_line = 0
    for i, row in enumerate(about.iter_rows(values_only=True), start=1):
        if not row or row[0] is None:
            continue
        question = normalise_name(str(row[0]).replace("(required)", ""))
        key = by_text.get(question)
        if key and len(row) > 1 and _cell(row[1]):
            details[key] = _cell(row[1])
            if key == "name":
                name_line = i
    label = f"{path} [{SHEET_ABOUT}]"
    if not details.get("name"):
        problems.append(Problem(label, "the organisation's name is not filled in.",
                                field="your answer", code="no-respondent",
                                suggestion="Ask the organisation to answer question 1, or "
                                "type its name in column B."))
        return None
    answer = Answer(label, name_line, details.pop("name"), details)
    for sheet, target in ((SHEET_ONWARD, answer.onward), (SHEET_INCOMING, answer.incoming)):
        if sheet not in sheets:
            problems.append(Problem(str(path), f"the workbook has no sheet '{sheet}'.",
                                    code="missing-sheet",
                                    suggestion="Use the workbook from 'musicnet survey'."))
            continue
        ws = wb[sheets[sheet]]  # type: ignore[index]
        for i, row in enumerate(ws.iter_rows(min_row=3, values_only=True), start=3):
            cells = [_cell(c) for c in row] + [""] * 5
            if not cells[0]:
                continue
            count = None
            if cells[2]:
                try:
                    count = _to_int(cells[2])  # the loader's rule for a whole number
                except ValueError:
                    problems.append(Problem(f"{path} [{sheet}]", f"'{cells[2]}' is not a "
                                            "whole number.", i, 3, "young_people_per_year",
                                            code="not-a-number", severity="warning"))
            target.append(RouteAnswer(cells[0], i, cells[1].lower(), count, cells[3]))
    return answer


#: How each answer column is recognised in an online-form export: exact keys first,
#: then words in the header.
_HEADER_KEYS = {
    "name": ("name", "organisation", "organisation name", "your organisation",
             "respondent", "organization", "organization name"),
    "onward": ("onward", "refers to", "refer to", "onward routes", "to"),
    "incoming": ("incoming", "receives from", "referred from", "incoming routes", "from"),
}


def _column_for(header: str) -> str | None:
    h = " ".join(re.sub(r"[^\w\s]", " ", header.lower()).split())
    for q in ABOUT_YOU:
        if h == " ".join(re.sub(r"[^\w\s]", " ", q.text.lower()).split()):
            return q.key
    for key, q in ROUTE_QUESTIONS.items():
        if h == " ".join(re.sub(r"[^\w\s]", " ", q.text.lower()).split()):
            return key
    for key, names in _HEADER_KEYS.items():
        if h in names:
            return key
    words = set(h.split())
    if words & {"refer", "signpost", "send", "receive", "referred", "signposted", "come",
                "routes", "route", "partners"}:
        if "to you" in h or "from" in words or "receive" in words or "come" in words:
            return "incoming"
        return "onward"
    if ("organisation" in words or "organization" in words) and "name" in words:
        return "name"
    for q in ABOUT_YOU:
        if q.key in ("borough", "website", "stages", "type", "remit") and q.key in words:
            return q.key
    if "email" in words:
        return "contact_email"
    return None


def _form_rows(path: Path, rows: list[list[str]], problems: list[Problem]) -> list[Answer]:
    rows = [r for r in rows]
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        problems.append(Problem(str(path), "is empty.", code="empty"))
        return []
    header = [h.replace("\ufeff", "").strip() for h in rows[0]]
    columns: dict[str, int] = {}
    for i, h in enumerate(header):
        key = _column_for(h)
        if key and key not in columns:
            columns[key] = i
    missing = [k for k in ("name",) if k not in columns]
    if missing or not ({"onward", "incoming"} & set(columns)):
        expected = [ABOUT_YOU[0].text, *(q.text for q in ROUTE_QUESTIONS.values())]
        problems.append(Problem(
            str(path), "cannot tell which columns hold the answers: it needs a column for "
            "the organisation's name and one for onward or incoming routes.", 1,
            code="unknown-columns",
            suggestion="Name the columns as the survey questions: " + "; ".join(
                f"'{t}'" for t in expected) + ". Columns found: " + ", ".join(
                f"'{h}'" for h in header if h) + "."))
        return []
    out: list[Answer] = []
    for line, row in enumerate(rows[1:], start=2):
        def get(key: str, _row: list[str] = row) -> str:
            i = columns.get(key)
            return _row[i].strip() if i is not None and i < len(_row) else ""

        if not any(c.strip() for c in row):
            continue
        respondent = get("name")
        if not respondent:
            problems.append(Problem(str(path), "the organisation's name is empty.", line,
                                    columns["name"] + 1, header[columns["name"]],
                                    "This row is left out.", "no-respondent", "warning"))
            continue
        details = {q.key: get(q.key) for q in ABOUT_YOU[1:] if get(q.key)}
        if "@" not in details.get("contact_email", "@"):
            del details["contact_email"]  # "anonymous", as some forms record it
        answer = Answer(str(path), line, respondent, details)
        if get("onward"):
            answer.onward.append(RouteAnswer(get("onward"), line))
        if get("incoming"):
            answer.incoming.append(RouteAnswer(get("incoming"), line))
        out.append(answer)
    return out


# -- decisions ----------------------------------------------------------------------------

def _key(respondent: str, question: str, mention: str) -> tuple[str, str, str]:
    return (" ".join(respondent.casefold().split()), question,
            " ".join(mention.casefold().split()))


def read_decisions(path: str | Path, net: Network) -> dict[tuple[str, str, str], str]:
    """The coordinator's decisions from a reviewed ``review.csv``: ``{key: id | 'new' |
    'skip'}`` for every row with a decision. Raises DataError for unknown ids."""
    from .loader import did_you_mean

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: review file not found.")
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig", "replace"),
                                       newline="")))
    if not rows:
        return {}
    header = [h.strip().lower() for h in rows[0]]
    need = ("respondent", "question", "mention", "decision")
    if any(h not in header for h in need):
        raise DataError([Problem(str(path), "is not a review file from musicnet responses: "
                                 "it needs the columns " + ", ".join(need) + ".", 1,
                                 code="bad-review")])
    col = {h: header.index(h) for h in need}
    out: dict[tuple[str, str, str], str] = {}
    problems: list[Problem] = []
    for line, row in enumerate(rows[1:], start=2):
        row = row + [""] * len(header)
        decision = row[col["decision"]].strip()
        if not decision:
            continue
        low = decision.lower()
        if low in DECISIONS:
            value = low
        else:
            try:
                value = net.resolve(decision)
            except UsageError:
                guess = did_you_mean(decision, net.orgs)
                problems.append(Problem(
                    str(path), f"decision '{decision}' is not an organisation id, 'new' or "
                    "'skip'.", line, col["decision"] + 1, "decision",
                    f"Did you mean '{guess}'?" if guess else "Give an id from "
                    "organisations.csv, new or skip.", "bad-decision"))
                continue
        out[_key(row[col["respondent"]], row[col["question"]].strip().lower(),
                 row[col["mention"]])] = value
    if problems:
        raise DataError(problems)
    return out


# -- applying -----------------------------------------------------------------------------

@dataclass
class _Mentioned:
    answer: Answer
    question: str  # respondent, onward, incoming
    text: str
    match: Match
    decision: str = ""
    item: RouteAnswer | None = None
    count: int | None = None

    @property
    def id(self) -> str | None:
        if self.decision:
            return None if self.decision in DECISIONS else self.decision
        return self.match.id

    @property
    def how(self) -> str:
        if self.decision:
            return {"new": "new", "skip": "skipped"}.get(self.decision, "decided")
        return self.match.how


@dataclass
class Outcome:
    """What :func:`apply_answers` found and made. ``files`` maps file names (in the new
    folder) to their content; ``routes`` is the new routes table."""

    routes: list[Route]
    files: dict[str, str | bytes]
    mentions: list[_Mentioned]
    added: list[Route]
    confirmed: list[tuple[Route, Route]]  # (before, after) for routes already there
    pending: int
    respondents: int
    unmatched_respondents: int
    new_names: list[str]
    warnings: list[str] = field(default_factory=list)
    #: the change from the old network to the new one, as ``musicnet diff`` reports it
    changes: Diff | None = None

    def summary(self, *, limit: int = 10) -> str:
        """What matched each way and what changed, in plain English (at most ``limit``
        rows per list of changes)."""
        by_how = Counter(m.how for m in self.mentions)
        auto = sum(by_how[h] for h in AUTOMATIC)
        review_how = ("uncertain", "ambiguous", "unmatched")
        to_review = sum(by_how[h] for h in review_how)
        lines = [f"Read {self.respondents} response{'s' if self.respondents != 1 else ''}"
                 + (f" ({self.unmatched_respondents} from organisations not matched yet)"
                    if self.unmatched_respondents else "") + "."]
        lines.append(
            f"Names: {len(self.mentions)} mentioned; {auto} matched automatically ("
            + ", ".join(f"{by_how[h]} {h}" for h in AUTOMATIC) + f"); {by_how['decided']} "
            f"decided in review; {to_review} to review ("
            + ", ".join(f"{by_how[h]} {h}" for h in review_how) + f"); {by_how['new']} new, "
            f"{by_how['skipped']} skipped.")
        both = sum(r.evidence == "both" for r in self.added)
        lines.append(f"Routes added: {len(self.added)} ({both} confirmed by both sides, "
                     f"{len(self.added) - both} one-sided).")
        changed = [(a, b) for a, b in self.confirmed if a != b]
        reactivated = sum(a.status != "active" for a, b in changed)
        lines.append(f"Routes already in the data named in answers: {len(self.confirmed)} "
                     f"({len(changed)} changed: evidence set or raised"
                     + (f", {reactivated} made active again" if reactivated else "") + ").")
        if self.pending:
            lines.append(f"{self.pending} route{'s wait' if self.pending != 1 else ' waits'} "
                         "for organisations not in the data yet (see review.csv and "
                         "new_organisations.csv).")
        if self.new_names:
            lines.append(f"Possible new organisations: {len(self.new_names)} (listed in "
                         "new_organisations.csv).")
        if to_review:
            lines.append("Next: fill in the decision column of review.csv (an id, new or "
                         "skip) and run again with --review.")
        if self.changes is not None:
            from .diff import format_text

            text = format_text(self.changes.to_dict(), limit=limit)
            text = text.split("\nMeasures (before -> after)")[0].rstrip()
            lines.append("")
            lines.append("What changed (as musicnet diff shows it; all of it in "
                         "changes.json):")
            lines.extend(text.splitlines()[1:])
        return "\n".join(lines)


def apply_answers(net: Network, answers: Sequence[Answer], *,
                  decisions: dict[tuple[str, str, str], str] | None = None,
                  sure: float | None = None,
                  organisations_csv: bytes | None = None) -> Outcome:
    """Match every name in ``answers`` against ``net`` and build the new data folder's
    files (see the module docstring). ``organisations_csv`` is copied as it is; without
    it organisations.csv is written from the network."""
    from .matching import SURE
    from .model import Route

    decisions = decisions or {}
    matcher = NameMatcher(net.orgs.values(), sure=SURE if sure is None else sure)
    mentions: list[_Mentioned] = []
    warnings: list[str] = []

    def decide(m: _Mentioned) -> _Mentioned:
        m.decision = decisions.get(_key(m.answer.respondent, m.question, m.text), "")
        mentions.append(m)
        return m

    # claims: (source, target) -> side -> (count, kind, since)
    claims: dict[tuple[str, str], dict[str, tuple[int | None, str, str]]] = {}
    pending = 0
    unmatched_respondents = 0
    respondent_of: dict[str, str] = {}
    for a in answers:
        me = decide(_Mentioned(a, "respondent", a.respondent, matcher.match(a.respondent)))
        if me.id is None:
            unmatched_respondents += 1
        elif me.id in respondent_of and respondent_of[me.id] != a.where:
            warnings.append(f"{net.name(me.id)} ({me.id}) answered twice ("
                            f"{respondent_of[me.id]} and {a.where}); both answers are used.")
        if me.id is not None:
            respondent_of.setdefault(me.id, a.where)
        for question, items in (("onward", a.onward), ("incoming", a.incoming)):
            for item in items:
                for mention in split_answer(item.text, matcher):
                    m = decide(_Mentioned(a, question, mention.text,
                                          matcher.match(mention.text), item=item,
                                          count=item.count if item.count is not None
                                          else mention.count))
                    if m.how == "skipped":
                        continue
                    if me.id is None or m.id is None:
                        pending += 1
                        continue
                    if m.id == me.id:
                        continue  # an organisation naming itself
                    pair = (me.id, m.id) if question == "onward" else (m.id, me.id)
                    side = "source" if question == "onward" else "target"
                    kind = item.kind if item.kind in ("referral", "signposting",
                                                      "partnership") else ""
                    old = claims.setdefault(pair, {}).get(side)
                    count = m.count if m.count is not None else (old[0] if old else None)
                    claims[pair][side] = (count, kind or (old[1] if old else ""),
                                          item.since or (old[2] if old else ""))

    routes: list[Route] = []
    confirmed: list[tuple[Route, Route]] = []
    for r in net.routes:
        sides = claims.pop((r.source, r.target), None)
        if sides is None:
            routes.append(r)
            continue
        new = _claimed(r, sides)
        confirmed.append((r, new))
        routes.append(new)
    added = [_claimed(Route(s, t), sides) for (s, t), sides in sorted(claims.items())]
    routes.extend(added)

    new_names, new_csv = _new_organisations(mentions, net)
    from .diff import diff
    from .network import Network

    after = Network(net.orgs.values(), routes, source="the new data")
    changes = diff(net, after)
    files: dict[str, str | bytes] = {
        "organisations.csv": organisations_csv if organisations_csv is not None
        else _organisations_csv(net),
        "referrals.csv": _referrals_csv(routes),
        "review.csv": _review_csv(mentions),
        "matches.csv": _matches_csv(mentions, net),
        "new_organisations.csv": new_csv,
        "changes.json": json.dumps(changes.to_dict(), indent=2, ensure_ascii=False) + "\n",
    }
    return Outcome(routes, files, mentions, added, confirmed, pending, len(answers),
                   unmatched_respondents, new_names, warnings, changes)


def _claimed(r: Route, sides: dict[str, tuple[int | None, str, str]]) -> Route:
    have = {r.evidence} if r.evidence in ("source", "target") else (
        {"source", "target"} if r.evidence == "both" else set())
    have |= set(sides)
    evidence = "both" if have == {"source", "target"} else next(iter(have))
    count_src = sides.get("source", (None, "", ""))
    count_tgt = sides.get("target", (None, "", ""))
    count = count_src[0] if count_src[0] is not None else count_tgt[0]
    kind = count_src[1] or count_tgt[1]
    since = count_src[2] or count_tgt[2]
    return replace(r, evidence=evidence, status="active",
                   young_people_per_year=count if count is not None
                   else r.young_people_per_year,
                   kind=kind or r.kind, since=r.since or since)


def _csv_text(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV table for Excel, guarded against formulas as every data file musicnet writes
    (:func:`musicnet.export.csv_cell`; the loader reads it back without the guard)."""
    from .export import csv_cell

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        # a lone carriage return would not be quoted with "\n" line ends: make it "\n"
        w.writerow(["" if v is None else _one_line_end(csv_cell(v)) for v in row])
    return buf.getvalue()


def _one_line_end(value: object) -> object:
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) \
        else value


def _referrals_csv(routes: Iterable[Route]) -> str:
    from . import schema

    cols = [c.name for c in schema.REFERRAL_COLUMNS]
    return _csv_text(cols, ([getattr(r, c) for c in cols] for r in routes))


def _organisations_csv(net: Network) -> str:
    from . import schema

    cols = [c.name for c in schema.ORGANISATION_COLUMNS]
    rows = []
    for o in net.orgs.values():
        row = []
        for c in cols:
            v = getattr(o, c)
            if c == "role" and o.role_derived:
                v = ""
            row.append(";".join(v) if isinstance(v, tuple) else v)
        rows.append(row)
    return _csv_text(cols, rows)


_REVIEW_STATUSES = ("uncertain", "ambiguous", "unmatched")


def _in_review(m: _Mentioned) -> bool:
    return m.match.how in _REVIEW_STATUSES or bool(m.decision)


def _review_csv(mentions: list[_Mentioned]) -> str:
    rows = []
    seen: set[tuple[str, str, str]] = set()
    for m in mentions:
        key = _key(m.answer.respondent, m.question, m.text)
        if not _in_review(m) or key in seen:
            continue
        seen.add(key)
        cands: list[object] = []
        for c in m.match.candidates[:3]:
            cands += [c.id, c.name, c.score]
        cands += [""] * (9 - len(cands))
        rows.append([m.answer.where, m.answer.respondent, m.question, m.text,
                     m.match.how, *cands, m.decision])
    return _csv_text(REVIEW_COLUMNS, rows)


def _matches_csv(mentions: list[_Mentioned], net: Network) -> str:
    rows = [[m.answer.where, m.answer.respondent, m.question, m.text, m.how, m.id or "",
             net.name(m.id) if m.id else "", m.match.score if not m.decision else ""]
            for m in mentions]
    return _csv_text(MATCH_COLUMNS, rows)


def _looks_like_an_organisation(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 8 and sum(ch.isalpha() for ch in text) >= 3


def _new_organisations(mentions: list[_Mentioned], net: Network
                       ) -> tuple[list[str], str]:
    """Names to consider adding: unmatched ones that look like organisation names and
    ones decided ``new``, with the details a respondent gave about itself."""
    from . import schema
    from .loader import slugify

    found: dict[str, dict[str, object]] = {}
    for m in mentions:
        if m.decision and m.decision != "new":
            continue
        if not (m.decision == "new" or (
                not m.decision and m.match.how in _REVIEW_STATUSES
                and m.match.score < NEW_BELOW and _looks_like_an_organisation(m.text))):
            continue
        norm = normalise_name(m.text)
        entry = found.setdefault(norm, {"name": m.text, "mentions": 0, "details": {}})
        entry["mentions"] = int(entry["mentions"]) + 1  # type: ignore[call-overload]
        if m.question == "respondent":
            entry["name"] = m.text
            entry["details"] = m.answer.details
    cols = [c.name for c in schema.ORGANISATION_COLUMNS] + ["mentioned"]
    used = {i.casefold() for i in net.orgs}
    rows = []
    for entry in sorted(found.values(), key=lambda e: (-int(e["mentions"]),  # type: ignore[call-overload]
                                                       str(e["name"]).casefold())):
        name = str(entry["name"])
        oid = slugify(name)
        base, n = oid, 2
        while oid.casefold() in used:
            oid, n = f"{base}-{n}", n + 1
        used.add(oid.casefold())
        details: dict[str, str] = entry["details"]  # type: ignore[assignment]
        values = {"id": oid, "name": name, "mentioned": entry["mentions"], **details}
        if "age_range" in details:
            ages = re.findall(r"\d+", details["age_range"])
            if len(ages) >= 2:
                values["age_min"], values["age_max"] = ages[0], ages[1]
        rows.append([values.get(c, "") for c in cols])
    return [str(e["name"]) for e in found.values()], _csv_text(cols, rows)


def plan(responses: Iterable[str | Path], data: str | Path, out: str | Path, *,
         review: str | Path | None = None, sure: float | None = None, force: bool = False
         ) -> tuple[Outcome, dict[Path, str | bytes], list[str]]:
    """Everything ``musicnet responses`` does before writing: load the data, read the
    answers and decisions, match, and the files to write as ``{path: content}`` with the
    data's warnings. Refuses an output folder that exists (unless ``force``) or that
    would overwrite any input."""
    from .network import load

    data, out = Path(data), Path(out)
    inputs = [*_files(responses), *([Path(review)] if review else [])]
    if data.is_dir():
        inputs += [data / "organisations.csv", data / "referrals.csv"]
    else:
        inputs.append(data)
    resolved = {p.resolve() for p in inputs}
    if out.resolve() == data.resolve() or out.resolve() in resolved:
        raise OutputRefused(f"the output folder {out} is an input; write to a new folder "
                            "(inputs are never changed).")
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"{out} is not a folder; give a folder for the new data.")
    if out.exists() and any(out.iterdir()) and not force:
        raise OutputRefused(f"{out} already exists and is not empty; choose a new folder, "
                            "or pass --force to replace the files musicnet writes there.")
    from ._files import note_input

    for p in inputs:
        note_input(p)
    net = load(data)
    answers = read_answers(responses)
    decisions = read_decisions(review, net) if review else {}
    org_bytes = (data / "organisations.csv").read_bytes() if data.is_dir() else None
    outcome = apply_answers(net, answers, decisions=decisions, sure=sure,
                            organisations_csv=org_bytes)
    files: dict[Path, str | bytes] = {out / name: content
                                      for name, content in outcome.files.items()}
    clash = sorted(str(p) for p in files if p.resolve() in resolved)
    if clash:
        raise OutputRefused(f"writing {', '.join(clash)} would overwrite an input; write to "
                            "a new folder (inputs are never changed).")
    return outcome, files, [str(w) for w in net.warnings]
