"""Loading and validating the two CSV files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import musicnet
from musicnet import DataError

HEADER_O = "id,name,type,remit,target_groups,stages,borough\n"
HEADER_R = "source,target,kind,status\n"
GOOD_O = [
    "a,Alpha Project,grassroots,majority_cc,refugee_asylum,first_access,Lewisham\n",
    "b,Beta Music,other,minority_cc,,participation;developing,Camden\n",
    "c,Gamma Hub,music_education_hub,general,,advanced,Camden\n",
]
GOOD_R = ["a,b,referral,active\n", "b,c,signposting,\n"]


def write(folder: Path, orgs: str, refs: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "organisations.csv").write_bytes(orgs.encode(encoding))
    (folder / "referrals.csv").write_bytes(refs.encode(encoding))
    return folder


def problems(folder: Path) -> list[musicnet.Problem]:
    with pytest.raises(DataError) as info:
        musicnet.load(folder)
    return info.value.problems


def test_sample_loads_with_no_warnings(sample_net):
    assert 120 <= len(sample_net) <= 180
    assert 300 <= len(sample_net.routes) <= 500
    assert sample_net.warnings == ()
    assert len({o.borough for o in sample_net.orgs.values()}) >= 25


def test_sample_uses_every_value(sample_net):
    from musicnet import schema

    orgs = sample_net.orgs.values()
    assert {o.type for o in orgs} == set(schema.TYPES)
    assert {o.remit for o in orgs} == set(schema.REMITS)
    assert {t for o in orgs for t in o.target_groups} == set(schema.TARGET_GROUPS)
    assert {s for o in orgs for s in o.stages} == set(schema.STAGES)
    assert {o.role for o in orgs} == set(schema.ROLES)
    assert {r.status for r in sample_net.routes} == set(schema.STATUSES)
    assert {r.kind for r in sample_net.routes} == set(schema.KINDS)


def test_tolerant_reading(tmp_path):
    # BOM, CRLF, shuffled and oddly cased headers, surrounding whitespace, blank rows,
    # ids differing in case in referrals, spaced vocabulary, Excel's trailing empty column
    orgs = ("\ufeff Stages ,ID,Name,Borough,REMIT,Type,\r\n"
            " First access ; participation , A , Alpha ,  lewisham , Majority CC, grassroots,\r\n"
            "developing,b,Beta,Camden,minority_cc,other,\r\n"
            ",,,,,,\r\n\r\n")
    refs = "Target,Source\r\n B , a \r\n"
    net = musicnet.load(write(tmp_path, orgs, refs))
    assert set(net.orgs) == {"A", "b"}
    assert net.org("a").stages == ("first_access", "participation")
    assert net.org("A").remit == "majority_cc" and net.org("A").borough == "Lewisham"
    assert [(r.source, r.target, r.kind, r.status) for r in net.routes] == [
        ("A", "b", "referral", "active")]
    assert net.org("b").role == "intermediary" and net.org("b").role_derived


def test_windows_1252_file_loads_with_warning(tmp_path):
    orgs = HEADER_O + "a,Café “Noise” £5,grassroots,general,,first_access,Lewisham\n" + \
        "b,B,other,general,,developing,Lewisham\n"
    net = musicnet.load(write(tmp_path, orgs, HEADER_R + "a,b,,\n", encoding="cp1252"))
    assert net.org("a").name == "Café “Noise” £5"
    assert any("Windows-1252" in str(w) for w in net.warnings)


def test_borough_variants_mapped_with_warning(tmp_path):
    orgs = HEADER_O + "a,A,grassroots,general,,first_access,Kingston\n" + \
        "b,B,other,general,,developing,Hammersmith & Fulham\n"
    net = musicnet.load(write(tmp_path, orgs, HEADER_R + "a,b,,\n"))
    assert net.org("a").borough == "Kingston upon Thames"
    assert net.org("b").borough == "Hammersmith and Fulham"
    assert sum("read as" in str(w) for w in net.warnings) == 2


def test_same_name_in_one_borough_is_a_warning_in_two_boroughs_fine(tmp_path):
    """Two 'Oak School' rows in Camden may be one organisation entered twice (warning on
    the second row's name cell); a third in Brent is a different school (no warning)."""
    orgs = HEADER_O + "a,Oak School,school,general,,first_access,Camden\n" + \
        "b,oak  school,school,general,,developing,Camden\n" + \
        "c,Oak School,school,general,,developing,Brent\n"
    net = musicnet.load(write(tmp_path, orgs, HEADER_R + "a,b,,\n"))
    shared = [w for w in net.warnings if w.code == "shared-name"]
    assert [(w.line, w.column) for w in shared] == [(3, 2)]
    assert "'a' (line 2)" in str(shared[0]) and "Camden" in str(shared[0])


def test_every_problem_reported_with_line_and_column(tmp_path):
    orgs = HEADER_O + "".join(GOOD_O) + (
        "a,Duplicate,grassroots,general,,first_access,Lewisham\n"       # line 5
        "d,Delta,grassroot,general,,advnced,Lewishm\n"                   # line 6
        "e,,other,everyone,,,Camden\n")                                  # line 7
    refs = HEADER_R + "a,b,,\n" + "a,bb,,\n" + "c,c,,\n" + "a,b,,\n" + "b,c,phone,\n"
    found = problems(write(tmp_path, orgs, refs))
    text = "\n".join(map(str, found))
    expect = [
        ("organisations.csv", 5, 1, "used twice (first on line 2)"),
        ("organisations.csv", 6, 3, "Did you mean 'grassroots'?"),
        ("organisations.csv", 6, 6, "Did you mean 'advanced'?"),
        ("organisations.csv", 6, 7, "Did you mean 'Lewisham'?"),
        ("organisations.csv", 7, 2, "'name' is empty"),
        ("organisations.csv", 7, 4, "unknown remit 'everyone'"),
        ("organisations.csv", 7, 6, "'stages' is empty"),
        ("referrals.csv", 3, 2, "Did you mean 'b'?"),
        ("referrals.csv", 4, 2, "to itself"),
        ("referrals.csv", 5, 2, "listed twice (first on line 2)"),
        ("referrals.csv", 6, 3, "unknown kind 'phone'"),
    ]
    for file, line, col, words in expect:
        assert any(p.file.endswith(file) and p.line == line and p.column == col
                   and words in str(p) for p in found), (file, line, col, words, text)
    assert len(found) == len(expect), text


def test_missing_required_column_with_did_you_mean(tmp_path):
    orgs = "id,name,typ,remit,stages,borough\n" + "a,A,grassroots,general,first_access,Lewisham\n"
    found = problems(write(tmp_path, orgs, HEADER_R + "a,a,,\n"))
    assert any("required column 'type' is missing" in str(p) and "'typ'" in str(p)
               and p.line == 1 for p in found)


def test_swapped_files_are_recognised(tmp_path):
    orgs = HEADER_O + "".join(GOOD_O)
    found = problems(write(tmp_path, orgs, orgs))
    assert any("swapped" in str(p) for p in found)


@pytest.mark.parametrize("content, words", [
    (b"", "is empty"),
    (b"PK\x03\x04rest-of-a-zip", "spreadsheet workbook"),
    (b"\x00\x01\x02garbage\x00", "binary data"),
])
def test_unreadable_files(tmp_path, content, words):
    write(tmp_path, HEADER_O + "".join(GOOD_O), HEADER_R)
    (tmp_path / "referrals.csv").write_bytes(content)
    found = problems(tmp_path)
    assert any(words in str(p) and p.file.endswith("referrals.csv") for p in found)


def test_header_only_and_missing_files(tmp_path):
    found = problems(write(tmp_path, HEADER_O, HEADER_R))
    assert sum("header row but no" in str(p) for p in found) == 2
    (tmp_path / "referrals.csv").unlink()
    (tmp_path / "Referals.csv").write_text(HEADER_R)
    found = problems(tmp_path)
    assert any("file not found" in str(p) and "Referals.csv" in str(p) for p in found)
    assert "folder not found" in str(problems(tmp_path / "nope")[0])


def test_numbers_urls_and_ranges(tmp_path):
    orgs = ("id,name,type,remit,stages,borough,age_min,age_max,lat,lon,website,imd_decile,"
            "contact_email\n"
            "a,A,grassroots,general,first_access,Lewisham,18,11,91,0,javascript:alert(1),11,"
            "nobody\n"
            "b,B,other,general,developing,Lewisham,x,,51.5,-0.1,example.org,3,x@y.org\n")
    found = problems(write(tmp_path, orgs, HEADER_R + "a,b,,\n"))
    fields = sorted(p.field for p in found)
    assert fields == ["age_max", "age_min", "contact_email", "imd_decile", "lat", "website"]


def test_cell_too_long_is_reported(tmp_path):
    long_name = "x" * 200_000
    orgs = HEADER_O + f"a,{long_name},grassroots,general,,first_access,Lewisham\n"
    found = problems(write(tmp_path, orgs, HEADER_R + "a,a,,\n"))
    assert any("longer than" in str(p) and p.line == 2 for p in found)


def test_inputs_never_modified(sample_copy):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in sample_copy.rglob("*") if p.is_file()}
    musicnet.load(sample_copy).analyse()
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sample_copy.rglob("*") if p.is_file()}
    assert before == after


