"""The command line of issue 6 through `tui.cli.main`: `wlx plan show` (Graph requests and
PowerShell), `wlx apply` (dry run, typed confirmation, wrong tenant), `wlx journal` and
`wlx undo --last`, against the writable replay over real HTTP and the real cache."""

from __future__ import annotations

import io
import json

import pytest
from test_writes_support import (
    APP,
    APP_SP,
    ASSIGNMENT,
    BULK,
    FIC,
    GRANT,
    OWNER,
    SECRET,
    TENANT,
    World,
    serving,
    tenant,
)

from cache import Store
from models import plan as p
from tui.cli import main

EVERY_ACTION = [
    p.DisableServicePrincipal(servicePrincipalId=BULK[0]),
    p.EnableServicePrincipal(servicePrincipalId=BULK[1]),
    p.RemoveCredential(objectType="application", objectId=APP, keyId=SECRET),
    p.RemoveFederatedCredential(applicationId=APP, federatedCredentialId=FIC),
    p.RemoveAppRoleAssignment(servicePrincipalId=APP_SP, appRoleAssignmentId=ASSIGNMENT),
    p.RemoveDelegatedGrant(grantId=GRANT),
    p.RemoveOwner(objectType="application", objectId=APP, ownerId=OWNER),
    p.DeleteApplication(applicationId=APP),
    p.RestoreApplication(applicationId=APP),
    p.SetLabel(identityId=APP_SP, label="accepted-risk:2027-03-31"),
]


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


@pytest.fixture
def world(env):
    w = World(env)
    w.close()  # the commands open the cache at its XDG place
    return w


def write_plan(path, actions, tenant_id=TENANT):
    path.write_text(p.make_plan(tenant_id, actions).dumps())
    return str(path)


def cache_snapshot() -> None:
    """A cached snapshot of the tenant, as `wlx sync` leaves it (names come from it)."""
    store = Store()
    try:
        with store.tenant(TENANT).begin_snapshot({"tenantId": TENANT,
                                                  "displayName": "Contoso"}) as writer:
            writer.put("index", [])
            writer.put_recording(tenant())
            writer.commit()
    finally:
        store.close()


def journal_entries() -> list[dict]:
    store = Store()
    try:
        return store.tenant(TENANT).journal.entries()
    finally:
        store.close()


