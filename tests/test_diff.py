"""What changed: two recordings of one tenant that differ in known ways (an identity added
and one removed; a credential, a federated credential, a permission, a role and an owner
added), diffed from Python, with `wlx diff` on two recording directories, and with
`wlx diff` on two cached generations written by two real syncs."""

from __future__ import annotations

import copy
import json

import pytest

from cache import Store
from graph.recording import write_recording
from models.analysis import analyze
from models.config import AnalysisConfig
from models.diff import diff_markdown, diff_states, states_from_identities
from models.recording import Recording
from models.tenant import TenantData
from test_analysis_support import (
    GLOBAL_ADMIN, GRAPH, MAIL_READ, Tenant, USER_READ_ALL, cert, secret, user,
)
from tui.cli import main
from tui.source import Source
from tui.sync import sync

NEW_KEY = "0badc0de-0000-4000-8000-000000000001"
NEW_FIC = "0badc0de-0000-4000-8000-000000000002"
NEW_OWNER = "0badc0de-0000-4000-8000-000000000003"
SUBJECT = "repo:someone-else/tools:ref:refs/heads/main"


def before() -> tuple[Recording, dict[str, dict[str, str]]]:
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph", {USER_READ_ALL: "User.Read.All",
                                                  MAIL_READ: "Mail.Read"})
    t.role_definition(GLOBAL_ADMIN, "Global Administrator", ["microsoft.directory/allEntities/allTasks"],
                      built_in=True)
    owner = user("owner@contoso.test", "u0000001-0000-4000-8000-000000000001")
    ids = {name: t.app(name, secrets=[secret(t.new_id("5ec7"))], owners=[owner])
           for name in ("Credential Target", "Federated Target", "Access Target", "Owner Target",
                        "Doomed App", "Quiet App")}
    t.grant_app_role(ids["Access Target"]["spId"], graph, USER_READ_ALL)
    t.managed_identity("mi-steady", user_assigned=True)
    return t.recording(), ids


def after(rec: Recording, ids: dict[str, dict[str, str]]) -> Recording:
    """The same tenant later: every change made by editing the Graph JSON itself."""
    new = copy.deepcopy(rec)
    apps = {a["id"]: a for a in new.items("v1.0/applications")}
    apps[ids["Credential Target"]["applicationId"]]["keyCredentials"].append(
        cert(NEW_KEY, start=-1, end=200, name="CN=planted"))
    new.items(f"v1.0/applications/{ids['Federated Target']['applicationId']}"
              "/federatedIdentityCredentials").append(
        {"id": NEW_FIC, "name": "sneaky", "issuer": "https://token.actions.githubusercontent.com",
         "subject": SUBJECT, "audiences": ["api://AzureADTokenExchange"]})
    access = ids["Access Target"]["spId"]
    graph = next(s for s in new.items("v1.0/servicePrincipals") if s["appId"] == GRAPH)
    new.items(f"v1.0/servicePrincipals/{access}/appRoleAssignments").append(
        {"id": "0badc0de-0000-4000-8000-000000000004", "appRoleId": MAIL_READ,
         "principalId": access, "principalType": "ServicePrincipal", "resourceId": graph["id"],
         "createdDateTime": "2026-11-19T09:00:00Z"})
    new.items("v1.0/roleManagement/directory/roleAssignments").append(
        {"id": "0badc0de-0000-4000-8000-000000000005", "principalId": access,
         "roleDefinitionId": GLOBAL_ADMIN, "directoryScopeId": "/"})
    new.items(f"v1.0/applications/{ids['Owner Target']['applicationId']}/owners").append(
        user("newcomer@contoso.test", NEW_OWNER))
    doomed = ids["Doomed App"]
    new.set_items("v1.0/applications", [a for a in new.items("v1.0/applications")
                                        if a["id"] != doomed["applicationId"]])
    new.set_items("v1.0/servicePrincipals", [s for s in new.items("v1.0/servicePrincipals")
                                             if s["id"] != doomed["spId"]])
    for path in [p for p in new.bodies if doomed["applicationId"] in p or doomed["spId"] in p]:
        del new.bodies[path]
    extra = Tenant()  # a brand-new app, made by the builder and copied in
    extra._ids = iter(range(900, 2000))
    made = extra.app("Brand New App", secrets=[secret(extra.new_id("5ec7"))])
    more = extra.recording()
    new.items("v1.0/applications").extend(more.items("v1.0/applications"))
    new.items("v1.0/servicePrincipals").extend(more.items("v1.0/servicePrincipals"))
    for path, body in more.bodies.items():
        if made["applicationId"] in path or made["spId"] in path:
            new.bodies[path] = body
    return new


