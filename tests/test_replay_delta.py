"""applications/delta and servicePrincipals/delta through the transport: a full round,
then exactly the changes, `@removed`, `$deltaToken=latest`, id filters, expiry."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from test_replay_fixtures import read_all, tenant, transport_client

from graph.replay import ReplayState


@pytest.fixture
def state():
    return ReplayState(tenant())


@pytest.fixture
async def client(state):
    async with transport_client(state) as c:
        yield c


async def delta_round(client, url, **kwargs):
    """Every item of a delta round, each page's size, and the final deltaLink."""
    items, sizes = [], []
    params = kwargs.pop("params", None)
    while True:
        r = await client.get(url, params=params, **kwargs)
        params = None
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["value"]
        sizes.append(len(body["value"]))
        if "@odata.deltaLink" in body:
            assert "@odata.nextLink" not in body
            return items, sizes, body["@odata.deltaLink"]
        url = body["@odata.nextLink"]


async def test_initial_round_pages_then_hands_a_delta_link(client):
    items, sizes, link = await delta_round(client, "/v1.0/servicePrincipals/delta",
                                           params={"$select": "displayName"})
    assert sizes == [100, 100, 50]
    assert len({i["id"] for i in items}) == 250
    assert set(items[1]) == {"id", "displayName"}  # id always comes back from delta
    assert link.startswith("https://graph.microsoft.com/v1.0/servicePrincipals/delta?$deltatoken=")
    again, sizes, _ = await delta_round(client, link)
    assert again == [] and sizes == [0]


async def test_page_size_follows_prefer_maxpagesize(client):
    headers = {"Prefer": "odata.maxpagesize=999"}
    _, sizes, _ = await delta_round(client, "/v1.0/servicePrincipals/delta", headers=headers)
    assert sizes == [250]


async def test_the_delta_link_returns_exactly_the_changes(client, state):
    _, _, link = await delta_round(client, "/v1.0/servicePrincipals/delta",
                                   params={"$select": "displayName,accountEnabled"})
    state.update("sp-010", {"displayName": "Renamed"})
    state.touch("sp-020")
    state.add("v1.0/servicePrincipals", {"id": "sp-new", "displayName": "New one",
                                         "accountEnabled": True})
    state.remove("sp-030")
    state.remove("sp-040", reason="deleted")
    items, _, next_link = await delta_round(client, link)
    assert items == [
        {"id": "sp-010", "displayName": "Renamed", "accountEnabled": False},
        {"id": "sp-020", "displayName": "Workload 020", "accountEnabled": False},
        {"id": "sp-new", "displayName": "New one", "accountEnabled": True},
        {"id": "sp-030", "@removed": {"reason": "changed"}},
        {"id": "sp-040", "@removed": {"reason": "deleted"}},
    ]
    assert (await delta_round(client, next_link))[0] == []
    # the removed object is gone from the list as well
    r = await client.get("/v1.0/servicePrincipals/sp-030")
    assert r.status_code == 404


async def test_many_changes_page_too(client, state):
    _, _, link = await delta_round(client, "/v1.0/applications/delta")
    state.apply_changes("v1.0/applications",
                        upserts=[{"id": f"app-{i:02d}", "notes": "edited"} for i in range(1, 26)],
                        removals=["app-30"])
    items, sizes, _ = await delta_round(client, link, headers={"Prefer": "odata.maxpagesize=10"})
    assert sizes == [10, 10, 6]
    assert [i["id"] for i in items] == [f"app-{i:02d}" for i in range(1, 26)] + ["app-30"]
    assert items[0]["notes"] == "edited" and items[0]["displayName"] == "App 01"
    assert items[-1]["@removed"] == {"reason": "changed"}


async def test_delta_token_latest_starts_from_now(client, state):
    r = await client.get("/v1.0/servicePrincipals/delta?$deltaToken=latest&$select=displayName")
    body = r.json()
    assert body["value"] == [] and "@odata.deltaLink" in body
    state.update("sp-005", {"displayName": "Changed later"})
    items, _, _ = await delta_round(client, body["@odata.deltaLink"])
    assert items == [{"id": "sp-005", "displayName": "Changed later"}]


async def test_delta_filters_by_id_only(client, state):
    items, _, link = await delta_round(client, "/v1.0/servicePrincipals/delta",
                                       params={"$filter": "id eq 'sp-001' or id eq 'sp-002'"})
    assert [i["id"] for i in items] == ["sp-001", "sp-002"]
    state.touch("sp-003")
    state.touch("sp-002")
    assert [i["id"] for i in (await delta_round(client, link))[0]] == ["sp-002"]
    r = await client.get("/v1.0/servicePrincipals/delta",
                         params={"$filter": "displayName eq 'x'"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "Request_UnsupportedQuery"


async def test_an_expired_link_is_410_with_a_location_to_start_again(client, state):
    params = {"$select": "displayName", "$filter": "id eq 'sp-001' or id eq 'sp-002'"}
    first = (await client.get("/v1.0/servicePrincipals/delta", params=params)).json()
    _, _, link = await delta_round(client, "/v1.0/servicePrincipals/delta", params=params)
    state.expire_delta_links()
    for stale in (link, first["@odata.deltaLink"]):
        r = await client.get(stale)
        assert r.status_code == 410
        assert r.json()["error"]["code"] == "syncStateNotFound"  # [DQ]'s spelling
        location = r.headers["Location"]
        assert location.startswith("https://graph.microsoft.com/v1.0/servicePrincipals/delta?")
        assert parse_qs(urlsplit(location).query) == {k: [v] for k, v in params.items()}
    # the Location starts a full round with the same options
    items, _, fresh = await delta_round(client, location)
    assert items == [{"id": "sp-001", "displayName": "Workload 001"},
                     {"id": "sp-002", "displayName": "Workload 002"}]
    assert (await client.get(fresh)).status_code == 200


async def test_expired_or_foreign_tokens(client, state):
    _, _, link = await delta_round(client, "/v1.0/applications/delta")
    state.expire_delta_links()
    r = await client.get(link)
    assert r.status_code == 410 and r.json()["error"]["code"] == "syncStateNotFound"
    assert r.headers["Location"] == "https://graph.microsoft.com/v1.0/applications/delta"
    _, _, app_link = await delta_round(client, "/v1.0/applications/delta")
    foreign = app_link.replace("/applications/delta", "/servicePrincipals/delta")
    assert (await client.get(foreign)).status_code == 400
    assert (await client.get("/v1.0/applications/delta?$deltatoken=garbage")).status_code == 400


async def test_changes_made_during_a_round_come_in_the_next_one(client, state):
    first = (await client.get("/v1.0/servicePrincipals/delta")).json()
    state.update("sp-001", {"displayName": "Changed mid-round"})
    items, _, link = await delta_round(client, first["@odata.nextLink"])
    assert len(first["value"]) + len(items) == 250
    changed, _, _ = await delta_round(client, link)
    assert changed[0]["id"] == "sp-001" and changed[0]["displayName"] == "Changed mid-round"


async def test_list_and_delta_agree_after_changes(client, state):
    state.remove("sp-100")
    state.add("v1.0/servicePrincipals", {"id": "sp-zzz", "displayName": "Late"})
    listed, _ = await read_all(client, "/v1.0/servicePrincipals?$top=999")
    delta_items, _, _ = await delta_round(client, "/v1.0/servicePrincipals/delta")
    assert sorted(i["id"] for i in listed) == sorted(i["id"] for i in delta_items)
    assert "sp-100" not in {i["id"] for i in listed} and listed[-1]["id"] == "sp-zzz"
