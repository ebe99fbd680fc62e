"""JSON $batch over real HTTP: per-item answers, limits, dependsOn, per-item faults."""

from __future__ import annotations

import httpx
import pytest
from test_replay_fixtures import GRAPH_SP, running_server, tenant

from graph.replay import Faults, Replay, ReplayState


def batch(*urls, depends=None):
    requests = [{"id": str(n), "method": "GET", "url": url} for n, url in enumerate(urls, 1)]
    for item_id, on in (depends or {}).items():
        requests[int(item_id) - 1]["dependsOn"] = on
    return {"requests": requests}


@pytest.fixture
def server():
    with running_server(ReplayState(tenant())) as srv:
        yield srv


async def post(server, body, version="v1.0"):
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        return await client.post(f"/{version}/$batch", json=body)


async def test_mixed_statuses_come_back_per_item(server):
    r = await post(server, batch("/applications/app-01/owners?$top=2", "servicePrincipals/nope",
                                 "/identityProtection/riskyServicePrincipals",
                                 f"/servicePrincipals/{GRAPH_SP}?$select=displayName",
                                 "/applications/app-01/owners?$top=999999"))
    assert r.status_code == 200
    answers = {a["id"]: a for a in r.json()["responses"]}
    assert [answers[k]["status"] for k in "12345"] == [200, 404, 403, 200, 400]
    owners = answers["1"]["body"]
    assert len(owners["value"]) == 2
    assert owners["@odata.nextLink"].startswith(f"{server.base_url}/v1.0/applications/app-01/owners?")
    assert answers["1"]["headers"]["Content-Type"].startswith("application/json")
    assert answers["1"]["headers"]["x-ms-resource-unit"] == "1"  # base 1, $top < 20
    assert answers["2"]["body"]["error"]["code"] == "Request_ResourceNotFound"
    assert answers["3"]["body"]["error"]["code"] == "Authorization_RequestDenied"
    assert answers["4"]["body"]["displayName"] == "Microsoft Graph"
    assert server.replay.stats.batch_items == 5 and server.replay.stats.batches == 1


async def test_next_link_from_a_batch_item_continues_over_http(server):
    r = await post(server, batch("/applications/app-01/owners?$top=20"))
    link = r.json()["responses"][0]["body"]["@odata.nextLink"]
    async with httpx.AsyncClient() as client:
        rest = (await client.get(link)).json()
    assert [o["id"] for o in rest["value"]] == [f"user-1-{k}" for k in range(20, 25)]


async def test_beta_batch_uses_beta_paths(server):
    r = await post(server, batch("/auditLogs/signIns?$top=5"), version="beta")
    assert r.json()["responses"][0]["status"] == 200
    assert len(r.json()["responses"][0]["body"]["value"]) == 5


@pytest.mark.parametrize("body", [
    batch(*["/servicePrincipals"] * 21),
    {"requests": []},
    {"nothing": 1},
    {"requests": [{"id": "1", "method": "GET", "url": "/a"}, {"id": "1", "method": "GET", "url": "/b"}]},
    {"requests": [{"id": "1", "method": "GET"}]},
    batch("/servicePrincipals", depends={"1": ["9"]}),
    batch("/servicePrincipals", "/applications", depends={"1": ["2"], "2": ["1"]}),
])
async def test_malformed_batches_are_a_400(server, body):
    r = await post(server, body)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "BadRequest"


async def test_more_than_20_is_refused_and_20_is_fine(server):
    assert (await post(server, batch(*["/servicePrincipals?$top=1"] * 21))).status_code == 400
    ok = await post(server, batch(*["/servicePrincipals?$top=1"] * 20))
    assert [a["status"] for a in ok.json()["responses"]] == [200] * 20


async def test_depends_on_orders_items_and_a_failed_dependency_gives_424(server):
    r = await post(server, batch("/applications/app-02", "/applications/nope",
                                 "/applications/app-02/owners", "/applications/app-03",
                                 depends={"3": ["1"], "4": ["2"]}))
    answers = {a["id"]: a for a in r.json()["responses"]}
    assert [answers[k]["status"] for k in "1234"] == [200, 404, 200, 424]
    assert answers["4"]["body"]["error"]["code"] == "FailedDependency"


async def test_absolute_urls_and_writes_inside_a_batch_are_refused_per_item(server):
    body = batch(f"{server.base_url}/v1.0/servicePrincipals", "/servicePrincipals?$top=1")
    body["requests"].append({"id": "3", "method": "DELETE", "url": "/applications/app-01"})
    answers = {a["id"]: a for a in (await post(server, body)).json()["responses"]}
    assert [answers[k]["status"] for k in "123"] == [400, 200, 405]


async def test_per_item_429_carries_retry_after_and_a_retry_gets_through():
    replay = Replay(ReplayState(tenant()), Faults(fail_rates={429: 0.5}, retry_after=3, seed=11))
    with running_server(replay) as server:
        urls = [f"/servicePrincipals/sp-{i:03d}/owners" for i in range(1, 21)]
        first = (await post(server, batch(*urls))).json()["responses"]
        throttled = [a for a in first if a["status"] == 429]
        assert 0 < len(throttled) < 20
        for answer in throttled:
            assert answer["headers"]["Retry-After"] == "3"
            assert answer["body"]["error"]["code"] == "TooManyRequests"
        pending = [urls[int(a["id"]) - 1] for a in throttled]
        for _ in range(30):  # each retry of the same request draws again
            if not pending:
                break
            again = (await post(server, batch(*pending))).json()["responses"]
            pending = [pending[int(a["id"]) - 1] for a in again if a["status"] == 429]
        assert pending == []
        stats = server.replay.stats.snapshot()
        assert stats["injected"]["429"] >= len(throttled)
        assert stats["statuses"]["200"] >= 20


async def test_batch_items_spend_the_throttle_budget_one_by_one():
    replay = Replay(ReplayState(tenant()), Faults(throttle_units=10), clock=lambda: 100.0)
    with running_server(replay) as server:
        urls = [f"/servicePrincipals/sp-{i:03d}/owners" for i in range(1, 16)]
        answers = (await post(server, batch(*urls))).json()["responses"]
        assert [a["status"] for a in answers] == [200] * 10 + [429] * 5
        assert all(int(a["headers"]["Retry-After"]) >= 1 for a in answers[10:])
        assert replay.stats.units == 10 and replay.stats.throttled == 5


async def test_item_urls_are_relative_to_the_envelopes_version(server):
    body = batch("/v1.0/servicePrincipals?$top=1", "beta/auditLogs/signIns",
                 "servicePrincipals?$top=1", "/applications/app-01/owners?$top=1")
    answers = {a["id"]: a for a in (await post(server, body)).json()["responses"]}
    assert [answers[k]["status"] for k in "1234"] == [400, 400, 200, 200]
    for item_id, segment in (("1", "v1.0"), ("2", "beta")):
        error = answers[item_id]["body"]["error"]
        assert error["code"] == "BadRequest"
        assert error["message"] == f"Resource not found for the segment '{segment}'."
    # the same in a beta envelope, and beta data answers there
    beta = await post(server, batch("/beta/auditLogs/signIns", "/auditLogs/signIns?$top=2"),
                      version="beta")
    assert [a["status"] for a in beta.json()["responses"]] == [400, 200]
