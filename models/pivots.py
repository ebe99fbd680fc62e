"""Cross-reference maps for triage: from an IP, a keyId, an actor, a role, a resource or an
owner to every identity (and event) it leads to."""

from __future__ import annotations

from pydantic import BaseModel, Field

from models.activity import SignIn
from models.identity import AuditEntry, Principal, WorkloadIdentity
from models.nogc import builder


class KeyPivot(BaseModel):
    identity_id: str
    kind: str  # secret, certificate, key, federated
    sign_ins: int = 0
    ips: dict[str, int] = Field(default_factory=dict)


class ActorPivot(BaseModel):
    kind: str = "unknown"  # user, servicePrincipal
    id: str | None = None
    name: str | None = None
    audit_ids: list[str] = Field(default_factory=list)
    target_ids: list[str] = Field(default_factory=list)


class RoleHolder(BaseModel):
    id: str
    kind: str  # identity, user, group, directoryObject
    state: str  # active, eligible
    scope: str = "/"


class RolePivot(BaseModel):
    name: str = ""
    holders: list[RoleHolder] = Field(default_factory=list)


class Pivots(BaseModel):
    ips: dict[str, dict[str, int]] = Field(default_factory=dict)  # ip -> identity id -> sign-ins
    key_ids: dict[str, KeyPivot] = Field(default_factory=dict)
    actors: dict[str, ActorPivot] = Field(default_factory=dict)  # UPN or SP id
    roles: dict[str, RolePivot] = Field(default_factory=dict)  # role definition id
    resources: dict[str, list[str]] = Field(default_factory=dict)  # resource SP id
    owners: dict[str, list[str]] = Field(default_factory=dict)  # owner id


_new_key = builder(KeyPivot)


def actor_key(entry: AuditEntry) -> str | None:
    if entry.actor_kind == "user":
        return entry.actor_name or entry.actor_id
    return entry.actor_id or entry.actor_name


def build_pivots(identities: list[WorkloadIdentity], principals: dict[str, Principal],
                 audits: list[tuple[AuditEntry, list[str]]],
                 sign_ins: dict[str, list[SignIn]]) -> Pivots:
    pivots = Pivots()
    keys = pivots.key_ids
    owners, by_resource = pivots.owners, pivots.resources
    for identity in identities:
        for credential in identity.credentials:
            if credential.key_id:
                keys[credential.key_id.lower()] = _new_key(identity_id=identity.id,
                                                           kind=credential.type, ips={})
        for fic in identity.federated_credentials:
            if fic.id:
                keys[fic.id.lower()] = _new_key(identity_id=identity.id, kind="federated",
                                                ips={})
        for owner in identity.owners:
            owners.setdefault(owner.id, []).append(identity.id)
        if identity.app_permissions or identity.delegated_grants:
            resources = {p.resource_id for p in identity.app_permissions} | {
                g.resource_id for g in identity.delegated_grants}
            for resource in sorted(resources):
                by_resource.setdefault(resource, []).append(identity.id)
        for role in identity.directory_roles:
            _hold(pivots, role.role_definition_id, role.name, identity.id, "identity", role.state,
                  role.scope)
    for principal in principals.values():
        if principal.identity_id is None:
            for role in principal.roles:
                _hold(pivots, role.role_definition_id, role.name, principal.id, principal.kind,
                      role.state, role.scope)
    for identity_id, logs in sign_ins.items():
        for sign_in in logs:
            if sign_in.ip_address:
                per_ip = pivots.ips.setdefault(sign_in.ip_address, {})
                per_ip[identity_id] = per_ip.get(identity_id, 0) + 1
            used = sign_in.service_principal_credential_key_id or sign_in.federated_credential_id
            pivot = keys.get((used or "").lower())
            if pivot is not None:
                pivot.sign_ins += 1
                if sign_in.ip_address:
                    pivot.ips[sign_in.ip_address] = pivot.ips.get(sign_in.ip_address, 0) + 1
    for entry, targets in audits:
        key = actor_key(entry)
        if not key:
            continue
        actor = pivots.actors.get(key)
        if actor is None:
            actor = pivots.actors[key] = ActorPivot(kind=entry.actor_kind, id=entry.actor_id,
                                                    name=entry.actor_name)
        actor.audit_ids.append(entry.id)
        for target in targets:
            if target not in actor.target_ids:
                actor.target_ids.append(target)
    return pivots


def _hold(pivots: Pivots, role_id: str, name: str, holder: str, kind: str, state: str,
          scope: str) -> None:
    pivot = pivots.roles.get(role_id)
    if pivot is None:
        pivot = pivots.roles[role_id] = RolePivot(name=name)
    pivot.holders.append(RoleHolder(id=holder, kind=kind, state=state, scope=scope))
