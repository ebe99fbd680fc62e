"""`r` in the app: sync the tenant again in a child process while the app stays usable on
the old snapshot, then switch to the new one and reload the views in place.

The source to sync comes from the snapshot itself (`snapshot.meta["source"]`, written by
tui/sync.py), so a demo, a recording or a live tenant refresh the way they were read.
Progress goes to the panel (tui/screens/sync_panel.py) and the header. When the child
is done: `source.reopen()` in a thread, a new data generation, the list index re-read
(lists keep filter, sort and cursor) and the current view reloaded; covered views catch
up when they show again. While a confirm dialog is open, the switch waits for it.
A source without a snapshot (tests' in-memory source) is simply re-read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.timer import Timer

from tui.refresh import SyncEvent, SyncProcess, sync_command
from tui.screens.sync_panel import SyncPanel
from tui.source import Source
from tui.syncing import SyncState
from tui.widgets.table_model import RowSet

if TYPE_CHECKING:
    from tui.app import WlxApp

PAUSING_SCREENS = ("ConfirmDialog",)  # dialogs during which the data must not change


def refresh_paused(app: Any) -> bool:
    return any(type(s).__name__ in PAUSING_SCREENS or getattr(s, "PAUSES_REFRESH", False)
               for s in app.screen_stack)


class SyncRunner:
    """At most one sync at a time, and what it last did."""

    def __init__(self, app: WlxApp) -> None:
        self.app = app
        self.state = SyncState()
        self.process: SyncProcess | None = None
        self.panel: SyncPanel | None = None
        self._timer: Timer | None = None
        self._dirty = False
        self._waiting: SyncEvent | None = None  # a finished sync waiting for a dialog
        self._told_waiting = False
        self._stopped = False  # the user stopped the running sync (x)

    def source(self) -> Source | None:
        snapshot = getattr(self.app.source, "snapshot", None)
        meta = getattr(snapshot, "meta", None) or {}
        return Source.from_json(meta.get("source"))

    def start_or_show(self) -> None:
        if self.state.running or self.state.error:
            self.show_panel()
            if self.state.running:
                return
        source = self.source()
        if source is None:  # nothing to sync from: read the source again
            self.app.flash("re-reading the snapshot…")
            self.app.load_index()
            return
        self.state.start(source.describe())
        self._stopped = False
        fixed = self.app.fixed_now
        extra = ["--config", str(self.app.config_path)] if self.app.config_path else []
        command = sync_command(source, now=fixed.isoformat() if fixed else None, extra=extra)
        self.process = SyncProcess(command, self.on_event)
        self.show_panel()
        self._timer = self.app.set_interval(0.25, self._redraw)
        self.app.run_worker(self._run(), group="sync", exclusive=True, exit_on_error=False)
        self.app.update_headers()

    async def _run(self) -> None:
        assert self.process is not None
        final = await self.process.run()
        self.finished(final)

    def on_event(self, event: SyncEvent) -> None:
        self.state.apply(event)
        if event.kind == "sign-in" and self.state.sign_in and self.panel is None:
            self.show_panel()  # the code must be seen: bring the panel back
        self._dirty = True

    def redraw(self) -> None:
        self._dirty = True
        self._redraw()

    def _redraw(self) -> None:
        if self._dirty:
            self._dirty = False
            if self.panel is not None:
                self.panel.show_state()
            self.app.update_headers()

    def show_panel(self) -> None:
        if self.panel is not None:
            return
        self.panel = SyncPanel(self.state)

        def hidden(_: object) -> None:
            self.panel = None
        self.app.push_screen(self.panel, hidden)

    def cancel(self) -> None:
        if self.process is not None and self.state.running:
            self._stopped = True
            self.process.cancel()
            self.app.flash("stopping the sync; the snapshot stays as it was", "warning")

    def finished(self, final: SyncEvent) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._dirty = True
        self._redraw()
        if final.event == "error":
            if self._stopped:
                self.state.error = "stopped (x): the snapshot you see is the one before"
                self.redraw()
                self.app.flash("sync stopped; the snapshot is unchanged", "warning")
            else:
                self.app.flash(f"sync failed: {final.message}", "error")
            return
        self._waiting = final
        self._apply_when_possible()

    def _apply_when_possible(self) -> None:
        if self._waiting is None:
            return
        if refresh_paused(self.app):
            if not self._told_waiting:
                self._told_waiting = True
                self.app.flash("a new snapshot is ready: it loads when this dialog closes")
            self.app.set_timer(0.5, self._apply_when_possible)
            return
        final, self._waiting, self._told_waiting = self._waiting, None, False
        self.app.switch_snapshot(final.data.get("changes"))


def describe_changes(old: RowSet | None, new: RowSet, changes: str | None, newer: bool) -> str:
    """The flash after a refresh: the sync's own summary, or what the index shows."""
    if not newer:
        return "the snapshot is unchanged"
    if changes:
        return f"new snapshot: {changes}"
    if old is None:
        return f"new snapshot: {len(new):,} identities"
    before, after = set(old.ids), set(new.ids)
    added, removed = len(after - before), len(before - after)

    def findings(rows: RowSet) -> int:
        return sum(getattr(r, "findings_count", 0) or 0 for r in rows.rows)
    return (f"new snapshot: {len(new):,} identities ({added:+,} new, {removed:,} gone), "
            f"findings {findings(old):,} → {findings(new):,}")
