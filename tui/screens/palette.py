"""Commands for the `ctrl+p` palette: every view by alias, and the view's actions.

Textual's own system commands (themes, quit, keys) stay; this adds what wlx knows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.screens.views import VIEWS

ACTIONS = (  # title, help, action name on the screen (or app.*)
    ("Filter", "filter the current view (/)", "filter_prompt"),
    ("Export the current view", "write it as CSV or JSON (ctrl+s)", "export"),
    ("Copy…", "copy the ID, appId, name or portal link (c)", "copy"),
    ("Raw JSON", "the Graph JSON of the selected identity (y)", "raw"),
    ("Refresh", "sync the tenant again; the app stays usable meanwhile (r)", "app.refresh"),
    ("Keys", "the keys of this view (?)", "app.help"),
)


class ExplorerCommands(Provider):
    """Views ("Go to Apps  :apps") and actions of the current view."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        commands: list[tuple[str, str, Callable[[], object]]] = [
            (f"Go to {view.title}  :{view.alias}", view.description,
             partial(app.run_command, view.alias))  # type: ignore[attr-defined]
            for view in VIEWS
        ]
        for title, help_text, action in ACTIONS:
            target = action if action.startswith("app.") else f"screen.{action}"
            commands.append((title, help_text, partial(app.run_action, target)))
        return commands

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands():
            yield DiscoveryHit(title, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text)
