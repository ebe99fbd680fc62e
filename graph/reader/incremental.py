"""An incremental read: the previous recording, brought up to date with the fewest requests.

1. Delta rounds of applications and service principals (first: an expired link means a
   full read, before anything else is spent), merged into the previous objects.
2. Relations are re-read only for objects the delta names, objects new or missing a file,
   and targets of ApplicationManagement audit events since the last sync (delta does not
   see an owner added to an unchanged app). Application permissions are rebuilt from
   every resource's `appRoleAssignedTo` (a dozen batches even at 50,000 service principals).
3. The small tenant-wide kinds are read again whole; sign-ins and audits only from the
   last sync on (minus an overlap for late log entries), merged with what it kept. The
   usage reports (as long as the service principal list, refreshed by Microsoft with
   hours of delay) are kept when the previous read is younger than `reports_max_age`.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from graph.reader import plan
from graph.reader.changes import Changes, by_id, canonical
from graph.reader.cold import Settings, effective_skip, specs_for, start_user_count
from graph.reader.collections import merge_series, read_lists
from graph.reader.delta import COLLECTIONS, DeltaExpired, Merged, follow, merge
from graph.reader.progress import DONE
from graph.reader.directory import PASSES, Directory, clean_objects, ids
from graph.reader.relations import (
    APP_ROLE_ASSIGNMENTS,
    SEGMENTS,
    BatchItem,
    assigned_to_item,
    read_in_batches,
    reread_item,
    resources,
    split_assignments,
)
from graph.reader.session import KindFailed, Session
from models.recording import KIND_BY_NAME, Recording

OVERLAP = timedelta(hours=3)  # log entries arrive late; merging by id removes doubles
ACTIVITY = {"directoryAudits": "activityDateTime", "signIns": "createdDateTime"}
USAGE_REPORTS = ("servicePrincipalSignInActivities", "appCredentialSignInActivities")
DIRECTORY_KINDS = ("applications", "servicePrincipals", *PASSES, APP_ROLE_ASSIGNMENTS)


def can_continue(previous: Recording, links: dict[str, str], skip: frozenset[str]) -> bool:
    """Whether an incremental read can build on `previous`: both delta links, and every
    directory kind read last time (a kind that was refused needs a full read)."""
    if skip & set(DIRECTORY_KINDS) or any(not links.get(name) for name in COLLECTIONS):
        return False
    return all(previous.has(KIND_BY_NAME[name]) for name in DIRECTORY_KINDS)


async def _rounds(session: Session, links: dict[str, str]) -> list[Any]:
    rounds = await asyncio.gather(*(follow(session, name, links[name]) for name in COLLECTIONS),
                                  return_exceptions=True)
    for result in rounds:
        if isinstance(result, DeltaExpired):
            raise result
        if isinstance(result, KindFailed):
            raise DeltaExpired(f"delta round failed: {result.reason}")
        if isinstance(result, BaseException):
            raise result
    return rounds


def _attributes_item(object_id: str) -> BatchItem:
    return BatchItem(plan.CUSTOM_ATTRIBUTES, plan.url(
        f"/servicePrincipals/{quote(object_id, safe='')}", ["id", plan.CUSTOM_ATTRIBUTES]),
        object_id)


def _audit_targets(audits: list[Any], since: Any) -> set[str]:
    stamp = plan.iso(since)
    targets = set()
    for audit in audits:
        if not isinstance(audit, dict) or audit.get("category") != "ApplicationManagement":
            continue
        if str(audit.get("activityDateTime") or "") < stamp:
            continue
        for target in audit.get("targetResources") or []:
            if isinstance(target, dict) and isinstance(target.get("id"), str):
                targets.add(target["id"])
    return targets


class Refresh:
    """The relation re-reads of one incremental read, and what they changed."""

    def __init__(self, session: Session, previous: Recording, merged: dict[str, Merged],
                 custom_attributes: bool) -> None:
        self.session = session
        self.previous = previous
        self.merged = merged
        self.custom_attributes = custom_attributes
        self.relations: dict[str, dict[str, list[Any]]] = {kind: {} for kind in PASSES}
        self.reread: dict[str, set[str]] = {kind: set() for kind in PASSES}
        self.resource_ids: list[str] = []
        self.assigned: dict[str, list[Any]] = {}  # appRoleAssignedTo by resource id

    def _parent(self, kind: str) -> list[Any]:
        return self.merged[SEGMENTS[kind][0]].objects

    def carry_over(self, changed: dict[str, set[str]]) -> list[BatchItem]:
        """Keep the previous relation of unchanged objects; items for all others."""
        items = []
        bodies = self.previous.bodies
        for kind in PASSES:
            prefix, suffix = KIND_BY_NAME[kind].path.split("{id}")
            again = changed[SEGMENTS[kind][0]]
            kept = self.relations[kind]
            for object_id in ids(self._parent(kind)):
                body = bodies.get(prefix + object_id + suffix)
                value = body.get("value") if isinstance(body, dict) else None
                if object_id in again or not isinstance(value, list):
                    items.append(reread_item(kind, object_id))
                    self.reread[kind].add(object_id)
                else:
                    kept[object_id] = value
        return items

    async def run(self, items: list[BatchItem]) -> None:
        batched = await read_in_batches(self.session, items)
        for kind, exc in batched.failed.items():
            if kind != plan.CUSTOM_ATTRIBUTES:  # optional: the old values stay
                self.session.fail(kind, exc.status, exc.reason)
        sps = by_id(self.merged["servicePrincipals"].objects)
        for (kind, key), value in batched.items.items():
            if kind in self.relations and isinstance(key, str):
                self.relations[kind][key] = value
            elif kind == APP_ROLE_ASSIGNMENTS:
                self.assigned[key[1]] = value
            elif kind == plan.CUSTOM_ATTRIBUTES and value and isinstance(value[0], dict) \
                    and key in sps and plan.CUSTOM_ATTRIBUTES in value[0]:
                sps[key][plan.CUSTOM_ATTRIBUTES] = value[0][plan.CUSTOM_ATTRIBUTES]

    async def first(self, changed: dict[str, set[str]]) -> None:
        items = self.carry_over(changed)
        sps = self.merged["servicePrincipals"].objects
        self.resource_ids = resources(sps)
        items += [assigned_to_item(rid) for rid in self.resource_ids]
        had_attributes = any(isinstance(sp, dict) and plan.CUSTOM_ATTRIBUTES in sp
                             for sp in self.previous.items("v1.0/servicePrincipals"))
        if self.custom_attributes and had_attributes:
            items += [_attributes_item(i) for i in sorted(changed["servicePrincipals"])]
        await self.run(items)

    async def audited(self, targets: set[str]) -> None:
        """Relations of objects named by new audit events, not read yet."""
        items = []
        for kind in PASSES:
            for object_id in ids(self._parent(kind)):
                if object_id in targets and object_id not in self.reread[kind]:
                    items.append(reread_item(kind, object_id))
                    self.reread[kind].add(object_id)
        if items:
            await self.run(items)

    def directory(self) -> Directory:
        apps = self.merged["applications"].objects
        sps = self.merged["servicePrincipals"].objects
        directory = Directory(apps, sps)
        for kind in PASSES:
            if kind not in self.session.unavailable:
                directory.relations[kind] = self.relations[kind]
                self.session.progress.done(kind, len(self.relations[kind]))
        if APP_ROLE_ASSIGNMENTS not in self.session.unavailable:
            by_resource = {rid: self.assigned.get(rid, []) for rid in self.resource_ids}
            directory.relations[APP_ROLE_ASSIGNMENTS] = split_assignments(by_resource, ids(sps))
        return directory

    def changes(self, directory: Directory) -> Changes:
        changes = Changes()
        before_ids: dict[str, set[str]] = {}
        for name in COLLECTIONS:
            result = self.merged[name]
            before = by_id(self.previous.items(KIND_BY_NAME[name].path))
            before_ids[name] = set(before)
            after = by_id(result.objects)
            changes.added[name] = list(result.added)
            changes.removed[name] = list(result.removed)
            changes.updated[name] = [k for k in result.updated if before.get(k) != after.get(k)]
        bodies = self.previous.bodies
        for kind, relation in directory.relations.items():
            prefix, suffix = KIND_BY_NAME[kind].path.split("{id}")
            candidates = relation if kind == APP_ROLE_ASSIGNMENTS else self.reread.get(kind, ())
            parents = before_ids[SEGMENTS[kind][0]]
            found = []
            for k in candidates:
                if k not in parents or k not in relation:
                    continue
                body = bodies.get(prefix + k + suffix)
                old = body.get("value") if isinstance(body, dict) else None
                # the same list in the same order is the common case: compare cheaply first
                if old != relation[k] and canonical(old or []) != canonical(relation[k]):
                    found.append(k)
            changes.relations[kind] = found
        return changes


async def incremental_read(session: Session, settings: Settings, previous: Recording,
                           links: dict[str, str]
                           ) -> tuple[Directory, dict[str, list[Any]], int | None,
                                      dict[str, str], Changes]:
    skip = effective_skip(session, settings)
    rounds = await _rounds(session, links)
    merged = {}
    for name, result in zip(COLLECTIONS, rounds, strict=True):
        merged[name] = merge(previous.items(KIND_BY_NAME[name].path),
                             clean_objects(result.items))
        session.progress.done(name, len(merged[name].objects))
    new_links = {name: result.link for name, result in zip(COLLECTIONS, rounds, strict=True)}
    since = previous.recorded_at - OVERLAP
    fresh = {k for k in ACTIVITY if not previous.has(KIND_BY_NAME[k])}
    reports = {k: previous.items(KIND_BY_NAME[k].path) for k in USAGE_REPORTS
            if k not in skip and previous.has(KIND_BY_NAME[k])
            and settings.now - previous.recorded_at < settings.reports_max_age}
    specs = [s for s in specs_for(settings, since, fresh) if s.kind not in reports]
    lists_task = asyncio.ensure_future(read_lists(session, specs, skip))
    count_task = start_user_count(session, skip)
    refresh = Refresh(session, previous, merged, settings.custom_attributes)
    changed = {name: set(merged[name].added) | set(merged[name].updated) for name in COLLECTIONS}
    await refresh.first(changed)
    lists = await lists_task
    await refresh.audited(_audit_targets(lists.get("directoryAudits", []), since))
    for kind, stamp in ACTIVITY.items():
        if kind in lists and kind not in fresh:
            window = settings.now - timedelta(
                days=settings.sign_in_days if kind == "signIns" else settings.audit_days)
            kept = [i for i in previous.items(KIND_BY_NAME[kind].path) if isinstance(i, dict)
                    and str(i.get(stamp) or "") >= plan.iso(window)]
            lists[kind] = merge_series([lists[kind], kept], stamp)
    for kind, items in reports.items():
        lists[kind] = items
        session.progress.emit(kind, len(items), len(items), DONE, "kept from the previous read")
    directory = refresh.directory()
    user_count = await count_task if count_task else None
    return directory, lists, user_count, new_links, refresh.changes(directory)
