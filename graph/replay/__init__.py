"""A local Microsoft Graph over a tenant recording: the demo, tests, offline replay, benchmarks.

    state = ReplayState(recording)                       # or ReplayState.from_directory(dir)
    transport = ReplayTransport(state)                   # in process, for httpx.AsyncClient
    server = ReplayServer(Replay(state, Faults(...))).start()   # real HTTP on 127.0.0.1

It speaks Graph's protocol as our reader uses it: paging with `@odata.nextLink`, `$select`,
`$filter`, `$count`, `$expand`, JSON `$batch`, delta with `@odata.deltaLink`, Graph-shaped
errors; and injects faults (429/503 rates, 403 on paths, latency, a resource unit budget
with Graph's separate request limits). The contract it follows is docs/graph-protocol.md §4.
Modules: state (tenant in memory), query/filters (OData options), schema (what `$select`
may name, default properties), listing/resources (answers), delta, batch, faults (and
counters), handler (routing), transport, server. With `Replay(state, writable=True)` (or
`wlx serve --writable`) it also takes the cleanup writes of issue 6: writes (routing),
objects (PATCH, removePassword), links (federated credentials, assignments, grants,
owners), deleted (soft delete, restore, deleted items), audit (the events they leave).
"""

from graph.replay.faults import Faults, Stats, parse_fail_rates
from graph.replay.handler import Replay
from graph.replay.server import ReplayServer
from graph.replay.state import ReplayState
from graph.replay.transport import ReplaySyncTransport, ReplayTransport

__all__ = [
    "Faults", "Replay", "ReplayServer", "ReplayState", "ReplaySyncTransport",
    "ReplayTransport", "Stats", "parse_fail_rates",
]
