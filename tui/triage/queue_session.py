"""One sitting of guided maintenance: the saved queue of the tenant (cache.queue_store), the
snapshot's findings, and what the admin decides, saved after every decision so quitting
the app at any moment loses nothing. No Textual here; the screen (tui/screens/queue.py)
calls these from workers.

An interrupted session (the app quit without `q` on the queue) is resumed, not replaced:
its summary covers everything decided in it. After a sync the queue is refreshed first,
so items the new snapshot shows fixed drop out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.finding import Finding
from models.queue import (
    ACCEPTED,
    PENDING,
    Queue,
    QueueFilter,
    QueueItem,
    rules_not_run,
    summary_markdown,
)
from models.remedies import Remedy, remedies

# the row action (issue 6, tui/actions.py) that carries out each plan action, and what
# kind of row it acts on
TARGET_KINDS = {"remove-credential": "credential",
                "remove-federated-credential": "federated-credential",
                "remove-app-role-assignment": "app-permission",
                "remove-delegated-grant": "delegated-grant", "remove-owner": "owner",
                "disable-service-principal": "identity", "delete-application": "identity"}
# the row action ids issue 6 registers (tui/writes): "remove" takes any removable row
ROW_ACTION_IDS = {"remove-credential": "remove", "remove-federated-credential": "remove",
                  "remove-app-role-assignment": "remove", "remove-delegated-grant": "remove",
                  "remove-owner": "remove", "disable-service-principal":
                  "disable_service_principal", "delete-application": "delete_application"}
OBJECT_IDS = {"remove-credential": "key_id", "remove-federated-credential":
              "federated_credential_id", "remove-app-role-assignment": "app_role_assignment_id",
              "remove-delegated-grant": "grant_id", "remove-owner": "owner_id"}


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass
class Current:
    """The item on screen, with what the admin needs to decide on it."""

    item: QueueItem
    remedies: list[Remedy] = field(default_factory=list)

    @property
    def finding(self) -> Finding:
        return self.item.finding

    @property
    def remedy(self) -> Remedy | None:
        """The recommended action: the first one this identity's kind allows."""
        return next((r for r in self.remedies if r.possible), None)


