"""A full read of applications, service principals and their relations.

Lists and expand passes run side by side (one sequential page chain each); then one
batch run reads what the passes could not give (relations cut at 20 items, objects new
since the pass) together with every resource's `appRoleAssignedTo`, so the batches are
full. The result has a relation list for every parent object of each readable kind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.reader import plan
from graph.reader.progress import READING, SKIPPED
from graph.reader.relations import (
    APP_ROLE_ASSIGNMENTS,
    SEGMENTS,
    Expanded,
    assigned_to_item,
    expand_pass,
    read_in_batches,
    reread_item,
    resource_key,
    resources,
    split_assignments,
)
from graph.reader.session import KindFailed, Session

PASSES = ("applicationOwners", "federatedIdentityCredentials", "servicePrincipalOwners",
          "memberOf")


@dataclass
class Directory:
    applications: list[Any] | None = None  # None: not read
    service_principals: list[Any] | None = None
    relations: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    batch_items: int = 0  # relation reads that went through $batch (for the minimum)


def ids(objects: Iterable[Any]) -> list[str]:
    return [o["id"] for o in objects if isinstance(o, dict) and isinstance(o.get("id"), str)]


def clean_objects(objects: list[Any]) -> list[Any]:
    """Drop what we never keep: certificate bodies (`keyCredentials[].key`, 1-2 KB each,
    unused) and any secret value Graph would only send on creation."""
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        obj.pop("secretText", None)
        for key in ("keyCredentials", "passwordCredentials"):
            creds = obj.get(key)
            if isinstance(creds, list):
                for cred in creds:
                    if isinstance(cred, dict):
                        cred.pop("key", None)
                        cred.pop("secretText", None)
    return objects


async def read_collection(session: Session, kind: str, select: list[str],
                          total: int | None = None) -> list[Any]:
    done = 0

    def on_page(page: list[Any]) -> None:
        nonlocal done
        done += len(page)
        session.progress.emit(kind, done, total, READING)

    items = await session.pages(kind, plan.url(f"v1.0/{kind}", select, plan.PAGE),
                                on_page=on_page)
    session.progress.done(kind, len(items))
    return clean_objects(items)


async def read_custom_attributes(session: Session) -> dict[str, Any] | None:
    """customSecurityAttributes of every service principal, or None when refused."""
    url = plan.url("v1.0/servicePrincipals", ["id", plan.CUSTOM_ATTRIBUTES], plan.PAGE)
    try:
        items = await session.pages(plan.CUSTOM_ATTRIBUTES, url)
    except KindFailed:
        return None  # optional data: its own permission; the list stands without it
    return {o["id"]: o.get(plan.CUSTOM_ATTRIBUTES) for o in items
            if isinstance(o, dict) and isinstance(o.get("id"), str)}


async def _guard(session: Session, kind: str, work: Any) -> Any:
    """Run one part; its failure marks that kind unavailable and returns None."""
    try:
        return await work
    except KindFailed as exc:
        session.fail(kind, exc.status, exc.reason)
        return None


async def read_directory(session: Session, skip: Iterable[str] = (),
                         custom_attributes: bool = True,
                         totals: dict[str, int | None] | None = None) -> Directory:
    """`totals`: object counts of applications and service principals, when known."""
    skipped = set(skip)
    totals = totals or {}

    async def nothing() -> None:
        return None

    def maybe(kind: str, work: Any) -> Any:
        if kind in skipped:
            work.close()
            session.progress.emit(kind, 0, None, SKIPPED)
            return nothing()
        return _guard(session, kind, work)

    parts = await asyncio.gather(
        maybe("applications", read_collection(session, "applications", plan.APP_SELECT,
                                              totals.get("applications"))),
        maybe("servicePrincipals", read_collection(session, "servicePrincipals",
                                                   plan.SP_SELECT,
                                                   totals.get("servicePrincipals"))),
        read_custom_attributes(session) if custom_attributes and
        "servicePrincipals" not in skipped else nothing(),
        *(maybe(kind, expand_pass(session, kind, totals.get(SEGMENTS[kind][0])))
          for kind in PASSES),
    )
    apps, sps, attributes = parts[0], parts[1], parts[2]
    expanded: dict[str, Expanded | None] = dict(zip(PASSES, parts[3:], strict=True))
    if sps is not None and attributes is not None:
        for sp in sps:
            if isinstance(sp, dict) and sp.get("id") in attributes:
                sp[plan.CUSTOM_ATTRIBUTES] = attributes[sp["id"]]
    directory = Directory(apps, sps)
    await complete_relations(session, directory, expanded, skipped)
    return directory


def _parents_failed(session: Session, kind: str, parent: str) -> bool:
    """True when the kind or its parents could not be read (the kind is then unavailable)."""
    if kind in session.unavailable:
        return True
    why = session.unavailable.get(parent)
    if why is None:
        return False
    session.fail(kind, why.status, f"{parent} could not be read: {why.reason}")
    return True


async def complete_relations(session: Session, directory: Directory,
                             expanded: dict[str, Expanded | None], skipped: set[str]) -> None:
    """Batch-read what the passes left open, plus application permissions, then give
    every parent object its relation list."""
    parents = {"applications": directory.applications,
               "servicePrincipals": directory.service_principals}
    items = []
    for kind, result in expanded.items():
        parent = SEGMENTS[kind][0]
        if kind in skipped or result is None or parents[parent] is None:
            continue
        for object_id in ids(parents[parent]):
            if object_id in result.incomplete or object_id not in result.by_id:
                items.append(reread_item(kind, object_id))
    sps = directory.service_principals
    want_assignments = APP_ROLE_ASSIGNMENTS not in skipped and sps is not None
    resource_ids = resources(sps) if want_assignments and sps is not None else []
    items += [assigned_to_item(rid) for rid in resource_ids]
    if want_assignments:
        session.progress.emit(APP_ROLE_ASSIGNMENTS, 0, len(resource_ids), READING)
    batched = await read_in_batches(session, items)
    directory.batch_items = batched.needed
    for kind, exc in batched.failed.items():
        session.fail(kind, exc.status, exc.reason)
    for kind, result in expanded.items():
        parent = SEGMENTS[kind][0]
        if (kind in skipped or _parents_failed(session, kind, parent) or result is None
                or parents[parent] is None):
            continue
        relation: dict[str, list[Any]] = {}
        for object_id in ids(parents[parent] or []):
            again = batched.items.get((kind, object_id))
            relation[object_id] = again if again is not None else result.by_id.get(object_id, [])
        directory.relations[kind] = relation
        session.progress.done(kind, len(relation))
    if APP_ROLE_ASSIGNMENTS in skipped or \
            _parents_failed(session, APP_ROLE_ASSIGNMENTS, "servicePrincipals") or sps is None:
        return
    by_resource = {rid: batched.items.get((APP_ROLE_ASSIGNMENTS, resource_key(rid)), [])
                   for rid in resource_ids}
    directory.relations[APP_ROLE_ASSIGNMENTS] = split_assignments(by_resource, ids(sps))
    session.progress.done(APP_ROLE_ASSIGNMENTS, sum(len(v) for v in by_resource.values()))
