"""Detail tabs about what the identity did and what was done to it: Activity (sign-ins),
Audit (who changed what), Risk (Identity Protection)."""

from __future__ import annotations

from typing import Any

from models.identity import AuditEntry, RiskDetection, SignInEntry, WorkloadIdentity
from models.pivots import actor_key
from models.query import search_text
from tui.screens.formatting import day, minute
from tui.screens.links import Link, Location, pivot_target
from tui.screens.tabs import NO_SERVICE_PRINCIPAL, TabSpec
from tui.widgets.badges import severity_label, severity_tone, tier_label, tier_tone
from tui.widgets.table_model import Column

# -- Activity ---------------------------------------------------------------------------


def _status(s: SignInEntry) -> str:
    if s.succeeded:
        return "✔ success"
    return f"✖ {s.error_code or 'failed'}"


def _sign_in_links(s: SignInEntry, identity: WorkloadIdentity, app: Any) -> list[Link]:
    links = []
    if s.ip:
        links.append(Link(f"everything seen from IP {s.ip}", Location("pivot",
                                                                      pivot_target("ip", s.ip))))
    used = s.key_id or s.federated_token_id
    if s.key_id:
        links.append(Link(f"everything seen with keyId {s.key_id}",
                          Location("pivot", pivot_target("key", s.key_id))))
    resource = app.identity_by_app_id(s.resource_id) if s.resource_id else None
    if resource is not None:
        links.append(Link(f"the resource {s.resource or resource.display_name}",
                          Location("detail", resource.id)))
    if used and not s.key_id:
        links.append(Link("the federated credential used",
                          Location("detail", identity.id, tab="federated")))
    return links


def _activity_empty(identity: WorkloadIdentity) -> str:
    if identity.kind == "app-without-sp":
        return NO_SERVICE_PRINCIPAL
    summary = identity.sign_in_summary
    last = summary.last_sign_in
    text = "no sign-in in the sign-in logs of this snapshot"
    if last is not None:
        text += f"; the last sign-in on record was {day(last)}"
    elif "servicePrincipalSignInActivities" in summary.available:
        text += "; the sign-in activity report has none either"
    if summary.missing:
        text += f" (not available: {', '.join(summary.missing)})"
    return text


ACTIVITY = TabSpec(
    id="activity", title="Activity",
    columns=lambda now: [
        Column("time", "TIME (UTC)", lambda s: minute(s.time), width=16,
               sort_key=lambda s: s.time),
        Column("status", "STATUS", _status, width=10,
               tone=lambda s: None if s.succeeded else "error"),
        Column("ip", "IP", lambda s: s.ip or "", min_width=13, max_width=39),
        Column("location", "LOCATION", lambda s: s.location or "", min_width=8, max_width=22,
               priority=3),
        Column("resource", "RESOURCE", lambda s: s.resource or s.resource_id or "",
               min_width=12, max_width=30),
        Column("key_id", "KEY ID", lambda s: s.key_id or s.federated_token_issuer or "",
               min_width=10, max_width=36, priority=2),
        Column("credential", "CREDENTIAL", lambda s: s.credential_type or s.msi_type or "",
               min_width=8, max_width=20, priority=4),
    ],
    rows=lambda i: list(i.sign_ins),
    row_id=lambda s: s.id,
    search=lambda s: search_text(s.ip, s.location, s.resource, s.key_id, s.credential_type,
                                 s.failure, s.error_code),
    target="sign-in", data_kinds=("signIns",),
    empty=_activity_empty, links=_sign_in_links,
    preview=lambda s, now: [
        ("sign-in", f"{minute(s.time)} from {s.ip or '?'} ({s.location or 'unknown place'}) "
                    f"to {s.resource or s.resource_id or '?'}"),
        ("result", "success" if s.succeeded else f"failed {s.error_code}: {s.failure or ''}"),
        ("credential", f"{s.credential_type or '?'} {s.key_id or ''}".strip()),
        *([("federated", f"{s.federated_token_issuer} {s.federated_token_id or ''}")]
          if s.federated_token_issuer else []),
        ("types", ", ".join(s.event_types))],
    copy=lambda s: [(label, value) for label, value in (
        ("IP address", s.ip), ("Key ID", s.key_id), ("Sign-in ID", s.id)) if value],
)


# -- Audit ------------------------------------------------------------------------------

def audit_changes(e: AuditEntry) -> str:
    parts = [f"+key {k}" for k in e.keys_added] + [f"-key {k}" for k in e.keys_removed]
    parts += [f"+federated {s}" for s in e.federated_added]
    parts += [f"-federated {s}" for s in e.federated_removed]
    parts += [f"+owner {o}" for o in e.owners_added]
    parts += e.properties
    return ", ".join(parts)


def _actor(e: AuditEntry) -> str:
    return e.actor_name or e.actor_id or "unknown"


