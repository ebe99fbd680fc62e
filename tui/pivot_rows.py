"""What an IP, a credential keyId, a role, a resource, an audit actor, an owner or a
principal leads to: the rows of the pivot and principal views.

Built off the UI thread from the source's pivots (models.pivots.Pivots), principals and
the details of the few identities involved (for the sign-ins and audit events
themselves). Each row says what it is, and the Location enter opens. No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.identity import Principal, WorkloadIdentity
from models.pivots import Pivots
from tui.screens.formatting import plural
from tui.screens.links import Location, pivot_target

MAX_DETAILS = 200  # identities whose details a pivot reads (sign-ins, audit events)


@dataclass(frozen=True)
class PivotRow:
    what: str  # identity, sign-in, audit, ip, role, owns, changed, user, group, detection
    id: str  # unique in the view
    name: str  # the identity or principal it is about
    kind: str  # identity kind or principal kind
    tier: str
    detail: str  # what links it to the pivot ("6 sign-ins", "eligible, tenant-wide")
    opens: Location | None
    time: str | None = None  # ISO time of a sign-in or audit event
    identity_id: str = ""  # the identity it belongs to (for y, c and actions)


class PivotData:
    """The source's cross-references, read once per view build."""

    def __init__(self, source: Any, identity: Callable[[str], Any]) -> None:
        self.source = source
        self.identity = identity  # id -> index row or None
        self.pivots: Pivots = source.pivots() if hasattr(source, "pivots") else Pivots()
        self.principals: dict[str, Principal] = (source.principals()
                                                 if hasattr(source, "principals") else {})

    def detail(self, identity_id: str) -> WorkloadIdentity | None:
        from tui.screens.detail import as_identity  # the one converter for source details

        return as_identity(self.source.detail(identity_id))

    def identity_row(self, identity_id: str, what: str, detail: str, tab: str = "",
                     focus: str = "") -> PivotRow:
        row = self.identity(identity_id)
        return PivotRow(what, f"{what}:{identity_id}", getattr(row, "display_name", "")
                        or identity_id, getattr(row, "kind", "") or "",
                        getattr(row, "tier", "") or "", detail,
                        Location("detail", identity_id, tab=tab, focus=focus),
                        identity_id=identity_id)

    def principal_row(self, principal_id: str, what: str, detail: str) -> PivotRow:
        if self.identity(principal_id) is not None:  # a service principal we know
            return self.identity_row(principal_id, what, detail, tab="roles")
        p = self.principals.get(principal_id)
        name = (p.display_name or p.upn) if p else None
        return PivotRow(what, f"{what}:{principal_id}", name or principal_id,
                        p.kind if p else "directoryObject", p.tier if p else "", detail,
                        Location("principal", principal_id))


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def ip_rows(data: PivotData, ip: str) -> list[PivotRow]:
    seen = data.pivots.ips.get(ip, {})
    rows = [data.identity_row(i, "identity", f"{plural(n, 'sign-in')} from {ip}",
                              tab="activity") for i, n in seen.items()]
    for identity_id in list(seen)[:MAX_DETAILS]:
        detail = data.detail(identity_id)
        if detail is None:
            continue
        for s in detail.sign_ins:
            if s.ip == ip:
                rows.append(_sign_in(detail, s))
        for d in (detail.risk.detections if detail.risk else []):
            if d.ip == ip:
                rows.append(PivotRow("detection", f"detection:{d.id}", detail.display_name,
                                     detail.kind, detail.tier, f"{d.type} ({d.level})",
                                     Location("detail", detail.id, tab="risk", focus=d.id),
                                     _iso(d.time), detail.id))
    return rows


def _sign_in(detail: WorkloadIdentity, s: Any) -> PivotRow:
    status = "success" if s.succeeded else f"failed {s.error_code}"
    text = f"{s.ip or '?'} → {s.resource or '?'} · {status}"
    if s.key_id:
        text += f" · key {s.key_id}"
    return PivotRow("sign-in", f"sign-in:{s.id}", detail.display_name, detail.kind,
                    detail.tier, text, Location("detail", detail.id, tab="activity",
                                                focus=s.id), _iso(s.time), detail.id)


