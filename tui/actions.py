"""Row actions: keys that act on the selected (or marked) rows of a view, by object kind.

The explorer ships read-only; issue 6 adds the cleanup actions here without touching the
screens:

    register_action(RowAction(
        id="remove_credential", keys="ctrl+r", description="Remove credential",
        kinds=frozenset({"credential"}), writes=True, run=remove_credentials))

Every view binds each registered action under its `id` (so `[keys]` in the config can
remap it), shows it only where the cursor row's kind is in `kinds`, and shows a writing
action disabled, with the reason, in read-only mode. `run(app, targets)` gets the marked
rows of the table, or the cursor row when nothing is marked, as tui.screens.links.Target.
All tenant writes go through graph/writes.py (issue 6), never from a screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding


@dataclass(frozen=True)
class RowAction:
    id: str  # the binding id ([keys] in config.toml)
    keys: str  # default keys, comma-separated ("ctrl+r")
    description: str  # footer and help text
    kinds: frozenset[str]  # Target kinds it applies to (tui.screens.links.Target.kind)
    run: Callable[[Any, list[Any]], None]  # (app, targets)
    writes: bool = True  # changes the tenant: refused in read-only mode
    show: bool = True  # in the footer


ROW_ACTIONS: list[RowAction] = []


def register_action(action: RowAction) -> None:
    """Add (or replace, by id) a row action; views created afterwards bind it."""
    ROW_ACTIONS[:] = [a for a in ROW_ACTIONS if a.id != action.id] + [action]


def find_action(action_id: str) -> RowAction | None:
    return next((a for a in ROW_ACTIONS if a.id == action_id), None)


def action_bindings() -> list[Binding]:
    """The bindings of the registered actions, as a view binds them."""
    return [Binding(a.keys, f"row_action('{a.id}')", a.description, show=a.show, id=a.id)
            for a in ROW_ACTIONS]
