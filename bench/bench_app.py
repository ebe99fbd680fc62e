"""Benchmark of the explorer on a warm cache at 50,000 identities (issue 5 targets: first
paint < 1 s, a filter keystroke < 50 ms, peak RSS < 500 MB).

    .venv/bin/python bench/bench_app.py [--size 50000] [--cache DIR] [--terminal 200x60]

The demo tenant of SIZE identities is synced once through the real path (replay Graph,
reader, analysis, cache) into DIR (default: $TMPDIR/wlx-bench-app-SIZE, kept between
runs: the sync of 50,000 takes a minute or two). Then a fresh Python process per run
opens the app headless on that cache, as `wlx` does, and reports:
- warm start: process start (interpreter up) to the identity list drawn with every row,
  and the same for the overview (the start screen);
- filter keystrokes on the full list: through Textual's pilot (key to processed; the
  pilot's wall time includes its own waits for the next frame), the CPU the app spent on
  each (the key, the filter, the repaint of the whole screen), and the filter itself
  plus the drawing of every visible line;
- opening an identity, the findings view and the credentials view (it reads every
  identity's credentials from the cache);
- peak RSS of the process (VmHWM) after all of that.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the heavy imports: the child's warm start counts them

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TYPED = "payroll sync"


def ensure_cache(size: int, root: Path) -> str:
    """The tenant id of a synced demo of `size` in `root`, syncing it if needed."""
    from cache import Store
    from tui.source import Source
    from tui.sync import sync

    store = Store(root)
    tenant = store.last_tenant()
    if tenant and store.tenant(tenant).current() is not None:
        return tenant
    print(f"syncing a demo of {size:,} identities into {root} (once)…", flush=True)
    start = time.perf_counter()
    result = sync(Source("demo", demo_size=size), store, now=NOW)
    print(f"  synced in {time.perf_counter() - start:.0f} s", flush=True)
    return result.tenant_id


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def child(root: Path, tenant: str, start_screen: str, terminal: tuple[int, int]) -> dict:
    """One warm start in this (fresh) process; returns the figures."""
    from cache import Store
    from tui.app import build_app
    from tui.cache_source import CacheSource
    from tui.screens.links import Location
    from tui.widgets.virtual_table import VirtualTable

    figures: dict = {"imports": time.perf_counter() - STARTED}
    source = CacheSource(Store(root), tenant)
    location = Location("list", "identities") if start_screen == "list" else None
    app = build_app(source, now=NOW, start=location)
    async with app.run_test(size=terminal) as pilot:
        while getattr(app.screen, "busy", True) or (start_screen == "list"
                                                     and app.rowset is None):
            await pilot.pause(0.005)
        if start_screen != "list":
            # not busy = the board was rebuilt and a refresh with the tiles has run (the
            # index then loads behind it: a pilot pause here would wait for that too)
            figures["first_paint"] = time.perf_counter() - STARTED
            return figures
        await pilot.pause()  # the frame with the rows
        figures["first_paint"] = time.perf_counter() - STARTED
        table = app.screen.query_one(VirtualTable)
        figures["rows"] = table.total_count
        await pilot.press("slash")
        pressed, busy = [], []
        for char in TYPED:
            tick, cpu = time.perf_counter(), time.process_time()
            await pilot.press("space" if char == " " else char)
            pressed.append(time.perf_counter() - tick)
            busy.append(time.process_time() - cpu)
        figures["keystroke_pilot"] = pressed
        figures["keystroke_cpu"] = busy
        await pilot.press("escape")
        direct = []
        for length in range(1, len(TYPED) + 1):
            tick = time.perf_counter()
            app.screen.apply_filter(TYPED[:length])
            for y in range(table.size.height):
                table.render_line(y)
            direct.append(time.perf_counter() - tick)
        figures["keystroke_filter_draw"] = direct
        app.screen.apply_filter("")
        for name, location in (("detail", Location("detail", table.cursor_id)),
                               ("findings", Location("findings", "findings")),
                               ("credentials", Location("credentials", "credentials"))):
            tick = time.perf_counter()
            app.open(location)
            await pilot.pause()
            while app.screen.busy:
                await pilot.pause(0.005)
            await pilot.pause()
            figures[f"open_{name}"] = time.perf_counter() - tick
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


def run_child(root: Path, tenant: str, screen: str, terminal: str) -> dict:
    spawned = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--child", str(root), tenant, screen,
                          terminal], capture_output=True, text=True, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["spawn_to_exit"] = time.perf_counter() - spawned
    return figures


def ms(value: float) -> str:
    return f"{value * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--terminal", default="200x60", help="WIDTHxHEIGHT")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        root, tenant, screen, terminal = args.child
        width, height = (int(p) for p in terminal.split("x"))
        print(json.dumps(asyncio.run(child(Path(root), tenant, screen, (width, height)))))
        return
    root = args.cache or Path(tempfile.gettempdir()) / f"wlx-bench-app-{args.size}"
    tenant = ensure_cache(args.size, root)
    runs = [run_child(root, tenant, "list", args.terminal) for _ in range(args.runs)]
    overview = [run_child(root, tenant, "overview", args.terminal) for _ in range(args.runs)]
    print(f"{runs[0]['rows']:,} identities, terminal {args.terminal}, {args.runs} runs, "
          "median (worst)")

    def line(label: str, values: list[float]) -> None:
        print(f"  {label:<58} {ms(statistics.median(values))} ({ms(max(values))})")
    line("python imports of the app (in the process)", [r["imports"] for r in runs])
    line("warm start: process start to the full list drawn", [r["first_paint"] for r in runs])
    line("warm start: process start to the overview drawn",
         [r["first_paint"] for r in overview])
    keys = [k for r in runs for k in r["keystroke_pilot"]]
    line(f"filter keystroke, wall time through the pilot ({len(keys)} keys)", keys)
    line("  of which the app was busy (CPU: key, filter, full repaint)",
         [k for r in runs for k in r["keystroke_cpu"]])
    direct = [k for r in runs for k in r["keystroke_filter_draw"]]
    line("filter keystroke: re-filter + draw the visible lines", direct)
    for name in ("detail", "findings", "credentials"):
        line(f"open the {name} view (worker + first frame)", [r[f"open_{name}"] for r in runs])
    rss = [r["peak_rss_mb"] for r in runs]
    print(f"  {'peak RSS (VmHWM) after all of the above':<58} {max(rss):7.0f} MB")


if __name__ == "__main__":
    main()
