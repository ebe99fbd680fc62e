"""Helpers for the cache tests (no tests here): fixed clock, sample data, subprocess runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cache import Store
from models.recording import Recording, Unavailable

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TENANT = "11111111-2222-3333-4444-555555555555"


class Clock:
    """A clock the test moves by hand: each call returns the current time."""

    def __init__(self, when: datetime = WHEN) -> None:
        self.when = when

    def __call__(self) -> datetime:
        return self.when

    def advance(self, **delta: float) -> None:
        self.when += timedelta(**delta)


def make_store(root: Path, clock: Clock | None = None, keep: int = 3) -> Store:
    return Store(root, keep=keep, clock=clock or Clock())


def sample_details(count: int, tag: str = "") -> dict[str, bytes]:
    return {f"id-{n:05d}": json.dumps({"id": f"id-{n:05d}", "n": n, "tag": tag,
                                       "pad": "x" * 200}).encode()
            for n in range(count)}


def sample_recording(sps: int = 30) -> Recording:
    rec = Recording(tenant_id=TENANT, recorded_at=WHEN)
    rec.set_items("v1.0/servicePrincipals", [{"id": f"sp{n}", "appId": f"a{n}"}
                                             for n in range(sps)])
    rec.set_items("v1.0/applications", [{"id": "app1", "appId": "a1",
                                         "passwordCredentials": [{"keyId": "k1"}]}])
    for n in range(sps):
        rec.set_items(f"v1.0/servicePrincipals/sp{n}/appRoleAssignments",
                      [{"id": f"ara{n}", "principalId": f"sp{n}"}] if n % 2 else [])
        rec.set_items(f"v1.0/servicePrincipals/sp{n}/memberOf", [])
    rec.set_items("v1.0/applications/app1/owners",
                  [{"@odata.type": "#microsoft.graph.user", "id": "u1"}])
    rec.bodies["v1.0/users/$count"] = 42
    rec.bodies["v1.0/organization"] = {"@odata.context": "ctx", "value": [{"id": TENANT}]}
    rec.bodies["v1.0/servicePrincipals/sp1/ownedObjects"] = {"value": [{"id": "x"}]}
    rec.unavailable["signIns"] = Unavailable(403, "Authorization_RequestDenied",
                                             "AuditLog.Read.All")
    return rec


def commit_snapshot(store: Store, name: str, details: int = 50,
                    recording: Recording | None = None) -> int:
    """Write one full generation whose content is tagged with `name`."""
    with store.tenant(TENANT).begin_snapshot({"displayName": name}) as writer:
        writer.put("index", [{"id": f"id-{n:05d}", "name": name} for n in range(details)])
        # stored plain, so that it is a value file on disk (above diskcache's 32 KB)
        writer.put("big", {"rows": [name] * 20000}, compress=False)
        writer.put_bytes("blob", name.encode())
        writer.put_details(sample_details(details, name))
        if recording is not None:
            writer.put_recording(recording)
        return writer.commit().number


def run_python(code: str, *args: str, unprivileged: bool = False,
               check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter from the repo root.

    unprivileged: file permissions apply even when the tests run as root (the
    capabilities that bypass them are dropped with setpriv).
    """
    command = [sys.executable, "-c", code, *args]
    if unprivileged and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "running as root: setpriv (util-linux) is needed to test permissions"
        caps = "-dac_override,-dac_read_search,-fowner"
        command = [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=check,
                          timeout=120)


def modes(root: Path) -> dict[str, int]:
    """Permission bits of everything under root, by relative path."""
    found = {".": root.stat().st_mode & 0o777}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = path.lstat().st_mode & 0o777
    return found


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value))
