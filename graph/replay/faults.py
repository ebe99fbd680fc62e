"""Injected faults and Graph's throttle budget, applied to each request and `$batch` item.

- `fail_rates` ({429: 0.2, 503: 0.05}): a share of requests fails with that status and a
  `Retry-After`. The draw is a hash of (seed, request, how many times this request was
  seen), not a shared random stream, so the same run gives the same faults whatever
  order concurrent requests arrive in, and a retried request eventually passes.
- `deny` path prefixes answer 403 `Authorization_RequestDenied`.
- `throttle_units`: Graph's directory budget, resource units per 10 s window per app
  (GRAPH-FACTS.md: 3,500 / 5,000 / 8,000 by tenant size). A request over budget answers
  429 with `Retry-After` = seconds until enough units leave the window; throttled
  requests cost nothing. With a budget set, Graph's separate request limits apply too
  (docs/graph-protocol.md §1.4, §4): 150 requests per minute whose `$select` names
  `keyCredentials` on applications or service principals (lists, objects, delta, and
  the pages that follow them), and 1 request per second on `identityProtection/*`;
  `key_credential_requests` / `identity_protection_requests` set them apart from the
  budget (0: off). `report_requests` optionally adds the reporting APIs' limit (audit
  logs and sign-in reports: 5 requests per 10 s).
- `latency_ms` is added once per top-level request by the transport or server.
- Writes (a writable replay's PATCH/POST/DELETE) meet the fail rates and denied prefixes
  too, plus `deny_writes` (403 on every write: a principal that may only read) and
  `write_requests` (Graph's write limit, 3,000 per 150 s).
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
from graph.replay.query import Query, decode_token
from graph.replay.schema import selects_key_credentials

WINDOW_SECONDS = 10.0
WRITE_REQUESTS, WRITE_WINDOW_SECONDS = 3000, 150.0  # Graph's write limit (GRAPH-FACTS.md)
# Graph's per-tenant request limits besides the unit budget ([APL][SPL], [IPL])
KEY_CREDENTIAL_REQUESTS, KEY_CREDENTIAL_WINDOW = 150, 60.0
IDENTITY_PROTECTION_REQUESTS, IDENTITY_PROTECTION_WINDOW = 1, 1.0
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
RISK_ROOT = "identityProtection/"
UNMETERED_ROOTS = (*REPORT_ROOTS, RISK_ROOT, "_wlx/")
CREDENTIAL_COLLECTIONS = ("applications", "servicePrincipals")
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


def selects_keys(path: str, query: Query) -> bool:
    """Whether a GET falls under the 150-per-minute `keyCredentials` limit: `$select` names
    it on an application or service principal list, object or delta round. A next or
    delta link carries the round's `$select` inside its token, so its pages count too."""
    parts = path.strip("/").split("/")
    if parts[0] not in CREDENTIAL_COLLECTIONS or len(parts) > 2:
        return False
    if selects_key_credentials(query.select):
        return True
    token = query.skiptoken or query.deltatoken
    if token and token.lower() != "latest":
        try:
            select = decode_token(token).get("s")
        except GraphError:  # a broken token is the resource's 400, not a throttle
            return False
        return isinstance(select, str) and selects_key_credentials(tuple(select.split(",")))
    return False


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
    # per minute, $select naming keyCredentials; None: Graph's 150 when throttle_units is set
    key_credential_requests: int | None = None
    # per second on identityProtection/*; None: Graph's 1 when throttle_units is set
    identity_protection_requests: int | None = None
    retry_after: int = 1  # seconds, for injected 429/503
    seed: int = 0
    # writes (PATCH/POST/DELETE on a writable replay): 403 on every write, as for a
    # principal that may read but not write; and Graph's write limit (3,000 per 150 s)
    deny_writes: bool = False
    write_requests: int = 0  # per WRITE_WINDOW_SECONDS; 0 = no limit


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
        self.writes = 0  # PATCH/POST/DELETE received (refused ones included)
        self.write_log: list[dict[str, Any]] = []  # each write: method, path, status

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
                "writes": self.writes,
            }

    def summary(self) -> str:
        s = self.snapshot()
        injected = ", ".join(f"{k}: {v}" for k, v in s["injected"].items()) or "none"
        writes = f", {s['writes']} writes" if s["writes"] else ""
        return (f"{s['requests']} requests ({s['batches']} batches of {s['batchItems']} "
                f"items){writes}, {s['units']} resource units, {s['throttled']} throttled, "
                f"{s['denied']} denied, injected {injected}")


