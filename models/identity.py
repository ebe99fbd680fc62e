"""The domain: one workload identity with everything known about it, and the principals
(users, groups, other service principals) seen around identities.

`WorkloadIdentity` is what the identity detail screen shows and what the cache stores per
identity (JSON round trip with model_dump_json / model_validate_json). Strings from the
directory stay raw data here: whoever prints them neutralises them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import core_schema

from models.fic import ParsedSubject
from models.finding import Finding
from models.kinds import KindFacts
from models.tiers import UNCLASSIFIED, TierOverride, TierReason


class Credential(BaseModel):
    """A client secret or certificate, on the application or on the service principal."""

    key_id: str
    type: str  # secret, certificate, key
    display_name: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    on: str = "application"  # application, servicePrincipal
    usage: str | None = None  # Verify, Sign (certificates)
    thumbprint: str | None = None
    status: str = "unknown"  # valid, expiring, expired, unknown
    days_left: int | None = None
    last_used: datetime | None = None  # appCredentialSignInActivities
    last_sign_in: datetime | None = None  # seen in the sign-in logs
    managed_by_azure: bool = False  # managed identity certificates, rotated by Azure
    saml_signing: bool = False  # part of a SAML token-signing certificate set


class FederatedCredential(BaseModel):
    id: str
    name: str | None = None
    issuer: str | None = None
    subject: str | None = None
    audiences: list[str] = Field(default_factory=list)
    description: str | None = None
    expression: str | None = None  # claimsMatchingExpression of a flexible credential
    provider: str | None = None  # github, aks, terraform, ... or None when unknown
    issuer_label: str = ""
    parsed: ParsedSubject = Field(default_factory=ParsedSubject)
    flags: list[str] = Field(default_factory=list)


class AppPermission(BaseModel):
    """An application permission (app role assignment) held by the identity."""

    assignment_id: str
    resource_id: str  # the resource's service principal id
    resource_app_id: str = ""
    resource_name: str = ""
    app_role_id: str = ""
    value: str = ""
    tier: str = UNCLASSIFIED
    why: str = ""
    created: datetime | None = None


class ScopeTier(BaseModel):
    """One delegated scope with its tier; shared between grants (hence frozen)."""

    model_config = ConfigDict(frozen=True)

    value: str
    tier: str = UNCLASSIFIED
    why: str = ""


class DelegatedGrant(BaseModel):
    """Delegated permissions the identity may use on a resource, for all users or one."""

    grant_id: str
    resource_id: str
    resource_app_id: str = ""
    resource_name: str = ""
    scopes: list[ScopeTier] = Field(default_factory=list)
    consent_type: str | None = None  # AllPrincipals, Principal
    principal_id: str | None = None
    principal_name: str | None = None
    tier: str = UNCLASSIFIED


class DirectoryRole(BaseModel):
    """An Entra directory role held actively or as PIM-eligible, with its scope."""

    role_definition_id: str
    template_id: str | None = None
    name: str = ""
    state: str = "active"  # active, eligible
    scope: str = "/"
    scope_name: str | None = None
    scope_kind: str = "tenant"  # tenant, application, servicePrincipal, administrativeUnit,
    # appScope, object
    tier: str = UNCLASSIFIED
    why: str = ""
    custom: bool = False
    assignment_id: str | None = None  # role assignment or eligibility schedule id
    eligibility_end: datetime | None = None
    via_group_id: str | None = None
    via_group_name: str | None = None
    source: str = "roleAssignments"  # roleAssignments, roleEligibilitySchedules, memberOf


class GroupMembership(BaseModel):
    id: str
    name: str | None = None
    role_assignable: bool = False
    security_enabled: bool | None = None


class Owner(BaseModel):
    id: str
    kind: str = "directoryObject"  # user, servicePrincipal, group, ...
    name: str | None = None
    upn: str | None = None
    tier: str = UNCLASSIFIED
    tier_known: bool = False
    why: str = ""
    of: str = "application"  # application, servicePrincipal, both


class SignInEntry(BaseModel):
    id: str
    time: datetime | None = None
    ip: str | None = None
    location: str | None = None
    resource: str | None = None
    resource_id: str | None = None  # the resource's appId
    key_id: str | None = None
    credential_type: str | None = None
    succeeded: bool = True
    error_code: int | None = None
    failure: str | None = None
    event_types: list[str] = Field(default_factory=list)
    msi_type: str | None = None
    federated_token_issuer: str | None = None
    federated_token_id: str | None = None


class SignInSummary(BaseModel):
    """When the identity last signed in, per type, and which sign-in data said so."""

    last_sign_in: datetime | None = None
    last_by_type: dict[str, datetime | None] = Field(default_factory=dict)
    sign_ins_in_data: int = 0
    available: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)


class AuditTarget(BaseModel):
    id: str | None = None
    name: str | None = None
    type: str | None = None


class AuditEntry(BaseModel):
    """A directory audit event touching the identity (as target or as actor)."""

    id: str
    time: datetime | None = None
    activity: str = ""
    category: str | None = None
    result: str | None = None
    role: str = "target"  # target, actor
    actor_kind: str = "unknown"  # user, servicePrincipal, unknown
    actor_id: str | None = None
    actor_name: str | None = None  # UPN of a user, display name of an app
    actor_tier: str = UNCLASSIFIED
    actor_tier_known: bool = False
    targets: list[AuditTarget] = Field(default_factory=list)
    keys_added: list[str] = Field(default_factory=list)
    keys_removed: list[str] = Field(default_factory=list)
    federated_added: list[str] = Field(default_factory=list)
    federated_removed: list[str] = Field(default_factory=list)
    owners_added: list[str] = Field(default_factory=list)
    properties: list[str] = Field(default_factory=list)  # other modified properties
    managed_rotation: bool = False  # Azure rotating a managed identity's certificate


class RiskDetection(BaseModel):
    id: str
    type: str | None = None
    state: str | None = None
    level: str | None = None
    time: datetime | None = None
    ip: str | None = None
    key_ids: list[str] = Field(default_factory=list)
    activity: str | None = None
    source: str | None = None


class Risk(BaseModel):
    state: str | None = None
    level: str | None = None
    detail: str | None = None
    last_updated: datetime | None = None
    detections: list[RiskDetection] = Field(default_factory=list)


class _AsRead:
    """A raw Graph object kept as read: not validated, not copied, and written out by
    pydantic's own type inference (pydantic's SkipValidation calls back into Python for
    every object it writes, a third of the time of writing 50,000 identities)."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        declared = handler(source)  # for the JSON schema only
        return core_schema.any_schema(
            metadata={"pydantic_js_annotation_functions": [lambda _, h: h(declared)]})


