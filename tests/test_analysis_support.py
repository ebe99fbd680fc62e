"""Small hand-made tenants for the analysis tests, written as Graph JSON (camelCase, as
Graph returns it) and turned into a Recording, then TenantData, the real way."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from models.analysis import Analysis, analyze
from models.config import AnalysisConfig
from models.recording import KIND_BY_NAME, KINDS, Recording
from models.tenant import TenantData

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TENANT = "11111111-1111-1111-1111-111111111111"
MICROSOFT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
GRAPH = "00000003-0000-0000-c000-000000000000"
EXCHANGE = "00000002-0000-0ff1-ce00-000000000000"
SHAREPOINT = "00000003-0000-0ff1-ce00-000000000000"
# real app role ids (Microsoft Graph unless said otherwise)
ROLE_MANAGEMENT_RW = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"  # ControlPlane
USER_RW_ALL = "741f803b-c850-494e-b5df-cde7c675a1ca"  # Graph ControlPlane, SharePoint ManagementPlane
MAIL_READ = "810c84a8-4a9e-49e6-bf7d-12d183f40d01"  # Graph ManagementPlane
USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214"  # UserAccess
FULL_ACCESS_AS_APP = "dc890d15-9560-4a4c-9b7f-a736ec74ec40"  # Exchange, ManagementPlane
# directory role template ids
GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
APP_ADMIN = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
APP_DEVELOPER = "cf1c38e5-3621-4004-a7cb-879624dced7c"
EXCHANGE_ADMIN = "29232cdf-9323-42fd-ade2-1d097af3e4de"


def ts(days: float = 0, now: datetime = NOW) -> str:
    """An ISO time `days` from NOW (negative: in the past)."""
    return (now + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def user(upn: str, user_id: str, name: str | None = None) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.user", "id": user_id, "userPrincipalName": upn,
            "displayName": name or upn.split("@")[0]}


def secret(key_id: str, start: float = -30, end: float = 150, name: str = "ci") -> dict[str, Any]:
    return {"keyId": key_id, "displayName": name, "startDateTime": ts(start),
            "endDateTime": ts(end), "hint": "abc"}


def cert(key_id: str, start: float = -30, end: float = 300, name: str = "CN=app",
         usage: str = "Verify") -> dict[str, Any]:
    return {"keyId": key_id, "displayName": name, "type": "AsymmetricX509Cert", "usage": usage,
            "startDateTime": ts(start), "endDateTime": ts(end),
            "customKeyIdentifier": "A1B2C3" + key_id[:4]}


def github_fic(fic_id: str, subject: str, **extra: Any) -> dict[str, Any]:
    return {"id": fic_id, "name": f"gh-{fic_id}", "issuer": "https://token.actions.githubusercontent.com",
            "subject": subject, "audiences": ["api://AzureADTokenExchange"], **extra}


class Tenant:
    """Collects Graph objects; `recording()` writes every data kind (empty when unused)."""

    def __init__(self, tenant_id: str = TENANT, now: datetime = NOW) -> None:
        self.tenant_id, self.now = tenant_id, now
        self.bodies: dict[str, list[Any]] = {kind.path: [] for kind in KINDS
                                             if not kind.per_object and kind.name != "userCount"}
        self.bodies["v1.0/organization"] = [{"id": tenant_id, "displayName": "Contoso Test",
                                             "verifiedDomains": [{"name": "contoso.test",
                                                                  "isDefault": True}]}]
        self.relations: dict[str, list[Any]] = {}
        self.user_count: int | None = 120
        self._ids = itertools.count(1)

    def new_id(self, prefix: str = "0000") -> str:
        return f"{prefix}{next(self._ids):04d}-0000-4000-8000-{next(self._ids):012d}"

    def _rel(self, kind: str, object_id: str) -> list[Any]:
        return self.relations.setdefault(KIND_BY_NAME[kind].path_for(object_id), [])

    # -- objects -----------------------------------------------------------------------
    def resource(self, app_id: str, name: str, roles: dict[str, str] | None = None) -> str:
        """A Microsoft first-party resource service principal; returns its id."""
        sp_id = self.new_id("aaaa")
        self.bodies["v1.0/servicePrincipals"].append({
            "id": sp_id, "appId": app_id, "displayName": name, "servicePrincipalType": "Application",
            "appOwnerOrganizationId": MICROSOFT, "accountEnabled": True,
            "appRoles": [{"id": rid, "value": value, "allowedMemberTypes": ["Application"],
                          "isEnabled": True} for rid, value in (roles or {}).items()]})
        return sp_id

    def app(self, name: str, *, sp: bool = True, created: float = -400, secrets: list | None = None,
            certs: list | None = None, sp_secrets: list | None = None, sp_certs: list | None = None,
            owners: list | None = None, sp_owners: list | None = None, fics: list | None = None,
            enabled: bool = True, audience: str = "AzureADMyOrg", **sp_extra: Any) -> dict[str, str]:
        """An app registration (and its service principal); returns its ids."""
        app_id, object_id = self.new_id("c11e"), self.new_id("a99a")
        self.bodies["v1.0/applications"].append({
            "id": object_id, "appId": app_id, "displayName": name, "createdDateTime": ts(created),
            "signInAudience": audience, "passwordCredentials": secrets or [],
            "keyCredentials": certs or [], "publisherDomain": "contoso.test"})
        self._rel("applicationOwners", object_id).extend(owners or [])
        self._rel("federatedIdentityCredentials", object_id).extend(fics or [])
        ids = {"appId": app_id, "applicationId": object_id}
        if sp:
            ids["spId"] = self.service_principal(
                name, app_id=app_id, owner_org=self.tenant_id, secrets=sp_secrets, certs=sp_certs,
                owners=sp_owners, enabled=enabled, audience=audience, **sp_extra)
        return ids

    def service_principal(self, name: str, *, app_id: str | None = None, owner_org: str | None = None,
                          sp_type: str = "Application", secrets: list | None = None,
                          certs: list | None = None, owners: list | None = None,
                          enabled: bool = True, audience: str | None = None,
                          **extra: Any) -> str:
        sp_id = self.new_id("5e5e")
        body = {"id": sp_id, "appId": app_id or self.new_id("c11e"), "displayName": name,
                "servicePrincipalType": sp_type, "appOwnerOrganizationId": owner_org,
                "accountEnabled": enabled, "passwordCredentials": secrets or [],
                "keyCredentials": certs or [], "signInAudience": audience, **extra}
        self.bodies["v1.0/servicePrincipals"].append(body)
        for kind in ("servicePrincipalOwners", "appRoleAssignments", "memberOf"):
            self._rel(kind, sp_id)
        self._rel("servicePrincipalOwners", sp_id).extend(owners or [])
        return sp_id

    def managed_identity(self, name: str, *, user_assigned: bool) -> str:
        arm = ("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/"
               f"userAssignedIdentities/{name}" if user_assigned else
               f"/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/sites/{name}")
        return self.service_principal(
            name, sp_type="ManagedIdentity", owner_org=None,
            alternativeNames=[f"isExplicit={user_assigned}", arm],
            certs=[cert(self.new_id("ce27"), start=-10, end=170, name="CN=msi")])

    def member_of(self, sp_id: str, group_id: str, name: str, role_assignable: bool = False) -> None:
        self._rel("memberOf", sp_id).append({
            "@odata.type": "#microsoft.graph.group", "id": group_id, "displayName": name,
            "isAssignableToRole": role_assignable, "securityEnabled": True})

    # -- relations ---------------------------------------------------------------------
    def grant_app_role(self, sp_id: str, resource_sp: str, role_id: str, days: float = -100) -> str:
        assignment = self.new_id("a551")
        self._rel("appRoleAssignments", sp_id).append({
            "id": assignment, "appRoleId": role_id, "principalId": sp_id,
            "principalType": "ServicePrincipal", "resourceId": resource_sp,
            "createdDateTime": ts(days)})
        return assignment

    def delegated(self, client_sp: str, resource_sp: str, scope: str,
                  consent: str = "AllPrincipals", principal: str | None = None) -> None:
        self.bodies["v1.0/oauth2PermissionGrants"].append({
            "id": self.new_id("9a47"), "clientId": client_sp, "resourceId": resource_sp,
            "consentType": consent, "principalId": principal, "scope": scope})

    def role(self, principal_id: str, role_id: str, scope: str = "/", eligible: bool = False,
             end: float | None = None) -> None:
        if eligible:
            self.bodies["v1.0/roleManagement/directory/roleEligibilitySchedules"].append({
                "id": self.new_id("e119"), "principalId": principal_id,
                "roleDefinitionId": role_id, "directoryScopeId": scope, "memberType": "Direct",
                "status": "Provisioned", "scheduleInfo": {"startDateTime": ts(-10), "expiration": {
                    "type": "afterDateTime" if end else "noExpiration",
                    "endDateTime": ts(end) if end else None}}})
        else:
            self.bodies["v1.0/roleManagement/directory/roleAssignments"].append({
                "id": self.new_id("4a55"), "principalId": principal_id,
                "roleDefinitionId": role_id, "directoryScopeId": scope})

    def role_definition(self, role_id: str, name: str, actions: list[str], built_in: bool) -> None:
        self.bodies["v1.0/roleManagement/directory/roleDefinitions"].append({
            "id": role_id, "displayName": name, "isBuiltIn": built_in, "isEnabled": True,
            "templateId": role_id,
            "rolePermissions": [{"allowedResourceActions": actions, "condition": None}]})

    # -- activity ----------------------------------------------------------------------
    def sign_in_activity(self, app_id: str, days: float | None) -> None:
        last = {"lastSignInDateTime": ts(days)} if days is not None else None
        self.bodies["beta/reports/servicePrincipalSignInActivities"].append({
            "id": self.new_id("51a0"), "appId": app_id, "lastSignInActivity": last,
            "applicationAuthenticationClientSignInActivity": last})

    def credential_activity(self, key_id: str, app_id: str, days: float | None) -> None:
        self.bodies["beta/reports/appCredentialSignInActivities"].append({
            "id": self.new_id("c4ed"), "keyId": key_id, "appId": app_id, "keyType": "clientSecret",
            "signInActivity": {"lastSignInDateTime": ts(days)} if days is not None else None})

    def sign_in(self, sp_id: str, app_id: str, days: float, ip: str = "203.0.113.10",
                key_id: str | None = None, resource: str = GRAPH, error: int = 0) -> None:
        self.bodies["beta/auditLogs/signIns"].append({
            "id": self.new_id("5191"), "createdDateTime": ts(days), "appId": app_id,
            "servicePrincipalId": sp_id, "ipAddress": ip, "resourceId": resource,
            "resourceDisplayName": "Microsoft Graph",
            "servicePrincipalCredentialKeyId": key_id, "clientCredentialType": "clientSecret",
            "signInEventTypes": ["servicePrincipal"],
            "status": {"errorCode": error, "failureReason": "bad secret" if error else None}})

    def audit(self, activity: str, target: dict[str, Any], *, user: dict | None = None,
              app: dict | None = None, days: float = -2, result: str = "success",
              extra_targets: list | None = None) -> str:
        audit_id = self.new_id("ad17")
        self.bodies["v1.0/auditLogs/directoryAudits"].append({
            "id": audit_id, "category": "ApplicationManagement", "activityDisplayName": activity,
            "activityDateTime": ts(days), "result": result, "loggedByService": "Core Directory",
            "initiatedBy": {"user": user, "app": app},
            "targetResources": [target] + (extra_targets or [])})
        return audit_id

    # -- output ------------------------------------------------------------------------
    def recording(self, omit: tuple[str, ...] = ()) -> Recording:
        rec = Recording(tenant_id=self.tenant_id, recorded_at=self.now)
        for path, items in self.bodies.items():
            rec.set_items(path, items)
        for path, items in self.relations.items():
            rec.set_items(path, items)
        if self.user_count is not None:
            rec.bodies[KIND_BY_NAME["userCount"].path] = self.user_count
        for name in omit:
            kind = KIND_BY_NAME[name]
            if kind.per_object:
                prefix, suffix = kind.path.split("{id}")
                for path in [p for p in rec.bodies if p.startswith(prefix) and p.endswith(suffix)]:
                    del rec.bodies[path]
            else:
                rec.bodies.pop(kind.path, None)
        return rec

    def data(self, omit: tuple[str, ...] = ()) -> TenantData:
        return TenantData.from_recording(self.recording(omit))

    def analyze(self, omit: tuple[str, ...] = (), config: AnalysisConfig | None = None,
                **kwargs: Any) -> Analysis:
        rec = self.recording(omit)
        return analyze(TenantData.from_recording(rec), config or AnalysisConfig(), self.now,
                       recording=rec, **kwargs)


def findings(analysis: Analysis, rule: str, identity_id: str | None = None) -> list:
    return [f for f in analysis.findings if f.rule == rule
            and (identity_id is None or f.identity_id == identity_id)]


def identity(analysis: Analysis, identity_id: str):
    found = analysis.identity(identity_id)
    assert found is not None, identity_id
    return found
