"""Shared by the triage and maintenance-queue tests: the demo tenant synced into a cache of
the test's own (queues and labels are written there, not into the shared demo cache), and
a second snapshot of it after known changes (a credential, a federated credential and an
owner added, an identity removed), made by editing the demo's recorded Graph JSON and
syncing it again through the real path (replay, reader, analysis, cache)."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from test_tui_support import APP_NOW, DEMO_NOW

NEW_KEY = "0badc0de-0000-4000-8000-00000000000a"
NEW_FIC = "0badc0de-0000-4000-8000-00000000000b"
NEW_OWNER = "0badc0de-0000-4000-8000-00000000000c"
NEW_SUBJECT = "repo:attacker/tools:ref:refs/heads/main"
CREDENTIAL_APP, FEDERATED_APP, OWNER_APP, DOOMED_APP = (
    "Test App (legacy)", "contoso-web-deploy", "Payments API (AKS)", "Legacy Intranet Sync")


def _run(call: Any) -> Any:
    # sync runs its own event loop: in a thread, so async tests can call it too
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result()


def fresh_demo(root: Path) -> tuple[Any, str]:
    """(store, tenant id): the fixed demo synced once into `root`."""
    from cache import Store
    from tui.source import Source
    from tui.sync import sync

    store = Store(str(root))
    result = _run(lambda: sync(Source("demo", demo_size=300), store, now=DEMO_NOW))
    return store, result.tenant_id


def changed_recording(store: Any, tenant_id: str) -> Any:
    """The demo's recording with the known changes made to its Graph JSON."""
    reader = store.tenant(tenant_id).current()
    try:
        rec = copy.deepcopy(reader.recording())
    finally:
        reader.close()
    apps = {a["displayName"]: a for a in rec.items("v1.0/applications")}
    sps = {s["displayName"]: s for s in rec.items("v1.0/servicePrincipals")}
    apps[CREDENTIAL_APP].setdefault("passwordCredentials", []).append(
        {"keyId": NEW_KEY, "displayName": "planted", "hint": "pl4",
         "startDateTime": "2026-11-20T08:00:00Z", "endDateTime": "2027-11-20T08:00:00Z"})
    fic_path = f"v1.0/applications/{apps[FEDERATED_APP]['id']}/federatedIdentityCredentials"
    rec.set_items(fic_path, [*rec.items(fic_path), {
        "id": NEW_FIC, "name": "sneaky", "issuer": "https://token.actions.githubusercontent.com",
        "subject": NEW_SUBJECT, "audiences": ["api://AzureADTokenExchange"]}])
    owner_path = f"v1.0/applications/{apps[OWNER_APP]['id']}/owners"
    rec.set_items(owner_path, [*rec.items(owner_path), {
        "@odata.type": "#microsoft.graph.user", "id": NEW_OWNER,
        "displayName": "New Comer", "userPrincipalName": "newcomer@contoso.com"}])
    doomed_app, doomed_sp = apps[DOOMED_APP]["id"], sps[DOOMED_APP]["id"]
    rec.set_items("v1.0/applications", [a for a in rec.items("v1.0/applications")
                                        if a["id"] != doomed_app])
    rec.set_items("v1.0/servicePrincipals", [s for s in rec.items("v1.0/servicePrincipals")
                                             if s["id"] != doomed_sp])
    for path in [p for p in rec.bodies if doomed_app in p or doomed_sp in p]:
        del rec.bodies[path]
    return rec


def sync_changed(store: Any, tenant_id: str, directory: Path) -> None:
    """Sync the changed demo into the same cache: a second generation."""
    from graph.recording import write_recording
    from tui.source import Source
    from tui.sync import sync

    write_recording(changed_recording(store, tenant_id), directory)
    _run(lambda: sync(Source("replay", directory=str(directory)), store, now=DEMO_NOW))


def app_on(store: Any, tenant_id: str, **options: Any) -> Any:
    from tui.app import build_app
    from tui.cache_source import CacheSource

    return build_app(CacheSource(store, tenant_id), now=APP_NOW, **options)
