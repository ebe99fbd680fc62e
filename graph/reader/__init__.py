"""The bulk reader: a whole tenant from Microsoft Graph (or the replay) into a Recording.

    from graph.reader import ReadOptions, PreviousRead, read_tenant
    result = await read_tenant(client, ReadOptions(now=now), progress=on_progress,
                               previous=None)

Modules, one job each: plan (requests and $select per kind), session (retries, lanes,
counters), throttle (adaptive concurrency), batch ($batch with per-item retries),
collections (paged tenant-wide kinds), relations (expand passes, re-reads, application
permissions), directory (applications and service principals), delta (links, rounds,
merging), cold / incremental (the two kinds of read), changes (what changed), progress,
stats, read (`read_tenant`). docs/graph-protocol.md explains the request plan.
"""

from graph.reader.changes import Changes
from graph.reader.progress import ReadProgress
from graph.reader.read import PreviousRead, ReadOptions, ReadResult, read_tenant
from graph.reader.stats import KindStats, ReadStats

__all__ = ["Changes", "KindStats", "PreviousRead", "ReadOptions", "ReadProgress",
           "ReadResult", "ReadStats", "read_tenant"]