def key_rows(data: PivotData, key: str) -> list[PivotRow]:
    pivot = data.pivots.key_ids.get(key.lower())
    if pivot is None:
        return []
    tab = "federated" if pivot.kind == "federated" else "credentials"
    rows = [data.identity_row(pivot.identity_id, "identity",
                              f"holds this {pivot.kind} credential; "
                              f"{plural(pivot.sign_ins, 'sign-in')} with it",
                              tab=tab, focus=key)]
    rows += [PivotRow("ip", f"ip:{ip}", ip, "", "", f"{plural(n, 'sign-in')} with this key",
                      Location("pivot", pivot_target("ip", ip)))
             for ip, n in sorted(pivot.ips.items(), key=lambda item: -item[1])]
    detail = data.detail(pivot.identity_id)
    if detail is not None:
        wanted = key.lower()
        rows += [_sign_in(detail, s) for s in detail.sign_ins
                 if wanted in ((s.key_id or "").lower(), (s.federated_token_id or "").lower())]
        for e in detail.audit_events:
            if wanted in [k.lower() for k in e.keys_added + e.keys_removed]:
                change = "added" if wanted in [k.lower() for k in e.keys_added] else "removed"
                rows.append(PivotRow("audit", f"audit:{e.id}", detail.display_name,
                                     detail.kind, detail.tier,
                                     f"{e.activity.strip()}: {change} by "
                                     f"{e.actor_name or e.actor_id or '?'}",
                                     Location("detail", detail.id, tab="audit", focus=e.id),
                                     _iso(e.time), detail.id))
    return rows


def role_rows(data: PivotData, role_id: str) -> list[PivotRow]:
    pivot = data.pivots.roles.get(role_id)
    if pivot is None:
        return []
    rows = []
    for holder in pivot.holders:
        scope = "tenant-wide" if holder.scope in ("/", "") else f"scope {holder.scope}"
        detail = f"{holder.state}, {scope}"
        if holder.kind == "identity":
            rows.append(data.identity_row(holder.id, "identity", detail, tab="roles"))
        else:
            rows.append(data.principal_row(holder.id, holder.kind, detail))
    return rows


def role_name(data: PivotData, role_id: str) -> str:
    pivot = data.pivots.roles.get(role_id)
    return pivot.name if pivot and pivot.name else role_id


def resource_rows(data: PivotData, resource_id: str) -> list[PivotRow]:
    rows = [data.identity_row(resource_id, "resource", "the resource itself")]
    rows += [data.identity_row(i, "identity", "has a permission on it", tab="permissions")
             for i in data.pivots.resources.get(resource_id, [])]
    return rows


def actor_rows(data: PivotData, key: str) -> list[PivotRow]:
    actor = data.pivots.actors.get(key)
    if actor is None:
        return []
    rows = [data.identity_row(t, "changed", "changed by this actor", tab="audit")
            for t in actor.target_ids]
    wanted = set(actor.audit_ids)
    for target in actor.target_ids[:MAX_DETAILS]:
        detail = data.detail(target)
        for e in (detail.audit_events if detail else []):
            if e.id in wanted:
                rows.append(PivotRow("audit", f"audit:{e.id}:{target}", detail.display_name,
                                     detail.kind, detail.tier, e.activity.strip(),
                                     Location("detail", target, tab="audit", focus=e.id),
                                     _iso(e.time), target))
    return rows


def owner_rows(data: PivotData, owner_id: str) -> list[PivotRow]:
    return [data.identity_row(i, "owns", "owned by it", tab="owners", focus=owner_id)
            for i in data.pivots.owners.get(owner_id, [])]


def find_principal(data: PivotData, target: str) -> Principal | None:
    """A principal by object id, or by UPN (audit actors are named by UPN)."""
    found = data.principals.get(target)
    if found is not None:
        return found
    lowered = target.lower()
    return next((p for p in data.principals.values() if (p.upn or "").lower() == lowered),
                None)


def principal_rows(data: PivotData, principal: Principal | None, target: str) -> list[PivotRow]:
    """A user (group, service principal): its roles, what it owns, what it changed."""
    rows = []
    for role in principal.roles if principal else []:
        scope = "tenant-wide" if role.scope in ("/", "") else role.scope_name or role.scope
        rows.append(PivotRow("role", f"role:{role.role_definition_id}:{role.state}:{role.scope}",
                             role.name, role.state, role.tier, f"{scope}; {role.why}",
                             Location("pivot", pivot_target("role", role.role_definition_id))))
    principal_id = principal.id if principal else target
    owned = principal.owns if principal and principal.owns else data.pivots.owners.get(
        principal_id, [])
    rows += [data.identity_row(i, "owns", "owned by it", tab="owners", focus=principal_id)
             for i in owned]
    keys = [k for k in (principal.upn if principal else None, principal_id, target) if k]
    actor = next((data.pivots.actors[k] for k in keys if k in data.pivots.actors), None)
    if actor is not None:
        rows += [data.identity_row(t, "changed", f"changed by it "
                                   f"({plural(len(actor.audit_ids), 'audit event')} in all)",
                                   tab="audit") for t in actor.target_ids]
    return rows
