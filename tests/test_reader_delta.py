"""Incremental reads: delta links, relations of changed objects only, the change report,
and a full resync when the links expired."""

from __future__ import annotations

from datetime import timedelta

from graph.reader import PreviousRead, ReadOptions, read_tenant
from graph.replay import ReplayState
from test_reader_support import (
    GRAPH,
    NOW,
    application,
    assignment,
    canonical,
    group,
    iso,
    reader_tenant,
    service_principal,
    server_client,
    transport_client,
    user,
)

LATER = NOW + timedelta(days=1)


def change_the_tenant(state: ReplayState) -> None:
    """Objects added, updated and removed; relations changed with and without the object."""
    state.update("sp-0100", {"displayName": "Renamed workload"})
    new_sp = service_principal(9000)
    state.add("v1.0/servicePrincipals", new_sp)
    state.remove("sp-0101")
    state.add("v1.0/applications", application(99))
    state.update("app-01", {"notes": "rotated the secret"})
    state.remove("app-02", reason="deleted")
    # a relation change Graph marks on the object (delta names it, unchanged)
    state.set_relation("v1.0/applications/app-03/owners", [user(7), user(8)])
    state.touch("app-03")
    state.set_relation("v1.0/servicePrincipals/sp-0105/memberOf", [group(3)])
    state.touch("sp-0105")
    # an application permission granted: no delta for the client, the rebuild sees it
    holder = next(sp for sp in state.collections["v1.0/servicePrincipals"].objects.values()
                  if sp["id"] == "sp-0104")
    state.set_relation("v1.0/servicePrincipals/sp-0104/appRoleAssignments",
                       [assignment(holder, GRAPH, "role-rw", 9)])
    # an owner added without any delta: only the audit log tells
    state.set_relation("v1.0/applications/app-04/owners", [user(9)])
    state.add("v1.0/auditLogs/directoryAudits", {
        "id": "audit-new", "category": "ApplicationManagement",
        "activityDisplayName": "Add owner to application",
        "activityDateTime": iso(LATER - timedelta(hours=1)),
        "targetResources": [{"id": "app-04", "type": "Application"}]})


def same_bodies(a, b) -> list[str]:
    paths = set(a.bodies) | set(b.bodies)
    return sorted(p for p in paths if p not in a.bodies or p not in b.bodies or (
        canonical(a.items(p)) != canonical(b.items(p)) if isinstance(a.bodies[p], dict)
        else a.bodies[p] != b.bodies[p]))


async def test_an_incremental_read_gives_exactly_the_new_state_and_what_changed():
    state = ReplayState(reader_tenant(300))
    async with server_client(state) as (client, server):
        first = await read_tenant(client, ReadOptions(now=NOW))
        change_the_tenant(state)
        urls = []

        def watch(request, response):
            urls.append(str(request.url))

        client.observers.append(watch)
        second = await read_tenant(client, ReadOptions(now=LATER),
                                   previous=PreviousRead(first.recording, first.delta_links))
        client.observers.remove(watch)
        cold = await read_tenant(client, ReadOptions(now=LATER))
    assert same_bodies(second.recording, cold.recording) == []
    assert second.recording.unavailable == {} and second.recording.recorded_at == LATER
    changes = second.changes
    assert changes is not None and not changes.resync
    assert changes.added == {"applications": ["app-99"], "servicePrincipals": ["sp-9000"]}
    assert changes.updated == {"applications": ["app-01"], "servicePrincipals": ["sp-0100"]}
    assert changes.removed == {"applications": ["app-02"], "servicePrincipals": ["sp-0101"]}
    assert {k: sorted(v) for k, v in changes.relations.items() if v} == {
        "applicationOwners": ["app-03", "app-04"], "memberOf": ["sp-0105"],
        "appRoleAssignments": ["sp-0104"]}
    # no list or expand pass of applications or service principals was read again
    lists = [u for u in urls if "/v1.0/servicePrincipals?" in u or "/v1.0/applications?" in u]
    assert lists == []
    assert second.stats.requests < cold.stats.requests
    assert set(second.delta_links) == {"applications", "servicePrincipals"}
    assert second.delta_links != first.delta_links


async def test_a_second_incremental_read_with_no_change_reports_none():
    state = ReplayState(reader_tenant(300))
    client, _ = transport_client(state)
    async with client:
        first = await read_tenant(client, ReadOptions(now=NOW))
        second = await read_tenant(client, ReadOptions(now=NOW),
                                   previous=PreviousRead(first.recording, first.delta_links))
    assert same_bodies(first.recording, second.recording) == []
    assert second.changes is not None and second.changes.total == 0
    assert second.changes.summary() == "no changes"


async def test_expired_delta_links_mean_a_full_resync_with_the_changes_compared():
    state = ReplayState(reader_tenant(300))
    client, _ = transport_client(state)
    async with client:
        first = await read_tenant(client, ReadOptions(now=NOW))
        change_the_tenant(state)
        state.expire_delta_links()
        second = await read_tenant(client, ReadOptions(now=LATER),
                                   previous=PreviousRead(first.recording, first.delta_links))
        cold = await read_tenant(client, ReadOptions(now=LATER))
    assert same_bodies(second.recording, cold.recording) == []
    changes = second.changes
    assert changes is not None and changes.resync
    assert changes.added == {"applications": ["app-99"], "servicePrincipals": ["sp-9000"]}
    assert changes.removed == {"applications": ["app-02"], "servicePrincipals": ["sp-0101"]}
    assert changes.updated == {"applications": ["app-01"], "servicePrincipals": ["sp-0100"]}
    assert "full resync" in changes.summary()
    # the failed delta round is part of the cost
    assert second.stats.requests > cold.stats.requests


async def test_a_previous_read_missing_a_directory_kind_is_not_built_on():
    served = reader_tenant(300)
    for path in [p for p in served.bodies if p.endswith("/memberOf")]:
        del served.bodies[path]
    state = ReplayState(served)
    client, _ = transport_client(state)
    async with client:
        first = await read_tenant(client, ReadOptions(now=NOW))
        assert "memberOf" in first.recording.unavailable
        second = await read_tenant(client, ReadOptions(now=NOW),
                                   previous=PreviousRead(first.recording, first.delta_links))
    assert second.changes is not None and second.changes.resync
    assert "memberOf" in second.recording.unavailable


async def test_recent_usage_reports_are_kept_older_ones_read_again():
    state = ReplayState(reader_tenant(300))
    client, _ = transport_client(state)
    urls = []
    async with client:
        first = await read_tenant(client, ReadOptions(now=NOW))
        client.observers.append(lambda request, response: urls.append(request.url.path))
        soon = await read_tenant(client, ReadOptions(now=NOW + timedelta(hours=1)),
                                 previous=PreviousRead(first.recording, first.delta_links))
        assert not [u for u in urls if "/beta/reports/" in u]
        late = await read_tenant(client, ReadOptions(now=NOW + timedelta(hours=5)),
                                 previous=PreviousRead(soon.recording, soon.delta_links))
    assert len([u for u in urls if "/beta/reports/" in u]) == 2
    for result in (soon, late):
        path = "beta/reports/servicePrincipalSignInActivities"
        assert canonical(result.recording.items(path)) == canonical(first.recording.items(path))