def test_unknown_org_lookup_suggests(sample_net):
    with pytest.raises(musicnet.UsageError, match="Did you mean"):
        sample_net.org(next(iter(sample_net.orgs))[:-1] + "x")


def test_synth_round_trip(tmp_path):
    from musicnet.synth import generate, write_data

    orgs, routes = generate(300, 1500, seed=3)
    write_data(tmp_path, orgs, routes)
    net = musicnet.load(tmp_path)
    assert [o.to_dict(private=True) for o in net.orgs.values()] == [
        o.to_dict(private=True) for o in orgs]
    assert [r.to_dict(private=True) for r in net.routes] == [
        r.to_dict(private=True) for r in routes]


def test_docs_list_every_allowed_value():
    from musicnet import schema

    text = (Path(__file__).parent.parent / "docs" / "data.md").read_text()
    values = [*schema.TYPES, *schema.REMITS, *schema.TARGET_GROUPS, *schema.STAGES,
              *schema.ROLES, *schema.KINDS, *schema.STATUSES,
              *(c.name for c in schema.ORGANISATION_COLUMNS + schema.REFERRAL_COLUMNS)]
    missing = [v for v in values if f"`{v}`" not in text]
    assert not missing
    assert all(b in text for b in schema.BOROUGHS if schema.hub_area(b))


