"""The `aliases` column of organisations.csv, the `evidence` column of referrals.csv and
`analyse --min-evidence`."""

from __future__ import annotations

import json

import musicnet

from .test_cli import run
from .test_loader import problems, write

ORGS = ("id,name,type,remit,stages,borough,aliases\n"
        "lmh,Lewisham Music Hub,music_education_hub,minority_cc,developing,Lewisham,"
        '"LMH; Lewisham Music | Lewisham Music, Arts"\n'
        "fb,Fairbeats,other,majority_cc,participation,Lewisham,\n"
        "hc,Horniman Centre,venue,general,advanced,Lewisham,the Horniman\n")


def test_aliases_are_read_as_a_list_and_kept_with_commas(tmp_path):
    net = musicnet.load(write(tmp_path, ORGS, "source,target\nfb,lmh\n"))
    assert net.org("lmh").aliases == ("LMH", "Lewisham Music", "Lewisham Music, Arts")
    assert net.org("fb").aliases == ()
    frame = net.organisations_frame()
    assert frame.loc["lmh", "aliases"] == "LMH;Lewisham Music;Lewisham Music, Arts"
    assert net.warnings == ()


def test_an_alias_shared_by_two_organisations_is_a_warning(tmp_path):
    orgs = ORGS.replace("the Horniman", "The Horniman; Fairbeats!")
    net = musicnet.load(write(tmp_path, orgs, "source,target\nfb,lmh\n"))
    [w] = net.warnings
    assert (w.line, w.field, w.code) == (4, "aliases", "shared-alias")
    assert "'Fairbeats!' is also used by 'fb' (line 3)" in str(w)


def test_evidence_is_read_and_checked(tmp_path):
    refs = "source,target,evidence\nfb,lmh,both\nlmh,hc,Source\nfb,hc,\n"
    net = musicnet.load(write(tmp_path, ORGS, refs))
    assert [r.evidence for r in net.routes] == ["both", "source", ""]
    assert net.graph.edges["fb", "lmh"]["evidence"] == "both"
    found = problems(write(tmp_path, ORGS, "source,target,evidence\nfb,lmh,bth\n"))
    assert [(p.line, p.field) for p in found] == [(2, "evidence")]
    assert "Did you mean 'both'?" in str(found[0])


def test_min_evidence_both_leaves_out_one_sided_routes_only(tmp_path):
    refs = "source,target,evidence\nfb,lmh,both\nlmh,hc,source\nfb,hc,target\nhc,fb,\n"
    net = musicnet.load(write(tmp_path, ORGS, refs))
    assert net.with_min_evidence("any") is net
    confirmed = net.with_min_evidence("both")
    assert sorted(confirmed.graph.edges) == [("fb", "lmh"), ("hc", "fb")]
    assert len(confirmed) == len(net)
    res = run("analyse", str(tmp_path), "--min-evidence", "both", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert "2 one-sided routes left out" in res.stderr
    summary = json.loads(res.stdout)["summary"]
    assert summary["routes_by_status"]["active"] == 2
    everything = json.loads(run("analyse", str(tmp_path), "--format", "json").stdout)
    assert everything["summary"]["routes_by_status"]["active"] == 4
