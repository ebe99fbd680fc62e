"""One identity's history in time order: sign-ins, audit events, risk, credential start and
expiry, owner and permission changes.

    entries = timeline(identity, now)                 # newest first
    only = filter_timeline(entries, {"credential", "owner"}, text="203.0.113")

Every line has a `type` to filter on (TYPES) and a `ref` naming the object it opens (an
identity, a sign-in, an audit event, a risk detection, a credential, an owner...). Built
from a `WorkloadIdentity` alone, so it works on a cached detail as well as on a fresh
analysis. Texts hold raw directory strings: whoever prints them neutralises them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from models.events import CREDENTIAL_ACTIVITIES, activity_key
from models.identity import AuditEntry, Credential, SignInEntry, WorkloadIdentity

SIGN_IN, AUDIT, CREDENTIAL, OWNER, PERMISSION, RISK, IDENTITY = (
    "sign-in", "audit", "credential", "owner", "permission", "risk", "identity")
TYPES = (SIGN_IN, AUDIT, CREDENTIAL, OWNER, PERMISSION, RISK, IDENTITY)
TYPE_TITLES = {SIGN_IN: "sign-ins", AUDIT: "other audit events",
               CREDENTIAL: "credentials (added, removed, start, expiry)",
               OWNER: "owner changes", PERMISSION: "permission and role changes",
               RISK: "risk detections", IDENTITY: "creation"}
_FAR_PAST = datetime.min.replace(tzinfo=UTC)
# audit activities (normalised by activity_key) that change what an identity may do
_PERMISSION_WORDS = ("app role assignment", "permission grant", "consent to application",
                     "member to role", "member from role", "eligible member")
_CREDENTIAL_ACTIVITIES = CREDENTIAL_ACTIVITIES | {"remove service principal credentials"}


class Ref(BaseModel):
    """The object a line opens: kind (identity, signIn, audit, riskDetection, credential,
    federatedCredential, owner, permission, principal) and its id."""

    kind: str
    id: str
    identity_id: str | None = None


class TimelineEntry(BaseModel):
    time: datetime | None = None
    type: str
    title: str
    detail: str = ""
    actor: str | None = None
    ip: str | None = None
    failed: bool = False
    future: bool = False  # a credential expiry still to come
    ref: Ref
    refs: list[Ref] = Field(default_factory=list)  # more objects the line names

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_defaults=True)


def _day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else "an unknown date"


def _short(key: str | None) -> str:
    return (key or "")[:8]


def _credential_name(credential: Credential) -> str:
    kind = {"secret": "client secret", "certificate": "certificate"}.get(credential.type, "key")
    name = f" '{credential.display_name}'" if credential.display_name else ""
    where = " on the service principal object" if credential.on == "servicePrincipal" else ""
    return f"{kind}{name} ({_short(credential.key_id)}…){where}"


def _credentials(identity: WorkloadIdentity, now: datetime) -> Iterable[TimelineEntry]:
    for credential in identity.credentials:
        ref = Ref(kind="credential", id=credential.key_id, identity_id=identity.id)
        name = _credential_name(credential)
        managed = " (managed by Azure)" if credential.managed_by_azure else ""
        if credential.start is not None:
            yield TimelineEntry(time=credential.start, type=CREDENTIAL, ref=ref,
                                title=f"{name} valid from{managed}",
                                detail=f"keyId {credential.key_id}; ends {_day(credential.end)}")
        if credential.end is not None:
            ended = credential.end <= now
            yield TimelineEntry(time=credential.end, type=CREDENTIAL, ref=ref, future=not ended,
                                title=f"{name} {'expired' if ended else 'expires'}{managed}",
                                detail=f"keyId {credential.key_id}")


def _permissions(identity: WorkloadIdentity) -> Iterable[TimelineEntry]:
    for permission in identity.app_permissions:
        if permission.created is None:
            continue
        what = permission.value or permission.app_role_id
        yield TimelineEntry(
            time=permission.created, type=PERMISSION,
            title=f"granted {what} on {permission.resource_name or permission.resource_id}",
            detail=f"{permission.tier}: {permission.why}" if permission.why else permission.tier,
            ref=Ref(kind="permission", id=permission.assignment_id, identity_id=identity.id),
            refs=[Ref(kind="identity", id=permission.resource_id)])


def _sign_in(identity: WorkloadIdentity, entry: SignInEntry) -> TimelineEntry:
    where = f" from {entry.ip}" if entry.ip else ""
    to = f" to {entry.resource or entry.resource_id}" if entry.resource or entry.resource_id else ""
    parts = []
    if entry.key_id:
        parts.append(f"key {entry.key_id}")
    if entry.credential_type:
        parts.append(entry.credential_type)
    if entry.location:
        parts.append(entry.location)
    if entry.federated_token_issuer:
        parts.append(f"federated token of {entry.federated_token_issuer}")
    if not entry.succeeded:
        parts.append(f"failed {entry.error_code}: {entry.failure or 'no reason given'}")
    refs = [Ref(kind="credential", id=entry.key_id, identity_id=identity.id)] if entry.key_id else []
    return TimelineEntry(time=entry.time, type=SIGN_IN, ip=entry.ip, failed=not entry.succeeded,
                         title=("failed sign-in" if not entry.succeeded else "sign-in") + where + to,
                         detail="; ".join(parts),
                         ref=Ref(kind="signIn", id=entry.id, identity_id=identity.id), refs=refs)


def audit_type(entry: AuditEntry) -> str:
    """credential, owner, permission or audit: what an audit event changed."""
    key = activity_key(entry.activity)
    if entry.keys_added or entry.keys_removed or entry.federated_added or \
            entry.federated_removed or key in _CREDENTIAL_ACTIVITIES:
        return CREDENTIAL
    if entry.owners_added or "owner" in key:
        return OWNER
    if any(word in key for word in _PERMISSION_WORDS):
        return PERMISSION
    return AUDIT


def audit_changes(entry: AuditEntry) -> str:
    """What an audit event changed, in words: keys, federated subjects, owners, properties."""
    names = {t.id: t.name for t in entry.targets if t.id}
    parts = []
    for label, items in (("added key", entry.keys_added), ("removed key", entry.keys_removed),
                         ("added federated subject", entry.federated_added),
                         ("removed federated subject", entry.federated_removed)):
        if items:
            parts.append(f"{label} " + ", ".join(items))
    if entry.owners_added:
        parts.append("added owner " + ", ".join(names.get(o) or o for o in entry.owners_added))
    if entry.properties:
        parts.append("changed " + ", ".join(entry.properties[:6]))
    if entry.managed_rotation:
        parts.append("Azure rotating a managed identity's certificate")
    return "; ".join(parts)


def _audit(identity: WorkloadIdentity, entry: AuditEntry) -> TimelineEntry:
    actor = entry.actor_name or entry.actor_id or "an unknown actor"
    failed = bool(entry.result) and entry.result.lower() not in ("success", "succeeded")
    if entry.role == "actor":
        others = ", ".join(t.name or t.id or "?" for t in entry.targets if t.id != identity.id)
        title = f"{entry.activity.strip()} (done by this identity)"
        detail = "; ".join(p for p in (f"on {others}" if others else "", audit_changes(entry)) if p)
    else:
        title = f"{entry.activity.strip()} by {actor}"
        detail = audit_changes(entry)
    if failed:
        detail = f"result {entry.result}" + (f"; {detail}" if detail else "")
    refs = []
    if entry.actor_id:
        refs.append(Ref(kind="identity" if entry.actor_kind == "servicePrincipal" else "principal",
                        id=entry.actor_id))
    refs += [Ref(kind="owner", id=o, identity_id=identity.id) for o in entry.owners_added]
    refs += [Ref(kind="credential", id=k, identity_id=identity.id) for k in entry.keys_added]
    return TimelineEntry(time=entry.time, type=audit_type(entry), title=title, detail=detail,
                         actor=entry.actor_name or entry.actor_id, failed=failed,
                         ref=Ref(kind="audit", id=entry.id, identity_id=identity.id), refs=refs)


def _risk(identity: WorkloadIdentity) -> Iterable[TimelineEntry]:
    risk = identity.risk
    if risk is None:
        return
    for detection in risk.detections:
        detail = "; ".join(p for p in (
            f"state {detection.state}" if detection.state else "",
            f"keys {', '.join(detection.key_ids)}" if detection.key_ids else "",
            f"source {detection.source}" if detection.source else "") if p)
        yield TimelineEntry(
            time=detection.time, type=RISK, ip=detection.ip, detail=detail,
            title=f"risk detection {detection.type or '(unknown type)'} "
                  f"({detection.level or 'unknown level'})" +
                  (f" from {detection.ip}" if detection.ip else ""),
            ref=Ref(kind="riskDetection", id=detection.id, identity_id=identity.id),
            refs=[Ref(kind="credential", id=k, identity_id=identity.id) for k in detection.key_ids])
    if risk.last_updated is not None and (risk.state or risk.level):
        yield TimelineEntry(
            time=risk.last_updated, type=RISK,
            title=f"risk state {risk.state or 'unknown'} (level {risk.level or 'unknown'})",
            detail=risk.detail or "", ref=Ref(kind="identity", id=identity.id))


def timeline(identity: WorkloadIdentity, now: datetime,
             newest_first: bool = True) -> list[TimelineEntry]:
    """Every dated event of one identity, merged in time order (undated ones last)."""
    entries: list[TimelineEntry] = []
    if identity.created is not None:
        entries.append(TimelineEntry(time=identity.created, type=IDENTITY,
                                     title=f"created ({identity.kind})",
                                     ref=Ref(kind="identity", id=identity.id)))
    entries += _credentials(identity, now)
    entries += _permissions(identity)
    entries += (_sign_in(identity, s) for s in identity.sign_ins)
    entries += (_audit(identity, e) for e in identity.audit_events)
    entries += _risk(identity)
    dated = [e for e in entries if e.time is not None]
    dated.sort(key=lambda e: e.time or _FAR_PAST, reverse=newest_first)
    return dated + [e for e in entries if e.time is None]


def filter_timeline(entries: list[TimelineEntry], types: Iterable[str] | None = None,
                    text: str = "") -> list[TimelineEntry]:
    """The entries of the given types (all when None) whose words contain `text`."""
    wanted = set(types) if types is not None else None
    needle = text.strip().lower()
    kept = []
    for entry in entries:
        if wanted is not None and entry.type not in wanted:
            continue
        if needle and needle not in " ".join(
                (entry.title, entry.detail, entry.actor or "", entry.ip or "",
                 entry.ref.id)).lower():
            continue
        kept.append(entry)
    return kept


def type_counts(entries: list[TimelineEntry]) -> dict[str, int]:
    """How many entries of each type, in TYPES order (for the filter bar)."""
    counts = {t: 0 for t in TYPES}
    for entry in entries:
        counts[entry.type] = counts.get(entry.type, 0) + 1
    return counts
