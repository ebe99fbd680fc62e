"""What identities did and what was done to them: sign-ins, credential use, audits, risk.

Each log is walked once and dealt to the identities it names (by service principal id,
application object id or appId).
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from models.activity import DirectoryAudit, SignIn
from models.identity import (
    AuditEntry,
    AuditTarget,
    Principal,
    Risk,
    RiskDetection,
    SignInEntry,
    SignInSummary,
    WorkloadIdentity,
)
from models.join import Context
from models.kinds import MANAGED_IDENTITY_KINDS
from models.nogc import builder

RECENT_SIGN_INS = 50  # kept per identity for the detail screen; counts cover them all
RECENT_AUDITS = 200
SIGN_IN_KINDS = ("servicePrincipalSignInActivities", "signIns")
_new_summary = builder(SignInSummary)
_new_entry = builder(SignInEntry)

_KEY_ID = re.compile(r"KeyIdentifier=([0-9a-fA-F-]{36})")
_SUBJECT_JSON = re.compile(r'"subject"\s*:\s*"((?:[^"\\]|\\.)*)"', re.IGNORECASE)
_SUBJECT_KV = re.compile(r"Subject=([^,\]]+)", re.IGNORECASE)
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-"})
CREDENTIAL_ACTIVITIES = frozenset({
    "update application - certificates and secrets management",
    "add service principal credentials",
})
OWNER_ACTIVITIES = frozenset({"add owner to application", "add owner to service principal"})


def activity_key(name: str | None) -> str:
    """Audit activity names vary in dashes and spaces ("– ", trailing blanks): normalise."""
    return " ".join((name or "").translate(_DASHES).split()).lower()


# -- sign-ins --------------------------------------------------------------------------
def attach_sign_ins(ctx: Context, detail: bool = True) -> dict[str, list[SignIn]]:
    """Sign-in summaries (and, with `detail`, the recent sign-ins); returns the sign-ins
    per identity."""
    per_identity: dict[str, list[SignIn]] = {}
    for sign_in in ctx.data.sign_ins:
        identity = ctx.by_object.get(sign_in.service_principal_id or "") or ctx.by_app_id.get(
            (sign_in.app_id or "").lower())
        if identity is not None:
            per_identity.setdefault(identity.id, []).append(sign_in)
    activity = {a.app_id.lower(): a for a in ctx.data.sign_in_activity if a.app_id}
    available = [k for k in SIGN_IN_KINDS if ctx.has(k)]
    missing = [k for k in SIGN_IN_KINDS if not ctx.has(k)]
    far_past = datetime.min.replace(tzinfo=ctx.now.tzinfo)
    for identity in ctx.identities:
        logs = per_identity.get(identity.id)
        report = activity.get(identity.app_id.lower()) if identity.app_id and activity else None
        by_type: dict[str, datetime | None] = {}
        if report is not None:
            a, b, c, d, e = (report.last_sign_in_activity,
                             report.application_authentication_client_sign_in_activity,
                             report.application_authentication_resource_sign_in_activity,
                             report.delegated_client_sign_in_activity,
                             report.delegated_resource_sign_in_activity)
            by_type = {
                "any": a.last_sign_in_date_time if a is not None else None,
                "applicationClient": b.last_sign_in_date_time if b is not None else None,
                "applicationResource": c.last_sign_in_date_time if c is not None else None,
                "delegatedClient": d.last_sign_in_date_time if d is not None else None,
                "delegatedResource": e.last_sign_in_date_time if e is not None else None,
            }
        if logs:
            logs.sort(key=lambda s: s.created_date_time or far_past, reverse=True)
            by_type["signInLogs"] = next((s.created_date_time for s in logs if s.succeeded), None)
            if detail:
                identity.sign_ins = [_entry(s) for s in logs[:RECENT_SIGN_INS]]
        known = [t for t in by_type.values() if t is not None]
        identity.sign_in_summary = _new_summary(
            last_sign_in=max(known) if known else None, last_by_type=by_type,
            sign_ins_in_data=len(logs) if logs else 0, available=available[:],
            missing=missing[:])
    return per_identity


def _entry(sign_in: SignIn) -> SignInEntry:
    status = sign_in.status
    location = None
    if sign_in.location is not None:
        parts = [sign_in.location.city, sign_in.location.country_or_region]
        location = ", ".join(p for p in parts if p) or None
    msi = sign_in.managed_service_identity
    return _new_entry(
        id=sign_in.id, time=sign_in.created_date_time, ip=sign_in.ip_address, location=location,
        resource=sign_in.resource_display_name, resource_id=sign_in.resource_id,
        key_id=sign_in.service_principal_credential_key_id,
        credential_type=sign_in.client_credential_type, succeeded=sign_in.succeeded,
        error_code=status.error_code if status else None,
        failure=status.failure_reason if status and status.error_code else None,
        event_types=list(sign_in.sign_in_event_types),
        msi_type=msi.msi_type if msi else None,
        federated_token_issuer=msi.federated_token_issuer if msi else None,
        federated_token_id=msi.federated_token_id if msi else None,
    )


# -- audits ----------------------------------------------------------------------------
def _key_ids(value: str | None) -> set[str]:
    return {k.lower() for k in _KEY_ID.findall(value or "")}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    try:
        return str(json.loads(f'"{text}"'))
    except ValueError:
        return text


def _subjects(value: str | None) -> set[str]:
    """Subjects named in a FederatedIdentityCredentials old/new value (JSON, or key=value)."""
    text = value or ""
    for _ in range(3):  # values are JSON inside JSON strings, sometimes more than once
        if '\\"' not in text:
            break
        text = text.replace('\\\\', '\\').replace('\\"', '"')
    found = {_unescape(s) for s in _SUBJECT_JSON.findall(text)}
    return found | {s.strip() for s in _SUBJECT_KV.findall(text)}


def read_audit(audit: DirectoryAudit, ctx: Context, principals: dict[str, Principal]) -> AuditEntry:
    """One audit event with its actor, targets and what changed (added/removed keys...)."""
    entry = AuditEntry(id=audit.id, time=audit.activity_date_time,
                       activity=audit.activity_display_name or "", category=audit.category,
                       result=audit.result)
    initiator = audit.initiated_by
    if initiator is not None and initiator.user is not None and (
            initiator.user.id or initiator.user.user_principal_name):
        entry.actor_kind, entry.actor_id = "user", initiator.user.id
        entry.actor_name = initiator.user.user_principal_name or initiator.user.display_name
        principal = principals.get(initiator.user.id or "")
        if principal is not None:
            entry.actor_tier, entry.actor_tier_known = principal.tier, principal.tier_known
    elif initiator is not None and initiator.app is not None:
        app = initiator.app
        actor = ctx.by_object.get(app.service_principal_id or "") or ctx.by_app_id.get(
            (app.app_id or "").lower())
        entry.actor_kind = "servicePrincipal"
        entry.actor_id = app.service_principal_id or (actor.id if actor else None)
        entry.actor_name = app.display_name or app.service_principal_name or (
            actor.display_name if actor else None)
        if actor is not None:
            entry.actor_id, entry.actor_tier, entry.actor_tier_known = actor.id, actor.tier, True
    owner_event = activity_key(audit.activity_display_name) in OWNER_ACTIVITIES
    touched = [ctx.by_object.get(t.id or "") for t in audit.target_resources]
    for target, identity in zip(audit.target_resources, touched, strict=True):
        entry.targets.append(AuditTarget(id=target.id, name=target.display_name
                                         or target.user_principal_name, type=target.type))
        if owner_event and identity is None and target.id:
            entry.owners_added.append(target.id)
        for prop in target.modified_properties:
            name = (prop.display_name or "").strip()
            lowered = name.lower()
            if lowered == "keydescription":
                old, new = _key_ids(prop.old_value), _key_ids(prop.new_value)
                entry.keys_added += sorted(new - old)
                entry.keys_removed += sorted(old - new)
            elif "federatedidentitycredential" in lowered:
                old_s, new_s = _subjects(prop.old_value), _subjects(prop.new_value)
                entry.federated_added += sorted(new_s - old_s)
                entry.federated_removed += sorted(old_s - new_s)
            elif name and lowered != "included updated properties" and name not in entry.properties:
                entry.properties.append(name)
    if any(i is not None and i.kind in MANAGED_IDENTITY_KINDS for i in touched) and (
            entry.keys_added or entry.keys_removed):
        entry.managed_rotation = True
    return entry


def credential_change(entry: AuditEntry) -> bool:
    """Did this event add a credential, a federated credential or an owner?"""
    if entry.keys_added or entry.federated_added or entry.owners_added:
        return True
    return activity_key(entry.activity) in CREDENTIAL_ACTIVITIES and not entry.keys_removed


def attach_audits(ctx: Context, principals: dict[str, Principal]) -> list[tuple[AuditEntry, list[str]]]:
    """Audit entries on the identities they touch (shown on the detail screen, so not for a
    report); returns (entry, target identity ids)."""
    events = []
    touched: dict[str, WorkloadIdentity] = {}
    for audit in ctx.data.directory_audits:
        entry = read_audit(audit, ctx, principals)
        targets = []
        for target in audit.target_resources:
            identity = ctx.by_object.get(target.id or "")
            if identity is not None and identity.id not in targets:
                targets.append(identity.id)
                if ctx.detail:
                    identity.audit_events.append(entry)
                    touched[identity.id] = identity
        actor = ctx.by_id.get(entry.actor_id or "") if entry.actor_kind == "servicePrincipal" else None
        if actor is not None and actor.id not in targets and ctx.detail:
            actor.audit_events.append(entry.model_copy(update={"role": "actor"}))
            touched[actor.id] = actor
        events.append((entry, targets))
    far_past = datetime.min.replace(tzinfo=ctx.now.tzinfo)
    for identity in touched.values():
        if len(identity.audit_events) > 1:
            identity.audit_events.sort(key=lambda e: e.time or far_past, reverse=True)
            del identity.audit_events[RECENT_AUDITS:]
    return events


# -- risk ------------------------------------------------------------------------------
def attach_risk(ctx: Context) -> None:
    detections: dict[str, list[RiskDetection]] = {}
    for item in ctx.data.risk_detections:
        identity = ctx.by_object.get(item.service_principal_id or "") or ctx.by_app_id.get(
            (item.app_id or "").lower())
        if identity is None:
            continue
        detections.setdefault(identity.id, []).append(RiskDetection(
            id=item.id, type=item.risk_event_type, state=item.risk_state, level=item.risk_level,
            time=item.detected_date_time or item.activity_date_time, ip=item.ip_address,
            key_ids=list(item.key_ids), activity=item.activity, source=item.source))
    for risky in ctx.data.risky_service_principals:
        identity = ctx.by_object.get(risky.id) or ctx.by_app_id.get((risky.app_id or "").lower())
        if identity is None:
            continue
        identity.risk = Risk(state=risky.risk_state, level=risky.risk_level,
                             detail=risky.risk_detail,
                             last_updated=risky.risk_last_updated_date_time,
                             detections=detections.pop(identity.id, []))
    for identity_id, found in detections.items():  # detections without a risky entry
        ctx.by_id[identity_id].risk = Risk(state=None, level=None, detections=found)

