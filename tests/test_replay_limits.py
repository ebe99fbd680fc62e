"""Graph's request limits besides the unit budget, through the transport with a hand-driven
clock: 150 requests a minute that select `keyCredentials` on applications and service
principals, 1 request a second on identityProtection, both on when a budget is set."""

from __future__ import annotations

import pytest
from test_replay_fixtures import read_all, tenant, transport_client

from graph.replay import Faults, Replay, ReplayState


class Clock:
    """A hand-driven clock for the limit windows (tests never wait for real seconds)."""

    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def replay(clock, **faults):
    return Replay(ReplayState(tenant()), Faults(**faults), clock=clock)


def assert_throttled(response, retry_after, reason):
    assert response.status_code == 429, response.text
    assert response.headers["Retry-After"] == retry_after
    assert response.headers["x-ms-throttle-information"] == reason
    error = response.json()["error"]
    assert error["code"] == "TooManyRequests" and error["message"] == "Please retry again later."


KEYS = "/v1.0/applications/app-01?$select=id,keyCredentials"


async def test_150_key_credential_reads_a_minute_once_a_budget_is_set():
    clock = Clock()
    rp = replay(clock, throttle_units=100_000)
    async with transport_client(rp) as client:
        answers = [await client.get(KEYS) for _ in range(150)]
        assert {a.status_code for a in answers} == {200}
        units = rp.stats.units
        clock.now += 30
        over = await client.get("/v1.0/servicePrincipals?$select=keyCredentials,id&$top=5")
        assert_throttled(over, "30", "KeyCredentialsRequestLimitExceeded")
        assert rp.stats.units == units  # a throttled request costs no units
        # the same objects without keyCredentials are not under this limit
        assert (await client.get("/v1.0/applications/app-01?$select=id,displayName")
                ).status_code == 200
        assert (await client.get("/v1.0/applications/app-01/owners?$select=id")).status_code == 200
        clock.now += 30  # the first 150 leave the minute
        assert (await client.get(KEYS)).status_code == 200


async def test_no_key_credential_limit_without_a_budget_or_when_set_apart():
    async with transport_client(replay(Clock())) as client:
        assert {(await client.get(KEYS)).status_code for _ in range(160)} == {200}
    # the option alone turns it on (and 0 turns it off under a budget)
    async with transport_client(replay(Clock(), key_credential_requests=2)) as client:
        codes = [(await client.get(KEYS)).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
    off = replay(Clock(), throttle_units=100_000, key_credential_requests=0)
    async with transport_client(off) as client:
        assert {(await client.get(KEYS)).status_code for _ in range(160)} == {200}


async def test_next_pages_of_a_key_credential_round_count_too():
    clock = Clock()
    async with transport_client(replay(clock, key_credential_requests=2)) as client:
        first = await client.get("/v1.0/servicePrincipals/delta?$select=keyCredentials")
        assert first.status_code == 200
        second = await client.get(first.json()["@odata.nextLink"])  # the token carries $select
        assert second.status_code == 200
        assert_throttled(await client.get(second.json()["@odata.nextLink"]), "60",
                         "KeyCredentialsRequestLimitExceeded")
        # delta without keyCredentials, and list pages that carry $select in the link
        _, sizes = await read_all(client, "/v1.0/servicePrincipals?$select=id")
        assert sizes == [100, 100, 50]
        listed = await client.get("/v1.0/applications?$select=keyCredentials")
        assert listed.status_code == 429


RISK = ("/v1.0/identityProtection/riskyServicePrincipals",
        "/v1.0/identityProtection/servicePrincipalRiskDetections")


async def test_identity_protection_is_paced_at_one_request_a_second_under_a_budget():
    clock = Clock()
    rp = replay(clock, throttle_units=8000)
    async with transport_client(rp) as client:
        first = await client.get(RISK[0])
        assert first.status_code == 403  # this tenant has no Workload ID Premium
        assert_throttled(await client.get(RISK[1]), "1", "RequestLimitExceeded")
        assert (await client.get("/v1.0/servicePrincipals?$top=1")).status_code == 200
        clock.now += 1
        assert (await client.get(RISK[1])).status_code != 429
        assert_throttled(await client.get(RISK[0]), "1", "RequestLimitExceeded")
        # batch items are paced one by one as well
        body = {"requests": [{"id": str(n), "method": "GET", "url": url.removeprefix("/v1.0")}
                             for n, url in enumerate(RISK, 1)]}
        clock.now += 1
        answers = (await client.post("/v1.0/$batch", json=body)).json()["responses"]
        assert [a["status"] for a in answers] == [403, 429]
        assert answers[1]["headers"]["Retry-After"] == "1"
    assert rp.stats.throttled == 3


@pytest.mark.parametrize("faults", [{}, {"throttle_units": 8000, "identity_protection_requests": 0}])
async def test_identity_protection_is_not_paced_without_a_budget(faults):
    async with transport_client(replay(Clock(), **faults)) as client:
        codes = [(await client.get(url)).status_code for url in RISK * 3]
    assert 429 not in codes


async def test_a_refusal_after_metering_still_says_what_it_cost():
    async with transport_client(replay(Clock(), throttle_units=8000)) as client:
        missing = await client.get("/v1.0/applications/nope")
        assert missing.status_code == 404 and missing.headers["x-ms-resource-unit"] == "1"
