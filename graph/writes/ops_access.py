"""Operations on access: application permissions (app role assignments), delegated
permission grants and owners. Each removal journals what Graph needs to create it again
(principal, resource and app role ids; the grant's client, consent type, principal,
resource and scopes; the owner's id), so undo re-adds it (with a new id).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from graph.writes.base import GRAPH_HOST, GraphReads, GraphRequest, Inspection, Operation, \
    RemoveListed, gone_already, ps_hashtable, quote_ps
from graph.writes.ops_credentials import PARENTS, who
from graph.writes.sender import Answer

ASSIGNMENT_FIELDS = ("principalId", "resourceId", "appRoleId", "principalDisplayName",
                     "resourceDisplayName")
GRANT_FIELDS = ("clientId", "consentType", "principalId", "resourceId", "scope")
OWNER_FIELDS = ("@odata.type", "id", "displayName", "userPrincipalName", "appId")


def _created(answers: list[Any]) -> dict[str, Any]:
    first = answers[0] if answers and isinstance(answers[0], dict) else {}
    return {"created": first["id"]} if first.get("id") else {}


class RemoveAppRoleAssignment(RemoveListed):
    """remove-app-role-assignment {servicePrincipalId, appRoleAssignmentId}."""

    ids = ("servicePrincipalId", "appRoleAssignmentId")
    item_field, prior_key, prior_fields = "appRoleAssignmentId", "assignment", ASSIGNMENT_FIELDS

    @property
    def target(self) -> str:
        return self.action["servicePrincipalId"]

    @property
    def path(self) -> str:
        return f"v1.0/servicePrincipals/{self.target}/appRoleAssignments"

    def describe(self, name: str = "") -> str:
        return (f"remove the application permission {self.item_id} "
                f"held by {name or self.target}")

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        held = prior.get("assignment") or {}
        if not held.get("resourceId"):
            return None
        return AddAppRoleAssignment({"action": "add-app-role-assignment",
                                     "servicePrincipalId": self.target,
                                     "resourceId": held["resourceId"],
                                     "appRoleId": held.get("appRoleId")})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo assigns the same app role again (a new assignment id)"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        return [f"Remove-MgServicePrincipalAppRoleAssignment -ServicePrincipalId "
                f"{quote_ps(self.target)} -AppRoleAssignmentId "
                f"{quote_ps(self.action['appRoleAssignmentId'])}"]


class AddAppRoleAssignment(Operation):
    """add-app-role-assignment {servicePrincipalId, resourceId, appRoleId}."""

    ids = ("servicePrincipalId", "resourceId", "appRoleId")

    @property
    def target(self) -> str:
        return self.action["servicePrincipalId"]

    @property
    def path(self) -> str:
        return f"v1.0/servicePrincipals/{self.target}/appRoleAssignments"

    def describe(self, name: str = "") -> str:
        return (f"assign the app role {self.action['appRoleId']} of {self.action['resourceId']}"
                f" to {name or self.target} again")

    async def inspect(self, graph: GraphReads) -> Inspection:
        items = await graph.read_all(self.path)
        if items is None:
            return Inspection(blocked=f"the service principal {self.target} does not exist")
        for item in items:
            if (item.get("resourceId"), item.get("appRoleId")) == \
                    (self.action["resourceId"], self.action["appRoleId"]):
                return Inspection({"created": item.get("id")}, True, "it is assigned already")
        return Inspection({})

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        return [GraphRequest("POST", self.path, {
            "principalId": self.target, "resourceId": self.action["resourceId"],
            "appRoleId": self.action["appRoleId"]})]

    def result(self, answers: list[Any]) -> dict[str, Any]:
        return _created(answers)

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        if not prior.get("created"):
            return None
        return RemoveAppRoleAssignment({"action": "remove-app-role-assignment",
                                        "servicePrincipalId": self.target,
                                        "appRoleAssignmentId": prior["created"]})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo removes the assignment again"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        sp = quote_ps(self.target)
        return [f"New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId {sp} "
                f"-PrincipalId {sp} -ResourceId {quote_ps(self.action['resourceId'])} "
                f"-AppRoleId {quote_ps(self.action['appRoleId'])}"]


class RemoveDelegatedGrant(Operation):
    """remove-delegated-grant {grantId}."""

    ids = ("grantId",)

    @property
    def target(self) -> str:
        return self.action["grantId"]

    def describe(self, name: str = "") -> str:
        return f"remove the delegated permission grant {self.target}" + \
            (f" of {name}" if name else "")

    def reads(self) -> list[GraphRequest]:
        return [GraphRequest("GET", f"v1.0/oauth2PermissionGrants/{self.target}")]

    async def inspect(self, graph: GraphReads) -> Inspection:
        answer = await graph.read(f"v1.0/oauth2PermissionGrants/{self.target}")
        if answer.status == 404:
            return Inspection(done=True, why="already removed")
        grant = answer.json() or {}
        return Inspection({"grant": {k: grant.get(k) for k in GRANT_FIELDS}})

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        return [GraphRequest("DELETE", f"v1.0/oauth2PermissionGrants/{self.target}")]

    def check_answer(self, request: GraphRequest, answer: Answer) -> str | None:
        return gone_already(request, answer)

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        grant = prior.get("grant") or {}
        if not grant.get("clientId"):
            return None
        return AddDelegatedGrant({"action": "add-delegated-grant", "grant": grant})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo grants the same scopes again (a new grant id)"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        return [f"Remove-MgOauth2PermissionGrant -OAuth2PermissionGrantId "
                f"{quote_ps(self.target)}"]


class AddDelegatedGrant(Operation):
    """add-delegated-grant {grant: {clientId, consentType, principalId, resourceId, scope}}."""

    @property
    def grant(self) -> dict[str, Any]:
        return {k: (self.action.get("grant") or {}).get(k) for k in GRANT_FIELDS}

    @property
    def target(self) -> str:
        return str(self.grant.get("clientId"))

    def describe(self, name: str = "") -> str:
        return f"grant '{self.grant.get('scope')}' to {name or self.target} again"

    async def inspect(self, graph: GraphReads) -> Inspection:
        g = self.grant
        query = quote(f"clientId eq '{g['clientId']}' and resourceId eq '{g['resourceId']}'",
                      safe="'")
        items = await graph.read_all(f"v1.0/oauth2PermissionGrants?$filter={query}") or []
        for item in items:
            if item.get("consentType") == g["consentType"] and \
                    item.get("principalId") == g["principalId"]:
                if set(str(item.get("scope") or "").split()) >= set(str(g["scope"]).split()):
                    return Inspection({"created": item.get("id")}, True, "it is granted already")
                return Inspection(blocked="a grant for the same client, resource and user "
                                  "exists now with other scopes: change it instead")
        return Inspection({})

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        return [GraphRequest("POST", "v1.0/oauth2PermissionGrants", self.grant)]

    def result(self, answers: list[Any]) -> dict[str, Any]:
        return _created(answers)

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        if not prior.get("created"):
            return None
        return RemoveDelegatedGrant({"action": "remove-delegated-grant",
                                     "grantId": prior["created"]})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo removes the grant again"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        return [f"New-MgOauth2PermissionGrant -BodyParameter {ps_hashtable(self.grant)}"]


class RemoveOwner(RemoveListed):
    """remove-owner {objectType, objectId, ownerId}."""

    ids = ("objectId", "ownerId")
    item_field, prior_key, prior_fields, suffix = "ownerId", "owner", OWNER_FIELDS, "/$ref"

    @property
    def target(self) -> str:
        return self.action["objectId"]

    @property
    def path(self) -> str:
        return f"v1.0/{PARENTS[self.action['objectType']]}/{self.target}/owners"

    def describe(self, name: str = "") -> str:
        where = "service principal" if self.action["objectType"] == "servicePrincipal" \
            else "application"
        return f"remove the owner {self.item_id} from the {where} {name or self.target}"

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        return AddOwner({**self.action, "action": "add-owner"})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo adds the owner back"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        _, noun, param = who(self.action["objectType"])
        return [f"Remove-Mg{noun}OwnerDirectoryObjectByRef -{param} {quote_ps(self.target)} "
                f"-DirectoryObjectId {quote_ps(self.action['ownerId'])}"]


class AddOwner(Operation):
    """add-owner {objectType, objectId, ownerId}: the undo of a removal."""

    ids = ("objectId", "ownerId")

    @property
    def target(self) -> str:
        return self.action["objectId"]

    @property
    def path(self) -> str:
        return f"v1.0/{PARENTS[self.action['objectType']]}/{self.target}/owners"

    def describe(self, name: str = "") -> str:
        return f"add {self.action['ownerId']} back as an owner of {name or self.target}"

    async def inspect(self, graph: GraphReads) -> Inspection:
        items = await graph.read_all(self.path)
        if items is None:
            return Inspection(blocked=f"the {self.action['objectType']} does not exist")
        if any(item.get("id") == self.action["ownerId"] for item in items):
            return Inspection(done=True, why="already an owner")
        return Inspection({"host": getattr(graph, "base_url", GRAPH_HOST)})

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        host = prior.get("host") or GRAPH_HOST
        return [GraphRequest("POST", f"{self.path}/$ref", {
            "@odata.id": f"{host}/v1.0/directoryObjects/{self.action['ownerId']}"})]

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        return RemoveOwner({**self.action, "action": "remove-owner"})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo removes the owner again"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        _, noun, param = who(self.action["objectType"])
        ref = {"@odata.id": f"{GRAPH_HOST}/v1.0/directoryObjects/{self.action['ownerId']}"}
        return [f"New-Mg{noun}OwnerByRef -{param} {quote_ps(self.target)} "
                f"-BodyParameter {ps_hashtable(ref)}"]
