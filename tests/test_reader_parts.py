"""The reader's small parts on their own: adaptive concurrency, Retry-After, delta merging,
series merging, the minimum request count, batch item URLs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from graph.client import parse_retry_after
from graph.reader import plan
from graph.reader.batch import relative
from graph.reader.collections import merge_series
from graph.reader.delta import merge
from graph.reader.throttle import AdaptiveLimit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_concurrency_halves_on_429_once_per_burst_and_grows_back():
    clock = Clock()
    limit = AdaptiveLimit(8, clock=clock)
    limit.throttled()
    limit.throttled()  # the same burst: one cut
    assert limit.limit == 4 and limit.cuts == 1
    clock.now = 5
    limit.throttled()
    assert limit.limit == 2
    for _ in range(4):
        limit.succeeded()
    assert limit.limit == 3
    for _ in range(100):
        limit.succeeded()
    assert limit.limit == 8  # never above the maximum


async def test_no_more_than_the_limit_is_in_flight():
    limit = AdaptiveLimit(2)
    active, peak = 0, 0

    async def work():
        nonlocal active, peak
        async with limit.slot():
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.01)
            active -= 1

    await asyncio.gather(*(work() for _ in range(10)))
    assert peak == 2 and limit.active == 0


def test_retry_after_in_seconds_fractions_and_http_dates():
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("2.128") == 2.128
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    now = datetime(2026, 11, 20, 9, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Fri, 20 Nov 2026 09:00:30 GMT", now) == 30.0
    assert parse_retry_after("-5") == 0.0


def test_delta_changes_merge_over_the_previous_objects():
    previous = [{"id": "a", "displayName": "A", "tags": ["x"]}, {"id": "b", "displayName": "B"},
                {"id": "c", "displayName": "C"}]
    changes = [{"id": "a", "displayName": "A2"},  # only the changed property comes back
               {"id": "b", "@removed": {"reason": "changed"}},
               {"id": "d", "displayName": "D"},
               {"id": "c", "@removed": {"reason": "deleted"}},
               {"id": "c", "displayName": "C again"},  # restored in the same round
               {"id": "zz", "@removed": {"reason": "deleted"}}]  # never seen: nothing
    merged = merge(previous, changes)
    assert merged.objects == [{"id": "a", "displayName": "A2", "tags": ["x"]},
                              {"id": "c", "displayName": "C again"},
                              {"id": "d", "displayName": "D"}]
    assert (merged.added, merged.updated, merged.removed) == (["d"], ["a", "c"], ["b"])
    assert previous[0]["displayName"] == "A"  # the previous recording is not changed


def test_series_merge_once_per_id_newest_first():
    first = [{"id": "1", "at": "2026-11-01T00:00:00Z"}, {"id": "2", "at": "2026-11-03T00:00:00Z"}]
    second = [{"id": "2", "at": "2026-11-03T00:00:00Z"}, {"id": "3", "at": "2026-11-02T00:00:00Z"}]
    assert [i["id"] for i in merge_series([first, second], "at")] == ["2", "3", "1"]


def test_the_minimum_counts_full_pages_and_full_batches():
    shape = plan.Shape(single=3)
    shape.add("servicePrincipals", 50_000, plan.PAGE)
    shape.add("memberOf", 50_000, plan.page_size(plan.expand_url("servicePrincipals", "memberOf")))
    shape.add("signIns", 0, plan.SIGN_IN_PAGE)
    shape.batch_items = 41
    assert plan.minimum_requests(shape) == 3 + 51 + 500 + 1 + 3


def test_next_links_become_batch_item_urls():
    link = "https://graph.microsoft.com/v1.0/servicePrincipals/x/appRoleAssignedTo?$top=999&$skiptoken=ab"
    assert relative(link) == "/servicePrincipals/x/appRoleAssignedTo?$top=999&$skiptoken=ab"
    assert plan.page_size("v1.0/applications?$select=id&$expand=owners&$top=999") == 100
    assert plan.page_size("v1.0/roleManagement/directory/roleDefinitions") == 100
