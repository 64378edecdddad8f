"""Helpers shared by the benchmark scripts: timing, peak memory, Chromium, result tables."""

from __future__ import annotations

import json
import resource
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall-clock seconds over ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


@contextmanager
def peak_python_memory() -> Iterator[dict[str, float]]:
    """Peak memory allocated by Python objects inside the block, in MB (tracemalloc)."""
    out: dict[str, float] = {}
    tracemalloc.start()
    try:
        yield out
    finally:
        out["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()


def compile_musicnet() -> None:
    """Write musicnet's bytecode cache, as ``pip install`` does. An editable install run
    with PYTHONDONTWRITEBYTECODE set (as on this project's machines) would otherwise
    compile every musicnet module again in every timed process, which no installed copy
    does."""
    import compileall

    import musicnet

    compileall.compile_dir(Path(musicnet.__file__).parent, quiet=1)


#: Run in the child: musicnet's console entry point, reporting the process's own peak
#: memory (VmHWM: high-water mark of this program's memory; the rusage figure would also
#: count the benchmark's memory copied at fork) as the process ends.
_CHILD = """import os, sys
from musicnet.cli import main
_end = os._exit
def _exit(code):
    with open('/proc/self/status') as fh:
        peak = next(line.split()[1] for line in fh if line.startswith('VmHWM'))
    with open(os.environ['MUSICNET_BENCH_PEAK'], 'w') as out:
        out.write(peak)
    _end(code)
os._exit = _exit
main()
"""


def cli_run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one cold ``musicnet ARGS`` process,
    started the way the ``musicnet`` console script starts it. Raises SystemExit if the
    command fails."""
    import os
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        peak_file = os.path.join(tmp, "peak")
        env = {**os.environ, "MUSICNET_BENCH_PEAK": peak_file}
        t = time.perf_counter()
        p = subprocess.Popen([sys.executable, "-c", _CHILD, *args], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        status = p.wait()
        wall = time.perf_counter() - t
        if status != 0:
            raise SystemExit(f"musicnet {' '.join(args)} failed ({status})")
        with open(peak_file) as fh:
            return wall, int(fh.read()) / 1024


def max_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def page_ready_seconds(browser: Any, path: Path, condition: str | None = None,
                       timeout_s: float = 120.0, *, selector: str | None = None
                       ) -> float | None:
    """Seconds from navigation until the JavaScript ``condition`` is true, or until an
    element matching ``selector`` is attached (None: timed out). A page whose
    Content-Security-Policy forbids evaluated strings (the map) needs ``selector``:
    Playwright polls a condition by evaluating it.

    Requests to anything but the file itself are aborted, so no benchmark touches the
    network.
    """
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else route.abort())
    t = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
    try:
        if selector is not None:
            page.wait_for_selector(selector, state="attached", timeout=timeout_s * 1000)
        else:
            page.wait_for_function(condition, timeout=timeout_s * 1000, polling=50)
        took: float | None = time.perf_counter() - t
    except Exception:
        took = None
    page.close()
    return took


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    def fmt(v: Any) -> str:
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:.3f}" if v < 100 else f"{v:.0f}"
        return str(v)

    cells = [[fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(out)


def save(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path
