"""Operations on whole objects: disable / enable a service principal, delete / restore an
application, and label write-back to service principal tags or custom security attributes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from graph.writes.base import GraphReads, GraphRequest, Inspection, Operation, gone_already, \
    ps_hashtable, quote_ps
from graph.writes.sender import Answer
from models.labels import attribute_values, merged_tags

MI_BLOCKED = ("a managed identity: Azure manages its service principal, which cannot be "
              "changed from Entra")


def _filter(text: str) -> str:
    return quote(text, safe="=,$'")


async def read_object(graph: GraphReads, parent: str, object_id: str,
                      select: str) -> tuple[dict[str, Any] | None, str]:
    """(the application or service principal, "") or (None, why it cannot be changed:
    it does not exist, or it is a managed identity's)."""
    extra = ",servicePrincipalType" if parent == "servicePrincipals" else ""
    answer = await graph.read(f"v1.0/{parent}/{object_id}?$select=id,displayName{extra},"
                              f"{select}")
    if answer.status == 404:
        return None, f"{object_id} does not exist (any more)"
    obj = answer.json() or {}
    if str(obj.get("servicePrincipalType") or "").lower() == "managedidentity":
        return None, MI_BLOCKED
    return obj, ""


async def read_service_principal(graph: GraphReads, sp_id: str,
                                 select: str) -> tuple[dict[str, Any] | None, str]:
    return await read_object(graph, "servicePrincipals", sp_id, select)


class SetEnabled(Operation):
    """disable-service-principal / enable-service-principal {servicePrincipalId}."""

    ids = ("servicePrincipalId",)

    @property
    def wanted(self) -> bool:
        return self.action["action"] == "enable-service-principal"

    @property
    def target(self) -> str:
        return self.action["servicePrincipalId"]

    def describe(self, name: str = "") -> str:
        verb = "enable" if self.wanted else "disable"
        return f"{verb} the service principal {name or self.target}"

    def reads(self) -> list[GraphRequest]:
        return [GraphRequest("GET", f"v1.0/servicePrincipals/{self.target}"
                             "?$select=id,displayName,servicePrincipalType,accountEnabled")]

    async def inspect(self, graph: GraphReads) -> Inspection:
        obj, blocked = await read_service_principal(graph, self.target, "accountEnabled")
        if obj is None:
            return Inspection(blocked=blocked)
        prior = {"accountEnabled": obj.get("accountEnabled"),
                 "displayName": obj.get("displayName")}
        if obj.get("accountEnabled") is self.wanted:
            state = "enabled" if self.wanted else "disabled"
            return Inspection(prior, done=True, why=f"already {state}")
        return Inspection(prior)

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        return [GraphRequest("PATCH", f"v1.0/servicePrincipals/{self.target}",
                             {"accountEnabled": self.wanted})]

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        other = "disable-service-principal" if self.wanted else "enable-service-principal"
        return SetEnabled({"action": other, "servicePrincipalId": self.target})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return ("undo disables it again" if self.wanted else
                "undo enables it again; tokens already issued stay valid until they expire "
                "(up to about an hour)")

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        flag = "$true" if self.wanted else "$false"
        return [f"Update-MgServicePrincipal -ServicePrincipalId {quote_ps(self.target)} "
                f"-AccountEnabled:{flag}"]


class DeleteApplication(Operation):
    """delete-application {applicationId}: soft delete; its service principal goes too."""

    ids = ("applicationId",)
    destructive = True

    @property
    def target(self) -> str:
        return self.action["applicationId"]

    def describe(self, name: str = "") -> str:
        return f"delete the app registration {name or self.target} (and its service principal)"

    def reads(self) -> list[GraphRequest]:
        return [GraphRequest("GET", f"v1.0/applications/{self.target}?$select=id,appId,"
                             "displayName"),
                GraphRequest("GET", "v1.0/servicePrincipals?$filter=appId eq '{appId}'"
                             "&$select=id,displayName")]

    async def inspect(self, graph: GraphReads) -> Inspection:
        answer = await graph.read(f"v1.0/applications/{self.target}?$select=id,appId,"
                                  "displayName")
        if answer.status == 404:
            gone = await graph.read(f"v1.0/directory/deletedItems/{self.target}")
            if gone.status != 404:
                return Inspection(done=True, why="already deleted (it is in deleted items)")
            return Inspection(blocked=f"application {self.target} does not exist")
        app = answer.json() or {}
        sps = await graph.read_all("v1.0/servicePrincipals?" + _filter(
            f"$filter=appId eq '{app.get('appId')}'") + "&$select=id,displayName") or []
        return Inspection({"appId": app.get("appId"), "displayName": app.get("displayName"),
                           "servicePrincipalIds": [s.get("id") for s in sps]})

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        return [GraphRequest("DELETE", f"v1.0/applications/{self.target}")]

    def check_answer(self, request: GraphRequest, answer: Answer) -> str | None:
        return gone_already(request, answer)

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        return RestoreApplication({"action": "restore-application",
                                   "applicationId": self.target})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return ("restorable from deleted items for 30 days (wlx undo restores the application "
                "and then its service principal); after that it is gone for good")

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        return [f"Remove-MgApplication -ApplicationId {quote_ps(self.target)}"]


class RestoreApplication(Operation):
    """restore-application {applicationId}: from deleted items, then its service principal
    (restoring an application does not restore its service principal)."""

    ids = ("applicationId",)

    @property
    def target(self) -> str:
        return self.action["applicationId"]

    def describe(self, name: str = "") -> str:
        return f"restore the app registration {name or self.target} from deleted items"

    def reads(self) -> list[GraphRequest]:
        return [GraphRequest("GET", f"v1.0/directory/deletedItems/{self.target}"),
                GraphRequest("GET", "v1.0/directory/deletedItems/microsoft.graph."
                             "servicePrincipal?$filter=appId eq '{appId}'")]

    async def inspect(self, graph: GraphReads) -> Inspection:
        answer = await graph.read(f"v1.0/directory/deletedItems/{self.target}")
        restore_app = answer.status != 404
        if restore_app:
            app_id = (answer.json() or {}).get("appId")
        else:
            live = await graph.read(f"v1.0/applications/{self.target}?$select=id,appId")
            if live.status == 404:
                return Inspection(blocked="not in deleted items: deleted more than 30 days "
                                  "ago, or never deleted")
            app_id = (live.json() or {}).get("appId")
        sps: list[dict[str, Any]] = []
        if app_id:
            sps = await graph.read_all(
                "v1.0/directory/deletedItems/microsoft.graph.servicePrincipal?"
                + _filter(f"$filter=appId eq '{app_id}'")) or []
        prior = {"appId": app_id, "restoreApplication": restore_app,
                 "servicePrincipalIds": [s.get("id") for s in sps if s.get("id")]}
        if not restore_app and not prior["servicePrincipalIds"]:
            return Inspection(prior, done=True, why="already restored")
        return Inspection(prior)

    def planned(self, hint: str = "") -> list[GraphRequest]:
        return [GraphRequest("POST", f"v1.0/directory/deletedItems/{self.target}/restore"),
                GraphRequest("POST", "v1.0/directory/deletedItems/{servicePrincipalId}/restore",
                             note="for its service principal, when it was deleted with it")]

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        out = []
        if prior.get("restoreApplication", True):
            out.append(GraphRequest("POST", f"v1.0/directory/deletedItems/{self.target}/restore"))
        for sp_id in prior.get("servicePrincipalIds") or []:
            out.append(GraphRequest("POST", f"v1.0/directory/deletedItems/{sp_id}/restore"))
        return out

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        return DeleteApplication({"action": "delete-application", "applicationId": self.target})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo deletes it again"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        lines = [f"Restore-MgDirectoryDeletedItem -DirectoryObjectId {quote_ps(self.target)}"]
        sps = (prior or {}).get("servicePrincipalIds") or ["<service principal id>"]
        lines += [f"Restore-MgDirectoryDeletedItem -DirectoryObjectId {quote_ps(s)}" for s in sps]
        return lines


class SetTags(Operation):
    """Label write-back to service principal tags: `write-label-tags` {servicePrincipalId,
    document} keeps every tag but the `wlx:` ones; `set-tags` {servicePrincipalId, tags}
    sets an exact list (the undo of the former)."""

    ids = ("servicePrincipalId",)

    @property
    def target(self) -> str:
        return self.action["servicePrincipalId"]

    def describe(self, name: str = "") -> str:
        return f"write the labels of {name or self.target} to its tags (wlx: prefix)"

    def _tags(self, current: list[Any]) -> list[str]:
        if "tags" in self.action:
            return list(self.action["tags"])
        return merged_tags(current, self.action.get("document"))

    def reads(self) -> list[GraphRequest]:
        return [GraphRequest("GET", f"v1.0/servicePrincipals/{self.target}?$select=id,tags")]

    async def inspect(self, graph: GraphReads) -> Inspection:
        obj, blocked = await read_service_principal(graph, self.target, "tags")
        if obj is None:
            return Inspection(blocked=blocked)
        current = [t for t in obj.get("tags") or [] if isinstance(t, str)]
        wanted = self._tags(current)
        if wanted == current:
            return Inspection({"tags": current, "wanted": wanted}, True, "the tags already say so")
        return Inspection({"tags": current, "wanted": wanted})

    def planned(self, hint: str = "") -> list[GraphRequest]:
        return [GraphRequest("PATCH", f"v1.0/servicePrincipals/{self.target}",
                             {"tags": "<its tags without wlx: ones, plus "
                              f"{', '.join(self._tags([])) or 'none'}>"})]

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        return [GraphRequest("PATCH", f"v1.0/servicePrincipals/{self.target}",
                             {"tags": prior.get("wanted", self._tags([]))})]

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        return SetTags({"action": "set-tags", "servicePrincipalId": self.target,
                        "tags": list(prior.get("tags") or [])})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo puts the previous tags back"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        tags = (prior or {}).get("wanted") or self._tags([])
        return [f"Update-MgServicePrincipal -ServicePrincipalId {quote_ps(self.target)} "
                f"-Tags @({', '.join(quote_ps(t) for t in tags)})"]


ATTRIBUTE_ROLE = ("needs the Attribute Assignment Administrator role and the "
                  "CustomSecAttributeAssignment.ReadWrite.All permission")


class SetAttributes(Operation):
    """Label write-back to custom security attributes of one attribute set:
    `write-label-attributes` {servicePrincipalId, attributeSet, document}; `set-attributes`
    {servicePrincipalId, attributeSet, values} sets exact values (its undo)."""

    ids = ("servicePrincipalId",)

    @property
    def target(self) -> str:
        return self.action["servicePrincipalId"]

    @property
    def attribute_set(self) -> str:
        return str(self.action["attributeSet"])

    def describe(self, name: str = "") -> str:
        return (f"write the labels of {name or self.target} to custom security attributes "
                f"of the set {self.attribute_set} ({ATTRIBUTE_ROLE})")

    def _body(self) -> dict[str, Any]:
        if "values" in self.action:
            return {self.attribute_set: self.action["values"]}
        return attribute_values(self.action.get("document"), self.attribute_set)

    def reads(self) -> list[GraphRequest]:
        return [GraphRequest("GET", f"v1.0/servicePrincipals/{self.target}"
                             "?$select=id,customSecurityAttributes")]

    async def inspect(self, graph: GraphReads) -> Inspection:
        obj, blocked = await read_service_principal(graph, self.target,
                                                    "customSecurityAttributes")
        if obj is None:
            return Inspection(blocked=blocked)
        current = (obj.get("customSecurityAttributes") or {}).get(self.attribute_set) or {}
        wanted = self._body()[self.attribute_set]
        names = [k for k in wanted if "@odata.type" not in k]
        if all(current.get(k) == wanted.get(k) for k in names):
            return Inspection({"values": current}, True, "the attributes already say so")
        return Inspection({"values": current, "names": names})

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        return [GraphRequest("PATCH", f"v1.0/servicePrincipals/{self.target}",
                             {"customSecurityAttributes": self._body()})]

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        old = dict(prior.get("values") or {})
        values = {"@odata.type": self._body()[self.attribute_set].get("@odata.type")}
        for name in prior.get("names") or []:
            values[name] = old.get(name)
            if f"{name}@odata.type" in old:
                values[f"{name}@odata.type"] = old[f"{name}@odata.type"]
        return SetAttributes({"action": "set-attributes", "servicePrincipalId": self.target,
                              "attributeSet": self.attribute_set, "values": values})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo puts the previous attribute values back"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        values = self._body()[self.attribute_set]
        return [f"Update-MgServicePrincipal -ServicePrincipalId {quote_ps(self.target)} "
                f"-CustomSecurityAttributes @{{ {self.attribute_set} = "
                f"{ps_hashtable(values)} }}"]
