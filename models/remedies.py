"""Which cleanup actions address which finding, and which actions an identity's kind rules out.

    remedies(finding, identity)   # credential-expired -> remove that credential, ...
    actions_for(identity)         # every action the action menu can offer on it
    why_impossible(action, identity)   # "managed identities are managed by Azure: ..."

A remedy carries the plan action (models.plan) and a line saying what it does; one the
kind rules out carries the reason instead, so the UI can show it disabled with that reason
rather than hide it. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from models.finding import Finding
from models.identity import Credential, WorkloadIdentity
from models.kinds import EXTERNAL_APP, MANAGED_IDENTITY_KINDS, MICROSOFT_APP
from models.plan import (
    DeleteApplication,
    DisableServicePrincipal,
    EnableServicePrincipal,
    RemoveAppRoleAssignment,
    RemoveCredential,
    RemoveDelegatedGrant,
    RemoveFederatedCredential,
    RemoveOwner,
    RestoreApplication,
)
from models.tiers import privileged

# actions on the service principal object, and on the application object
SP_ACTIONS = {"disable-service-principal", "enable-service-principal",
              "remove-app-role-assignment", "remove-delegated-grant"}
APP_ACTIONS = {"remove-federated-credential", "delete-application", "restore-application"}
# what Graph lets an admin change on a managed identity (Azure manages the rest)
MANAGED_IDENTITY_ALLOWED = {"remove-app-role-assignment", "remove-delegated-grant", "set-label"}


@dataclass(frozen=True)
class Remedy:
    """One action an admin can take, what it does, and why it cannot be done (if so)."""

    action: Any  # a models.plan action
    title: str
    finding_id: str | None = None
    blocked: str | None = None  # the reason this identity's kind rules it out

    @property
    def possible(self) -> bool:
        return self.blocked is None


def _object_type(action: Any) -> str | None:
    return getattr(action, "object_type", None)


def why_impossible(action: Any, identity: WorkloadIdentity) -> str | None:
    """Why `action` cannot be done on this identity, or None when Graph allows it."""
    name = action.action
    if name == "set-label":
        return None
    if identity.kind in MANAGED_IDENTITY_KINDS and name not in MANAGED_IDENTITY_ALLOWED:
        return ("managed identities are managed by Azure: their credentials, owners and "
                "state cannot be changed from Entra; disable or delete the identity (or its "
                "Azure resource) in Azure, or remove its permissions here")
    on_app = name in APP_ACTIONS or _object_type(action) == "application"
    on_sp = name in SP_ACTIONS or _object_type(action) == "servicePrincipal"
    if on_app and not identity.application_id:
        if identity.kind == MICROSOFT_APP:
            return ("a Microsoft first-party app: its registration is Microsoft's; here you "
                    "can only change its service principal")
        if identity.kind == EXTERNAL_APP:
            home = identity.owner_organization_id or "its publisher's tenant"
            return (f"another organisation's app: its registration lives in {home}; here you "
                    "can only change its service principal (disable it, remove permissions)")
        return "this identity has no app registration in this tenant"
    if on_sp and not identity.service_principal_id:
        return "this app registration has no service principal in this tenant"
    return None


def _remedy(action: Any, title: str, identity: WorkloadIdentity,
            finding: Finding | None = None) -> Remedy:
    return Remedy(action, title, finding.id if finding else None,
                  why_impossible(action, identity))


def _quoted(text: str | None) -> str:
    return f"'{text}'" if text else "(no name)"


def _credential_title(c: Credential) -> str:
    what = "secret" if c.type == "secret" else "certificate"
    where = "service principal" if c.on == "servicePrincipal" else "application"
    return f"remove the {c.status} {what} {_quoted(c.display_name)} (keyId {c.key_id}) " \
           f"from the {where}"


def remove_credential(identity: WorkloadIdentity, c: Credential,
                      finding: Finding | None = None) -> Remedy:
    on_sp = c.on == "servicePrincipal"
    object_id = identity.service_principal_id if on_sp else identity.application_id
    action = RemoveCredential(objectType="servicePrincipal" if on_sp else "application",
                              objectId=object_id or identity.id, keyId=c.key_id)
    if c.managed_by_azure:
        return Remedy(action, _credential_title(c), finding.id if finding else None,
                      "Azure manages and rotates this certificate: it cannot be removed")
    return _remedy(action, _credential_title(c), identity, finding)


def _disable(identity: WorkloadIdentity, finding: Finding | None = None) -> list[Remedy]:
    if identity.enabled is False:
        return []
    action = DisableServicePrincipal(servicePrincipalId=identity.service_principal_id
                                     or identity.id)
    return [_remedy(action, "disable the service principal (sign-ins stop; enable undoes it)",
                    identity, finding)]


def _delete(identity: WorkloadIdentity, finding: Finding | None = None) -> list[Remedy]:
    action = DeleteApplication(applicationId=identity.application_id or identity.id)
    return [_remedy(action, "delete the app registration (restorable for 30 days from "
                    "deleted items)", identity, finding)]


def _owner(identity: WorkloadIdentity, owner_id: str, of: str, label: str,
           finding: Finding | None = None) -> list[Remedy]:
    out = []
    for object_type, object_id in (("application", identity.application_id),
                                   ("servicePrincipal", identity.service_principal_id)):
        if of not in (object_type, "both"):
            continue
        action = RemoveOwner(objectType=object_type, objectId=object_id or identity.id,
                             ownerId=owner_id)
        where = "app registration" if object_type == "application" else "service principal"
        out.append(_remedy(action, f"remove the owner {label} from the {where}", identity,
                           finding))
    return out


def _permissions(identity: WorkloadIdentity, finding: Finding | None,
                 only_privileged: bool) -> list[Remedy]:
    out = []
    sp_id = identity.service_principal_id or identity.id
    for p in identity.app_permissions:
        if only_privileged and not privileged(p.tier):
            continue
        action = RemoveAppRoleAssignment(servicePrincipalId=sp_id,
                                         appRoleAssignmentId=p.assignment_id)
        out.append(_remedy(action, f"remove the application permission {p.value or p.app_role_id}"
                           f" on {p.resource_name or p.resource_id} ({p.tier})", identity,
                           finding))
    for g in identity.delegated_grants:
        if only_privileged and not any(privileged(s.tier) for s in g.scopes):
            continue
        scopes = " ".join(s.value for s in g.scopes) or "(no scopes)"
        who = "all users" if g.consent_type == "AllPrincipals" else \
            (g.principal_name or g.principal_id or "one user")
        out.append(_remedy(RemoveDelegatedGrant(grantId=g.grant_id),
                           f"remove the delegated grant {scopes} on "
                           f"{g.resource_name or g.resource_id} for {who}", identity, finding))
    return out


def _credentials_by_key(identity: WorkloadIdentity, keys: Iterable[Any],
                        finding: Finding) -> list[Remedy]:
    wanted = {str(k) for k in keys if k}
    return [remove_credential(identity, c, finding) for c in identity.credentials
            if c.key_id in wanted]


def remedies(finding: Finding, identity: WorkloadIdentity) -> list[Remedy]:
    """The actions that address one finding (none for findings no action fixes, such as
    `no-owner` or `credential-expiring`, which need a new owner or a rotation)."""
    rule, ev = finding.rule, finding.evidence
    if rule in ("credential-expired", "credential-long-lived", "credential-unused",
                "credential-on-service-principal", "first-party-credential"):
        return _credentials_by_key(identity, [ev.get("keyId")], finding)
    if rule == "secret-in-use":
        keys = [s.get("keyId") for s in ev.get("secrets") or [] if isinstance(s, dict)]
        return _credentials_by_key(identity, keys, finding)
    if rule.startswith("fic-"):
        fid = ev.get("federatedCredentialId")
        fic = next((f for f in identity.federated_credentials if f.id == fid), None)
        if fic is None:
            return []
        action = RemoveFederatedCredential(applicationId=identity.application_id or identity.id,
                                           federatedCredentialId=fic.id)
        return [_remedy(action, f"remove the federated credential {_quoted(fic.name)} "
                        f"(subject {fic.subject or fic.expression or '?'})", identity, finding)]
    if rule == "stale-identity":
        return _disable(identity, finding) + _delete(identity, finding)
    if rule == "disabled-with-credentials":
        return (_credentials_by_key(identity, ev.get("credentials") or [], finding)
                + _delete(identity, finding))
    if rule == "privileged-permission":
        return _permissions(identity, finding, only_privileged=True)
    if rule == "external-app-privileged":
        return _permissions(identity, finding, only_privileged=True) + \
            _disable(identity, finding)
    if rule == "owner-lower-tier":
        label = _quoted(ev.get("ownerUpn") or ev.get("ownerName") or ev.get("ownerId"))
        return _owner(identity, str(ev.get("ownerId")), str(ev.get("ownerOf") or "both"),
                      label, finding)
    if rule == "risky-service-principal":
        return _disable(identity, finding)
    if rule == "credential-added-by-lower-tier-actor":
        out = _credentials_by_key(identity, ev.get("keysAdded") or [], finding)
        added = set(ev.get("federatedAdded") or [])
        for fic in identity.federated_credentials:
            if fic.name in added or fic.subject in added:
                action = RemoveFederatedCredential(
                    applicationId=identity.application_id or identity.id,
                    federatedCredentialId=fic.id)
                out.append(_remedy(action, f"remove the federated credential "
                                   f"{_quoted(fic.name)}", identity, finding))
        for owner in identity.owners:
            if owner.id in set(ev.get("ownersAdded") or []):
                out += _owner(identity, owner.id, owner.of, _quoted(owner.upn or owner.name),
                              finding)
        return out
    return []


def actions_for(identity: WorkloadIdentity) -> list[Remedy]:
    """Every cleanup action on this identity, possible or not (with the reason)."""
    out: list[Remedy] = []
    if identity.enabled is False:
        action = EnableServicePrincipal(servicePrincipalId=identity.service_principal_id
                                        or identity.id)
        out.append(_remedy(action, "enable the service principal", identity))
    else:
        out += _disable(identity)
    out += [remove_credential(identity, c) for c in identity.credentials]
    for fic in identity.federated_credentials:
        action = RemoveFederatedCredential(applicationId=identity.application_id or identity.id,
                                           federatedCredentialId=fic.id)
        out.append(_remedy(action, f"remove the federated credential {_quoted(fic.name)}",
                           identity))
    out += _permissions(identity, None, only_privileged=False)
    for owner in identity.owners:
        out += _owner(identity, owner.id, owner.of, _quoted(owner.upn or owner.name or owner.id))
    out += _delete(identity)
    return out


def restore_remedy(application_id: str, name: str = "") -> Remedy:
    """Bring back a deleted app registration (it is no longer an identity in the snapshot)."""
    return Remedy(RestoreApplication(applicationId=application_id),
                  f"restore the app registration {_quoted(name)} from deleted items")
