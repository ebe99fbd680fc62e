"""What every rule gets (the tenant's identities, principals and audit events) and how a
rule is declared: its id, the data it needs, and the function that finds."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.config import AnalysisConfig
from models.finding import Finding
from models.identity import AuditEntry, Credential, Principal, WorkloadIdentity
from models.tiers import privileged


@dataclass
class Subsets:
    """Identities (in their order) by what the rules look at."""

    with_credentials: list[WorkloadIdentity] = field(default_factory=list)
    own_credentials: list[tuple[WorkloadIdentity, list[Credential]]] = field(
        default_factory=list)
    with_federated: list[WorkloadIdentity] = field(default_factory=list)
    privileged: list[WorkloadIdentity] = field(default_factory=list)
    disabled: list[WorkloadIdentity] = field(default_factory=list)
    with_risk: list[WorkloadIdentity] = field(default_factory=list)
    without_app_owner: list[WorkloadIdentity] = field(default_factory=list)  # none, or only
    # owners of the service principal


@dataclass
class RuleContext:
    identities: list[WorkloadIdentity]
    by_id: dict[str, WorkloadIdentity]
    principals: dict[str, Principal]
    audits: list[tuple[AuditEntry, list[str]]]
    config: AnalysisConfig
    now: datetime
    available: set[str]
    app_owners_read: set[str] = field(default_factory=set)  # app ids whose owners were read
    sign_in_logs_since: datetime | None = None  # the oldest sign-in in the logs

    def has(self, kind: str) -> bool:
        return kind in self.available

    @functools.cached_property
    def subsets(self) -> Subsets:
        """The identities each rule looks at, sorted out in one pass (most rules look at
        few identities, and every pass over all of them costs)."""
        subsets = Subsets()
        for identity in self.identities:
            if identity.credentials:
                subsets.with_credentials.append(identity)
                own = [c for c in identity.credentials if not c.managed_by_azure]
                if own:
                    subsets.own_credentials.append((identity, own))
            if identity.federated_credentials:
                subsets.with_federated.append(identity)
            if privileged(identity.tier) or privileged(identity.computed_tier):
                subsets.privileged.append(identity)
            if identity.enabled is False:
                subsets.disabled.append(identity)
            if identity.risk is not None:
                subsets.with_risk.append(identity)
            if not any(o.of in ("application", "both") for o in identity.owners):
                subsets.without_app_owner.append(identity)
        return subsets

    @property
    def with_credentials(self) -> list[WorkloadIdentity]:
        """The identities with a secret or certificate."""
        return self.subsets.with_credentials

    @property
    def own_credentials(self) -> list[tuple[WorkloadIdentity, list[Credential]]]:
        """Per identity, the credentials an admin of this tenant manages (not Azure's own
        managed identity certificates); identities without any are left out."""
        return self.subsets.own_credentials

    @property
    def with_federated(self) -> list[WorkloadIdentity]:
        return self.subsets.with_federated

    @property
    def privileged(self) -> list[WorkloadIdentity]:
        """The identities whose tier, or computed tier, is ManagementPlane or higher."""
        return self.subsets.privileged

    def based_on(self, *kinds: str) -> list[str]:
        """The data kinds, among these, that this tenant's data holds."""
        return [k for k in kinds if k in self.available]


@dataclass(frozen=True)
class Rule:
    """A rule runs only when every `needs` kind and at least one `needs_any` kind is there."""

    id: str
    title: str
    find: Callable[[RuleContext], Iterator[Finding]]
    needs: tuple[str, ...] = ()
    needs_any: tuple[str, ...] = ()
    severities: tuple[str, ...] = field(default=())

    def missing(self, available: set[str]) -> list[str]:
        gone = [k for k in self.needs if k not in available]
        if self.needs_any and not any(k in available for k in self.needs_any):
            gone.append(" or ".join(self.needs_any))
        return gone


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def day(value: datetime | None) -> str:
    if value is None:
        return "an unknown date"
    # the same text as strftime("%Y-%m-%d"), which pads years below 1000 differently
    return value.date().isoformat() if value.year >= 1000 else value.strftime("%Y-%m-%d")


def quoted(text: str | None, limit: int = 60) -> str:
    """A directory string for a summary line: shortened, quoted; the printer neutralises it."""
    value = (text or "").strip()
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return f"'{value}'" if value else "(no name)"


def credential_label(credential: Credential) -> str:
    kind = {"secret": "client secret", "certificate": "certificate"}.get(credential.type, "key")
    return f"{kind} {quoted(credential.display_name)} (keyId {credential.key_id})"


def credential_evidence(credential: Credential, **extra: Any) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "keyId": credential.key_id, "type": credential.type,
        "displayName": credential.display_name, "on": credential.on,
        "start": iso(credential.start), "end": iso(credential.end),
    }
    evidence.update(extra)
    return evidence


def names(items: list[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
