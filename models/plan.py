"""Plans for change management: the `wlx-plan/1` format and its actions (issue 6).

    {"format": "wlx-plan/1", "tenantId": "...", "actions": [
        {"action": "disable-service-principal", "servicePrincipalId": "..."},
        {"action": "remove-credential", "objectType": "application", "objectId": "...",
         "keyId": "..."}]}

A plan is what an admin saves instead of applying, hands to a change board, and later
runs with `wlx apply`. It changes a tenant, so it is read strictly: an unknown action, a
missing or extra field, or an id that could not be a Graph id is refused with the reason,
never guessed at. Pure: no I/O; `graph.writes` turns actions into Graph requests.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

PLAN_FORMAT = "wlx-plan/1"
# Graph ids are GUIDs or base64url strings (app role assignments, grants): never a slash,
# a query or a percent sign, so an id can never change which URL a write goes to
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$")
ObjectType = Literal["application", "servicePrincipal"]


class PlanError(ValueError):
    """A plan that cannot be used; the message says where and why."""


def check_id(value: str, what: str = "id") -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ValueError(f"{what} {value!r} is not a Graph object id")
    return value


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    action: str

    @field_validator("*", mode="after")
    @classmethod
    def _ids(cls, value: Any, info: Any) -> Any:
        name = info.field_name or ""
        if name.endswith("_id"):
            check_id(value, cls.model_fields[name].alias or name)
        return value

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")

    @property
    def name(self) -> str:
        return self.action

    def key(self) -> str:
        """What the action changes, as one string: two actions with the same key would do
        the same thing (a plan holding both is refused)."""
        values = [str(v) for k, v in self.to_json().items() if k != "action"]
        return ":".join([self.action, *values])

    def object_ids(self) -> list[str]:
        """The directory objects this action changes (for "how many objects" questions)."""
        return [self.target_id]

    @property
    def target_id(self) -> str:
        raise NotImplementedError


def _alias(name: str) -> Any:
    return Field(alias=name)


class DisableServicePrincipal(_Action):
    action: Literal["disable-service-principal"] = "disable-service-principal"
    service_principal_id: str = _alias("servicePrincipalId")

    @property
    def target_id(self) -> str:
        return self.service_principal_id


class EnableServicePrincipal(_Action):
    action: Literal["enable-service-principal"] = "enable-service-principal"
    service_principal_id: str = _alias("servicePrincipalId")

    @property
    def target_id(self) -> str:
        return self.service_principal_id


class RemoveCredential(_Action):
    """A client secret or a certificate, on the application or on the service principal."""

    action: Literal["remove-credential"] = "remove-credential"
    object_type: ObjectType = _alias("objectType")
    object_id: str = _alias("objectId")
    key_id: str = _alias("keyId")

    @property
    def target_id(self) -> str:
        return self.object_id


class RemoveFederatedCredential(_Action):
    action: Literal["remove-federated-credential"] = "remove-federated-credential"
    application_id: str = _alias("applicationId")
    federated_credential_id: str = _alias("federatedCredentialId")

    @property
    def target_id(self) -> str:
        return self.application_id


class RemoveAppRoleAssignment(_Action):
    """An application permission: the app role assignment held by the client."""

    action: Literal["remove-app-role-assignment"] = "remove-app-role-assignment"
    service_principal_id: str = _alias("servicePrincipalId")
    app_role_assignment_id: str = _alias("appRoleAssignmentId")

    @property
    def target_id(self) -> str:
        return self.service_principal_id


class RemoveDelegatedGrant(_Action):
    action: Literal["remove-delegated-grant"] = "remove-delegated-grant"
    grant_id: str = _alias("grantId")

    @property
    def target_id(self) -> str:
        return self.grant_id


class RemoveOwner(_Action):
    action: Literal["remove-owner"] = "remove-owner"
    object_type: ObjectType = _alias("objectType")
    object_id: str = _alias("objectId")
    owner_id: str = _alias("ownerId")

    @property
    def target_id(self) -> str:
        return self.object_id


class DeleteApplication(_Action):
    """Soft delete: the application stays restorable from deleted items for 30 days."""

    action: Literal["delete-application"] = "delete-application"
    application_id: str = _alias("applicationId")

    @property
    def target_id(self) -> str:
        return self.application_id


class RestoreApplication(_Action):
    action: Literal["restore-application"] = "restore-application"
    application_id: str = _alias("applicationId")

    @property
    def target_id(self) -> str:
        return self.application_id


class SetLabel(_Action):
    """The admin's classification of one identity, kept in the local cache (no Graph call).

    `label` is a free label to add (`"to-decommission"`, `"accepted-risk:2027-03-31"`), or
    an object of label-document fields to set (`{"tier": "ControlPlane", "tierReason":
    "...", "criticality": "high", "labels": [...]}`; a null value clears that field).
    models.labels checks and applies it.
    """

    action: Literal["set-label"] = "set-label"
    identity_id: str = _alias("identityId")
    label: str | dict[str, Any]

    @property
    def target_id(self) -> str:
        return self.identity_id

    @field_validator("label")
    @classmethod
    def _label(cls, value: str | dict[str, Any]) -> str | dict[str, Any]:
        from models.labels import check_change

        check_change(value)
        return value

    def key(self) -> str:
        return f"{self.action}:{self.identity_id}:" + json.dumps(self.label, sort_keys=True)


Action = Annotated[
    DisableServicePrincipal | EnableServicePrincipal | RemoveCredential
    | RemoveFederatedCredential | RemoveAppRoleAssignment | RemoveDelegatedGrant
    | RemoveOwner | DeleteApplication | RestoreApplication | SetLabel,
    Field(discriminator="action"),
]
ACTION_TYPES: dict[str, type[_Action]] = {
    t.model_fields["action"].default: t for t in (
        DisableServicePrincipal, EnableServicePrincipal, RemoveCredential,
        RemoveFederatedCredential, RemoveAppRoleAssignment, RemoveDelegatedGrant,
        RemoveOwner, DeleteApplication, RestoreApplication, SetLabel)
}
ACTION_NAMES = tuple(ACTION_TYPES)
_ACTION = TypeAdapter(Action)


def parse_action(value: Any) -> _Action:
    """One action from its JSON form; PlanError with the reason when it is not one."""
    if not isinstance(value, dict):
        raise PlanError(f"an action is a JSON object, not {type(value).__name__}")
    name = value.get("action")
    if name not in ACTION_TYPES:
        raise PlanError(f"unknown action {name!r}: wlx knows {', '.join(ACTION_NAMES)}")
    try:
        return _ACTION.validate_python(value)
    except ValidationError as exc:
        raise PlanError(f"{name}: {_problems(exc)}") from None


def _problems(exc: ValidationError) -> str:
    out = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"] if p not in ACTION_NAMES)
        kind = error.get("type")
        if kind == "missing":
            text = "missing"
        elif kind == "extra_forbidden":
            text = "not a field of this action"
        else:
            text = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        out.append(f"{where}: {text}" if where else text)
    return "; ".join(out)


class Plan(BaseModel):
    """A tenant id and the actions to run on it, in order."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    format: Literal["wlx-plan/1"] = PLAN_FORMAT
    tenant_id: str = Field(alias="tenantId", min_length=1)
    actions: list[Action] = Field(default_factory=list)
    description: str = ""
    created_at: str = Field("", alias="createdAt")
    created_by: str = Field("", alias="createdBy")

    def to_json(self) -> dict[str, Any]:
        out = self.model_dump(by_alias=True, mode="json")
        return {k: v for k, v in out.items() if v != "" or k in ("format", "tenantId")}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"


