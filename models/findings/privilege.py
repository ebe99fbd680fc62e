"""Who holds power, and who can take it: privileged identities, privileged external apps,
owners below the tier of what they own, and app registrations nobody owns."""

from __future__ import annotations

from collections.abc import Iterator

from models.finding import HIGH, INFO, MEDIUM, Finding
from models.findings.base import Rule, RuleContext, names, quoted
from models.identity import WorkloadIdentity
from models.kinds import APP, APP_WITHOUT_SP, EXTERNAL_APP
from models.tiers import CONTROL, privileged, rank

ACCESS_KINDS = ("appRoleAssignments", "oauth2PermissionGrants", "roleAssignments",
                "roleEligibilitySchedules", "memberOf")
OWNER_KINDS = ("applicationOwners", "servicePrincipalOwners")


def _privileges(identity: WorkloadIdentity) -> list[dict]:
    """Every ControlPlane or ManagementPlane permission or role, highest first."""
    held = [{"source": "applicationPermission", "resource": p.resource_name, "value": p.value,
             "tier": p.tier, "why": p.why} for p in identity.app_permissions if privileged(p.tier)]
    delegated: dict[tuple[str, str], dict] = {}
    for grant in identity.delegated_grants:
        for scope in grant.scopes:
            if not privileged(scope.tier):
                continue
            item = delegated.setdefault((grant.resource_name, scope.value), {
                "source": "delegatedPermission", "resource": grant.resource_name,
                "value": scope.value, "tier": scope.tier, "why": scope.why,
                "allUsers": False, "users": 0})
            if grant.consent_type == "AllPrincipals":
                item["allUsers"] = True
            else:
                item["users"] += 1
    held += delegated.values()
    held += [{"source": "directoryRole" if r.state == "active" else "eligibleDirectoryRole",
              "resource": "tenant-wide" if r.scope == "/" else (r.scope_name or r.scope),
              "value": r.name, "tier": r.tier, "why": r.why}
             for r in identity.directory_roles if privileged(r.tier)]
    held.sort(key=lambda item: -rank(item["tier"]))
    return held


def _labels(items: list[dict]) -> list[str]:
    return [f"{i['value']} ({i['resource']})" if i["resource"] else i["value"] for i in items]


def privileged_permission(rc: RuleContext) -> Iterator[Finding]:
    based_on = rc.based_on(*ACCESS_KINDS)
    for identity in rc.privileged:
        # only a privileged item makes the computed tier privileged, and only those count
        if not privileged(identity.computed_tier):
            continue
        held = _privileges(identity)
        if not held:
            continue
        tier = identity.computed_tier
        top = [i for i in held if i["tier"] == tier]
        yield Finding.make(
            "privileged-permission", HIGH if tier == CONTROL else MEDIUM, identity.id,
            f"holds {tier} access: {names(_labels(top))}; confirm it needs it, or remove it",
            {"tier": tier, "permissions": held, "basedOn": based_on}, key=None)


def external_app_privileged(rc: RuleContext) -> Iterator[Finding]:
    based_on = rc.based_on(*ACCESS_KINDS)
    for identity in rc.privileged:
        if identity.kind != EXTERNAL_APP or not privileged(identity.computed_tier):
            continue
        held = _privileges(identity)
        tenant = identity.owner_organization_id or "an unknown tenant"
        publisher = f", publisher {quoted(identity.publisher)}" if identity.publisher else ""
        yield Finding.make(
            "external-app-privileged", HIGH, identity.id,
            f"another organisation's app (home tenant {tenant}{publisher}) holds "
            f"{identity.computed_tier} access: "
            f"{names(_labels(held))}; review the consent and remove what it does not need",
            {"tier": identity.computed_tier, "ownerTenantId": identity.owner_organization_id,
             "publisher": identity.publisher, "permissions": held, "basedOn": based_on})


def owner_lower_tier(rc: RuleContext) -> Iterator[Finding]:
    based_on = rc.based_on(*OWNER_KINDS, "roleAssignments", "roleEligibilitySchedules")
    for identity in rc.privileged:
        if not privileged(identity.tier):
            continue
        for owner in identity.owners:
            principal = rc.principals.get(owner.id)
            if principal is None or not principal.tier_known:
                continue
            if principal.identity_id == identity.id or rank(principal.tier) >= rank(identity.tier):
                continue
            who = owner.upn or owner.name or owner.id
            yield Finding.make(
                "owner-lower-tier", HIGH if identity.tier == CONTROL else MEDIUM, identity.id,
                f"owner {quoted(who)} ({owner.kind}, {principal.tier}) can add a credential to "
                f"this {identity.tier} identity and act as it; remove the owner or manage it "
                "from the same tier",
                {"ownerId": owner.id, "ownerKind": owner.kind, "ownerName": owner.name,
                 "ownerUpn": owner.upn, "ownerTier": principal.tier, "ownerOf": owner.of,
                 "identityTier": identity.tier, "tierOverridden": identity.tier_overridden,
                 "basedOn": based_on},
                key=owner.id)


def no_owner(rc: RuleContext) -> Iterator[Finding]:
    for identity in rc.subsets.without_app_owner:
        if identity.kind not in (APP, APP_WITHOUT_SP) or not identity.application_id:
            continue
        if any(o.of in ("application", "both") for o in identity.owners):
            continue
        if identity.application_id not in rc.app_owners_read:
            continue  # its owners were not read: no verdict
        sp_owners = [o.id for o in identity.owners if o.of == "servicePrincipal"]
        yield Finding.make(
            "no-owner", INFO, identity.id,
            "app registration has no owner: nobody is accountable for its credentials and "
            "permissions; assign an owner",
            {"applicationId": identity.application_id, "servicePrincipalOwners": sp_owners,
             "basedOn": ["applicationOwners"]})


RULES = (
    Rule("privileged-permission", "Holds ControlPlane or ManagementPlane permissions or roles",
         privileged_permission, needs_any=ACCESS_KINDS),
    Rule("external-app-privileged", "Another organisation's app with ManagementPlane access "
         "or higher", external_app_privileged, needs_any=ACCESS_KINDS),
    Rule("owner-lower-tier", "Owned by someone of a lower tier, who can act as it",
         owner_lower_tier, needs_any=OWNER_KINDS),
    Rule("no-owner", "App registration without owners", no_owner, needs=("applicationOwners",)),
)
