"""Benchmark of the bulk reader against `wlx serve` on loopback (run by hand; the figures
go in the closing note of issue 3).

    .venv/bin/python bench/bench_read.py                      # 10,000 and 50,000
    .venv/bin/python bench/bench_read.py --sizes 10000 --sdk-limit 10000

For each size it writes a demo recording to a temp dir, starts `wlx serve` on port 0 as a
subprocess, and measures:
  1. listing the service principals: our reader's path (kiota adapter, bytes, pydantic)
     against the path an SDK user writes (`client.service_principals.get()` with the same
     $select/$top, page by page through the typed models); same requests;
  2. a full cold read of the tenant: time, requests against the plan's minimum;
  3. the same with 20% of requests answered 429 (`--fail-rate 429:0.2`): identical counts;
  4. the same under `--throttle-units 8000` (a large tenant's budget);
  5. in process: an incremental read after 1% of the identities changed, against a cold one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.client import create_client  # noqa: E402
from graph.reader import PreviousRead, ReadOptions, read_tenant  # noqa: E402
from graph.reader import plan  # noqa: E402
from graph.reader.session import Session  # noqa: E402

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def write_demo(target: int, directory: Path) -> dict[str, int]:
    from graph.demo import generate_demo
    from graph.recording import write_recording

    # the demo's size counts service principals and apps without one: aim a little higher
    recording = generate_demo(min(100_000, int(target * 1.04)), now=NOW)
    write_recording(recording, directory)
    return {"servicePrincipals": len(recording.items("v1.0/servicePrincipals")),
            "applications": len(recording.items("v1.0/applications")),
            "files": len(recording.bodies)}


@contextlib.contextmanager
def served(directory: Path, *flags: str) -> Iterator[str]:
    """`wlx serve DIR --port 0 FLAGS` as a subprocess; yields its base URL."""
    proc = subprocess.Popen([sys.executable, "-m", "tui", "serve", str(directory), "--port", "0",
                             *flags], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        base = ""
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("listening on "):
                base = line.split()[2]
                break
        if not base:
            raise RuntimeError("wlx serve did not start")
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def server_stats(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/_wlx/stats") as answer:
        return json.loads(answer.read())


async def list_ours(base: str) -> tuple[int, float, float]:
    """Our path: adapter + middleware, raw bytes, pydantic models. (count, wall s, CPU s)"""
    from models.apps import ServicePrincipal
    from models.base import collect_warnings, parse_many

    started, cpu = time.perf_counter(), time.process_time()
    async with create_client(base) as client:
        session = Session(client)
        raw = await session.pages("servicePrincipals",
                                  plan.url("v1.0/servicePrincipals", plan.SP_SELECT, plan.PAGE))
        with collect_warnings():
            parsed = parse_many(ServicePrincipal, raw)
    return len(parsed), time.perf_counter() - started, time.process_time() - cpu


async def list_sdk(base: str, limit: int) -> tuple[int, float, float]:
    """What an SDK user writes: typed request builders and models, page by page."""
    import httpx
    from kiota_abstractions.authentication import AnonymousAuthenticationProvider
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph import GraphRequestAdapter, GraphServiceClient
    from msgraph.generated.service_principals.service_principals_request_builder import (
        ServicePrincipalsRequestBuilder,
    )
    from msgraph_core import GraphClientFactory

    started, cpu = time.perf_counter(), time.process_time()
    http = GraphClientFactory.create_with_default_middleware(client=httpx.AsyncClient())
    adapter = GraphRequestAdapter(AnonymousAuthenticationProvider(), http)
    adapter.base_url = f"{base}/v1.0"
    client = GraphServiceClient(request_adapter=adapter)
    query = ServicePrincipalsRequestBuilder.ServicePrincipalsRequestBuilderGetQueryParameters(
        select=plan.SP_SELECT, top=plan.PAGE)
    page = await client.service_principals.get(RequestConfiguration(query_parameters=query))
    items = list(page.value or []) if page else []
    while page is not None and page.odata_next_link and len(items) < limit:
        page = await client.service_principals.with_url(page.odata_next_link).get()
        items += list(page.value or []) if page else []
    await http.aclose()
    return len(items), time.perf_counter() - started, time.process_time() - cpu


async def full_read(base: str, **options) -> tuple[object, float]:
    started = time.perf_counter()
    async with create_client(base) as client:
        result = await read_tenant(client, ReadOptions(now=NOW, **options))
    return result, time.perf_counter() - started


def counts(result) -> dict[str, int]:
    """Objects per recording path family (relation files summed per kind)."""
    from graph.replay.state import kind_for_path

    out: dict[str, int] = {}
    for path in result.recording.bodies:
        kind = kind_for_path(path)
        name = kind.name if kind else path
        out[name] = out.get(name, 0) + len(result.recording.items(path))
    return out


def line(label: str, result, seconds: float, base: str | None = None) -> None:
    stats = result.stats
    served_requests = server_stats(base)["requests"] if base else stats.requests
    print(f"  {label:<28} {seconds:7.2f} s  {stats.requests:6d} requests "
          f"(server saw {served_requests}, minimum {stats.minimum_requests}, "
          f"x{stats.ratio:.2f}); {stats.batches} batches of {stats.batch_items} items, "
          f"{stats.retries} retries, {stats.throttled} throttled, "
          f"unavailable: {sorted(result.recording.unavailable) or 'none'}")


async def incremental(directory: Path, share: float = 0.01) -> None:
    """In process (server thread + reader): cold read, 1% changed, incremental read."""
    from graph.replay import ReplayServer, ReplayState

    state = ReplayState.from_directory(directory)
    with ReplayServer(state) as server:
        cold, cold_s = await full_read(server.base_url)
        sps = list(state.collections["v1.0/servicePrincipals"].objects.values())
        apps = list(state.collections["v1.0/applications"].objects.values())
        rng = random.Random(1)
        changed_sps = rng.sample(sps, max(1, int(len(sps) * share)))
        changed_apps = rng.sample(apps, max(1, int(len(apps) * share)))
        state.apply_changes("v1.0/servicePrincipals", [
            {"id": sp["id"], "notes": "changed by the benchmark"} for sp in changed_sps])
        state.apply_changes("v1.0/applications", [
            {"id": app["id"], "notes": "changed by the benchmark"} for app in changed_apps])
        started = time.perf_counter()
        async with create_client(server.base_url) as client:
            again = await read_tenant(client, ReadOptions(now=NOW),
                                      previous=PreviousRead(cold.recording, cold.delta_links))
        again_s = time.perf_counter() - started
    line("cold read (in process)", cold, cold_s)
    line(f"incremental, {share:.0%} changed", again, again_s)
    print(f"  incremental / cold time: {again_s / cold_s:.1%}; changes: "
          f"{again.changes.summary() if again.changes else '-'}")


async def bench(target: int, sdk_limit: int, workdir: Path, sdk: bool = True) -> None:
    directory = workdir / f"demo-{target}"
    started = time.perf_counter()
    shape = write_demo(target, directory)
    print(f"\n== {shape['servicePrincipals']:,} service principals, "
          f"{shape['applications']:,} applications ({shape['files']:,} recording files, "
          f"written in {time.perf_counter() - started:.0f} s)")
    with served(directory) as base:
        n_ours, ours_s, ours_cpu = await list_ours(base)
        n_sdk, sdk_s, sdk_cpu = await list_sdk(base, sdk_limit) if sdk else (0, 0.0, 0.0)
        per_ours, per_sdk = ours_s / max(n_ours, 1), sdk_s / max(n_sdk, 1)
        cpu_ours, cpu_sdk = ours_cpu / max(n_ours, 1), sdk_cpu / max(n_sdk, 1)
        print(f"  list service principals, our path:  {n_ours:6d} in {ours_s:6.2f} s "
              f"({per_ours * 1e6:.0f} us each; client CPU {cpu_ours * 1e6:.0f} us)")
    if sdk:
        print(f"  list service principals, SDK typed: {n_sdk:6d} in {sdk_s:6.2f} s "
              f"({per_sdk * 1e6:.0f} us each; client CPU {cpu_sdk * 1e6:.0f} us)")
        print(f"  -> ours is {per_sdk / per_ours:.0f}x faster end to end (the server's own "
              f"time included), {cpu_sdk / cpu_ours:.0f}x less client CPU")
    with served(directory) as base:
        clean, clean_s = await full_read(base)
        line("cold read", clean, clean_s, base)
    with served(directory, "--fail-rate", "429:0.2") as base:
        faulty, faulty_s = await full_read(base)
        line("cold read, 20% 429", faulty, faulty_s, base)
        same = counts(faulty) == counts(clean) and \
            faulty.recording.bodies == clean.recording.bodies
        print(f"  identical result with 429s: {same}")
    with served(directory, "--throttle-units", "8000") as base:
        throttled, throttled_s = await full_read(base)
        line("cold read, 8000 units/10 s", throttled, throttled_s, base)
        print(f"  identical result under the budget: "
              f"{throttled.recording.bodies == clean.recording.bodies}")
    # a sync process holds one previous recording, not four: let the others go (a big
    # heap makes every garbage collection pass slower, and the timing with it)
    del clean, faulty, throttled
    gc.collect()
    await incremental(directory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,50000",
                        help="service principal counts, comma separated")
    parser.add_argument("--sdk-limit", type=int, default=10**9,
                        help="stop the SDK listing after this many objects (it is slow)")
    parser.add_argument("--skip-sdk", action="store_true", help="leave out the SDK listing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wlx-bench-read-") as tmp:
        for size in (int(s) for s in args.sizes.split(",") if s.strip()):
            asyncio.run(bench(size, args.sdk_limit, Path(tmp), not args.skip_sdk))
    print(f"\n(python {sys.version.split()[0]}, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
