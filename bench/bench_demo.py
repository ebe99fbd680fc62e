"""Benchmark of the demo tenant generator: generate + write at 10k, 50k and 100k identities.

    .venv/bin/python bench/bench_demo.py [--sizes 10000,50000,100000] [--root DIR]

Each size runs in a fresh process so its peak memory (max RSS) is its own. Reported per
size: generate seconds, write seconds (graph.recording.write_recording, one file per body),
files, bytes on disk, sign-ins and audit events kept, peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
from datetime import UTC, datetime
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from graph.demo import generate_demo
from graph.recording import write_recording

size, out = int(sys.argv[1]), Path(sys.argv[2])
start = time.perf_counter()
rec = generate_demo(size, 7, now=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
generated = time.perf_counter()
write_recording(rec, out)
written = time.perf_counter()
files = [p for p in out.rglob("*.json")]
print(json.dumps({
    "size": size, "generate_s": round(generated - start, 2),
    "write_s": round(written - generated, 2), "files": len(files),
    "mb_on_disk": round(sum(p.stat().st_size for p in files) / 1e6, 1),
    "service_principals": len(rec.items("v1.0/servicePrincipals")),
    "applications": len(rec.items("v1.0/applications")),
    "sign_ins": len(rec.items("beta/auditLogs/signIns")),
    "audits": len(rec.items("v1.0/auditLogs/directoryAudits")),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--root", help="where to write the recordings (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.root) as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            out = Path(tmp) / f"demo-{size}"
            done = subprocess.run([sys.executable, "-c", CHILD, str(size), str(out), str(ROOT)],
                                  capture_output=True, text=True, check=True)
            figures = json.loads(done.stdout)
            print("  ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
            subprocess.run(["rm", "-rf", str(out)], check=True)


if __name__ == "__main__":
    main()
