"""What each identity can do (application permissions, delegated grants, directory roles),
the tier that gives it, and the tier of the users and groups around it.

Tiers follow the Enterprise Access Model (models.tiers). A role scoped to one application
or service principal takes the tier of what it controls, so those are settled after every
identity's own tier is known (a few rounds cover chains of scoped roles).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.directory import DirectoryRole as DirectoryRoleObject
from models.directory import UnifiedRoleDefinition
from models.identity import (
    AppPermission,
    DelegatedGrant,
    DirectoryRole,
    Principal,
    ScopeTier,
    WorkloadIdentity,
)
from models.join import Context
from models.kinds import MICROSOFT_TENANTS
from models.nogc import builder
from models.reasons import reasons_at, settle_principal
from models.tiers import (
    UNCLASSIFIED,
    TierReason,
    actions_tier,
    app_permission_tier,
    builtin_role,
    highest,
    rank,
    scope_tier,
    scoped_role_tier,
)

_new_permission = builder(AppPermission)
_new_grant = builder(DelegatedGrant)
_new_role = builder(DirectoryRole)
_new_principal = builder(Principal)


@dataclass
class Resource:
    """A resource service principal, as permissions name it."""

    app_id: str
    name: str
    microsoft: bool
    roles: dict[str, str] = field(default_factory=dict)  # app role id -> value


@dataclass
class RoleInfo:
    tier: str
    name: str
    template_id: str | None
    custom: bool
    why: str


@dataclass
class Pending:
    """A role scoped to one object: its tier waits for the tier of that object."""

    holder_id: str
    role: DirectoryRole
    base_tier: str
    target_id: str | None


class Access:
    """Builds permissions, roles and tiers for every identity and principal of a Context."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.resources: dict[str, Resource] = {}
        self.roles: dict[str, RoleInfo] = {}
        self.definitions: dict[str, UnifiedRoleDefinition] = {}
        for definition in ctx.data.role_definitions:
            for key in (definition.id, definition.template_id):
                if key:
                    self.definitions.setdefault(key.lower(), definition)
        self.pending: list[Pending] = []
        self.principals: dict[str, Principal] = {}
        self.group_members: dict[str, list[WorkloadIdentity]] = {}
        self.role_data = ctx.has("roleAssignments")
        # scopes and reasons repeat across thousands of identities: build each once, share it
        self.scope_cache: dict[tuple[str, str], ScopeTier] = {}
        # (resource id, app role id) -> (tier, why, value); (resource id, scope) -> scopes, tier
        self.permission_cache: dict[tuple[str, str], tuple[str, str, str]] = {}
        self.grant_cache: dict[tuple[str, str | None], tuple[list[ScopeTier], str]] = {}
        self.reason_cache: dict[tuple, TierReason] = {}

    # -- lookups -------------------------------------------------------------------------
    def resource(self, sp_id: str) -> Resource:
        found = self.resources.get(sp_id)
        if found is None:
            sp = self.ctx.sp_by_id.get(sp_id)
            if sp is None:
                found = Resource(app_id="", name=sp_id, microsoft=False)
            else:
                found = Resource(
                    app_id=sp.app_id, name=sp.display_name or sp.app_id,
                    microsoft=(sp.app_owner_organization_id or "").lower() in MICROSOFT_TENANTS,
                    roles={r.id.lower(): r.value or "" for r in sp.app_roles if r.id})
            self.resources[sp_id] = found
        return found

    def role(self, definition_id: str) -> RoleInfo:
        key = definition_id.lower()
        info = self.roles.get(key)
        if info is not None:
            return info
        definition = self.definitions.get(key)
        template = (definition.template_id if definition else None) or definition_id
        tier, name, why = builtin_role(template)
        custom = bool(definition is not None and definition.is_built_in is False)
        if tier is None or custom:
            if definition is not None and definition.role_permissions:
                pairs = [(action, p.condition) for p in definition.role_permissions
                         for action in p.allowed_resource_actions]
                tier, why = actions_tier(pairs)
            elif tier is None:
                tier, why = UNCLASSIFIED, "unclassified: role not in the table and its " \
                    "definition was not read"
        label = (definition.display_name if definition else None) or name or definition_id
        info = RoleInfo(tier=tier, name=label, template_id=template, custom=custom, why=why)
        self.roles[key] = info
        return info

    # -- identities ----------------------------------------------------------------------
    def build(self) -> None:
        ctx = self.ctx
        grants_by_client: dict[str, list] = {}
        for grant in ctx.data.oauth2_grants:
            grants_by_client.setdefault(grant.client_id, []).append(grant)
        assignments = ctx.data.app_role_assignments
        for identity in ctx.identities:
            sp_id = identity.service_principal_id
            if not sp_id:
                continue
            if assignments.get(sp_id):  # else it keeps its own empty list
                identity.app_permissions = self._permissions(sp_id)
            grants = grants_by_client.get(sp_id)
            if grants:
                identity.delegated_grants = self._grants(grants)
            for group in identity.groups:
                self.group_members.setdefault(group.id, []).append(identity)
        self._roles()
        self._member_of_roles()
        for identity in ctx.identities:
            self._tier(identity)
        self._settle_scoped()
        self._principals()

    def _permissions(self, sp_id: str) -> list[AppPermission]:
        result = []
        cache = self.permission_cache
        for assignment in self.ctx.data.app_role_assignments.get(sp_id, []):
            resource = self.resource(assignment.resource_id)
            key = (assignment.resource_id, assignment.app_role_id)
            known = cache.get(key)
            if known is None:
                tier, why, table_value = app_permission_tier(
                    resource.app_id, assignment.app_role_id, resource.microsoft)
                value = resource.roles.get(assignment.app_role_id.lower()) or table_value or (
                    assignment.app_role_id)
                known = cache[key] = (tier, why, value)
            result.append(_new_permission(
                assignment_id=assignment.id, resource_id=assignment.resource_id,
                resource_app_id=resource.app_id,
                resource_name=assignment.resource_display_name or resource.name,
                app_role_id=assignment.app_role_id, value=known[2], tier=known[0],
                why=known[1], created=assignment.created_date_time))
        return result

    def _grants(self, grants: list) -> list[DelegatedGrant]:
        result = []
        for grant in grants:
            resource = self.resource(grant.resource_id)
            known = self.grant_cache.get((grant.resource_id, grant.scope))
            if known is None:
                scopes = []
                for value in grant.scopes:
                    scope = self.scope_cache.get((resource.app_id, value))
                    if scope is None:
                        tier, why = scope_tier(resource.app_id, value, resource.microsoft)
                        scope = self.scope_cache[(resource.app_id, value)] = ScopeTier(
                            value=value, tier=tier, why=why)
                    scopes.append(scope)
                known = self.grant_cache[(grant.resource_id, grant.scope)] = (
                    scopes, highest(s.tier for s in scopes))
            result.append(_new_grant(
                grant_id=grant.id, resource_id=grant.resource_id, resource_app_id=resource.app_id,
                resource_name=resource.name, scopes=list(known[0]),
                consent_type=grant.consent_type, principal_id=grant.principal_id,
                tier=known[1]))
        return result

    def _roles(self) -> None:
        """Active and eligible role assignments, to identities, groups and anyone else."""
        ctx = self.ctx
        entries = [(a, "active") for a in ctx.data.role_assignments]
        entries += [(e, "eligible") for e in ctx.data.role_eligibility]
        for entry, state in entries:
            if not entry.principal_id or not entry.role_definition_id:
                continue
            info = self.role(entry.role_definition_id)
            scope = entry.directory_scope_id or "/"
            end = None
            if state == "eligible" and entry.schedule_info and entry.schedule_info.expiration:
                end = entry.schedule_info.expiration.end_date_time
            role = _new_role(
                role_definition_id=entry.role_definition_id, template_id=info.template_id,
                name=info.name, state=state, scope=scope, tier=info.tier, why=info.why,
                custom=info.custom, assignment_id=entry.id, eligibility_end=end,
                source="roleAssignments" if state == "active" else "roleEligibilitySchedules")
            target_id = self._scope(role, entry.app_scope_id)
            if role.scope_kind in ("application", "servicePrincipal", "object"):
                # start from the lower bound; _settle_scoped raises it once targets are known
                role.tier, role.why = scoped_role_tier(info.tier, None)
            holders = [(entry.principal_id, role)]
            for member in self.group_members.get(entry.principal_id, []):
                via = role.model_copy(update={"via_group_id": entry.principal_id,
                                              "via_group_name": _group_name(member, entry.principal_id)})
                holders.append((member.id, via))
            for holder_id, held in holders:
                identity = ctx.by_object.get(holder_id) or ctx.by_id.get(holder_id)
                if identity is not None:
                    identity.directory_roles.append(held)
                else:
                    self._principal(holder_id).roles.append(held)
                if held.scope_kind in ("application", "servicePrincipal", "object"):
                    owner_id = identity.id if identity is not None else holder_id
                    self.pending.append(Pending(owner_id, held, info.tier, target_id))

    def _scope(self, role: DirectoryRole, app_scope: str | None) -> str | None:
        """Fill the role's scope kind and name; return the scoped identity's id, if any."""
        scope = role.scope
        if scope == "/":
            if app_scope and app_scope != "/":
                role.scope_kind, role.scope_name = "appScope", f"app scope {app_scope}"
            return None
        if scope.lower().startswith("/administrativeunits/"):
            role.scope_kind = "administrativeUnit"
            role.scope_name = "administrative unit " + scope.split("/")[-1]
            role.why += " (scoped to an administrative unit)"
            return None
        object_id = scope.strip("/").split("/")[-1]
        target = self.ctx.by_object.get(object_id)
        if target is None:
            role.scope_kind, role.scope_name = "object", object_id
            return None
        role.scope_kind = ("application" if object_id == target.application_id
                           else "servicePrincipal")
        role.scope_name = target.display_name
        return target.id

    def _member_of_roles(self) -> None:
        """Directory roles seen only as memberOf objects (when role assignments are missing)."""
        for identity in self.ctx.identities:
            sp_id = identity.service_principal_id
            for obj in self.ctx.data.member_of.get(sp_id or "", []):
                if not isinstance(obj, DirectoryRoleObject) or not obj.role_template_id:
                    continue
                template = obj.role_template_id
                if any(r.template_id == template and r.state == "active" and r.scope == "/"
                       for r in identity.directory_roles):
                    continue
                info = self.role(template)
                identity.directory_roles.append(_new_role(
                    role_definition_id=template, template_id=template,
                    name=obj.display_name or info.name, tier=info.tier, why=info.why,
                    source="memberOf"))

    # -- tiers ---------------------------------------------------------------------------
    def _tier(self, identity: WorkloadIdentity) -> None:
        """The highest tier of what it holds; the reasons are the items that set it."""
        best, best_rank = UNCLASSIFIED, 0
        for items in (identity.app_permissions, identity.delegated_grants,
                      identity.directory_roles):
            for item in items:
                if item.tier != best and rank(item.tier) > best_rank:
                    best, best_rank = item.tier, rank(item.tier)
        identity.computed_tier = best
        if self.ctx.detail:  # the reasons are shown, not reported
            identity.tier_reasons = reasons_at(identity, best, self.reason_cache)
        self._apply_override(identity)

    def _apply_override(self, identity: WorkloadIdentity) -> None:
        override = self.ctx.overrides.get(identity.id)
        if override is None:
            identity.tier = identity.computed_tier
            return
        identity.tier, identity.tier_overridden, identity.tier_override = override.tier, True, override
        if not identity.tier_reasons or identity.tier_reasons[0].source != "override":
            identity.tier_reasons.insert(0, TierReason(
                source="override", value=override.reason, tier=override.tier,
                why=f"admin label by {override.by or 'an admin'}" + (
                    f" on {override.at}" if override.at else "")))

    def _settle_scoped(self) -> None:
        for _ in range(4):
            changed = False
            for item in self.pending:
                target = self.ctx.by_id.get(item.target_id or "")
                tier, why = scoped_role_tier(item.base_tier, target.tier if target else None)
                if item.role.tier != tier:
                    item.role.tier, item.role.why, changed = tier, why, True
            if not changed:
                break
            for identity in self.ctx.identities:
                if identity.directory_roles:
                    self._tier(identity)

    # -- principals ----------------------------------------------------------------------
    def _principal(self, principal_id: str) -> Principal:
        found = self.principals.get(principal_id)
        if found is None:
            found = _new_principal(id=principal_id)
            self.principals[principal_id] = found
        return found

    def _principals(self) -> None:
        """Owners, actors and role holders that are not identities get their own tier."""
        ctx = self.ctx
        principals = self.principals
        for identity in ctx.identities:
            for owner in identity.owners:
                principal = principals.get(owner.id)
                if principal is None:  # most owners: built at once, as the lines below would
                    principals[owner.id] = _new_principal(
                        id=owner.id, kind=owner.kind, display_name=owner.name, upn=owner.upn,
                        owns=[identity.id])
                    continue
                principal.kind = owner.kind
                principal.display_name = principal.display_name or owner.name
                principal.upn = principal.upn or owner.upn
                principal.owns.append(identity.id)
        for group_id in self.group_members:
            if group_id in self.principals:
                self.principals[group_id].kind = "group"
        for audit in ctx.data.directory_audits:
            user = audit.initiated_by.user if audit.initiated_by else None
            if user is not None and user.id:
                principal = self._principal(user.id)
                principal.kind = "user"
                principal.upn = principal.upn or user.user_principal_name
                principal.display_name = principal.display_name or user.display_name
        for principal in self.principals.values():
            settle_principal(principal, ctx, self.role_data)


def _group_name(member: WorkloadIdentity, group_id: str) -> str | None:
    for group in member.groups:
        if group.id == group_id:
            return group.name
    return None
