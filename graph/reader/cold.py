"""A full ("cold") read: delta links first, then every kind, then one recording.

The delta links of applications and service principals are taken before any list, so
whatever changes while the lists are read comes again in the next incremental round;
their object counts come with them (progress totals; big tenants split expand passes).
Directory kinds (lists, expand passes, batches) and the tenant-wide kinds (grants,
roles, audits, sign-ins, reports, risk) run side by side.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from graph.reader import plan
from graph.reader.collections import read_count, read_lists, read_user_count
from graph.reader.delta import COLLECTIONS, latest_link
from graph.reader.directory import Directory, read_directory
from graph.reader.progress import SKIPPED
from graph.reader.session import Session
from models.recording import KIND_BY_NAME, KINDS, Recording, Unavailable

# relation kinds follow their parent: no parent objects, no relation to read
CHILDREN = {name: [k.name for k in KINDS if k.parent == name] for name in COLLECTIONS}


@dataclass
class Settings:
    """The parts of ReadOptions the read steps need (see graph.reader.read.ReadOptions)."""

    now: datetime
    sign_in_days: int
    audit_days: int
    skip: frozenset[str]
    custom_attributes: bool
    cloud: str
    reports_max_age: timedelta = timedelta(0)


def effective_skip(session: Session, settings: Settings) -> set[str]:
    """What the user skipped, with the children of skipped parents and the kinds the
    cloud does not have (recorded as unavailable, with why)."""
    skip = set(settings.skip)
    for parent, children in CHILDREN.items():
        if parent in skip:
            skip.update(children)
    for name in plan.CLOUD_MISSING.get(settings.cloud, set()):
        if name not in skip:
            session.fail(name, None, f"not available in the {settings.cloud} cloud")
        skip.add(name)
    return skip


def specs_for(settings: Settings, since: datetime | None = None,
              fresh: set[str] | None = None) -> list[plan.ListRead]:
    """The tenant-wide reads; `since` narrows the activity kinds not in `fresh`."""
    full = plan.tenant_lists(settings.now, settings.sign_in_days, settings.audit_days)
    if since is None:
        return full
    narrow = {s.kind: s for s in plan.tenant_lists(settings.now, settings.sign_in_days,
                                                   settings.audit_days, since)}
    return [s if s.kind in (fresh or set()) else narrow[s.kind] for s in full]


async def cold_read(session: Session, settings: Settings
                    ) -> tuple[Directory, dict[str, list[Any]], int | None, dict[str, str]]:
    skip = effective_skip(session, settings)
    tracked = [name for name in COLLECTIONS if name not in skip]
    got = await asyncio.gather(*(latest_link(session, name) for name in tracked),
                               *(read_count(session, name) for name in tracked))
    links = {name: link for name, link in zip(tracked, got[:len(tracked)], strict=True)
             if link}
    totals = dict(zip(tracked, got[len(tracked):], strict=True))
    lists = asyncio.ensure_future(read_lists(session, specs_for(settings), skip))
    count = start_user_count(session, skip)
    directory = await read_directory(session, skip, settings.custom_attributes, totals)
    return directory, await lists, (await count if count else None), links


def start_user_count(session: Session, skip: set[str]) -> asyncio.Future[int | None] | None:
    if "userCount" in skip:
        session.progress.emit("userCount", 0, None, SKIPPED)
        return None
    return asyncio.ensure_future(read_user_count(session))


def tenant_id_of(lists: dict[str, list[Any]], fallback: str) -> str:
    for org in lists.get("organization", []):
        if isinstance(org, dict) and isinstance(org.get("id"), str) and org["id"]:
            return org["id"]
    return fallback


def build_recording(tenant_id: str, now: datetime, cloud: str, directory: Directory,
                    lists: dict[str, list[Any]], user_count: int | None,
                    unavailable: dict[str, Unavailable]) -> Recording:
    """The recording as docs/recording-format.md has it, however each part was read."""
    rec = Recording(tenant_id=tenant_id, recorded_at=now, cloud=cloud)
    if directory.applications is not None:
        rec.set_items(KIND_BY_NAME["applications"].path, directory.applications)
    if directory.service_principals is not None:
        rec.set_items(KIND_BY_NAME["servicePrincipals"].path, directory.service_principals)
    for kind, relation in directory.relations.items():
        template = KIND_BY_NAME[kind]
        for object_id, items in relation.items():
            rec.set_items(template.path_for(object_id), items)
    for kind, items in lists.items():
        rec.set_items(KIND_BY_NAME[kind].path, items)
    if user_count is not None:
        rec.bodies[KIND_BY_NAME["userCount"].path] = user_count
    rec.unavailable = dict(sorted(unavailable.items()))
    return rec