def test_docs_minimal_example_loads(tmp_path):
    import re

    text = (Path(__file__).parent.parent / "docs" / "data.md").read_text()
    orgs, refs = re.findall(r"```csv\n(.*?)```", text, re.S)
    write(tmp_path, orgs, refs)
    net = musicnet.load(tmp_path)
    assert len(net) == 3 and net.graph.number_of_edges() == 2


def test_negative_and_non_numeric_counts(tmp_path):
    orgs = HEADER_O + "".join(GOOD_O)
    refs = "source,target,young_people_per_year\na,b,-3\nb,c,lots\n"
    found = problems(write(tmp_path, orgs, refs))
    assert [(p.line, p.field) for p in found] == [(2, "young_people_per_year"),
                                                  (3, "young_people_per_year")]
    assert "out of range" in str(found[0]) and "not a whole number" in str(found[1])


def test_too_large_file_is_refused_before_reading(tmp_path, monkeypatch):
    import musicnet.loader as loader

    write(tmp_path, HEADER_O + "".join(GOOD_O), HEADER_R + "".join(GOOD_R))
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    found = problems(tmp_path)
    assert any("the largest file accepted" in str(p) for p in found)


def test_list_separators_and_trailing_columns(tmp_path):
    orgs = ("id,name,type,remit,target_groups,stages,borough,genres,,\n"
            'a,A,grassroots,majority_cc,"send|pru",first_access|participation,Lewisham,'
            '"Grime, Hip-Hop;  R&B ",,\n'
            "b,B,other,general,,developing,Lewisham,,,\n,,,,,,,,,\n")
    net = musicnet.load(write(tmp_path, orgs, HEADER_R + "A ,  B,,\n"))
    a = net.org("a")
    assert a.target_groups == ("send", "pru")
    assert a.stages == ("first_access", "participation")
    assert a.genres == ("grime", "hip-hop", "r&b")


