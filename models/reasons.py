"""Why an identity or a user has its tier: the permissions and roles that set it, and the
tier of principals (users, groups) from their directory roles."""

from __future__ import annotations

from models.identity import DirectoryRole, Principal, WorkloadIdentity
from models.join import Context
from models.tiers import UNCLASSIFIED, USER_ACCESS, TierReason, highest, rank


def settle_principal(principal: Principal, ctx: Context, role_data: bool) -> None:
    """A principal's tier: an identity's own, or the highest of its directory roles."""
    identity = ctx.by_object.get(principal.id) or ctx.by_id.get(principal.id)
    if identity is not None:
        principal.kind, principal.identity_id = "servicePrincipal", identity.id
        principal.display_name = principal.display_name or identity.display_name
        principal.roles = identity.directory_roles
        principal.tier, principal.tier_known = identity.tier, True
        principal.tier_reasons = identity.tier_reasons
        return
    principal.tier_reasons = sorted((role_reason(r) for r in principal.roles),
                                    key=lambda r: -rank(r.tier))
    principal.tier = highest(r.tier for r in principal.tier_reasons)
    # a service principal that is not one of the identities: its permissions are unknown
    principal.tier_known = role_data and principal.kind != "servicePrincipal"
    if role_data and principal.tier == UNCLASSIFIED and principal.kind in ("user", "directoryObject"):
        principal.tier = USER_ACCESS
        principal.tier_reasons.append(TierReason(
            source="directoryRole", value="no directory role", tier=USER_ACCESS,
            why="an account with no admin role has user access"))


def reasons_at(identity: WorkloadIdentity, tier: str, cache: dict[tuple, TierReason] | None = None,
               limit: int = 20) -> list[TierReason]:
    """The identity's permissions and roles of exactly this tier, as tier reasons (once each)."""
    cache = {} if cache is None else cache
    reasons: list[TierReason] = []
    seen: set[tuple] = set()

    def add(key: tuple, **fields: str) -> None:
        if key in seen:
            return
        seen.add(key)
        reason = cache.get(key)
        if reason is None:
            reason = cache[key] = TierReason(**fields)
        reasons.append(reason)

    for perm in identity.app_permissions:
        if perm.tier == tier:
            add(("a", perm.resource_name, perm.value, tier, perm.why),
                source="applicationPermission", resource=perm.resource_name, value=perm.value,
                tier=tier, why=perm.why)
    for grant in identity.delegated_grants:
        for scope in grant.scopes:
            if scope.tier == tier:
                why = scope.why + (" (granted for one user)" if grant.consent_type == "Principal"
                                   else "")
                add(("d", grant.resource_name, scope.value, tier, why),
                    source="delegatedPermission", resource=grant.resource_name,
                    value=scope.value, tier=tier, why=why)
    for role in identity.directory_roles:
        if role.tier == tier:
            reason = role_reason(role)
            if (reason.source, reason.resource, reason.value) not in seen:
                seen.add((reason.source, reason.resource, reason.value))
                reasons.append(reason)
    return reasons[:limit]


def role_reason(role: DirectoryRole) -> TierReason:
    source = "directoryRole" if role.state == "active" else "eligibleDirectoryRole"
    scope = "tenant-wide" if role.scope == "/" else (role.scope_name or role.scope)
    via = f" via group {role.via_group_name or role.via_group_id}" if role.via_group_id else ""
    return TierReason(source=source, resource=scope, value=role.name, tier=role.tier,
                      why=role.why + via)
