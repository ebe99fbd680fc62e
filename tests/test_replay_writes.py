"""The writable replay: each cleanup endpoint changes the tenant in memory with Graph's
status codes and error bodies, later reads (object, list, relation, delta, deleted items)
show it, faults apply to writes, and a replay that is not writable refuses every write."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx
import pytest
from test_writes_support import (
    APP,
    APP_SP,
    ASSIGNMENT,
    BASE,
    CERT2,
    FIC,
    GRANT,
    GRAPH_SP,
    MI,
    OWNER,
    PUBLIC_KEY,
    ROOT,
    SECRET,
    tenant,
)

from graph.recording import write_recording
from graph.replay import Faults, Replay, ReplayState, ReplaySyncTransport


def client(writable: bool = True, faults: Faults | None = None) -> tuple[httpx.Client, Replay]:
    replay = Replay(ReplayState(tenant()), faults, writable=writable)
    return httpx.Client(transport=ReplaySyncTransport(replay), base_url=BASE), replay


def error(answer: httpx.Response) -> str:
    return answer.json()["error"]["code"]


def test_a_replay_that_is_not_writable_refuses_every_write_with_a_graph_error():
    c, replay = client(writable=False)
    for method, path in (("PATCH", f"/v1.0/servicePrincipals/{APP_SP}"),
                         ("DELETE", f"/v1.0/applications/{APP}"),
                         ("POST", f"/v1.0/applications/{APP}/removePassword")):
        answer = c.request(method, path, json={"accountEnabled": False, "keyId": SECRET})
        assert answer.status_code == 405 and "--writable" in answer.json()["error"]["message"]
    assert c.get(f"/v1.0/servicePrincipals/{APP_SP}").json()["accountEnabled"] is True
    assert replay.stats.snapshot()["writes"] == 3


def test_patch_accountEnabled_shows_in_the_object_the_list_and_delta():
    c, replay = client()
    start = c.get("/v1.0/servicePrincipals/delta?$deltaToken=latest").json()["@odata.deltaLink"]
    answer = c.patch(f"/v1.0/servicePrincipals/{APP_SP}", json={"accountEnabled": False})
    assert answer.status_code == 204 and answer.content == b""
    assert c.get(f"/v1.0/servicePrincipals/{APP_SP}?$select=accountEnabled").json()[
        "accountEnabled"] is False
    listed = c.get("/v1.0/servicePrincipals?$filter=accountEnabled eq false&$select=id").json()
    assert [o["id"] for o in listed["value"]] == [APP_SP]
    changed = c.get(start).json()["value"]
    assert [o["id"] for o in changed] == [APP_SP] and changed[0]["accountEnabled"] is False
    audits = c.get("/v1.0/auditLogs/directoryAudits").json()["value"]
    assert audits[-1]["activityDisplayName"] == "Update service principal"
    assert audits[-1]["targetResources"][0]["id"] == APP_SP
    assert replay.stats.write_log == [{"method": "PATCH", "status": 204,
                                       "path": f"/v1.0/servicePrincipals/{APP_SP}"}]


@pytest.mark.parametrize("body, code", [
    ({"accountEnabled": "no"}, 400), ({"displayNam": "x"}, 400), ({"appId": "x"}, 400),
    ({"passwordCredentials": []}, 400), ({}, 400), (None, 400),
])
def test_bad_patch_bodies_answer_400_and_change_nothing(body, code):
    c, _ = client()
    answer = c.patch(f"/v1.0/servicePrincipals/{APP_SP}",
                     content=b"not json" if body is None else json.dumps(body))
    assert answer.status_code == code and answer.json()["error"]["message"]
    assert c.get(f"/v1.0/servicePrincipals/{APP_SP}").json()["accountEnabled"] is True


def test_missing_objects_answer_404_request_resource_not_found():
    c, _ = client()
    for method, path in (
            ("PATCH", "/v1.0/servicePrincipals/nope"), ("DELETE", "/v1.0/applications/nope"),
            ("DELETE", f"/v1.0/applications/{APP}/federatedIdentityCredentials/nope"),
            ("DELETE", f"/v1.0/servicePrincipals/{APP_SP}/appRoleAssignments/nope"),
            ("DELETE", "/v1.0/oauth2PermissionGrants/nope"),
            ("DELETE", f"/v1.0/applications/{APP}/owners/nope/$ref"),
            ("POST", "/v1.0/directory/deletedItems/nope/restore")):
        answer = c.request(method, path, json={"accountEnabled": False})
        assert answer.status_code == 404, (method, path)
        assert error(answer) == "Request_ResourceNotFound"


def test_managed_identities_cannot_be_changed_from_entra():
    c, _ = client()
    answer = c.patch(f"/v1.0/servicePrincipals/{MI}", json={"accountEnabled": False})
    assert answer.status_code == 403 and error(answer) == "Authorization_RequestDenied"


def test_remove_password_and_patch_key_credentials():
    c, _ = client()
    assert c.post(f"/v1.0/applications/{APP}/removePassword",
                  json={"keyId": SECRET}).status_code == 204
    assert c.post(f"/v1.0/applications/{APP}/removePassword",
                  json={"keyId": SECRET}).status_code == 404
    app = c.get(f"/v1.0/applications/{APP}?$select=passwordCredentials,keyCredentials").json()
    assert app["passwordCredentials"] == []
    kept = [k for k in app["keyCredentials"] if k["keyId"] == CERT2]
    without_key = [{**kept[0], "key": None}]
    refused = c.patch(f"/v1.0/applications/{APP}", json={"keyCredentials": without_key})
    assert refused.status_code == 400 and "key value is required" in refused.text
    assert c.patch(f"/v1.0/applications/{APP}", json={"keyCredentials": kept}).status_code == 204
    keys = c.get(f"/v1.0/applications/{APP}?$select=keyCredentials").json()["keyCredentials"]
    assert [k["keyId"] for k in keys] == [CERT2] and keys[0]["key"] == PUBLIC_KEY + "2"
    # without $select the public key is not sent, as on Graph
    assert c.get(f"/v1.0/applications/{APP}").json()["keyCredentials"][0]["key"] is None


def test_federated_credentials_are_removed_and_created_with_graphs_checks():
    c, _ = client()
    path = f"/v1.0/applications/{APP}/federatedIdentityCredentials"
    original = c.get(path).json()["value"][0]
    assert c.delete(f"{path}/{FIC}").status_code == 204
    assert c.get(path).json()["value"] == []
    body = {k: original[k] for k in ("name", "issuer", "subject", "audiences")}
    created = c.post(path, json=body)
    assert created.status_code == 201 and created.json()["id"] != FIC
    assert c.post(path, json=body).status_code == 400  # the name is taken
    assert c.post(path, json={"name": "x", "issuer": "y"}).status_code == 400  # no subject
    assert [f["name"] for f in c.get(path).json()["value"]] == ["github-main"]


def test_app_role_assignments_follow_to_the_resources_assigned_to_list():
    c, _ = client()
    path = f"/v1.0/servicePrincipals/{APP_SP}/appRoleAssignments"
    assert c.delete(f"{path}/{ASSIGNMENT}").status_code == 204
    assert c.get(path).json()["value"] == []
    assert c.get(f"/v1.0/servicePrincipals/{GRAPH_SP}/appRoleAssignedTo").json()["value"] == []
    body = {"principalId": APP_SP, "resourceId": GRAPH_SP, "appRoleId": "role-rw"}
    created = c.post(path, json=body)
    assert created.status_code == 201 and created.json()["principalType"] == "ServicePrincipal"
    assert c.post(path, json=body).status_code == 400  # already assigned
    assert c.post(path, json={**body, "appRoleId": "no-such-role"}).status_code == 400
    assigned = c.get(f"/v1.0/servicePrincipals/{GRAPH_SP}/appRoleAssignedTo").json()["value"]
    assert [a["id"] for a in assigned] == [created.json()["id"]]


def test_delegated_grants_are_removed_and_granted_again():
    c, _ = client()
    grant = c.get(f"/v1.0/oauth2PermissionGrants/{GRANT}").json()
    assert c.delete(f"/v1.0/oauth2PermissionGrants/{GRANT}").status_code == 204
    assert c.get(f"/v1.0/oauth2PermissionGrants/{GRANT}").status_code == 404
    body = {k: grant[k] for k in ("clientId", "consentType", "principalId", "resourceId",
                                  "scope")}
    created = c.post("/v1.0/oauth2PermissionGrants", json=body)
    assert created.status_code == 201 and created.json()["scope"] == "User.Read Mail.Read"
    assert c.post("/v1.0/oauth2PermissionGrants", json=body).status_code == 409


def test_owners_are_removed_and_added_back_by_reference():
    c, _ = client()
    path = f"/v1.0/applications/{APP}/owners"
    assert c.delete(f"{path}/{OWNER}/$ref").status_code == 204
    assert OWNER not in [o["id"] for o in c.get(path).json()["value"]]
    ref = {"@odata.id": f"{BASE}/v1.0/directoryObjects/{OWNER}"}
    assert c.post(f"{path}/$ref", json=ref).status_code == 204
    assert c.post(f"{path}/$ref", json=ref).status_code == 400  # already an owner
    owner = next(o for o in c.get(path).json()["value"] if o["id"] == OWNER)
    assert owner["userPrincipalName"] == "jane@contoso.test"
    unknown = {"@odata.id": f"{BASE}/v1.0/directoryObjects/nobody"}
    assert c.post(f"{path}/$ref", json=unknown).status_code == 404


def test_delete_goes_to_deleted_items_with_the_service_principal_and_restores_one_by_one():
    c, _ = client()
    assert c.delete(f"/v1.0/applications/{APP}").status_code == 204
    assert c.get(f"/v1.0/applications/{APP}").status_code == 404
    assert c.get(f"/v1.0/servicePrincipals/{APP_SP}").status_code == 404
    deleted = c.get("/v1.0/directory/deletedItems/microsoft.graph.application").json()["value"]
    assert [d["id"] for d in deleted] == [APP] and deleted[0]["deletedDateTime"]
    sps = c.get("/v1.0/directory/deletedItems/microsoft.graph.servicePrincipal"
                "?$filter=appId eq 'appid-payroll'").json()["value"]
    assert [s["id"] for s in sps] == [APP_SP]
    # the service principal cannot come back before its application
    assert c.post(f"/v1.0/directory/deletedItems/{APP_SP}/restore").status_code == 400
    restored = c.post(f"/v1.0/directory/deletedItems/{APP}/restore")
    assert restored.status_code == 200 and restored.json()["id"] == APP
    assert c.get(f"/v1.0/servicePrincipals/{APP_SP}").status_code == 404  # not restored
    assert c.post(f"/v1.0/directory/deletedItems/{APP_SP}/restore").status_code == 200
    assert c.get(f"/v1.0/servicePrincipals/{APP_SP}").json()["displayName"] == "Payroll export"
    # relations come back with the object
    assert len(c.get(f"/v1.0/applications/{APP}/owners").json()["value"]) == 2


def test_write_faults_deny_writes_deny_prefixes_and_fail_rates():
    c, replay = client(faults=Faults(deny_writes=True))
    answer = c.patch(f"/v1.0/servicePrincipals/{APP_SP}", json={"accountEnabled": False})
    assert answer.status_code == 403 and error(answer) == "Authorization_RequestDenied"
    assert c.get(f"/v1.0/servicePrincipals/{APP_SP}").status_code == 200  # reads still work
    c, _ = client(faults=Faults(deny=("/v1.0/oauth2PermissionGrants",)))
    assert c.delete(f"/v1.0/oauth2PermissionGrants/{GRANT}").status_code == 403
    assert c.patch(f"/v1.0/servicePrincipals/{APP_SP}",
                   json={"accountEnabled": False}).status_code == 204
    c, replay = client(faults=Faults(fail_rates={429: 0.5}, retry_after=3, seed=1))
    statuses = [c.patch(f"/v1.0/servicePrincipals/sp-bulk-{i:02d}",
                        json={"accountEnabled": False}) for i in range(20)]
    throttled = [a for a in statuses if a.status_code == 429]
    assert throttled and throttled[0].headers["Retry-After"] == "3"
    assert error(throttled[0]) == "TooManyRequests"
    sps = replay.state.collection("v1.0/servicePrincipals")
    for i, answer in enumerate(statuses):  # a throttled write changed nothing
        enabled = sps.get(f"sp-bulk-{i:02d}")["accountEnabled"]
        assert enabled is (answer.status_code == 429)


def test_the_write_limit_answers_429_with_retry_after():
    c, replay = client(faults=Faults(write_requests=2))
    codes = [c.patch(f"/v1.0/servicePrincipals/sp-bulk-0{i}",
                     json={"accountEnabled": False}).status_code for i in range(3)]
    assert codes == [204, 204, 429]
    assert replay.stats.snapshot()["throttled"] == 1


def test_wlx_serve_writable_applies_writes_and_read_only_by_default(tmp_path):
    write_recording(tenant(), tmp_path / "rec")
    for writable, expected in ((False, 405), (True, 204)):
        port_line = ""
        flags = ["--writable"] if writable else []
        proc = subprocess.Popen([sys.executable, "-m", "tui", "serve", str(tmp_path / "rec"),
                                 *flags], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 30
            while "listening on" not in port_line and time.monotonic() < deadline:
                port_line = proc.stdout.readline()
            url = port_line.split("listening on ")[1].split()[0]
            assert ("writable" in port_line) is writable
            answer = httpx.patch(f"{url}/v1.0/servicePrincipals/{APP_SP}",
                                 json={"accountEnabled": False})
            assert answer.status_code == expected
            enabled = httpx.get(f"{url}/v1.0/servicePrincipals/{APP_SP}").json()["accountEnabled"]
            assert enabled is (not writable)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