class QueueSession:
    """The queue of one tenant in one sitting."""

    def __init__(self, source: Any, now: Any, by: str = "") -> None:
        self.source, self.now, self.by = source, now, by
        from cache.queue_store import QueueStore

        self.tenant = source.store.tenant(source.tenant_id)
        self.store = QueueStore(self.tenant)
        self.queue: Queue | None = None
        self.session: int | None = None
        self.resumed = False
        self.refreshed: dict[str, list[str]] = {}
        self.decided: list[str] = []  # finding ids decided in this sitting, for undo
        self._findings: list[Finding] = []
        self._rows: dict[str, Any] = {}
        self._labels: dict[str, tuple[str, ...]] = {}

    # -- open -----------------------------------------------------------------------------
    def load(self) -> Queue | None:
        """The saved queue (QueueUnreadable when it is damaged), and the snapshot's data."""
        rows = self.source.index()
        self._rows = {row.id: row for row in rows}
        self._labels = {row.id: tuple(getattr(row, "labels", ()) or ()) for row in rows}
        self._findings = self.source.findings()
        self.queue = self.store.load()
        return self.queue

    def create(self, queue_filter: QueueFilter) -> Queue:
        """A new queue, or the saved one with a new filter (decisions are kept)."""
        if self.queue is None:
            self.queue = Queue.new(queue_filter, self.now())
        else:
            self.queue.doc["filter"] = queue_filter.to_json()
        self.store.save(self.queue)
        return self.queue

    def begin(self) -> None:
        """Refresh the queue against this snapshot, then resume or start a session."""
        queue = self._queue()
        meta = self.source.snapshot.meta
        as_of = _parse_time(meta.get("asOf")) or self.now()
        generation = getattr(self.source.snapshot, "generation", None)
        # by generation too: two syncs may describe the same moment (a replayed recording)
        if queue.doc.get("lastSync") != as_of.isoformat().replace("+00:00", "Z") or \
                queue.doc.get("lastGeneration") != generation:
            self.refreshed = queue.refresh(self._findings, as_of,
                                           rules_not_run(meta.get("analysisWarnings") or []))
            queue.doc["lastGeneration"] = generation
        sessions = queue.doc["sessions"]
        if sessions and not sessions[-1].get("ended"):
            self.session, self.resumed = sessions[-1]["id"], True
        else:
            self.session = queue.start_session(self.now(), by=self.by)
        self.store.save(queue)

    def _queue(self) -> Queue:
        if self.queue is None:
            raise RuntimeError("no queue: load() or create() first")
        return self.queue

    # -- the walk -------------------------------------------------------------------------
    def walk(self) -> list[QueueItem]:
        return self._queue().walk(self._findings, self._rows, self._labels, self.now())

    def counts(self) -> dict[str, int]:
        return self._queue().counts(self._findings, self._rows, self._labels, self.now())

    def current(self) -> Current | None:
        """The next pending item with its remedies (None: nothing pending is left)."""
        item = next((i for i in self.walk()
                     if self._queue().effective_state(i.record, self.now()) == PENDING), None)
        if item is None:
            return None
        from tui.screens.detail import as_identity

        identity = as_identity(self.source.detail(item.finding.identity_id))
        return Current(item, remedies(item.finding, identity) if identity is not None else [])

    def skipped_left(self) -> int:
        return sum(1 for i in self.walk()
                   if self._queue().effective_state(i.record, self.now()) != PENDING)

    # -- decisions (each saved at once) -------------------------------------------------------
    def _save(self, finding_id: str) -> None:
        self.decided.append(finding_id)
        self.store.save(self._queue())

    def done(self, current: Current, remedy: Remedy, via: str) -> None:
        action = remedy.action.model_dump(mode="json", by_alias=True) \
            if hasattr(remedy.action, "model_dump") else remedy.action
        self._queue().done(current.finding, self.now(), action=action,
                           note=f"applied through {via}; the next sync confirms it",
                           name=current.item.name)
        self._save(current.finding.id)

    def skip(self, current: Current) -> None:
        self._queue().skip(current.finding, self.now(), name=current.item.name)
        self._save(current.finding.id)

    def snooze(self, current: Current, until: datetime, note: str = "") -> None:
        self._queue().snooze(current.finding, until, self.now(), note=note,
                             name=current.item.name)
        self._save(current.finding.id)

    def accept(self, current: Current, reason: str, expires: datetime) -> None:
        self._queue().accept(current.finding, reason, expires, self.now(), by=self.by,
                             name=current.item.name)
        self._save(current.finding.id)
        self.store.show_acceptances(current.finding.identity_id, self._queue(), self.now(),
                                    by=self.by)

    def undo(self) -> str | None:
        """Forget the last decision of this sitting; the finding id, or None."""
        queue = self._queue()
        while self.decided:
            finding_id = self.decided.pop()
            record = queue.doc["items"].get(finding_id)
            if record is None:
                continue
            queue.undo(finding_id)
            self.store.save(queue)
            if record.get("state") == ACCEPTED:  # the label said so: it must not any more
                self.store.show_acceptances(str(record.get("identityId")), queue, self.now(),
                                            by=self.by)
            return finding_id
        return None

    # -- the end ----------------------------------------------------------------------------
    def finish(self) -> str:
        """End the session and return its summary as Markdown."""
        queue = self._queue()
        queue.end_session(self.now())
        self.store.save(queue)
        return self.summary_text()

    def summary_text(self) -> str:
        meta = self.source.snapshot.meta
        tenant = str(meta.get("displayName") or self.source.tenant_id)
        return summary_markdown(self._queue().summary(self.session), tenant)

    def summary_counts(self) -> dict[str, int]:
        return dict(self._queue().summary(self.session)["counts"])
