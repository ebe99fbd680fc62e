"""The explorer's data source backed by a cache snapshot (tui/datasource.py's protocol).

Warm start reads only the compact index (and meta); everything else loads on first use,
details one identity at a time. A refresh swaps in a newer snapshot with `reopen()`.
Methods may touch the disk: screens call them from workers.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from models.finding import Finding
from models.identity import Principal, WorkloadIdentity
from models.index import IndexRow
from models.overview import Overview
from models.pivots import Pivots
from tui.datasource import SourceMeta


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
        return self._load("index", lambda raw: [IndexRow.from_json(r) for r in raw or []])

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

    def principals(self) -> dict[str, Principal]:
        return self._load("principals", lambda raw: {
            k: Principal.model_validate(v) for k, v in (raw or {}).items()})

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
        with self._lock:
            if key not in self._memo:
                self._memo[key] = convert(self.snapshot.get(key))
            return self._memo[key]


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
