"""A cold read gives back exactly the tenant the replay serves, with few requests.

Read through the in-process transport and over real HTTP; compared with the served
recording path by path and object by object (for the properties the reader selects).
"""

from __future__ import annotations

import math

import httpx
import pytest

from graph.client import create_client
from graph.reader import ReadOptions, read_tenant
from graph.reader.progress import DONE, SKIPPED, UNAVAILABLE
from graph.replay import ReplayState, ReplayTransport
from models.recording import KIND_BY_NAME, KINDS
from models.tenant import TenantData
from test_reader_support import (
    APP_COUNT,
    BASE,
    GRAPH,
    NOW,
    SP_COUNT,
    TENANT,
    differences,
    reader_tenant,
    server_client,
    transport_client,
)


async def test_a_cold_read_equals_the_served_recording_over_real_http():
    served = reader_tenant()
    async with server_client(ReplayState(served)) as (client, server):
        result = await read_tenant(client, ReadOptions(now=NOW))
    assert differences(served, result.recording) == []
    assert result.recording.unavailable == {}
    assert result.tenant_id == TENANT and result.recording.tenant_id == TENANT
    assert result.recording.recorded_at == NOW
    assert set(result.delta_links) == {"applications", "servicePrincipals"}
    assert all(link.startswith(server.base_url) for link in result.delta_links.values())
    assert result.changes is None


async def test_the_read_recording_parses_into_tenant_data_with_every_relation():
    client, _ = transport_client(ReplayState(reader_tenant()))
    async with client:
        result = await read_tenant(client, ReadOptions(now=NOW))
    data = TenantData.from_recording(result.recording)
    assert len(data.service_principals) == SP_COUNT and len(data.applications) == APP_COUNT
    assert data.available == {kind.name for kind in KINDS}
    # relations cut at 20 by $expand were read again in full
    assert len(data.application_owners["app-00"]) == 25
    assert len(data.federated_credentials["app-05"]) == 20
    assert len(data.service_principal_owners["sp-0010"]) == 22
    assert len(data.member_of["sp-0020"]) == 30
    # application permissions come back per client, from two pages of appRoleAssignedTo
    holders = [sp for sp, held in data.app_role_assignments.items()
               if any(a.resource_id == GRAPH for a in held)]
    assert len(holders) == 1005
    assert {a.app_role_id for a in data.app_role_assignments["sp-0005"]} == {
        "role-r", "role-rw"}
    assert data.app_role_assignments["sp-0002"] == []  # every principal gets its list
    assert data.user_count == 4321
    # certificate bodies are not kept, custom security attributes are
    sp = next(s for s in result.recording.items("v1.0/servicePrincipals") if s["id"] == "sp-0030")
    assert sp["keyCredentials"] and "key" not in sp["keyCredentials"][0]
    assert sp["customSecurityAttributes"] == {"Ops": {"owner": "team"}}


def _minimum_for(served) -> int:
    """The plan's fewest requests for this tenant, counted from the data alone."""
    def pages(n: int, size: int) -> int:
        return max(1, math.ceil(n / size))
    sps, apps = SP_COUNT, APP_COUNT
    total = 2 + 2  # delta links; object counts (progress totals, partitions)
    total += pages(apps, 999) + 2 * pages(apps, 100)  # list, owners and credentials passes
    total += 2 * pages(sps, 999) + 2 * pages(sps, 100)  # list, custom attributes, 2 passes
    truncated = 4  # app-00 owners, app-05 credentials, sp-0010 owners, sp-0020 memberOf
    resources = 2  # Graph and the API (the user-only app is not asked)
    next_pages = 1  # Graph's appRoleAssignedTo has 1,005 entries
    total += math.ceil((truncated + resources + next_pages) / 20)
    total += 1 + 1 + 3 + 2 + 2  # organization, grants, 3 role kinds, 2 risk kinds, 2 reports
    total += 2 + 2 + 1  # audits and sign-ins (2 series each), users/$count
    return total


async def test_the_request_count_stays_within_1_2_times_the_minimum():
    served = reader_tenant()
    state = ReplayState(served)
    client, transport = transport_client(state)
    async with client:
        result = await read_tenant(client, ReadOptions(now=NOW))
    made = transport.stats.snapshot()["requests"]
    minimum = _minimum_for(served)
    assert made <= 1.2 * minimum, (made, minimum)
    assert result.stats.requests == made  # the reader counts what went on the wire
    assert result.stats.minimum_requests == minimum
    # one batch for the relations, one for the next page of Graph's appRoleAssignedTo
    assert result.stats.batches == transport.stats.snapshot()["batches"] == 2


