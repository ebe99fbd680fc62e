"""Fault injection and the throttle budget over real HTTP: seeded 429/503 with Retry-After,
403 on denied paths, resource units per 10 s, concurrency, counters, loopback only."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from test_replay_fixtures import running_server, tenant

from graph.replay import Faults, Replay, ReplayServer, ReplayState, parse_fail_rates
from graph.replay.faults import units_for
from graph.replay.query import Query


class Clock:
    """A hand-driven clock for the budget window (tests never wait for real seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def statuses(server, urls):
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        answers = [await client.get(url) for url in urls]
    return answers


URLS = [f"/v1.0/servicePrincipals/sp-{i:03d}" for i in range(1, 61)]


async def test_a_seeded_fail_rate_repeats_exactly_and_carries_retry_after():
    faults = Faults(fail_rates={429: 0.2, 503: 0.1}, retry_after=2, seed=7)
    runs = []
    for _ in range(2):
        with running_server(ReplayState(tenant()), faults) as server:
            answers = await statuses(server, URLS)
            runs.append([a.status_code for a in answers])
            stats = server.replay.stats.snapshot()
    assert runs[0] == runs[1]
    assert runs[0].count(429) > 3 and runs[0].count(503) > 1 and runs[0].count(200) > 30
    assert stats["injected"] == {"429": runs[0].count(429), "503": runs[0].count(503)}
    throttled = next(a for a in answers if a.status_code == 429)
    assert throttled.headers["Retry-After"] == "2"
    assert throttled.json()["error"]["code"] == "TooManyRequests"
    unavailable = next(a for a in answers if a.status_code == 503)
    assert unavailable.json()["error"]["code"] == "serviceNotAvailable"
    other_seed = Faults(fail_rates={429: 0.2, 503: 0.1}, seed=8)
    with running_server(ReplayState(tenant()), other_seed) as server:
        assert [a.status_code for a in await statuses(server, URLS)] != runs[0]


async def test_retrying_a_failed_request_eventually_succeeds():
    with running_server(ReplayState(tenant()), Faults(fail_rates={429: 0.5}, seed=3)) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            for url in URLS[:10]:
                for _attempt in range(40):
                    r = await client.get(url)
                    if r.status_code == 200:
                        break
                    assert r.status_code == 429
                assert r.status_code == 200 and r.json()["id"] == url.rsplit("/", 1)[1]


async def test_deny_answers_403_under_the_prefix_only():
    faults = Faults(deny=("/v1.0/auditLogs", "beta/reports", "identityProtection"))
    with running_server(ReplayState(tenant()), faults) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            for url in ("/v1.0/auditLogs/directoryAudits", "/beta/reports/appCredentialSignInActivities",
                        "/v1.0/identityProtection/servicePrincipalRiskDetections"):
                r = await client.get(url)
                assert r.status_code == 403, url
                error = r.json()["error"]
                assert error["code"] == "Authorization_RequestDenied"
                assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}
            assert (await client.get("/beta/auditLogs/signIns")).status_code == 200
            assert (await client.get("/v1.0/auditLogsX")).status_code == 400
            body = {"requests": [{"id": "1", "method": "GET", "url": "/auditLogs/directoryAudits"},
                                 {"id": "2", "method": "GET", "url": "/applications?$top=1"}]}
            answers = (await client.post("/v1.0/$batch", json=body)).json()["responses"]
            assert [a["status"] for a in answers] == [403, 200]
        assert server.replay.stats.denied == 4


