"""Which screen draws which kind of Location: the app opens every view through here.

    register_screen("timeline", TimelineScreen)   # a class (or factory) taking a Location

Features add screens (issue 7: search, timeline, diff, maintenance queue) without
editing the app; `:` aliases for them go in tui/screens/views.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui.screens.links import Location

ScreenFactory = Callable[[Location], Any]  # returns a tui.screens.base.ViewScreen

SCREENS: dict[str, ScreenFactory] = {}


def register_screen(name: str, factory: ScreenFactory) -> None:
    SCREENS[name] = factory


def builtin_screens() -> None:
    """The explorer's own screens (imported here, not at module level: they import
    Textual and each other)."""
    from tui.screens.credentials import CredentialListScreen
    from tui.screens.detail import DetailScreen
    from tui.screens.findings import FindingListScreen
    from tui.screens.identity_list import IdentityListScreen
    from tui.screens.overview import OverviewScreen
    from tui.screens.pivot import PivotScreen
    from tui.screens.principal import PrincipalScreen

    for name, factory in (("list", IdentityListScreen), ("detail", DetailScreen),
                          ("overview", OverviewScreen), ("findings", FindingListScreen),
                          ("credentials", CredentialListScreen), ("pivot", PivotScreen),
                          ("principal", PrincipalScreen)):
        SCREENS.setdefault(name, factory)


def make_screen(location: Location) -> Any:
    if "list" not in SCREENS:  # features may register theirs before the first screen
        builtin_screens()
    factory = SCREENS.get(location.screen) or SCREENS["list"]
    return factory(location)
