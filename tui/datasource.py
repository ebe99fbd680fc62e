"""What the explorer reads: the interface between the screens and wherever the data lives.

The screens never touch the cache or Graph: the app is given one `DataSource` and hands it
to them. The real one (backed by the cache snapshot, see cache/) is plugged in by the
command line; tests give a small in-memory one. Every method may block (disk), so screens
call them from thread workers, never on the UI thread.

Rows of `index()` are the compact list rows of models.index (`IndexRow`): id, app_id,
display_name, kind, tier, credential_count, soonest_expiry, last_sign_in, owners_count,
worst_severity, findings_count, owners, rules, severities. Any object with those
attributes works (an optional `labels` attribute feeds `label:` filters).

Optional, read with getattr by the views that use them (a source without them shows
those views empty, with the reason): `pivots()` (models.pivots.Pivots: IPs, keyIds,
actors, roles, resources, owners to identities), `principals()` (id -> models.identity.
Principal: users, groups and service principals seen as owners, actors, role holders),
`credentials()` (tui.rows.CredentialRow per credential; computed from `detail()` when
absent), `reopen()` (switch to the newest snapshot after a sync; True when newer), and
`snapshot.meta["source"]` (where to sync from for `r`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class SourceMeta:
    """Who and what the data is about, for the header bar."""

    tenant_id: str
    tenant_name: str = ""
    cloud: str = "global"  # global, usgov, dod, china (models.recording)
    principal: str = ""  # who signed in; empty for a recording or the demo
    snapshot_time: datetime | None = None  # when the data was read from Graph
    origin: str = ""  # "live", "demo", "recording <dir>", "cache": shown in the header
    unavailable: Mapping[str, str] = field(default_factory=dict)  # data kind -> why missing


@runtime_checkable
class DataSource(Protocol):
    """Read access to one tenant's snapshot."""

    def meta(self) -> SourceMeta:
        """Tenant, cloud, principal, snapshot time."""
        ...

    def index(self) -> Sequence[Any]:
        """One compact row per workload identity (models.index.IndexRow)."""
        ...

    def detail(self, identity_id: str) -> Any | None:
        """Everything known about one identity (models.identity.WorkloadIdentity, or a
        mapping); None when it is not in the snapshot."""
        ...

    def raw(self, identity_id: str) -> Mapping[str, Any] | None:
        """The Graph JSON behind one identity (application and service principal bodies),
        for the raw viewer (`y`)."""
        ...

    def findings(self) -> Sequence[Any]:
        """All findings (models.finding.Finding)."""
        ...

    def overview(self) -> Any:
        """The tenant overview (models.overview); its shape is read by the overview screen."""
        ...