class _Window:
    """Amounts spent in the last `seconds`, to tell how long until `need` fits."""

    def __init__(self, limit: int, seconds: float = WINDOW_SECONDS) -> None:
        self.limit = limit
        self.seconds = seconds
        self.spent: deque[tuple[float, int]] = deque()
        self.total = 0

    def wait(self, now: float, amount: int) -> float:
        """0 when `amount` fits now; otherwise the seconds until it would."""
        while self.spent and self.spent[0][0] <= now - self.seconds:
            self.total -= self.spent.popleft()[1]
        if self.total + amount <= self.limit:
            return 0.0
        freed = 0
        for at, spent in self.spent:
            freed += spent
            if self.total - freed + amount <= self.limit:
                return at + self.seconds - now
        return self.seconds  # more than a whole window's worth: wait a full window

    def spend(self, now: float, amount: int) -> None:
        self.spent.append((now, amount))
        self.total += amount

    def try_spend(self, now: float, amount: int) -> float:
        """0 when spent; otherwise the seconds to wait before it would fit."""
        wait = self.wait(now, amount)
        if not wait:
            self.spend(now, amount)
        return wait


def _request_limit(option: int | None, budget: int, graphs: int, seconds: float
                   ) -> _Window | None:
    """A request limit's window: the option when given (0: off), else Graph's own
    limit whenever a unit budget makes the replay throttle at all."""
    limit = option if option is not None else (graphs if budget > 0 else 0)
    return _Window(limit, seconds) if limit > 0 else None


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
        self.key_reads = _request_limit(faults.key_credential_requests, faults.throttle_units,
                                        KEY_CREDENTIAL_REQUESTS, KEY_CREDENTIAL_WINDOW)
        self.risk_reads = _request_limit(faults.identity_protection_requests,
                                         faults.throttle_units, IDENTITY_PROTECTION_REQUESTS,
                                         IDENTITY_PROTECTION_WINDOW)
        self.deny = tuple(p.strip("/") for p in faults.deny if p.strip("/"))
        self.writes = _Window(faults.write_requests, WRITE_WINDOW_SECONDS) \
            if faults.write_requests else None
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
              units: int, query: Query | None = None
              ) -> tuple[GraphError | None, dict[str, str]]:
        """The fault for this request (None: it goes through, its units charged), and the
        headers Graph adds to an answer near the budget (x-ms-throttle-limit-percentage).
        `query` (parsed) lets the `keyCredentials` limit see `$select`."""
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
        path = path.strip("/")
        # every limit this request falls under; it passes only if all have room, and only
        # then spends from each (a throttled request costs nothing anywhere)
        windows: list[tuple[_Window, int, str]] = []
        if self.reports and path.startswith(REPORT_ROOTS):
            windows.append((self.reports, 1, "RequestLimitExceeded"))
        if self.risk_reads and path.startswith(RISK_ROOT):
            windows.append((self.risk_reads, 1, "RequestLimitExceeded"))
        if self.key_reads and query is not None and selects_keys(path, query):
            windows.append((self.key_reads, 1, "KeyCredentialsRequestLimitExceeded"))
        if self.budget and units:
            windows.append((self.budget, units, "ResourceUnitLimitExceeded"))
        with self.lock:
            for window, amount, reason in windows:
                wait = window.wait(now, amount)
                if wait:
                    return self._throttled(wait, reason), {}
            for window, amount, _reason in windows:
                window.spend(now, amount)
            if self.budget and units:
                used = self.budget.total / self.budget.limit
                if used > 0.8:  # Graph's early warning to well-behaved callers
                    headers["x-ms-throttle-limit-percentage"] = f"{min(used, 1.8):.1f}"
        self.stats.count(units=units)
        return None, headers

    def check_write(self, method: str, version: str, path: str,
                    query_string: str) -> GraphError | None:
        """The fault for one write (None: it goes through): the fail rates, denied path
        prefixes, `deny_writes` (403 on every write) and the write limit. Writes cost no
        read resource units; Graph meters them on their own (3,000 per 150 s)."""
        fault, _ = self.check(method, version, path, query_string, 0)
        if fault is not None:
            return fault
        if self.faults.deny_writes:
            self.stats.count(denied=1)
            return GraphError(403, code="Authorization_RequestDenied")
        if self.writes is not None:
            with self.lock:
                wait = self.writes.try_spend(self.clock(), 1)
            if wait:
                return self._throttled(wait, "WriteRequestLimitExceeded")
        return None

    def _throttled(self, wait: float, reason: str) -> GraphError:
        self.stats.count(throttled=1)
        return GraphError(429, "Please retry again later.",  # Graph's words ([TH])
                          "TooManyRequests", {"Retry-After": str(max(1, math.ceil(wait))),
                                              "x-ms-throttle-information": reason,
                                              "x-ms-throttle-scope": self.scope})
