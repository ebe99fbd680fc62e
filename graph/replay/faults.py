"""Injected faults and Graph's throttle budget, applied to each request and `$batch` item.

- `fail_rates` ({429: 0.2, 503: 0.05}): a share of requests fails with that status and a
  `Retry-After`. The draw is a hash of (seed, request, how many times this request was
  seen), not a shared random stream, so the same run gives the same faults whatever
  order concurrent requests arrive in, and a retried request eventually passes.
- `deny` path prefixes answer 403 `Authorization_RequestDenied`.
- `throttle_units`: Graph's directory budget, resource units per 10 s window per app
  (GRAPH-FACTS.md: 3,500 / 5,000 / 8,000 by tenant size). A request over budget answers
  429 with `Retry-After` = seconds until enough units leave the window; throttled
  requests cost nothing. `report_requests` optionally adds the reporting APIs' limit
  (audit logs and sign-in reports: 5 requests per 10 s).
- `latency_ms` is added once per top-level request by the transport or server.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graph.replay.errors import GraphError
from graph.replay.query import Query

WINDOW_SECONDS = 10.0
# Graph's base cost in resource units of a GET (throttling-limits, "Identity and access
# service limits"); any other identity path costs 1. `{id}` matches one segment.
BASE_COSTS = {
    "applications": 2, "applications/{id}/extensionProperties": 2, "contracts": 3,
    "domains/{id}/domainNameReferences": 4, "groups/{id}/members": 3,
    "groups/{id}/transitiveMembers": 5, "oauth2PermissionGrants": 2,
    "oauth2PermissionGrants/{id}": 2, "servicePrincipals/{id}/appRoleAssignments": 2,
    "subscribedSkus": 3, "users": 2,
}
# these have their own limits, not the directory's resource units
REPORT_ROOTS = ("auditLogs/", "reports/")
UNMETERED_ROOTS = (*REPORT_ROOTS, "identityProtection/", "_wlx/")
UNKNOWN_APP = "00000000-0000-0000-0000-000000000000"  # the replay has no sign-in


def units_for(path: str, query: Query) -> int:
    """Resource units Graph charges for one GET of `path` (after the version); 0 off budget.

    The base cost, 1 less with `$select`, 1 more with `$expand`, 1 less with `$top`
    under 20; never below 1.
    """
    path = path.strip("/")
    if path.startswith(UNMETERED_ROOTS):
        return 0
    parts = path.split("/")
    template = "/".join("{id}" if i % 2 else p for i, p in enumerate(parts))
    cost = BASE_COSTS.get(template, 1)
    if query.select:
        cost -= 1
    if query.expand:
        cost += 1
    if query.top is not None and query.top < 20:
        cost -= 1
    return max(cost, 1)


def parse_fail_rates(text: str) -> dict[int, float]:
    """`429:0.2,503:0.05` -> {429: 0.2, 503: 0.05}; ValueError with the reason otherwise."""
    rates: dict[int, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        status, _, rate = part.partition(":")
        if not status.isdigit() or not 400 <= int(status) <= 599:
            raise ValueError(f"{part!r}: the status must be an HTTP error code like 429")
        value = float(rate)
        if not 0 <= value <= 1:
            raise ValueError(f"{part!r}: the rate must be between 0 and 1")
        rates[int(status)] = value
    if sum(rates.values()) > 1:
        raise ValueError("the fail rates add up to more than 1")
    return rates


@dataclass
class Faults:
    """What to inject; all off by default."""

    latency_ms: float = 0
    fail_rates: dict[int, float] = field(default_factory=dict)
    deny: tuple[str, ...] = ()
    throttle_units: int = 0  # per WINDOW_SECONDS; 0 = no budget
    report_requests: int = 0  # per WINDOW_SECONDS on audit logs and reports; 0 = no limit
    retry_after: int = 1  # seconds, for injected 429/503
    seed: int = 0


class Stats:
    """Counters a test or `wlx serve` reads: requests, batch items, throttling, units."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0  # top-level HTTP requests, $batch envelopes included
        self.batches = 0
        self.batch_items = 0
        self.units = 0  # resource units charged (throttled requests cost none)
        self.throttled = 0  # 429s from the budget
        self.injected: Counter[int] = Counter()  # statuses from fail_rates
        self.denied = 0
        self.statuses: Counter[int] = Counter()  # every answer, batch items included

    def count(self, **deltas: int) -> None:
        with self.lock:
            for name, value in deltas.items():
                setattr(self, name, getattr(self, name) + value)

    def answered(self, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": self.requests, "batches": self.batches,
                "batchItems": self.batch_items, "units": self.units,
                "throttled": self.throttled, "denied": self.denied,
                "injected": {str(k): v for k, v in sorted(self.injected.items())},
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            }

    def summary(self) -> str:
        s = self.snapshot()
        injected = ", ".join(f"{k}: {v}" for k, v in s["injected"].items()) or "none"
        return (f"{s['requests']} requests ({s['batches']} batches of {s['batchItems']} "
                f"items), {s['units']} resource units, {s['throttled']} throttled, "
                f"{s['denied']} denied, injected {injected}")