def _audit_links(e: AuditEntry, identity: WorkloadIdentity, app: Any) -> list[Link]:
    links = []
    if e.actor_kind == "servicePrincipal" and e.actor_id and app.identity_row(e.actor_id):
        links.append(Link(f"the acting identity {_actor(e)}", Location("detail", e.actor_id)))
    elif e.actor_id and e.actor_kind == "user":
        links.append(Link(f"the actor {_actor(e)}", Location("principal", e.actor_id)))
    key = actor_key(e)
    if key:
        links.append(Link(f"everything {_actor(e)} changed",
                          Location("pivot", pivot_target("actor", key))))
    for target in e.targets:
        if target.id and target.id != identity.id and app.identity_row(target.id):
            links.append(Link(f"the target {target.name or target.id}",
                              Location("detail", target.id)))
    return links


AUDIT = TabSpec(
    id="audit", title="Audit",
    columns=lambda now: [
        Column("time", "TIME (UTC)", lambda e: minute(e.time), width=16,
               sort_key=lambda e: e.time),
        Column("activity", "ACTIVITY", lambda e: e.activity.strip(), min_width=16,
               max_width=40),
        Column("actor", "ACTOR", _actor, min_width=14, max_width=32),
        Column("actor_tier", "ACTOR TIER", lambda e: tier_label(e.actor_tier, short=True)
               if e.actor_tier_known else "? unknown", width=13,
               tone=lambda e: tier_tone(e.actor_tier) if e.actor_tier_known else "muted"),
        Column("result", "RESULT", lambda e: e.result or "", width=8, priority=3,
               tone=lambda e: "error" if (e.result or "success") != "success" else None),
        Column("changes", "CHANGES", audit_changes, min_width=12, flex=2, priority=2),
    ],
    rows=lambda i: sorted(i.audit_events, key=lambda e: e.time.timestamp() if e.time else 0,
                          reverse=True),
    row_id=lambda e: e.id,
    search=lambda e: search_text(e.activity, e.actor_name, e.actor_id, audit_changes(e)),
    target="audit-event", data_kinds=("directoryAudits",),
    empty=lambda i: "no change to it in the directory audit logs of this snapshot",
    links=_audit_links,
    preview=lambda e, now: [
        ("event", f"{minute(e.time)} {e.activity.strip()} ({e.result or '?'})"),
        ("actor", f"{e.actor_kind} {_actor(e)}, tier "
                  + (e.actor_tier if e.actor_tier_known else "unknown")
                  + (" (the identity itself acted)" if e.role == "actor" else "")),
        ("changed", audit_changes(e) or "—"),
        ("targets", ", ".join(t.name or t.id or "?" for t in e.targets)),
        *([("note", "Azure rotating the managed identity's certificate")]
          if e.managed_rotation else [])],
    copy=lambda e: [(label, value) for label, value in (
        ("Actor", e.actor_name), ("Actor ID", e.actor_id), ("Audit ID", e.id)) if value],
)


# -- Risk -------------------------------------------------------------------------------

def _risk_links(d: RiskDetection, identity: WorkloadIdentity, app: Any) -> list[Link]:
    links = []
    if d.ip:
        links.append(Link(f"everything seen from IP {d.ip}",
                          Location("pivot", pivot_target("ip", d.ip))))
    links += [Link(f"everything seen with keyId {k}", Location("pivot", pivot_target("key", k)))
              for k in d.key_ids]
    return links


def _risk_empty(identity: WorkloadIdentity) -> str:
    risk = identity.risk
    if risk is None:
        return "Identity Protection has no risk recorded for it"
    return (f"risk state {risk.state or '?'}, level {risk.level or '?'}, no detection listed"
            + (f" (updated {day(risk.last_updated)})" if risk.last_updated else ""))


RISK = TabSpec(
    id="risk", title="Risk",
    columns=lambda now: [
        Column("time", "TIME (UTC)", lambda d: minute(d.time), width=16,
               sort_key=lambda d: d.time),
        Column("type", "DETECTION", lambda d: d.type or "", min_width=16, max_width=36),
        Column("level", "LEVEL", lambda d: severity_label(d.level), width=9,
               tone=lambda d: severity_tone(d.level)),
        Column("state", "STATE", lambda d: d.state or "", min_width=8, max_width=20),
        Column("ip", "IP", lambda d: d.ip or "", min_width=8, max_width=39, priority=2),
        Column("keys", "KEY IDS", lambda d: ", ".join(d.key_ids), min_width=8, flex=2,
               priority=3),
    ],
    rows=lambda i: list(i.risk.detections) if i.risk else [],
    row_id=lambda d: d.id,
    search=lambda d: search_text(d.type, d.level, d.state, d.ip, " ".join(d.key_ids)),
    target="risk-detection",
    data_kinds=("riskyServicePrincipals", "servicePrincipalRiskDetections"),
    empty=_risk_empty, links=_risk_links,
    preview=lambda d, now: [("detection", f"{d.type} ({d.level}, {d.state})"),
                            ("when", minute(d.time)), ("activity", d.activity or ""),
                            ("source", d.source or "")],
    copy=lambda d: [("Detection ID", d.id)] + ([("IP address", d.ip)] if d.ip else []),
)

TABS = (ACTIVITY, AUDIT, RISK)
