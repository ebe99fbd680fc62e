"""Directory audit events for the replay's writes, as Entra logs them.

Graph's delta does not track relations (owners, assignments, federated credentials): our
incremental reader finds those changes through `ApplicationManagement` audit events that
name the changed object. So every write of the replay leaves one, with Entra's activity
name, and later syncs see relation changes just as against a real tenant. Nothing is
logged when the recording holds no directory audits (the kind was not read).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from graph.replay.state import ReplayState

AUDITS = "v1.0/auditLogs/directoryAudits"
TARGET_TYPES = {"applications": "Application", "servicePrincipals": "ServicePrincipal"}


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(state: ReplayState, activity: str, parent: str, object_id: str,
           properties: dict[str, tuple[Any, Any]] | None = None,
           operation: str = "Update") -> None:
    """One successful ApplicationManagement event on `parent/object_id`."""
    if state.collection(AUDITS) is None:
        return
    target = state.find(object_id)
    if target is not None:
        name = target.objects[object_id].get("displayName")
    else:
        name = state.deleted.get(object_id, {}).get("object", {}).get("displayName")
    modified = [{"displayName": prop, "oldValue": _text(old), "newValue": _text(new)}
                for prop, (old, new) in (properties or {}).items()]
    state.add(AUDITS, {
        "id": f"wlx-replay-{uuid.uuid4()}", "category": "ApplicationManagement",
        "correlationId": str(uuid.uuid4()), "result": "success", "resultReason": "",
        "activityDisplayName": activity, "activityDateTime": utc_now(),
        "loggedByService": "Core Directory", "operationType": operation,
        "initiatedBy": {"user": None, "app": None},
        "targetResources": [{"id": object_id, "displayName": name,
                             "type": TARGET_TYPES.get(parent, parent),
                             "modifiedProperties": modified}],
        "additionalDetails": [{"key": "User-Agent", "value": "wlx replay"}],
    })


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False)
