"""Exceptions and the problem report shared by the loader, the API and the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["DataError", "MusicnetError", "OutputRefused", "Problem", "UsageError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input file.

    ``line`` is the 1-based line of the file where the record starts (the header is line 1);
    ``column`` is the 1-based column number and ``field`` its header name.
    """

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    suggestion: str | None = None
    code: str = "invalid"
    severity: str = "error"

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}" + (f" ({self.field})" if self.field else ""))
        elif self.field:
            where.append(f"column {self.field}")
        text = ", ".join(where) + f": {self.message}"
        if self.suggestion:
            text += f" {self.suggestion}"
        return text

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class MusicnetError(Exception):
    """Base class for every error musicnet reports to a user."""


class UsageError(MusicnetError):
    """The request makes no sense for this data (unknown organisation, bad option value)."""


class OutputRefused(UsageError):
    """An output path that must not be written: an input of this run, a data file (both
    unless ``--force``), or something that is not a regular file. The CLI exits 2."""


class DataError(MusicnetError):
    """The input files have problems. ``problems`` lists every one found, in file order;
    ``str()`` gives the count and the first :attr:`STR_LIMIT` of them.

    >>> print(DataError([Problem("organisations.csv", "'name' is empty.", 3)]))
    1 problem in the input data:
      organisations.csv, line 3: 'name' is empty.
    """

    #: problems listed by ``str()`` (all of them are in ``problems`` and ``report()``)
    STR_LIMIT = 20

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"]
        self.warnings = [p for p in problems if p.severity != "error"]
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in the input data"
                 + (":" if n else ".")]
        lines += [f"  {p}" for p in self.problems[:self.STR_LIMIT]]
        if n > self.STR_LIMIT:
            lines.append(f"  ... and {n - self.STR_LIMIT} more (see .problems or .report()).")
        super().__init__("\n".join(lines))

    def report(self, limit: int = 200, *, writes: bool = True) -> str:
        """All problems, one per line, ending with a count (at most ``limit`` lines shown);
        ``writes``: the command would have written files (the count line says none were).

        >>> from musicnet.errors import Problem
        >>> print(DataError([Problem("a.csv", "bad.", line=2)]).report(writes=False))
        a.csv, line 2: bad.
        Found 1 problem. Fix it and run again.
        """
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems not shown.")
            # a file whose checking stopped says so, even when its line is not shown
            lines += [str(p) for p in self.problems[limit:] if p.code == "too-many-problems"]
        n = len(self.problems)
        lines.append(f"Found {n} problem{'s' if n != 1 else ''}"
                     f"{'; nothing was written' if writes else ''}. "
                     f"Fix {'it' if n == 1 else 'them'} and run again.")
        return "\n".join(lines)
