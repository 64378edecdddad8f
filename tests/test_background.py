"""``build`` on a large network works out suggestions and map layouts in a forked child
(musicnet._background): same files as without it, nothing left running or half-written
when interrupted. Forking happens in real subprocesses here, never inside pytest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from musicnet._background import Background
from musicnet.cli import PARALLEL_FROM, cli

from .test_safety import ENV, folder_digest, leftovers

UNIT = textwrap.dedent("""
    import os, sys, time
    from musicnet._background import Background

    with Background(os.getpid) as job:
        assert job.forked and job.result() != os.getpid()
    with Background(os.getpid, fork=False) as job:
        assert not job.forked and job.result() == os.getpid()

    calls = []
    def fails():
        calls.append(os.getpid())
        raise ValueError("bad data")
    try:
        with Background(fails) as job:
            job.result()
    except ValueError as exc:  # the child failed: the parent ran it and raised itself
        assert str(exc) == "bad data" and calls == [os.getpid()]
    else:
        raise AssertionError("no error")

    t = time.perf_counter()
    with Background(lambda: time.sleep(30)) as job:  # never collected: killed on leaving
        pid = job._pid
    assert time.perf_counter() - t < 5
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        print("ok")
""")


def test_background_runs_in_a_child_and_falls_back_in_the_parent(tmp_path):
    res = subprocess.run([sys.executable, "-c", UNIT], capture_output=True, text=True,
                         env=ENV, timeout=60)
    assert res.returncode == 0 and res.stdout == "ok\n", res.stderr


def test_background_without_fork_is_the_plain_call():
    with Background(lambda: [1, 2], fork=False) as job:
        assert job.result() == [1, 2] and not job.forked


# A console run of `musicnet build` that records whether it forked and, with PAUSE set,
# holds the child inside its work (so a signal reaches the parent while it waits).
CONSOLE = textwrap.dedent("""
    import os, sys, time
    import musicnet._background as bg
    import musicnet.render.map as m
    real_init, real_layouts = bg.Background.__init__, m.map_layouts
    def init(self, *a, **k):
        real_init(self, *a, **k)
        with open(os.environ["RECORD"], "a") as f:
            f.write(f"forked={self.forked} child={self._pid}\\n")
    def layouts(net):
        if os.environ.get("PAUSE"):
            open(os.environ["PAUSE"], "w").close()
            time.sleep(60)
        return real_layouts(net)
    bg.Background.__init__ = init
    m.map_layouts = layouts
    from musicnet.cli import main
    sys.argv = ["musicnet", *sys.argv[1:]]
    main()
""")


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("big") / "data"
    res = CliRunner().invoke(cli, ["synth", str(d), "--orgs", str(PARALLEL_FROM + 100),
                                   "--seed", "3", "-q"])
    assert res.exit_code == 0, res.output
    return d


def test_forked_build_writes_the_same_files(tmp_path, big):
    script = tmp_path / "console.py"
    script.write_text(CONSOLE)
    record = tmp_path / "record"
    res = subprocess.run([sys.executable, str(script), "build", str(big), "-o",
                          str(tmp_path / "forked"), "-q"], capture_output=True, text=True,
                         env={**ENV, "RECORD": str(record)}, timeout=300)
    assert res.returncode == 0 and res.stderr == "", res.stderr
    assert record.read_text().startswith("forked=True")
    # in-process (CliRunner) runs never fork: the sequential path, for comparison
    inproc = CliRunner().invoke(cli, ["build", str(big), "-o", str(tmp_path / "plain"),
                                      "-q"])
    assert inproc.exit_code == 0, inproc.output
    forked, plain = folder_digest(tmp_path / "forked"), folder_digest(tmp_path / "plain")
    assert sorted(forked) == ["analysis.json", "map.html", "report.html"]
    assert forked == plain


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_forked_build_leaves_nothing_running(tmp_path, big, sig):
    script = tmp_path / "console.py"
    script.write_text(CONSOLE)
    record, pause, out = tmp_path / "record", tmp_path / "paused", tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(script), "build", str(big), "-o", str(out)],
                            env={**ENV, "RECORD": str(record), "PAUSE": str(pause)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not pause.exists():  # the child is at work
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline
        time.sleep(0.02)
    time.sleep(0.5)  # the parent is analysing or already waiting for the child
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig and "Traceback" not in err, err
    child = int(record.read_text().split("child=")[1])
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
    assert not out.exists() and leftovers(tmp_path) == []
