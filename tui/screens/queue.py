"""Guided maintenance (`:queue`): the findings of a queue walked one at a time, like
`git add -p`. Each item shows the finding, its evidence and the recommended action; keys:
a apply the action (through issue 6's registered row action: its preview, confirmation
and journal), s skip, z snooze until a date, x accept the risk (reason and expiry, shown
in the identity's labels), u undo the last decision, o open the identity, f change the
queue's filter, q finish the session (summary), m export the summary as Markdown.

Every decision is saved at once (tui/triage/queue_session.py), so quitting the app loses
nothing: the next `:queue` resumes the same session where it stopped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from cache.queue_store import QueueUnreadable
from models.queue import QueueFilter
from models.text import clean
from tui.actions import find_action
from tui.keys import READ_ONLY_REASON
from tui.screens.base import ViewScreen
from tui.screens.links import Location, Target
from tui.writes.actions import on_outcome
from tui.triage.queue_session import (
    OBJECT_IDS,
    ROW_ACTION_IDS,
    TARGET_KINDS,
    Current,
    QueueSession,
)

KEYS = ("a apply the action · s skip · z snooze · x accept the risk · u undo · "
        "o open the identity · f filter · q finish · m summary as Markdown")


def _evidence_lines(evidence: dict[str, Any]) -> list[str]:
    def short(value: Any) -> str:
        if isinstance(value, dict):  # one line per object, its values only: easier to read
            value = ", ".join(f"{v}" for v in value.values() if v not in (None, "", [], {}))
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        return clean(text)[:200]

    lines = []
    for key, value in list(evidence.items())[:14]:
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"  {key}:")
            lines += [f"    - {short(item)}" for item in value[:8]]
            if len(value) > 8:
                lines.append(f"    … {len(value) - 8} more")
        else:
            lines.append(f"  {key}: {short(value)}")
    return lines


class QueueScreen(ViewScreen):
    DEFAULT_CSS = """
    QueueScreen #queue-body { border: round $primary; padding: 0 1; }
    QueueScreen #queue-progress { color: $text-accent; text-style: bold; }
    QueueScreen #queue-keys { color: $text-muted; }
    """
    BINDINGS = [Binding("a", "apply", "Apply", id="queue_apply"),
                Binding("s", "skip", "Skip", id="queue_skip"),
                Binding("z", "snooze", "Snooze", id="queue_snooze"),
                Binding("x", "accept", "Accept risk", id="queue_accept"),
                Binding("u", "undo", "Undo", id="queue_undo"),
                Binding("o", "open_identity", "Open", id="queue_open"),
                Binding("f", "choose_filter", "Queue filter", id="queue_filter"),
                Binding("q", "finish", "Finish", id="queue_finish"),
                Binding("m", "markdown", "Summary .md", id="queue_markdown")]
    uses_index = False

    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.session: QueueSession | None = None
        self.current: Current | None = None
        self.finished = False
        self.working = True
        self.summary = ""

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="queue-body"):
            yield Static("loading the queue…", id="queue-progress", markup=False)
            yield Static("", id="queue-item", markup=False)
            yield Static(KEYS, id="queue-keys", markup=False)

    @property
    def busy(self) -> bool:
        return self.working

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#queue-body").border_title = "Maintenance queue"
        self.open_queue()

    # -- open -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def open_queue(self) -> None:
        source = self.wlx.source
        if not hasattr(source, "store"):
            self.app.call_from_thread(self.stop, "the maintenance queue needs the cache: "
                                      "this data source has none")
            return
        principal = self.wlx.meta.principal if self.wlx.meta else ""
        session = QueueSession(source, self.wlx.now, by=principal)
        try:
            queue = session.load()
        except QueueUnreadable as exc:
            self.app.call_from_thread(self.stop, str(exc))
            return
        self.session = session
        if queue is None:
            self.app.call_from_thread(self.ask_filter, self.initial_filter())
            return
        session.begin()
        self.app.call_from_thread(self.show, session.current())

    def initial_filter(self) -> QueueFilter:
        """`:queue TEXT`, or the filter of the list the queue was opened from."""
        text = self.location.filter_text
        if not text:
            below = [s for s in self.wlx.view_screens() if s is not self]
            table = below[-1].table if below else None
            text = table.filter_text if table is not None else ""
        return QueueFilter(query=text)

    def stop(self, why: str) -> None:
        self.working = False
        self.query_one("#queue-progress", Static).update(Text(why))

    def ask_filter(self, initial: QueueFilter) -> None:
        from tui.dialogs.queue_filter import QueueFilterDialog

        self.working = False

        def chosen(queue_filter: QueueFilter | None) -> None:
            if queue_filter is None:
                if self.session is not None and self.session.queue is None:
                    self.stop("no queue yet: press f to choose which findings it holds")
                return
            self.working = True
            self.start(queue_filter)
        self.app.push_screen(QueueFilterDialog(initial), chosen)

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def start(self, queue_filter: QueueFilter) -> None:
        session = self.session
        assert session is not None
        session.create(queue_filter)
        if session.session is None:
            session.begin()
        self.app.call_from_thread(self.show, session.current())

    # -- show -------------------------------------------------------------------------------
    def show(self, current: Current | None) -> None:
        self.working, self.current = False, current
        session = self.session
        if session is None or session.queue is None:
            return
        counts = session.counts()
        left = counts["pending"] + counts["skipped"]
        progress = (f"session {session.session}{' (resumed)' if session.resumed else ''} · "
                    f"{left} left of {counts['total']} · done {counts['done']} · skipped "
                    f"{counts['skipped']} · snoozed {counts['snoozed']} · accepted "
                    f"{counts['accepted']} · queue: {session.queue.filter.describe()}")
        if session.refreshed.get("resolved"):
            progress += f" · {len(session.refreshed['resolved'])} fixed since the last sync"
        self.query_one("#queue-progress", Static).update(Text(clean(progress)))
        item = self.query_one("#queue-item", Static)
        if self.finished:
            item.update(Text(self.summary))
        elif current is None:
            skipped = session.skipped_left()
            item.update(Text("Nothing left to decide" + (
                f" ({skipped} skipped: they come back next session)" if skipped else "")
                + ". q finishes the session with its summary.\n\n" + session.summary_text()))
        else:
            item.update(self.describe(current))

    def describe(self, current: Current) -> Text:
        f, entry = current.finding, current.item
        text = Text()
        text.append(f"{f.severity.upper()}  {f.rule}\n", style="bold")
        text.append(f"{clean(entry.name)}  ({entry.kind}, {entry.tier})\n\n")
        text.append(clean(f.summary) + "\n\n")
        text.append("Evidence\n", style="bold")
        text.append("\n".join(_evidence_lines(f.evidence)) or "  (none recorded)")
        text.append("\n\nRecommended action\n", style="bold")
        remedy = current.remedy
        if remedy is not None:
            text.append(f"  {clean(remedy.title)}  (a applies it, with a preview and a "
                        "confirmation)\n")
        else:
            blocked = next((r for r in current.remedies if not r.possible), None)
            text.append("  " + (f"not possible here: {clean(blocked.blocked or '')}"
                                if blocked else "no action fixes this one: skip, snooze or "
                                "accept the risk") + "\n")
        if entry.record and entry.record.get("note"):
            text.append(f"\nnote: {clean(str(entry.record['note']))}\n", style="italic")
        return text

    # -- decisions ----------------------------------------------------------------------
    def _ready(self) -> Current | None:
        if self.working or self.finished:
            return None
        if self.current is None:
            self.flash("nothing to decide here: q finishes the session", "information")
        return self.current

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def decide(self, change: Any, message: str) -> None:
        session = self.session
        assert session is not None
        change()
        current = session.current()
        self.app.call_from_thread(self.show, current)
        self.app.call_from_thread(self.flash, message, "success")

    def run_decision(self, change: Any, message: str) -> None:
        self.working = True
        self.decide(change, message)

    def action_skip(self) -> None:
        current = self._ready()
        if current is not None and self.session is not None:
            self.run_decision(lambda: self.session.skip(current), "skipped")

    def action_snooze(self) -> None:
        from tui.dialogs.queue_decide import SnoozeDialog

        current = self._ready()
        if current is None:
            return

        def chosen(until: Any) -> None:
            if until is not None and self.session is not None:
                self.run_decision(lambda: self.session.snooze(current, until),
                                  f"snoozed until {until:%Y-%m-%d}")
        self.app.push_screen(SnoozeDialog(f"{current.finding.rule} on {current.item.name}",
                                          self.wlx.now()), chosen)

    def action_accept(self) -> None:
        from tui.dialogs.queue_decide import AcceptDialog

        current = self._ready()
        if current is None:
            return

        def chosen(answer: Any) -> None:
            if answer is not None and self.session is not None:
                reason, expires = answer
                self.run_decision(lambda: self.session.accept(current, reason, expires),
                                  f"risk accepted until {expires:%Y-%m-%d} (label "
                                  "accepted-risk on the identity)")
        self.app.push_screen(AcceptDialog(f"{current.finding.rule} on {current.item.name}",
                                          self.wlx.now()), chosen)

    def action_apply(self) -> None:
        current = self._ready()
        if current is None or self.session is None:
            return
        remedy = current.remedy
        if remedy is None:
            self.flash("no action fixes this finding: skip, snooze or accept the risk",
                       "warning")
            return
        kind = getattr(remedy.action, "action", "")
        row_action = find_action(ROW_ACTION_IDS.get(kind, kind.replace("-", "_")))
        if row_action is None:
            self.flash(f"{kind}: not available yet (the cleanup actions are not installed)",
                       "warning")
            return
        if row_action.writes and self.wlx.read_only:
            self.flash(f"{row_action.description}: {READ_ONLY_REASON}", "warning")
            return
        object_id = getattr(remedy.action, OBJECT_IDS.get(kind, ""), None) \
            or current.finding.identity_id
        target = Target(TARGET_KINDS.get(kind, "identity"), current.finding.identity_id,
                        str(object_id), remedy)
        session = self.session

        def outcome(what: str) -> None:
            # the item is done only once the change was made, not when the dialog opens
            if what == "done":
                self.run_decision(
                    lambda: session.done(current, remedy, row_action.description),
                    f"done: {remedy.title} (u undoes the decision, not the change)")
            else:
                self.flash(f"{remedy.title}: {what}; the item stays open", "warning")
        on_outcome(self.wlx, outcome)
        row_action.run(self.wlx, [target])  # its preview, confirmation and journal

    def action_undo(self) -> None:
        if self.working or self.session is None:
            return
        if self.finished:
            self.flash("the session is finished: open :queue again to go on", "information")
            return
        session = self.session

        def undo() -> None:
            if session.undo() is None:
                raise LookupError("nothing to undo in this sitting")
        self.working = True
        self.undo_last(undo)

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def undo_last(self, undo: Any) -> None:
        session = self.session
        assert session is not None
        try:
            undo()
        except LookupError as exc:
            self.app.call_from_thread(self.flash, str(exc), "information")
        else:
            self.app.call_from_thread(self.flash, "undid the last decision", "success")
        self.app.call_from_thread(self.show, session.current())

    # -- other keys ---------------------------------------------------------------------
    def action_open_identity(self) -> None:
        if self.current is not None:
            self.wlx.open(Location("detail", self.current.finding.identity_id, tab="findings",
                                   focus=self.current.finding.id))

    def action_choose_filter(self) -> None:
        if self.working or self.session is None:
            return
        queue = self.session.queue
        self.ask_filter(queue.filter if queue is not None else self.initial_filter())

    def action_finish(self) -> None:
        if self.working:
            return
        if self.finished or self.session is None or self.session.queue is None:
            self.wlx.go_back()
            return
        self.working = True
        self.finish()

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def finish(self) -> None:
        session = self.session
        assert session is not None
        summary = session.finish()
        self.app.call_from_thread(self.finished_with, summary)

    def finished_with(self, summary: str) -> None:
        self.finished, self.summary = True, summary
        self.show(None)
        self.query_one("#queue-keys", Static).update(
            Text("session finished · m summary as Markdown · q or esc leaves"))

    def action_markdown(self) -> None:
        from tui.triage.files import save_markdown

        if self.session is None or self.session.queue is None:
            self.flash("no queue yet", "warning")
            return
        text = self.summary or self.session.summary_text()
        default = Path.cwd() / f"wlx-maintenance-{self.wlx.now():%Y%m%d-%H%M}.md"
        save_markdown(self.wlx, default, text, "the maintenance summary")

    def selected_id(self) -> str | None:
        return self.current.finding.identity_id if self.current is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # a walk has no table: the list keys would only crowd the footer
        if action in ("filter_prompt", "copy", "export", "disable", "row_action"):
            return False
        return super().check_action(action, parameters)

    def view_name(self) -> str:
        return "queue"
