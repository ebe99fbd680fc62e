"""Every key binding of the explorer, each with an id, and the keymap from the config.

    [keys]                  # in config.toml: binding id = keys (comma-separated)
    filter = "/,f"
    down = "j,down,ctrl+n"

The ids are the words of the config file, so they stay stable; the help screen and the
footer are generated from these bindings, never from a separate text (`?` shows each
binding's id). Elsewhere: the table's own (down, up, top, bottom, page_down, page_up,
select, mark, sort, sort_reverse) in tui/widgets/virtual_table.py; the overview tiles'
(down, up, tile_left, tile_right, select) in tui/widgets/tiles.py; the detail tabs'
(tab_1 .. tab_10, tab_next, tab_previous) in tui/screens/detail.py; the sync panel's
(sync_hide, sync_cancel); the prompts' in tui/widgets/prompt.py; and the row actions
other features register (tui/actions.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding

# the app: anywhere in the explorer
APP_BINDINGS = [
    Binding("q", "quit", "Quit", id="quit"),
    Binding("ctrl+p", "command_palette", "Palette", show=False, id="palette", priority=True),
    Binding("left_square_bracket", "history_back", "History back", show=False,
            id="history_back"),
    Binding("right_square_bracket", "history_forward", "History forward", show=False,
            id="history_forward"),
    Binding("r", "refresh", "Refresh", id="refresh"),
    Binding("ctrl+k", "search", "Search", show=False, id="search", priority=True),
    Binding("p", "presets", "Presets", show=False, id="presets"),
]

# a view of the explorer (a list or an identity); the footer shows them in this order
VIEW_BINDINGS = [
    Binding("slash", "filter_prompt", "Filter", id="filter"),
    Binding("colon", "app.command_prompt", "View", id="command"),
    Binding("question_mark", "app.help", "Help", id="help"),
    Binding("escape", "back", "Back", id="back"),
    Binding("y", "raw", "Raw", id="raw"),
    Binding("c", "copy", "Copy", id="copy"),
    Binding("ctrl+s", "export", "Export", id="export"),
    # a tenant write (issue 6): shown, but disabled with the reason in read-only mode
    Binding("ctrl+d", "disable", "Disable", id="disable"),
]

# actions that change the tenant: check_action refuses them in read-only mode
WRITE_ACTIONS = frozenset({"disable"})
READ_ONLY_REASON = "read-only mode: start wlx with --write to change the tenant"


def binding_ids(*groups: Iterable[object]) -> set[str]:
    ids: set[str] = set()
    for group in groups:
        for binding in group:
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def keymap_from_config(keys: Mapping[str, str],
                       known: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """The keymap for App.set_keymap, and a message for each entry wlx does not know."""
    known = set(known)
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys_text in keys.items():
        if binding_id not in known:
            problems.append(f"[keys] {binding_id}: no such binding (known: "
                            f"{', '.join(sorted(known))})")
            continue
        # single characters ("/", "?") are turned into key names by App.set_keymap
        keymap[binding_id] = ",".join(key.strip() for key in keys_text.split(",") if key.strip())
    return keymap, problems
