"""Benchmark of the cache store at 50,000 identities (run by hand, figures in notes).

    .venv/bin/python bench/bench_cache.py [--size 50000] [--root DIR]

Writes one snapshot with a ~5 MB JSON list index, one ~3 KB JSON detail per identity and
a recording of SIZE service principals (plus SIZE*0.4 applications and their per-object
relations), then measures: commit time (per part), warm open + index read in a fresh
process (what the app's first paint pays), detail reads, recording rebuild, disk size.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cache import Store  # noqa: E402
from cache.paths import tree_size  # noqa: E402
from models.recording import Recording  # noqa: E402

TENANT = "11111111-2222-3333-4444-555555555555"
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def guid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def index_rows(ids: list[str]) -> list[dict]:
    """About 100 bytes of JSON per identity: what the list screen shows."""
    kinds = ("app", "sp", "mi")
    return [{"id": i, "n": f"svc-{n:05d}-payments", "k": kinds[n % 3], "t": n % 3,
             "c": n % 4, "x": "2027-03-01", "s": "2026-11-19", "o": n % 3, "f": [n % 5, 2]}
            for n, i in enumerate(ids)]


def detail(identity_id: str, n: int) -> bytes:
    doc = {
        "id": identity_id, "appId": identity_id[::-1], "displayName": f"svc-{n:05d}-payments",
        "servicePrincipalType": "Application", "accountEnabled": True,
        "tags": ["WindowsAzureActiveDirectoryIntegratedApp", "HideApp"],
        "passwordCredentials": [{"keyId": identity_id, "displayName": f"secret {k}",
                                 "startDateTime": "2025-01-01T00:00:00Z",
                                 "endDateTime": "2027-01-01T00:00:00Z", "hint": "abc"}
                                for k in range(2)],
        "appRoleAssignments": [{"id": f"{identity_id}-{k}", "resourceDisplayName":
                                "Microsoft Graph", "appRoleId": identity_id,
                                "createdDateTime": "2025-05-05T05:05:05Z"} for k in range(3)],
        "owners": [{"id": identity_id, "userPrincipalName": f"owner{n}@contoso.com"}],
        "findings": [{"rule": "credential-expiring", "severity": "medium",
                      "evidence": "a secret expires in 20 days, created by someone long ago"}
                     for _ in range(3)],
        "signIns": [{"time": "2026-11-19T10:00:00Z", "ip": f"10.0.{k}.{n % 250}",
                     "resource": "Microsoft Graph", "status": 0, "keyId": identity_id}
                    for k in range(8)],
    }
    return json.dumps(doc).encode()


def recording(size: int, rng: random.Random) -> Recording:
    rec = Recording(tenant_id=TENANT, recorded_at=WHEN)
    sps = [{"id": guid(rng), "appId": guid(rng), "displayName": f"sp {n}",
            "servicePrincipalType": "Application", "accountEnabled": True,
            "appOwnerOrganizationId": TENANT, "servicePrincipalNames": [f"api://sp-{n}"],
            "tags": ["WindowsAzureActiveDirectoryIntegratedApp"],
            "keyCredentials": [], "passwordCredentials": [],
            "appRoles": [{"id": guid(rng), "value": "Read", "allowedMemberTypes": ["Application"]}],
            "alternativeNames": [], "createdDateTime": "2024-01-01T00:00:00Z"}
           for n in range(size)]
    apps = [{"id": guid(rng), "appId": guid(rng), "displayName": f"app {n}",
             "signInAudience": "AzureADMyOrg", "passwordCredentials": [
                 {"keyId": guid(rng), "endDateTime": "2027-01-01T00:00:00Z"}],
             "requiredResourceAccess": [{"resourceAppId": guid(rng), "resourceAccess": [
                 {"id": guid(rng), "type": "Role"}]}]}
            for n in range(size * 2 // 5)]
    rec.set_items("v1.0/servicePrincipals", sps)
    rec.set_items("v1.0/applications", apps)
    for n, sp in enumerate(sps):
        assignments = [{"id": guid(rng), "principalId": sp["id"], "resourceId": guid(rng),
                        "appRoleId": guid(rng)} for _ in range(n % 3)]
        rec.set_items(f"v1.0/servicePrincipals/{sp['id']}/appRoleAssignments", assignments)
        rec.set_items(f"v1.0/servicePrincipals/{sp['id']}/memberOf", [])
        rec.set_items(f"v1.0/servicePrincipals/{sp['id']}/owners", [])
    for app in apps:
        rec.set_items(f"v1.0/applications/{app['id']}/owners",
                      [{"@odata.type": "#microsoft.graph.user", "id": guid(rng)}])
        rec.set_items(f"v1.0/applications/{app['id']}/federatedIdentityCredentials", [])
    return rec


WARM = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from cache import Store
t1 = time.perf_counter()
store = Store({cache!r})
tenant_id = store.last_tenant()
reader = store.tenant(tenant_id).current()
t2 = time.perf_counter()
rows = reader.get({key!r})
t3 = time.perf_counter()
assert len(rows) in ({size}, 9)
print((t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000)
"""


