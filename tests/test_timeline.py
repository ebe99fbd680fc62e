"""The per-identity timeline: every kind of event merged in time order, with types to filter
on and references to the objects each line opens."""

from __future__ import annotations

from datetime import timedelta

from models.timeline import (
    AUDIT, CREDENTIAL, IDENTITY, OWNER, PERMISSION, RISK, SIGN_IN, TYPES, filter_timeline,
    timeline, type_counts,
)
from test_analysis_support import GRAPH, NOW, USER_READ_ALL, Tenant, cert, secret, ts, user
from test_search_support import MIDNIGHT, demo


def build():
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph", {USER_READ_ALL: "User.Read.All"})
    key, old = t.new_id("5ec7"), t.new_id("ce27")
    owner = user("dev@contoso.test", "u0000001-0000-4000-8000-000000000001")
    ids = t.app("Timeline App", created=-400, secrets=[secret(key, start=-2, end=400)],
                certs=[cert(old, start=-400, end=-10)], owners=[owner])
    sp = ids["spId"]
    assignment = t.grant_app_role(sp, graph, USER_READ_ALL, days=-3.5)
    t.sign_in(sp, ids["appId"], -1, ip="192.0.2.10", key_id=key)
    t.sign_in(sp, ids["appId"], -0.5, ip="192.0.2.66", key_id=key, error=7000215)
    actor = {"id": "u0000002-0000-4000-8000-000000000002", "userPrincipalName": "eve@contoso.test"}
    added = t.audit("Update application \u2013 Certificates and secrets management ",
                    {"id": ids["applicationId"], "displayName": "Timeline App", "type": "Application",
                     "modifiedProperties": [{"displayName": "KeyDescription", "oldValue": "[]",
                                             "newValue": f'["[KeyIdentifier={key},KeyType=Password]"]'}]},
                    user=actor, days=-2)
    owned = t.audit("Add owner to application", {"id": ids["applicationId"], "type": "Application"},
                    user=actor, days=-5,
                    extra_targets=[{"id": "u0000003-0000-4000-8000-000000000003",
                                    "displayName": "Mallory", "type": "User"}])
    role = t.audit("Add app role assignment to service principal",
                   {"id": sp, "displayName": "Timeline App", "type": "ServicePrincipal"},
                   user=actor, days=-3.5)
    renamed = t.audit("Update service principal", {"id": sp, "type": "ServicePrincipal",
                                                   "modifiedProperties": [{"displayName": "DisplayName"}]},
                      user=actor, days=-20)
    t.bodies["v1.0/identityProtection/servicePrincipalRiskDetections"].append({
        "id": "risk1", "servicePrincipalId": sp, "appId": ids["appId"], "riskEventType":
        "leakedCredentials", "riskLevel": "high", "riskState": "atRisk", "keyIds": [key],
        "detectedDateTime": ts(-0.25), "ipAddress": None})
    analysis = t.analyze()
    identity = analysis.identity(sp)
    return identity, dict(key=key, old=old, assignment=assignment, added=added, owned=owned,
                          role=role, renamed=renamed)


def test_every_kind_in_time_order_newest_first():
    identity, ref = build()
    entries = timeline(identity, NOW)
    dated = [e.time for e in entries if e.time is not None]
    assert dated == sorted(dated, reverse=True)
    assert [(e.type, e.ref.kind) for e in entries] == [
        (CREDENTIAL, "credential"),   # the secret expires in 400 days: still to come
        (RISK, "riskDetection"),      # -0.25 days
        (SIGN_IN, "signIn"),          # -0.5, failed
        (SIGN_IN, "signIn"),          # -1
        (CREDENTIAL, "credential"),   # the secret valid from -2 ...
        (CREDENTIAL, "audit"),        # ... and the audit event that added it, same time
        (PERMISSION, "permission"),   # app role granted -3.5
        (PERMISSION, "audit"),        # its audit event
        (OWNER, "audit"),             # -5
        (CREDENTIAL, "credential"),   # the certificate expired -10
        (AUDIT, "audit"),             # -20: a rename
        (IDENTITY, "identity"),       # created -400 ...
        (CREDENTIAL, "credential"),   # ... when the certificate became valid too
    ]


def test_lines_say_what_happened_and_open_their_object():
    identity, ref = build()
    entries = timeline(identity, NOW)
    future = entries[0]
    assert future.future and "expires" in future.title and future.ref.id == ref["key"]
    failed = next(e for e in entries if e.type == SIGN_IN and e.failed)
    assert failed.ip == "192.0.2.66" and "7000215" in failed.detail
    assert failed.refs[0].kind == "credential" and failed.refs[0].id == ref["key"]
    added = next(e for e in entries if e.ref.id == ref["added"])
    assert added.type == CREDENTIAL and added.actor == "eve@contoso.test"
    assert f"added key {ref['key']}" in added.detail
    owner = next(e for e in entries if e.ref.id == ref["owned"])
    assert owner.type == OWNER and "Mallory" in owner.detail
    assert any(r.kind == "owner" for r in owner.refs)
    grant = next(e for e in entries if e.ref.kind == "permission")
    assert grant.ref.id == ref["assignment"] and "User.Read.All" in grant.title
    expired = next(e for e in entries if e.ref.id == ref["old"] and "expired" in e.title)
    assert not expired.future
    risk = next(e for e in entries if e.type == RISK)
    assert risk.ref.id == "risk1" and risk.refs[0].id == ref["key"]
    assert all(e.ref.identity_id in (identity.id, None) for e in entries)


def test_filters_by_type_and_text():
    identity, ref = build()
    entries = timeline(identity, NOW)
    only = filter_timeline(entries, {OWNER, PERMISSION})
    assert {e.type for e in only} == {OWNER, PERMISSION} and len(only) == 3
    assert [e.ip for e in filter_timeline(entries, None, "192.0.2.66")] == ["192.0.2.66"]
    assert filter_timeline(entries, {SIGN_IN}, "eve@") == []
    counts = type_counts(entries)
    assert list(counts) == list(TYPES) and counts[SIGN_IN] == 2 and counts[AUDIT] == 1
    oldest_first = timeline(identity, NOW, newest_first=False)
    assert oldest_first[0].type in (IDENTITY, CREDENTIAL) and oldest_first[-1].future


def test_demo_midnight_blizzard_story_reads_in_order():
    d = demo(7)
    midnight = d.named(MIDNIGHT)
    entries = timeline(midnight, NOW)
    recent = [e for e in entries if e.time and e.time >= NOW - timedelta(days=3) and not e.future]
    added = next(e for e in recent if e.type == CREDENTIAL and e.ref.kind == "audit")
    after = [e for e in recent if e.time > added.time and e.type == SIGN_IN]
    assert len(after) == 6 and all(e.ip == "203.0.113.77" for e in after)
    assert entries[-1].type in (IDENTITY, CREDENTIAL)
