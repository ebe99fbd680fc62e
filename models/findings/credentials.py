"""Secrets and certificates: expired, expiring, too long-lived, unused, secrets in use,
credentials hidden on the service principal object, and any on a Microsoft app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from models.finding import HIGH, LOW, MEDIUM, Finding
from models.findings.base import (
    Rule,
    RuleContext,
    credential_evidence,
    credential_label,
    day,
    iso,
)
from models.identity import Credential
from models.kinds import APP, APP_WITHOUT_SP, LEGACY, MANAGED_IDENTITY_KINDS, MICROSOFT_APP
from models.tiers import privileged

LIVE = ("valid", "expiring")


def _last_use(credential: Credential) -> datetime | None:
    known = [t for t in (credential.last_used, credential.last_sign_in) if t is not None]
    return max(known) if known else None


def credential_expired(rc: RuleContext) -> Iterator[Finding]:
    for identity, own in rc.own_credentials:
        for c in own:
            if c.status != "expired":
                continue
            ago = -(c.days_left or 0)
            yield Finding.make(
                "credential-expired", LOW, identity.id,
                f"{credential_label(c)} on the {c.on} expired {day(c.end)} ({ago} days ago); "
                "remove it",
                credential_evidence(c, daysAgo=ago, basedOn=["applications", "servicePrincipals"]),
                key=c.key_id)


def credential_expiring(rc: RuleContext) -> Iterator[Finding]:
    for identity, own in rc.own_credentials:
        for c in own:
            if c.status != "expiring":
                continue
            newer = [o.key_id for o in own if o is not c and o.type == c.type and o.status == "valid"
                     and o.end is not None and c.end is not None and o.end > c.end]
            if newer:
                summary = (f"{credential_label(c)} expires {day(c.end)} (in {c.days_left} days); "
                           f"a newer {c.type} exists ({newer[0]}): remove this one once unused")
            else:
                summary = (f"{credential_label(c)} expires {day(c.end)} (in {c.days_left} days); "
                           "rotate it before sign-ins fail")
            yield Finding.make(
                "credential-expiring", LOW if newer else MEDIUM, identity.id, summary,
                credential_evidence(c, daysLeft=c.days_left, thresholdDays=rc.config.expiring_days,
                                    replacement=newer[0] if newer else None,
                                    basedOn=["applications", "servicePrincipals"]),
                key=c.key_id)


def credential_long_lived(rc: RuleContext) -> Iterator[Finding]:
    limits = {"secret": rc.config.secret_max_days, "certificate": rc.config.certificate_max_days}
    for identity, own in rc.own_credentials:
        for c in own:
            limit = limits.get(c.type)
            if limit is None or c.status not in LIVE or c.saml_signing or not (c.start and c.end):
                continue
            days = (c.end - c.start).days
            if days <= limit:
                continue
            yield Finding.make(
                "credential-long-lived", MEDIUM, identity.id,
                f"{credential_label(c)} is valid for {days} days ({day(c.start)} to {day(c.end)}), "
                f"beyond the {limit}-day limit for a {c.type}; replace it with a shorter-lived one",
                credential_evidence(c, lifetimeDays=days, maxDays=limit,
                                    basedOn=["applications", "servicePrincipals"]),
                key=c.key_id)


def credential_unused(rc: RuleContext) -> Iterator[Finding]:
    since = rc.now - timedelta(days=rc.config.unused_days)
    based_on = rc.based_on("appCredentialSignInActivities", "signIns")
    for identity, own in rc.own_credentials:
        for c in own:
            if c.status not in LIVE or c.saml_signing or (c.start is not None and c.start > since):
                continue
            last = _last_use(c)
            if last is not None and last >= since:
                continue
            when = (f"was last used {day(last)}" if last is not None
                    else "has no recorded use")
            yield Finding.make(
                "credential-unused", LOW, identity.id,
                f"{credential_label(c)} {when} (nothing in {rc.config.unused_days} days); "
                "remove it if nothing needs it",
                credential_evidence(c, lastUsed=iso(last), unusedDays=rc.config.unused_days,
                                    basedOn=based_on),
                key=c.key_id)


def secret_in_use(rc: RuleContext) -> Iterator[Finding]:
    """One finding per identity that signs in with client secrets (the ones in use)."""
    since = rc.now - timedelta(days=rc.config.unused_days)
    usage_known = rc.has("appCredentialSignInActivities")
    based_on = ["applications", "servicePrincipals"] + rc.based_on(
        "appCredentialSignInActivities", "signIns")
    for identity, own in rc.own_credentials:
        if identity.kind not in (APP, LEGACY):
            continue
        secrets = []
        for c in own:
            if c.type != "secret" or c.status not in LIVE or c.saml_signing:
                continue
            last = _last_use(c)
            if usage_known and (last is None or last < since):
                continue  # unused: credential-unused says so
            secrets.append((c, last))
        if not secrets:
            continue
        first, last = secrets[0]
        how = f"last used {day(last)}" if last is not None else "use not recorded"
        more = f" and {len(secrets) - 1} more" if len(secrets) > 1 else ""
        yield Finding.make(
            "secret-in-use", LOW, identity.id,
            f"authenticates with {credential_label(first)} ({how}){more}; a certificate or a "
            "federated credential would do without a shared secret",
            {"secrets": [credential_evidence(c, lastUsed=iso(used)) for c, used in secrets],
             "certificates": sum(1 for c in identity.credentials if c.type == "certificate"),
             "federatedCredentials": len(identity.federated_credentials),
             "basedOn": based_on})


def credential_on_service_principal(rc: RuleContext) -> Iterator[Finding]:
    for identity in rc.with_credentials:
        if identity.kind in (MICROSOFT_APP, APP_WITHOUT_SP) or identity.kind in MANAGED_IDENTITY_KINDS:
            continue
        for c in identity.credentials:
            if c.on != "servicePrincipal" or c.saml_signing:
                continue
            if c.type != "secret" and (c.usage or "Verify").lower() != "verify":
                continue
            yield Finding.make(
                "credential-on-service-principal", HIGH if privileged(identity.tier) else MEDIUM,
                identity.id,
                f"{credential_label(c)} sits on the service principal object, where the app "
                "registrations blade does not show it; find who added it and remove it if "
                "nobody can explain it",
                credential_evidence(c, status=c.status, identityTier=identity.tier,
                                    basedOn=["servicePrincipals"]),
                key=c.key_id)


def first_party_credential(rc: RuleContext) -> Iterator[Finding]:
    for identity in rc.with_credentials:
        if identity.kind != MICROSOFT_APP:
            continue
        for c in identity.credentials:
            yield Finding.make(
                "first-party-credential", HIGH, identity.id,
                f"Microsoft first-party app carries {credential_label(c)} added in this tenant; "
                "Microsoft never needs one here: treat it as possible persistence and investigate",
                credential_evidence(c, status=c.status, ownerTenantId=identity.owner_organization_id,
                                    basedOn=["servicePrincipals"]),
                key=c.key_id)


RULES = (
    Rule("credential-expired", "Expired credentials", credential_expired),
    Rule("credential-expiring", "Credentials about to expire", credential_expiring),
    Rule("credential-long-lived", "Credentials valid for too long", credential_long_lived),
    Rule("credential-unused", "Credentials nobody used recently", credential_unused,
         needs=("appCredentialSignInActivities",)),
    Rule("secret-in-use", "Client secrets where a certificate or federated credential would do",
         secret_in_use),
    Rule("credential-on-service-principal", "Credentials hidden on the service principal object",
         credential_on_service_principal, needs=("servicePrincipals",)),
    Rule("first-party-credential", "Credentials on Microsoft first-party apps",
         first_party_credential, needs=("servicePrincipals",)),
)