def summary(diff: dict) -> set[tuple]:
    """The diff as a set of plain facts, to compare every route exactly."""
    facts: set[tuple] = set()
    facts |= {("added", e["identity"]["displayName"]) for e in diff["added"]}
    facts |= {("removed", e["identity"]["displayName"]) for e in diff["removed"]}
    label = {"credentials": "keyId", "federated": "subject", "permissions": "value",
             "roles": "name", "owners": "upn"}
    for change in diff["changed"]:
        name = change["identity"]["displayName"]
        for part, key in label.items():
            for way in ("Added", "Removed"):
                facts |= {(part + way, name, item[key]) for item in change.get(part + way, [])}
        for field in ("tier", "enabled", "displayName", "kind", "id"):
            if field in change:
                facts.add((field, name, change[field]["before"], change[field]["after"]))
    return facts


EXPECTED = {
    ("added", "Brand New App"),
    ("removed", "Doomed App"),
    ("credentialsAdded", "Credential Target", NEW_KEY),
    ("federatedAdded", "Federated Target", SUBJECT),
    ("permissionsAdded", "Access Target", "Mail.Read"),
    ("rolesAdded", "Access Target", "Global Administrator"),
    ("tier", "Access Target", "UserAccess", "ControlPlane"),
    ("ownersAdded", "Owner Target", "newcomer@contoso.test"),
}


def analysed(rec: Recording):
    return analyze(TenantData.from_recording(rec), AnalysisConfig(), rec.recorded_at)


@pytest.fixture
def pair():
    rec, ids = before()
    return rec, after(rec, ids)


def test_python_diff_names_every_change_and_nothing_else(pair):
    old, new = (analysed(r) for r in pair)
    diff = diff_states(states_from_identities(old.identities), states_from_identities(new.identities),
                       tenant_id=old.tenant_id, findings=(old.findings, new.findings))
    assert summary(diff) == EXPECTED
    counts = diff["counts"]
    assert (counts["identitiesAdded"], counts["identitiesRemoved"], counts["identitiesChanged"],
            counts["credentialsAdded"], counts["ownersRemoved"]) == (1, 1, 4, 1, 0)
    assert {f["rule"] for f in diff["findings"]["new"]} >= {"privileged-permission"}
    assert all(f["identity_id"] != "" for f in diff["findings"]["resolved"])
    text = diff_markdown(diff)
    assert "## New identities (1)" in text and "**Brand New App**" in text
    assert f"new credential: certificate 'CN=planted' {NEW_KEY}" in text
    assert "tier: UserAccess → ControlPlane" in text


def test_same_snapshot_twice_is_no_change(pair):
    old = analysed(pair[0])
    states = states_from_identities(old.identities)
    diff = diff_states(states, copy.deepcopy(states), findings=(old.findings, old.findings))
    assert summary(diff) == set() and "Nothing changed." in diff_markdown(diff)


def test_stored_details_diff_like_the_analysis(pair):
    old, new = (analysed(r) for r in pair)
    as_json = [json.loads(i.model_dump_json()) for i in old.identities]
    diff = diff_states(states_from_identities(as_json), states_from_identities(new.identities))
    assert summary(diff) == EXPECTED


