"""`read_tenant`: one read of a tenant, cold or incremental, into a Recording.

    result = await read_tenant(client, ReadOptions(now=now), progress=bar.update,
                               previous=PreviousRead(last_recording, last_links))
    result.recording      # models.recording.Recording, `unavailable` filled
    result.delta_links    # keep them for the next incremental read
    result.changes        # None on a cold read
    result.stats          # requests, batches, retries, throttled... per kind
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from graph.client import GraphClient
from graph.reader import plan
from graph.reader.changes import Changes, diff
from graph.reader.cold import Settings, build_recording, cold_read, tenant_id_of
from graph.reader.delta import DeltaExpired
from graph.reader.incremental import can_continue, incremental_read
from graph.reader.progress import Progress, ReadProgress
from graph.reader.session import Session
from graph.reader.stats import ReadStats
from models.recording import Recording


@dataclass(frozen=True)
class ReadOptions:
    now: datetime  # the read's time: date filters of sign-ins and audits, recordedAt
    sign_in_days: int = 7
    audit_days: int = 30
    max_concurrency: int = 8  # requests in flight on directory data (adapts down on 429)
    skip: frozenset[str] = frozenset()  # kind names (models.recording.KINDS) not to read
    custom_attributes: bool = True  # read customSecurityAttributes (a pass of its own)
    tenant_id: str = ""  # used when the organization cannot be read
    partition_from: int = plan.PARTITION_FROM  # objects from which expand passes split in 16
    # the beta usage reports (last sign-in per service principal and per credential) are as
    # long as the lists and Microsoft refreshes them with hours of delay: an incremental
    # read younger than this keeps the previous ones instead of reading them again
    reports_max_age: timedelta = timedelta(hours=4)
    # no cyclic garbage collection while reading: with a previous recording in memory each
    # full collection walks millions of objects (seconds at 50,000 identities), and a read
    # makes little cyclic garbage (parsed JSON is freed by reference counting)
    pause_gc: bool = True


@dataclass
class PreviousRead:
    recording: Recording
    delta_links: dict[str, str] = field(default_factory=dict)


@dataclass
class ReadResult:
    recording: Recording
    delta_links: dict[str, str]
    changes: Changes | None  # None on a cold read
    stats: ReadStats
    tenant_id: str = ""
    principal: str = ""  # who signed in, when known
    progress_error: Exception | None = None  # a progress callback that failed (and was dropped)


async def read_tenant(client: GraphClient, options: ReadOptions,
                      progress: Callable[[ReadProgress], None] | None = None,
                      previous: PreviousRead | None = None) -> ReadResult:
    """Read a tenant; with `previous`, only what changed since (a full read when its delta
    links expired or it lacks a directory kind)."""
    started = time.monotonic()
    session = Session(client, options.max_concurrency, Progress(progress))
    session.partition_from = options.partition_from
    settings = Settings(options.now, options.sign_in_days, options.audit_days,
                        frozenset(options.skip), options.custom_attributes, client.cloud,
                        options.reports_max_age)
    paused = options.pause_gc and gc.isenabled()
    if paused:
        gc.disable()
    try:
        recording, links, changes = await _read(client, session, options, settings, previous)
    finally:
        if paused:
            gc.enable()
    stats = session.stats
    stats.seconds = time.monotonic() - started
    stats.minimum_requests = plan.minimum_requests(session.shape)
    principal = getattr(getattr(client.sign_in, "principal", None), "name", "") or ""
    return ReadResult(recording, links, changes, stats, recording.tenant_id, principal,
                      session.progress.error)


async def _read(client: GraphClient, session: Session, options: ReadOptions,
                settings: Settings, previous: PreviousRead | None
                ) -> tuple[Recording, dict[str, str], Changes | None]:
    changes: Changes | None = None
    resync = previous is not None
    try:
        if previous is not None and can_continue(previous.recording, previous.delta_links,
                                                 settings.skip):
            try:
                directory, lists, count, links, changes = await incremental_read(
                    session, settings, previous.recording, previous.delta_links)
                resync = False
            except DeltaExpired:
                session.restart()
                directory, lists, count, links = await cold_read(session, settings)
        else:
            directory, lists, count, links = await cold_read(session, settings)
    finally:
        session.close()
    sign_in = getattr(client.sign_in, "principal", None)
    fallback = options.tenant_id or (previous.recording.tenant_id if previous else "") or \
        getattr(sign_in, "tenant_id", "") or ""
    recording = build_recording(tenant_id_of(lists, fallback), options.now, client.cloud,
                                directory, lists, count, session.unavailable)
    if resync and previous is not None:
        changes = diff(previous.recording, recording, resync=True)
    return recording, links, changes
