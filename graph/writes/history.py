"""The journal as people read it: runs, their progress, what each entry did, and what it
needs. Used by the writer (run summaries), `wlx journal` and the app's journal view.

Entry statuses: `planned` (not sent yet, perhaps after a stop: see `stopped`), `running`
(its requests may have gone out: resume checks the tenant first), `done`, `skipped`
(already so: nothing sent), `failed` (Graph said no for good: see `outcome`), `undone`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FINAL = ("done", "skipped", "failed", "undone")
PERMISSIONS = {
    "remove-app-role-assignment": "AppRoleAssignment.ReadWrite.All",
    "add-app-role-assignment": "AppRoleAssignment.ReadWrite.All",
    "remove-delegated-grant": "DelegatedPermissionGrant.ReadWrite.All",
    "add-delegated-grant": "DelegatedPermissionGrant.ReadWrite.All",
    "write-label-attributes": "CustomSecAttributeAssignment.ReadWrite.All (and the Attribute "
                              "Assignment Administrator role)",
    "set-attributes": "CustomSecAttributeAssignment.ReadWrite.All (and the Attribute "
                      "Assignment Administrator role)",
}


def permission_for(action: str) -> str:
    """The Graph permission a write needs (GRAPH-FACTS.md, "Writes for cleanup")."""
    return PERMISSIONS.get(action, "Application.ReadWrite.All")


@dataclass
class Progress:
    """One step of a run, for a progress bar or a log line."""

    index: int
    total: int
    entry_id: str
    status: str  # running, done, skipped, failed, stopped
    title: str = ""
    message: str = ""


@dataclass
class RunResult:
    run_id: str
    entry_ids: list[str]
    counts: dict[str, int] = field(default_factory=dict)  # by status
    stopped: str | None = None  # why the run stopped early
    failures: list[str] = field(default_factory=list)  # "00000012: 400 ...": what failed

    @property
    def remaining(self) -> int:
        return self.counts.get("planned", 0) + self.counts.get("running", 0)

    @property
    def complete(self) -> bool:
        return self.stopped is None and self.remaining == 0

    def summary(self) -> str:
        order = ("done", "skipped", "failed", "undone", "running", "planned")
        parts = [f"{self.counts[s]} {s}" for s in order if self.counts.get(s)]
        text = f"run {self.run_id}: " + (", ".join(parts) or "nothing to do")
        if self.stopped:
            text += f"\nstopped: {self.stopped}"
        if self.remaining:
            text += f"\n{self.remaining} left: `wlx apply --resume` finishes them"
        return text


def summarize(run_id: str, entries: list[dict[str, Any]], stopped: str | None) -> RunResult:
    counts: dict[str, int] = {}
    failures = []
    for entry in entries:
        status = str(entry.get("status") or "planned")
        counts[status] = counts.get(status, 0) + 1
        if status == "failed":
            outcome = entry.get("outcome") or {}
            why = outcome.get("message") or outcome.get("code") or "failed"
            failures.append(f"{entry.get('id')}: {outcome.get('status', '')} {why}".strip())
    return RunResult(run_id, [str(e.get("id")) for e in entries], counts, stopped, failures)


@dataclass
class JournalRow:
    """One entry, flattened for a table or a line of `wlx journal`."""

    id: str
    recorded: str
    run: str
    position: str  # "3/50"
    kind: str  # apply, undo
    action: str
    title: str
    status: str
    outcome: str  # Graph's answer or the reason it stopped
    undo: str  # "yes", "no: <why>", "undone by 00000042", ""
    by: str

    def to_json(self) -> dict[str, str]:
        return dict(self.__dict__)


def row(entry: dict[str, Any]) -> JournalRow:
    status = str(entry.get("status") or "")
    outcome = entry.get("outcome") or {}
    stopped = entry.get("stopped") or {}
    if stopped and status in ("planned", "running"):
        text = f"stopped: {stopped.get('reason', '')}"
    elif outcome.get("status") and status == "failed":
        text = f"{outcome.get('status')} {outcome.get('code', '')}: {outcome.get('message', '')}"
    elif outcome.get("message"):
        text = str(outcome["message"])
    else:
        text = str(entry.get("note") or "")
    undo = entry.get("undo") or {}
    if status == "undone":
        undo_text = f"undone by {entry.get('undoneBy', '?')}"
    elif status == "done":
        undo_text = "yes" if undo.get("possible") else f"no: {undo.get('text', '')}"
    else:
        undo_text = ""
    by = entry.get("by") or {}
    who = by.get("principal", "") if isinstance(by, dict) else str(by)
    action = entry.get("action") or {}
    return JournalRow(
        id=str(entry.get("id", "")), recorded=str(entry.get("recorded", "")),
        run=str(entry.get("run", "")),
        position=f"{entry.get('position', '?')}/{entry.get('count', '?')}",
        kind=str(entry.get("kind", "")), action=str(action.get("action", "")),
        title=str(entry.get("title", "")), status=status, outcome=text.strip(),
        undo=undo_text, by=who)
