"""Write the README's screenshots (screenshots/*.svg) from the real app on the demo tenant,
at 140×40 with a fixed clock: `make screenshots` (or `python -m tests.make_screenshots`).

The demo is synced through the real path into a temp cache first (a few seconds).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_tui_support import demo_app, demo_id, settle  # noqa: E402
from tui.screens.links import Location  # noqa: E402

SIZE = (140, 40)
SHOTS = {
    "overview": (None, ()),
    "list": (Location("list", "identities"), ()),
    # the Midnight Blizzard-style legacy app: what it can do and what is wrong with it
    "detail": (Location("detail", "Test App (legacy)", tab="findings"), ("j",)),
    "findings": (Location("findings", "findings"), ()),
}


async def shoot(name: str, start: Location | None, keys: tuple[str, ...], out: Path) -> Path:
    if start is not None and start.screen == "detail":
        start = Location("detail", demo_id(start.target), tab=start.tab)
    app = demo_app(start)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        path = app.save_screenshot(f"{name}.svg", str(out))
    return Path(path)


def main() -> int:
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    for name, (start, keys) in SHOTS.items():
        path = asyncio.run(shoot(name, start, keys, out))
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