async def test_progress_ends_every_kind_and_a_broken_callback_costs_nothing():
    events = []
    client, _ = transport_client(ReplayState(reader_tenant()))
    async with client:
        result = await read_tenant(client, ReadOptions(now=NOW, skip=frozenset({"memberOf"})),
                                   progress=events.append)
    last = {}
    for event in events:
        last[event.kind] = event
    assert {k for k, e in last.items() if e.status == DONE} == \
        {kind.name for kind in KINDS} - {"memberOf"}
    assert last["memberOf"].status == SKIPPED
    assert last["servicePrincipals"].done == last["servicePrincipals"].total == SP_COUNT
    assert not any(p.endswith("/memberOf") for p in result.recording.bodies)

    def broken(event):
        raise RuntimeError("progress bar crashed")

    client, _ = transport_client(ReplayState(reader_tenant()))
    async with client:
        again = await read_tenant(client, ReadOptions(now=NOW), progress=broken)
    assert differences(reader_tenant(), again.recording) == []
    assert isinstance(again.progress_error, RuntimeError)


async def test_kinds_the_recording_lacks_are_unavailable_with_permission_and_reason():
    served = reader_tenant()
    for path in [p for p in served.bodies if p.endswith("/memberOf")]:
        del served.bodies[path]
    del served.bodies["v1.0/roleManagement/directory/roleEligibilitySchedules"]
    client, _ = transport_client(ReplayState(served))
    events = []
    async with client:
        result = await read_tenant(client, ReadOptions(now=NOW), progress=events.append)
    unavailable = result.recording.unavailable
    assert set(unavailable) == {"memberOf", "roleEligibilitySchedules"}
    for name, why in unavailable.items():
        assert why.status == 403
        assert why.permission == KIND_BY_NAME[name].permission
        assert why.reason.startswith("Authorization_RequestDenied: ")
    assert not any(p.endswith("/memberOf") for p in result.recording.bodies)
    assert differences(served, result.recording) == []
    assert {e.kind for e in events if e.status == UNAVAILABLE} == set(unavailable)


@pytest.mark.parametrize("cloud, missing", [
    ("usgov", {"servicePrincipalSignInActivities", "appCredentialSignInActivities"}),
    ("china", {"servicePrincipalSignInActivities", "appCredentialSignInActivities",
               "directoryAudits", "riskyServicePrincipals",
               "servicePrincipalRiskDetections"}),
])
async def test_a_national_cloud_does_not_ask_for_what_it_lacks(cloud, missing):
    state = ReplayState(reader_tenant())
    client, transport = transport_client(state)
    client.cloud = cloud
    async with client:
        result = await read_tenant(client, ReadOptions(now=NOW))
    assert set(result.recording.unavailable) == missing
    assert all(f"{cloud} cloud" in why.reason for why in result.recording.unavailable.values())
    assert result.recording.cloud == cloud


async def test_big_tenants_read_each_expand_pass_as_16_chains():
    served = reader_tenant()
    client, transport = transport_client(ReplayState(served))
    urls = []
    client.observers.append(lambda request, response: urls.append(str(request.url)))
    async with client:
        result = await read_tenant(client, ReadOptions(now=NOW, partition_from=100))
    assert differences(served, result.recording) == []
    chains = {u.split("startswith(appId,'")[1][0] for u in urls if "startswith(appId," in u}
    assert chains == set("0123456789abcdef")
    # 16 short chains cost a few partial pages more than one long chain
    assert result.stats.requests <= 1.2 * _minimum_for(served) + 4 * 16


class NoFilterOnExpand(httpx.AsyncBaseTransport):
    """A Graph that refuses $filter together with $expand (some clouds might)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "startswith" in request.url.query.decode() and "expand" in request.url.query.decode():
            self.refused += 1
            body = {"error": {"code": "Request_UnsupportedQuery", "message": "Unsupported"}}
            return httpx.Response(400, json=body, request=request)
        return await self.inner.handle_async_request(request)


async def test_a_refused_partition_filter_falls_back_to_one_chain():
    served = reader_tenant(300)
    refusing = NoFilterOnExpand(ReplayTransport(ReplayState(served)))
    async with create_client(BASE, transport=refusing) as client:
        result = await read_tenant(client, ReadOptions(now=NOW, partition_from=100))
    assert refusing.refused >= 16
    assert differences(served, result.recording) == []
