"""Maintenance queues saved per tenant (in the tenant's `state`), and accepted risks shown
in the identity's labels so that reports and the `label:` filter see them.

    queues = QueueStore(store.tenant(tenant_id))
    queue = queues.load() or Queue.new(QueueFilter(...), now)
    ...; queues.save(queue)                     # after every decision: nothing is lost
    queues.show_acceptances(identity_id, queue, now, by=upn)

A saved queue that cannot be read (damaged, or of a newer format) is reported, not
dropped silently: `load` raises QueueUnreadable with what to do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.labels import apply_change, parse_document
from models.queue import Queue

PREFIX = "queue:"
LABEL = "accepted-risk"  # issue 6's dated label: accepted-risk:2027-03-31
NOTE = "accepted risk ("  # how the notes lines this module writes begin
NOTES_LIMIT = 4000


class QueueUnreadable(Exception):
    """A saved queue exists but cannot be used; the message says what to do."""


class QueueStore:
    def __init__(self, tenant: Any) -> None:
        self.tenant = tenant

    def names(self) -> list[str]:
        return sorted(n[len(PREFIX):] for n in self.tenant.state.names() if n.startswith(PREFIX))

    def load(self, name: str = "default") -> Queue | None:
        doc = self.tenant.state.get(PREFIX + name)
        if doc is None:
            return None
        try:
            return Queue.from_json(doc)
        except ValueError as exc:
            raise QueueUnreadable(f"the saved maintenance queue {name!r} of tenant "
                                  f"{self.tenant.tenant_id} cannot be read ({exc}); start a new "
                                  "one to replace it") from exc

    def save(self, queue: Queue) -> None:
        self.tenant.state.set(PREFIX + str(queue.doc.get("name") or "default"), queue.to_json())

    def delete(self, name: str = "default") -> bool:
        return self.tenant.state.delete(PREFIX + name)

    def show_acceptances(self, identity_id: str, queue: Queue, now: datetime,
                         by: str = "") -> dict[str, Any]:
        """Make the identity's labels say what the queue accepted on it: the label
        `accepted-risk:<earliest expiry>` and one notes line per acceptance with its reason
        (other labels and notes are kept; with nothing accepted, both go)."""
        current = self.tenant.labels.get(identity_id)
        accepted = queue.accepted_for(identity_id, now)
        kept = [line for line in parse_document(current).notes.splitlines()
                if not line.startswith(NOTE)]
        lines = [f"{NOTE}{a.get('rule')}, until {str(a.get('expires'))[:10]}): "
                 f"{' '.join(str(a.get('reason') or '').split())}" for a in accepted]
        notes = "\n".join(kept + lines)
        if len(notes) > NOTES_LIMIT:  # the admin's own notes first; reasons as they fit
            notes = "\n".join(kept)
        change: dict[str, Any] = {"notes": notes or None}
        if accepted:
            change["addLabels"] = [f"{LABEL}:{str(accepted[0].get('expires'))[:10]}"]
        else:
            change["removeLabels"] = [LABEL]
        doc = apply_change(current, change, by=by, at=now.isoformat())
        if parse_document(doc).empty:
            self.tenant.labels.delete(identity_id)  # nothing left but who and when
            return {}
        self.tenant.labels.set(identity_id, doc)
        return doc
