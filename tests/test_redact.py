"""`redact`: names, UPNs, mail and IP addresses replaced consistently, nothing else
changed, and no original value left anywhere in the output."""

from __future__ import annotations

import ipaddress
import json

from graph.redact import redact
from models.recording import Recording, Unavailable
from models.tenant import TenantData
from test_reader_support import HOSTILE, NOW, reader_tenant

NAME_KEYS = ("displayName", "appDisplayName", "principalDisplayName", "resourceDisplayName",
             "servicePrincipalName")


def tenant_with_free_text() -> Recording:
    rec = reader_tenant(120)
    rec.set_items("v1.0/auditLogs/directoryAudits", [
        {"id": "audit-1", "category": "ApplicationManagement",
         "activityDisplayName": "Add owner to application",
         "activityDateTime": "2026-11-19T08:00:00Z",
         "initiatedBy": {"user": {"id": "user-0001", "displayName": "Person 1",
                                  "userPrincipalName": "Person1@Contoso.test",
                                  "ipAddress": "2001:4860:4860::8888"}},
         "targetResources": [{"id": "app-00", "displayName": "App 00", "type": "Application",
                              "modifiedProperties": [{
                                  "displayName": "Owner.UserPrincipalName",
                                  "oldValue": None,
                                  "newValue": json.dumps(["person7@contoso.test"]),
                              }, {"displayName": "DisplayName",
                                  "newValue": json.dumps([HOSTILE])}]}],
         "additionalDetails": [{"key": "User-Agent", "value": "called from 203.0.113.99 by "
                                "Person 2 <person2@contoso.test>"}]}])
    apps = rec.items("v1.0/applications")
    apps[1]["notes"] = "Ask Person 3 (person3@contoso.test) before rotating"
    rec.unavailable["signIns"] = Unavailable(403, "denied for person4@contoso.test", "x")
    return rec


def strings(value, key="", parent=""):
    """(key, parent key, text) of every string value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, k, key)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, key, parent)
    elif isinstance(value, str):
        yield key, parent, value


def originals(rec: Recording) -> set[str]:
    """Names of people, apps and the tenant, addresses and IPs (not role or property names)."""
    found = {text for body in rec.bodies.values() for key, parent, text in strings(body)
             if key in (*NAME_KEYS, "userPrincipalName", "mail", "ipAddress")
             and parent not in ("appRoles", "modifiedProperties")}
    return found | {"person2@contoso.test", "203.0.113.99", "person3@contoso.test",
                    "person4@contoso.test", "person7@contoso.test", "contoso.test"}


def ids(rec: Recording) -> list[str]:
    out = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key == "id" or key.endswith("Id"):
            out.append(value)
    for path in sorted(rec.bodies):
        walk(rec.bodies[path])
    return out


def test_no_original_name_address_or_ip_is_left_anywhere():
    source = tenant_with_free_text()
    out = redact(source, salt="incident-42")
    values = [text for body in out.bodies.values() for _, _, text in strings(body)]
    values += [why.reason for why in out.unavailable.values()]
    leftovers = sorted({v for v in originals(source) for text in values if len(v) >= 4 and (
        v in text or json.dumps(v)[1:-1] in text or
        ("@" in v or "." in v) and v.lower() in text.lower())})
    assert leftovers == []
    assert not [t for t in values if "Workload" in t or "Person" in t]


def test_ids_structure_and_vocabulary_are_kept():
    source = tenant_with_free_text()
    out = redact(source, salt="incident-42")
    assert sorted(out.bodies) == sorted(source.bodies)
    assert ids(out) == ids(source)
    assert (out.tenant_id, out.recorded_at, out.cloud) == (source.tenant_id, NOW, "global")
    audit = out.items("v1.0/auditLogs/directoryAudits")[0]
    assert audit["activityDisplayName"] == "Add owner to application"
    assert audit["category"] == "ApplicationManagement"
    graph = out.items("v1.0/servicePrincipals")[0]
    assert [r["value"] for r in graph["appRoles"]] == ["Application.ReadWrite.All",
                                                       "Directory.Read.All"]
    assert out.items("v1.0/oauth2PermissionGrants")[0]["scope"] == "User.Read"
    data, before = TenantData.from_recording(out), TenantData.from_recording(source)
    assert len(data.service_principals) == len(before.service_principals)
    assert data.available == before.available
    # the input is left untouched
    assert source.items("v1.0/servicePrincipals")[13]["displayName"] == HOSTILE


def test_the_same_value_gets_the_same_pseudonym_everywhere():
    out = redact(tenant_with_free_text(), salt="incident-42")
    owners = out.items("v1.0/applications/app-00/owners")
    audit = out.items("v1.0/auditLogs/directoryAudits")[0]
    initiator = audit["initiatedBy"]["user"]
    person1 = next(o for o in owners if o["id"] == "user-0001")
    person7 = next(o for o in owners if o["id"] == "user-0007")
    # the UPN in another case, the display name, and the UPN inside a JSON audit value
    assert initiator["userPrincipalName"] == person1["userPrincipalName"]
    assert initiator["displayName"] == person1["displayName"] != "Person 1"
    assert json.loads(audit["targetResources"][0]["modifiedProperties"][0]["newValue"]) == [
        person7["userPrincipalName"]]
    hostile_sp = out.items("v1.0/servicePrincipals")[13]["displayName"]
    assert json.loads(audit["targetResources"][0]["modifiedProperties"][1]["newValue"]) == [
        hostile_sp]
    assert person1["mail"] == person1["userPrincipalName"].lower()
    # addresses stay addresses, IPs stay IPs of the same family
    assert person1["userPrincipalName"].endswith("@redacted.invalid")
    assert ipaddress.ip_address(initiator["ipAddress"]).version == 6
    sign_in = out.items("beta/auditLogs/signIns")[0]
    assert ipaddress.ip_address(sign_in["ipAddress"]).version == 4
    names = [sp["displayName"] for sp in out.items("v1.0/servicePrincipals")]
    assert len(set(names)) == len(names)  # distinct names stay distinct


def test_pseudonyms_depend_on_the_salt_and_nothing_else():
    source = tenant_with_free_text()
    first, again = redact(source, "salt-a"), redact(source, "salt-a")
    other = redact(source, "salt-b")
    assert first.bodies == again.bodies
    name = first.items("v1.0/servicePrincipals")[1]["displayName"]
    assert name != other.items("v1.0/servicePrincipals")[1]["displayName"]
    assert redact(first, "salt-a").bodies == first.bodies  # pseudonyms are left alone
