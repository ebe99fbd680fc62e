"""Benchmark of `wlx sync` end to end (read + analysis + cache) against `wlx serve`.

    .venv/bin/python bench/bench_sync.py [--sizes 10000 50000] [--throttle-units 8000]

For each size: a demo recording (kept in /tmp/wlx-bench between runs) is served by
`wlx serve --writable` on loopback; a cold `wlx sync` runs in a fresh cache; then 1% of the
service principals are renamed through the server (PATCH over HTTP) and a second sync
reads only what changed (delta). Prints wall time, requests and the sync's own timings.
Run by hand; figures go in the closing notes, not in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
WLX = [sys.executable, "-m", "tui"]
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def demo_dir(size: int) -> Path:
    target = Path(tempfile.gettempdir()) / "wlx-bench" / f"demo-{size}"
    if not (target / "recording.json").is_file():
        print(f"writing the demo recording of {size:,} identities to {target} ...", flush=True)
        subprocess.run([*WLX, "record", str(target), "--demo", "--size", str(size),
                        "--now", NOW.isoformat(), "--force"], check=True, cwd=ROOT)
    return target


def serve(directory: Path, throttle: int) -> tuple[subprocess.Popen, str]:
    command = [*WLX, "serve", str(directory), "--port", "0", "--writable"]
    if throttle:
        command += ["--throttle-units", str(throttle)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    for line in server.stdout:
        found = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if found:
            return server, found.group(1)
    raise RuntimeError("wlx serve did not print its URL")


def sync(url: str, env: dict[str, str]) -> tuple[float, dict]:
    started = time.monotonic()
    out = subprocess.run([*WLX, "sync", "--graph-url", url, "--auth", "none",
                          "--progress-json", "--now", NOW.isoformat()],
                         capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    seconds = time.monotonic() - started
    done = [json.loads(line) for line in out.stdout.splitlines() if '"done"' in line]
    return seconds, done[-1] if done else {}


def rename_one_percent(url: str, directory: Path) -> int:
    sps = json.loads((directory / "v1.0" / "servicePrincipals.json").read_text())["value"]
    # managed identities cannot be changed from Entra (the replay answers 403 like Graph)
    editable = [sp["id"] for sp in sps if sp.get("servicePrincipalType") == "Application"]
    chosen = editable[: max(1, len(sps) // 100)]
    with httpx.Client(base_url=url, timeout=60) as http:
        for sp_id in chosen:
            http.patch(f"/v1.0/servicePrincipals/{sp_id}",
                       json={"displayName": f"renamed {sp_id[:8]}"}).raise_for_status()
    return len(chosen)


def stats(env: dict[str, str]) -> dict:
    code = ("import json; from cache import Store; s = Store(); "
            "t = s.tenant(s.last_tenant()).current(); print(json.dumps(t.meta['stats']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env=env, check=True)
    return json.loads(out.stdout)


def run(size: int, throttle: int) -> None:
    directory = demo_dir(size)
    server, url = serve(directory, throttle)
    try:
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, XDG_CACHE_HOME=cache, XDG_CONFIG_HOME=cache)
            cold, _ = sync(url, env)
            cold_stats = stats(env)
            changed = rename_one_percent(url, directory)
            warm, done = sync(url, env)
            warm_stats = stats(env)
    finally:
        server.terminate()
        server.wait()
    label = f"{size:,} identities" + (f", throttle {throttle} units/10 s" if throttle else "")
    print(f"\n== {label}")
    print(f"cold sync:  {cold:6.1f} s wall, read {cold_stats['seconds']} s, "
          f"{cold_stats['requests']:,} requests (minimum {cold_stats['minimumRequests']:,}), "
          f"{cold_stats['retries']} retries, {cold_stats['throttled']} throttled")
    print(f"delta sync: {warm:6.1f} s wall ({warm / cold:.0%} of cold), read "
          f"{warm_stats['seconds']} s ({warm_stats['seconds'] / cold_stats['seconds']:.0%} of "
          f"the cold read), {warm_stats['requests']:,} requests, {changed} renamed")
    print(f"            changes: {done.get('changes')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--throttle-units", type=int, default=0)
    args = parser.parse_args()
    for size in args.sizes:
        run(size, args.throttle_units)


if __name__ == "__main__":
    main()
