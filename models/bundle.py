"""The incident bundle: the identities an admin selected, what they are and hold, their
findings and their timelines, as JSON and as Markdown for the incident record.

    bundle = build_bundle(identities, now, tenant_id=..., tenant_name=...)
    text = bundle_markdown(bundle)

`graph.bundle` adds the redacted recording of the same identities and writes the files.
The JSON and Markdown keep the directory's names, UPNs and IPs (they are the admin's own
record; the redacted recording is what leaves the organisation); Markdown neutralises them
like `wlx report` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from models.diff import describe_item, identity_state
from models.identity import WorkloadIdentity
from models.report import md
from models.timeline import timeline

FORMAT = "wlx-bundle/1"
MD_TIMELINE = 200  # lines per identity in the Markdown; the JSON has them all


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def identity_entry(identity: WorkloadIdentity, now: datetime) -> dict[str, Any]:
    """One identity of the bundle: its facts, holdings, findings and timeline."""
    state = identity_state(identity)
    return {
        "identity": {k: state[k] for k in ("id", "appId", "applicationId", "servicePrincipalId",
                                           "displayName", "kind", "tier", "enabled")},
        "created": _iso(identity.created),
        "tierReasons": [r.model_dump(mode="json") for r in identity.tier_reasons],
        "credentials": list(state["credentials"].values()),
        "federated": list(state["federated"].values()),
        "permissions": list(state["permissions"].values()),
        "roles": list(state["roles"].values()),
        "owners": list(state["owners"].values()),
        "risk": identity.risk.model_dump(mode="json") if identity.risk else None,
        "findings": [f.model_dump(mode="json") for f in identity.findings],
        "timeline": [e.to_json() for e in timeline(identity, now)],
    }


def build_bundle(identities: Iterable[WorkloadIdentity], now: datetime, *, tenant_id: str,
                 tenant_name: str | None = None, note: str = "") -> dict[str, Any]:
    """The JSON-able bundle of the given identities, as of `now`."""
    return {"format": FORMAT, "tenantId": tenant_id, "tenantName": tenant_name,
            "asOf": _iso(now), "note": note,
            "identities": [identity_entry(identity, now) for identity in identities]}


def _timeline_rows(entries: list[dict[str, Any]]) -> list[str]:
    rows = ["| time (UTC) | type | what | detail |", "|---|---|---|---|"]
    for entry in entries[:MD_TIMELINE]:
        when = (entry.get("time") or "")[:16].replace("T", " ") or "unknown"
        if entry.get("future"):
            when += " (to come)"
        rows.append(f"| {when} | {entry['type']} | {md(entry['title'], 160)} | "
                    f"{md(entry.get('detail') or '', 240)} |")
    if len(entries) > MD_TIMELINE:
        rows.append(f"| … | | {len(entries) - MD_TIMELINE} older entries in bundle.json | |")
    return rows


def bundle_markdown(bundle: dict[str, Any]) -> str:
    lines = [f"# Incident bundle: {md(bundle.get('tenantName') or bundle.get('tenantId'))}", "",
             f"Tenant {md(bundle.get('tenantId'))}, as of "
             f"{(bundle.get('asOf') or '?')[:16].replace('T', ' ')} UTC; "
             f"{len(bundle.get('identities', []))} identities."]
    if bundle.get("note"):
        lines += ["", md(bundle["note"], 2000)]
    for entry in bundle.get("identities", []):
        ref = entry["identity"]
        lines += ["", f"## {md(ref.get('displayName') or '(no name)', 120)}", "",
                  f"- kind {ref.get('kind')}, tier {ref.get('tier')}, "
                  f"{'enabled' if ref.get('enabled') else 'disabled' if ref.get('enabled') is False else 'enabled: unknown'}",
                  f"- id {md(ref.get('id'))}, appId {md(ref.get('appId'))}, application "
                  f"{md(ref.get('applicationId') or 'none')}, service principal "
                  f"{md(ref.get('servicePrincipalId') or 'none')}"]
        if entry.get("created"):
            lines.append(f"- created {entry['created'][:10]}")
        for part, title in (("credentials", "Credentials"), ("federated", "Federated credentials"),
                            ("permissions", "Permissions"), ("roles", "Directory roles"),
                            ("owners", "Owners")):
            items = entry.get(part) or []
            if items:
                lines += ["", f"### {title} ({len(items)})", ""]
                lines += [f"- {describe_item(part, item)}" for item in items]
        risk = entry.get("risk")
        if risk:
            lines += ["", "### Risk", "", f"- state {md(risk.get('state'))}, level "
                      f"{md(risk.get('level'))}, {len(risk.get('detections') or [])} detection(s)"]
        findings = entry.get("findings") or []
        if findings:
            lines += ["", f"### Findings ({len(findings)})", ""]
            lines += [f"- {f['severity']} {f['rule']}: {md(f['summary'], 400)}" for f in findings]
        events = entry.get("timeline") or []
        lines += ["", f"### Timeline ({len(events)}, newest first)", ""]
        lines += _timeline_rows(events) if events else ["No dated events."]
    return "\n".join(lines) + "\n"
