"""Object factories for the demo tenant: Graph-shaped dicts, built fast and deterministically.

`Tenant` holds everything generated so far (collections, per-object relations, the people
and the workload profiles the activity generator reads) and makes new objects in the exact
JSON shapes Graph returns. No pydantic here: plain dicts keep 100,000 identities cheap.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from graph.demo import catalog, names
from models.recording import KIND_BY_NAME, Recording

APP_TAG = "WindowsAzureActiveDirectoryIntegratedApp"
TOKEN_EXCHANGE = "api://AzureADTokenExchange"
HINT_CHARS = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789~._-"


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Ids:
    """Deterministic GUIDs and opaque ids from their own random stream (seeded)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"wlx-demo-ids:{seed}")

    def guid(self) -> str:
        h = f"{self._rng.getrandbits(128):032x}"
        variant = "89ab"[int(h[16], 16) & 3]
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"

    def raw(self, size: int) -> bytes:
        return self._rng.getrandbits(size * 8).to_bytes(size, "big")

    def b64(self, size: int) -> str:
        return base64.b64encode(self.raw(size)).decode()

    def opaque(self, size: int = 32) -> str:
        """Graph's base64url ids (appRoleAssignment, oauth2PermissionGrant, roleAssignment)."""
        return base64.urlsafe_b64encode(self.raw(size)).decode().rstrip("=")


@dataclass(slots=True)
class Workload:
    """One workload identity and how it behaves, for the activity generator."""

    kind: str  # app, app-without-sp, external-app, microsoft-app, mi-system, mi-user, legacy
    sp: dict[str, Any] | None
    app: dict[str, Any] | None = None
    last_sign_in: datetime | None = None
    ips: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()  # resource appIds it calls
    key_id: str | None = None  # credential its sign-ins use
    credential_type: str = "clientSecret"  # clientSecret, clientAssertion, ...
    fic_id: str | None = None
    msi: dict[str, Any] | None = None
    failures: tuple[int, ...] = ()
    busy: int = 3  # sign-ins in the log per active week
    delegated: bool = False  # used with delegated permissions (report: delegatedClient)
    scenario: str = ""  # the deliberate problem it carries, if any
    # sign-ins beyond the routine ones: {"when", "ip", "key_id", "resource", "error", "risk"}
    extra_sign_ins: list[dict[str, Any]] = field(default_factory=list)
    key_uses: dict[str, datetime] = field(default_factory=dict)  # last use of other keys


