"""The action journal: every write to the tenant, on disk before it is sent (issue 6).

`append` stores an entry (fsynced) and returns its id, a zero-padded sequence number
("00000042") that sorts in order; `update` records status changes (planned -> running
-> done / failed / undone) and keeps their history, so `wlx apply --resume` can tell
what was started but never finished after a crash. Secrets never go in: entries with a
key that only secrets or tokens use, or a bearer token or JWT as a value, are refused.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from cache.documents import DocumentStore
from cache.errors import SecretRefused
from cache.snapshot import iso

SEQ_KEY = "~seq"
UNFINISHED = ("planned", "running")
_PROTECTED = {"id", "recorded", "history"}
_SECRET_KEYS = {
    "secrettext", "secret", "clientsecret", "password", "passwd", "token", "accesstoken",
    "refreshtoken", "idtoken", "authorization", "cookie", "privatekey",
}
_TOKEN_VALUE = re.compile(r"^\s*(bearer\s+\S|eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.)", re.IGNORECASE)


def refuse_secrets(value: Any, where: str = "entry") -> None:
    """SecretRefused if a key or a value in `value` looks like a secret or a token."""
    if isinstance(value, dict):
        for key, item in value.items():
            name = re.sub(r"[\s_.-]", "", str(key)).lower()
            if name in _SECRET_KEYS:
                raise SecretRefused(f"journal {where} has a {key!r} field: secrets and tokens "
                                    "are never written to the journal")
            refuse_secrets(item, f"{where}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            refuse_secrets(item, f"{where}[{index}]")
    elif isinstance(value, str) and _TOKEN_VALUE.match(value):
        raise SecretRefused(f"journal {where} holds what looks like a token: not written")


def entry_id(value: str | int) -> str:
    """Normalise an id as typed by a user ("42") to the stored form ("00000042")."""
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError(f"not a journal entry id: {value!r}")
    return f"{int(text):08d}"


class Journal(DocumentStore):
    """append / update / get / entries of write actions, per tenant."""

    folder = "journal"
    what = "action journal"

    def append(self, entry: dict[str, Any]) -> str:
        """Store a new entry durably and return its id; status defaults to "planned"."""
        if not isinstance(entry, dict):
            raise TypeError(f"a journal entry is a dict, not {type(entry).__name__}")
        refuse_secrets(entry)
        bad = _PROTECTED & set(entry)
        if bad:
            raise ValueError(f"journal entries get {sorted(bad)} from the journal itself")
        now = iso(self.tenant.now())
        status = str(entry.get("status") or "planned")

        def write(cache: Any) -> str:
            with cache.transact():
                new_id = f"{cache.incr(SEQ_KEY):08d}"
                doc = {**entry, "id": new_id, "recorded": now, "status": status,
                       "history": [{"status": status, "at": now}]}
                cache.set(new_id, self._encode(doc))
            return new_id

        return self._run(write)

    def update(self, entry_id_: str | int, **fields: Any) -> dict[str, Any]:
        """Change fields of an entry; a new status is added to its history. KeyError if absent."""
        key = entry_id(entry_id_)
        refuse_secrets(fields, f"update of {key}")
        bad = _PROTECTED & set(fields)
        if bad:
            raise ValueError(f"{sorted(bad)} of a journal entry cannot be changed")
        now = iso(self.tenant.now())

        def write(cache: Any) -> dict[str, Any]:
            with cache.transact():
                blob = cache.get(key)
                if blob is None:
                    raise KeyError(f"no journal entry {key}")
                doc = self._decode(blob)
                old_status = doc.get("status")
                doc.update(fields)
                doc["updated"] = now
                if "status" in fields and fields["status"] != old_status:
                    doc.setdefault("history", []).append({"status": fields["status"], "at": now})
                cache.set(key, self._encode(doc))
            return doc

        return self._run(write)

    def get(self, entry_id_: str | int) -> dict[str, Any] | None:
        key = entry_id(entry_id_)
        blob = self._run(lambda cache: cache.get(key))
        return None if blob is None else self._run(lambda _cache: self._decode(blob))

    def entries(self, limit: int | None = None,
                since: str | int | datetime | None = None) -> list[dict[str, Any]]:
        """Entries oldest first; `since` an entry id (after it) or a time (at or after it);
        `limit` keeps the newest that many."""
        after = entry_id(since) if isinstance(since, (str, int)) else None
        from_time = iso(since) if isinstance(since, datetime) else None

        def read(cache: Any) -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = []
            for key in cache.iterkeys(reverse=True):
                if not (isinstance(key, str) and key.isdigit()):
                    continue
                if after is not None and key <= after:
                    break
                doc = self._decode(cache.get(key))
                if from_time is not None and str(doc.get("recorded", "")) < from_time:
                    continue  # not `break`: a clock set back must not hide later entries
                found.append(doc)
                if limit is not None and len(found) >= limit:
                    break
            found.reverse()
            return found

        return self._run(read)

    def unfinished(self) -> list[dict[str, Any]]:
        """Entries planned or running: what a crash or a throttled bulk action left open."""
        return [e for e in self.entries() if e.get("status") in UNFINISHED]
