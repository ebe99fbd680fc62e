"""Incident presets: named questions an admin asks in the first minutes of an incident, each
one key away in the app.

    for preset in PRESETS: preset.key, preset.title, preset.description
    hits = run_preset("new-sign-in-ips", analysis.identities, analysis.as_of)
    stored = run_presets(analysis.identities, analysis.as_of)   # JSON-able, per snapshot

A preset reads the identities' own facts (credentials, owners, tiers, sign-ins, audit
events, risk), so it runs on a fresh analysis or on cached details alike. Each hit says
why the identity is there and carries the evidence. "The last N days" count back from
`now` (the snapshot's time), never from the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from models.identity import WorkloadIdentity
from models.kinds import MICROSOFT_APP
from models.tiers import privileged
from models.timeline import CREDENTIAL, OWNER, PERMISSION, audit_changes, audit_type

RECENT_DAYS = 7
NEW_IP_HISTORY = timedelta(hours=24)  # history an identity needs before an IP counts as new
LIVE = ("valid", "expiring")
RISKY_STATES = ("atrisk", "confirmedcompromised")
CLOSED_STATES = ("dismissed", "remediated", "confirmedsafe")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


class PresetHit(BaseModel):
    identity_id: str
    display_name: str = ""
    why: str
    time: datetime | None = None  # the newest event behind the hit, if any
    weight: int = 0  # more signals, listed first
    evidence: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class Preset:
    id: str
    key: str  # the key that runs it in the app
    title: str
    description: str
    find: Callable[[WorkloadIdentity, datetime], PresetHit | None]


def _hit(identity: WorkloadIdentity, why: str, time: datetime | None = None, weight: int = 0,
         **evidence: Any) -> PresetHit:
    return PresetHit(identity_id=identity.id, display_name=identity.display_name, why=why,
                     time=time, weight=weight,
                     evidence={k: v for k, v in evidence.items() if v not in (None, [])})


def _newest(times: Iterable[datetime | None]) -> datetime | None:
    known = [t for t in times if t is not None]
    return max(known) if known else None


# -- the presets -----------------------------------------------------------------------
def recent_credentials_privileged(identity: WorkloadIdentity, now: datetime) -> PresetHit | None:
    if not privileged(identity.tier):
        return None
    since = now - timedelta(days=RECENT_DAYS)
    events = [e for e in identity.audit_events
              if e.role == "target" and e.time is not None and since <= e.time <= now
              and audit_type(e) == CREDENTIAL and not e.managed_rotation
              and (e.keys_added or e.federated_added or not e.keys_removed)]
    started = [c for c in identity.credentials if not c.managed_by_azure and c.start is not None
               and since <= c.start <= now]
    if not events and not started:
        return None
    audited_keys = {k.lower() for e in events for k in e.keys_added}
    parts = [f"{e.activity.strip()} by {e.actor_name or e.actor_id or 'an unknown actor'} "
             f"on {e.time:%Y-%m-%d %H:%M}" + (f" ({audit_changes(e)})" if audit_changes(e) else "")
             for e in events]
    parts += [f"{c.type} {c.key_id} valid from {c.start:%Y-%m-%d %H:%M} (no audit event seen)"
              for c in started if c.key_id.lower() not in audited_keys and c.start is not None]
    return _hit(identity, f"{identity.tier}: " + "; ".join(parts),
                _newest([*(e.time for e in events), *(c.start for c in started)]),
                tier=identity.tier, auditIds=[e.id for e in events],
                keysAdded=sorted({k for e in events for k in e.keys_added}
                                 | {c.key_id for c in started}),
                federatedAdded=sorted({s for e in events for s in e.federated_added}),
                actors=sorted({e.actor_name or e.actor_id or "" for e in events} - {""}))


def first_party_credentials(identity: WorkloadIdentity, now: datetime) -> PresetHit | None:
    if identity.kind != MICROSOFT_APP or not identity.credentials:
        return None
    credentials = identity.credentials
    return _hit(identity, f"Microsoft first-party app with {len(credentials)} credential(s) "
                "added in this tenant: " + ", ".join(f"{c.type} {c.key_id}" for c in credentials),
                _newest(c.start for c in credentials), ownerTenantId=identity.owner_organization_id,
                keyIds=[c.key_id for c in credentials])


def privileged_owned_by_users(identity: WorkloadIdentity, now: datetime) -> PresetHit | None:
    users = [o for o in identity.owners if o.kind == "user"]
    if not privileged(identity.tier) or not users:
        return None
    names = ", ".join(f"{o.upn or o.name or o.id} ({o.tier if o.tier_known else 'tier unknown'})"
                      for o in users)
    return _hit(identity, f"{identity.tier} identity owned by user(s) {names}: each can add a "
                "credential and act as it", tier=identity.tier,
                owners=[{"id": o.id, "upn": o.upn, "name": o.name, "tier": o.tier,
                         "tierKnown": o.tier_known, "of": o.of} for o in users])


def new_sign_in_ips(identity: WorkloadIdentity, now: datetime) -> PresetHit | None:
    logs = sorted((s for s in identity.sign_ins if s.time is not None and s.ip),
                  key=lambda s: s.time)  # type: ignore[arg-type, return-value]
    if not logs:
        return None
    since = logs[0].time
    assert since is not None
    first_seen: dict[str, datetime] = {}
    for s in logs:
        first_seen.setdefault(s.ip or "", s.time)  # type: ignore[arg-type]
    new = {ip: when for ip, when in first_seen.items() if when - since >= NEW_IP_HISTORY}
    if not new:
        return None
    known = sorted(ip for ip, when in first_seen.items() if ip not in new)
    key_first: dict[str, datetime] = {}
    for s in logs:
        if s.key_id:
            key_first.setdefault(s.key_id.lower(), s.time)  # type: ignore[arg-type]
    details, signals = [], set()
    for ip, when in sorted(new.items(), key=lambda item: item[1]):
        from_ip = [s for s in logs if s.ip == ip]
        keys = sorted({s.key_id for s in from_ip if s.key_id})
        failed = sum(not s.succeeded for s in from_ip)
        # a key whose first use in the logs came from this address: a new credential at work
        fresh = [k for k in keys if key_first.get(k.lower(), when) >= when]
        if fresh:
            signals.add("a credential first used from the new address")
        if failed:
            signals.add("failed sign-ins from the new address")
        details.append({"ip": ip, "firstSeen": _iso(when), "signIns": len(from_ip),
                        "failed": failed, "keyIds": keys, "keysFirstUsedHere": fresh})
    partial = identity.sign_in_summary.sign_ins_in_data > len(identity.sign_ins)
    why = ("sign-ins from " + ", ".join(f"{d['ip']} (first {d['firstSeen'][:16]}, "
                                         f"{d['signIns']} sign-in(s))" for d in details)
           + f"; before, since {since:%Y-%m-%d %H:%M}, only from " + ", ".join(known))
    if signals:
        why += "; " + ", ".join(sorted(signals))
    return _hit(identity, why, max(new.values()), len(signals), newIps=details, knownIps=known,
                historySince=_iso(since),
                note="based on the most recent sign-ins only" if partial else None)


def privileged_with_secrets(identity: WorkloadIdentity, now: datetime) -> PresetHit | None:
    secrets = [c for c in identity.credentials if c.type == "secret" and c.status in LIVE]
    if not privileged(identity.tier) or not secrets:
        return None
    return _hit(identity, f"{identity.tier} identity with {len(secrets)} live client secret(s): "
                + ", ".join(f"{c.key_id} ({c.on}, ends {c.end:%Y-%m-%d})" if c.end else c.key_id
                            for c in secrets),
                tier=identity.tier, keyIds=[c.key_id for c in secrets])


def at_risk(identity: WorkloadIdentity, now: datetime) -> PresetHit | None:
    risk = identity.risk
    if risk is None:
        return None
    state = (risk.state or "").lower()
    open_detections = [d for d in risk.detections
                       if (d.state or "").lower() not in CLOSED_STATES]
    if state not in RISKY_STATES and not (open_detections and state not in CLOSED_STATES):
        return None
    kinds = ", ".join(sorted({d.type or "?" for d in open_detections})) or "no open detection"
    return _hit(identity, f"risk state {risk.state or 'unknown'} (level {risk.level or 'unknown'}): "
                f"{kinds}", _newest([risk.last_updated, *(d.time for d in open_detections)]),
                riskState=risk.state, riskLevel=risk.level,
                detections=[{"id": d.id, "type": d.type, "level": d.level, "ip": d.ip,
                             "keyIds": d.key_ids} for d in open_detections])


def recent_access_changes(identity: WorkloadIdentity, now: datetime) -> PresetHit | None:
    since = now - timedelta(days=RECENT_DAYS)
    events = [e for e in identity.audit_events
              if e.role == "target" and e.time is not None and since <= e.time <= now
              and audit_type(e) in (OWNER, PERMISSION)
              and not (e.activity or "").lower().startswith("remove")]
    if not events:
        return None
    parts = [f"{e.activity.strip()} by {e.actor_name or e.actor_id or 'an unknown actor'} "
             f"on {e.time:%Y-%m-%d %H:%M}" for e in events]
    return _hit(identity, "; ".join(parts), _newest(e.time for e in events), tier=identity.tier,
                auditIds=[e.id for e in events],
                actors=sorted({e.actor_name or e.actor_id or "" for e in events} - {""}))


PRESETS: tuple[Preset, ...] = (
    Preset("recent-credentials-privileged", "1",
           "Credentials added in the last 7 days to privileged identities",
           "ControlPlane or ManagementPlane identities that got a secret, certificate or "
           "federated credential in the last 7 days: an audit event in the window adds one, or "
           "a credential's start date falls in it. Start dates are chosen by whoever adds the "
           "credential and federated credentials carry no date in Graph, so the audit log "
           "(30 days by default) is the stronger evidence. Azure's own rotation of managed "
           "identity certificates is left out.", recent_credentials_privileged),
    Preset("first-party-credentials", "2", "Credentials on Microsoft first-party apps",
           "Service principals of Microsoft's own applications that carry a credential added "
           "in this tenant. Microsoft keeps their credentials in its own tenant, so any "
           "credential here is someone's way in (the Midnight Blizzard pattern).",
           first_party_credentials),
    Preset("privileged-owned-by-users", "3", "Privileged identities owned by users",
           "ControlPlane or ManagementPlane identities with a user among the owners of the app "
           "registration or service principal: an owner can add a credential and sign in as "
           "the identity, so its privilege is only as safe as that user's account.",
           privileged_owned_by_users),
    Preset("new-sign-in-ips", "4", "Sign-ins from IPs never seen before for that identity",
           "\"Before\" means earlier in the sign-in logs wlx read, which reach back only as far "
           "as the sync asked (7 days by default) and hold at most the identity's most recent "
           "sign-ins. An address counts as new when the identity had been signing in for at "
           "least 24 hours, from other addresses only, when it first appeared. An identity "
           "whose first sign-in in the logs is recent has no history to compare with and is "
           "not listed.", new_sign_in_ips),
    Preset("privileged-with-secrets", "5", "Privileged identities with client secrets",
           "ControlPlane or ManagementPlane identities holding a valid client secret, on the "
           "application or on the service principal. A secret is a password that can be "
           "copied; a certificate or federated credential is harder to steal.",
           privileged_with_secrets),
    Preset("at-risk", "6", "Identities at risk",
           "Service principals Identity Protection marks at risk or confirmed compromised, or "
           "with risk detections not yet dismissed or remediated (needs Workload Identities "
           "Premium).", at_risk),
    Preset("recent-access-changes", "7", "Owners, permissions or roles added in the last 7 days",
           "Identities that got a new owner, application permission, consent or directory role "
           "in the last 7 days, from the audit log: how an attacker widens what a foothold can "
           "do.", recent_access_changes),
)
PRESET_BY_ID = {preset.id: preset for preset in PRESETS}
PRESET_BY_KEY = {preset.key: preset for preset in PRESETS}


def _find(preset: Preset, identities: Iterable[WorkloadIdentity], now: datetime
          ) -> Iterator[PresetHit]:
    for identity in identities:
        hit = preset.find(identity, now)
        if hit is not None:
            yield hit


def run_preset(preset_id: str, identities: Iterable[WorkloadIdentity],
               now: datetime) -> list[PresetHit]:
    """The identities a preset finds: most signals first, then newest evidence first."""
    preset = PRESET_BY_ID.get(preset_id)
    if preset is None:
        raise KeyError(f"no preset {preset_id!r}; known: {', '.join(PRESET_BY_ID)}")
    hits = list(_find(preset, identities, now))
    hits.sort(key=lambda h: (-h.weight, h.time is None,
                             -(h.time.timestamp() if h.time else 0), h.display_name.lower()))
    return hits


def run_presets(identities: list[WorkloadIdentity], now: datetime) -> dict[str, Any]:
    """Every preset's hits as a JSON-able document (stored per snapshot at sync time)."""
    return {"format": "wlx-presets/1", "asOf": _iso(now), "presets": [
        {"id": p.id, "key": p.key, "title": p.title, "description": p.description,
         "hits": [h.model_dump(mode="json") for h in run_preset(p.id, identities, now)]}
        for p in PRESETS]}


def stored_hits(doc: Any, preset_id: str) -> list[PresetHit]:
    """One preset's hits from a stored document ([] when it is not there)."""
    for entry in (doc or {}).get("presets", []) if isinstance(doc, dict) else []:
        if isinstance(entry, dict) and entry.get("id") == preset_id:
            return [PresetHit.model_validate(h) for h in entry.get("hits") or []]
    return []