def warm_start(root: Path, key: str, size: int) -> tuple[float, float, float]:
    """Median (import, open, read) in ms over 5 fresh processes."""
    runs = []
    for _ in range(5):
        code = WARM.format(root=str(ROOT), cache=str(root), key=key, size=size)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
        runs.append([float(x) for x in out.stdout.split()])
    imp, opened, read = (statistics.median(col) for col in zip(*runs, strict=True))
    return imp, opened, read


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--root", default="")
    args = parser.parse_args()
    rng = random.Random(7)
    root = Path(args.root or tempfile.mkdtemp(prefix="wlx-bench-cache-"))

    ids = [guid(rng) for _ in range(args.size)]
    rows = index_rows(ids)
    arrays = [list(row.values()) for row in rows]
    columns = {key: [row[key] for row in rows] for key in rows[0]}
    details = {i: detail(i, n) for n, i in enumerate(ids)}
    rec = recording(args.size, rng)
    index_size = len(json.dumps(rows, separators=(",", ":")))
    arrays_size = len(json.dumps(arrays, separators=(",", ":")))
    details_size = sum(len(d) for d in details.values())
    print(f"data: {args.size} index rows ({index_size / 1e6:.1f} MB JSON as dicts, "
          f"{arrays_size / 1e6:.1f} MB as arrays), {len(details)} details "
          f"({details_size / 1e6:.0f} MB, {details_size / len(details) / 1e3:.1f} KB each), "
          f"recording of {len(rec.bodies)} paths")

    store = Store(root)
    tenant = store.tenant(TENANT)
    for _ in range(2):  # the second commit shows the cost with a previous snapshot present
        t0 = time.perf_counter()
        writer = tenant.begin_snapshot({"displayName": "Bench tenant"})
        writer.put("index", rows)
        writer.put("index-arrays", arrays)
        writer.put("index-plain", rows, compress=False)
        writer.put("index-columns", columns)
        t1 = time.perf_counter()
        writer.put_details(details)
        t2 = time.perf_counter()
        writer.put_recording(rec)
        t3 = time.perf_counter()
        info = writer.commit()
        t4 = time.perf_counter()
        print(f"commit {info.number}: total {ms(t4 - t0)} (4 index variants {ms(t1 - t0)}, "
              f"details {ms(t2 - t1)}, recording {ms(t3 - t2)}, commit {ms(t4 - t3)})")
    store.set_last_tenant(TENANT)
    print(f"disk: {tree_size(info.path) / 1e6:.1f} MB per snapshot, {tree_size(root) / 1e6:.1f} MB "
          f"in all ({len(tenant.generations())} generations)")

    print("warm start, fresh process, median of 5 (import cache / open store + current "
          "snapshot / read index):")
    for key, shape in (("index", "rows as dicts, compressed"),
                       ("index-plain", "rows as dicts, not compressed"),
                       ("index-arrays", "rows as arrays, compressed"),
                       ("index-columns", "one list per column, compressed")):
        imp, opened, read = warm_start(root, key, args.size)
        print(f"  {shape:32} {imp:4.0f} / {opened:4.1f} / {read:5.1f} ms -> open + index "
              f"{opened + read:.1f} ms")

    reader = tenant.current()
    sample = rng.sample(ids, 2000)
    cold = []
    for identity_id in sample:
        t = time.perf_counter()
        assert reader.detail(identity_id) == details[identity_id]
        cold.append(time.perf_counter() - t)
    warm = []
    for identity_id in sample[-200:]:
        reader.detail(identity_id)
        t = time.perf_counter()
        reader.detail(identity_id)  # same shard again: from the reader's shard cache
        warm.append(time.perf_counter() - t)
    cold.sort()
    print(f"detail read: median {statistics.median(cold) * 1000:.2f} ms, p95 "
          f"{cold[int(len(cold) * 0.95)] * 1000:.2f} ms (shard not yet read: one read + "
          f"decompress), {statistics.median(warm) * 1e6:.0f} us from the shard cache")
    t = time.perf_counter()
    back = reader.recording()
    print(f"recording(): {ms(time.perf_counter() - t)} for {len(back.bodies)} paths")
    reader.close()
    store.close()
    if args.root:
        print(f"cache root: {root}")
    else:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