async def test_the_throttle_budget_counts_units_and_frees_up_with_the_window():
    clock = Clock()
    replay = Replay(ReplayState(tenant()), Faults(throttle_units=10), clock=clock)
    with running_server(replay) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            # a page of /applications costs 2 units: 5 fit in 10
            answers = [await client.get("/v1.0/applications?$top=100") for _ in range(6)]
            assert [a.status_code for a in answers] == [200] * 5 + [429]
            assert answers[0].headers["x-ms-resource-unit"] == "2"
            assert "x-ms-throttle-limit-percentage" not in answers[0].headers
            assert answers[4].headers["x-ms-throttle-limit-percentage"] == "1.0"
            r = await client.get("/v1.0/applications")
            assert r.status_code == 429 and r.headers["Retry-After"] == "10"
            assert r.json()["error"]["code"] == "TooManyRequests"
            assert r.headers["x-ms-throttle-information"] == "ResourceUnitLimitExceeded"
            assert r.headers["x-ms-throttle-scope"].startswith("Tenant_Application/Read/")
            clock.now += 4
            assert (await client.get("/v1.0/servicePrincipals")).status_code == 429
            # reports have their own limit and cost no directory units
            assert (await client.get("/v1.0/auditLogs/directoryAudits")).status_code == 200
            clock.now += 6  # the first requests leave the 10 s window
            ok = await client.get("/v1.0/applications?$select=id")  # $select: 1 unit
            assert ok.status_code == 200 and ok.headers["x-ms-resource-unit"] == "1"
            expand = await client.get("/v1.0/applications?$expand=owners")
            assert expand.headers["x-ms-resource-unit"] == "3"
    stats = replay.stats.snapshot()
    assert stats["units"] == 5 * 2 + 1 + 3 and stats["throttled"] == 3


@pytest.mark.parametrize("url, units", [
    ("applications", 2), ("applications?$select=id", 1), ("applications?$top=5", 1),
    ("applications?$expand=owners", 3), ("applications?$expand=owners&$select=id&$top=999", 2),
    ("applications/a1", 1), ("applications/a1/owners", 1), ("applications/delta", 1),
    ("servicePrincipals", 1), ("servicePrincipals/s1/appRoleAssignments", 2),
    ("servicePrincipals/s1/appRoleAssignedTo", 1), ("oauth2PermissionGrants", 2),
    ("users", 2), ("groups/g1/transitiveMembers", 5), ("auditLogs/signIns", 0),
    ("reports/servicePrincipalSignInActivities", 0),
])
def test_resource_units_follow_graphs_cost_table(url, units):
    path, _, query = url.partition("?")
    assert units_for(path, Query.parse(query)) == units


async def test_the_report_limit_counts_requests_on_audit_logs():
    clock = Clock()
    replay = Replay(ReplayState(tenant()), Faults(report_requests=5), clock=clock)
    with running_server(replay) as server:
        answers = await statuses(server, ["/v1.0/auditLogs/directoryAudits?$top=1"] * 6
                                 + ["/v1.0/servicePrincipals?$top=1"])
        assert [a.status_code for a in answers] == [200] * 5 + [429, 200]


async def test_the_server_answers_concurrent_requests_with_latency():
    with running_server(ReplayState(tenant()), Faults(latency_ms=20)) as server:
        limits = httpx.Limits(max_connections=16)
        async with httpx.AsyncClient(base_url=server.base_url, limits=limits) as client:
            answers = await asyncio.gather(*(client.get(url) for url in URLS))
        assert [a.json()["id"] for a in answers] == [u.rsplit("/", 1)[1] for u in URLS]
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            stats = (await client.get("/_wlx/stats")).json()
        assert stats["requests"] == 60 and stats["statuses"] == {"200": 60}


def test_only_loopback():
    with pytest.raises(ValueError, match="loopback"):
        ReplayServer(ReplayState(tenant()), host="0.0.0.0")


@pytest.mark.parametrize("text, expected", [
    ("429:0.2,503:0.05", {429: 0.2, 503: 0.05}), ("", {}), (" 503:1 ", {503: 1.0}),
])
def test_fail_rates_parse(text, expected):
    assert parse_fail_rates(text) == expected


@pytest.mark.parametrize("text", ["429", "abc:0.1", "200:0.1", "429:2", "429:0.7,503:0.5"])
def test_bad_fail_rates_say_why(text):
    with pytest.raises(ValueError):
        parse_fail_rates(text)
