"""Shared helpers of the demo tests: a fixed clock and an index over a demo recording.

The index only reads the recording's Graph JSON, the way any consumer would; it knows
nothing of the generator's internals.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from graph.demo import generate_demo
from models.recording import KIND_BY_NAME, Recording

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MICROSOFT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
GRAPH = "00000003-0000-0000-c000-000000000000"
EXCHANGE = "00000002-0000-0ff1-ce00-000000000000"
GITHUB = "https://token.actions.githubusercontent.com"
# real app role ids (Microsoft Graph / Exchange Online)
FULL_ACCESS_AS_APP = "dc890d15-9560-4a4c-9b7f-a736ec74ec40"
ROLE_MANAGEMENT_RW = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"
HIGH_IMPACT_ROLES = {  # ManagementPlane or ControlPlane application permissions of Graph
    "a82116e5-55eb-4c41-a434-62fe8a61c773",  # Sites.FullControl.All
    "e2a3a72e-5f79-4c64-b1b1-878b674786c9",  # Mail.ReadWrite
    "19dbc75e-c2e2-444c-a770-ec69d8559fc7",  # Directory.ReadWrite.All
    "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",  # Application.ReadWrite.All
}


def when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


@functools.lru_cache(maxsize=8)
def demo(size: int = 300, seed: int = 7) -> Recording:
    """Generated once per (size, seed) for the whole test session; treat as read-only."""
    return generate_demo(size, seed, now=NOW)


class Index:
    """Lookups over a demo recording, by the relations Graph has."""

    def __init__(self, rec: Recording) -> None:
        self.rec = rec
        self.apps = rec.items("v1.0/applications")
        self.sps = rec.items("v1.0/servicePrincipals")
        self.app_by_id = {a["id"]: a for a in self.apps}
        self.sp_by_id = {s["id"]: s for s in self.sps}
        self.sp_by_app_id = {s["appId"]: s for s in self.sps}
        self.sign_ins = rec.items("beta/auditLogs/signIns")
        self.audits = rec.items("v1.0/auditLogs/directoryAudits")
        self.grants = rec.items("v1.0/oauth2PermissionGrants")
        self.role_assignments = rec.items("v1.0/roleManagement/directory/roleAssignments")
        self.eligible = rec.items("v1.0/roleManagement/directory/roleEligibilitySchedules")
        self.role_definitions = rec.items("v1.0/roleManagement/directory/roleDefinitions")
        self.report = {r["appId"]: r for r in
                       rec.items("beta/reports/servicePrincipalSignInActivities")}
        self.credential_report = {r["keyId"]: r for r in
                                  rec.items("beta/reports/appCredentialSignInActivities")}

    def relation(self, kind: str, object_id: str) -> list[dict[str, Any]]:
        return self.rec.items(KIND_BY_NAME[kind].path_for(object_id))

    def owners(self, app: dict[str, Any]) -> list[dict[str, Any]]:
        return self.relation("applicationOwners", app["id"])

    def fics(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return [(app, fic) for app in self.apps
                for fic in self.relation("federatedIdentityCredentials", app["id"])]

    def assignments(self, sp: dict[str, Any]) -> list[dict[str, Any]]:
        return self.relation("appRoleAssignments", sp["id"])

    def role_holders(self) -> set[str]:
        return {a["principalId"] for a in self.role_assignments + self.eligible}

    def last_sign_in(self, app_id: str) -> datetime | None:
        entry = self.report.get(app_id)
        return when(entry["lastSignInActivity"]["lastSignInDateTime"]) if entry else None

    def sign_ins_by_ip(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for s in self.sign_ins:
            found[s["ipAddress"]].add(s["servicePrincipalId"])
        return found

    def days_ago(self, days: float) -> datetime:
        return self.rec.recorded_at - timedelta(days=days)
