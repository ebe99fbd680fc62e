"""The demo tenant's scaffolding: organization, people, groups, Entra roles and Microsoft's
own service principals. Everything else hangs off these."""

from __future__ import annotations

from typing import Any

from graph.demo import catalog, names
from graph.demo.builder import Tenant, Workload

# Admins by the role they hold: (first, last, title, role, eligible only)
ADMINS = (
    ("Adele", "Vance", "IT Director", "Global Administrator", False),
    ("Megan", "Bowen", "Identity Engineer", "Privileged Role Administrator", False),
    ("Alex", "Wilber", "Identity Engineer", "Application Administrator", False),
    ("Grady", "Archie", "Cloud Engineer", "Cloud Application Administrator", False),
    ("Lidia", "Holloway", "Developer", "Application Developer", False),
    ("Lynne", "Robbins", "SOC Analyst", "Security Reader", False),
    ("Nestor", "Wilke", "Endpoint Engineer", "Intune Administrator", True),
)
GROUPS = (  # (name, description, role-assignable)
    ("SG-Automation-Accounts", "Service accounts and automation identities", False),
    ("SG-Graph-Readers", "Identities allowed to read the directory", False),
    ("SG-Finance-Apps", "Finance applications", False),
    ("Exchange Admins (PIM)", "Role-assignable group holding Exchange Administrator", True),
)
EXCHANGE_ADMIN_GROUP = "Exchange Admins (PIM)"


def organization(t: Tenant) -> dict[str, Any]:
    return {
        "id": names.TENANT_ID, "businessPhones": ["+31 20 555 0100"], "city": "Amsterdam",
        "country": None, "countryLetterCode": "NL", "createdDateTime": names.TENANT_CREATED,
        "displayName": names.ORG_NAME, "onPremisesLastSyncDateTime": t.ago(minutes=23)
        .strftime("%Y-%m-%dT%H:%M:%SZ"), "onPremisesSyncEnabled": True, "postalCode": "1012 AB",
        "preferredLanguage": "en", "state": None, "street": "Damrak 1", "tenantType": "AAD",
        "technicalNotificationMails": [f"it-admins@{names.DOMAIN}"],
        "verifiedDomains": [
            {"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": True,
             "isInitial": False, "name": names.DOMAIN, "type": "Managed"},
            {"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": False,
             "isInitial": True, "name": names.INITIAL_DOMAIN, "type": "Managed"},
            {"capabilities": "None", "isDefault": False, "isInitial": False,
             "name": f"dev.{names.DOMAIN}", "type": "Managed"},
        ],
    }


def build(t: Tenant, size: int) -> None:
    """People, groups, role definitions, admins' roles and first-party service principals."""
    _role_definitions(t)
    _people(t, size)
    _groups(t)
    _first_party(t)


def _role_definitions(t: Tenant) -> None:
    for role in catalog.ROLES.values():
        t.role_definitions.append(_definition(role.template_id, role.name, role.description,
                                              list(role.actions), built_in=True))
        t.role_ids[role.name] = role.template_id
        t.role_objects[role.name] = t.ids.guid()
    custom_id = t.ids.guid()
    t.role_definitions.append(_definition(
        custom_id, catalog.CUSTOM_ROLE_NAME,
        "Renews secrets and certificates of app registrations (used by the rotation job).",
        list(catalog.CUSTOM_ROLE_ACTIONS), built_in=False))
    t.role_ids[catalog.CUSTOM_ROLE_NAME] = custom_id


def _definition(role_id: str, name: str, description: str, actions: list[str],
                built_in: bool) -> dict[str, Any]:
    return {"id": role_id, "description": description, "displayName": name,
            "isBuiltIn": built_in, "isEnabled": True, "resourceScopes": ["/"],
            "templateId": role_id, "version": "1" if built_in else None,
            "rolePermissions": [{"allowedResourceActions": actions, "condition": None,
                                 "excludedResourceActions": []}]}


def _people(t: Tenant, size: int) -> None:
    t.user_count = max(250, size * 9 + t.rng.randint(0, max(1, size)))
    breakglass = t.user("Break Glass", "01", None,
                        upn=f"breakglass01@{names.INITIAL_DOMAIN}", ordinary=False)
    t.assign_role(breakglass["id"], "Global Administrator")
    for first, last, title, role, eligible in ADMINS:
        admin = t.user(first, last, title, ordinary=False)
        t.admins[role] = admin
        t.assign_role(admin["id"], role, eligible=eligible)
    # ordinary users: the owners of most apps; no admin role
    pool = min(4000, max(40, size // 5))  # the named cases need a few dozen
    seen: set[tuple[str, str]] = set()
    firsts, lasts = names.FIRST_NAMES, names.LAST_NAMES
    for i in range(pool):
        first, last = firsts[i % len(firsts)], lasts[(i * 7 + i // len(firsts)) % len(lasts)]
        number = ""
        while (first, last + number) in seen:  # large tenants repeat names: number them
            number = str(int(number or "1") + 1)
        seen.add((first, last + number))
        t.user(first, last + number, t.rng.choice(names.JOB_TITLES))


def _groups(t: Tenant) -> None:
    for name, description, assignable in GROUPS:
        t.groups[name] = {
            "@odata.type": "#microsoft.graph.group", "id": t.ids.guid(),
            "description": description, "displayName": name, "groupTypes": [],
            "isAssignableToRole": assignable, "mailEnabled": False,
            "mailNickname": name.lower().replace(" ", "-").replace("(", "").replace(")", ""),
            "securityEnabled": True}
    t.assign_role(t.groups[EXCHANGE_ADMIN_GROUP]["id"], "Exchange Administrator")


def _first_party(t: Tenant) -> None:
    for app in catalog.FIRST_PARTY:
        sp = t.service_principal(app.app_id, app.name, owner_tenant=catalog.MICROSOFT_TENANT,
                                 audience="AzureADMultipleOrgs", spns=[app.app_id, *app.names],
                                 tags=[])
        sp["appRoles"] = [
            {"allowedMemberTypes": ["Application"],
             "description": f"Allows the app to {_lower(p.name)} without a signed-in user.",
             "displayName": p.name, "id": p.id, "isEnabled": True, "origin": "Application",
             "value": p.value}
            for p in catalog.APP_ROLES.get(app.app_id, {}).values()]
        sp["oauth2PermissionScopes"] = [
            {"adminConsentDescription":
                f"Allows the app to {_lower(p.name)} on behalf of the signed-in user.",
             "adminConsentDisplayName": p.name, "id": p.id, "isEnabled": True,
             "type": "User" if p.value in ("User.Read", "openid", "profile", "email",
                                           "offline_access") else "Admin",
             "userConsentDescription": None, "userConsentDisplayName": None, "value": p.value}
            for p in catalog.SCOPES.get(app.app_id, {}).values()]
        t.resource_sp[app.app_id] = sp
        # resources are signed in to all day; Microsoft's own clients sign in elsewhere
        t.workloads.append(Workload("microsoft-app", sp, last_sign_in=t.ago(
            minutes=t.rng.randint(1, 600)), busy=0))


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
