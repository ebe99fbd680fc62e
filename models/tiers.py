"""Enterprise Access Model tiers: the shipped table and how a permission or role gets its tier.

The table (models/data/tiers.json, derived from Thomas Naunheim's classification, MIT) is
read once, on first use. Application permissions match on (resource appId, app role id),
delegated ones on (resource appId, scope value), directory roles on the role template id,
custom roles on their allowed resource actions. What the table lacks is said, not guessed.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

CONTROL = "ControlPlane"
MANAGEMENT = "ManagementPlane"
USER_ACCESS = "UserAccess"
UNCLASSIFIED = "Unclassified"
TIERS = (CONTROL, MANAGEMENT, USER_ACCESS, UNCLASSIFIED)  # highest first
_RANK = {CONTROL: 3, MANAGEMENT: 2, USER_ACCESS: 1, UNCLASSIFIED: 0}
_BY_CODE = {0: CONTROL, 1: MANAGEMENT, 2: USER_ACCESS}

TABLE_PATH = Path(__file__).resolve().parent / "data" / "tiers.json"
DEFAULT_ACCESS_ROLE = "00000000-0000-0000-0000-000000000000"


def rank(tier: str | None) -> int:
    """ControlPlane 3 > ManagementPlane 2 > UserAccess 1 > Unclassified (or unknown) 0."""
    return _RANK.get(tier or "", 0)


def highest(tiers: Any) -> str:
    best = UNCLASSIFIED
    for tier in tiers:
        if rank(tier) > rank(best):
            best = tier
    return best


def privileged(tier: str | None) -> bool:
    """ControlPlane or ManagementPlane: what the privilege rules care about."""
    return rank(tier) >= rank(MANAGEMENT)


class TierReason(BaseModel):
    """One thing that gives an identity (or user) a tier, and why."""

    model_config = ConfigDict(frozen=True)

    source: str  # applicationPermission, delegatedPermission, directoryRole, override
    resource: str = ""  # API name (or appId) / role scope
    value: str = ""  # permission value / role name / override reason
    tier: str = UNCLASSIFIED
    why: str = ""


class TierOverride(BaseModel):
    """An admin's own tier for an identity (a label, issue 6): it wins and is shown as such."""

    tier: str
    reason: str = ""
    by: str = ""
    at: str = ""  # ISO-8601 time the label was set


class Table:
    """The shipped classification, indexed for lookups."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.source: dict[str, Any] = data.get("source", {})
        self.app_roles: dict[str, dict[str, list[Any]]] = data.get("appRoles", {})
        self.scopes: dict[str, dict[str, int]] = data.get("scopes", {})
        self.scopes_lower = {
            app: {value.lower(): code for value, code in values.items()}
            for app, values in self.scopes.items()
        }
        self.resources: dict[str, str] = data.get("resources", {})
        self.roles: dict[str, list[Any]] = data.get("directoryRoles", {})
        self.role_overrides: dict[str, str] = data.get("roleOverrides", {})
        self.actions: dict[str, int] = data.get("roleActions", {})
        self._by_type: dict[str, int] = {}
        for action, code in self.actions.items():
            kind = _resource_type(action)
            self._by_type[kind] = min(code, self._by_type.get(kind, code))

    def knows_resource(self, app_id: str) -> bool:
        app = app_id.lower()
        return app in self.app_roles or app in self.scopes or app in self.resources

    def action_tier(self, action: str) -> tuple[str | None, str]:
        """Tier of one role action; (None, why) when the table does not know it."""
        key = action.strip().lower()
        for candidate in (key, key.replace(".myorganization/", "/")):
            if candidate in self.actions:
                return _BY_CODE[self.actions[candidate]], "EAM classification of this role action"
        if key.endswith(("/alltasks", "/allproperties/update")):
            kind = _resource_type(key.replace(".myorganization/", "/"))
            if kind in self._by_type:
                return (_BY_CODE[self._by_type[kind]],
                        "covers every task on " + kind + ", classified by its highest action")
        return None, "action not in the classification table"


def _resource_type(action: str) -> str:
    parts = action.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else action


@functools.cache
def table() -> Table:
    """The tier table, loaded on first use."""
    return Table(json.loads(TABLE_PATH.read_text(encoding="utf-8")))


def app_permission_tier(resource_app_id: str, app_role_id: str, microsoft: bool) -> tuple[str, str, str]:
    """(tier, why, value from the table) of an application permission."""
    if app_role_id == DEFAULT_ACCESS_ROLE:
        return UNCLASSIFIED, "default access (no app role): grants no API permission", ""
    row = table().app_roles.get(resource_app_id.lower(), {}).get(app_role_id.lower())
    if row is not None:
        return _BY_CODE[row[0]], "EAM classification of this app role", str(row[1])
    if microsoft or table().knows_resource(resource_app_id):
        return UNCLASSIFIED, "unclassified: a Microsoft API permission the EAM table lacks", ""
    return UNCLASSIFIED, "unclassified: permission of a non-Microsoft API", ""


def scope_tier(resource_app_id: str, scope: str, microsoft: bool) -> tuple[str, str]:
    """(tier, why) of one delegated permission (scope value) on a resource."""
    app = resource_app_id.lower()
    code = table().scopes.get(app, {}).get(scope)
    if code is None:
        code = table().scopes_lower.get(app, {}).get(scope.lower())
    if code is not None:
        return _BY_CODE[code], "EAM classification of this delegated permission"
    if microsoft or table().knows_resource(resource_app_id):
        return UNCLASSIFIED, "unclassified: a Microsoft API scope the EAM table lacks"
    return UNCLASSIFIED, "unclassified: scope of a non-Microsoft API"


def builtin_role(template_id: str) -> tuple[str | None, str | None, str]:
    """(tier, name, why) of a built-in directory role; tier None when the table lacks it."""
    key = template_id.lower()
    row = table().roles.get(key)
    if row is None:
        return None, None, ""
    tier = _BY_CODE.get(row[0]) if row[0] is not None else UNCLASSIFIED
    why = table().role_overrides.get(key) or "EAM classification of this built-in role"
    return tier, row[1], why


def actions_tier(actions: list[tuple[str, str | None]]) -> tuple[str, str]:
    """Tier of a custom role from its (action, condition) pairs: the highest action wins.

    Actions limited to the caller's own objects ($ResourceIsSelf / $SubjectIsOwner) are
    left out, as in the classification itself.
    """
    best, best_why, unknown = None, "", []
    for action, condition in actions:
        if condition and ("$ResourceIsSelf" in condition or "$SubjectIsOwner" in condition):
            continue
        tier, why = table().action_tier(action)
        if tier is None:
            unknown.append(action)
            continue
        if best is None or rank(tier) > rank(best):
            best, best_why = tier, f"{action}: {why}"
    if best is not None:
        return best, best_why
    if unknown:
        return UNCLASSIFIED, "unclassified: no action in the table (" + ", ".join(unknown[:3]) + ")"
    return UNCLASSIFIED, "unclassified: the role grants no classified action"


def scoped_role_tier(role_tier: str, target_tier: str | None) -> tuple[str, str]:
    """A role scoped to one application or service principal: the power of that object.

    Managing a privileged (ControlPlane) identity lets the holder act as it, so the role
    stays ControlPlane; over an ordinary one it is ManagementPlane (EAM rule).
    """
    if rank(role_tier) < rank(MANAGEMENT):
        return role_tier, "scoped to one object"
    if target_tier == CONTROL:
        return CONTROL, "scoped to a ControlPlane identity: the holder can act as it"
    return MANAGEMENT, "scoped to one non-privileged object"
