"""Regenerate the map screenshots in docs/img/ from the sample data (headless Chromium).

Run: python scripts/screenshots.py [--out docs/img] [--chromium /usr/bin/chromium]

Writes, at 1440x900: map-ladder.png (the opening view), map-geography.png (London's
boroughs), map-pathways.png (an organisation clicked, with everywhere a young person can go
from it) and map-list.png (the list view). The README shows two of them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--size", default="1440x900")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    import musicnet
    from musicnet.render.map import render_map

    w, h = (int(x) for x in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    net = musicnet.load(ROOT / "data")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        path = Path(tmp) / "map.html"
        path.write_text(render_map(net, title="London youth music progression network "
                                   "(illustrative sample)"), encoding="utf-8")
        browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
        page = browser.new_page(viewport={"width": w, "height": h})
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready=true]")
        shots = []

        def shot(name: str) -> None:
            page.wait_for_timeout(150)
            target = args.out / name
            page.screenshot(path=str(target))
            shots.append(target)

        shot("map-ladder.png")
        page.check("input[value=geo]")
        shot("map-geography.png")
        page.check("input[value=ladder]")
        oid = "kite-street-alternative-provision"
        x, y = page.evaluate("id => window.musicnetMap.domPosition(id)", oid)
        page.mouse.click(x, y)
        box = page.locator("#map").bounding_box()  # then to an empty corner: no tooltip
        page.mouse.move(box["x"] + 6, box["y"] + 6)
        shot("map-pathways.png")
        page.click("#clear-selection")
        page.click("#tab-list")
        shot("map-list.png")
        browser.close()
    for s in shots:
        print("wrote", s.relative_to(ROOT) if s.is_relative_to(ROOT) else s, file=sys.stderr)


if __name__ == "__main__":
    main()
