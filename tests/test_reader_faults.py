"""Throttling, failures and refusals: the read still completes with the same data.

Over real HTTP against the replay server with injected 429/503 (top-level and inside
`$batch`), a resource unit budget, 403 on whole areas, and a flaky network.
"""

from __future__ import annotations

import httpx

from graph.client import create_client
from graph.reader import ReadOptions, read_tenant
from graph.replay import Faults, ReplayState, ReplayTransport
from models.recording import KIND_BY_NAME
from test_reader_support import (
    BASE,
    NOW,
    differences,
    reader_tenant,
    server_client,
    transport_client,
)


async def test_injected_429_and_503_give_the_identical_result():
    served = reader_tenant(300)  # short page chains: every retry waits a real second
    client, clean_transport = transport_client(ReplayState(served))
    async with client:
        clean = await read_tenant(client, ReadOptions(now=NOW))
    faults = Faults(fail_rates={429: 0.2, 503: 0.05}, retry_after=1, seed=5)
    async with server_client(ReplayState(served), faults) as (client, server):
        result = await read_tenant(client, ReadOptions(now=NOW))
        counters = server.replay.stats.snapshot()
    assert result.recording.bodies == clean.recording.bodies
    assert result.recording.unavailable == {} and differences(served, result.recording) == []
    assert counters["injected"]["429"] > 0 and counters["injected"]["503"] > 0
    # items inside $batch were refused too, and sent again by the reader
    assert counters["batchItems"] > clean_transport.stats.snapshot()["batchItems"]
    assert result.stats.throttled == counters["injected"]["429"]
    assert result.stats.requests == counters["requests"]
    assert result.stats.retries >= sum(counters["injected"].values())


async def test_a_resource_unit_budget_slows_the_read_down_but_it_completes():
    served = reader_tenant()
    faults = Faults(throttle_units=45)
    async with server_client(ReplayState(served), faults) as (client, server):
        result = await read_tenant(client, ReadOptions(now=NOW))
        counters = server.replay.stats.snapshot()
    assert differences(served, result.recording) == []
    assert counters["throttled"] > 0
    assert result.stats.throttled == counters["throttled"]
    assert result.stats.retries >= counters["throttled"]


async def test_403_on_audit_logs_and_reports_leaves_the_rest_loaded():
    served = reader_tenant()
    faults = Faults(deny=("/v1.0/auditLogs", "/beta/reports"))
    async with server_client(ReplayState(served), faults) as (client, _):
        result = await read_tenant(client, ReadOptions(now=NOW))
    unavailable = result.recording.unavailable
    assert set(unavailable) == {"directoryAudits", "servicePrincipalSignInActivities",
                                "appCredentialSignInActivities"}
    for name, why in unavailable.items():
        assert why.status == 403
        assert why.permission == KIND_BY_NAME[name].permission == "AuditLog.Read.All"
        assert "Authorization_RequestDenied" in why.reason
    # everything else is there, identical
    for name in unavailable:
        served.bodies.pop(KIND_BY_NAME[name].path)
    assert differences(served, result.recording) == []


async def test_a_refused_batch_item_makes_its_whole_kind_unavailable():
    served = reader_tenant()
    faults = Faults(deny=("/v1.0/servicePrincipals/sp-0000/appRoleAssignedTo",))
    client, _ = transport_client(ReplayState(served), faults)
    async with client:
        result = await read_tenant(client, ReadOptions(now=NOW))
    assert set(result.recording.unavailable) == {"appRoleAssignments"}
    # no partial permissions that would read as "holds nothing"
    assert not any(p.endswith("/appRoleAssignments") for p in result.recording.bodies)
    for path in [p for p in served.bodies if p.endswith("/appRoleAssignments")]:
        del served.bodies[path]
    assert differences(served, result.recording) == []


class FlakyTransport(httpx.AsyncBaseTransport):
    """Drops the connection on every third request (a network, not our code, misbehaving)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls = 0
        self.dropped = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls % 3 == 0:
            self.dropped += 1
            raise httpx.ReadError("connection reset by peer", request=request)
        return await self.inner.handle_async_request(request)


async def test_network_errors_are_retried():
    served = reader_tenant()
    flaky = FlakyTransport(ReplayTransport(ReplayState(served)))
    async with create_client(BASE, transport=flaky) as client:
        result = await read_tenant(client, ReadOptions(now=NOW))
    assert flaky.dropped > 5
    assert differences(served, result.recording) == []
    assert result.stats.retries >= flaky.dropped


async def test_403_on_service_principals_costs_them_and_their_relations_only():
    served = reader_tenant(300)
    faults = Faults(deny=("/v1.0/servicePrincipals",))
    client, _ = transport_client(ReplayState(served), faults)
    async with client:
        result = await read_tenant(client, ReadOptions(now=NOW))
    unavailable = result.recording.unavailable
    assert set(unavailable) == {"servicePrincipals", "servicePrincipalOwners", "memberOf",
                                "appRoleAssignments"}
    assert all(why.status == 403 and why.permission == "Application.Read.All"
               for why in unavailable.values())
    assert "servicePrincipals" not in result.delta_links
    for path in [p for p in served.bodies if p.startswith("v1.0/servicePrincipals")]:
        del served.bodies[path]
    assert differences(served, result.recording) == []