def load_plan(text: str | bytes) -> Plan:
    """Read a plan; PlanError naming the action and field at fault."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise PlanError(f"not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise PlanError("a plan is a JSON object with format, tenantId and actions")
    if doc.get("format") != PLAN_FORMAT:
        raise PlanError(f"format is {doc.get('format')!r}, not {PLAN_FORMAT!r}")
    tenant = doc.get("tenantId")
    if not isinstance(tenant, str) or not tenant.strip():
        raise PlanError("tenantId is missing: a plan names the tenant it was made for")
    raw = doc.get("actions")
    if not isinstance(raw, list):
        raise PlanError("actions must be a list")
    actions = []
    for number, item in enumerate(raw, start=1):
        try:
            actions.append(parse_action(item))
        except PlanError as exc:
            raise PlanError(f"action {number}: {exc}") from None
    return make_plan(tenant, actions, **{k: doc[k] for k in ("description", "createdAt",
                                                           "createdBy") if k in doc})


def make_plan(tenant_id: str, actions: list[Any], **extra: Any) -> Plan:
    """A plan of these actions; PlanError when two actions would do the same thing."""
    seen: dict[str, int] = {}
    for number, action in enumerate(actions, start=1):
        key = action.key()
        if key in seen:
            raise PlanError(f"action {number} repeats action {seen[key]} ({action.action})")
        seen[key] = number
    try:
        return Plan.model_validate({"tenantId": tenant_id, "actions": [
            a.to_json() for a in actions], **extra})
    except ValidationError as exc:
        raise PlanError(_problems(exc)) from None
