"""The header line: which tenant, which cloud, who is signed in, read-only or write, how
old the snapshot is, and "syncing…" while a refresh runs. Always on screen, so the admin
never acts on the wrong tenant.

Tenant names and principals come from the directory: they are drawn as Text, never markup.
The age is computed from the `now` the app is given (a fixed clock in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tui.datasource import SourceMeta
from tui.text import safe_text

LOCKED, WRITABLE = "🔒 read-only", "✎ write"


def age_text(then: datetime | None, now: datetime) -> str:
    """"just now", "12m", "3h 5m", "2d 4h"; "unknown" without a time."""
    if then is None:
        return "unknown"
    if then.tzinfo is None:
        then = then.replace(tzinfo=timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    seconds = int((now - then).total_seconds())
    if seconds < 0:
        return "in the future (clock skew?)"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if minutes < 1:
        return "just now"
    if hours < 1:
        return f"{minutes}m ago"
    if days < 1:
        return f"{hours}h {minutes % 60}m ago"
    return f"{days}d {hours % 24}h ago"


def short_id(value: str) -> str:
    return value[:8] + "…" if len(value) > 12 else value


class HeaderBar(Horizontal):
    """tenant · cloud · principal on the left; lock and snapshot age on the right."""

    DEFAULT_CSS = """
    HeaderBar {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        #header-left {
            width: 1fr; height: 1; padding-right: 1; text-wrap: nowrap; text-overflow: ellipsis;
        }
        #header-right { width: auto; height: 1; padding-right: 1; }
        &.-write #header-right { color: $text-warning; text-style: bold; }
        #header-sync { width: auto; height: 1; padding-right: 1; color: $text-accent;
                       text-style: bold; display: none; }
        &.-syncing #header-sync { display: block; }
        &.-sync-error #header-sync { color: $text-error; }
    }
    """

    def __init__(self, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.clock = clock
        self.meta: SourceMeta | None = None
        self.read_only = True
        self.sync_text = ""

    def compose(self) -> ComposeResult:
        yield Static(id="header-left")
        yield Static(id="header-sync")
        yield Static(id="header-right")

    def on_mount(self) -> None:
        self.set_interval(30, self.refresh_age)

    def show(self, meta: SourceMeta | None, read_only: bool, sync: str = "") -> None:
        self.meta, self.read_only = meta, read_only
        self.show_sync(sync)
        left = Text(" wlx", style="bold", no_wrap=True, overflow="ellipsis")
        if meta is None:
            left.append(" · loading…")
        else:
            left.append(" · ")
            left.append_text(safe_text(meta.tenant_name or short_id(meta.tenant_id), "bold"))
            left.append(f" · {meta.cloud}")
            if meta.principal:
                left.append(" · ")
                left.append_text(safe_text(meta.principal))
            if meta.origin:
                left.append(" · ")
                left.append_text(safe_text(meta.origin, "italic"))
        self.query_one("#header-left", Static).update(left)
        self.set_class(not read_only, "-write")
        self.refresh_age()

    def show_sync(self, text: str, error: bool = False) -> None:
        """"⟳ syncing… 40%" while a refresh runs; empty hides it."""
        self.sync_text = text
        self.query_one("#header-sync", Static).update(Text(text, no_wrap=True))
        self.set_class(bool(text), "-syncing")
        self.set_class(error, "-sync-error")

    def refresh_age(self) -> None:
        if not self.is_mounted:
            return
        lock = LOCKED if self.read_only else WRITABLE
        age = age_text(self.meta.snapshot_time, self.clock()) if self.meta else "no snapshot"
        self.query_one("#header-right", Static).update(
            Text(f"{lock} · snapshot {age}", no_wrap=True))
