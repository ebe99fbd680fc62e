"""Paged reads of tenant-wide collections: grants, roles, audits, sign-ins, reports, risk.

Each `plan.ListRead` may be several request series (audits per category, sign-ins per
event type) merged into one recording file, deduplicated by id. A kind Graph refuses
(403, a beta report's 400/404, a licence it lacks) is recorded as unavailable with the
reason and the permission, and the other kinds go on.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Any

from graph.reader import plan
from graph.reader.progress import READING, SKIPPED
from graph.reader.session import KindFailed, Session

_TOP = re.compile(r"[?&]\$top=\d+")


def _without_top(url: str) -> str:
    stripped = _TOP.sub("", url)
    if "?" not in stripped and "&" in stripped:
        stripped = stripped.replace("&", "?", 1)
    return stripped


def merge_series(series: Iterable[list[Any]], newest_first: str = "") -> list[Any]:
    """Items of several series as one list: each id once, newest first when asked."""
    seen: set[str] = set()
    merged: list[Any] = []
    for items in series:
        for item in items:
            key = item.get("id") if isinstance(item, dict) else None
            if isinstance(key, str) and key:
                if key in seen:
                    continue
                seen.add(key)
            merged.append(item)
    if newest_first:
        def stamp(item: Any) -> str:
            value = item.get(newest_first) if isinstance(item, dict) else None
            return value if isinstance(value, str) else ""
        merged.sort(key=stamp, reverse=True)  # ISO-8601 UTC strings sort as instants
    return merged


async def read_list(session: Session, spec: plan.ListRead) -> list[Any]:
    """All series of one kind; raises KindFailed when Graph refuses it."""
    done = 0

    def on_page(page: list[Any]) -> None:
        nonlocal done
        done += len(page)
        session.progress.emit(spec.kind, done, None, READING)

    series = []
    for url in spec.urls:
        try:
            items = await session.pages(spec.kind, url, spec.lane, spec.headers, on_page)
        except KindFailed as exc:
            if not (spec.retry_without_top and exc.status == 400 and "$top=" in url):
                raise
            # the maximum $top of beta reports is undocumented: Graph's default page then
            items = await session.pages(spec.kind, _without_top(url), spec.lane,
                                        spec.headers, on_page)
        series.append(items)
    return merge_series(series, spec.newest_first)


async def read_lists(session: Session, specs: Iterable[plan.ListRead],
                     skip: Iterable[str] = ()) -> dict[str, list[Any]]:
    """Read the kinds concurrently; what fails goes to `session.unavailable`."""
    skipped = set(skip)
    results: dict[str, list[Any]] = {}

    async def one(spec: plan.ListRead) -> None:
        if spec.kind in skipped:
            session.progress.emit(spec.kind, 0, None, SKIPPED)
            return
        try:
            results[spec.kind] = await read_list(session, spec)
        except KindFailed as exc:
            session.fail(spec.kind, exc.status, exc.reason)
            return
        session.progress.done(spec.kind, len(results[spec.kind]))

    await asyncio.gather(*(one(spec) for spec in specs))
    return results


async def read_count(session: Session, collection: str) -> int | None:
    """How many objects a collection holds (for progress totals and the page plan);
    None when Graph will not say: nothing depends on it."""
    session.shape.single += 1
    try:
        value = await session.get_json(collection, plan.count_url(collection),
                                       headers=plan.EVENTUAL)
    except KindFailed:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def read_user_count(session: Session) -> int | None:
    """`/users/$count` (a bare integer; needs ConsistencyLevel: eventual)."""
    kind = "userCount"
    session.shape.single += 1
    try:
        value = await session.get_json(kind, plan.USER_COUNT_URL, headers=plan.EVENTUAL)
    except KindFailed as exc:
        session.fail(kind, exc.status, exc.reason)
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        session.fail(kind, None, f"Graph answered {str(value)[:40]!r}, not a number")
        return None
    session.progress.done(kind, 1)
    return value
