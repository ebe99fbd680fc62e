"""`applications/delta` and `servicePrincipals/delta`: links for the next sync, rounds of
changes, and merging them into the previous objects.

A cold read takes a `$deltaToken=latest` link *before* its lists start, so a change made
during the read comes again in the next round (merging is idempotent). A round follows
next links to the delta link. Changed objects may carry only some properties: they are
merged over the previous object, never replace it (docs/graph-protocol.md 1.3). A link
Graph no longer knows (410 Gone, or a 400/404 naming the sync state) means: read fully.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.reader import plan
from graph.reader.session import KindFailed, Session

COLLECTIONS = {"applications": plan.APP_SELECT, "servicePrincipals": plan.SP_SELECT}
DELTA_PAGE = 100  # Graph sizes delta pages itself (about 100-200 objects)
_EXPIRED_CODES = ("syncstatenotfound", "resyncrequired", "invaliddeltatoken", "expired")


class DeltaExpired(Exception):
    """The saved delta link is no longer valid: a full read is needed."""


@dataclass
class Round:
    items: list[Any]
    link: str


@dataclass
class Merged:
    """A collection after a round: the objects and which ids were added, updated, removed."""

    objects: list[Any]
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _expired(exc: KindFailed) -> bool:
    if exc.status == 410:
        return True
    reason = exc.reason.lower()
    return exc.status in (400, 404) and any(code in reason for code in _EXPIRED_CODES)


async def follow(session: Session, kind: str, url: str) -> Round:
    """Every page of a delta round, up to its @odata.deltaLink."""
    items: list[Any] = []
    try:
        return await _follow(session, kind, url, items)
    finally:
        session.shape.add(kind, len(items), DELTA_PAGE)


async def _follow(session: Session, kind: str, url: str, items: list[Any]) -> Round:
    next_url: str | None = url
    pages = 0
    while next_url:
        try:
            body = await session.get_json(kind, next_url)
        except KindFailed as exc:
            if _expired(exc):
                raise DeltaExpired(exc.reason) from None
            raise
        if not isinstance(body, dict):
            raise KindFailed(None, "Graph answered a delta page that is not a collection")
        value = body.get("value")
        items.extend(value if isinstance(value, list) else [])
        delta_link = body.get("@odata.deltaLink")
        if isinstance(delta_link, str) and delta_link:
            session.stats.kind(kind).items += len(items)
            return Round(items, session.check_link(delta_link))
        link = body.get("@odata.nextLink")
        if not (isinstance(link, str) and link):
            raise KindFailed(None, "a delta page had neither a next link nor a delta link")
        next_url = session.check_link(link)
        pages += 1
        if pages > 1_000_000:
            raise KindFailed(None, "the delta next links never end")
    raise KindFailed(None, "no delta link")  # pragma: no cover - the loop returns


async def latest_link(session: Session, collection: str) -> str | None:
    """A delta link "from now" with our $select; None when Graph has none to give."""
    url = plan.url(f"v1.0/{collection}/delta", COLLECTIONS[collection],
                   extra={"$deltaToken": "latest"})
    try:
        return (await follow(session, collection, url)).link
    except (KindFailed, DeltaExpired):
        return None  # the next sync reads fully; this one goes on


def merge(previous: list[Any], changes: list[Any]) -> Merged:
    """Apply a round's items to the previous objects, keeping their order."""
    by_id: dict[str, Any] = {}
    order: list[str] = []
    for obj in previous:
        if isinstance(obj, dict) and isinstance(obj.get("id"), str):
            by_id[obj["id"]] = obj
            order.append(obj["id"])
    before = set(by_id)
    touched: dict[str, None] = {}
    for change in changes:
        if not isinstance(change, dict) or not isinstance(change.get("id"), str):
            continue
        key = change["id"]
        if "@removed" in change:
            by_id.pop(key, None)
        else:
            fields = {k: v for k, v in change.items() if not k.startswith("@")}
            current = by_id.get(key)
            by_id[key] = {**current, **fields} if current is not None else fields
            if current is None:
                order.append(key)
        touched[key] = None
    merged = Merged([by_id[k] for k in dict.fromkeys(order) if k in by_id])
    for key in touched:
        if key not in by_id:
            if key in before:
                merged.removed.append(key)
        elif key in before:
            merged.updated.append(key)
        else:
            merged.added.append(key)
    return merged
