"""The demo tenant: a deterministic, realistic recording of a fictional tenant.

`generate_demo(size, seed, now=...)` builds a `Recording` with every data kind of
`models.recording.KINDS`, in Graph's JSON shapes, without network or disk. Same arguments,
same bytes. Most identities are healthy; every problem wlx looks for is present at least
once (see `scenarios.py`, `incidents.py`, `hostile.py`).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from graph.demo import activity, directory, hostile, incidents, names, population, scenarios
from graph.demo.builder import Tenant
from models.recording import Recording

DEFAULT_SIZE = 300
MAX_SIZE = 100_000
# the demo tenant's own GitHub organisation: what `trusted_github_orgs` should say for it
TRUSTED_GITHUB_ORGS = (names.GITHUB_ORG,)


def generate_demo(size: int = DEFAULT_SIZE, seed: int = 7, *, now: datetime) -> Recording:
    """The demo tenant with about `size` workload identities, as of `now`.

    `size` counts service principals and app registrations without one. The fixed part
    (Microsoft's service principals and the deliberate cases, about 90) is always there, so
    a very small size still yields that many. `now` is taken to the second (recordedAt
    has no fractions); a naive `now` is UTC.
    """
    if not 1 <= size <= MAX_SIZE:
        raise ValueError(f"size must be between 1 and {MAX_SIZE:,}, got {size:,}")
    when = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(UTC).replace(microsecond=0)
    t = Tenant(seed, when)
    directory.build(t, size)
    scenarios.build(t)
    incidents.build(t)
    hostile.build(t)
    present = Counter(w.kind for w in t.workloads)
    population.build(t, population.Counts.share(size, present))
    activity.build(t)
    # Graph lists objects in no meaningful order: do not leave the cases in a block
    t.rng.shuffle(t.applications)
    t.rng.shuffle(t.service_principals)
    return t.to_recording(directory.organization(t))


__all__ = ["DEFAULT_SIZE", "MAX_SIZE", "TRUSTED_GITHUB_ORGS", "generate_demo"]
