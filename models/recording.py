"""A tenant recording in memory: the bodies of Graph GET responses, by URL path.

The on-disk format (`docs/recording-format.md`) is read and written by `graph.recording`;
the cache keeps snapshots in the same shape. A path is the URL path after the host with
no query string and no `.json`, e.g. `v1.0/applications/{id}/owners`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

FORMAT = "wlx-recording/1"


@dataclass(frozen=True)
class DataKind:
    """One kind of data wlx reads: where it lives, what it needs, what it unlocks."""

    name: str
    path: str  # a template with {id} for per-object relations
    permission: str
    unlocks: str
    parent: str = ""  # for relations: the collection whose objects own it
    beta: bool = False

    @property
    def per_object(self) -> bool:
        return "{id}" in self.path

    def path_for(self, object_id: str) -> str:
        return self.path.replace("{id}", object_id)


KINDS: tuple[DataKind, ...] = (
    DataKind("organization", "v1.0/organization", "Directory.Read.All",
             "the tenant's name and domains"),
    DataKind("applications", "v1.0/applications", "Application.Read.All",
             "app registrations, their credentials and requested permissions"),
    DataKind("servicePrincipals", "v1.0/servicePrincipals", "Application.Read.All",
             "service principals and managed identities"),
    DataKind("applicationOwners", "v1.0/applications/{id}/owners", "Application.Read.All",
             "who can add credentials to an app registration", parent="applications"),
    DataKind("federatedIdentityCredentials",
             "v1.0/applications/{id}/federatedIdentityCredentials", "Application.Read.All",
             "federated credentials (GitHub Actions, Kubernetes, ...)", parent="applications"),
    DataKind("servicePrincipalOwners", "v1.0/servicePrincipals/{id}/owners",
             "Application.Read.All", "owners of service principals",
             parent="servicePrincipals"),
    DataKind("appRoleAssignments", "v1.0/servicePrincipals/{id}/appRoleAssignments",
             "Application.Read.All", "application permissions granted to each identity",
             parent="servicePrincipals"),
    DataKind("memberOf", "v1.0/servicePrincipals/{id}/memberOf", "Application.Read.All",
             "group memberships", parent="servicePrincipals"),
    DataKind("oauth2PermissionGrants", "v1.0/oauth2PermissionGrants", "Directory.Read.All",
             "delegated permission grants"),
    DataKind("roleDefinitions", "v1.0/roleManagement/directory/roleDefinitions",
             "RoleManagement.Read.Directory", "names and actions of Entra roles"),
    DataKind("roleAssignments", "v1.0/roleManagement/directory/roleAssignments",
             "RoleManagement.Read.Directory", "active Entra role assignments"),
    DataKind("roleEligibilitySchedules",
             "v1.0/roleManagement/directory/roleEligibilitySchedules",
             "RoleEligibilitySchedule.Read.Directory", "PIM-eligible Entra roles"),
    DataKind("directoryAudits", "v1.0/auditLogs/directoryAudits", "AuditLog.Read.All",
             "who changed credentials, owners and roles"),
    DataKind("signIns", "beta/auditLogs/signIns", "AuditLog.Read.All",
             "service principal and managed identity sign-ins (needs Entra ID P1/P2)",
             beta=True),
    DataKind("riskyServicePrincipals", "v1.0/identityProtection/riskyServicePrincipals",
             "IdentityRiskyServicePrincipal.Read.All",
             "risk state of service principals (needs Workload Identities Premium)"),
    DataKind("servicePrincipalRiskDetections",
             "v1.0/identityProtection/servicePrincipalRiskDetections",
             "IdentityRiskEvent.Read.All", "risk detections (needs Workload Identities Premium)"),
    DataKind("servicePrincipalSignInActivities", "beta/reports/servicePrincipalSignInActivities",
             "AuditLog.Read.All", "last sign-in of every service principal", beta=True),
    DataKind("appCredentialSignInActivities", "beta/reports/appCredentialSignInActivities",
             "AuditLog.Read.All", "last use of every credential", beta=True),
    DataKind("userCount", "v1.0/users/$count", "User.ReadBasic.All",
             "the number of users, for the users-per-workload-identity figure"),
)
KIND_BY_NAME: dict[str, DataKind] = {kind.name: kind for kind in KINDS}


@dataclass
class Unavailable:
    """Why a data kind is missing: Graph's status and message, and what would unlock it."""

    status: int | None
    reason: str
    permission: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, "permission": self.permission}

    @classmethod
    def from_json(cls, data: Any) -> Unavailable:
        if not isinstance(data, dict):
            return cls(None, str(data))
        status = data.get("status")
        return cls(status if isinstance(status, int) else None,
                   str(data.get("reason") or ""), str(data.get("permission") or ""))


@dataclass(repr=False)
class Recording:
    """The bodies of Graph GET responses for one tenant at one time."""

    def __repr__(self) -> str:  # the default would print every body (seconds at 50k)
        return (f"Recording(tenant_id={self.tenant_id!r}, recorded_at={self.recorded_at!r}, "
                f"bodies={len(self.bodies)}, unavailable={sorted(self.unavailable)})")

    tenant_id: str
    recorded_at: datetime
    cloud: str = "global"
    bodies: dict[str, Any] = field(default_factory=dict)
    unavailable: dict[str, Unavailable] = field(default_factory=dict)

    def items(self, path: str) -> list[Any]:
        """The `value` list at a path; [] when the path is absent."""
        body = self.bodies.get(path)
        if isinstance(body, dict):
            value = body.get("value")
            return value if isinstance(value, list) else []
        return []

    def set_items(self, path: str, items: list[Any]) -> None:
        self.bodies[path] = {"value": items}

    def relation(self, kind: DataKind, object_id: str) -> list[Any]:
        return self.items(kind.path_for(object_id))

    def has(self, kind: DataKind) -> bool:
        """Whether this data kind was read (an empty list counts as read)."""
        if kind.name in self.unavailable:
            return False
        if not kind.per_object:
            return kind.path in self.bodies
        prefix, suffix = kind.path.split("{id}")
        parents = self.items(KIND_BY_NAME[kind.parent].path)
        if not parents:
            return KIND_BY_NAME[kind.parent].path in self.bodies
        return any(p.startswith(prefix) and p.endswith(suffix) for p in self.bodies)

    def meta(self) -> dict[str, Any]:
        """The content of recording.json."""
        meta: dict[str, Any] = {
            "format": FORMAT,
            "recordedAt": self.recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tenantId": self.tenant_id,
            "cloud": self.cloud,
        }
        if self.unavailable:
            meta["unavailable"] = {k: v.to_json() for k, v in sorted(self.unavailable.items())}
        return meta


def parse_recorded_at(value: Any) -> datetime:
    """recordedAt of recording.json; a bad value is an error the caller reports."""
    if not isinstance(value, str):
        raise ValueError(f"recordedAt must be an ISO-8601 timestamp, got {value!r}")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