def test_plan_show_prints_graph_requests_and_powershell_for_every_action(env, capsys):
    cache_snapshot()
    path = write_plan(env / "plan.json", EVERY_ACTION)
    assert main(["plan", "show", path]) == 0
    out = capsys.readouterr().out
    assert "for tenant 11111111-2222-3333-4444-555555555555 (Contoso): 10 action(s), " \
           "9 change(s)" in out
    expected = [
        f'PATCH /v1.0/servicePrincipals/{BULK[0]}  {{"accountEnabled": false}}',
        f"Update-MgServicePrincipal -ServicePrincipalId '{BULK[0]}' -AccountEnabled:$false",
        f"Update-MgServicePrincipal -ServicePrincipalId '{BULK[1]}' -AccountEnabled:$true",
        # the snapshot says it is a secret: the one request, and the plain warning
        f'POST /v1.0/applications/{APP}/removePassword  {{"keyId": "{SECRET}"}}',
        f"Remove-MgApplicationPassword -ApplicationId '{APP}' -KeyId '{SECRET}'",
        "CANNOT BE UNDONE: a removed client secret's value is gone for good",
        f"DELETE /v1.0/applications/{APP}/federatedIdentityCredentials/{FIC}",
        f"Remove-MgApplicationFederatedIdentityCredential -ApplicationId '{APP}' "
        f"-FederatedIdentityCredentialId '{FIC}'",
        f"Remove-MgServicePrincipalAppRoleAssignment -ServicePrincipalId '{APP_SP}' "
        f"-AppRoleAssignmentId '{ASSIGNMENT}'",
        f"Remove-MgOauth2PermissionGrant -OAuth2PermissionGrantId '{GRANT}'",
        f"DELETE /v1.0/applications/{APP}/owners/{OWNER}/$ref",
        f"Remove-MgApplicationOwnerDirectoryObjectByRef -ApplicationId '{APP}' "
        f"-DirectoryObjectId '{OWNER}'",
        f"Remove-MgApplication -ApplicationId '{APP}'",
        f"POST /v1.0/directory/deletedItems/{APP}/restore",
        f"Restore-MgDirectoryDeletedItem -DirectoryObjectId '{APP}'",
        "Delete the app registration 'Payroll export' (app-payroll)",
        "no Graph request (kept in wlx's local cache)",
        "This makes 9 changes to the tenant. Type 9 to confirm.",
    ]
    for line in expected:
        assert line in out, line
    assert main(["plan", "show", path, "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [i["action"]["action"] for i in items] == [a.action for a in EVERY_ACTION]
    assert items[2]["cannotBeUndone"] and items[2]["requests"] == [
        {"method": "POST", "url": f"/v1.0/applications/{APP}/removePassword",
         "body": {"keyId": SECRET}}]


def test_plan_show_without_a_snapshot_shows_both_ways_to_remove_a_credential(env, capsys):
    path = write_plan(env / "plan.json", EVERY_ACTION[2:3])
    assert main(["plan", "show", path]) == 0
    out = capsys.readouterr().out
    assert "(if it is a client secret)" in out and "(if it is a certificate)" in out
    assert "objects are shown by id" in out


def test_a_bad_plan_is_refused_with_the_reason(env, capsys):
    path = env / "plan.json"
    path.write_text(json.dumps({"format": "wlx-plan/1", "tenantId": TENANT, "actions": [
        {"action": "remove-owner", "objectType": "group", "objectId": "../x", "ownerId": "o"}]}))
    assert main(["plan", "show", str(path)]) == 2
    err = capsys.readouterr().err
    assert "action 1: remove-owner" in err and "objectType" in err and "objectId" in err


def test_apply_dry_run_sends_nothing_and_journals_nothing(world, env, capsys):
    path = write_plan(env / "plan.json", EVERY_ACTION)
    with serving(world) as server:
        code = main(["apply", path, "--dry-run", "--graph-url", server.base_url,
                     "--auth", "none"])
    assert code == 0 and "dry run: nothing was sent" in capsys.readouterr().out
    assert world.replay.stats.snapshot()["requests"] == 0
    assert journal_entries() == []


def test_apply_asks_for_the_count_and_a_wrong_answer_changes_nothing(world, env, capsys,
                                                                     monkeypatch):
    path = write_plan(env / "plan.json", [p.DisableServicePrincipal(servicePrincipalId=s)
                                          for s in BULK[:3]])
    with serving(world) as server:
        args = ["apply", path, "--graph-url", server.base_url, "--auth", "none"]
        monkeypatch.setattr("sys.stdin", io.StringIO("2\n"))
        assert main(args) == 1
        assert "not confirmed: nothing was changed" in capsys.readouterr().out
        assert world.writes == [] and journal_entries() == []
        monkeypatch.setattr("sys.stdin", io.StringIO("3\n"))
        assert main(args) == 0
    out = capsys.readouterr().out
    assert "Type 3 to confirm." in out and "3 done" in out
    assert [w["status"] for w in world.writes] == [204, 204, 204]


def test_apply_refuses_a_plan_for_another_tenant(world, env, capsys):
    path = write_plan(env / "plan.json", EVERY_ACTION[:1],
                      tenant_id="99999999-0000-0000-0000-000000000000")
    with serving(world) as server:
        code = main(["apply", path, "--yes", "--graph-url", server.base_url, "--auth", "none"])
    assert code == 2
    assert "the plan is for tenant 99999999-0000-0000-0000-000000000000, but this connection " \
           f"is to tenant {TENANT}" in capsys.readouterr().err
    assert world.writes == []


def test_journal_lists_the_run_and_undo_last_reverses_it(world, env, capsys):
    path = write_plan(env / "plan.json", [
        p.DisableServicePrincipal(servicePrincipalId=BULK[0]),
        p.RemoveCredential(objectType="application", objectId=APP, keyId=SECRET),
        p.RemoveOwner(objectType="application", objectId=APP, ownerId=OWNER)])
    with serving(world) as server:
        url = server.base_url
        assert main(["apply", path, "--yes", "--graph-url", url, "--auth", "none"]) == 0
        capsys.readouterr()
        assert main(["journal", "--tenant", TENANT]) == 0
        out = capsys.readouterr().out
        assert out.count("  done     ") == 3 and "[undo: yes]" in out
        assert "[undo: no: a removed client secret's value is gone" in out
        # the graph URL is in the journal: undo goes back to the same endpoint
        assert main(["undo", "--last", "--yes", "--tenant", TENANT]) == 1
        out = capsys.readouterr().out
        assert "not undone: 00000002: cannot be undone" in out and "2 done" in out
    state = world.state
    assert state.collection("v1.0/servicePrincipals").get(BULK[0])["accountEnabled"] is True
    assert OWNER in [o["id"] for o in state.relation(f"v1.0/applications/{APP}/owners")]
    assert main(["journal", "--tenant", TENANT, "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["status"] for e in entries] == ["undone", "done", "undone", "done", "done"]
    assert entries[0]["prior"] == {"accountEnabled": True, "displayName": "Bulk 00"}


def test_undo_of_a_label_needs_no_graph_at_all(world, env, capsys):
    path = write_plan(env / "plan.json", [p.SetLabel(identityId=APP_SP, label="to-decommission")])
    assert main(["apply", path, "--yes"]) == 0  # no Graph: no sign-in, no URL
    store = Store()
    try:
        assert store.tenant(TENANT).labels.get(APP_SP)["labels"] == ["to-decommission"]
    finally:
        store.close()
    assert main(["undo", "--last", "--yes", "--tenant", TENANT]) == 0
    store = Store()
    try:
        assert store.tenant(TENANT).labels.get(APP_SP) is None
    finally:
        store.close()


def test_permissions_write_lists_the_write_scopes(capsys):
    assert main(["permissions", "--write"]) == 0
    out = capsys.readouterr().out
    for name in ("Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All",
                 "DelegatedPermissionGrant.ReadWrite.All"):
        assert name in out
