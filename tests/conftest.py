"""Shared helpers: tiny networks built in code, sample data paths, a Chromium browser."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from musicnet import Network, Organisation, Route

# A shell without job control starts background commands with Ctrl-C (SIGINT) ignored,
# and every process started from here would inherit that: the tests that interrupt a
# build with SIGINT then saw it ignored. Catching it here gives children the default back
# (exec resets caught signals), however the suite was started.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data"


def csv_rows(path: Path) -> int:
    """Data rows of a CSV file, counted with the csv module (not musicnet's loader)."""
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return sum(1 for row in csv.reader(fh) if any(row)) - 1


#: The sample's size, counted from the files themselves.
SAMPLE_ORGS = csv_rows(SAMPLE / "organisations.csv")
SAMPLE_ROUTES = csv_rows(SAMPLE / "referrals.csv")
CHROMIUM = os.environ.get("MUSICNET_CHROMIUM", "/usr/bin/chromium")

if os.environ.get("MUSICNET_EXAMPLES"):
    # a mutation run (docs/testing.md): a failing example is enough to kill a mutant, so
    # do not spend time shrinking it to the simplest one
    from hypothesis import Phase, settings

    settings.register_profile("mutation", phases=[Phase.explicit, Phase.reuse,
                                                  Phase.generate])
    settings.load_profile("mutation")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def org(oid: str, stages: str = "participation", *, remit: str = "minority_cc",
        otype: str = "other", role: str | None = None, borough: str = "Lewisham",
        **extra: object) -> Organisation:
    """An organisation for tests; stages as 'first_access;developing'."""
    from musicnet.schema import ROLE_BY_TYPE, STAGES

    st = tuple(s for s in STAGES if s in stages.split(";"))
    return Organisation(id=oid, name=extra.pop("name", f"Org {oid}"), type=otype,
                        remit=remit, stages=st, borough=borough,
                        role=role or ROLE_BY_TYPE[otype], role_derived=role is None,
                        **extra)  # type: ignore[arg-type]


def net_of(orgs: list[Organisation], routes: list[tuple[str, str]] | list[Route]) -> Network:
    rs = [r if isinstance(r, Route) else Route(r[0], r[1]) for r in routes]
    return Network(orgs, rs)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped sample data."""
    dst = tmp_path / "data"
    shutil.copytree(SAMPLE, dst)
    return dst


@pytest.fixture(scope="session")
def browser():
    """Headless system Chromium driven by Playwright (installed by .ci/run)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium` "
                    "(done by .ci/run).")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def sample_net():
    import musicnet

    return musicnet.load(SAMPLE)


def node_link_graph(data: dict):
    """Read classic node-link JSON (a ``links`` list) with whichever networkx is installed:
    ``edges="links"`` from networkx 3.4 on, the default before (the call changed in 3.4)."""
    import networkx as nx

    major, minor = (int(x) for x in nx.__version__.split(".")[:2])
    if (major, minor) >= (3, 4):
        return nx.node_link_graph(data, edges="links")
    return nx.node_link_graph(data)
