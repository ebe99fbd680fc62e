"""Detail tabs about what the identity can reach and who controls it: Permissions, Roles,
Groups, Owners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.identity import DirectoryRole, Owner, WorkloadIdentity
from models.query import search_text
from tui.screens.formatting import day
from tui.screens.links import Link, Location, pivot_target
from tui.screens.tabs import NO_SERVICE_PRINCIPAL, TabSpec
from tui.widgets.badges import tier_label, tier_rank_key, tier_tone
from tui.widgets.table_model import Column


def _tier_column(get: Any = lambda r: r.tier, known: Any = lambda r: True) -> Column:
    return Column("tier", "TIER", lambda r: tier_label(get(r), short=True) if known(r)
                  else "? unknown", width=13, tone=lambda r: tier_tone(get(r)) if known(r)
                  else "muted", sort_key=lambda r: tier_rank_key(get(r)))


# -- Permissions ------------------------------------------------------------------------

@dataclass(frozen=True)
class PermissionRow:
    """An application permission, or one delegated scope of a grant."""

    type: str  # application, delegated
    object_id: str  # app role assignment id, or oauth2PermissionGrant id
    resource_id: str  # the resource's service principal id
    resource_name: str
    value: str
    tier: str
    why: str
    consent: str  # delegated: "all users" or the user it was granted for
    principal_id: str | None
    created: datetime | None


def permission_rows(identity: WorkloadIdentity) -> list[PermissionRow]:
    rows = [PermissionRow("application", p.assignment_id, p.resource_id,
                          p.resource_name or p.resource_app_id, p.value or p.app_role_id,
                          p.tier, p.why, "admin consent", None, p.created)
            for p in identity.app_permissions]
    for grant in identity.delegated_grants:
        consent = ("all users" if grant.consent_type == "AllPrincipals"
                   else f"user {grant.principal_name or grant.principal_id or '?'}")
        rows += [PermissionRow("delegated", grant.grant_id, grant.resource_id,
                               grant.resource_name or grant.resource_app_id, scope.value,
                               scope.tier, scope.why, consent, grant.principal_id, None)
                 for scope in grant.scopes]
    return sorted(rows, key=lambda r: (tier_rank_key(r.tier) or 0, r.type, r.resource_name,
                                       r.value))


def _permission_links(row: PermissionRow, identity: WorkloadIdentity, app: Any) -> list[Link]:
    links = [Link(f"the resource {row.resource_name}", Location("detail", row.resource_id)),
             Link(f"every identity with access to {row.resource_name}",
                  Location("pivot", pivot_target("resource", row.resource_id)))]
    if row.principal_id:
        links.append(Link("the user the grant is for", Location("principal", row.principal_id)))
    return links


def _permissions_empty(identity: WorkloadIdentity) -> str:
    if identity.kind == "app-without-sp":
        return NO_SERVICE_PRINCIPAL
    return "no application permission and no delegated grant"


PERMISSIONS = TabSpec(
    id="permissions", title="Permissions",
    columns=lambda now: [
        Column("type", "TYPE", lambda r: r.type, width=11),
        Column("resource", "RESOURCE", lambda r: r.resource_name, min_width=12, max_width=30),
        Column("permission", "PERMISSION", lambda r: r.value, min_width=16, max_width=40),
        _tier_column(),
        Column("why", "WHY", lambda r: r.why, min_width=12, flex=2, priority=2),
        Column("consent", "CONSENT", lambda r: r.consent, min_width=10, max_width=24,
               priority=3),
        Column("granted", "GRANTED", lambda r: day(r.created), width=10, priority=4,
               sort_key=lambda r: r.created),
    ],
    rows=permission_rows,
    row_id=lambda r: f"{r.object_id}/{r.value}",
    object_id=lambda r: r.object_id,
    search=lambda r: search_text(r.type, r.resource_name, r.value, r.tier, r.consent),
    target="app-permission",
    data_kinds=("appRoleAssignments", "oauth2PermissionGrants"),
    empty=_permissions_empty, links=_permission_links,
    preview=lambda r, now: [("permission", f"{r.type} {r.value} on {r.resource_name}"),
                            ("tier", f"{r.tier}: {r.why}"), ("consent", r.consent),
                            ("id", r.object_id)],
    copy=lambda r: [("Permission", r.value), ("Resource ID", r.resource_id),
                    ("Assignment/grant ID", r.object_id)],
)


# -- Roles ------------------------------------------------------------------------------

def _scope(role: DirectoryRole) -> str:
    if role.scope in ("/", ""):
        return "tenant-wide"
    return f"{role.scope_kind} {role.scope_name or role.scope}"


def _role_links(role: DirectoryRole, identity: WorkloadIdentity, app: Any) -> list[Link]:
    links = [Link(f"everyone holding {role.name}",
                  Location("pivot", pivot_target("role", role.role_definition_id)))]
    if role.via_group_id:
        links.append(Link(f"the group {role.via_group_name or role.via_group_id}",
                          Location("principal", role.via_group_id)))
    return links


ROLES = TabSpec(
    id="roles", title="Roles",
    columns=lambda now: [
        Column("role", "ROLE", lambda r: r.name + (" (custom)" if r.custom else ""),
               min_width=16, max_width=36),
        Column("state", "STATE", lambda r: r.state + (f" to {day(r.eligibility_end)}"
                                                     if r.eligibility_end else ""),
               width=10, tone=lambda r: "accent" if r.state == "eligible" else None),
        Column("scope", "SCOPE", _scope, min_width=12, max_width=36),
        _tier_column(),
        Column("why", "WHY", lambda r: r.why, min_width=12, flex=2, priority=2),
        Column("via", "VIA", lambda r: f"group {r.via_group_name or r.via_group_id}"
               if r.via_group_id else "direct", min_width=8, max_width=24, priority=3),
    ],
    rows=lambda i: sorted(i.directory_roles, key=lambda r: (tier_rank_key(r.tier) or 0,
                                                             r.name)),
    row_id=lambda r: f"{r.role_definition_id}/{r.state}/{r.scope}",
    object_id=lambda r: r.assignment_id or r.role_definition_id,
    search=lambda r: search_text(r.name, r.state, r.scope_name, r.scope, r.tier),
    target="directory-role",
    data_kinds=("roleAssignments", "roleEligibilitySchedules", "roleDefinitions"),
    empty=lambda i: NO_SERVICE_PRINCIPAL if i.kind == "app-without-sp"
    else "no Entra directory role, active or eligible",
    links=_role_links,
    preview=lambda r, now: [("role", f"{r.name} ({r.state})"), ("scope", _scope(r)),
                            ("tier", f"{r.tier}: {r.why}"), ("source", r.source)],
    copy=lambda r: [("Role definition ID", r.role_definition_id)],
)


# -- Groups -----------------------------------------------------------------------------

GROUPS = TabSpec(
    id="groups", title="Groups",
    columns=lambda now: [
        Column("name", "GROUP", lambda g: g.name or "(no name)", min_width=16, flex=2),
        Column("assignable", "ROLE-ASSIGNABLE", lambda g: "yes" if g.role_assignable else "",
               width=15, tone=lambda g: "warning" if g.role_assignable else None),
        Column("security", "SECURITY", lambda g: {True: "yes", False: "no"}.get(
            g.security_enabled, ""), width=8, priority=2),
        Column("id", "OBJECT ID", lambda g: g.id, width=36, priority=3),
    ],
    rows=lambda i: list(i.groups),
    row_id=lambda g: g.id,
    search=lambda g: search_text(g.name, g.id),
    target="group", data_kinds=("memberOf",),
    empty=lambda i: NO_SERVICE_PRINCIPAL if i.kind == "app-without-sp"
    else "not a member of any group",
    links=lambda g, i, app: [Link(f"the group {g.name or g.id}",
                                  Location("principal", g.id))],
    copy=lambda g: [("Group ID", g.id)],
)


# -- Owners -----------------------------------------------------------------------------

def _owner_links(owner: Owner, identity: WorkloadIdentity, app: Any) -> list[Link]:
    if owner.kind == "servicePrincipal" and app.identity_row(owner.id) is not None:
        return [Link("the owning identity", Location("detail", owner.id))]
    return [Link(f"the {owner.kind} {owner.upn or owner.name or owner.id}",
                 Location("principal", owner.id))]


def _owners_empty(identity: WorkloadIdentity) -> str:
    if identity.kind in ("managed-identity-system", "managed-identity-user"):
        return "managed identities have no owners: Azure RBAC on the resource controls them"
    if identity.kind in ("external-app", "microsoft-app"):
        return "no owner here: the publisher's tenant controls the application"
    return "no owner: nobody is accountable for its credentials and permissions"


OWNERS = TabSpec(
    id="owners", title="Owners",
    columns=lambda now: [
        Column("name", "OWNER", lambda o: o.name or o.upn or o.id, min_width=14, max_width=30),
        Column("upn", "UPN", lambda o: o.upn or "", min_width=12, max_width=34, priority=2),
        Column("kind", "KIND", lambda o: o.kind, width=16),
        _tier_column(known=lambda o: o.tier_known),
        Column("why", "WHY", lambda o: o.why, min_width=12, flex=2, priority=3),
        Column("of", "OWNER OF", lambda o: {"both": "app + SP"}.get(o.of, o.of), width=16,
               priority=4),
    ],
    rows=lambda i: sorted(i.owners, key=lambda o: (tier_rank_key(o.tier) or 0,
                                                   (o.name or o.upn or "").lower())),
    row_id=lambda o: o.id,
    search=lambda o: search_text(o.name, o.upn, o.id, o.kind),
    target="owner", data_kinds=("applicationOwners", "servicePrincipalOwners"),
    empty=_owners_empty, links=_owner_links,
    preview=lambda o, now: [("owner", f"{o.kind} {o.name or ''} {o.upn or ''}".strip()),
                            ("tier", f"{o.tier}: {o.why}" if o.tier_known
                             else "unknown: the role data was not available"),
                            ("owns", o.of), ("id", o.id)],
    copy=lambda o: [("Owner ID", o.id)] + ([("Owner UPN", o.upn)] if o.upn else []),
)

TABS = (PERMISSIONS, ROLES, GROUPS, OWNERS)
