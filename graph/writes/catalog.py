"""Every write wlx knows, by action name: the plan actions of models.plan, and the internal
ones that undo them or write labels back. `operation_for` builds the operation from a plan
action or from its JSON (as journalled), checking it first.
"""

from __future__ import annotations

from typing import Any

from graph.writes.base import Operation
from graph.writes.ops_access import AddAppRoleAssignment, AddDelegatedGrant, AddOwner, \
    RemoveAppRoleAssignment, RemoveDelegatedGrant, RemoveOwner
from graph.writes.ops_credentials import AddFederatedCredential, AddKeyCredential, \
    RemoveCredential, RemoveFederatedCredential
from graph.writes.ops_labels import RestoreLabels, SetLabel
from graph.writes.ops_principal import DeleteApplication, RestoreApplication, SetAttributes, \
    SetEnabled, SetTags
from models.plan import ACTION_NAMES, PlanError, parse_action

OPERATIONS: dict[str, type[Operation]] = {
    # the plan actions (issue 6)
    "disable-service-principal": SetEnabled,
    "enable-service-principal": SetEnabled,
    "remove-credential": RemoveCredential,
    "remove-federated-credential": RemoveFederatedCredential,
    "remove-app-role-assignment": RemoveAppRoleAssignment,
    "remove-delegated-grant": RemoveDelegatedGrant,
    "remove-owner": RemoveOwner,
    "delete-application": DeleteApplication,
    "restore-application": RestoreApplication,
    "set-label": SetLabel,
    # undo and label write-back
    "add-key-credential": AddKeyCredential,
    "add-federated-credential": AddFederatedCredential,
    "add-app-role-assignment": AddAppRoleAssignment,
    "add-delegated-grant": AddDelegatedGrant,
    "add-owner": AddOwner,
    "restore-labels": RestoreLabels,
    "write-label-tags": SetTags,
    "set-tags": SetTags,
    "write-label-attributes": SetAttributes,
    "set-attributes": SetAttributes,
}


def operation_for(action: Any) -> Operation:
    """The operation of a plan action (models.plan), an Operation, or an action's JSON;
    PlanError when it is not one wlx knows."""
    if isinstance(action, Operation):
        return action
    doc = action.to_json() if hasattr(action, "to_json") else action
    if not isinstance(doc, dict) or doc.get("action") not in OPERATIONS:
        raise PlanError(f"unknown action {doc.get('action') if isinstance(doc, dict) else doc!r}")
    if doc["action"] in ACTION_NAMES:
        doc = parse_action(doc).to_json()  # plan actions are checked field by field
    try:
        return OPERATIONS[doc["action"]](doc)
    except (KeyError, ValueError, TypeError) as exc:
        raise PlanError(f"{doc['action']}: {exc}") from None