class Tenant:
    """The demo tenant under construction."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.seed = seed
        self.now = now
        self.ids = Ids(seed)
        self.rng = random.Random(f"wlx-demo:{seed}")
        self.applications: list[dict[str, Any]] = []
        self.service_principals: list[dict[str, Any]] = []
        self.app_owners: dict[str, list[dict[str, Any]]] = {}
        self.federated: dict[str, list[dict[str, Any]]] = {}
        self.sp_owners: dict[str, list[dict[str, Any]]] = {}
        self.assignments: dict[str, list[dict[str, Any]]] = {}
        self.member_of: dict[str, list[dict[str, Any]]] = {}
        self.grants: list[dict[str, Any]] = []
        self.role_definitions: list[dict[str, Any]] = []
        self.role_assignments: list[dict[str, Any]] = []
        self.eligibility: list[dict[str, Any]] = []
        self.audits: list[dict[str, Any]] = []
        self.sign_ins: list[dict[str, Any]] = []
        self.risky: list[dict[str, Any]] = []
        self.detections: list[dict[str, Any]] = []
        self.sp_activity: list[dict[str, Any]] = []
        self.credential_activity: list[dict[str, Any]] = []
        self.workloads: list[Workload] = []
        self.users: list[dict[str, Any]] = []
        self.ordinary_users: list[dict[str, Any]] = []
        self.admins: dict[str, dict[str, Any]] = {}  # role name -> a user holding it
        self.resource_sp: dict[str, dict[str, Any]] = {}  # first-party appId -> service principal
        self.role_ids: dict[str, str] = {}  # role name -> role definition id
        self.role_objects: dict[str, str] = {}  # role name -> directoryRole object id
        self.groups: dict[str, dict[str, Any]] = {}
        self.user_count = 0

    # -- time -------------------------------------------------------------------------
    def ago(self, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        return self.now - timedelta(days=days, hours=hours, minutes=minutes)

    def between(self, start: datetime, end: datetime) -> datetime:
        span = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, span))

    # -- people -------------------------------------------------------------------------
    def user(self, first: str, last: str, title: str | None = None, upn: str | None = None,
             ordinary: bool = True) -> dict[str, Any]:
        login = upn or f"{first}.{last}@{names.DOMAIN}".lower().replace(" ", "")
        person = {
            "@odata.type": "#microsoft.graph.user", "id": self.ids.guid(), "businessPhones": [],
            "displayName": f"{first} {last}", "givenName": first, "jobTitle": title,
            "mail": login, "mobilePhone": None, "officeLocation": None,
            "preferredLanguage": "en-US", "surname": last, "userPrincipalName": login,
        }
        self.users.append(person)
        if ordinary:
            self.ordinary_users.append(person)
        return person

    def some_user(self) -> dict[str, Any]:
        return self.rng.choice(self.ordinary_users)

    @staticmethod
    def as_owner(obj: dict[str, Any]) -> dict[str, Any]:
        """A copy of a user, group or service principal as owners/memberOf list it."""
        copy = dict(obj)
        if "businessPhones" in copy:
            copy["businessPhones"] = []
        if obj.get("servicePrincipalType") is not None and "@odata.type" not in obj:
            return {"@odata.type": "#microsoft.graph.servicePrincipal", "id": obj["id"],
                    "accountEnabled": obj.get("accountEnabled"), "appId": obj["appId"],
                    "appOwnerOrganizationId": obj.get("appOwnerOrganizationId"),
                    "displayName": obj.get("displayName"),
                    "servicePrincipalType": obj.get("servicePrincipalType")}
        return copy

    # -- credentials ----------------------------------------------------------------------
    def secret(self, name: str | None, start: datetime, end: datetime) -> dict[str, Any]:
        hint = "".join(self.rng.choice(HINT_CHARS) for _ in range(3))
        return {"customKeyIdentifier": None, "displayName": name, "endDateTime": iso(end),
                "hint": hint, "keyId": self.ids.guid(), "startDateTime": iso(start)}

    def certificate(self, subject: str, start: datetime, end: datetime) -> dict[str, Any]:
        return {"customKeyIdentifier": self.ids.b64(20), "displayName": f"CN={subject}",
                "endDateTime": iso(end), "key": None, "keyId": self.ids.guid(),
                "startDateTime": iso(start), "type": "AsymmetricX509Cert", "usage": "Verify"}

    def federated_credential(self, app: dict[str, Any], name: str, issuer: str,
                             subject: str | None, description: str | None = None,
                             expression: str | None = None) -> dict[str, Any]:
        fic: dict[str, Any] = {"id": self.ids.guid(), "audiences": [TOKEN_EXCHANGE],
                               "description": description, "issuer": issuer, "name": name,
                               "subject": subject}
        if expression is not None:
            # flexible credentials (beta): the expression replaces the subject
            fic["claimsMatchingExpression"] = {"languageVersion": 1, "value": expression}
        self.federated.setdefault(app["id"], []).append(fic)
        return fic

    # -- applications and service principals -------------------------------------------
    def application(self, name: str, created: datetime, audience: str = "AzureADMyOrg",
                    notes: str | None = None, tags: list[str] | None = None,
                    web: list[str] | None = None) -> dict[str, Any]:
        app_id = self.ids.guid()
        app = {
            "id": self.ids.guid(), "appId": app_id, "createdDateTime": iso(created),
            "deletedDateTime": None, "description": None, "displayName": name,
            "identifierUris": [f"api://{app_id}"] if self.rng.random() < 0.3 else [],
            "isFallbackPublicClient": None, "notes": notes, "publisherDomain": names.DOMAIN,
            "serviceManagementReference": None, "signInAudience": audience,
            "tags": list(tags or []),
            "api": {"acceptMappedClaims": None, "knownClientApplications": [],
                    "oauth2PermissionScopes": [], "preAuthorizedApplications": [],
                    "requestedAccessTokenVersion": None},
            "appRoles": [], "keyCredentials": [], "passwordCredentials": [],
            "publicClient": {"redirectUris": []},
            "requiredResourceAccess": [],
            "spa": {"redirectUris": []},
            "verifiedPublisher": {"addedDateTime": None, "displayName": None,
                                  "verifiedPublisherId": None},
            "web": {"homePageUrl": None, "logoutUrl": None, "redirectUris": list(web or []),
                    "implicitGrantSettings": {"enableAccessTokenIssuance": False,
                                              "enableIdTokenIssuance": False}},
        }
        self.applications.append(app)
        self.app_owners[app["id"]] = []
        self.federated[app["id"]] = []
        return app

    def service_principal(self, app_id: str, name: str, kind: str = "Application",
                          owner_tenant: str | None = names.TENANT_ID,
                          audience: str | None = "AzureADMyOrg", enabled: bool = True,
                          spns: list[str] | None = None, alternative: list[str] | None = None,
                          tags: list[str] | None = None) -> dict[str, Any]:
        sp = {
            "id": self.ids.guid(), "accountEnabled": enabled,
            "alternativeNames": list(alternative or []), "appDescription": None,
            "appDisplayName": name if kind != "ManagedIdentity" else None, "appId": app_id,
            "appOwnerOrganizationId": owner_tenant, "appRoleAssignmentRequired": False,
            "deletedDateTime": None, "description": None, "disabledByMicrosoftStatus": None,
            "displayName": name, "homepage": None, "notes": None,
            "preferredSingleSignOnMode": None, "replyUrls": [],
            "servicePrincipalNames": spns if spns is not None else [app_id],
            "servicePrincipalType": kind, "signInAudience": audience,
            "tags": list(tags if tags is not None else [APP_TAG]),
            "verifiedPublisher": {"addedDateTime": None, "displayName": None,
                                  "verifiedPublisherId": None},
            "appRoles": [], "keyCredentials": [], "oauth2PermissionScopes": [],
            "passwordCredentials": [],
        }
        self.service_principals.append(sp)
        for relation in (self.sp_owners, self.assignments, self.member_of):
            relation[sp["id"]] = []
        return sp

    def sp_for(self, app: dict[str, Any], enabled: bool = True) -> dict[str, Any]:
        sp = self.service_principal(app["appId"], app["displayName"],
                                    audience=app["signInAudience"],
                                    enabled=enabled)
        sp["replyUrls"] = list(app["web"]["redirectUris"])
        sp["notes"] = app["notes"]
        return sp

    def add_owner(self, target: dict[str, Any], owner: dict[str, Any]) -> None:
        """Owner of an application (if `target` is one) or of a service principal."""
        relation = self.app_owners if "createdDateTime" in target else self.sp_owners
        relation[target["id"]].append(self.as_owner(owner))

    # -- permissions ------------------------------------------------------------------------
    def grant_app_role(self, sp: dict[str, Any], resource_app: str, value: str,
                       app: dict[str, Any] | None = None, when: datetime | None = None
                       ) -> dict[str, Any]:
        """An application permission: an app role of `resource_app` assigned to `sp`."""
        role = catalog.APP_ROLES[resource_app][value]
        resource = self.resource_sp[resource_app]
        created = when or self.ago(days=self.rng.randint(20, 900))
        assignment = {
            "id": self.ids.opaque(), "deletedDateTime": None, "appRoleId": role.id,
            "createdDateTime": iso(created), "principalDisplayName": sp["displayName"],
            "principalId": sp["id"], "principalType": "ServicePrincipal",
            "resourceDisplayName": resource["displayName"], "resourceId": resource["id"],
        }
        self.assignments[sp["id"]].append(assignment)
        if app is not None:
            self.require(app, resource_app, role.id, "Role")
        return assignment

    def grant_delegated(self, sp: dict[str, Any], resource_app: str, scopes: list[str],
                        user: dict[str, Any] | None = None, app: dict[str, Any] | None = None
                        ) -> dict[str, Any]:
        """Delegated permissions: for every user (admin consent) or for one user."""
        grant = {
            "id": self.ids.opaque(), "clientId": sp["id"],
            "consentType": "Principal" if user else "AllPrincipals",
            "principalId": user["id"] if user else None,
            "resourceId": self.resource_sp[resource_app]["id"], "scope": " ".join(scopes),
        }
        self.grants.append(grant)
        if app is not None:
            for value in scopes:
                self.require(app, resource_app, catalog.SCOPES[resource_app][value].id, "Scope")
        return grant

    @staticmethod
    def require(app: dict[str, Any], resource_app: str, permission_id: str, kind: str) -> None:
        for entry in app["requiredResourceAccess"]:
            if entry["resourceAppId"] == resource_app:
                break
        else:
            entry = {"resourceAppId": resource_app, "resourceAccess": []}
            app["requiredResourceAccess"].append(entry)
        if not any(a["id"] == permission_id for a in entry["resourceAccess"]):
            entry["resourceAccess"].append({"id": permission_id, "type": kind})

    # -- roles and groups ---------------------------------------------------------------------
    def assign_role(self, principal_id: str, role: str, scope: str = "/",
                    eligible: bool = False, since: datetime | None = None) -> dict[str, Any]:
        role_id = self.role_ids[role]
        if not eligible:
            item = {"id": self.ids.opaque() + "-1", "appScopeId": None, "condition": None,
                    "directoryScopeId": scope, "principalId": principal_id,
                    "roleDefinitionId": role_id}
            self.role_assignments.append(item)
            return item
        start = since or self.ago(days=self.rng.randint(30, 400))
        item = {
            "id": self.ids.guid(), "appScopeId": None, "createdDateTime": iso(start),
            "createdUsing": self.ids.guid(), "directoryScopeId": scope, "memberType": "Direct",
            "modifiedDateTime": None, "principalId": principal_id, "roleDefinitionId": role_id,
            "status": "Provisioned",
            "scheduleInfo": {"recurrence": None, "startDateTime": iso(start),
                             "expiration": {"duration": None, "endDateTime": None,
                                            "type": "noExpiration"}},
        }
        self.eligibility.append(item)
        return item

    def directory_role_membership(self, sp: dict[str, Any], role: str) -> None:
        """Active directory-wide roles also show in memberOf, as directoryRole objects."""
        info = catalog.ROLES.get(role)
        self.member_of[sp["id"]].append({
            "@odata.type": "#microsoft.graph.directoryRole", "id": self.role_objects[role],
            "description": info.description if info else None, "displayName": role,
            "roleTemplateId": info.template_id if info else self.role_ids[role]})

    def add_to_group(self, sp: dict[str, Any], group: str) -> None:
        self.member_of[sp["id"]].append(self.as_owner(self.groups[group]))

    # -- the result ------------------------------------------------------------------------------
    def to_recording(self, organization: dict[str, Any]) -> Recording:
        rec = Recording(tenant_id=names.TENANT_ID, recorded_at=self.now.replace(microsecond=0))

        def put(kind: str, items: list[dict[str, Any]]) -> None:
            rec.set_items(KIND_BY_NAME[kind].path, items)

        put("organization", [organization])
        put("applications", self.applications)
        put("servicePrincipals", self.service_principals)
        for kind, relation in (("applicationOwners", self.app_owners),
                               ("federatedIdentityCredentials", self.federated),
                               ("servicePrincipalOwners", self.sp_owners),
                               ("appRoleAssignments", self.assignments),
                               ("memberOf", self.member_of)):
            template = KIND_BY_NAME[kind]
            for object_id, items in relation.items():
                rec.set_items(template.path_for(object_id), items)
        put("oauth2PermissionGrants", self.grants)
        put("roleDefinitions", self.role_definitions)
        put("roleAssignments", self.role_assignments)
        put("roleEligibilitySchedules", self.eligibility)
        put("directoryAudits", self.audits)
        put("signIns", self.sign_ins)
        put("riskyServicePrincipals", self.risky)
        put("servicePrincipalRiskDetections", self.detections)
        put("servicePrincipalSignInActivities", self.sp_activity)
        put("appCredentialSignInActivities", self.credential_activity)
        rec.bodies[KIND_BY_NAME["userCount"].path] = self.user_count
        return rec
