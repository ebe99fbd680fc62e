"""Benchmark `wlx report` at scale: parse + analysis + output for N workload identities.

    .venv/bin/python bench/bench_report.py [N ...] [--json] [--runs R]   # default 10000 50000

Uses the demo generator (graph.demo.generate_demo) when it exists, else a synthetic tenant
built here with the same relations (owners, credentials, federated credentials, app
permissions, delegated grants, roles, sign-ins, audits). Target: < 5 s at 50,000.

Each run is a fresh process (the figures depend on the heap); with --runs R the best of R
runs is shown per step, which is what to compare on a machine shared with others. Wall and
CPU seconds are both shown. --json hands the parse what a sync, the cache or a replay hands
it: the Graph bodies after a JSON round trip (the generator's own dicts lie scattered in
memory and parse slower). "free" is what the command pays when it drops the parsed tenant
and the recording after the analysis.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.analysis import analyze  # noqa: E402
from models.config import AnalysisConfig  # noqa: E402
from models.index import build_index, dump_index, load_index  # noqa: E402
from models.recording import Recording  # noqa: E402
from models.report import render  # noqa: E402
from models.tenant import TenantData  # noqa: E402

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
GRAPH = "00000003-0000-0000-c000-000000000000"
# RoleManagement.ReadWrite.Directory (rare), User.Read.All, Directory.Read.All, Sites.Read.All
ROLES = ["9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", "df021288-bdef-4463-88db-98f22de89214",
         "7ab1d382-f21e-4acd-a863-ba3e13f7da61", "332a536c-c7ef-4017-ab91-336970924f0d"]


def _ts(days: float) -> str:
    return (NOW + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _gid(rng: random.Random) -> str:
    return "%08x-%04x-4%03x-8%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16),
                                            rng.getrandbits(12), rng.getrandbits(12),
                                            rng.getrandbits(48))


def synthetic(size: int, seed: int = 7) -> Recording:
    rng = random.Random(seed)
    rec = Recording(tenant_id=_gid(rng), recorded_at=NOW)
    graph_sp = _gid(rng)
    sps = [{"id": graph_sp, "appId": GRAPH, "displayName": "Microsoft Graph",
            "servicePrincipalType": "Application",
            "appOwnerOrganizationId": "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
            "appRoles": [{"id": r, "value": f"Role{i}"} for i, r in enumerate(ROLES)]}]
    apps, grants, audits, sign_ins, activity, cred_activity = [], [], [], [], [], []
    users = [{"@odata.type": "#microsoft.graph.user", "id": _gid(rng),
              "userPrincipalName": f"user{i}@contoso.test", "displayName": f"User {i}"}
             for i in range(max(10, size // 20))]
    assignments = []
    for i in range(size):
        app_id, sp_id, object_id = _gid(rng), _gid(rng), _gid(rng)
        # mostly healthy, as in a real tenant: short-lived credentials in use, a few problems
        keys = []
        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            start = -rng.randint(1, 170)
            life = 180 if rng.random() < 0.9 else 730
            keys.append({"keyId": _gid(rng), "displayName": "ci", "startDateTime": _ts(start),
                         "endDateTime": _ts(start + life)})
        certs = [{"keyId": _gid(rng), "type": "AsymmetricX509Cert", "usage": "Verify",
                  "startDateTime": _ts(-200), "endDateTime": _ts(165 if rng.random() < 0.95 else -5)}
                 for _ in range(rng.choice((0, 0, 1)))]
        if i % 10 != 9:
            apps.append({"id": object_id, "appId": app_id, "displayName": f"App {i}",
                         "createdDateTime": _ts(-rng.randint(1, 2000)),
                         "signInAudience": "AzureADMyOrg", "passwordCredentials": keys,
                         "keyCredentials": certs})
            rec.set_items(f"v1.0/applications/{object_id}/owners", [rng.choice(users)]
                          if rng.random() < 0.95 else [])
            rec.set_items(f"v1.0/applications/{object_id}/federatedIdentityCredentials", [
                {"id": _gid(rng), "name": "gh", "issuer": "https://token.actions.githubusercontent.com",
                 "subject": f"repo:contoso/app{i}:environment:prod",
                 "audiences": ["api://AzureADTokenExchange"]}] if i % 7 == 0 else [])
        sps.append({"id": sp_id, "appId": app_id, "displayName": f"App {i}",
                    "servicePrincipalType": "Application", "accountEnabled": i % 50 != 0,
                    "appOwnerOrganizationId": rec.tenant_id if i % 10 != 9 else _gid(rng)})
        rec.set_items(f"v1.0/servicePrincipals/{sp_id}/owners", [])
        rec.set_items(f"v1.0/servicePrincipals/{sp_id}/memberOf", [])
        held = [{"id": _gid(rng), "principalId": sp_id,
                 "appRoleId": ROLES[0] if rng.random() < 0.005 else ROLES[3]
                 if rng.random() < 0.05 else rng.choice(ROLES[1:3]),
                 "resourceId": graph_sp, "resourceDisplayName": "Microsoft Graph",
                 "createdDateTime": _ts(-300)} for _ in range(rng.randint(0, 3))]
        assignments.extend(held)
        rec.set_items(f"v1.0/servicePrincipals/{sp_id}/appRoleAssignments", held)
        if i % 5 == 0:
            grants.append({"id": _gid(rng), "clientId": sp_id, "resourceId": graph_sp,
                           "consentType": "AllPrincipals", "scope": "User.Read openid profile"})
        last = _ts(-rng.randint(0, 20) if rng.random() < 0.9 else -rng.randint(100, 400))
        activity.append({"id": _gid(rng), "appId": app_id,
                         "lastSignInActivity": {"lastSignInDateTime": last}})
        for key in keys:
            cred_activity.append({"id": _gid(rng), "keyId": key["keyId"], "appId": app_id,
                                  "signInActivity": {"lastSignInDateTime": last}})
        if i % 4 == 0:
            for _ in range(3):
                sign_ins.append({"id": _gid(rng), "createdDateTime": _ts(-rng.random() * 7),
                                 "appId": app_id, "servicePrincipalId": sp_id,
                                 "ipAddress": f"198.51.100.{rng.randint(1, 254)}",
                                 "resourceId": GRAPH, "signInEventTypes": ["servicePrincipal"],
                                 "status": {"errorCode": 0}})
        if i % 25 == 0 and keys:
            actor = rng.choice(users)
            audits.append({
                "id": _gid(rng), "category": "ApplicationManagement", "result": "success",
                "activityDisplayName": "Update application \u2013 Certificates and secrets management ",
                "activityDateTime": _ts(-rng.random() * 30),
                "initiatedBy": {"user": {"id": actor["id"],
                                         "userPrincipalName": actor["userPrincipalName"]}},
                "targetResources": [{"id": object_id, "type": "Application", "modifiedProperties": [
                    {"displayName": "KeyDescription", "oldValue": "[]",
                     "newValue": f'["[KeyIdentifier={keys[0]["keyId"]},KeyType=Password,'
                                 'KeyUsage=Verify,DisplayName=ci]"]'}]}]})
    rec.set_items("v1.0/organization", [{"id": rec.tenant_id, "displayName": "Bench"}])
    rec.set_items("v1.0/applications", apps)
    rec.set_items("v1.0/servicePrincipals", sps)
    rec.set_items(f"v1.0/servicePrincipals/{graph_sp}/appRoleAssignments", [])
    rec.set_items(f"v1.0/servicePrincipals/{graph_sp}/owners", [])
    rec.set_items(f"v1.0/servicePrincipals/{graph_sp}/memberOf", [])
    rec.set_items("v1.0/oauth2PermissionGrants", grants)
    rec.set_items("v1.0/roleManagement/directory/roleDefinitions", [])
    rec.set_items("v1.0/roleManagement/directory/roleAssignments", [
        {"id": _gid(rng), "principalId": sps[i]["id"], "directoryScopeId": "/",
         "roleDefinitionId": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"} for i in range(1, size, 500)])
    rec.set_items("v1.0/roleManagement/directory/roleEligibilitySchedules", [])
    rec.set_items("v1.0/auditLogs/directoryAudits", audits)
    rec.set_items("beta/auditLogs/signIns", sign_ins)
    rec.set_items("v1.0/identityProtection/riskyServicePrincipals", [])
    rec.set_items("v1.0/identityProtection/servicePrincipalRiskDetections", [])
    rec.set_items("beta/reports/servicePrincipalSignInActivities", activity)
    rec.set_items("beta/reports/appCredentialSignInActivities", cred_activity)
    rec.bodies["v1.0/users/$count"] = size * 2
    return rec


def source(size: int, as_json: bool) -> tuple[str, Recording]:
    try:
        from graph.demo import generate_demo
    except ImportError:
        kind, recording = "synthetic", synthetic(size)
    else:
        kind, recording = "demo", generate_demo(size=size, now=NOW)
    if as_json:  # what the reader, the cache and read_recording give: bodies fresh from JSON
        recording.bodies = json.loads(json.dumps(recording.bodies))
        kind += " (JSON)"
    return kind, recording


class Clock:
    """Wall and CPU seconds of each step, in order."""

    def __init__(self) -> None:
        self.steps: dict[str, tuple[float, float]] = {}
        self.marks = (time.perf_counter(), time.process_time())

    def step(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.steps[name] = (wall - self.marks[0], cpu - self.marks[1])
        self.marks = (time.perf_counter(), time.process_time())


def one(size: int, as_json: bool) -> dict:
    """One run in this process: the figures of every step, and the sizes."""
    kind, recording = source(size, as_json)
    gc.collect()
    gc.disable()  # as `wlx report` and `wlx sync` do around parse, analysis and output
    clock = Clock()
    data = TenantData.from_recording(recording)
    clock.step("parse")
    analysis = analyze(data, AnalysisConfig(), NOW, detail=False)  # as `wlx report` does
    clock.step("analyze")
    text_json = render(analysis, "json")
    clock.step("render json")
    text_md = render(analysis, "md")
    clock.step("render md")
    blob = dump_index(build_index(analysis))
    clock.step("build + dump index")
    load_index(blob)
    clock.step("load index")
    full = analyze(data, AnalysisConfig(), NOW, recording=recording)  # as a sync does
    clock.step("analyze with details")
    details = [i.model_dump_json() for i in full.identities]
    clock.step("details json")
    sizes = {"kind": kind, "identities": len(analysis.identities),
             "findings": len(analysis.findings), "json": len(text_json), "md": len(text_md),
             "index": len(blob), "detail": sum(map(len, details)) // len(details)}
    del full, details  # they hold the recording's raw objects
    clock.step("(drop details)")
    del data, recording
    clock.step("free")
    gc.enable()
    return {"steps": clock.steps, "sizes": sizes}


def bench(size: int, as_json: bool, runs: int) -> None:
    best: dict[str, tuple[float, float]] = {}
    sizes: dict = {}
    for _ in range(runs):
        command = [sys.executable, __file__, "--one", str(size)] + (["--json"] if as_json else [])
        result = json.loads(subprocess.run(command, check=True, capture_output=True,
                                           text=True).stdout)
        sizes = result["sizes"]
        for name, (wall, cpu) in result["steps"].items():
            old = best.get(name, (wall, cpu))
            best[name] = (min(old[0], wall), min(old[1], cpu))
    report = tuple(sum(best[k][i] for k in ("parse", "analyze", "render json")) for i in (0, 1))
    print(f"{sizes['kind']} tenant, {sizes['identities']} identities, {sizes['findings']} "
          f"findings; best of {runs} run(s), wall / CPU seconds")
    notes = {"render json": f"{sizes['json'] / 1e6:.1f} MB", "render md": f"{sizes['md'] / 1e6:.1f} MB",
             "build + dump index": f"{sizes['index'] / 1e6:.1f} MB",
             "analyze with details": "sign-in lists, pivots, raw objects",
             "details json": f"avg {sizes['detail']} B", "free": "parsed tenant + recording"}
    for name, (wall, cpu) in best.items():
        if name.startswith("("):
            continue
        print(f"  {name:22s} {wall:6.2f} / {cpu:5.2f}  {notes.get(name, '')}")
        if name == "render json":
            print(f"  {'report (parse..json)':22s} {report[0]:6.2f} / {report[1]:5.2f}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10000, 50000])
    parser.add_argument("--json", action="store_true", help="parse bodies fresh from JSON")
    parser.add_argument("--runs", type=int, default=1, help="runs per size; the best is shown")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.json)))
        return
    for size in args.sizes:
        bench(size, args.json, args.runs)


if __name__ == "__main__":
    main(sys.argv[1:])
