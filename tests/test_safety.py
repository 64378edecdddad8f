"""Safety: never lose the coordinator's data, never leak a small number, never fall over.

Each test here pins one break found by hostile testing (issue 15); the commands run as real
subprocesses, with real signals, real FIFOs and real crafted workbooks.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import resource
import signal
import stat
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musicnet.model import Route
from musicnet.synth import write_data

from .conftest import ROOT, SAMPLE, SAMPLE_ORGS, org

ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}


def run(*args: str, cwd: Path | None = None, timeout: float = 180,
        mem_mb: int | None = None, plain_user: bool = False
        ) -> subprocess.CompletedProcess[str]:
    """musicnet as a user runs it; ``mem_mb`` caps the process's address space so a memory
    blow-up fails fast instead of eating the machine. With ``plain_user``, root runs it
    without the power to write where permissions say no (CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH dropped), as an ordinary user would."""
    def limit() -> None:
        if mem_mb:
            resource.setrlimit(resource.RLIMIT_AS, (mem_mb << 20, mem_mb << 20))
        if plain_user and os.geteuid() == 0:
            import ctypes

            prctl = ctypes.CDLL(None, use_errno=True).prctl
            for cap in (1, 2):  # PR_CAPBSET_DROP: gone for good after exec
                if prctl(24, cap, 0, 0, 0) != 0:
                    raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return subprocess.run([sys.executable, "-m", "musicnet.cli", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=ENV, timeout=timeout,
                          preexec_fn=limit)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_digest(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


def leftovers(*folders: Path) -> list[str]:
    return [p.name for f in folders if f.exists() for p in f.iterdir()
            if ".musicnet-" in p.name or p.name.endswith(".tmp")]


def tiny(folder: Path, counts: tuple[int | None, ...] = (None, None), *,
         name: str = "Kite Street") -> Path:
    """A 3-organisation network a -> b -> c with the given young-people counts."""
    orgs = [org("a", "first_access", name=name), org("b", "participation;developing"),
            org("c", "advanced", otype="music_education_hub")]
    routes = [Route("a", "b", young_people_per_year=counts[0]),
              Route("b", "c", young_people_per_year=counts[1])]
    write_data(folder, orgs, routes)
    return folder


# -- 1. outputs never overwrite inputs or data files ---------------------------------------

def test_export_csv_into_its_own_data_folder_is_refused(sample_copy):
    before = folder_digest(sample_copy)
    res = run("export", str(sample_copy), "--format", "csv", "-o", str(sample_copy))
    assert res.returncode == 2, res.stderr
    assert "input files" in res.stderr and "--force" in res.stderr
    assert "Traceback" not in res.stderr
    assert folder_digest(sample_copy) == before
    assert leftovers(sample_copy, sample_copy.parent) == []


@pytest.mark.parametrize("target", ["organisations.csv", "referrals.csv"])
def test_map_and_report_refuse_to_replace_data_files(sample_copy, target):
    before = digest(sample_copy / target)
    for cmd in (["map"], ["report"], ["map", "--format", "svg"]):
        res = run(*cmd, str(sample_copy), "-o", str(sample_copy / target))
        assert res.returncode == 2, (cmd, res.stderr)
        assert digest(sample_copy / target) == before


def test_data_file_of_another_folder_is_protected_too(sample_copy, tmp_path):
    other = tiny(tmp_path / "other")
    before = digest(other / "referrals.csv")
    res = run("map", str(sample_copy), "-o", str(other / "referrals.csv"))
    assert res.returncode == 2 and "holds musicnet data" in res.stderr
    assert digest(other / "referrals.csv") == before


def test_workbooks_are_protected(tmp_path):
    wb = tmp_path / "wb.xlsx"
    assert run("template", "-o", str(wb)).returncode == 0
    before = digest(wb)
    res = run("template", "-o", str(wb))  # a filled-in workbook must not be blanked
    assert res.returncode == 2 and "--force" in res.stderr
    assert digest(wb) == before
    # export a workbook over itself
    data = tmp_path / "net.xlsx"
    _sample_workbook(data)
    before = digest(data)
    res = run("export", str(data), "--format", "kumu", "-o", str(data))
    assert res.returncode == 2
    assert digest(data) == before
    assert run("template", "-o", str(wb), "--force").returncode == 0


@pytest.mark.parametrize("name", ["kumu.xlsx", "notes.xlsx", "anything"])
def test_template_never_replaces_an_existing_file(tmp_path, name):
    """Not only musicnet data: a Kumu workbook, a CSV, any file the user already has."""
    target = tmp_path / name
    if name == "kumu.xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.title = "Elements"
        wb.create_sheet("Connections")
        wb.save(target)
    else:
        target.write_text("hi\n")
    before = digest(target)
    res = run("template", "-o", str(target))
    assert res.returncode == 2 and "already exists" in res.stderr and "--force" in res.stderr
    assert digest(target) == before and "Traceback" not in res.stderr
    assert run("template", "-o", str(target), "--force").returncode == 0
    assert digest(target) != before


@pytest.mark.parametrize("spelling", ["single-quotes", "character-reference", "unreadable"])
def test_data_workbooks_are_known_however_their_sheets_are_named(base_workbook, tmp_path,
                                                                  spelling):
    """A data workbook whose sheet names are written name='organisations' or with a
    character reference (openpyxl and Excel read both) was taken for another file and
    replaced by `export -o`; one whose list of sheets cannot be read crashed the check."""
    wb = tmp_path / "net.xlsx"
    if spelling == "unreadable":
        _flag_part(base_workbook, wb, "xl/workbook.xml", "encrypted-part")
    else:
        with zipfile.ZipFile(base_workbook) as zf:
            book = zf.read("xl/workbook.xml")
        new = {"single-quotes": (b'name="organisations"', b"name='organisations'"),
               "character-reference": (b'name="organisations"',
                                       b'name="&#111;rganisations"')}[spelling]
        assert new[0] in book
        _rewrite(base_workbook, wb, {"xl/workbook.xml": book.replace(*new)})
        assert run("check", str(wb)).returncode == 0  # still a good data workbook
    before = digest(wb)
    res = run("export", str(SAMPLE), "--format", "kumu", "-o", str(wb))
    assert res.returncode == 2 and "--force" in res.stderr, res.stderr
    assert "Internal error" not in res.stderr and digest(wb) == before


def test_read_only_outputs_are_kept(sample_copy):
    """A folder (or file) made read-only was replaced anyway: the folder swap only needs
    the folder above to be writable. Run as an ordinary user (root may write anything)."""
    base = sample_copy.parent
    try:
        data = sample_copy
        out = base / "out"
        assert run("build", str(data), "-o", str(out), "--title", "first").returncode == 0
        for p in out.iterdir():
            p.chmod(0o444)
        out.chmod(0o555)
        before = {p.name: digest(p) for p in out.iterdir()}
        # as an ordinary user, and as root (whom the system lets write anything: a file
        # or folder with no write bit at all was replaced)
        for plain in (True, False):
            res = run("build", str(data), "-o", str(out), "--title", "changed",
                      plain_user=plain)
            assert res.returncode == 2 and "read-only" in res.stderr, res.stderr
            assert {p.name: digest(p) for p in out.iterdir()} == before
        # a read-only file in a writable folder: kept unless --force
        out.chmod(0o755)
        single = base / "map.html"
        assert run("map", str(data), "-o", str(single)).returncode == 0
        single.chmod(0o444)
        before_one = digest(single)
        for plain in (True, False):
            res = run("map", str(data), "-o", str(single), "--title", "changed",
                      plain_user=plain)
            assert res.returncode == 2 and "read-only" in res.stderr, res.stderr
            assert digest(single) == before_one
        assert run("map", str(data), "-o", str(single), "--title", "forced",
                   "--force").returncode == 0
        assert digest(single) != before_one
    finally:  # (so that pytest can remove it)
        for root, dirs, _files in os.walk(base):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)


FORMULAS = ['=HYPERLINK("http://x","a")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
            "'=already quoted"]


@pytest.mark.parametrize("writer", ["import-graphml", "synth-data-files", "responses"])
def test_data_files_musicnet_writes_are_formula_safe_and_read_back(tmp_path, writer):
    """`import` wrote names like =HYPERLINK(...) raw into organisations.csv, the file
    coordinators open in Excel. Every data file musicnet writes guards them (an apostrophe,
    as the CSV export does) and the loader reads them back exactly."""
    import csv

    import musicnet

    orgs = [org(f"o{k}", "first_access" if k == 0 else "advanced", name=name)
            for k, name in enumerate(FORMULAS)]
    routes = [Route("o0", f"o{k}", notes=FORMULAS[k]) for k in range(1, len(FORMULAS))]
    src = tmp_path / "src"
    write_data(src, orgs, routes)
    if writer == "import-graphml":
        assert run("export", str(src), "--format", "graphml", "-o",
                   str(tmp_path / "n.graphml")).returncode == 0
        res = run("import", str(tmp_path / "n.graphml"), "-o", str(tmp_path / "out"))
        assert res.returncode in (0, 1), res.stderr
        folder = tmp_path / "out"
    elif writer == "synth-data-files":
        folder = src
    else:
        answers = tmp_path / "form.csv"
        with open(answers, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["Your organisation", "Where do you refer young people?"])
            w.writerow([FORMULAS[0], FORMULAS[2]])
        res = run("responses", str(answers), "-d", str(src), "-o", str(tmp_path / "out"))
        assert res.returncode in (0, 1), res.stderr
        folder = tmp_path / "out"
    for f in sorted(folder.glob("*.csv")):
        with open(f, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    # Excel runs a cell starting like this as a formula
                    assert not cell.startswith(("=", "+", "@", "\t", "\r")), (f.name, cell)
                    assert not (cell.startswith("-") and not _number(cell)), (f.name, cell)
    if (folder / "referrals.csv").exists():
        net = musicnet.load(folder)
        assert {o.name for o in net.orgs.values()} >= set(FORMULAS[:1] + FORMULAS[2:3])
        if writer != "responses":
            assert sorted(o.name for o in net.orgs.values()) == sorted(FORMULAS)
        if writer == "synth-data-files":  # (route notes are not exported to GraphML)
            assert sorted(r.notes for r in net.routes) == sorted(FORMULAS[1:])


@pytest.mark.parametrize("typed", ["4_0", "\u0664\u0660", "1,0,0", "12abc"])
def test_numbers_are_ascii_digits_as_people_type_them(tmp_path, typed):
    """Python's int() and float() take "4_0" as 40 and other scripts' digits; a count
    typed like that is a mistake to show, not a number to guess."""
    data = tiny(tmp_path / "d")
    text = (data / "referrals.csv").read_text(encoding="utf-8").splitlines()
    head, first = text[0].split(","), text[1].split(",")
    first[head.index("young_people_per_year")] = f'"{typed}"'
    (data / "referrals.csv").write_text("\n".join([text[0], ",".join(first), *text[2:]]) + "\n",
                                        encoding="utf-8")
    res = run("check", str(data))
    assert res.returncode == 1 and "is not a whole number" in res.stderr, res.stderr


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_template_is_an_xlsx(tmp_path):
    res = run("template", "-o", str(tmp_path / "t.csv"))
    assert res.returncode == 2 and "Use -o" in res.stderr and "t.xlsx" in res.stderr
    assert not (tmp_path / "t.csv").exists()


def test_whatif_map_over_its_routes_file_is_refused(sample_copy, tmp_path):
    routes = tmp_path / "new.csv"
    routes.write_text("source,target\nashdown-primary-school,marigold-song-studio\n")
    before = digest(routes)
    res = run("whatif", str(sample_copy), "--routes", str(routes), "--map", str(routes))
    assert res.returncode == 2 and digest(routes) == before


def test_symlink_and_hard_link_to_an_input_are_refused(sample_copy, tmp_path):
    link = tmp_path / "link.html"
    link.symlink_to(sample_copy / "organisations.csv")
    hard = tmp_path / "hard.html"
    os.link(sample_copy / "organisations.csv", hard)
    before = digest(sample_copy / "organisations.csv")
    for dst in (link, hard):
        res = run("map", str(sample_copy), "-o", str(dst))
        assert res.returncode == 2, res.stderr
    assert digest(sample_copy / "organisations.csv") == before


def test_synth_refuses_an_existing_data_folder(sample_copy):
    before = folder_digest(sample_copy)
    res = run("synth", str(sample_copy), "--orgs", "20")
    assert res.returncode == 2 and "--force" in res.stderr
    assert folder_digest(sample_copy) == before
    res = run("synth", str(sample_copy), "--orgs", "20", "--force")
    assert res.returncode == 0, res.stderr
    assert run("check", str(sample_copy)).returncode == 0


def test_force_replaces_the_input(sample_copy):
    res = run("export", str(sample_copy), "--format", "csv", "-o", str(sample_copy),
              "--force")
    assert res.returncode == 0, res.stderr
    assert "dead_end" in (sample_copy / "organisations.csv").read_text(encoding="utf-8-sig")


def test_rebuilding_into_an_output_folder_is_allowed(tmp_path):
    data = tiny(tmp_path / "d")
    out = tmp_path / "out"
    for _ in range(2):
        res = run("build", str(data), "--out", str(out))
        assert res.returncode == 0, res.stderr
    # and an export folder (organisations.csv beside routes.csv, not referrals.csv)
    for _ in range(2):
        res = run("export", str(data), "--format", "csv", "-o", str(tmp_path / "tables"))
        assert res.returncode == 0, res.stderr


# -- 2. outputs that are not regular files ---------------------------------------------------

@pytest.mark.parametrize("kind", ["fifo", "folder", "devnull"])
def test_non_regular_outputs_are_refused(tmp_path, kind):
    data = tiny(tmp_path / "d")
    if kind == "fifo":
        target = tmp_path / "mynull"
        os.mkfifo(target)
    elif kind == "folder":
        target = tmp_path / "adir"
        target.mkdir()
    else:
        target = Path("/dev/null")
    before = os.stat(target)
    res = run("map", str(data), "-o", str(target), "--force", timeout=60)
    assert res.returncode == 2, res.stderr
    assert "not a regular file" in res.stderr
    after = os.stat(target)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


# -- 3. small numbers never leak ----------------------------------------------------------

def test_totals_do_not_reveal_a_suppressed_count(tmp_path):
    data = tiny(tmp_path / "d", (100, 3))
    out = tmp_path / "out"
    assert run("build", str(data), "--out", str(out)).returncode == 0
    published = json.loads((out / "analysis.json").read_text())
    assert published["summary"]["young_people_per_year"] == "100 + 1 route with fewer than 5"
    res = run("analyse", str(data), "--format", "json")
    assert json.loads(res.stdout)["summary"]["young_people_per_year"] == \
        "100 + 1 route with fewer than 5"
    for name in ("analysis.json", "map.html", "report.html"):
        text = re.sub(r"<svg.*?</svg>", "", (out / name).read_text(), flags=re.S)
        assert not re.search(r"(?<![\d.])103(?![\d.])", text), name
        assert re.search(r"(?<![\d.])100(?![\d.])", text), name
    single = tiny(tmp_path / "one", (3, None))
    res = run("analyse", str(single), "--format", "json")
    assert json.loads(res.stdout)["summary"]["young_people_per_year"] == \
        "1 route with fewer than 5"
    res = run("analyse", str(single), "--format", "json", "--suppress-below", "0")
    assert json.loads(res.stdout)["summary"]["young_people_per_year"] == "3"


def _published(folder: Path, orgs: list, routes: list[Route]) -> dict[str, bytes]:
    """Every published output of one build, as bytes."""
    import musicnet
    from musicnet.export import FORMATS, export_files
    from musicnet.privacy import publish_result
    from musicnet.render.map import render_map
    from musicnet.render.report import render_report

    net = musicnet.Network(orgs, routes)
    result = net.analyse()
    out = {"analysis.json": json.dumps(publish_result(result, net, 5), sort_keys=True).encode(),
           "map.html": render_map(net).encode(),
           "report.html": render_report(net, result=result, suggestions=0).encode(),
           "report.md": render_report(net, fmt="md", result=result, suggestions=0).encode()}
    for fmt in FORMATS:
        for path, content in export_files(net, fmt, folder / f"x.{fmt}").items():
            out[f"{fmt}:{path.name}"] = content.encode() if isinstance(content, str) \
                else content
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_no_suppressed_count_can_be_recovered(tmp_path_factory, data):
    """Indistinguishability: change every suppressed count (1..4) to another value below
    the threshold; every published byte stays the same, so nothing published can reveal
    them, by subtraction or otherwise."""
    n = data.draw(st.integers(3, 7))
    stages = ["first_access", "participation", "developing", "advanced", "professional"]
    orgs = [org(f"o{i}", stages[i % 5], borough=("Lewisham", "Camden")[i % 2])
            for i in range(n)]
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
                               .filter(lambda p: p[0] != p[1]), min_size=1, max_size=10,
                               unique=True))
    counts = data.draw(st.lists(st.one_of(st.none(), st.integers(0, 4), st.integers(5, 200)),
                                min_size=len(pairs), max_size=len(pairs)))
    statuses = data.draw(st.lists(st.sampled_from(["active", "active", "lapsed"]),
                                  min_size=len(pairs), max_size=len(pairs)))
    other = [c if c is None or not 0 < c < 5 else data.draw(st.integers(1, 4))
             for c in counts]

    def routes(cs: list[int | None]) -> list[Route]:
        return [Route(f"o{a}", f"o{b}", status=s, young_people_per_year=c)
                for (a, b), c, s in zip(pairs, cs, statuses, strict=True)]

    folder = tmp_path_factory.mktemp("pub")
    assert _published(folder, orgs, routes(counts)) == _published(folder, orgs, routes(other))


# -- 4, 5. crafted workbooks -----------------------------------------------------------------

def _sample_workbook(path: Path) -> None:
    """The sample data as a workbook with organisations and referrals sheets."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, fname in (("organisations", "organisations.csv"),
                         ("referrals", "referrals.csv")):
        import csv

        ws = wb.create_sheet(sheet)
        with open(SAMPLE / fname, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                ws.append(row)
    wb.save(path)


def _rewrite(src: Path, dst: Path, edit: dict[str, bytes | None],
             extra: dict[str, bytes] | None = None) -> None:
    """Copy a workbook, replacing (or with None removing) parts, and adding ``extra``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in edit:
                if edit[info.filename] is not None:
                    zout.writestr(info.filename, edit[info.filename])
            else:
                zout.writestr(info, zin.read(info))
        for name, content in (extra or {}).items():
            zout.writestr(name, content)


def _sheet_names(src: Path) -> dict[str, str]:
    """Sheet title -> part name (xl/worksheets/sheetN.xml)."""
    with zipfile.ZipFile(src) as zf:
        return {"organisations": "xl/worksheets/sheet1.xml",
                "referrals": "xl/worksheets/sheet2.xml"} if \
            "xl/worksheets/sheet2.xml" in zf.namelist() else {}


@pytest.fixture(scope="module")
def base_workbook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "base.xlsx"
    _sample_workbook(path)
    assert _sheet_names(path)
    return path


def _referrals_xml(base: Path) -> bytes:
    with zipfile.ZipFile(base) as zf:
        return zf.read("xl/worksheets/sheet2.xml")


def _crafted(base: Path, tmp_path: Path, kind: str) -> Path:
    dst = tmp_path / f"{kind}.xlsx"
    sheet = _referrals_xml(base)
    refs = "xl/worksheets/sheet2.xml"
    if kind == "dimension-bomb":
        body = sheet.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" '
                             b't="inlineStr"><is><t>x</t></is></c></row></sheetData>')
        body = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', body)
        _rewrite(base, dst, {refs: body})
    elif kind == "wide-rows":
        rows = b"".join(b'<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>'
                        % (i, i) for i in range(400, 700))
        _rewrite(base, dst, {refs: sheet.replace(b"</sheetData>", rows + b"</sheetData>")})
    elif kind == "renamed-wide":  # the wide sheet under a name that is not .xml
        rows = b"".join(b'<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>'
                        % (i, i) for i in range(400, 700))
        with zipfile.ZipFile(base) as zf:
            rels = zf.read("xl/_rels/workbook.xml.rels").replace(b"sheet2.xml", b"sheet2.bin")
            types = zf.read("[Content_Types].xml").replace(b"sheet2.xml", b"sheet2.bin")
        _rewrite(base, dst, {refs: None, "xl/_rels/workbook.xml.rels": rels,
                             "[Content_Types].xml": types},
                 {"xl/worksheets/sheet2.bin": sheet.replace(b"</sheetData>",
                                                             rows + b"</sheetData>")})
    elif kind == "huge-string":
        with zipfile.ZipFile(base) as zin, zipfile.ZipFile(dst, "w",
                                                            zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if info.filename != refs:
                    zout.writestr(info, zin.read(info))
            head, tail = sheet.split(b"</sheetData>")
            with zout.open(refs, "w", force_zip64=True) as fh:
                fh.write(head + b'<row r="9999"><c r="A9999" t="inlineStr"><is><t>')
                chunk = b"x" * (1 << 20)
                for _ in range(150):  # 150 million characters, ~150 KB compressed
                    fh.write(chunk)
                fh.write(b"</t></is></c></row></sheetData>" + tail)
    elif kind == "long-cell":
        cell = (b'<row r="9999"><c r="A9999" t="inlineStr"><is><t>' + b"y" * 200_000
                + b"</t></is></c></row></sheetData>")
        _rewrite(base, dst, {refs: sheet.replace(b"</sheetData>", cell)})
    elif kind == "deep-xml":
        deep = b"<x>" * 100_000 + b"</x>" * 100_000
        _rewrite(base, dst, {refs: sheet.replace(b"</sheetData>", b"</sheetData>" + deep)})
    elif kind == "entity-expansion":
        dtd = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
               + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1
                                                          else b"&lol;") * 10)
                          for i in range(1, 10)) + b"]>")
        body = (sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet)
        body = body.replace(b"<t>", b"<t>&lol9;", 1)
        _rewrite(base, dst, {refs: dtd + body})
    elif kind == "undefined-entity":
        _rewrite(base, dst, {refs: sheet.replace(b"<t>", b"<t>&nope;", 1)})
    elif kind == "mismatched-tags":
        _rewrite(base, dst, {refs: sheet.replace(b"</row>", b"</rowx>", 1)})
    elif kind == "row-number-bomb":  # 6 KB; the reader walks every row up to the last
        _rewrite(base, dst, {refs: sheet.replace(b"</sheetData>", b'<row r="400000000"><c '
                             b'r="A400000000" t="inlineStr"><is><t>x</t></is></c></row>'
                             b"</sheetData>")})
    elif kind == "padded-row-bomb":  # blank space first: it was taken for a non-XML part
        _rewrite(base, dst, {refs: b" " * 80 + sheet.split(b"?>", 1)[-1].replace(
            b"</sheetData>", b'<row r="400000000"><c r="A400000000" t="inlineStr"><is><t>x'
            b"</t></is></c></row></sheetData>")})
    elif kind == "padded-wide-rows":
        rows = b"".join(b'<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>'
                        % (i, i) for i in range(400, 700))
        _rewrite(base, dst, {refs: b"\n" * 70_000 + sheet.split(b"?>", 1)[-1].replace(
            b"</sheetData>", rows + b"</sheetData>")})
    elif kind == "non-ascii-reference":  # the reader reads 'ſZZ' as SZZ: 13,546 columns
        rows = b"".join(f'<row r="{i}"><c r="\u017fZZ{i}" t="inlineStr"><is><t>x</t></is>'
                        f"</c></row>".encode() for i in range(400, 700))
        _rewrite(base, dst, {refs: sheet.replace(b"</sheetData>", rows + b"</sheetData>")})
    elif kind in ("encrypted-part", "deflate64-part"):
        _flag_part(base, dst, refs, kind)
    elif kind == "not-a-zip":
        dst.write_bytes(b"PK\x03\x04" + os.urandom(3000))
    elif kind in ("external-link", "macro"):
        extra: dict[str, bytes]
        if kind == "external-link":
            extra = {"xl/externalLinks/externalLink1.xml":
                     b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats'
                     b'.org/spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="http://'
                     b'schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
                     b"</externalLink>",
                     "xl/externalLinks/_rels/externalLink1.xml.rels":
                     b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
                     b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                     b"schemas.openxmlformats.org/officeDocument/2006/relationships/"
                     b'externalLinkPath" Target="http://127.0.0.1:9/evil.xlsx" '
                     b'TargetMode="External"/></Relationships>'}
        else:
            dst = tmp_path / "macro.xlsm"
            extra = {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512}
        _rewrite(base, dst, {}, extra)
    else:  # pragma: no cover
        raise AssertionError(kind)
    return dst


def _flag_part(src: Path, dst: Path, part: str, kind: str) -> None:
    """``src`` with ``part`` marked as encrypted (general-purpose flag bit 0) or as packed
    with Deflate64 (method 9), in both its local and its central directory header."""
    import struct

    data = bytearray(src.read_bytes())
    name = part.encode()
    # (signature, offset of the name, of the name's length, of the flags, of the method)
    for sig, at_name, at_len, at_flags, at_method in ((b"PK\x03\x04", 30, 26, 6, 8),
                                                      (b"PK\x01\x02", 46, 28, 8, 10)):
        i = 0
        while (i := data.find(sig, i)) >= 0:
            (n,) = struct.unpack_from("<H", data, i + at_len)
            if data[i + at_name:i + at_name + n] == name:
                if kind == "encrypted-part":
                    (flags,) = struct.unpack_from("<H", data, i + at_flags)
                    struct.pack_into("<H", data, i + at_flags, flags | 1)
                else:
                    struct.pack_into("<H", data, i + at_method, 9)
            i += 4
    dst.write_bytes(bytes(data))


BAD = {"wide-rows": "cells", "row-number-bomb": "rows are numbered 1 to 1,048,576",
       "encrypted-part": "encrypted", "deflate64-part": "packed in a way Excel does not use",
       "renamed-wide": "cells", "huge-string": "unpacks to",
       "long-cell": "characters",
       "deep-xml": "nested", "entity-expansion": "document type declaration",
       "undefined-entity": "not valid XML", "mismatched-tags": "not valid XML",
       "not-a-zip": "not a valid .xlsx", "dimension-bomb": "values, the header has",
       "padded-row-bomb": "rows are numbered 1 to 1,048,576", "padded-wide-rows": "cells",
       "non-ascii-reference": "not a column letter and row number"}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_crafted_workbooks_are_bad_data_not_bugs(base_workbook, tmp_path, kind):
    wb = _crafted(base_workbook, tmp_path, kind)
    t0 = time.perf_counter()
    res = run("check", str(wb), mem_mb=1500, timeout=120)
    elapsed = time.perf_counter() - t0
    assert res.returncode == 1, (kind, res.stdout, res.stderr)
    assert BAD[kind] in res.stderr, (kind, res.stderr)
    assert wb.name in res.stderr
    assert "Internal error" not in res.stderr and "Traceback" not in res.stderr
    assert elapsed < 60, elapsed


def _bombed(src: Path, dst: Path, part: str) -> Path:
    """``src`` with ``part`` declaring the whole sheet and one cell in its last row."""
    with zipfile.ZipFile(src) as zf:
        sheet = zf.read(part)
    body = sheet.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" '
                         b't="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    body = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', body)
    _rewrite(src, dst, {part: body})
    return dst


@pytest.mark.parametrize("command", ["import", "responses"])
@pytest.mark.parametrize("kind", ["dimension-bomb", "wide-rows", "not-xml-named"])
def test_every_command_reads_workbooks_bounded(base_workbook, tmp_path, command, kind):
    """import (a Kumu workbook) and responses (an answers workbook) open workbooks with
    the same checks as the data: a small crafted file is refused or read quickly, in
    bounded memory, never "a bug"."""
    if command == "import":
        src = tmp_path / "kumu.xlsx"
        assert run("export", str(SAMPLE), "--format", "kumu", "-o", str(src)).returncode == 0
    else:
        src = base_workbook
    if kind == "dimension-bomb":
        wb = _bombed(src, tmp_path / "crafted.xlsx", "xl/worksheets/sheet1.xml")
    else:
        wb = _crafted(src, tmp_path, "wide-rows" if kind == "wide-rows" else "renamed-wide")
    args = (["import", str(wb), "-o", str(tmp_path / "out")] if command == "import" else
            ["responses", str(wb), "-d", str(SAMPLE), "-o", str(tmp_path / "out")])
    t0 = time.perf_counter()
    res = run(*args, mem_mb=1500, timeout=120)
    assert time.perf_counter() - t0 < 60
    assert "Internal error" not in res.stderr and "Traceback" not in res.stderr, res.stderr
    if kind != "dimension-bomb":
        assert res.returncode == 1 and "cells" in res.stderr, res.stderr


@pytest.mark.parametrize("kind", ["external-link", "macro"])
def test_workbooks_with_links_or_macros_are_read_as_data_only(base_workbook, tmp_path, kind):
    wb = _crafted(base_workbook, tmp_path, kind)
    res = run("check", str(wb), mem_mb=1500)
    assert res.returncode == 0, res.stderr
    assert f"{SAMPLE_ORGS} organisations" in res.stdout


# -- 8. terminal escapes ---------------------------------------------------------------------

EVIL = "Kite\x1b]0;PWNED\x07\x1b[31m Street\u202e\x9b2J"


@pytest.mark.parametrize("args", [["--no-color", "analyse", "{d}"], ["analyse"],
                                  ["path", "{d}", "a"], ["whatif", "{d}", "--close", "b"],
                                  ["suggest", "{d}"], ["check"]])
def test_names_cannot_send_control_sequences(tmp_path, args):
    d = tiny(tmp_path / "d", name=EVIL)
    argv = [a.replace("{d}", str(d)) for a in args]
    if "{d}" not in " ".join(args):
        argv = [argv[0], str(d), *argv[1:]]
    # data text also reaches error messages: an unknown borough holding the escapes
    res = run(*argv)
    assert res.returncode == 0, res.stderr
    for stream in (res.stdout, res.stderr):
        for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert bad not in stream, (args, stream)


def test_json_output_keeps_the_name_exactly(tmp_path):
    d = tiny(tmp_path / "d", name=EVIL)
    res = run("path", str(d), "a", "--format", "json")
    assert "\x1b" not in res.stdout and "\x9b" not in res.stdout
    assert json.loads(res.stdout)["name"] == EVIL


def test_error_messages_escape_data_text(tmp_path):
    d = tiny(tmp_path / "d")
    text = (d / "organisations.csv").read_text().replace("Lewisham", "Lew\x1b[2Jisham", 1)
    (d / "organisations.csv").write_text(text)
    res = run("check", str(d))
    assert res.returncode == 1 and "\x1b" not in res.stderr and "\\x1b" in res.stderr


# -- 9. all-or-nothing output, with real signals ---------------------------------------------

PAUSED_BUILD = textwrap.dedent("""
    import os, sys, time
    import musicnet._files as f
    where = os.environ["PAUSE_AT"]
    if where == "writing":          # after the first new file is written, before the swap
        real = f._write_new
        def slow(*a, **k):
            real(*a, **k)
            open(os.environ["READY"], "w").close()
            time.sleep(30)
        f._write_new = slow
    else:                           # inside the swap, with signals held back
        real = f._exchange
        def slow(*a, **k):
            open(os.environ["READY"], "w").close()
            time.sleep(1.5)
            return real(*a, **k)
        f._exchange = slow
    from musicnet.cli import main
    sys.argv = ["musicnet", *sys.argv[1:]]
    main()
""")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
@pytest.mark.parametrize("pause_at", ["writing", "swapping"])
def test_interrupted_build_leaves_old_or_new_set(tmp_path, sig, pause_at):
    old_data = tiny(tmp_path / "old", (10, 20))
    new_data = tiny(tmp_path / "new", (30, 40), name="Brand New Name")
    out = tmp_path / "out"
    assert run("build", str(old_data), "--out", str(out)).returncode == 0
    (out / "mine.txt").write_text("a file of the user's")
    old_set = folder_digest(out)
    ready = tmp_path / "ready"
    script = tmp_path / "paused.py"
    script.write_text(PAUSED_BUILD)
    proc = subprocess.Popen([sys.executable, str(script), "build", str(new_data), "--out",
                             str(out)], env={**ENV, "PAUSE_AT": pause_at,
                                             "READY": str(ready)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline
        time.sleep(0.02)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    got = folder_digest(out)
    is_new = [got[n] != old_set[n] for n in ("analysis.json", "map.html", "report.html")]
    assert got["mine.txt"] == old_set["mine.txt"]
    if pause_at == "writing":
        assert got == old_set  # interrupted before the swap: the old set, untouched
    elif sig == signal.SIGKILL:  # killed just before the swap: one whole set or the other
        assert got == old_set or is_new == [True, True, True]
    else:  # signals are held during the swap: it completes, then the command stops
        assert is_new == [True, True, True]
    if sig != signal.SIGKILL:
        assert leftovers(out, tmp_path) == []
    # a later run cleans up whatever a killed process left
    assert run("build", str(new_data), "--out", str(out)).returncode == 0
    assert leftovers(out, tmp_path) == []


# -- 10. permissions ----------------------------------------------------------------------

def test_new_files_respect_the_umask_and_old_ones_keep_their_mode(tmp_path):
    data = tiny(tmp_path / "d")
    out = tmp_path / "out"
    old = os.umask(0o077)
    try:
        res = run("build", str(data), "--out", str(out))
    finally:
        os.umask(old)
    assert res.returncode == 0, res.stderr
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    os.chmod(out / "map.html", 0o640)
    single = tmp_path / "single.html"
    single.write_text("old")
    os.chmod(single, 0o604)
    assert run("build", str(data), "--out", str(out)).returncode == 0
    assert run("map", str(data), "-o", str(single)).returncode == 0
    assert stat.S_IMODE((out / "map.html").stat().st_mode) == 0o640
    assert stat.S_IMODE(single.stat().st_mode) == 0o604


# -- 11. smaller ones -----------------------------------------------------------------------

def test_warnings_are_capped(tmp_path):
    d = tiny(tmp_path / "d")
    lines = (d / "organisations.csv").read_text().splitlines()
    extra = [f"junk{i}" for i in range(300)]
    lines[0] += "," + ",".join(extra)
    lines[1:] = [row + "," * len(extra) for row in lines[1:]]
    (d / "organisations.csv").write_text("\n".join(lines) + "\n")
    res = run("check", str(d))
    assert res.returncode == 0, res.stderr
    warnings = [ln for ln in res.stderr.splitlines() if ln.startswith("warning:")]
    assert 15 <= len(warnings) <= 21 and "more warnings not shown" in warnings[-1]


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_odd_files_as_input(tmp_path, kind):
    d = tiny(tmp_path / "d")
    (d / "organisations.csv").unlink()
    if kind == "fifo":
        os.mkfifo(d / "organisations.csv")
    else:
        (d / "organisations.csv").mkdir()
    res = run("check", str(d), timeout=30)
    assert res.returncode == 1
    assert "not found" not in res.stderr
    assert ("pipe" if kind == "fifo" else "folder") in res.stderr


def test_size_message_matches_the_documented_limit(tmp_path, monkeypatch):
    from musicnet import loader
    from musicnet.errors import DataError

    d = tiny(tmp_path / "d")
    with (d / "referrals.csv").open("a") as fh:
        fh.write("#" * 200)
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    with pytest.raises(DataError) as err:
        loader.read_tables(d)
    size = (d / "organisations.csv").stat().st_size  # the first file read is too big
    # sizes that read the same in MB as the limit are given in bytes
    assert (f"is {size:,} bytes; the largest file accepted is 100 bytes"
            in str(err.value.problems[0]))
    assert loader.MAX_FILE_BYTES == 100
    monkeypatch.undo()
    assert loader.MAX_FILE_BYTES == 100_000_000  # "100 MB" in the docs means this
    assert loader._over(100_000_001, 100_000_000) == ("100,000,001 bytes",
                                                      "100,000,000 bytes")
    assert loader._over(150_000_000, 100_000_000) == ("150 MB", "100 MB")


def test_survey_keeps_a_text_file_it_did_not_write(sample_copy, tmp_path):
    notes = tmp_path / "survey.txt"
    notes.write_text("precious notes\n")
    res = run("survey", str(sample_copy), "-o", str(tmp_path / "survey.xlsx"))
    assert res.returncode == 2 and "survey.txt" in res.stderr
    assert notes.read_text() == "precious notes\n" and not (tmp_path / "survey.xlsx").exists()
    notes.unlink()
    assert run("survey", str(sample_copy), "-o", str(tmp_path / "survey.xlsx")).returncode == 0
    # a survey's own text is replaced on the next run (the workbook only with --force)
    assert run("survey", str(sample_copy), "-o", str(tmp_path / "survey.xlsx"),
               "--force").returncode == 0


def test_survey_never_replaces_a_workbook_or_answers_without_force(sample_copy, tmp_path):
    """A filled-in survey sent back, saved where the next survey goes, was replaced
    without a word; so was an online form's answers file given as -o."""
    returned = tmp_path / "survey.xlsx"
    assert run("survey", str(sample_copy), "-o", str(returned)).returncode == 0
    with open(returned, "ab") as fh:  # stands for the answers an organisation typed in
        fh.write(b"")
    before = returned.read_bytes()
    res = run("survey", str(sample_copy), "-o", str(returned))
    assert res.returncode == 2 and "--force" in res.stderr and "already exists" in res.stderr
    assert returned.read_bytes() == before
    answers = tmp_path / "form.csv"
    answers.write_text("Your organisation,Where do you refer young people?\nA,B\n")
    res = run("survey", str(sample_copy), "-o", str(answers))
    assert res.returncode == 2 and ".xlsx" in res.stderr and "Traceback" not in res.stderr
    assert answers.read_text().startswith("Your organisation")
    assert not (tmp_path / "form.txt").exists()


def test_write_errors_name_the_destination_not_a_temp_file(tmp_path):
    data = tiny(tmp_path / "d")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = run("export", str(data), "--format", "csv", "-o", str(blocker / "sub"))
    assert res.returncode == 1 and ".musicnet-" not in res.stderr and ".tmp" not in res.stderr


# -- soak -----------------------------------------------------------------------------------

def _rss_kb() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def test_soak_200_builds(tmp_path):
    """200 builds in one process on random valid and invalid inputs: identical outputs for
    identical inputs, no temporary files left, no memory growth."""
    from click.testing import CliRunner

    from musicnet.cli import cli

    runner = CliRunner()
    seen: dict[int, dict[str, str]] = {}
    rss_after_warmup = 0
    for i in range(200):
        if i == 40:  # every input seen four times: caches and imports are warm
            import gc

            gc.collect()
            rss_after_warmup = _rss_kb()
        seed = i % 10
        rng = random.Random(seed)
        data = tmp_path / f"d{seed}"
        if not data.exists():
            counts = (rng.choice([None, 2, 40]), rng.choice([None, 3, 90]))
            tiny(data, counts, name=rng.choice(["Kite", "=1+1", "<b>x</b>", "Café"]))
            if seed % 3 == 0:  # invalid: an unknown borough
                text = (data / "organisations.csv").read_text()
                (data / "organisations.csv").write_text(text.replace("Lewisham", "Lewisam"))
        out = tmp_path / f"out{seed}"
        res = runner.invoke(cli, ["build", str(data), "--out", str(out), "-q"])
        if seed % 3 == 0:
            assert res.exit_code == 1 and not out.exists()
            continue
        assert res.exit_code == 0, res.output
        got = folder_digest(out)
        assert seen.setdefault(seed, got) == got
    import gc

    gc.collect()
    growth_mb = (_rss_kb() - rss_after_warmup) / 1024
    assert rss_after_warmup and growth_mb < 40, growth_mb
    assert leftovers(tmp_path, *tmp_path.iterdir()) == []


def test_published_text_is_exact_when_nothing_is_suppressed():
    from musicnet.privacy import published_total

    rng = random.Random(1)
    for _ in range(200):
        vals = [rng.choice([None, 0, *range(5, 300)]) for _ in range(rng.randint(1, 8))]
        given = [v for v in vals if v is not None]
        assert published_total(vals, 5) == (str(sum(given)) if given else None)



def test_suppression_threshold_is_exact():
    """Below the threshold is withheld, the threshold itself is published (a planted
    "<=" suppressed 5 with the threshold at 5 and no test noticed)."""
    from musicnet.privacy import published_total, suppressed

    for below in range(0, 12):
        for v in range(0, 15):
            want = f"fewer than {below}" if 0 < v < below else str(v)
            assert suppressed(v, below) == want, (v, below)
            assert published_total([v, 100], below) == (
                f"100 + 1 route with fewer than {below}" if 0 < v < below else str(v + 100))
    assert suppressed(None, 5) is None


def test_young_people_total_counts_active_routes_only(tmp_path):
    """The published yearly total is of active routes (only they are analysed): lapsed
    and planned routes' figures are left out (a planted "not lapsed" counted the planned
    route's 40 and no test noticed)."""
    from .conftest import org

    d = tmp_path / "d"
    write_data(d, [org(f"o{i}") for i in range(4)], [
        Route("o0", "o1", young_people_per_year=100),
        Route("o1", "o2", young_people_per_year=40, status="planned"),
        Route("o2", "o3", young_people_per_year=7, status="lapsed"),
        Route("o3", "o0", young_people_per_year=12)])
    res = run("analyse", str(d), "--format", "json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["summary"]["young_people_per_year"] == "112"
    assert run("build", str(d), "-o", str(tmp_path / "o")).returncode == 0
    saved = json.loads((tmp_path / "o" / "analysis.json").read_text())
    assert saved["summary"]["young_people_per_year"] == "112"

# -- outputs and inputs that are not what they seem (second hostile pass) -------------------

@pytest.mark.parametrize("args", [["build", "{data}", "-o", "{odd}"],
                                  ["export", "{data}", "--format", "csv", "-o", "{odd}"],
                                  ["import", "{data}/organisations.csv", "-o", "{odd}"]])
def test_an_output_folder_that_is_a_pipe_is_refused(sample_copy, tmp_path, args):
    odd = tmp_path / "ff"
    os.mkfifo(odd)
    res = run(*[a.format(data=sample_copy, odd=odd) for a in args], timeout=60)
    assert res.returncode == 2, res.stderr
    assert "named pipe" in res.stderr and "not a folder" in res.stderr
    assert stat.S_ISFIFO(os.stat(odd).st_mode)


@pytest.mark.parametrize("args", [["check", "{fifo}.xlsx"],
                                  ["import", "{fifo}.csv", "-o", "{tmp}/imp"],
                                  ["responses", "{fifo}.csv", "-d", "{data}", "-o", "{tmp}/r"]])
def test_an_input_that_is_a_pipe_is_named_as_one(sample_copy, tmp_path, args):
    fifo = tmp_path / "answers"
    for ext in (".xlsx", ".csv"):
        os.mkfifo(str(fifo) + ext)
    res = run(*[a.format(fifo=fifo, tmp=tmp_path, data=sample_copy) for a in args],
              timeout=60)
    assert res.returncode in (1, 2), res.stderr
    assert "named pipe (FIFO), not a file or folder" in res.stderr
    assert "Internal error" not in res.stderr and "Traceback" not in res.stderr


def test_build_writes_file_by_file_when_the_folder_above_is_read_only(sample_copy, tmp_path,
                                                                      monkeypatch):
    """A shared drive where the output folder can be written but the one above it cannot:
    the folder swap is impossible, so the files are written one by one (each still
    all-or-nothing) instead of failing."""
    import tempfile

    from click.testing import CliRunner

    import musicnet._files as files
    from musicnet.cli import cli

    out = tmp_path / "shared" / "out"
    out.mkdir(parents=True)
    (out / "mine.txt").write_text("the user's")
    real = tempfile.mkdtemp

    def refuse(*a, **k):
        if Path(k.get("dir", "")) == out.parent:
            raise PermissionError(13, "Permission denied", str(out.parent))
        return real(*a, **k)

    monkeypatch.setattr(files.tempfile, "mkdtemp", refuse)
    res = CliRunner().invoke(cli, ["build", str(sample_copy), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["analysis.json", "map.html", "mine.txt",
                                                     "report.html"]
    assert leftovers(out, out.parent) == []


def test_a_file_saved_into_the_output_folder_during_a_build_is_kept(sample_copy, tmp_path,
                                                                   monkeypatch):
    """The folder swap carries over the files already there; one saved while the new set
    is being written (a coordinator dropping notes in) is carried over too."""
    from click.testing import CliRunner

    import musicnet._files as files
    from musicnet.cli import cli

    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(sample_copy), "-o", str(out), "-q"]
                              ).exit_code == 0
    real = files._write_new

    def write_and_meanwhile(*a, **k):
        real(*a, **k)
        (out / "notes-saved-meanwhile.txt").write_text("mine")

    monkeypatch.setattr(files, "_write_new", write_and_meanwhile)
    res = CliRunner().invoke(cli, ["build", str(sample_copy), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert (out / "notes-saved-meanwhile.txt").read_text() == "mine"
    assert leftovers(out, tmp_path) == []


def test_a_signal_held_through_the_swap_says_what_was_written(tmp_path):
    """Ctrl-C arriving while the new set is swapped in is held till the swap is done; the
    message then said "Interrupted: nothing was written." beside a whole new set. It now
    names what was written (the set is whole, and nothing temporary is left)."""
    out = tmp_path / "out"
    out.mkdir()
    script = textwrap.dedent(f"""
        import os, shutil, signal, sys
        real = shutil.rmtree
        def rmtree(*a, **k):  # first called just after the swap, signals still held
            os.kill(os.getpid(), signal.SIGINT)
            return real(*a, **k)
        shutil.rmtree = rmtree
        sys.argv = ["musicnet", "build", {str(SAMPLE)!r}, "--out", {str(out)!r}]
        from musicnet.cli import main
        main()
    """)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=180)
    assert res.returncode == 130, res.stderr
    assert "nothing was written" not in res.stderr
    assert "Interrupted: already written: " in res.stderr
    assert str(out / "map.html") in res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["analysis.json", "map.html",
                                                     "report.html"]
    assert not [p for p in tmp_path.iterdir() if p.name != "out"]  # no temporary folder


def test_build_into_a_mount_point(tmp_path, monkeypatch):
    """A USB stick or a volume as the output folder: the folder cannot be swapped (the
    swap failed with "Device or resource busy" on every run), so the files are written
    one by one. A real tmpfs mount where this machine allows one; else the folder is
    made to look like a mount point."""
    from musicnet import _files

    usb = tmp_path / "usb"
    usb.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "none", str(usb)],
                             capture_output=True).returncode == 0
    try:
        if not mounted:
            real = os.path.ismount
            monkeypatch.setattr(os.path, "ismount", lambda p: str(p) == str(usb) or real(p))
        (usb / "mine.txt").write_text("kept")
        files = {usb / "map.html": "<p>new</p>", usb / "report.html": "<p>new</p>"}
        _files.write_outputs(files)
        assert (usb / "map.html").read_text() == "<p>new</p>"
        assert (usb / "mine.txt").read_text() == "kept"
        assert sorted(p.name for p in usb.iterdir()) == ["map.html", "mine.txt",
                                                         "report.html"]
        if mounted:  # and the command itself
            res = run("build", str(SAMPLE), "--out", str(usb))
            assert res.returncode == 0, res.stderr
            assert os.path.ismount(usb) and (usb / "analysis.json").exists()
    finally:
        if mounted:
            subprocess.run(["umount", str(usb)], check=False)


def test_a_lone_organisations_csv_is_data(sample_copy, tmp_path):
    """An organisations.csv with no referrals.csv beside it (a half-finished folder) was
    replaced by synth, export, diff and whatif --map; it is data whatever is beside it."""
    half = tmp_path / "half"
    half.mkdir()
    orgs = half / "organisations.csv"
    orgs.write_bytes((sample_copy / "organisations.csv").read_bytes())
    before = digest(orgs)
    for args in (["synth", str(half)],
                 ["export", str(sample_copy), "--format", "csv", "-o", str(half)],
                 ["whatif", str(sample_copy), "--add",
                  "ashdown-primary-school:marigold-song-studio", "--map", str(orgs)]):
        res = run(*args)
        assert res.returncode == 2 and "--force" in res.stderr, (args, res.stderr)
        assert digest(orgs) == before, args


def test_a_data_workbook_is_known_wherever_its_main_part_is(base_workbook, tmp_path):
    """A workbook whose list of sheets is not at xl/workbook.xml (the package's
    relationships say where; Excel reads it) was not known as data and was replaced by
    export and whatif --map."""
    moved = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(base_workbook) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    book = parts.pop("xl/workbook.xml")
    parts["xl/book.xml"] = book
    parts["xl/_rels/book.xml.rels"] = parts.pop("xl/_rels/workbook.xml.rels")
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"xl/workbook.xml", b"xl/book.xml")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"/xl/workbook.xml", b"/xl/book.xml")
    with zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert run("check", str(moved)).returncode == 0  # it is read as data ...
    before = digest(moved)
    for args in (["export", str(SAMPLE), "--format", "kumu", "-o", str(moved)],
                 ["whatif", str(SAMPLE), "--add", "ashdown-primary-school:marigold-song-studio",
                  "--map", str(moved)]):
        res = run(*args)
        assert res.returncode == 2 and "holds musicnet data" in res.stderr, (args, res.stderr)
        assert digest(moved) == before


def test_two_outputs_to_one_file_are_refused(tmp_path):
    """diff -o X --map X wrote only the map and said "wrote X" once."""
    same = tmp_path / "same.html"
    for other in (same, tmp_path / "." / "same.html"):
        res = run("diff", str(SAMPLE), str(SAMPLE), "--format", "html", "-o", str(same),
                  "--map", str(other))
        assert res.returncode == 2 and "same.html" in res.stderr, res.stderr
        assert not same.exists()


def test_usage_errors_escape_the_command_line(tmp_path):
    """A usage error repeating an argument that holds terminal escape sequences (a folder
    name from an unzipped archive, picked up by tab completion) printed them raw."""
    evil = "dir\x1b]0;PWN\x07"
    for args in (["map", str(SAMPLE), "-o", f"{tmp_path}/{evil}/x.pdf"],
                 ["whatif", str(SAMPLE), "--add", f"a\x1b[31m{evil}"],
                 ["path", str(SAMPLE), "a", "b", f"c{evil}"]):
        res = run(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert "\x1b" not in res.stderr and "\x07" not in res.stderr, args
        assert "\\x1b" in res.stderr, args  # shown, made visible
