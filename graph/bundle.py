"""Write an incident bundle: bundle.json and bundle.md (models.bundle), and a redacted
recording of just the selected identities and what they relate to.

    files = write_bundle(directory, bundle, recording, identities, salt=new_salt())

The recording keeps, of the whole tenant's: the selected applications and service
principals with their owners, federated credentials, app role assignments and group
memberships; the resource service principals their permissions point at; their delegated
grants; the role assignments, eligibilities and definitions of the identities, their owners
and groups; and the audit events, sign-ins, risk and activity reports that name them. It
then goes through `graph.redact`, so names, UPNs, mail and IP addresses are pseudonyms and
the recording can leave the organisation; `wlx --replay DIR` opens it.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.recording import write_recording
from graph.redact import redact
from models.bundle import bundle_markdown
from models.identity import WorkloadIdentity
from models.recording import KIND_BY_NAME, Recording


@dataclass(frozen=True)
class BundleFiles:
    directory: Path
    json: Path
    markdown: Path
    recording: Path | None


def new_salt() -> str:
    """A fresh salt for one bundle's pseudonyms; keep it to map them back, or drop it."""
    return secrets.token_hex(16)


def _path(name: str) -> str:
    return KIND_BY_NAME[name].path


def _ids(items: Iterable[Any], key: str) -> set[str]:
    return {item[key] for item in items if isinstance(item, dict) and isinstance(item.get(key), str)}


def _audit_names(audit: Any, objects: set[str]) -> bool:
    if not isinstance(audit, dict):
        return False
    if any(isinstance(t, dict) and t.get("id") in objects for t in audit.get("targetResources") or []):
        return True
    app = (audit.get("initiatedBy") or {}).get("app") or {}
    return isinstance(app, dict) and app.get("servicePrincipalId") in objects


def subset_recording(recording: Recording, app_ids: set[str], sp_ids: set[str]) -> Recording:
    """The part of a recording about these applications and service principals (by object
    id) and what they relate to; nothing else of the tenant."""
    out = Recording(recording.tenant_id, recording.recorded_at, recording.cloud)
    out.unavailable = dict(recording.unavailable)
    if _path("organization") in recording.bodies:
        out.set_items(_path("organization"), recording.items(_path("organization")))
    apps = [a for a in recording.items(_path("applications"))
            if isinstance(a, dict) and a.get("id") in app_ids]
    app_ids_of = {str(a.get("appId") or "").lower() for a in apps}
    sps = recording.items(_path("servicePrincipals"))
    chosen = [s for s in sps if isinstance(s, dict) and s.get("id") in sp_ids]
    app_ids_of |= {str(s.get("appId") or "").lower() for s in chosen}
    app_ids_of.discard("")
    # per-object relations of the chosen objects, copied as read
    for name, owners in (("applicationOwners", app_ids), ("federatedIdentityCredentials", app_ids),
                         ("servicePrincipalOwners", sp_ids), ("appRoleAssignments", sp_ids),
                         ("memberOf", sp_ids)):
        for object_id in owners:
            path = KIND_BY_NAME[name].path_for(object_id)
            if path in recording.bodies:
                out.bodies[path] = recording.bodies[path]
    assignments = [a for sp in sp_ids for a in recording.relation(KIND_BY_NAME["appRoleAssignments"], sp)]
    grants = [g for g in recording.items(_path("oauth2PermissionGrants"))
              if isinstance(g, dict) and g.get("clientId") in sp_ids]
    resources = _ids(assignments, "resourceId") | _ids(grants, "resourceId")
    out.set_items(_path("applications"), apps)
    out.set_items(_path("servicePrincipals"), chosen + [
        s for s in sps if isinstance(s, dict) and s.get("id") in resources - sp_ids])
    out.set_items(_path("oauth2PermissionGrants"), grants)
    related = set(sp_ids)  # principals whose roles matter: the identities, owners, groups
    for name, owners in (("applicationOwners", app_ids), ("servicePrincipalOwners", sp_ids),
                         ("memberOf", sp_ids)):
        for object_id in owners:
            related |= _ids(recording.relation(KIND_BY_NAME[name], object_id), "id")
    definitions: set[str] = set()
    for name in ("roleAssignments", "roleEligibilitySchedules"):
        kept = [r for r in recording.items(_path(name))
                if isinstance(r, dict) and r.get("principalId") in related]
        definitions |= _ids(kept, "roleDefinitionId")
        if _path(name) in recording.bodies:
            out.set_items(_path(name), kept)
    if _path("roleDefinitions") in recording.bodies:
        out.set_items(_path("roleDefinitions"), [
            d for d in recording.items(_path("roleDefinitions")) if isinstance(d, dict)
            and (d.get("id") in definitions or d.get("templateId") in definitions)])
    objects = app_ids | sp_ids
    filters: dict[str, Any] = {
        "directoryAudits": lambda a: _audit_names(a, objects),
        "signIns": lambda s: s.get("servicePrincipalId") in sp_ids
        or str(s.get("appId") or "").lower() in app_ids_of,
        "riskyServicePrincipals": lambda r: r.get("id") in sp_ids,
        "servicePrincipalRiskDetections": lambda d: d.get("servicePrincipalId") in sp_ids,
        "servicePrincipalSignInActivities": lambda r: str(r.get("appId") or "").lower()
        in app_ids_of,
        "appCredentialSignInActivities": lambda r: str(r.get("appId") or "").lower()
        in app_ids_of or r.get("servicePrincipalObjectId") in sp_ids
        or r.get("appObjectId") in app_ids,
    }
    for name, keep in filters.items():
        if _path(name) in recording.bodies:
            out.set_items(_path(name), [item for item in recording.items(_path(name))
                                         if isinstance(item, dict) and keep(item)])
    return out


def bundle_recording(recording: Recording, identities: Iterable[WorkloadIdentity],
                     salt: str) -> Recording:
    """The redacted recording of these identities (see `subset_recording`)."""
    app_ids: set[str] = set()
    sp_ids: set[str] = set()
    for identity in identities:
        if identity.application_id:
            app_ids.add(identity.application_id)
        if identity.service_principal_id:
            sp_ids.add(identity.service_principal_id)
    return redact(subset_recording(recording, app_ids, sp_ids), salt)


def _private_write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def write_bundle(directory: str | os.PathLike[str], bundle: dict[str, Any],
                 recording: Recording | None, identities: Iterable[WorkloadIdentity],
                 salt: str) -> BundleFiles:
    """Write bundle.json, bundle.md and (with a recording) recording/ into `directory`.
    The JSON and Markdown name real people and addresses: they are written owner-only."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    json_path, md_path = root / "bundle.json", root / "bundle.md"
    _private_write(json_path, json.dumps(bundle, indent=1, ensure_ascii=True) + "\n")
    _private_write(md_path, bundle_markdown(bundle))
    recording_dir = None
    if recording is not None:
        recording_dir = write_recording(bundle_recording(recording, identities, salt),
                                        root / "recording")
    return BundleFiles(root, json_path, md_path, recording_dir)