def test_a_repeated_bad_value_is_reported_on_every_line(tmp_path):
    """Values are checked once per distinct combination for speed: a bad value that repeats
    is still reported on each of its lines, and the good rows between stay good."""
    refs = HEADER_R.replace("status", "status,young_people_per_year").replace("\n", "") + "\n"
    rows = ["a,b,referral,actve,3\n", "b,c,referral,active,3\n", "a,c,referral,actve,3\n",
            "c,a,referral,active,-1\n", "c,b,referral,active,-1\n"]
    orgs = "id,name,type,remit,target_groups,stages,borough,age_min\n" + "".join(
        line.rstrip("\n") + f",{age}\n" for line, age in zip(GOOD_O, ["x", "9", "x"],
                                                            strict=True))
    got = problems(write(tmp_path, orgs, refs + "".join(rows)))
    where = sorted((p.field, p.line) for p in got if p.severity == "error")
    assert where == [("age_min", 2), ("age_min", 4), ("status", 2), ("status", 4),
                     ("young_people_per_year", 5), ("young_people_per_year", 6)]


def test_a_file_of_made_up_values_is_checked_quickly(tmp_path):
    """A 2 MB file of thousands of made-up target groups per cell took two minutes (a
    did-you-mean for each), and a 41 MB one seven: the first five unknown values of a cell
    are reported one by one and the rest counted; past 500 problems no did-you-mean is
    looked for; past 10,000 the file's checking stops, and says where."""
    import time

    from musicnet import loader

    d = tmp_path / "d"
    d.mkdir()
    many = ";".join(f"q{i}" for i in range(3000))
    (d / "organisations.csv").write_text(
        "id,name,type,remit,stages,borough,target_groups\n"
        + "".join(f"o{i},Org {i},other,general,participation,Lewisham,neet;{many}\n"
                  for i in range(20)), encoding="utf-8")
    (d / "referrals.csv").write_text("source,target\no1,o2\n", encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(DataError) as err:
        musicnet.load(d)
    assert time.perf_counter() - t0 < 10
    problems = err.value.problems
    assert len(problems) == 20 * (loader._MAX_CELL_PROBLEMS + 1)
    more = [p for p in problems if "more unknown target groups in this cell" in p.message]
    assert len(more) == 20 and more[0].message.startswith(
        f"{3000 - loader._MAX_CELL_PROBLEMS:,} more")
    # a long file of made-up values: checking stops after 10,000 problems
    rows = "".join(f"o{i},Org {i},typ{i},rem{i},stage{i},Lewisam\n" for i in range(5000))
    (d / "organisations.csv").write_text("id,name,type,remit,stages,borough\n" + rows,
                                         encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(DataError) as err:
        musicnet.load(d)
    assert time.perf_counter() - t0 < 20
    problems = err.value.problems
    assert len(problems) == loader._MAX_PROBLEMS + 1
    last = problems[-1]
    assert last.code == "too-many-problems" and last.line == 2 + loader._MAX_PROBLEMS // 4
    assert "checking stopped" in err.value.report()  # shown though past the first 200
    boroughs = [p for p in problems if p.field == "borough"]
    assert boroughs[0].suggestion == "Did you mean 'Lewisham'?"
    assert boroughs[-1].suggestion.startswith("Allowed values:")  # no did-you-mean


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_title_row_above_the_column_names_is_named(tmp_path, form):
    """Found by a first-time user: a title row above the header gave six "required
    column ... is missing" problems and no hint. Now one problem says where the column
    names are and what to delete."""
    import csv

    sample = Path(__file__).parent.parent / "data"
    with open(sample / "organisations.csv", encoding="utf-8", newline="") as f:
        orgs = list(csv.reader(f))
    with open(sample / "referrals.csv", encoding="utf-8", newline="") as f:
        routes = list(csv.reader(f))
    titled = [["Network list, March 2026"], [], *orgs]
    if form == "csv":
        with open(tmp_path / "organisations.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(titled)
        with open(tmp_path / "referrals.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(routes)
        where = tmp_path
    else:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "organisations"
        for row in titled:
            ws.append(row)
        ws2 = wb.create_sheet("referrals")
        for row in routes:
            ws2.append(row)
        where = tmp_path / "network.xlsx"
        wb.save(where)
    with pytest.raises(DataError) as info:
        musicnet.load(where)
    problems = info.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    p = problems[0]
    assert p.line == 3 and p.message == "the column names are on line 3, not line 1."
    assert p.suggestion.startswith("Delete the 2 lines above them")
