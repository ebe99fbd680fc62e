"""The explorer's data source backed by a cache snapshot (tui/datasource.py's protocol).

Warm start reads only the compact index (and meta); everything else loads on first use,
details one identity at a time. A refresh swaps in a newer snapshot with `reopen()`.
Index rows carry the admin's labels (`row.labels`: free labels, `criticality:<c>`,
`tier-override:<tier>`, see models.labels.label_terms) for the `label:` filter; labels
live outside snapshots, so `reload_labels()` refreshes them after a change.
Methods may touch the disk: screens call them from workers.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from cache.errors import CorruptValue
from models.finding import Finding
from models.identity import Principal, WorkloadIdentity
from models.index import IndexRow
from models.labels import label_terms
from models.overview import Overview
from models.pivots import Pivots
from tui.datasource import SourceMeta
from tui.rows import CredentialPart, CredentialRow, credential_rows, rows_from_table


class LabeledRow(IndexRow):
    """An index row with the identity's labels (an empty tuple for most rows: the class
    default, so unlabelled rows cost nothing)."""

    labels: tuple[str, ...] = ()


class CacheSource:
    def __init__(self, store: Any, tenant_id: str, snapshot: Any | None = None,
                 principal: str = "") -> None:
        self.store = store
        self.tenant_id = tenant_id
        self.snapshot = snapshot or store.tenant(tenant_id).current()
        if self.snapshot is None:
            raise LookupError(f"tenant {tenant_id} has no snapshot in the cache")
        self.principal = principal
        self._lock = threading.Lock()
        self._memo: dict[str, Any] = {}

    # -- the DataSource protocol

    def meta(self) -> SourceMeta:
        meta = self.snapshot.meta
        unavailable = {}
        for name, why in (meta.get("unavailable") or {}).items():
            if isinstance(why, dict):
                text = str(why.get("reason") or "not available")
                if why.get("permission"):
                    text += f" (grant {why['permission']})"
                unavailable[name] = text
        return SourceMeta(
            tenant_id=self.tenant_id, tenant_name=str(meta.get("displayName") or ""),
            cloud=str(meta.get("cloud") or "global"),
            principal=self.principal or str(meta.get("principal") or ""),
            snapshot_time=_time(meta.get("asOf")) or self.snapshot.created,
            origin=str(meta.get("origin") or "cache"), unavailable=unavailable)

    def index(self) -> list[IndexRow]:
        rows = self._load("index", lambda raw: [LabeledRow.from_json(r) for r in raw or []])
        with self._lock:
            if not self._memo.get("labels-applied"):
                self._apply_labels(rows)
        return rows

    def reload_labels(self) -> None:
        """Read the labels again (after a label change) and put them on the index rows."""
        rows = self._load("index", lambda raw: [LabeledRow.from_json(r) for r in raw or []])
        with self._lock:
            self._apply_labels(rows)

    def _apply_labels(self, rows: list[IndexRow]) -> None:
        from cache import CacheError

        try:
            documents = self.labels().all()
        except CacheError:  # a broken labels store must not hide the list: no labels shown
            documents = {}
        for row in rows:
            terms = label_terms(documents[row.id]) if row.id in documents else ()
            if terms or "labels" in row.__dict__:
                row.labels = terms  # type: ignore[attr-defined]
        self._memo["labels-applied"] = True

    def detail(self, identity_id: str) -> WorkloadIdentity | None:
        blob = self.snapshot.detail(identity_id)
        return WorkloadIdentity.model_validate_json(blob) if blob is not None else None

    def raw(self, identity_id: str) -> dict[str, Any] | None:
        identity = self.detail(identity_id)
        if identity is None:
            return None
        raw = {"application": identity.raw_application,
               "servicePrincipal": identity.raw_service_principal}
        return {k: v for k, v in raw.items() if v is not None}

    def findings(self) -> list[Finding]:
        return self._load("findings", lambda raw: [Finding.model_validate(f) for f in raw or []])

    def overview(self) -> Overview:
        return self._load("overview", lambda raw: Overview.model_validate(raw or {}))

    # -- more than the protocol: pivots and principals for drill-downs

    def pivots(self) -> Pivots:
        return self._load("pivots", lambda raw: Pivots.model_validate(raw or {}))

    def search(self) -> Any:
        """The snapshot's search index (models.search.SearchIndex), None when not stored."""
        from models.search import SearchIndex

        return self._load("search", lambda raw: SearchIndex(raw) if raw else None)

    def presets(self) -> Any:
        """The incident presets' hits stored at sync time (models.presets.run_presets)."""
        return self._load("presets", lambda raw: raw if isinstance(raw, dict) else None)

    def principals(self) -> dict[str, Principal]:
        return self._load("principals", lambda raw: {
            k: Principal.model_validate(v) for k, v in (raw or {}).items()})

    def credentials(self) -> list[CredentialRow]:
        """One row per credential and federated credential of every identity."""
        def build() -> list[CredentialRow]:
            try:
                stored = rows_from_table(self.snapshot.get("credentials"), self.index())
            except CorruptValue:  # a damaged table: the details still hold it all
                stored = None
            if stored is not None:
                return stored
            rows: list[CredentialRow] = []  # a snapshot from before the stored table
            for identity in self._in_shard_order([r for r in self.index()
                                                  if r.credential_count]):
                blob = self.snapshot.detail(identity.id)
                if blob is not None:
                    rows.extend(credential_rows(identity,
                                                CredentialPart.model_validate_json(blob)))
            return rows
        return self._memoize("credentials", build)

    def _in_shard_order(self, rows: list[IndexRow]) -> list[IndexRow]:
        # details are stored in shards of ~128 and the reader keeps 8 decompressed:
        # reading shard by shard decompresses each shard once, not once per identity
        from cache.details import shard_of

        shards = int(self.snapshot.info.doc.get("detailShards") or 0)
        if shards <= 1:
            return rows
        return sorted(rows, key=lambda r: shard_of(r.id, shards))

    def labels(self) -> Any:
        return self.store.tenant(self.tenant_id).labels

    # -- refresh

    def reopen(self) -> bool:
        """Switch to the newest snapshot; True when it is a newer one."""
        newest = self.store.tenant(self.tenant_id).current()
        if newest is None or newest.generation == self.snapshot.generation:
            return False
        old, self.snapshot = self.snapshot, newest
        with self._lock:
            self._memo.clear()
        old.close()
        return True

    def _load(self, key: str, convert: Any) -> Any:
        return self._memoize(key, lambda: convert(self.snapshot.get(key)))

    def _memoize(self, key: str, build: Any) -> Any:
        with self._lock:
            if key in self._memo:
                return self._memo[key]
            snapshot = self.snapshot
        value = build()  # outside the lock: a slow build must not block the other reads
        with self._lock:
            if self.snapshot is not snapshot:  # reopened meanwhile: do not keep old data
                return value
            return self._memo.setdefault(key, value)


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
