"""Global search at scale: build the index of a large demo tenant (as a sync would), store
and load it (as the app would), and time every keystroke of a few typical searches.

    .venv/bin/python bench/bench_search.py [--size 50000]

Target (issue 7): a keystroke answers in well under 50 ms at 50,000 identities.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from datetime import UTC, datetime

from graph.demo import generate_demo, names
from models.analysis import analyze
from models.config import AnalysisConfig
from models.nogc import paused_gc
from models.presets import run_presets
from models.search import SearchIndex, build_search_index
from models.tenant import TenantData

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000)
    args = parser.parse_args()

    started = time.perf_counter()
    with paused_gc():
        recording = generate_demo(args.size, 7, now=NOW)
        data = TenantData.from_recording(recording)
        analysis = analyze(data, AnalysisConfig(), NOW, recording=recording)
    print(f"demo of {len(analysis.identities):,} identities analysed in "
          f"{time.perf_counter() - started:.1f} s")

    mark = time.perf_counter()
    doc = build_search_index(analysis, data)
    build = time.perf_counter() - mark
    text = json.dumps(doc, separators=(",", ":"))
    print(f"index: {len(doc['terms']):,} terms, {len(doc['events']):,} events, built in "
          f"{build * 1000:.0f} ms, {len(text) / 1e6:.1f} MB as JSON")

    mark = time.perf_counter()
    with paused_gc():  # as a sync runs them: after the analysis, GC paused
        presets = run_presets(analysis.identities, NOW)
    hits = {p["id"]: len(p["hits"]) for p in presets["presets"]}
    print(f"presets over all identities: {(time.perf_counter() - mark) * 1000:.0f} ms; hits {hits}")

    midnight = next(i for i in analysis.identities if i.display_name == "Test App (legacy)")
    typed = [names.SUSPICIOUS_IP, "Test App (legacy)", midnight.app_id,
             midnight.credentials[-1].key_id, "repo:jdoe-dev", "sanne.lindqvist@contoso.com",
             "ip:20.", "zzz-not-there"]
    # the app holds the index, not the analysis (a sync runs in its own process)
    del analysis, data, recording, doc, midnight, presets
    gc.collect()

    mark = time.perf_counter()
    index = SearchIndex(json.loads(text))
    print(f"loaded (JSON parse + lookup structures) in {(time.perf_counter() - mark) * 1000:.0f} ms")
    gc.collect()
    times = []
    for query in typed:
        per_query = []
        for n in range(1, len(query) + 1):  # every keystroke
            mark = time.perf_counter()
            index.search(query[:n])
            per_query.append(time.perf_counter() - mark)
        times += per_query
        print(f"  {query[:30]!r:34} {len(query):3} keystrokes: worst "
              f"{max(per_query) * 1000:6.2f} ms, median {statistics.median(per_query) * 1000:5.2f} ms")
    print(f"all keystrokes: worst {max(times) * 1000:.2f} ms, median "
          f"{statistics.median(times) * 1000:.2f} ms, p95 "
          f"{sorted(times)[int(len(times) * 0.95)] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
