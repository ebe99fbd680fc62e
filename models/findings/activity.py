"""What the logs say: stale identities, disabled ones still armed, Identity Protection risk,
and credentials or owners added to privileged identities by someone of a lower tier."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from models.events import SIGN_IN_KINDS, credential_change
from models.finding import HIGH, LOW, MEDIUM, Finding
from models.findings.base import Rule, RuleContext, day, iso, names, quoted
from models.kinds import APP_WITHOUT_SP, MANAGED_IDENTITY_KINDS, MICROSOFT_APP
from models.tiers import CONTROL, privileged, rank

AT_RISK = ("atRisk", "confirmedCompromised")


def stale_identity(rc: RuleContext) -> Iterator[Finding]:
    since = rc.now - timedelta(days=rc.config.stale_days)
    available = rc.based_on(*SIGN_IN_KINDS)
    missing = [k for k in SIGN_IN_KINDS if k not in available]
    long_history = "servicePrincipalSignInActivities" in available
    for identity in rc.identities:
        if identity.kind in (APP_WITHOUT_SP, MICROSOFT_APP):
            continue
        summary = identity.sign_in_summary
        last = summary.last_sign_in
        if last is not None and last >= since:
            continue
        if identity.created is not None and identity.created > since:
            continue  # too new to be stale
        if identity.created is None and last is None:
            continue  # no way to tell how old it is
        if not long_history and (rc.sign_in_logs_since is None or rc.sign_in_logs_since > since):
            continue  # the sign-in logs alone do not reach back far enough
        if last is not None:
            what = f"no sign-in since {day(last)} ({(rc.now - last).days} days)"
        else:
            what = f"no sign-in recorded, created {day(identity.created)}"
        state = "" if identity.enabled is not False else " (already disabled)"
        yield Finding.make(
            "stale-identity", LOW, identity.id,
            f"{what}{state}; disable it, then delete it if nobody objects",
            {"lastSignIn": iso(last), "created": iso(identity.created),
             "staleDays": rc.config.stale_days, "enabled": identity.enabled,
             "lastSignInByType": {k: iso(v) for k, v in summary.last_by_type.items()},
             "signInDataAvailable": available, "signInDataMissing": missing,
             "basedOn": available})


def disabled_with_credentials(rc: RuleContext) -> Iterator[Finding]:
    for identity in rc.subsets.disabled:
        if identity.enabled is not False:
            continue
        live = [c.key_id for c in identity.credentials
                if c.status in ("valid", "expiring") and not c.managed_by_azure]
        permissions = [f"{p.value} ({p.resource_name})" for p in identity.app_permissions]
        grants = [f"{s.value} ({g.resource_name})" for g in identity.delegated_grants
                  for s in g.scopes]
        roles = [r.name for r in identity.directory_roles]
        if not (live or permissions or grants or roles):
            continue
        held = [f"{len(items)} {label}" for items, label in (
            (live, "valid credential(s)"), (permissions, "application permission(s)"),
            (grants, "delegated permission(s)"), (roles, "directory role(s)")) if items]
        yield Finding.make(
            "disabled-with-credentials", LOW, identity.id,
            f"disabled, yet still holds {names(held, 4)}: re-enabling it brings them all back; "
            "remove them, or delete the identity",
            {"credentials": live, "applicationPermissions": permissions,
             "delegatedPermissions": grants, "directoryRoles": roles,
             "basedOn": ["servicePrincipals"]})


def risky_service_principal(rc: RuleContext) -> Iterator[Finding]:
    for identity in rc.subsets.with_risk:
        risk = identity.risk
        if risk is None or risk.state not in AT_RISK:
            continue
        severe = risk.state == "confirmedCompromised" or risk.level == "high"
        types = sorted({d.type for d in risk.detections if d.type})
        detail = f": {names(types)}" if types else ""
        yield Finding.make(
            "risky-service-principal", HIGH if severe else MEDIUM, identity.id,
            f"Identity Protection marks it {risk.state} (risk {risk.level or 'unknown'}), "
            f"{len(risk.detections)} detection(s){detail}; investigate its sign-ins and "
            "credentials, then remediate or dismiss",
            {"riskState": risk.state, "riskLevel": risk.level, "riskDetail": risk.detail,
             "lastUpdated": iso(risk.last_updated),
             "detections": [{"id": d.id, "type": d.type, "level": d.level, "state": d.state,
                             "time": iso(d.time), "ip": d.ip, "keyIds": d.key_ids}
                            for d in risk.detections],
             "basedOn": rc.based_on("riskyServicePrincipals", "servicePrincipalRiskDetections")})


def added_by_lower_tier(rc: RuleContext) -> Iterator[Finding]:
    based_on = rc.based_on("directoryAudits", "roleAssignments", "roleEligibilitySchedules")
    for entry, targets in rc.audits:
        if (entry.result or "success").lower() != "success" or entry.managed_rotation:
            continue
        if not credential_change(entry) or not entry.actor_tier_known:
            continue
        for identity_id in targets:
            identity = rc.by_id[identity_id]
            if identity.kind in MANAGED_IDENTITY_KINDS or not privileged(identity.tier):
                continue
            if entry.actor_id == identity.id or rank(entry.actor_tier) >= rank(identity.tier):
                continue
            owner_names = {t.id: t.name for t in entry.targets if t.id}
            added = ([f"credential {k}" for k in entry.keys_added]
                     + [f"federated credential {quoted(s, 80)}" for s in entry.federated_added]
                     + [f"owner {quoted(owner_names.get(o) or o)}" for o in entry.owners_added]
                     ) or ["a credential"]
            yield Finding.make(
                "credential-added-by-lower-tier-actor",
                HIGH if identity.tier == CONTROL or entry.keys_added or entry.federated_added
                else MEDIUM, identity.id,
                f"{quoted(entry.actor_name or entry.actor_id)} ({entry.actor_tier}) added "
                f"{names(added)} to this {identity.tier} identity on {day(entry.time)}; confirm "
                "the change with them, or remove what was added",
                {"auditId": entry.id, "activity": entry.activity, "time": iso(entry.time),
                 "actor": {"kind": entry.actor_kind, "id": entry.actor_id,
                           "name": entry.actor_name, "tier": entry.actor_tier},
                 "keysAdded": entry.keys_added, "federatedAdded": entry.federated_added,
                 "ownersAdded": entry.owners_added, "identityTier": identity.tier,
                 "basedOn": based_on},
                key=entry.id)


RULES = (
    Rule("stale-identity", "No sign-in for a long time", stale_identity, needs_any=SIGN_IN_KINDS),
    Rule("disabled-with-credentials", "Disabled, but still holding credentials or permissions",
         disabled_with_credentials, needs=("servicePrincipals",)),
    Rule("risky-service-principal", "At risk in Identity Protection", risky_service_principal,
         needs=("riskyServicePrincipals",)),
    Rule("credential-added-by-lower-tier-actor", "Credential or owner added to a privileged "
         "identity by someone of a lower tier", added_by_lower_tier, needs=("directoryAudits",)),
)
