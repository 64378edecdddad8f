"""The ``musicnet`` command line: a thin click layer over the Python API.

Heavy libraries (networkx, pandas, pyvis, jinja2) are imported inside commands so that
``musicnet --help`` stays fast. Exit status: 0 ok, 1 invalid data or failed request,
2 wrong usage.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import DataError, MusicnetError, OutputRefused
from .schema import STAGES

STAGE_CHOICES = list(STAGES)

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

F = TypeVar("F", bound=Callable[..., Any])


def _choice(values: list[str]) -> click.Choice:
    """One of ``values``, in any case (``--format JSON`` is ``json``)."""
    return click.Choice(values, case_sensitive=False)


#: Warnings printed at most; the rest are counted.
MAX_WARNINGS_SHOWN = 20


def _echo(message: str = "", err: bool = False, nl: bool = True) -> None:
    """``click.echo`` with control characters in the text made visible (data text may
    hold terminal escape sequences)."""
    from ._terminal import term_safe

    click.echo(term_safe(message), err=err, nl=nl)


def _json(obj: object) -> str:
    from ._terminal import json_safe, json_text

    return json_safe(json_text(obj).rstrip("\n"))


class _Group(click.Group):
    """Turns musicnet errors into one clear message and exit status 1 (no traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        import gc

        # A command builds millions of small objects it keeps to the end; Python's cyclic
        # garbage collector would walk all of them again and again (a third of the time
        # of a 30,000-organisation build). Reference counting still frees everything that
        # is not in a cycle, and collection resumes when the command is done.
        gc.disable()
        if not ctx.params.get("debug"):
            import warnings

            # openpyxl warns about odd cells (a date out of range, an unknown extension)
            # on stderr with its own file paths; what matters is reported as bad data
            warnings.filterwarnings("ignore", module=r"openpyxl(\.|$)")
        try:
            return super().invoke(ctx)
        except DataError as exc:
            if ctx.params.get("debug"):
                raise
            # commands that only read and print have nothing to leave unwritten
            _echo(exc.report(writes=ctx.invoked_subcommand not in READ_ONLY), err=True)
            ctx.exit(1)
        except OutputRefused as exc:
            if ctx.params.get("debug"):
                raise
            _echo(f"Error: {exc}", err=True)
            ctx.exit(2)
        except MusicnetError as exc:
            if ctx.params.get("debug"):
                raise
            _echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: say so plainly, keep the traceback for --debug
            if ctx.params.get("debug"):
                raise
            _echo(f"Internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in musicnet. Run the same command with --debug and "
                       "include the output in a bug report.", err=True)
            ctx.exit(1)
        finally:
            gc.enable()


def data_argument(f: F) -> F:
    return click.argument("data_dir", default="data", type=click.Path(path_type=Path),
                          metavar="[DATA_DIR]")(f)


def force_option(f: F) -> F:
    return click.option("--force", is_flag=True,
                        help="Write even over an input file or a data file (their "
                        "contents are lost).")(f)


def quiet_option(f: F) -> F:
    return click.option("--quiet", "-q", is_flag=True,
                        help="Print nothing but errors.")(f)


def _status(message: str, quiet: bool) -> Any:
    """A spinner on stderr while something slow runs (terminals only, not with --quiet)."""
    import contextlib

    if quiet or not sys.stderr.isatty() or not click.get_current_context().find_root().obj.get(
            "color"):
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


#: Above this many organisations a run counts as long: stages are reported when stderr
#: is not a terminal (a line each), as a progress bar when it is.
LONG_RUN = 3000
#: From this many organisations, ``build`` works out suggestions and map layouts in a
#: forked child while it analyses (see :mod:`musicnet._background`).
PARALLEL_FROM = 1000


class _Steps:
    """Progress through a command's stages on stderr: a bar with a percentage on a
    terminal, one line per stage when not a terminal (long runs only), nothing with
    --quiet."""

    def __init__(self, total: int, quiet: bool, long_run: bool):
        self.total, self.done = total, 0
        color = click.get_current_context().find_root().obj.get("color")
        if quiet:
            self.mode = "none"
        elif sys.stderr.isatty() and color:
            self.mode = "bar"
        else:
            self.mode = "lines" if long_run else "none"
        self._bar: Any = None

    def __enter__(self) -> _Steps:
        if self.mode == "bar":
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                 BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def step(self, message: str) -> None:
        """Start the next stage (the previous one is done)."""
        if self.mode == "lines":
            pct = round(100 * self.done / self.total)
            click.echo(f"[{self.done + 1}/{self.total}, {pct}% done] {message}", err=True)
        elif self._bar is not None:
            self._bar.update(self._task, description=message, completed=self.done)
        self.done += 1


def _load(data_dir: Path, quiet: bool, as_of: str | None = None) -> Network:
    from .network import load

    with _status(f"Reading and checking {data_dir}...", quiet):
        net = load(data_dir)
    if not quiet:
        for w in net.warnings[:MAX_WARNINGS_SHOWN]:
            _echo(f"warning: {w}", err=True)
        more = len(net.warnings) - MAX_WARNINGS_SHOWN
        if more > 0:
            _echo(f"warning: ... and {more:,} more warning{'s' if more != 1 else ''} not "
                  "shown (run `musicnet check` after fixing these).", err=True)
    if as_of is not None:
        from .history import as_of as state_on
        from .history import route_dates

        full = net
        net = state_on(net, as_of)
        if full.routes and not net.routes and not quiet:
            starts = sorted((d, r.since) for r, d, _ in route_dates(full) if d is not None)
            first = f" (the earliest 'since' is {starts[0][1]})" if starts else ""
            alone = len(net.orgs)
            then = (f"only the {alone} organisation{'s' if alone != 1 else ''} with no routes "
                    "at all" if alone else "no organisations (each joins with its first "
                    "route)")
            _echo(f"warning: no route had started by {as_of}{first}: the network then has "
                  f"{then}.", err=True)
    if _KEPT is not None:
        _KEPT.append(net)
    return net


def as_of_option(f: F) -> F:
    return click.option("--as-of", "as_of", default=None, metavar="DATE",
                        help="Use the network as it was on DATE (e.g. 2024-03-31), from each "
                        "route's since and ended dates.")(f)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="musicnet")
