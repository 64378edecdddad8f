"""Check or refresh the ``$ musicnet ...`` output blocks in README.md, docs/whatif.md and
docs/history.md (and history's "Network health" block, the end of ``musicnet analyse
data``).

Each block is a fenced ``text`` block starting with ``$ musicnet ...``. Commands run in a
scratch folder holding a copy of ``data/`` and of ``docs/examples/bad/`` (as ``bad/``), so
``musicnet build`` writes nowhere in the repository. A block whose last line is ``...``
shows only the first lines of the output.

    python scripts/doc_outputs.py          # rewrite the blocks with today's output
    python scripts/doc_outputs.py --check  # exit 1 if a block is out of date

tests/test_docs.py runs the check.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ("README.md", "docs/whatif.md", "docs/history.md")
HEALTH = re.compile(r"```text\n(Network health\n.*?)```", re.S)
BLOCK = re.compile(r"```text\n\$ (musicnet [^\n]+)\n(.*?)```", re.S)


def scratch() -> Path:
    """A temporary folder with ``data/`` and ``bad/`` (the caller removes it)."""
    tmp = Path(tempfile.mkdtemp(prefix="musicnet-docs-"))
    shutil.copytree(ROOT / "data", tmp / "data")
    shutil.copytree(ROOT / "docs" / "examples" / "bad", tmp / "bad")
    return tmp


def run(command: str, cwd: Path) -> str:
    """What a user sees in a terminal (stdout then stderr, no colour) for ``command``."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NO_COLOR": "1", "COLUMNS": "200"}
    res = subprocess.run([sys.executable, "-m", "musicnet.cli", *shlex.split(command)[1:]],
                         capture_output=True, text=True, cwd=cwd, env=env, timeout=300)
    if res.returncode not in (0, 1) or "Traceback" in res.stderr:
        raise RuntimeError(f"{command} failed:\n{res.stderr}")
    return (res.stdout + res.stderr).rstrip("\n")


def expected(shown: str, output: str) -> str:
    """The block text that ``output`` should give, keeping the block's truncation."""
    lines = shown.rstrip("\n").splitlines()
    out = output.splitlines()
    if lines and lines[-1] == "...":
        return "\n".join([*out[:len(lines) - 1], "..."]) + "\n"
    return "\n".join(out) + "\n"


def blocks(path: Path) -> list[tuple[str, str]]:
    """(command, shown text) for every ``$ musicnet`` block in ``path``."""
    return BLOCK.findall(path.read_text(encoding="utf-8"))


def refresh(check: bool) -> list[str]:
    """Rewrite (or, with ``check``, only compare) every block; return stale commands."""
    tmp = scratch()
    stale = []
    try:
        for name in FILES:
            path = ROOT / name
            text = path.read_text(encoding="utf-8")

            def sub(m: re.Match[str], tmp: Path = tmp, name: str = name) -> str:
                command, shown = m.group(1), m.group(2)
                want = expected(shown, run(command, tmp))
                if want != shown:
                    stale.append(f"{name}: {command}")
                return f"```text\n$ {command}\n{want}```"

            new = BLOCK.sub(sub, text)
            if HEALTH.search(new):
                analysed = run("musicnet analyse data", tmp)
                health = analysed[analysed.index("Network health\n"):] + "\n"
                if HEALTH.search(new)[1] != health:
                    stale.append(f"{name}: Network health")
                new = HEALTH.sub(lambda m, h=health: f"```text\n{h}```", new)
            if not check and new != text:
                path.write_text(new, encoding="utf-8")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return stale


if __name__ == "__main__":
    check = "--check" in sys.argv[1:]
    stale = refresh(check)
    for s in stale:
        print(("out of date: " if check else "updated: ") + s)
    sys.exit(1 if check and stale else 0)
