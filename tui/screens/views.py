"""The views the `:` prompt, the palette and drill-downs jump to, by alias (k9s style).

`:apps`, `:sp kind:managed`, `:identities tier:control` — the alias picks the view, the
rest is its filter. A view's scope (what `:apps` shows) is separate from the user's
filter, so esc clears the filter and the scope stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _kind(row: Any) -> str:
    return getattr(row, "kind", "") or ""


@dataclass(frozen=True)
class View:
    alias: str
    title: str
    description: str
    scope: Callable[[Any], bool] | None = None
    sort: tuple[str | None, bool] = (None, False)
    screen: str = "list"  # list, overview
    synonyms: tuple[str, ...] = ()


VIEWS = (
    View("identities", "Identities", "every workload identity",
         synonyms=("identity", "id", "all", "wi")),
    View("apps", "Apps", "app registrations of this tenant",
         scope=lambda r: _kind(r).startswith("app"), synonyms=("app", "applications")),
    View("sp", "Service principals", "every identity with a service principal",
         scope=lambda r: _kind(r) != "app-without-sp",
         synonyms=("sps", "serviceprincipals", "enterprise")),
    View("mi", "Managed identities", "system- and user-assigned managed identities",
         scope=lambda r: _kind(r).startswith("managed-identity"), synonyms=("managed", "msi")),
    View("findings", "Findings", "identities with findings, worst first",
         scope=lambda r: bool(getattr(r, "findings_count", 0)), sort=("findings", False),
         synonyms=("finding", "f")),
    View("credentials", "Credentials", "identities with credentials, soonest expiry first",
         scope=lambda r: bool(getattr(r, "credential_count", 0)),
         sort=("credentials", False), synonyms=("creds", "cred", "secrets")),
    View("overview", "Overview", "the tenant at a glance", screen="overview",
         synonyms=("home", "o")),
    View("search", "Search", "search names and ids (:search TEXT)", synonyms=("s", "find")),
)
QUIT_WORDS = frozenset({"q", "quit", "q!", "exit"})
HELP_WORDS = frozenset({"help", "h", "?"})


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
