"""Derive wlx's compact tier table (models/data/tiers.json) from Thomas Naunheim's EAM
classification (Cloud-Architekt/AzurePrivilegedIAM, MIT).

Run by hand when the classification is refreshed:

    .venv/bin/python tools/derive_tiers.py [SOURCE_DIR] [OUTPUT]

SOURCE_DIR defaults to ../shared/reference/classification (outside the repo); the app
never reads it: it ships the derived table with the attribution and licence
(models/data/CLASSIFICATION-LICENSE.md).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "reference" / "classification"
DEFAULT_OUTPUT = ROOT / "models" / "data" / "tiers.json"
# tiers as small integers keep the table compact: the order of the Enterprise Access Model
CODES = {"ControlPlane": 0, "ManagementPlane": 1, "UserAccess": 2}


def _load(source: Path, name: str) -> list[dict]:
    return json.loads((source / name).read_text(encoding="utf-8-sig"))


def _code(row: dict) -> int | None:
    return CODES.get(str(row.get("EAMTierLevelName") or ""))


def _commit(source: Path) -> str:
    text = (source / "SOURCES.md").read_text() if (source / "SOURCES.md").is_file() else ""
    match = re.search(r"commit ([0-9a-f]{40})", text)
    return match.group(1) if match else "unknown"


def derive(source: Path) -> dict:
    app_roles: dict[str, dict[str, list]] = {}
    for row in _load(source, "Classification_AppRoles.json"):
        code = _code(row)
        if code is not None:
            app_roles.setdefault(row["AppId"].lower(), {})[row["AppRoleId"].lower()] = [
                code, row["AppRoleDisplayName"]]
    scopes: dict[str, dict[str, int]] = {}
    for row in _load(source, "Classification_Scopes.json"):
        code = _code(row)
        if code is not None:
            scopes.setdefault(row["AppId"].lower(), {})[row["ScopeDisplayName"]] = code
    resources: dict[str, str] = {}
    for row in _load(source, "Classification_ApiPermissions.json"):
        if row.get("TargetAppId") and row.get("TargetAppDisplayName"):
            resources[row["TargetAppId"].lower()] = row["TargetAppDisplayName"]
    roles: dict[str, list] = {}
    actions: dict[str, int] = {}
    for row in _load(source, "Classification_EntraIdDirectoryRoles.json"):
        code = _code(row.get("Classification") or {})
        roles[row["RoleId"].lower()] = [code, row["RoleName"]]
        for permission in row.get("RolePermissions") or []:
            action, tier = permission.get("AuthorizedResourceAction"), _code(permission)
            if action and tier is not None:
                key = action.lower()
                actions[key] = min(tier, actions.get(key, tier))
    overrides = {}
    for row in _load(source, "Classification_RoleDefinitionOverwrites.json"):
        code = _code(row)
        if row.get("RbacSystem") == "EntraID" and code is not None:
            role_id = row["RoleDefinitionId"].lower()
            name = roles.get(role_id, [None, row.get("RoleDefinitionName")])[1]
            roles[role_id] = [code, name]
            overrides[role_id] = row.get("Justification") or ""
    return {
        "source": {
            "name": "Enterprise Access Model classification by Thomas Naunheim",
            "repository": "https://github.com/Cloud-Architekt/AzurePrivilegedIAM",
            "commit": _commit(source),
            "licence": "MIT, see CLASSIFICATION-LICENSE.md",
        },
        "tiers": ["ControlPlane", "ManagementPlane", "UserAccess"],
        "appRoles": dict(sorted(app_roles.items())),
        "scopes": dict(sorted(scopes.items())),
        "resources": dict(sorted(resources.items())),
        "directoryRoles": dict(sorted(roles.items())),
        "roleOverrides": dict(sorted(overrides.items())),
        "roleActions": dict(sorted(actions.items())),
    }


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    output = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUTPUT
    if not source.is_dir():
        print(f"derive_tiers: {source} is not a directory", file=sys.stderr)
        return 2
    table = derive(source)
    output.write_text(json.dumps(table, separators=(",", ":"), ensure_ascii=False) + "\n")
    counts = {k: len(v) for k, v in table.items() if isinstance(v, dict) and k != "source"}
    print(f"wrote {output} ({output.stat().st_size} bytes): {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
