"""The tenant and plumbing the write tests share (no tests here).

`tenant()` is a small hand-made tenant whose every object a test can name: an app with a
secret, a certificate (with its public key) and a federated credential, owners, an
application permission and a delegated grant, a managed identity, and 50 "bulk" service
principals for the bulk and crash tests. `World` wires the writable replay (in process,
through the real httpx transport), the real cache on a temp dir and the real Writer.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from cache import Store
from graph.replay import Faults, Replay, ReplayServer, ReplayState, ReplayTransport
from graph.writes import HttpSender, RetryPolicy, WriteMode, Writer
from models.recording import Recording

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TENANT = "11111111-2222-3333-4444-555555555555"
BASE = "https://graph.microsoft.com"
GRAPH_SP = "sp-graph"
APP = "app-payroll"
APP_SP = "sp-payroll"
MI = "sp-mi-backup"
SECRET = "aaaaaaaa-0000-0000-0000-000000000001"
CERT = "aaaaaaaa-0000-0000-0000-000000000002"
CERT2 = "aaaaaaaa-0000-0000-0000-000000000003"
SP_SECRET = "bbbbbbbb-0000-0000-0000-000000000001"
SP_CERT = "bbbbbbbb-0000-0000-0000-000000000002"
FIC = "fic-github"
ASSIGNMENT = "ara-payroll-rw"
GRANT = "grant-payroll"
OWNER = "user-jane"
BULK = [f"sp-bulk-{i:02d}" for i in range(50)]
PUBLIC_KEY = "MIIC" + "A" * 60  # a public certificate's base64 (no secret in it)


def tenant() -> Recording:
    rec = Recording(tenant_id=TENANT, recorded_at=WHEN)
    rec.set_items("v1.0/organization", [{"id": TENANT, "displayName": "Contoso"}])
    rec.set_items("v1.0/applications", [{
        "id": APP, "appId": "appid-payroll", "displayName": "Payroll export",
        "passwordCredentials": [{"keyId": SECRET, "displayName": "build", "hint": "q!7",
                                 "endDateTime": "2025-01-01T00:00:00Z"}],
        "keyCredentials": [
            {"keyId": CERT, "type": "AsymmetricX509Cert", "usage": "Verify",
             "displayName": "CN=old", "key": PUBLIC_KEY + "1"},
            {"keyId": CERT2, "type": "AsymmetricX509Cert", "usage": "Verify",
             "displayName": "CN=new", "key": PUBLIC_KEY + "2"}],
    }])
    sps = [
        {"id": GRAPH_SP, "appId": "00000003-0000-0000-c000-000000000000",
         "displayName": "Microsoft Graph", "servicePrincipalType": "Application",
         "accountEnabled": True,
         "appRoles": [{"id": "role-rw", "value": "Application.ReadWrite.All",
                       "allowedMemberTypes": ["Application"]}]},
        {"id": APP_SP, "appId": "appid-payroll", "displayName": "Payroll export",
         "servicePrincipalType": "Application", "accountEnabled": True,
         "tags": ["WindowsAzureActiveDirectoryIntegratedApp"],
         "passwordCredentials": [{"keyId": SP_SECRET, "displayName": "hidden"}],
         "keyCredentials": [{"keyId": SP_CERT, "type": "AsymmetricX509Cert", "usage": "Verify",
                             "displayName": "CN=sp", "key": PUBLIC_KEY + "3"}]},
        {"id": MI, "appId": "appid-mi", "displayName": "backup-vm",
         "servicePrincipalType": "ManagedIdentity", "accountEnabled": True,
         "alternativeNames": ["isExplicit=False", "/subscriptions/x/resourceGroups/y"]},
    ] + [{"id": sp, "appId": f"appid-{sp}", "displayName": f"Bulk {sp[-2:]}",
          "servicePrincipalType": "Application", "accountEnabled": True} for sp in BULK]
    rec.set_items("v1.0/servicePrincipals", sps)
    rec.set_items(f"v1.0/applications/{APP}/owners", [
        {"@odata.type": "#microsoft.graph.user", "id": OWNER, "displayName": "Jane",
         "userPrincipalName": "jane@contoso.test"},
        {"@odata.type": "#microsoft.graph.user", "id": "user-bob", "displayName": "Bob",
         "userPrincipalName": "bob@contoso.test"}])
    rec.set_items(f"v1.0/applications/{APP}/federatedIdentityCredentials", [
        {"id": FIC, "name": "github-main", "issuer": "https://token.actions.githubusercontent.com",
         "subject": "repo:evil/payroll:ref:refs/heads/main",
         "audiences": ["api://AzureADTokenExchange"], "description": "deploys"}])
    for sp in sps:
        assignments = []
        if sp["id"] == APP_SP:
            assignments = [{"id": ASSIGNMENT, "principalId": APP_SP,
                            "principalType": "ServicePrincipal", "resourceId": GRAPH_SP,
                            "appRoleId": "role-rw", "principalDisplayName": "Payroll export",
                            "resourceDisplayName": "Microsoft Graph"}]
        rec.set_items(f"v1.0/servicePrincipals/{sp['id']}/appRoleAssignments", assignments)
        rec.set_items(f"v1.0/servicePrincipals/{sp['id']}/owners", [])
    rec.set_items("v1.0/oauth2PermissionGrants", [
        {"id": GRANT, "clientId": APP_SP, "resourceId": GRAPH_SP,
         "consentType": "AllPrincipals", "principalId": None, "scope": "User.Read Mail.Read"}])
    rec.set_items("v1.0/auditLogs/directoryAudits", [])
    return rec


@dataclass
class World:
    """A writable replay, the cache and a writer for one test."""

    root: Path
    faults: Faults = field(default_factory=Faults)
    writable: bool = True

    def __post_init__(self) -> None:
        self.state = ReplayState(tenant())
        self.now = 1000.0  # the replay's clock: only `sleep` moves it
        self.replay = Replay(self.state, self.faults, writable=self.writable,
                             clock=lambda: self.now)
        self.store = Store(self.root / "cache")
        self.cache = self.store.tenant(TENANT)
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        """The writer's sleep: time passes for the replay, not for the test."""
        self.waits.append(seconds)
        self.now += seconds

    def writer(self, write: bool = True, **kwargs: Any) -> Writer:
        sender = HttpSender.over(ReplayTransport(self.replay), BASE)
        mode = WriteMode.writable("test") if write else WriteMode.read_only()
        kwargs.setdefault("retry", RetryPolicy(max_attempts=8))
        return Writer(sender, self.cache.journal, TENANT, mode=mode, principal="admin@contoso.test",
                      labels=self.cache.labels, sleep=self.sleep, **kwargs)

    def get(self, path: str) -> httpx.Response:
        """A read through the same replay (not counted as a write)."""
        return self.request("GET", path)

    def request(self, method: str, path: str, body: Any = None) -> httpx.Response:
        client = httpx.Client(transport=_SyncReplay(self.replay), base_url=BASE)
        return client.request(method, path, json=body)

    @property
    def writes(self) -> list[dict[str, Any]]:
        return list(self.replay.stats.write_log)

    def close(self) -> None:
        self.store.close()


class _SyncReplay(httpx.BaseTransport):
    def __init__(self, replay: Replay) -> None:
        self.replay = replay

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        reply = self.replay.handle(request.method, request.url.raw_path.decode(),
                                   request.headers, request.read())
        return httpx.Response(reply.status, headers=reply.headers, content=reply.body,
                              request=request)


def sp(world: World, sp_id: str) -> dict[str, Any]:
    return world.get(f"/v1.0/servicePrincipals/{sp_id}").json()


def items(world: World, path: str) -> list[dict[str, Any]]:
    answer = world.get(path)
    assert answer.status_code == 200, answer.text
    return answer.json()["value"]


@contextlib.contextmanager
def serving(world: World) -> Iterator[ReplayServer]:
    """The world's replay over real HTTP on loopback (for subprocesses)."""
    server = ReplayServer(world.replay).start()
    try:
        yield server
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