def test_wlx_diff_on_two_recording_directories(pair, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    write_recording(pair[0], tmp_path / "old")
    write_recording(pair[1], tmp_path / "new")
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert summary(diff) == EXPECTED
    assert diff["before"]["recording"].endswith("old")
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new"), "-o",
                 str(tmp_path / "diff.md")]) == 0
    assert "## Removed identities (1)" in (tmp_path / "diff.md").read_text()


def test_wlx_diff_on_two_cached_generations(pair, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name, rec in zip(("old", "new"), pair):
        write_recording(rec, tmp_path / name)
        sync(Source("replay", directory=str(tmp_path / name)), Store())
    assert main(["diff", "--format", "json"]) == 0  # the two newest of the last tenant
    diff = json.loads(capsys.readouterr().out)
    assert summary(diff) == EXPECTED
    assert (diff["before"]["generation"], diff["after"]["generation"]) == (1, 2)
    assert main(["diff", "2", "1", "--tenant", pair[0].tenant_id[:8], "--format", "json"]) == 0
    backwards = json.loads(capsys.readouterr().out)
    assert ("added", "Doomed App") in summary(backwards)
    assert ("removed", "Brand New App") in summary(backwards)
    # a generation against a recording directory works too
    assert main(["diff", "1", str(tmp_path / "new"), "--format", "json"]) == 0
    assert summary(json.loads(capsys.readouterr().out)) == EXPECTED


def test_wlx_diff_says_what_is_wrong(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert main(["diff", "1"]) == 2
    assert "two snapshots" in capsys.readouterr().err
    assert main(["diff"]) == 2
    assert "no tenant in the cache" in capsys.readouterr().err
    assert main(["diff", str(tmp_path / "missing"), str(tmp_path / "gone")]) == 2
    assert "not a recording directory" in capsys.readouterr().err
    rec, _ = before()
    write_recording(rec, tmp_path / "one")
    sync(Source("replay", directory=str(tmp_path / "one")), Store())
    assert main(["diff"]) == 2
    assert "1 cached snapshot(s)" in capsys.readouterr().err
    assert main(["diff", "1", "9"]) == 2
    assert "no snapshot 9 (cached: 1)" in capsys.readouterr().err
    other = copy.deepcopy(rec)
    other.tenant_id = "22222222-2222-2222-2222-222222222222"
    write_recording(other, tmp_path / "other")
    assert main(["diff", "1", str(tmp_path / "other")]) == 2
    assert "different tenants" in capsys.readouterr().err


def test_hostile_names_stay_inert_in_the_markdown(pair):
    old = analysed(pair[0])
    before_states = states_from_identities(old.identities)
    after_states = copy.deepcopy(before_states)
    victim = next(s for s in after_states.values() if s["displayName"] == "Quiet App")
    victim["displayName"] = "\x1b[31m[b]Evil\u202e[/b] ![x](http://evil.example)"
    diff = diff_states(before_states, after_states)
    assert summary(diff) == {("displayName", victim["displayName"], "Quiet App",
                              victim["displayName"])}
    text = diff_markdown(diff)
    assert "\x1b" not in text and "\u202e" not in text and "[b]" not in text
    assert "http://" not in text  # defanged: no link a renderer would follow


def test_an_app_that_gets_its_service_principal_is_the_same_identity():
    t = Tenant()
    ids = t.app("Late Bloomer", sp=False, secrets=[secret(t.new_id("5ec7"))])
    old = t.analyze()
    sp = t.service_principal("Late Bloomer", app_id=ids["appId"], owner_org=t.tenant_id)
    new = t.analyze()
    diff = diff_states(states_from_identities(old.identities), states_from_identities(new.identities))
    assert diff["added"] == [] and diff["removed"] == []
    assert summary(diff) == {("kind", "Late Bloomer", "app-without-sp", "app"),
                             ("id", "Late Bloomer", ids["applicationId"], sp),
                             ("enabled", "Late Bloomer", None, True)}
