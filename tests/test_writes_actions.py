"""Every cleanup action through the real choke point, against the writable replay and the
real cache journal: the tenant changes (read back through GET), the journal holds it
before and after with the prior state, undo restores what Graph allows, read-only mode
refuses it without sending anything, and a 403 stops with a clear message and an intact
journal that resume finishes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from test_writes_support import (
    APP,
    APP_SP,
    ASSIGNMENT,
    CERT,
    CERT2,
    FIC,
    GRANT,
    OWNER,
    PUBLIC_KEY,
    SECRET,
    SP_CERT,
    SP_SECRET,
    TENANT,
    World,
    items,
    sp,
)

from graph.writes import Context, WriteRefused
from models import plan as p


def _keys(world: World, parent: str, object_id: str) -> dict[str, Any]:
    return world.get(f"/v1.0/{parent}/{object_id}?$select=passwordCredentials,"
                     "keyCredentials").json()


def _key_ids(world: World, parent: str, object_id: str, kind: str) -> list[str]:
    return [k["keyId"] for k in _keys(world, parent, object_id)[kind]]


@dataclass
class Case:
    id: str
    action: Any
    changed: Callable[[World], bool]
    restored: Callable[[World], bool] | None  # None: Graph cannot undo it
    prior: Callable[[dict[str, Any]], bool] = lambda prior: True
    setup: Callable[[World], None] = lambda world: None
    local: bool = False
    permission: str = "Application.ReadWrite.All"
    extra: dict[str, Any] = field(default_factory=dict)


def _disabled(world: World) -> None:
    world.state.update(APP_SP, {"accountEnabled": False})


def _deleted(world: World) -> None:
    assert world.request("DELETE", f"/v1.0/applications/{APP}").status_code == 204


def _fic_back(world: World) -> bool:
    fics = items(world, f"/v1.0/applications/{APP}/federatedIdentityCredentials")
    return [(f["name"], f["subject"]) for f in fics] == [
        ("github-main", "repo:evil/payroll:ref:refs/heads/main")]


def _assignment_back(world: World) -> bool:
    held = items(world, f"/v1.0/servicePrincipals/{APP_SP}/appRoleAssignments")
    return [(a["resourceId"], a["appRoleId"]) for a in held] == [("sp-graph", "role-rw")]


def _grant_back(world: World) -> bool:
    grants = items(world, "/v1.0/oauth2PermissionGrants")
    return [(g["clientId"], g["consentType"], g["scope"]) for g in grants] == [
        (APP_SP, "AllPrincipals", "User.Read Mail.Read")]


CASES = [
    Case("disable", p.DisableServicePrincipal(servicePrincipalId=APP_SP),
         changed=lambda w: sp(w, APP_SP)["accountEnabled"] is False,
         restored=lambda w: sp(w, APP_SP)["accountEnabled"] is True,
         prior=lambda prior: prior["accountEnabled"] is True),
    Case("enable", p.EnableServicePrincipal(servicePrincipalId=APP_SP), setup=_disabled,
         changed=lambda w: sp(w, APP_SP)["accountEnabled"] is True,
         restored=lambda w: sp(w, APP_SP)["accountEnabled"] is False,
         prior=lambda prior: prior["accountEnabled"] is False),
    Case("app-secret", p.RemoveCredential(objectType="application", objectId=APP, keyId=SECRET),
         changed=lambda w: _key_ids(w, "applications", APP, "passwordCredentials") == [],
         restored=None,
         prior=lambda prior: prior["type"] == "secret" and prior["credential"]["keyId"] == SECRET
         and "hint" not in prior["credential"]),
    Case("sp-secret", p.RemoveCredential(objectType="servicePrincipal", objectId=APP_SP,
                                         keyId=SP_SECRET),
         changed=lambda w: _key_ids(w, "servicePrincipals", APP_SP, "passwordCredentials") == [],
         restored=None, prior=lambda prior: prior["type"] == "secret"),
    Case("app-certificate", p.RemoveCredential(objectType="application", objectId=APP,
                                               keyId=CERT),
         changed=lambda w: _key_ids(w, "applications", APP, "keyCredentials") == [CERT2],
         restored=lambda w: sorted(
             (k["keyId"], k["key"]) for k in _keys(w, "applications", APP)["keyCredentials"])
         == [(CERT, PUBLIC_KEY + "1"), (CERT2, PUBLIC_KEY + "2")],
         prior=lambda prior: prior["type"] == "certificate"
         and prior["credential"]["key"] == PUBLIC_KEY + "1"),
    Case("sp-certificate", p.RemoveCredential(objectType="servicePrincipal", objectId=APP_SP,
                                              keyId=SP_CERT),
         changed=lambda w: _key_ids(w, "servicePrincipals", APP_SP, "keyCredentials") == [],
         restored=lambda w: _key_ids(w, "servicePrincipals", APP_SP, "keyCredentials")
         == [SP_CERT]),
    Case("federated-credential", p.RemoveFederatedCredential(applicationId=APP,
                                                             federatedCredentialId=FIC),
         changed=lambda w: items(w, f"/v1.0/applications/{APP}/federatedIdentityCredentials")
         == [], restored=_fic_back,
         prior=lambda prior: prior["credential"]["issuer"].startswith("https://token.actions")),
    Case("app-role-assignment", p.RemoveAppRoleAssignment(servicePrincipalId=APP_SP,
                                                          appRoleAssignmentId=ASSIGNMENT),
         changed=lambda w: items(w, f"/v1.0/servicePrincipals/{APP_SP}/appRoleAssignments")
         == [], restored=_assignment_back, permission="AppRoleAssignment.ReadWrite.All",
         prior=lambda prior: prior["assignment"]["appRoleId"] == "role-rw"
         and prior["assignment"]["resourceId"] == "sp-graph"),
    Case("delegated-grant", p.RemoveDelegatedGrant(grantId=GRANT),
         changed=lambda w: items(w, "/v1.0/oauth2PermissionGrants") == [],
         restored=_grant_back, permission="DelegatedPermissionGrant.ReadWrite.All",
         prior=lambda prior: prior["grant"]["scope"] == "User.Read Mail.Read"),
    Case("owner", p.RemoveOwner(objectType="application", objectId=APP, ownerId=OWNER),
         changed=lambda w: [o["id"] for o in items(w, f"/v1.0/applications/{APP}/owners")]
         == ["user-bob"],
         restored=lambda w: sorted(o["id"] for o in items(
             w, f"/v1.0/applications/{APP}/owners")) == ["user-bob", OWNER],
         prior=lambda prior: prior["owner"]["id"] == OWNER),
    Case("delete-application", p.DeleteApplication(applicationId=APP),
         changed=lambda w: w.get(f"/v1.0/applications/{APP}").status_code == 404
         and w.get(f"/v1.0/servicePrincipals/{APP_SP}").status_code == 404,
         restored=lambda w: w.get(f"/v1.0/applications/{APP}").status_code == 200
         and w.get(f"/v1.0/servicePrincipals/{APP_SP}").status_code == 200,
         prior=lambda prior: prior["servicePrincipalIds"] == [APP_SP]),
    Case("restore-application", p.RestoreApplication(applicationId=APP), setup=_deleted,
         changed=lambda w: w.get(f"/v1.0/applications/{APP}").status_code == 200
         and w.get(f"/v1.0/servicePrincipals/{APP_SP}").status_code == 200,
         restored=lambda w: w.get(f"/v1.0/applications/{APP}").status_code == 404,
         prior=lambda prior: prior["restoreApplication"] is True),
    Case("set-label", p.SetLabel(identityId=APP_SP, label="to-decommission"), local=True,
         changed=lambda w: (w.cache.labels.get(APP_SP) or {}).get("labels")
         == ["to-decommission"],
         restored=lambda w: w.cache.labels.get(APP_SP) is None,
         prior=lambda prior: prior["document"] is None),
]
IDS = [c.id for c in CASES]
CONTEXT = Context(names={APP: "Payroll export", APP_SP: "Payroll export"})


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


def _confirm(case: Case) -> str | None:
    return "Payroll export" if case.id == "delete-application" else None


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_the_action_changes_the_tenant_and_the_journal_holds_it(world, case):
    case.setup(world)
    assert not case.changed(world)
    writes_before = len(world.writes)
    result = await world.writer().execute([case.action], typed=_confirm(case), context=CONTEXT)
    assert result.complete and result.counts == {"done": 1}, result.summary()
    assert case.changed(world)
    [entry] = world.cache.journal.entries()
    assert [h["status"] for h in entry["history"]] == ["planned", "running", "done"]
    assert entry["tenantId"] == TENANT and entry["by"]["principal"] == "admin@contoso.test"
    assert entry["action"] == case.action.to_json() and case.prior(entry["prior"])
    sent = world.writes[writes_before:]
    # the journal names exactly the requests that went out, in order
    assert [(r["method"], r["url"]) for r in entry["requests"]] == \
        [(w["method"], w["path"]) for w in sent]
    assert case.local == (sent == [])
    assert all(w["status"] in (200, 201, 204) for w in sent)
    assert "q!7" not in json.dumps(entry)  # a secret's hint never reaches the journal
    assert entry["undo"]["possible"] is (case.restored is not None)


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_undo_restores_what_graph_allows(world, case):
    case.setup(world)
    writer = world.writer()
    await writer.execute([case.action], typed=_confirm(case), context=CONTEXT)
    last = writer.last_undoable()
    if case.restored is None:
        with pytest.raises(WriteRefused, match="secret's value is gone"):
            await writer.undo(last, confirmed=True)
        assert case.changed(world)
        return
    result = await writer.undo(last, confirmed=True)
    assert result.complete and result.counts == {"done": 1}, result.summary()
    assert case.restored(world)
    original, undo = world.cache.journal.entries()
    assert original["status"] == "undone" and original["undoneBy"] == undo["id"]
    assert undo["kind"] == "undo" and undo["undoes"] == original["id"]
    assert writer.last_undoable() == []  # undo --last does not undo the undo


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_read_only_mode_refuses_and_sends_nothing(world, case):
    case.setup(world)
    before = world.replay.stats.snapshot()
    writer = world.writer(write=False)
    if case.local:  # a label is the admin's own note: allowed read-only
        assert (await writer.execute([case.action])).complete
        return
    with pytest.raises(WriteRefused, match="read-only.*--write"):
        await writer.execute([case.action], typed=_confirm(case), confirmed=True)
    assert world.replay.stats.snapshot() == before  # not even a read went out
    assert world.cache.journal.entries() == []
    assert not case.changed(world)


@pytest.mark.parametrize("case", [c for c in CASES if not c.local],
                         ids=[c.id for c in CASES if not c.local])
async def test_a_403_stops_with_a_clear_message_and_an_intact_journal(world, case):
    case.setup(world)
    world.faults.deny_writes = True
    writer = world.writer()
    result = await writer.execute([case.action], typed=_confirm(case), context=CONTEXT)
    assert not result.complete and result.remaining == 1
    assert "Graph refused this change (403 Authorization_RequestDenied" in result.stopped
    assert case.permission in result.stopped and "resume" in result.stopped
    assert not case.changed(world)
    [entry] = world.cache.journal.entries()
    assert entry["status"] == "planned" and entry["stopped"]["status"] == 403
    assert entry["prior"] is not None and entry["requests"]
    # the permission is granted: resume finishes it, once
    world.faults.deny_writes = False
    result = await writer.resume()
    assert result.complete and case.changed(world)
    statuses = [w["status"] for w in world.writes if w["status"] != 403]
    assert statuses and all(s in (200, 201, 204) for s in statuses)
