"""Incident triage and guided maintenance in the explorer (issue 7): registers the search,
timeline, presets, diff and maintenance-queue views and screens with the explorer's
registries (tui/screens/views.py, tui/screens/registry.py, tui/actions.py).

`register()` runs once when the app module loads; the screens import Textual lazily.
"""

from __future__ import annotations

from typing import Any

from tui.actions import RowAction, register_action
from tui.screens.links import Location


def _screen(module: str, name: str) -> Any:
    """A factory that imports the screen's module on first use."""
    def make(location: Any) -> Any:
        from importlib import import_module

        return getattr(import_module(module), name)(location)
    return make


def _search_screen(location: Any) -> Any:
    """The global search; a source without a search index (a simple in-memory one) gets
    what `:search` was before it: the identity list, filtered by name and ids."""
    from textual._context import active_app

    from tui.screens.identity_list import IdentityListScreen
    from tui.screens.search import SearchScreen

    try:
        source = active_app.get().source
    except (LookupError, AttributeError):
        source = None
    if source is not None and not hasattr(source, "search"):
        return IdentityListScreen(Location("list", "identities", location.filter_text))
    return SearchScreen(location)


TIMELINE_KINDS = frozenset({"identity", "credential", "federated-credential", "app-permission",
                            "delegated-grant", "directory-role", "group", "owner", "finding",
                            "sign-in", "audit-event", "risk-detection"})


def open_timeline(app: Any, targets: list[Any]) -> None:
    """`t`: the timeline of the (first) identity the rows belong to."""
    identity_id = next((t.identity_id for t in targets if t.identity_id), "")
    if not identity_id:
        app.flash("no identity on this row", "warning")
    elif getattr(app.screen, "location", None) == Location("timeline", identity_id):
        app.flash("this is its timeline already")
    else:
        app.open(Location("timeline", identity_id))


def register() -> None:
    from tui.screens.registry import register_screen
    from tui.screens.views import View, register_view

    register_screen("search", _search_screen)
    for name, module, cls in (("timeline", "tui.screens.timeline", "TimelineScreen"),
                              ("presets", "tui.screens.presets", "PresetListScreen"),
                              ("preset", "tui.screens.presets", "PresetScreen"),
                              ("diff", "tui.screens.diff", "DiffScreen"),
                              ("queue", "tui.screens.queue", "QueueScreen")):
        register_screen(name, _screen(module, cls))
    register_view(View("search", "Search", "search names, ids, keyIds, subjects, IPs, actors "
                       "(:search TEXT, ctrl+k)", screen="search", synonyms=("s", "find")))
    register_view(View("presets", "Incident presets", "the questions of an incident's first "
                       "minutes, one key each (p, then 1-7)", screen="presets",
                       sort=(None, False), synonyms=("preset", "incident")))
    register_view(View("diff", "What changed", "the two newest snapshots compared "
                       "(:diff 5 7 for chosen generations)", screen="diff", sort=(None, False),
                       synonyms=("changes", "changed")))
    register_view(View("queue", "Maintenance queue", "walk findings one at a time: apply, "
                       "skip, snooze, accept (:queue FILTER)", screen="queue", sort=(None, False),
                       synonyms=("maintenance", "walk")))
    from tui.triage.bundle_export import export_bundle

    register_action(RowAction("bundle", "b", "Bundle", TIMELINE_KINDS, export_bundle,
                              writes=False, show=False))
    register_action(RowAction("timeline", "t", "Timeline", TIMELINE_KINDS, open_timeline,
                              writes=False, show=False))
