"""What a read cost, per data kind: requests, batches, batch items, retries, throttling,
bytes and time; and the request count against the minimum of the plan."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

BATCH = "$batch"  # the envelopes: they carry items of several kinds


@dataclass
class KindStats:
    requests: int = 0  # HTTP requests on the wire, kiota's own retries included
    batch_items: int = 0  # requests of this kind sent inside $batch envelopes
    retries: int = 0  # requests or batch items sent again after 429/503/504 or a network error
    throttled: int = 0  # 429 answers (top-level and batch items)
    bytes: int = 0  # response bodies
    items: int = 0  # objects read
    seconds: float = 0.0  # from the first request of the kind to its last answer


@dataclass
class ReadStats:
    kinds: dict[str, KindStats] = field(default_factory=dict)
    batches: int = 0  # $batch envelopes on the wire
    seconds: float = 0.0
    minimum_requests: int = 0  # what the plan needs at least for this tenant (plan.py)

    def kind(self, name: str) -> KindStats:
        stats = self.kinds.get(name)
        if stats is None:
            stats = self.kinds[name] = KindStats()
        return stats

    def _sum(self, name: str) -> int:
        return sum(getattr(k, name) for k in self.kinds.values())

    @property
    def requests(self) -> int:
        return self._sum("requests")

    @property
    def batch_items(self) -> int:
        return self._sum("batch_items")

    @property
    def retries(self) -> int:
        return self._sum("retries")

    @property
    def throttled(self) -> int:
        return self._sum("throttled")

    @property
    def bytes(self) -> int:
        return self._sum("bytes")

    @property
    def ratio(self) -> float:
        """Requests made per request needed (1.0 is the plan's minimum)."""
        return self.requests / self.minimum_requests if self.minimum_requests else 0.0

    def summary(self) -> str:
        return (f"{self.requests} requests ({self.batches} batches of {self.batch_items} items; "
                f"minimum {self.minimum_requests}), {self.retries} retries, "
                f"{self.throttled} throttled, {self.bytes / 1e6:.1f} MB in {self.seconds:.1f} s")

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests, "batches": self.batches,
            "batchItems": self.batch_items, "retries": self.retries,
            "throttled": self.throttled, "bytes": self.bytes, "seconds": round(self.seconds, 3),
            "minimumRequests": self.minimum_requests,
            "kinds": {name: asdict(k) for name, k in sorted(self.kinds.items())},
        }
