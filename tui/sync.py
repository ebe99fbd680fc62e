"""Sync: read a tenant through Graph (or the replay), analyse it, and store a snapshot.

The one data path of wlx: whatever the source (live tenant, recording, demo), the reader
reads it over HTTP, the analysis runs once here, and the app and `wlx report --tenant`
read the result from the cache. A snapshot becomes current only when complete.
No Textual here: the app runs `wlx sync` as a subprocess (tui/refresh.py), so a sync never
slows the UI down and its memory is returned when it ends.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cache.store import Store
from models.analysis import Analysis, analyze
from models.config import AnalysisConfig
from models.index import build_index
from models.nogc import paused_gc
from models.recording import Recording
from models.tenant import TenantData
from models.tiers import TierOverride
from tui.rows import credential_table
from tui.source import Source, wall_clock

SNAPSHOT_KEYS = ("index", "findings", "overview", "pivots", "principals", "search", "presets")


@dataclass
class Step:
    """A progress event: a data kind being read, or a stage after the read."""

    kind: str
    done: int = 0
    total: int | None = None
    status: str = "reading"
    detail: str = ""


@dataclass
class SyncResult:
    tenant_id: str
    display_name: str
    generation: int
    identities: int
    findings: int
    unavailable: dict[str, dict[str, Any]]
    requests: int
    minimum_requests: int
    batch_items: int
    retries: int
    throttled: int
    read_seconds: float
    seconds: float
    changes: str | None = None
    warnings: int = 0
    principal: str = ""
    timings: dict[str, float] = field(default_factory=dict)


class SyncError(Exception):
    """A sync that cannot start or finish; the message says what to do."""


def overrides_from_labels(labels: Mapping[str, Any]) -> dict[str, TierOverride]:
    """Admins' tier labels (issue 6's label documents) as analysis overrides."""
    overrides = {}
    for identity_id, label in labels.items():
        if isinstance(label, dict) and label.get("tier"):
            overrides[identity_id] = TierOverride(
                tier=str(label["tier"]), reason=str(label.get("tierReason") or ""),
                by=str(label.get("by") or ""), at=str(label.get("at") or ""))
    return overrides


async def read_source(source: Source, now: datetime | None, previous_for: Callable[[str], Any],
                progress: Callable[[Step], None], sign_in_days: int, audit_days: int) -> Any:
    from graph.client import client_for, create_client
    from graph.reader import ReadOptions, read_tenant

    if source.kind in ("demo", "replay"):
        from graph.replay import ReplayState, ReplayTransport

        recording = _load_source_recording(source, now)
        client = create_client(transport=ReplayTransport(ReplayState(recording)))
        read_now = now or recording.recorded_at
        previous = None  # a fresh replay knows none of the old delta links
    else:
        from graph.auth import AuthError, AuthOptions, prepare_sign_in, sign_in

        def device_code(url: str, code: str, expires: datetime) -> None:
            progress(Step("sign-in", status="waiting",
                          detail=f"to sign in, open {url} and enter the code {code}"))

        try:
            sign = prepare_sign_in(AuthOptions(
                mode=source.auth, tenant=source.tenant or None, cloud=source.cloud,
                graph_url=source.graph_url or None, token_cache=source.token_cache,
                client_id=source.client_id or None, device_code_prompt=device_code))
            if sign.mode != "none":
                progress(Step("sign-in", status="reading", detail=sign.describe()))
                await sign_in(sign)
        except AuthError as exc:
            raise SyncError(str(exc)) from exc
        client = client_for(sign)
        read_now = now or wall_clock()
        previous = previous_for(source.tenant)
    options = ReadOptions(now=read_now, sign_in_days=sign_in_days, audit_days=audit_days,
                          tenant_id=source.tenant if _looks_like_id(source.tenant) else "")

    def on_progress(event: Any) -> None:
        progress(Step(event.kind, event.done, event.total, event.status, event.detail))

    async with client:
        return await read_tenant(client, options, on_progress, previous), read_now


def _looks_like_id(text: str) -> bool:
    return len(text) == 36 and text.count("-") == 4


def _load_source_recording(source: Source, now: datetime | None) -> Recording:
    if source.kind == "demo":
        from graph.demo import generate_demo

        try:
            return generate_demo(source.demo_size, source.demo_seed, now=now or wall_clock())
        except ValueError as exc:
            raise SyncError(f"--demo-size: {exc}") from exc
    from graph.recording import RecordingError, read_recording

    try:
        return read_recording(source.directory)
    except RecordingError as exc:
        raise SyncError(str(exc)) from exc


def _tenant_read_from(store: Store, source: Source) -> str | None:
    """The cached tenant last read from this same source (same endpoint and cloud)."""
    wanted = {k: v for k, v in source.to_json().items() if k in ("kind", "graph_url", "cloud")}
    for summary in store.tenants():
        snapshot = store.tenant(summary.tenant_id).current()
        saved = snapshot.meta.get("source") if snapshot is not None else None
        if isinstance(saved, dict) and all(saved.get(k) == v for k, v in wanted.items()):
            return summary.tenant_id
    return None


def sync(source: Source, store: Store, *, config: AnalysisConfig | None = None,
         now: datetime | None = None, full: bool = False,
         progress: Callable[[Step], None] | None = None,
         sign_in_days: int = 7, audit_days: int = 30) -> SyncResult:
    """Read, analyse and store one tenant; returns what was stored."""
    started = time.monotonic()
    report = progress or (lambda step: None)
    config = config or AnalysisConfig()

    def previous_for(tenant: str) -> Any:
        if full:
            return None
        from graph.reader import PreviousRead

        tenant_id = store.find(tenant) if tenant else _tenant_read_from(store, source)
        snapshot = store.tenant(tenant_id).current() if tenant_id else None
        if snapshot is None:
            return None
        links = snapshot.meta.get("deltaLinks") or {}
        recording = snapshot.recording()
        return PreviousRead(recording, dict(links)) if recording is not None else None

    # one pause for the whole sync: the recording, the analysis and the snapshot hold a few
    # million acyclic objects, and each automatic pass of the cyclic GC would walk them all
    with paused_gc():
        return _sync(source, store, config, now, previous_for, report, started,
                     sign_in_days, audit_days)


def _sync(source: Source, store: Store, config: AnalysisConfig, now: datetime | None,
          previous_for: Callable[[str], Any], report: Callable[[Step], None], started: float,
          sign_in_days: int, audit_days: int) -> SyncResult:
    result, as_of = asyncio.run(read_source(source, now, previous_for, report, sign_in_days,
                                      audit_days))
    read_seconds = time.monotonic() - started
    recording = result.recording
    tenant_id = recording.tenant_id or result.tenant_id
    if not tenant_id:
        raise SyncError("the tenant id is unknown: the organization could not be read; "
                        "pass --tenant with the tenant id")
    tenant = store.tenant(tenant_id)
    timings: dict[str, float] = {"read": read_seconds}

    report(Step("analysis", status="reading", detail="analysing"))
    mark = time.monotonic()
    data = TenantData.from_recording(recording)
    analysis = analyze(data, config, as_of, overrides_from_labels(tenant.labels.all()),
                       recording=recording)
    timings["analysis"] = time.monotonic() - mark
    report(Step("analysis", status="done"))

    report(Step("cache", status="reading", detail="writing the snapshot"))
    mark = time.monotonic()
    unavailable = {name: why.to_json() for name, why in recording.unavailable.items()}
    display_name = analysis.tenant_name or tenant_id
    meta = {
        "tenantId": tenant_id, "displayName": display_name, "cloud": recording.cloud,
        # a write session's loopback replay stands for the demo or recording it serves
        "origin": (source.stands_for() or source).origin,
        "source": (source.stands_for() or source).to_json(),
        "principal": result.principal, "asOf": as_of.isoformat(),
        "syncedAt": wall_clock().isoformat(), "deltaLinks": result.delta_links,
        "unavailable": unavailable,
        "counts": {"identities": len(analysis.identities), "findings": len(analysis.findings)},
        "warnings": {"count": data.warnings.count,
                     "samples": [str(w) for w in data.warnings.items[:20]]},
        "analysisWarnings": analysis.warnings[:50],
        "changes": result.changes.to_json() if result.changes else None,
        "stats": {"requests": result.stats.requests, "batches": result.stats.batches,
                  "batchItems": result.stats.batch_items, "retries": result.stats.retries,
                  "throttled": result.stats.throttled,
                  "minimumRequests": result.stats.minimum_requests,
                  "seconds": round(read_seconds, 2)},
    }
    generation = _write_snapshot(tenant, meta, analysis, recording, data)
    timings["cache"] = time.monotonic() - mark
    report(Step("cache", status="done"))
    store.set_last_tenant(tenant_id)
    return SyncResult(
        tenant_id=tenant_id, display_name=display_name, generation=generation,
        identities=len(analysis.identities), findings=len(analysis.findings),
        unavailable=unavailable, requests=result.stats.requests,
        minimum_requests=result.stats.minimum_requests,
        batch_items=result.stats.batch_items, retries=result.stats.retries,
        throttled=result.stats.throttled, read_seconds=read_seconds,
        seconds=time.monotonic() - started,
        changes=result.changes.summary() if result.changes else None,
        warnings=data.warnings.count, principal=result.principal, timings=timings)


def _write_snapshot(tenant: Any, meta: dict[str, Any], analysis: Analysis,
                    recording: Recording, data: TenantData) -> int:
    from models.presets import run_presets
    from models.search import build_search_index

    with paused_gc():
        search = build_search_index(analysis, data)
        presets = run_presets(analysis.identities, analysis.as_of)
        index_rows = build_index(analysis)
        index = [row.to_json() for row in index_rows]
        credentials = credential_table(analysis.identities, {r.id: r for r in index_rows})
        del index_rows
        findings = [f.model_dump(mode="json") for f in analysis.findings]
        details = {i.id: i.model_dump_json() for i in analysis.identities}
        principals = {k: p.model_dump(mode="json") for k, p in analysis.principals.items()}
    with tenant.begin_snapshot(meta) as writer:
        writer.put("index", index, compress=False)
        writer.put("findings", findings)
        writer.put("overview", analysis.overview.model_dump(mode="json", by_alias=True))
        writer.put("pivots", analysis.pivots.model_dump(mode="json"))
        writer.put("principals", principals)
        writer.put("search", search)
        writer.put("presets", presets)
        writer.put("credentials", credentials)
        writer.put_details(details)
        del details
        writer.put_recording(recording)
        generation = writer.commit()
    return generation.number
