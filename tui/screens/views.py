"""The views the `:` prompt, the palette and drill-downs jump to, by alias (k9s style).

`:apps`, `:sp kind:managed`, `:identities tier:control` — the alias picks the view, the
rest is its filter. A view's scope (what `:apps` shows) is separate from the user's
filter, so esc clears the filter and the scope stays.

VIEWS is a registry: a feature adds its own view without editing the app,

    register_view(View("timeline", "Timeline", "sign-ins and changes in time order",
                       screen="timeline"))

and registers the screen that draws it in tui/screens/registry.py. `:alias TEXT` opens
`Location(view.screen, view.alias, TEXT)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any


def _kind(row: Any) -> str:
    return getattr(row, "kind", "") or ""


@dataclass(frozen=True)
class View:
    alias: str
    title: str
    description: str
    scope: Callable[[Any], bool] | None = None
    sort: tuple[str | None, bool] = ("findings", False)  # problems first
    screen: str = "list"  # the screen name in tui/screens/registry.py
    synonyms: tuple[str, ...] = ()
    # a scope that depends on the app (its clock, its settings): given the app, a scope
    scope_for: Callable[[Any], Callable[[Any], bool]] | None = None


def _inactive_scope(app: Any) -> Callable[[Any], bool]:
    """Identities that can sign in (not Microsoft's) without a sign-in in `stale_days`."""
    since = app.now() - timedelta(days=app.stale_days)
    cutoff = since.isoformat().replace("+00:00", "Z")[:19]

    def scope(row: Any) -> bool:
        if _kind(row) in ("microsoft-app", "app-without-sp"):
            return False
        last = getattr(row, "last_sign_in", None)
        return not last or last[:19] < cutoff
    return scope


VIEWS: list[View] = [
    View("overview", "Overview", "the tenant at a glance", screen="overview",
         synonyms=("home", "o")),
    View("identities", "Identities", "every workload identity",
         synonyms=("identity", "id", "all", "wi")),
    View("apps", "Apps", "app registrations of this tenant",
         scope=lambda r: _kind(r).startswith("app"), synonyms=("app", "applications")),
    View("sp", "Service principals", "every identity with a service principal",
         scope=lambda r: _kind(r) != "app-without-sp",
         synonyms=("sps", "serviceprincipals", "enterprise")),
    View("mi", "Managed identities", "system- and user-assigned managed identities",
         scope=lambda r: _kind(r).startswith("managed-identity"), synonyms=("managed", "msi")),
    View("credentials", "Credentials", "every secret, certificate and federated credential",
         screen="credentials", sort=("expiry", False), synonyms=("creds", "cred", "secrets")),
    View("findings", "Findings", "every finding, grouped by rule", screen="findings",
         sort=(None, False), synonyms=("finding", "f")),
    View("inactive", "Inactive", "identities without a sign-in in the stale period",
         scope_for=_inactive_scope, sort=("last_sign_in", False),
         synonyms=("stale", "unused")),
    View("search", "Search", "search names and ids (:search TEXT)", synonyms=("s", "find")),
]
QUIT_WORDS = frozenset({"q", "quit", "q!", "exit"})
HELP_WORDS = frozenset({"help", "h", "?"})


def register_view(view: View) -> None:
    """Add a view (or replace the one with the same alias)."""
    VIEWS[:] = [v for v in VIEWS if v.alias != view.alias] + [view]


def find_view(alias: str) -> View | None:
    word = alias.lower()
    return next((v for v in VIEWS if word == v.alias or word in v.synonyms), None)


def complete(prefix: str) -> list[str]:
    """The aliases starting with `prefix` (main aliases only, in menu order)."""
    word = prefix.lower()
    return [v.alias for v in VIEWS if v.alias.startswith(word)]


@dataclass(frozen=True)
class Command:
    """A parsed `:` line: a view with its filter, quit, help, or an error message."""

    view: View | None = None
    argument: str = ""
    action: str | None = None  # "quit", "help"
    error: str | None = None


def parse_command(text: str) -> Command:
    word, _, argument = text.strip().partition(" ")
    if not word:
        return Command(error="type a view, e.g. :apps (tab completes)")
    if word.lower() in QUIT_WORDS:
        return Command(action="quit")
    if word.lower() in HELP_WORDS:
        return Command(action="help")
    view = find_view(word)
    if view is None:
        known = " ".join(f":{v.alias}" for v in VIEWS)
        return Command(error=f"no view called {word!r}: try {known}")
    return Command(view=view, argument=argument.strip())