RawObject = Annotated[dict[str, Any] | None, _AsRead]


class WorkloadIdentity(BaseModel):
    """One application and/or service principal seen as a single workload identity."""

    id: str  # service principal id, or application object id when there is none
    app_id: str = ""
    application_id: str | None = None
    service_principal_id: str | None = None
    display_name: str = ""
    kind: str
    facts: KindFacts = Field(default_factory=KindFacts)
    enabled: bool | None = None
    created: datetime | None = None
    publisher: str | None = None
    owner_organization_id: str | None = None
    sign_in_audience: str | None = None
    tags: list[str] = Field(default_factory=list)
    notes: str | None = None
    service_management_reference: str | None = None
    tier: str = UNCLASSIFIED
    tier_reasons: list[TierReason] = Field(default_factory=list)
    tier_overridden: bool = False
    tier_override: TierOverride | None = None
    computed_tier: str = UNCLASSIFIED  # what the permissions and roles alone give
    credentials: list[Credential] = Field(default_factory=list)
    federated_credentials: list[FederatedCredential] = Field(default_factory=list)
    app_permissions: list[AppPermission] = Field(default_factory=list)
    delegated_grants: list[DelegatedGrant] = Field(default_factory=list)
    directory_roles: list[DirectoryRole] = Field(default_factory=list)
    groups: list[GroupMembership] = Field(default_factory=list)
    owners: list[Owner] = Field(default_factory=list)
    sign_ins: list[SignInEntry] = Field(default_factory=list)  # most recent first, capped
    sign_in_summary: SignInSummary = Field(default_factory=SignInSummary)
    audit_events: list[AuditEntry] = Field(default_factory=list)
    risk: Risk | None = None
    # the Graph objects as read, for the raw JSON view (kept as is: no copy, no validation)
    raw_application: RawObject = None
    raw_service_principal: RawObject = None
    findings: list[Finding] = Field(default_factory=list)


class Principal(BaseModel):
    """A user, group or service principal seen as owner, actor or role holder."""

    id: str
    kind: str = "directoryObject"  # user, group, servicePrincipal, directoryObject
    display_name: str | None = None
    upn: str | None = None
    tier: str = UNCLASSIFIED
    tier_known: bool = False  # False when the role data needed was not available
    tier_reasons: list[TierReason] = Field(default_factory=list)
    roles: list[DirectoryRole] = Field(default_factory=list)
    identity_id: str | None = None  # set when the principal is one of the identities
    owns: list[str] = Field(default_factory=list)  # identity ids it owns
