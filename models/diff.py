"""What changed between two snapshots of one tenant: identities added and removed, and per
identity the credentials, federated credentials, permissions, roles and owners that came
or went (plus tier, enabled state and name), and the findings that appeared or resolved.

    before = states_from_identities(old_analysis.identities)   # or from stored details
    after = states_from_identities(new_analysis.identities)
    diff = diff_states(before, after, findings=(old.findings, new.findings))
    text = diff_markdown(diff)                                  # or json.dumps(diff)

A state is a small JSON-able summary of one identity, made from a `WorkloadIdentity` or
from its stored JSON (the cache's per-identity details) alike. Things are matched by what
they are, not by the id of the link: a permission by resource and app role, a role by
definition, state and scope, so removing and re-adding one is no change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from models.finding import Finding, severity_rank
from models.nogc import paused_gc
from models.report import md

FORMAT = "wlx-diff/1"
PARTS = ("credentials", "federated", "permissions", "roles", "owners")
PART_TITLES = {"credentials": "credentials", "federated": "federated credentials",
               "permissions": "permissions", "roles": "directory roles", "owners": "owners"}


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value if isinstance(value, str) else None


def _items(obj: Any, name: str) -> list[Any]:
    value = _get(obj, name)
    return value if isinstance(value, list) else []


def identity_state(identity: Any) -> dict[str, Any]:
    """The parts of one identity a diff compares; from a WorkloadIdentity or its JSON."""
    credentials = {}
    for c in _items(identity, "credentials"):
        key = f"{(_get(c, 'key_id') or '').lower()}:{_get(c, 'on') or 'application'}"
        credentials[key] = {"keyId": _get(c, "key_id"), "type": _get(c, "type"),
                            "on": _get(c, "on"), "displayName": _get(c, "display_name"),
                            "start": _iso(_get(c, "start")), "end": _iso(_get(c, "end")),
                            "managedByAzure": bool(_get(c, "managed_by_azure"))}
    federated = {}
    for f in _items(identity, "federated_credentials"):
        federated[(_get(f, "id") or "").lower()] = {
            "id": _get(f, "id"), "name": _get(f, "name"), "issuer": _get(f, "issuer"),
            "subject": _get(f, "subject"), "expression": _get(f, "expression")}
    permissions = {}
    for p in _items(identity, "app_permissions"):
        key = f"app:{_get(p, 'resource_id')}:{_get(p, 'app_role_id')}"
        permissions[key] = {"type": "application", "resourceId": _get(p, "resource_id"),
                            "resource": _get(p, "resource_name"), "value": _get(p, "value"),
                            "tier": _get(p, "tier"), "assignmentId": _get(p, "assignment_id")}
    for g in _items(identity, "delegated_grants"):
        who = _get(g, "principal_id") or "all"
        for scope in _items(g, "scopes"):
            value = _get(scope, "value")
            key = f"delegated:{_get(g, 'resource_id')}:{(value or '').lower()}:{who}"
            permissions[key] = {"type": "delegated", "resourceId": _get(g, "resource_id"),
                                "resource": _get(g, "resource_name"), "value": value,
                                "tier": _get(scope, "tier"), "grantId": _get(g, "grant_id"),
                                "forUser": _get(g, "principal_name") or _get(g, "principal_id")}
    roles = {}
    for r in _items(identity, "directory_roles"):
        key = f"{_get(r, 'role_definition_id')}:{_get(r, 'state')}:{_get(r, 'scope')}"
        roles[key] = {"roleDefinitionId": _get(r, "role_definition_id"), "name": _get(r, "name"),
                      "state": _get(r, "state"), "scope": _get(r, "scope_name") or _get(r, "scope"),
                      "tier": _get(r, "tier"), "viaGroup": _get(r, "via_group_name")}
    owners = {}
    for o in _items(identity, "owners"):
        owners[_get(o, "id") or ""] = {"id": _get(o, "id"), "kind": _get(o, "kind"),
                                       "name": _get(o, "name"), "upn": _get(o, "upn"),
                                       "of": _get(o, "of"), "tier": _get(o, "tier")}
    return {"id": _get(identity, "id"), "appId": _get(identity, "app_id"),
            "applicationId": _get(identity, "application_id"),
            "servicePrincipalId": _get(identity, "service_principal_id"),
            "displayName": _get(identity, "display_name"), "kind": _get(identity, "kind"),
            "tier": _get(identity, "tier"), "enabled": _get(identity, "enabled"),
            "credentials": credentials, "federated": federated, "permissions": permissions,
            "roles": roles, "owners": owners}


def states_from_identities(identities: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """States by identity id, from WorkloadIdentity objects or their stored JSON dicts."""
    states = {}
    with paused_gc():  # ~ten small dicts per identity: the cyclic GC would only slow it
        for identity in identities:
            state = identity_state(identity)
            if state["id"]:
                states[state["id"]] = state
    return states


def _ref(state: Mapping[str, Any]) -> dict[str, Any]:
    return {k: state.get(k) for k in ("id", "appId", "displayName", "kind", "tier")}


def _pair(before: Mapping[str, dict[str, Any]], after: Mapping[str, dict[str, Any]]
          ) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[str], list[str]]:
    """Identities in both (by id, or by application object id when the id changed because a
    service principal was created or deleted), and the ids only before / only after."""
    pairs = [(before[i], after[i]) for i in before if i in after]
    gone = [i for i in before if i not in after]
    new = [i for i in after if i not in before]
    by_app = {after[i]["applicationId"]: i for i in new if after[i].get("applicationId")}
    still_gone = []
    for i in gone:
        match = by_app.pop(before[i].get("applicationId") or "", None)
        if match is None:
            still_gone.append(i)
        else:
            pairs.append((before[i], after[match]))
            new.remove(match)
    return pairs, still_gone, new


def _change(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    change: dict[str, Any] = {}
    for part in PARTS:
        a, b = old.get(part) or {}, new.get(part) or {}
        added = [b[k] for k in b if k not in a]
        removed = [a[k] for k in a if k not in b]
        if added:
            change[f"{part}Added"] = added
        if removed:
            change[f"{part}Removed"] = removed
    for name in ("tier", "enabled", "displayName", "kind", "id"):
        if old.get(name) != new.get(name):
            change[name] = {"before": old.get(name), "after": new.get(name)}
    if not change:
        return None
    return {"identity": _ref(new), **change}


def _finding_json(f: Finding | Mapping[str, Any]) -> dict[str, Any]:
    get = (lambda k: f.get(k)) if isinstance(f, Mapping) else (lambda k: getattr(f, k, None))
    return {k: get(k) for k in ("id", "rule", "severity", "identity_id", "summary")}


def diff_findings(before: Iterable[Any], after: Iterable[Any]) -> dict[str, list[dict[str, Any]]]:
    """Findings (by stable id) that appeared and that resolved, worst first."""
    old = {x["id"]: x for x in map(_finding_json, before)}
    new = {x["id"]: x for x in map(_finding_json, after)}

    def order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(items, key=lambda f: (-severity_rank(f["severity"]), f["rule"] or "",
                                            f["identity_id"] or ""))
    return {"new": order([f for k, f in new.items() if k not in old]),
            "resolved": order([f for k, f in old.items() if k not in new])}


def diff_states(before: Mapping[str, dict[str, Any]], after: Mapping[str, dict[str, Any]], *,
                tenant_id: str = "", before_label: Mapping[str, Any] | None = None,
                after_label: Mapping[str, Any] | None = None,
                findings: tuple[Iterable[Any], Iterable[Any]] | None = None) -> dict[str, Any]:
    """The JSON-able diff of two snapshots' identity states (`states_from_identities`).
    Labels describe each side (e.g. {"generation": 7, "asOf": ISO} or {"recording": DIR})."""
    with paused_gc():
        pairs, gone, new = _pair(before, after)
        changed = [c for c in (_change(a, b) for a, b in pairs) if c is not None]
    changed.sort(key=lambda c: ((c["identity"].get("displayName") or "").lower(),
                                c["identity"]["id"] or ""))
    added = sorted((after[i] for i in new), key=lambda s: (s.get("displayName") or "").lower())
    removed = sorted((before[i] for i in gone), key=lambda s: (s.get("displayName") or "").lower())
    counts = {"identitiesAdded": len(added), "identitiesRemoved": len(removed),
              "identitiesChanged": len(changed)}
    for part in PARTS:
        for way in ("Added", "Removed"):
            counts[part + way] = sum(len(c.get(part + way, ())) for c in changed)
    diff: dict[str, Any] = {
        "format": FORMAT, "tenantId": tenant_id, "before": dict(before_label or {}),
        "after": dict(after_label or {}), "counts": counts,
        "added": [{"identity": _ref(s), **{p: list((s.get(p) or {}).values()) for p in PARTS}}
                  for s in added],
        "removed": [{"identity": _ref(s)} for s in removed],
        "changed": changed,
    }
    if findings is not None:
        diff["findings"] = diff_findings(*findings)
        for way in ("new", "resolved"):
            for f in diff["findings"][way]:
                state = after.get(f["identity_id"]) or before.get(f["identity_id"]) or {}
                f["displayName"] = state.get("displayName")
        counts["findingsNew"] = len(diff["findings"]["new"])
        counts["findingsResolved"] = len(diff["findings"]["resolved"])
    return diff


# -- Markdown --------------------------------------------------------------------------
def _name(ref: Mapping[str, Any]) -> str:
    return f"**{md(ref.get('displayName') or '(no name)', 80)}** ({ref.get('kind')}, " \
           f"{ref.get('tier')}, id {md(ref.get('id'))})"


def describe_item(part: str, item: Mapping[str, Any]) -> str:
    """One credential, federated credential, permission, role or owner in a line."""
    if part == "credentials":
        name = f" '{md(item.get('displayName'), 60)}'" if item.get("displayName") else ""
        return (f"{item.get('type')}{name} {md(item.get('keyId'))} on {item.get('on')}, "
                f"{md((item.get('start') or '?')[:10])} to {md((item.get('end') or '?')[:10])}")
    if part == "federated":
        what = item.get("subject") or item.get("expression")
        return f"{md(item.get('name'), 60)}: {md(item.get('issuer'))} subject {md(what)}"
    if part == "permissions":
        who = f" for {md(item.get('forUser'), 60)}" if item.get("forUser") else ""
        return (f"{item.get('type')} {md(item.get('value'))} on "
                f"{md(item.get('resource') or item.get('resourceId'), 60)}{who} ({item.get('tier')})")
    if part == "roles":
        via = f" via group {md(item.get('viaGroup'), 60)}" if item.get("viaGroup") else ""
        return (f"{md(item.get('name'), 80)} ({item.get('state')}, scope {md(item.get('scope'))})"
                f"{via} ({item.get('tier')})")
    who = item.get("upn") or item.get("name") or item.get("id")
    return f"{item.get('kind')} {md(who, 80)} (owner of the {item.get('of')}, {item.get('tier')})"


def _side(label: Mapping[str, Any]) -> str:
    parts = [f"{k} {md(v)}" for k, v in label.items() if v not in (None, "")]
    return ", ".join(parts) or "unnamed"


def diff_markdown(diff: Mapping[str, Any]) -> str:
    counts = diff.get("counts", {})
    lines = [f"# What changed in tenant {md(diff.get('tenantId') or '?')}", "",
             f"From {_side(diff.get('before') or {})} to {_side(diff.get('after') or {})}.", "",
             "| | added | removed |", "|---|---:|---:|",
             f"| identities | {counts.get('identitiesAdded', 0)} | "
             f"{counts.get('identitiesRemoved', 0)} |"]
    lines += [f"| {PART_TITLES[p]} | {counts.get(p + 'Added', 0)} | {counts.get(p + 'Removed', 0)} |"
              for p in PARTS]
    if "findingsNew" in counts:
        lines.append(f"| findings | {counts['findingsNew']} | {counts['findingsResolved']} |")
    if not (diff.get("added") or diff.get("removed") or diff.get("changed")
            or counts.get("findingsNew") or counts.get("findingsResolved")):
        lines += ["", "Nothing changed."]
    if diff.get("added"):
        lines += ["", f"## New identities ({len(diff['added'])})", ""]
        for entry in diff["added"]:
            lines.append(f"- {_name(entry['identity'])}")
            for part in PARTS:
                lines += [f"  - {PART_TITLES[part][:-1]}: {describe_item(part, item)}"
                          for item in entry.get(part, [])[:20]]
    if diff.get("removed"):
        lines += ["", f"## Removed identities ({len(diff['removed'])})", ""]
        lines += [f"- {_name(entry['identity'])}" for entry in diff["removed"]]
    if diff.get("changed"):
        lines += ["", f"## Changed identities ({len(diff['changed'])})", ""]
        for change in diff["changed"]:
            lines.append(f"- {_name(change['identity'])}")
            for name in ("displayName", "kind", "tier", "enabled", "id"):
                if name in change:
                    lines.append(f"  - {name}: {md(change[name]['before'])} → "
                                 f"{md(change[name]['after'])}")
            for part in PARTS:
                for way, sign in (("Added", "new"), ("Removed", "removed")):
                    lines += [f"  - {sign} {PART_TITLES[part][:-1]}: {describe_item(part, item)}"
                              for item in change.get(part + way, [])]
    found = diff.get("findings") or {}
    for way, title in (("new", "New findings"), ("resolved", "Resolved findings")):
        if found.get(way):
            lines += ["", f"## {title} ({len(found[way])})", ""]
            lines += [f"- {f['severity']} {f['rule']} on "
                      f"**{md(f.get('displayName') or f['identity_id'], 80)}**: "
                      f"{md(f['summary'], 300)}" for f in found[way]]
    return "\n".join(lines) + "\n"
