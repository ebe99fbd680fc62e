"""The wlx cache: tenant snapshots (list index, details, raw Graph bodies), labels,
the action journal and small state, on diskcache under the XDG cache dir.

    store = Store()                                  # or Store(root=tmp_path)
    with store.tenant(tid).begin_snapshot({"displayName": name}) as snap:
        snap.put("index", rows); snap.put_details(details); snap.put_recording(rec)
        snap.commit()
    reader = store.tenant(tid).current()             # None before the first sync
    rows = reader.get("index"); detail = reader.detail(identity_id)

Damage is never misread: see cache/errors.py for what callers get.
"""

from cache.errors import CacheCorrupt, CacheError, Notice, SecretRefused, SyncInProgress
from cache.journal import Journal
from cache.labels import Labels
from cache.paths import default_root
from cache.snapshot import Generation, SnapshotReader, SnapshotWriter
from cache.state import State
from cache.store import AsideEntry, Store, TenantSummary
from cache.tenant import TenantStore

__all__ = [
    "AsideEntry", "CacheCorrupt", "CacheError", "Generation", "Journal", "Labels", "Notice",
    "SecretRefused", "SnapshotReader", "SnapshotWriter", "State", "Store", "SyncInProgress",
    "TenantStore", "TenantSummary", "default_root",
]