class _Window:
    """Amounts spent in the last WINDOW_SECONDS, to tell how long until `need` fits."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.spent: deque[tuple[float, int]] = deque()
        self.total = 0

    def try_spend(self, now: float, amount: int) -> float:
        """0 when spent; otherwise the seconds to wait before it would fit."""
        while self.spent and self.spent[0][0] <= now - WINDOW_SECONDS:
            self.total -= self.spent.popleft()[1]
        if self.total + amount <= self.limit:
            self.spent.append((now, amount))
            self.total += amount
            return 0.0
        freed = 0
        for at, spent in self.spent:
            freed += spent
            if self.total - freed + amount <= self.limit:
                return at + WINDOW_SECONDS - now
        return WINDOW_SECONDS  # more than a whole window's budget: wait a full window


class FaultInjector:
    """Decides, per request, whether it fails and how; keeps the budget windows."""

    def __init__(self, faults: Faults, stats: Stats,
                 clock: Callable[[], float] = time.monotonic, tenant_id: str = "") -> None:
        self.faults = faults
        self.stats = stats
        self.clock = clock
        self.lock = threading.Lock()
        self.seen: Counter[str] = Counter()
        self.budget = _Window(faults.throttle_units) if faults.throttle_units else None
        self.reports = _Window(faults.report_requests) if faults.report_requests else None
        self.deny = tuple(p.strip("/") for p in faults.deny if p.strip("/"))
        # <scope>/<limit>/<application id>/<tenant id>, as Graph names what throttled
        self.scope = f"Tenant_Application/Read/{UNKNOWN_APP}/{tenant_id or UNKNOWN_APP}"

    def _draw(self, key: str) -> float:
        with self.lock:
            self.seen[key] += 1
            attempt = self.seen[key]
        digest = hashlib.blake2b(f"{self.faults.seed}|{attempt}|{key}".encode(),
                                 digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64

    def _denied(self, version: str, path: str) -> bool:
        full = f"{version}/{path}"
        for prefix in self.deny:
            target = full if prefix.startswith(("v1.0", "beta")) else path
            if target == prefix or target.startswith(prefix.rstrip("/") + "/"):
                return True
        return False

    def check(self, method: str, version: str, path: str, query_string: str,
              units: int) -> tuple[GraphError | None, dict[str, str]]:
        """The fault for this request (None: it goes through, its units charged), and the
        headers Graph adds to an answer near the budget (x-ms-throttle-limit-percentage)."""
        if self.faults.fail_rates:
            draw = self._draw(f"{method} {version}/{path}?{query_string}")
            for status, rate in sorted(self.faults.fail_rates.items()):
                if draw < rate:
                    with self.stats.lock:
                        self.stats.injected[status] += 1
                    retry = {"Retry-After": str(self.faults.retry_after)}
                    return GraphError(status, headers=retry), {}
                draw -= rate
        if self.deny and self._denied(version, path):
            self.stats.count(denied=1)
            return GraphError(403, code="Authorization_RequestDenied"), {}
        now = self.clock()
        headers: dict[str, str] = {}
        with self.lock:
            if self.reports and path.startswith(REPORT_ROOTS):
                wait = self.reports.try_spend(now, 1)
                if wait:
                    return self._throttled(wait, "RequestLimitExceeded"), {}
            if self.budget and units:
                wait = self.budget.try_spend(now, units)
                if wait:
                    return self._throttled(wait, "ResourceUnitLimitExceeded"), {}
                used = self.budget.total / self.budget.limit
                if used > 0.8:  # Graph's early warning to well-behaved callers
                    headers["x-ms-throttle-limit-percentage"] = f"{min(used, 1.8):.1f}"
        self.stats.count(units=units)
        return None, headers

    def _throttled(self, wait: float, reason: str) -> GraphError:
        self.stats.count(throttled=1)
        return GraphError(429, "Too many requests: the application's request budget for "
                          "this tenant is used up. Retry after the given time.",
                          "TooManyRequests", {"Retry-After": str(max(1, math.ceil(wait))),
                                              "x-ms-throttle-information": reason,
                                              "x-ms-throttle-scope": self.scope})