@click.option("--debug", is_flag=True, help="Show full Python tracebacks (for bug reports).")
@click.option("--no-color", is_flag=True, help="Plain text, no colours or tables.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, no_color: bool) -> None:
    """Find where young people's musical journeys stop.

    musicnet reads a folder with organisations.csv (one row per organisation) and
    referrals.csv (one row per referral or signposting route), checks it, and finds dead
    ends, progression gaps, fragile routes and single points of failure.

    DATA_DIR defaults to ./data. Start with:

    \b
        musicnet build data     # check, analyse, and write the report, the map and
                                # analysis.json into output/
        musicnet check data     # only check the two files
    """
    ctx.obj = {"color": not no_color and "NO_COLOR" not in os.environ
               and sys.stdout.isatty()}


def _title_option(where: str, default: str) -> Callable[[F], F]:
    def decorate(f: F) -> F:
        return click.option("--title", default=None,
                            help=f"Title shown on the {where} (default: '{default}').")(f)
    return decorate


def _date_option(f: F) -> F:
    return click.option("--date", "data_date", default=None, metavar="TEXT",
                        help="When the data was collected, shown in the header "
                        "(e.g. 'March 2026').")(f)


def _suppress_option(f: F) -> F:
    return click.option("--suppress-below", type=click.IntRange(0), default=5,
                        show_default=True, metavar="N",
                        help="Show counts of young people below N as 'fewer than N' and "
                        "leave them out of totals (0 to show all).")(f)


def _private_option(f: F) -> F:
    f = _suppress_option(f)
    return click.option("--include-private", is_flag=True,
                        help="Include contact emails and notes (not for sharing).")(f)


@cli.command()
@data_argument
@quiet_option
def check(data_dir: Path, quiet: bool) -> None:
    """Check the data files and list every problem.

    Example: musicnet check data/
    """
    net = _load(data_dir, quiet)
    if not quiet:
        from .findings import plural

        _echo(f"OK: {plural(len(net), 'organisation')} and "
                   f"{plural(len(net.routes), 'route')} in "
                   f"{data_dir}, no problems found.")


@cli.command()
@data_argument
@click.option("--format", "fmt", type=_choice(["text", "json"]), default="text",
              show_default=True, help="Readable summary, or every result as JSON.")
@click.option("--limit", type=click.IntRange(1), default=15, show_default=True,
              help="Organisations listed per finding in text output.")
@click.option("--min-evidence", type=_choice(["any", "both"]), default="any",
              show_default=True,
              help="both: only routes confirmed by both organisations in a survey (routes "
              "recorded directly are kept; one-sided ones are left out).")
@as_of_option
@_suppress_option
@quiet_option
def analyse(data_dir: Path, fmt: str, limit: int, min_evidence: str, as_of: str | None,
            suppress_below: int, quiet: bool) -> None:
    """Analyse the network and print the findings.

    Examples:

        musicnet analyse data/ --format json > analysis.json

        musicnet analyse survey-data/ --min-evidence both
    """
    from .privacy import publish_result

    net = _load(data_dir, quiet, as_of)
    if min_evidence != "any":
        confirmed = net.with_min_evidence(min_evidence)
        if not quiet:
            left_out = len(net.routes) - len(confirmed.routes)
            _echo(f"Only confirmed routes: {left_out} one-sided route"
                  f"{'' if left_out == 1 else 's'} left out.", err=True)
        net = confirmed
    result = net.analyse()
    if fmt == "json":
        _echo(_json(publish_result(result, net, suppress_below)))
    else:
        from .analysis import format_text

        text = format_text(result, limit=limit)
        if click.get_current_context().find_root().obj.get("color"):
            _rich_findings(result, text)
        else:
            _echo(text)


def _rich_findings(result: dict[str, object], text: str) -> None:
    """The text summary with a table of counts and coloured headings (terminals only).
    Data text is passed as rich Text objects, never as markup, so names cannot style it."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .findings import NETWORK_FINDINGS

    console = Console(highlight=False)
    s = result["summary"]
    table = Table(title="Where journeys stop", title_justify="left")
    table.add_column("Finding")
    table.add_column("Count", justify="right")
    for finding in NETWORK_FINDINGS:
        n = s[finding.key]  # type: ignore[index]
        table.add_row(finding.label, Text(str(n), style="bold red" if n else "green"))
    console.print(table)
    from ._terminal import term_safe

    for line in term_safe(text).splitlines():
        if line and not line.startswith(" "):
            console.print(Text(line, style="bold cyan"))
        elif line.startswith("  What to do:"):
            console.print(Text(line, style="yellow"))
        else:
            console.print(Text(line))


@cli.command()
@data_argument
@click.option("--out", "--output", "-o", "out_dir", type=click.Path(path_type=Path),
              default="output",
              show_default=True, help="Folder to write into.")
@_title_option("map and the report", "Youth music progression network")
@_date_option
@click.option("--previous", type=click.Path(path_type=Path), default=None, metavar="OLD",
              help="Last time's data (folder or workbook): adds 'Since last time' to the "
              "report and writes changes.json and changes-map.html.")
@as_of_option
@_private_option
@force_option
@quiet_option
def build(data_dir: Path, out_dir: Path, title: str | None, data_date: str | None,
          previous: Path | None, as_of: str | None, include_private: bool,
          suppress_below: int, force: bool, quiet: bool) -> None:
    """Check, analyse, write report.html, map.html and analysis.json.

    Nothing is written unless the data is valid. Examples:

        musicnet build data/ --out output/

        musicnet build data/2026 --previous data/ --out output/
    """
    from ._files import check_outputs, write_outputs
    from ._terminal import json_text
    from .privacy import publish_result
    from .render.map import render_map
    from .render.report import render_report

    net = _load(data_dir, quiet, as_of)
    old = _load(previous, quiet) if previous is not None else None
    names = ["analysis.json", "map.html", "report.html"]
    if old is not None:
        names += ["changes.json", "changes-map.html"]
    check_outputs([out_dir / n for n in names], force=force)
    from ._background import Background, can_fork
    from .render.map import map_layouts
    from .render.report import report_suggestions

    def side() -> tuple[list[Any], Any]:
        # one list of suggestions for the map and the report
        return report_suggestions(net, top=10), map_layouts(net)

    # a large network's suggestions and map layouts are worked out by a forked copy of
    # the process while this one analyses (console runs only: never fork a notebook)
    with Background(side, fork=_KEPT is not None and len(net) >= PARALLEL_FROM
                    and can_fork()) as job, _Steps(5, quiet, len(net) > LONG_RUN) as steps:
        steps.step("Analysing...")
        result = net.analyse()
        changes = None
        if old is not None:
            from .diff import diff

            changes = diff(old, net)
        steps.step("Suggesting missing links...")
        suggested, layouts = job.result()
        steps.step("Drawing the map...")
        page = render_map(net, title=title, include_private=include_private,
                          data_date=data_date, suppress_below=suppress_below, result=result,
                          suggestions=suggested, layouts=layouts)
        steps.step("Writing the report...")
        report_page = render_report(net, title=title, data_date=data_date,
                                    include_private=include_private,
                                    suppress_below=suppress_below, result=result,
                                    changes=changes, suggested=suggested)
        steps.step("Writing the files...")
        files = {
            out_dir / "analysis.json": json_text(publish_result(result, net, suppress_below)),
            out_dir / "map.html": page,
            out_dir / "report.html": report_page,
        }
        if changes is not None:
            from .render.diff import render_diff_map

            files[out_dir / "changes.json"] = json_text(
                changes.to_dict(suppress_below=suppress_below))
            files[out_dir / "changes-map.html"] = render_diff_map(
                changes, title=title, include_private=include_private,
                suppress_below=suppress_below)
        write_outputs(files, force=force)
    if not quiet:
        from .findings import NETWORK_FINDINGS, plural

        s = result["summary"]
        _echo(
            f"{plural(s['organisations'], 'organisation')}, "
            f"{plural(s['routes_by_status']['active'], 'active route')}: "
            + ", ".join(f.count(s[f.key]) for f in NETWORK_FINDINGS[:4]) + ".")
        for path in files:
            _echo(f"wrote {path}")


#: Commands that never write a file.
READ_ONLY = frozenset({"analyse", "check", "path", "suggest"})


def _page_format(out: Path | None, fmt: str | None, endings: dict[str, str],
                 default: str, kinds: str) -> str:
    """The format a page-writing command writes: ``--format`` if given, else what the
    output name's ending asks for (``endings``: ending -> format), else ``default``. An
    output name whose ending does not fit is refused (exit 2; a map called .pdf would
    still be HTML inside), naming the file to use instead; a name with no ending is
    taken as it is. ``kinds`` says in words what the command writes."""
    suffix = out.suffix.lower() if out is not None else ""
    given = fmt is not None
    if fmt is None:
        fmt = endings.get(suffix, default) if suffix else default
    wanted = next(e for e, f in endings.items() if f == fmt)
    # a name without an ending (a device, a pipe, a file named so on purpose) is taken
    # as it is; the output checks refuse what is not a regular file
    if out is not None and suffix and endings.get(suffix) != fmt:
        if given:
            raise click.UsageError(f"--format {fmt} writes a {wanted} file, but the output "
                                   f"name is {out.name}. Use -o {out.with_suffix(wanted)}")
        raise click.UsageError(f"this command writes {kinds}; {out.name} ends in {suffix}. "
                               f"Use -o {out.with_suffix(wanted)}")
    return fmt


@cli.command(name="map")
@data_argument
@click.option("--output", "-o", "out", type=click.Path(path_type=Path), default=None,
              help="File to write [default: output/map.html, or output/map.svg/.png].")
@click.option("--format", "fmt", type=_choice(["html", "svg", "png"]), default=None,
              help="html: the interactive map; svg/png: a static picture of the same layout "
              "[default: from the output name's ending, else html].")
@click.option("--view", type=_choice(["ladder", "geo"]), default="ladder",
              show_default=True, help="Layout of the static picture.")
@_title_option("map", "Youth music progression network")
@_date_option
@as_of_option
@_private_option
@force_option
@quiet_option
def map_command(data_dir: Path, out: Path | None, fmt: str | None, view: str,
                title: str | None,
                data_date: str | None, as_of: str | None, include_private: bool,
                suppress_below: int, force: bool, quiet: bool) -> None:
    """Write the interactive network map (one HTML file that works offline).

    Examples:

        musicnet map data/ -o lewisham.html --title "Lewisham pathways"

        musicnet map data/ --format svg -o network.svg
    """
    from ._files import check_outputs, write_outputs

    if out is not None:
        check_outputs([out], force=force)  # an input or a data file: say that first
    fmt = _page_format(out, fmt, {".html": "html", ".htm": "html", ".svg": "svg",
                                  ".png": "png"}, "html",
                       "the interactive map (.html) or a picture (.svg or .png)")
    net = _load(data_dir, quiet, as_of)
    out = out or Path("output") / f"map.{fmt}"
    check_outputs([out], force=force)
    content: str | bytes
    if fmt == "html":
        from .render.map import render_map

        content = render_map(net, title=title, include_private=include_private,
                             data_date=data_date, suppress_below=suppress_below)
    else:
        from .render.picture import render_picture

        content = render_picture(net, fmt=fmt, view=view, title=title)
    write_outputs({out: content}, force=force)
    if not quiet:
        _echo(f"wrote {out}")


@cli.command()
@data_argument
@click.option("--output", "-o", "out", type=click.Path(path_type=Path), default=None,
              help="File to write [default: output/report.html or output/report.md].")
@click.option("--format", "fmt", type=_choice(["html", "md"]), default=None,
              help="A printable web page, or Markdown [default: from the output name's "
              "ending, else html].")
@click.option("--suggestions", type=click.IntRange(0), default=5, show_default=True,
              help="How many suggested missing links to include.")
@_title_option("report", "Youth music progression: where journeys stop")
@_date_option
@_private_option
@force_option
@quiet_option
def report(data_dir: Path, out: Path | None, fmt: str | None, suggestions: int,
           title: str | None,
           data_date: str | None, include_private: bool, suppress_below: int,
           force: bool, quiet: bool) -> None:
    """Write the coordinator's report: findings in plain English, charts, cold spots.

    Examples:

        musicnet report data -o report.html --title "Lewisham network review"

        musicnet report data --format md -o report.md
    """
    from ._files import check_outputs, write_outputs
    from .render.report import render_report

    if out is not None:
        check_outputs([out], force=force)  # an input or a data file: say that first
    fmt = _page_format(out, fmt, {".html": "html", ".htm": "html", ".md": "md"}, "html",
                       "a web page (.html) or Markdown (.md)")
    net = _load(data_dir, quiet)
    out = out or Path("output") / f"report.{fmt}"
    check_outputs([out], force=force)
    with _status("Writing the report...", quiet):
        page = render_report(net, fmt=fmt, suggestions=suggestions, title=title,
                             data_date=data_date, include_private=include_private,
                             suppress_below=suppress_below)
    write_outputs({out: page}, force=force)
    if not quiet:
        _echo(f"wrote {out}")


@cli.command()
@data_argument
@click.option("--format", "fmt", default=None,
              type=_choice(["graphml", "gexf", "json", "kumu", "csv"]),
              help="graphml/gexf: Gephi, yEd, Cytoscape; kumu: an Excel workbook for Kumu; "
              "json: node-link; csv: a folder of tables, one per analysis [default: from "
              "the output name: .graphml, .gexf, .json, .xlsx (Kumu), a folder (csv)].")
@click.option("--output", "-o", "out", type=click.Path(path_type=Path), required=True,
              help="File to write (a folder for csv).")
@_private_option
@force_option
@quiet_option
def export(data_dir: Path, fmt: str | None, out: Path, include_private: bool,
           suppress_below: int, force: bool, quiet: bool) -> None:
    """Export the network with analysis flags and layout for Gephi, Kumu or Excel.

    Examples:

        musicnet export data --format graphml -o network.graphml

        musicnet export data --format kumu -o kumu.xlsx

        musicnet export data --format csv -o tables/
    """
    from ._files import write_outputs
    from .export import check_output_name, export_files, format_for

    if fmt is None:
        fmt = format_for(out)
        if fmt is None:
            raise click.UsageError(f"cannot tell the format from the name {out.name}: add "
                                   "--format (graphml, gexf, json, kumu or csv).")
    check_output_name(fmt, out)
    net = _load(data_dir, quiet)
    with _status(f"Exporting {fmt}...", quiet):
        files = export_files(net, fmt, out, include_private=include_private,
                             suppress_below=suppress_below)
    write_outputs(files, force=force)
    if not quiet:
        names = ", ".join(p.name for p in files)
        _echo(f"wrote {out}" if len(files) == 1 else f"wrote {len(files)} files to "
                   f"{out}/: {names}")


@cli.command(name="import")
@click.argument("source", type=click.Path(path_type=Path, exists=True))
@click.option("--output", "-o", "out", type=click.Path(path_type=Path, file_okay=False),
              required=True, help="Data folder to create (organisations.csv, referrals.csv).")
@click.option("--force", is_flag=True,
              help="Write into a folder that already has files (replaces organisations.csv "
              "and referrals.csv).")
@quiet_option
def import_command(source: Path, out: Path, force: bool, quiet: bool) -> None:
    """Make a data folder from a Kumu map, a Gephi file or a service directory.

    SOURCE is a Kumu export (.xlsx, the folder with its Elements and Connections CSV
    files, or a JSON blueprint), a .gexf or .graphml file, node-link .json, an Open
    Referral UK / HSDS folder (organizations.csv, services.csv) or the folder of tables
    `musicnet export --format csv` writes. Fields that fit are mapped, the rest go to notes,
    and organisations still missing required fields are listed. Example:

        musicnet import kumu-export.xlsx -o mydata && musicnet check mydata
    """
    from ._files import note_input, write_outputs
    from .importer import import_files

    for p in ([source] if not source.is_dir() else sorted(source.iterdir())):
        note_input(p)
    with _status(f"Reading {source}...", quiet):
        files, result = import_files(source, out, force=force)
    write_outputs(files, force=force)
    if quiet:
        return
    lines = result.report().splitlines()
    shown = lines[:40]
    for line in shown:
        _echo(line, err=line.startswith("warning:"))
    if len(lines) > len(shown):
        _echo(f"... and {len(lines) - len(shown)} more lines in "
                   f"{out / 'import-report.txt'}")
    _echo(f"wrote {', '.join(str(p) for p in files)}")
    if result.missing:
        _echo(f"Next: fill in the fields listed above, then run: musicnet check {out}")
    else:
        _echo(f"Next: musicnet check {out}")


@cli.command()
@click.option("--output", "-o", "out", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("musicnet-template.xlsx"), show_default=True,
              help="Workbook to write.")
@force_option
@quiet_option
def template(out: Path, force: bool, quiet: bool) -> None:
    """Write an empty Excel workbook to fill in: headers, drop-downs, a read-me sheet.

    Give the filled-in workbook to any command instead of a data folder. Example:

        musicnet template -o my-network.xlsx && musicnet build my-network.xlsx
    """
    from ._files import check_outputs, write_outputs
    from .export import template_workbook

    if out.suffix and out.suffix.lower() != ".xlsx":
        raise click.UsageError(f"the template is an Excel workbook; {out.name} ends in "
                               f"{out.suffix}. Use -o {out.with_suffix('.xlsx')}")
    check_outputs([out], force=force, new_only="an empty template")
    write_outputs({out: template_workbook()}, force=force)
    if not quiet:
        _echo(f"wrote {out}")


@cli.command(name="diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=_choice(["text", "json", "html"]), default="text",
              show_default=True, help="Readable text, every change as JSON, or a web page "
              "with the report's look.")
@click.option("--output", "-o", "out", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of printing (needed for html: default "
              "output/changes.html).")
@click.option("--map", "map_file", type=click.Path(path_type=Path), default=None,
              help="Also write the map of changes: new routes and organisations green, "
              "lost ones dashed red, changed ones amber.")
@click.option("--limit", type=click.IntRange(1), default=15, show_default=True,
              help="Rows listed per change in text output.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Compare the two as they were on DATE (from route since/ended dates).")
@click.option("--old-as-of", default=None, metavar="DATE",
              help="Use OLD as it was on DATE (with one file holding history: musicnet "
              "diff data data --old-as-of 2024-12-31 --as-of 2025-12-31).")
@_title_option("report and map of changes", "What changed since last time")
@_private_option
@force_option
@quiet_option
def diff_command(old: Path, new: Path, fmt: str, out: Path | None, map_file: Path | None,
                 limit: int, as_of: str | None, old_as_of: str | None, title: str | None,
                 include_private: bool, suppress_below: int, force: bool,
                 quiet: bool) -> None:
    """What changed between two states of the network (last year's data and this year's).

    OLD and NEW are data folders or workbooks. Lists organisations and routes added,
    removed and changed, findings resolved and new, and every measure before and after.

    Examples:

    \b
        musicnet diff data data/2026
        musicnet diff data data/2026 --format html -o changes.html --map changes-map.html
    """
    from ._files import write_outputs
    from .diff import diff, format_text

    before = _load(old, quiet, old_as_of or as_of)
    after = _load(new, quiet, as_of)
    with _status("Comparing...", quiet):
        d = diff(before, after)
    result = d.to_dict(suppress_below=suppress_below)
    files: dict[Path, str] = {}
    if fmt == "html":
        from .render.diff import render_diff

        files[out or Path("output") / "changes.html"] = render_diff(d, title=title)
    else:
        from ._terminal import json_text

        text = (json_text(result).rstrip("\n") if fmt == "json"
                else format_text(result, limit=limit))
        if out is not None:
            files[out] = text + "\n"
        else:
            _echo(_json(result) if fmt == "json" else text)
    if map_file is not None:
        from .render.diff import render_diff_map

        if map_file in files:  # (other spellings of one path: check_outputs)
            raise click.UsageError(f"--map and -o both name {map_file}: give two files.")
        files[map_file] = render_diff_map(d, title=title, include_private=include_private,
                                          suppress_below=suppress_below)
    if files:
        write_outputs(files, force=force)
        if not quiet:
            for path in files:
                _echo(f"wrote {path}", err=out is None and fmt != "html")


@cli.command()
@data_argument
@click.option("--format", "fmt", type=_choice(["text", "json"]), default="text",
              show_default=True, help="Readable table, or JSON.")
@quiet_option
def timeline(data_dir: Path, fmt: str, quiet: bool) -> None:
    """Key counts at the end of each year, from the routes' since and ended dates.

    Example: musicnet timeline data
    """
    from .history import timeline as year_rows
    from .history import timeline_text

    net = _load(data_dir, quiet)
    with _status("Going through the years...", quiet):
        rows = year_rows(net)
    _echo(_json(rows) if fmt == "json" else timeline_text(rows))


@cli.command()
@data_argument
@click.option("--output", "-o", "out", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("survey.xlsx"), show_default=True,
              help="Workbook to write; the plain-text version goes beside it (.txt).")
@click.option("--title", default=None, help="Title of the survey.")
@force_option
@quiet_option
def survey(data_dir: Path, out: Path, title: str | None, force: bool, quiet: bool) -> None:
    """Write the survey that asks each organisation for its routes.

    A workbook to send to each organisation (known organisation names as a drop-down
    list, any other name accepted) and the same questions as plain text to paste into
    an online form. Read the answers back with `musicnet responses`. An existing
    workbook is never replaced without --force (it may be a filled-in one). Example:

        musicnet survey data/ -o survey.xlsx
    """
    from ._files import check_outputs, write_outputs
    from .survey import survey_text, survey_workbook

    if out.suffix.lower() != ".xlsx":
        raise click.UsageError(f"the survey is an Excel workbook; {out.name} does not end in "
                               f".xlsx. Use -o {out.with_suffix('.xlsx')}")
    text_file = out.with_suffix(".txt")
    # a workbook already there may be one an organisation filled in and sent back
    check_outputs([out], force=force, new_only="the blank survey")
    check_outputs([text_file], force=force)
    net = _load(data_dir, quiet)
    text = survey_text(net, title=title)
    # the .txt beside the workbook was not named by the user: replace it only if it is an
    # earlier survey's text (its first two lines are the title and its underline)
    if not force and text_file.is_file():
        with open(text_file, encoding="utf-8", errors="replace") as fh:
            head = [fh.readline().rstrip("\r\n") for _ in range(2)]
        if head[1] != "=" * len(head[0]) or not head[0]:
            raise OutputRefused(f"will not write over {text_file}: the survey's questions go "
                                "there as text, and it holds something else. Move it, give "
                                "another -o, or add --force to replace it.")
    write_outputs({out: survey_workbook(net, title=title), text_file: text}, force=force)
    if not quiet:
        _echo(f"wrote {out}\nwrote {text_file}")


@cli.command()
@click.argument("answers", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="RESPONSES...")
@click.option("--data", "-d", "data_dir", type=click.Path(path_type=Path), default="data",
              show_default=True, help="The data folder (or workbook) the answers add to.")
@click.option("--out", "--output", "-o", "out_dir", type=click.Path(path_type=Path), required=True,
              help="New data folder to write (must not exist, or use --force).")
@click.option("--review", "review_file", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="A review.csv with the decision column filled in.")
@click.option("--sure", type=click.FloatRange(50, 100), default=None, metavar="SCORE",
              help="Fuzzy score (0-100) at which a name matches without review "
              "[default: 90].")
@click.option("--force", is_flag=True,
              help="Write into an existing output folder (never over an input).")
@quiet_option
def responses(answers: tuple[Path, ...], data_dir: Path, out_dir: Path,
              review_file: Path | None, sure: float | None, force: bool,
              quiet: bool) -> None:
    """Add the routes from survey answers to a new data folder.

    RESPONSES are filled survey workbooks and online-form exports (CSV or xlsx, one row
    per organisation), or folders of them. Names are matched to organisations; anything
    uncertain goes to review.csv for you to decide. Examples:

    \b
        musicnet responses answers/ -d data -o data-2026
        musicnet responses answers/ -d data -o data-2026b --review data-2026/review.csv
    """
    from ._files import write_outputs
    from .responses import plan

    with _status("Matching names...", quiet):
        outcome, files, warnings = plan(answers, data_dir, out_dir, review=review_file,
                                        sure=sure, force=force)
    write_outputs(files, force=force)
    if not quiet:
        for w in (*warnings, *outcome.warnings):
            _echo(f"warning: {w}", err=True)
        _echo(outcome.summary())
        for path in files:
            _echo(f"wrote {path}")


def _data_and_org(args: tuple[str, ...]) -> tuple[Path, str]:
    if len(args) == 1 and Path(args[0]).is_dir():
        import shlex

        raise click.UsageError(
            f"give the organisation to start from after the data folder: musicnet path "
            f"{shlex.quote(args[0])} ORG, where ORG is its id (the id column of "
            f"organisations.csv).")
    if len(args) == 1:
        return Path("data"), args[0]
    if len(args) == 2:
        return Path(args[0]), args[1]
    if not args:
        raise click.UsageError("give the organisation to start from, e.g. musicnet path "
                               "data kite-street-alternative-provision")
    data = args[0] if Path(args[0]).is_dir() else "data"
    raise click.UsageError(
        f"give one organisation: this shows every pathway onward from it ({len(args)} "
        f"values given). To find a route from {args[-2]} to {args[-1]}: musicnet path "
        f"{data} {args[-2]} --to {args[-1]}")


def _format_option(f: F) -> F:
    return click.option("--format", "fmt", type=_choice(["text", "json"]),
                        default="text", show_default=True, help="Readable text, or JSON.")(f)


@cli.command()
@click.argument("args", nargs=-1, metavar="[DATA_DIR] ORG")
@click.option("--to-stage", type=_choice(STAGE_CHOICES), default=None,
              help="Only routes to this stage.")
@click.option("--genre", default=None, help="Only destinations offering this genre.")
@click.option("--to", "to_org", metavar="ORG", default=None,
              help="The shortest route from ORG to this organisation instead.")
@_format_option
@quiet_option
def path(args: tuple[str, ...], to_stage: str | None, genre: str | None,
         to_org: str | None, fmt: str, quiet: bool) -> None:
    """Where can a young person go from ORG? The shortest routes to each higher stage,
    or with --to, the shortest route to one organisation.

    Examples:

    \b
        musicnet path data kite-street-alternative-provision --genre grime
        musicnet path data kite-street-alternative-provision --to harbour-steel-band
    """
    if to_org is not None and (to_stage or genre):
        raise click.UsageError("--to finds the route to one organisation; leave out "
                               "--to-stage and --genre with it.")
    data_dir, org = _data_and_org(args)
    net = _load(data_dir, quiet)
    import dataclasses

    result = (dataclasses.replace(net.route_between(org, to_org), data_dir=str(data_dir))
              if to_org is not None else net.pathways(org, to_stage=to_stage, genre=genre))
    _echo(_json(result.to_dict()) if fmt == "json" else str(result))


def _whatif_title(diff: Any, added: int, removed: int, include_planned: bool) -> str:
    """The what-if map's title: the change in words ("What if: Catford Beats closed, 2
    proposed routes")."""
    from .findings import plural

    parts = []
    closed = [diff.names[v] for v in diff.organisations_closed]
    if closed:
        parts.append(f"{closed[0]} closed" if len(closed) == 1
                     else f"{len(closed)} organisations closed")
    if added:
        parts.append(plural(added, "proposed route"))
    if removed:
        parts.append(plural(removed, "route") + " removed")
    if include_planned:
        parts.append("planned routes switched on")
    return "What if: " + ", ".join(parts)


def _pairs(values: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    """SRC:TGT option values as id pairs; a malformed one is a usage error (exit 2)."""
    from .errors import UsageError
    from .whatif import parse_pair

    try:
        return [parse_pair(v) for v in values]
    except UsageError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from exc


@cli.command()
@data_argument
@click.option("--add", multiple=True, metavar="SRC:TGT", help="Add a route (repeatable).")
@click.option("--remove", multiple=True, metavar="SRC:TGT",
              help="Remove an active route (repeatable).")
@click.option("--close", multiple=True, metavar="ORG",
              help="Close an organisation and all its routes (repeatable).")
@click.option("--routes", "routes_file", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Add every route in this CSV (referrals.csv format).")
@click.option("--include-planned", is_flag=True, help="Switch on the planned routes.")
@click.option("--map", "map_file", type=click.Path(path_type=Path), default=None,
              help="Also write the map, with added routes drawn dashed.")
@_format_option
@force_option
@quiet_option
def whatif(data_dir: Path, add: tuple[str, ...], remove: tuple[str, ...],
           close: tuple[str, ...], routes_file: Path | None, include_planned: bool,
           map_file: Path | None, fmt: str, force: bool, quiet: bool) -> None:
    """What would change if routes were added, removed or an organisation closed?

    Examples:

    \b
        musicnet whatif data --add ashdown-primary-school:marigold-song-studio
        musicnet whatif data --close open-doors-music-network-london-wide --format json
    """
    from .whatif import compare

    added: list[object] = list(_pairs(add, "--add"))
    removed = _pairs(remove, "--remove")
    net = _load(data_dir, quiet)
    if map_file is not None:
        from ._files import check_outputs

        check_outputs([map_file], force=force)
    if routes_file is not None:
        added.extend(_routes_csv(routes_file, net))
    if not (added or remove or close or include_planned):
        raise click.UsageError("say what changes: --add, --remove, --close, --routes or "
                               "--include-planned.")
    after = net.with_routes(add=added, remove=removed, close=close,
                            include_planned=include_planned)
    diff = compare(net, after)
    if map_file is not None:
        from ._files import write_outputs
        from .render.diff import render_whatif_map

        title = _whatif_title(diff, len(added), len(removed), include_planned)
        write_outputs({map_file: render_whatif_map(net, after, diff, title=title)},
                      force=force)
    if quiet:  # nothing but errors (useful with --map)
        return
    _echo(_json(diff.to_dict()) if fmt == "json" else str(diff))
    if map_file is not None and fmt == "text":
        _echo(f"wrote {map_file}")


def _routes_csv(path: Path, net: Network) -> list[object]:
    """Routes from a CSV in the referrals.csv format, validated like referrals.csv."""
    from .loader import read_routes_file

    return list(read_routes_file(path, net))


@cli.command()
@data_argument
@click.option("--top", type=click.IntRange(1), default=10, show_default=True,
              help="How many suggestions.")
@click.option("--for", "for_org", default=None, metavar="ORG",
              help="Only routes from this organisation.")
@click.option("--borough", default=None, help="Only routes from organisations in a borough.")
@click.option("--greedy", type=click.IntRange(1), default=None, metavar="K",
              help="Choose K routes one after another, each measured with the earlier ones "
              "added.")
@click.option("--allow-any", is_flag=True,
              help="Also suggest routes that break the domain rules (role order, placement "
              "settings, ages, target groups); each says which rule it breaks.")
@_format_option
@quiet_option
def suggest(data_dir: Path, top: int, for_org: str | None, borough: str | None,
            greedy: int | None, allow_any: bool, fmt: str, quiet: bool) -> None:
    """Suggest the missing links that would most improve progression.

    Each suggestion says why it fits and its exact impact (as `musicnet whatif` measures).

    Example: musicnet suggest data --top 5 --borough Lewisham
    """
    net = _load(data_dir, quiet)
    show_bar = not quiet and fmt == "text" and len(net) > 3000 and sys.stderr.isatty()
    if show_bar:
        with click.progressbar(length=1, label="Scoring candidate routes",
                               file=sys.stderr) as bar:
            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            result = net.suggest_links(top=top, for_org=for_org, borough=borough,
                                       greedy=greedy, allow_any=allow_any, progress=progress)
    else:
        result = net.suggest_links(top=top, for_org=for_org, borough=borough, greedy=greedy,
                                   allow_any=allow_any)
    if fmt == "json":
        _echo(_json([s.to_dict() for s in result]))
        return
    if not result:
        _echo("No suggestions: every organisation considered can already reach every "
                   "stage above its own.")
        return
    label = "Plan, in order" if greedy else "Suggested new routes, best first"
    _echo(f"{label} (score: how well the two fit, plus what the route would fix; see "
          "docs/whatif.md):")
    for i, sug in enumerate(result, 1):
        _echo(f"{i}. {sug}")


@cli.command()
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--orgs", type=click.IntRange(2), default=150, show_default=True,
              help="Number of organisations.")
@click.option("--routes", type=click.IntRange(0), default=None,
              help="Number of routes [default: 5 per organisation].")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@force_option
@quiet_option
def synth(out_dir: Path, orgs: int, routes: int | None, seed: int, force: bool,
          quiet: bool) -> None:
    """Write a synthetic London-like network (for trying musicnet out, and benchmarks).

    Refuses to write into a folder that already holds data, unless --force. Example:

        musicnet synth /tmp/big --orgs 2000 --routes 10000 --seed 1
    """
    from ._files import check_outputs, write_outputs
    from .synth import data_files, generate

    if out_dir.exists() and not out_dir.is_dir():
        raise OutputRefused(f"cannot write into {out_dir}: it is not a folder.")
    targets = [out_dir / "organisations.csv", out_dir / "referrals.csv"]
    check_outputs(targets, force=force)
    o, r = generate(orgs, routes if routes is not None else orgs * 5, seed=seed)
    write_outputs(data_files(out_dir, o, r), force=force)
    if not quiet:
        from .findings import plural

        _echo(f"wrote {plural(len(o), 'organisation')} and {plural(len(r), 'route')} "
              f"to {out_dir}")


class _Terminated(SystemExit):
    """Raised by the SIGTERM handler so clean-up code runs (temporary files removed)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated(128 + signum)


#: While the console command runs, every loaded network is kept here so that nothing is
#: freed one object at a time when the command returns (see :func:`main`).
_KEPT: list[Any] | None = None


def main() -> None:
    """Console entry point. SIGTERM and Ctrl-C stop the command cleanly: temporary files
    are removed and nothing half-written is left (exit 143 and 130).

    When the command is over, the process ends straight away (``os._exit`` after flushing
    the output): every file is already written and closed, and freeing a large network's
    millions of objects one by one, then tearing down every module, took up to a second
    for nothing. In-process callers (``CliRunner``, notebooks) use :data:`cli`, which
    frees normally.
    """
    global _KEPT
    _KEPT = []
    code = _run()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _run() -> int:
    import signal

    with contextlib.suppress(ValueError, OSError):  # not in the main thread
        signal.signal(signal.SIGTERM, _on_sigterm)
    def done() -> str:  # what was written before the interruption
        from ._files import WRITTEN

        if not WRITTEN:
            return "nothing was written"
        return "already written: " + ", ".join(str(p) for p in WRITTEN)

    try:
        rc = cli(prog_name="musicnet", standalone_mode=False)
    except KeyboardInterrupt:
        _echo(f"\nInterrupted: {done()}.", err=True)
        return 130
    except _Terminated as exc:
        _echo(f"Stopped (SIGTERM): {done()}.", err=True)
        return int(exc.code or 143)
    except click.exceptions.Abort:
        _echo(f"\nInterrupted: {done()}.", err=True)
        return 130
    except click.ClickException as exc:
        # the message may repeat the command line's own arguments (a folder name from an
        # unzipped archive may hold terminal escape sequences)
        from ._terminal import term_safe

        exc.message = term_safe(exc.message)
        if isinstance(exc, click.BadParameter) and exc.param_hint:
            exc.param_hint = term_safe(str(exc.param_hint))
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        click.echo(str(exc.code), err=True)
        return 1
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":  # pragma: no cover
    main()

__all__ = ["cli", "main"]
