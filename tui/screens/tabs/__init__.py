"""The tabs of the identity detail screen, declared as data: what rows a tab shows, its
columns, where enter leads from a row, what `c` can copy, what the preview under the
table says about the cursor row, and why a tab is empty.

TABS is a registry: a feature adds a tab (issue 7's per-identity timeline) with
`register_tab(TabSpec(...), before="audit")`, and the detail screen builds it like the
others (keys 1..9, 0 select the first ten tabs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.identity import WorkloadIdentity
from tui.screens.links import Link
from tui.widgets.table_model import Column

NO_SERVICE_PRINCIPAL = ("no service principal in this tenant: it cannot sign in, hold "
                        "permissions or roles here")


@dataclass(frozen=True)
class TabSpec:
    id: str  # findings, credentials, ... (Location.tab)
    title: str
    columns: Callable[[datetime], list[Column]]  # given `now`
    rows: Callable[[WorkloadIdentity], list[Any]]
    row_id: Callable[[Any], str]
    search: Callable[[Any], str]  # the text `/` matches
    target: str  # tui.screens.links.Target.kind of its rows
    empty: Callable[[WorkloadIdentity], str]  # why there is nothing, when the data was read
    data_kinds: tuple[str, ...] = ()  # models.recording.KINDS names the tab is built from
    # (row, identity, app) -> where enter leads
    links: Callable[[Any, WorkloadIdentity, Any], list[Link]] = lambda row, i, app: []
    preview: Callable[[Any, datetime], list[tuple[str, str]]] | None = None  # label, text
    copy: Callable[[Any], list[tuple[str, str]]] = lambda row: []  # label, value
    object_id: Callable[[Any], str] | None = None  # Target.object_id; default row_id


TABS: list[TabSpec] = []


def register_tab(spec: TabSpec, before: str | None = None) -> None:
    """Add a tab (or replace the one with the same id), at the end or before another."""
    TABS[:] = [t for t in TABS if t.id != spec.id]
    at = next((i for i, t in enumerate(TABS) if t.id == before), len(TABS))
    TABS.insert(at, spec)


def find_tab(tab_id: str) -> TabSpec | None:
    return next((t for t in TABS if t.id == tab_id), None)


def empty_reason(spec: TabSpec, identity: WorkloadIdentity,
                 unavailable: Mapping[str, str]) -> str:
    """Why a tab has no rows: a data kind that could not be read (with the permission
    that unlocks it), or the tab's own reason when the data was there."""
    missing = [f"{kind}: {unavailable[kind]}" for kind in spec.data_kinds if kind in unavailable]
    if missing:
        return "not available in this snapshot: " + "; ".join(missing)
    return spec.empty(identity)


# the built-in tabs, in the order the keys 1..9, 0 select them (the modules import
# TabSpec from this package, defined above)
from tui.screens.tabs import access, activity, hygiene  # noqa: E402

TABS.extend((*hygiene.TABS, *access.TABS, *activity.TABS))
