"""Tenant-wide figures, like the ones Microsoft publishes on workload identities."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from models.events import SIGN_IN_KINDS
from models.finding import SEVERITIES, Finding
from models.identity import WorkloadIdentity
from models.kinds import APP_WITHOUT_SP, KINDS, MICROSOFT_APP
from models.recording import KINDS as DATA_KINDS
from models.tenant import TenantData
from models.tiers import DEFAULT_ACCESS_ROLE, TIERS


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Share(_Camel):
    """count of total, as a share; None when the data to tell was missing (see note)."""

    count: int | None = None
    total: int = 0
    share: float | None = None
    basis: str = ""
    based_on: list[str] = Field(default_factory=list)
    note: str = ""


class UnavailableKind(_Camel):
    kind: str
    reason: str
    status: int | None = None
    permission: str = ""
    unlocks: str = ""


class CredentialFigures(_Camel):
    total: int = 0
    by_type: dict[str, int] = Field(default_factory=dict)  # secret, certificate, key, federated
    on_application: int = 0
    on_service_principal: int = 0
    expired: int = 0
    expiring: int = 0
    azure_managed: int = 0  # managed identity certificates, not counted above


class Overview(_Camel):
    identities: int = 0
    by_kind: dict[str, int] = Field(default_factory=dict)
    by_tier: dict[str, int] = Field(default_factory=dict)
    by_kind_and_tier: dict[str, dict[str, int]] = Field(default_factory=dict)
    inactive: Share = Field(default_factory=Share)
    unused_permissions: Share = Field(default_factory=Share)
    user_count: int | None = None
    users_per_identity: float | None = None
    credentials: CredentialFigures = Field(default_factory=CredentialFigures)
    findings_by_rule: dict[str, int] = Field(default_factory=dict)
    findings_by_severity: dict[str, int] = Field(default_factory=dict)
    unavailable: list[UnavailableKind] = Field(default_factory=list)
    data_warnings: int = 0


def unavailable_kinds(data: TenantData) -> list[UnavailableKind]:
    """Every data kind the analysis had to do without, why, and what would unlock it."""
    result = []
    for kind in DATA_KINDS:
        if data.has(kind.name):
            continue
        why = data.unavailable.get(kind.name)
        result.append(UnavailableKind(
            kind=kind.name, reason=why.reason if why else "not in this data set",
            status=why.status if why else None,
            permission=(why.permission if why and why.permission else kind.permission),
            unlocks=kind.unlocks))
    return result


def _share(count: int, total: int, **fields: object) -> Share:
    return Share(count=count, total=total, share=round(count / total, 4) if total else None,
                 **fields)  # type: ignore[arg-type]


def _span(times: list[datetime]) -> str:
    if not times:
        return "no sign-ins in the logs"
    return f"sign-in logs {min(times):%Y-%m-%d} to {max(times):%Y-%m-%d}"


def build_overview(identities: list[WorkloadIdentity], findings: list[Finding], data: TenantData,
                   now: datetime, stale_days: int, used_resources: dict[str, set[str]],
                   unavailable: list[UnavailableKind]) -> Overview:
    """`used_resources`: per identity id, the resource appIds its sign-ins reached."""
    since = now - timedelta(days=stale_days)
    matrix: dict[str, Counter[str]] = {}
    by_tier: Counter[str] = Counter()
    ours = signing = inactive = granted = unused = 0
    credentials = _CredentialCounts()
    for identity in identities:  # one pass: this runs over every identity of the tenant
        if identity.credentials or identity.federated_credentials:
            credentials.add(identity)
        kind, tier = identity.kind, identity.tier
        row = matrix.get(kind)
        if row is None:
            row = matrix[kind] = Counter()
        row[tier] += 1
        by_tier[tier] += 1
        if kind != MICROSOFT_APP:
            ours += 1
            if kind != APP_WITHOUT_SP:
                signing += 1
                last = identity.sign_in_summary.last_sign_in
                if last is None or last < since:
                    inactive += 1
        if identity.app_permissions:
            used = used_resources.get(identity.id, ())
            for permission in identity.app_permissions:
                if permission.app_role_id != DEFAULT_ACCESS_ROLE:
                    granted += 1
                    if permission.resource_app_id.lower() not in used:
                        unused += 1
    by_severity = Counter(f.severity for f in findings)
    overview = Overview(
        identities=len(identities),
        by_kind={k: sum(matrix[k].values()) for k in KINDS if k in matrix},
        by_tier={t: by_tier[t] for t in TIERS if by_tier[t]},
        by_kind_and_tier={k: {t: matrix[k][t] for t in TIERS if matrix[k][t]}
                          for k in KINDS if k in matrix},
        findings_by_severity={s: by_severity[s] for s in SEVERITIES if by_severity[s]},
        findings_by_rule=dict(Counter(f.rule for f in findings).most_common()),
        unavailable=unavailable, data_warnings=data.warnings.count, user_count=data.user_count,
    )
    available = [k for k in SIGN_IN_KINDS if data.has(k)]
    if available:
        note = "" if "servicePrincipalSignInActivities" in available else (
            "only the sign-in logs were available: they cover a few days, not "
            f"{stale_days}")
        overview.inactive = _share(inactive, signing, based_on=available, note=note,
                                   basis=f"identities with a service principal (Microsoft apps "
                                   f"left out) without a sign-in in {stale_days} days")
    else:
        overview.inactive = Share(total=signing, note="no sign-in data was available")
    if data.has("signIns"):
        times = [s.created_date_time for s in data.sign_ins if s.created_date_time]
        overview.unused_permissions = _share(
            unused, granted, based_on=["appRoleAssignments", "signIns"],
            basis="application permissions on a resource the identity did not call in the "
            + _span(times))
    else:
        overview.unused_permissions = Share(total=granted,
                                            note="the sign-in logs were not available")
    if data.user_count is not None and ours:
        overview.users_per_identity = round(data.user_count / ours, 2)
    overview.credentials = credentials.figures()
    return overview


class _CredentialCounts:
    """Credentials by type, where they sit and their state (Azure's own left out)."""

    def __init__(self) -> None:
        self.types: Counter[str] = Counter()
        self.managed = self.on_application = self.on_service_principal = 0
        self.expired = self.expiring = 0

    def add(self, identity: WorkloadIdentity) -> None:
        types = self.types
        for credential in identity.credentials:
            if credential.managed_by_azure:
                self.managed += 1
                continue
            types[credential.type] += 1
            if credential.on == "application":
                self.on_application += 1
            else:
                self.on_service_principal += 1
            status = credential.status
            self.expired += status == "expired"
            self.expiring += status == "expiring"
        types["federated"] += len(identity.federated_credentials)

    def figures(self) -> CredentialFigures:
        types = self.types
        by_type = {k: types[k] for k in ("secret", "certificate", "key", "federated") if types[k]}
        return CredentialFigures(
            total=sum(by_type.values()), by_type=by_type, on_application=self.on_application,
            on_service_principal=self.on_service_principal, expired=self.expired,
            expiring=self.expiring, azure_managed=self.managed)
