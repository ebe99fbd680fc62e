"""Microsoft's side of the demo tenant: first-party apps, API permissions and Entra roles.

Every id here is real, so that analysis that matches on (resource appId, app role id) or on
role template ids sees what it would see in a real tenant. Permission ids and tiers were
checked against the Enterprise Access Model classification by Thomas Naunheim (MIT); only
the permissions and roles the demo uses are listed. Display names are shortened.
"""

from __future__ import annotations

from typing import NamedTuple

MICROSOFT_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"

GRAPH = "00000003-0000-0000-c000-000000000000"
EXCHANGE = "00000002-0000-0ff1-ce00-000000000000"
SHAREPOINT = "00000003-0000-0ff1-ce00-000000000000"
AAD_GRAPH = "00000002-0000-0000-c000-000000000000"
KEY_VAULT = "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"
ARM = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
AZURE_DEVOPS = "499b84ac-1321-427f-aa17-267ca6975798"
MGMT_APIS = "c5393580-f805-4401-95e8-94b7a6ef2fc2"
DEFENDER_ATP = "fc780465-2017-40d4-a0c5-307022471b92"
AZURE_STORAGE = "e406a681-f3d4-42a8-90b6-c2b029497af1"
AZURE_SQL = "022907d3-0f1b-48f7-badc-1ba6abab6d66"
POWER_BI = "00000009-0000-0000-c000-000000000000"


class FirstParty(NamedTuple):
    app_id: str
    name: str
    names: tuple[str, ...] = ()  # servicePrincipalNames besides the appId


# A sample of the first-party service principals every tenant has; resources first.
FIRST_PARTY: tuple[FirstParty, ...] = (
    FirstParty(GRAPH, "Microsoft Graph", ("https://graph.microsoft.com",
                                          "https://graph.microsoft.us")),
    FirstParty(EXCHANGE, "Office 365 Exchange Online", ("https://outlook.office365.com/",
                                                        "https://outlook.office.com")),
    FirstParty(SHAREPOINT, "Office 365 SharePoint Online", ("https://microsoft.sharepoint.com",)),
    FirstParty(AAD_GRAPH, "Windows Azure Active Directory", ("https://graph.windows.net",)),
    FirstParty(KEY_VAULT, "Azure Key Vault", ("https://vault.azure.net",)),
    FirstParty(ARM, "Windows Azure Service Management API",
               ("https://management.core.windows.net/", "https://management.azure.com/")),
    FirstParty(AZURE_DEVOPS, "Azure DevOps", ("https://app.vssps.visualstudio.com",)),
    FirstParty(MGMT_APIS, "Office 365 Management APIs", ("https://manage.office.com",)),
    FirstParty(DEFENDER_ATP, "WindowsDefenderATP", ("https://api.securitycenter.microsoft.com",)),
    FirstParty(AZURE_STORAGE, "Azure Storage", ("https://storage.azure.com",)),
    FirstParty(AZURE_SQL, "Azure SQL Database", ("https://database.windows.net/",)),
    FirstParty(POWER_BI, "Power BI Service", ("https://analysis.windows.net/powerbi/api",)),
    FirstParty("cc15fd57-2c6c-4117-a88c-83b1d56b4bbe", "Microsoft Teams Services"),
    FirstParty("1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams"),
    FirstParty("c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal"),
    FirstParty("0000000a-0000-0000-c000-000000000000", "Microsoft Intune"),
    FirstParty("c161e42e-d4df-4a3d-9b42-e7a3c31f59d4", "Microsoft Intune API"),
    FirstParty("d4ebce55-015a-49b5-a083-c84d1797ae8c", "Microsoft Intune Enrollment"),
    FirstParty("04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Microsoft Azure CLI"),
    FirstParty("1950a258-227b-4e31-a9cf-717495945fc2", "Microsoft Azure PowerShell"),
    FirstParty("14d82eec-204b-4c2f-b7e8-296a70dab67e", "Microsoft Graph Command Line Tools"),
    FirstParty("de8bc8b5-d9f9-48b1-a8ad-b748da725064", "Graph Explorer"),
    FirstParty("00000007-0000-0000-c000-000000000000", "Dataverse"),
    FirstParty("8ee8fdad-f234-4243-8f3b-15c294843740", "Microsoft Threat Protection"),
    FirstParty("00000004-0000-0ff1-ce00-000000000000", "Skype for Business Online"),
    FirstParty("0000000c-0000-0000-c000-000000000000", "Microsoft App Access Panel"),
    FirstParty("29d9ed98-a469-4536-ade2-f981bc1d605e", "Microsoft Authentication Broker"),
    FirstParty("372140e0-b3b7-4226-8ef9-d57986796201", "Azure Windows VM Sign-In"),
)


class Permission(NamedTuple):
    id: str
    value: str
    name: str  # display name (app role) or admin consent display name (scope)


def _roles(*items: tuple[str, str, str]) -> dict[str, Permission]:
    return {value: Permission(pid, value, name) for pid, value, name in items}


# Application permissions (app roles) by resource appId, then by value.
APP_ROLES: dict[str, dict[str, Permission]] = {
    GRAPH: _roles(
        ("9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", "RoleManagement.ReadWrite.Directory",
         "Read and write all directory RBAC settings"),
        ("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Application.ReadWrite.All",
         "Read and write all applications"),
        ("18a4783c-866b-4cc7-a460-3d5e5662c884", "Application.ReadWrite.OwnedBy",
         "Manage apps that this app creates or owns"),
        ("06b708a9-e830-4db3-a914-8e69da51d44f", "AppRoleAssignment.ReadWrite.All",
         "Manage app permission grants and app role assignments"),
        ("19dbc75e-c2e2-444c-a770-ec69d8559fc7", "Directory.ReadWrite.All",
         "Read and write directory data"),
        ("62a82d76-70ea-41e2-9197-370581804d09", "Group.ReadWrite.All",
         "Read and write all groups"),
        ("7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All", "Read directory data"),
        ("df021288-bdef-4463-88db-98f22de89214", "User.Read.All", "Read all users' full profiles"),
        ("5b567255-7703-4780-807c-7be8301ae99b", "Group.Read.All", "Read all groups"),
        ("9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All",
         "Read all applications"),
        ("810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Mail.Read", "Read mail in all mailboxes"),
        ("b633e1c5-b582-4048-a93e-9f11b44c7e96", "Mail.Send", "Send mail as any user"),
        ("e2a3a72e-5f79-4c64-b1b1-878b674786c9", "Mail.ReadWrite",
         "Read and write mail in all mailboxes"),
        ("332a536c-c7ef-4017-ab91-336970924f0d", "Sites.Read.All",
         "Read items in all site collections"),
        ("a82116e5-55eb-4c41-a434-62fe8a61c773", "Sites.FullControl.All",
         "Have full control of all site collections"),
        ("01d4889c-1287-42c6-ac1f-5d1e02578ef6", "Files.Read.All",
         "Read files in all site collections"),
        ("75359482-378d-4052-8f01-80520e7db3cd", "Files.ReadWrite.All",
         "Read and write files in all site collections"),
        ("798ee544-9d2d-430c-a058-570e29e34338", "Calendars.Read",
         "Read calendars in all mailboxes"),
        ("b0afded3-3588-46d8-8b3d-9842eff778da", "AuditLog.Read.All", "Read all audit log data"),
        ("230c1aed-a721-4c5d-9cb4-a90514e508ef", "Reports.Read.All", "Read all usage reports"),
        ("7438b122-aefc-4978-80ed-43db9fcc7715", "Device.Read.All", "Read all devices"),
        ("498476ce-e0fe-48b0-b801-37ba7e2685c6", "Organization.Read.All",
         "Read organization information"),
        ("97235f07-e226-4f63-ace3-39588e11d3a1", "User.ReadBasic.All",
         "Read all users' basic profiles"),
        ("483bed4a-2ad3-4361-a73b-c83ccdbdc53c", "RoleManagement.Read.Directory",
         "Read all directory RBAC settings"),
        ("2f51be20-0bb4-4fed-bf7b-db946066c75e", "DeviceManagementManagedDevices.Read.All",
         "Read Microsoft Intune devices"),
        ("607c7344-0eed-41e5-823a-9695ebe1b7b0", "IdentityRiskyServicePrincipal.Read.All",
         "Read all identity risky service principal information"),
    ),
    EXCHANGE: _roles(
        ("dc890d15-9560-4a4c-9b7f-a736ec74ec40", "full_access_as_app",
         "Use Exchange Web Services with full access to all mailboxes"),
        ("dc50a0fb-09a3-484d-be87-e023b12c6440", "Exchange.ManageAsApp",
         "Manage Exchange As Application"),
        ("810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Mail.Read", "Read mail in all mailboxes"),
    ),
    SHAREPOINT: _roles(
        ("678536fe-1083-478a-9c59-b99265e6b0d3", "Sites.FullControl.All",
         "Have full control of all site collections"),
        ("d13f72ca-a275-4b96-b789-48ebcc4da984", "Sites.Read.All",
         "Read items in all site collections"),
        ("20d37865-089c-4dee-8c41-6967602d4ac8", "Sites.Selected",
         "Access selected site collections"),
    ),
    MGMT_APIS: _roles(
        ("594c1fb6-4f81-4475-ae41-0c394909246c", "ActivityFeed.Read",
         "Read activity data for your organization"),
        ("e2cea78f-e743-4d8f-a16a-75b629a038ae", "ServiceHealth.Read",
         "Read service health information for your organization"),
    ),
    DEFENDER_ATP: _roles(
        ("ea8291d3-4b9a-44b5-bc3a-6cea3026dc79", "Machine.Read.All", "Read all machine profiles"),
        ("71fe6b80-7034-4028-9ed8-0f316df9c3ff", "Alert.Read.All", "Read all alerts"),
        ("7e4e1300-e1b9-4102-88ba-f0cb6e6d5974", "Machine.Isolate", "Isolate machine"),
    ),
    POWER_BI: _roles(
        ("654b31ae-d941-4e22-8798-7add8fdf049f", "Tenant.Read.All", "Read all Power BI content"),
    ),
}

# Delegated permissions (OAuth2 scopes) by resource appId, then by value.
SCOPES: dict[str, dict[str, Permission]] = {
    GRAPH: _roles(
        ("e1fe6dd8-ba31-4d61-89e7-88639da4683d", "User.Read", "Sign in and read user profile"),
        ("37f7f235-527c-4136-accd-4a02d197296e", "openid", "Sign users in"),
        ("14dad69e-099b-42c9-810b-d002981feec1", "profile", "View users' basic profile"),
        ("64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", "email", "View users' email address"),
        ("7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "offline_access", "Maintain access to data you "
         "have given it access to"),
        ("570282fd-fa5c-430d-a7fd-fc8dc98a9dca", "Mail.Read", "Read user mail"),
        ("e383f46e-2787-4529-855e-0e479a3ffac0", "Mail.Send", "Send mail as a user"),
        ("465a38f9-76ea-45b9-9f34-9e8b0d4b0b42", "Calendars.Read", "Read user calendars"),
        ("1ec239c2-d7c9-4623-a91a-a9775856bb36", "Calendars.ReadWrite",
         "Have full access to user calendars"),
        ("863451e7-0667-486c-a5d6-d135439485f0", "Files.ReadWrite.All",
         "Have full access to all files user can access"),
        ("205e70e5-aba6-4c52-a976-6d2d46c48043", "Sites.Read.All",
         "Read items in all site collections"),
        ("5f8c59db-677d-491f-a6b8-5f174b11ec1d", "Group.Read.All", "Read all groups"),
        ("a154be20-db9c-4678-8ab7-66f6cc099a59", "User.Read.All", "Read all users' full profiles"),
        ("06da0dbc-49e2-44d2-8312-53f166ab848a", "Directory.Read.All", "Read directory data"),
        ("0e263e50-5827-48a4-b97c-d940288653c7", "Directory.AccessAsUser.All",
         "Access directory as the signed in user"),
        ("bdfbf15f-ee85-4955-8675-146e8e5296b5", "Application.ReadWrite.All",
         "Read and write all applications"),
    ),
    EXCHANGE: _roles(
        ("3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", "EWS.AccessAsUser.All",
         "Access mailboxes as the signed-in user via Exchange Web Services"),
    ),
    SHAREPOINT: _roles(
        ("4e0d77b0-96ba-4398-af14-3baa780278f4", "AllSites.Read",
         "Read items in all site collections"),
    ),
    KEY_VAULT: _roles(
        ("f53da476-18e3-4152-8e01-aec403e6edc0", "user_impersonation",
         "Have full access to the Azure Key Vault service"),
    ),
    ARM: _roles(
        ("41094075-9dad-400e-a0bd-54e686782033", "user_impersonation",
         "Access Azure Service Management as organization users"),
    ),
    AZURE_DEVOPS: _roles(
        ("ee69721e-6c3a-468f-a9ec-302d16a4c599", "user_impersonation",
         "Have full access to Visual Studio Team Services REST APIs"),
        ("b325850d-aa53-41ed-b77a-c5036b2f39fa", "vso.code", "Code (read)"),
    ),
    POWER_BI: _roles(
        ("01944dba-21df-426f-bb8c-796488be96ad", "Tenant.Read.All", "Read all Power BI content"),
    ),
}


class Role(NamedTuple):
    template_id: str
    name: str
    description: str
    actions: tuple[str, ...]  # a few of the role's real allowedResourceActions
    privileged: bool


ROLES: dict[str, Role] = {role.name: role for role in (
    Role("62e90394-69f5-4237-9190-012177145e10", "Global Administrator",
         "Can manage all aspects of Microsoft Entra ID and Microsoft services that use "
         "Microsoft Entra identities.",
         ("microsoft.directory/roleAssignments/allProperties/allTasks",
          "microsoft.directory/identityProtection/allProperties/allTasks",
          "microsoft.directory/applications/allProperties/allTasks",
          "microsoft.directory/servicePrincipals/allProperties/allTasks",
          "microsoft.intune/allEntities/allTasks"), True),
    Role("e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator",
         "Can manage role assignments in Microsoft Entra ID, and all aspects of "
         "Privileged Identity Management.",
         ("microsoft.directory/roleAssignments/allProperties/allTasks",
          "microsoft.directory/servicePrincipals/appRoleAssignedTo/update",
          "microsoft.directory/oAuth2PermissionGrants/allProperties/allTasks"), True),
    Role("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator",
         "Can create and manage all aspects of app registrations and enterprise apps.",
         ("microsoft.directory/applications/create",
          "microsoft.directory/applications/credentials/update",
          "microsoft.directory/applications/owners/update",
          "microsoft.directory/servicePrincipals/credentials/update",
          "microsoft.directory/servicePrincipals/appRoleAssignedTo/update"), True),
    Role("158c047a-c907-4556-b7ef-446551a6b5f7", "Cloud Application Administrator",
         "Can create and manage all aspects of app registrations and enterprise apps "
         "except App Proxy.",
         ("microsoft.directory/applications/create",
          "microsoft.directory/applications/credentials/update",
          "microsoft.directory/applications/owners/update",
          "microsoft.directory/servicePrincipals/credentials/update"), True),
    Role("cf1c38e5-3621-4004-a7cb-879624dced7c", "Application Developer",
         "Can create application registrations independent of the 'Users can register "
         "applications' setting.",
         ("microsoft.directory/applications/createAsOwner",
          "microsoft.directory/oAuth2PermissionGrants/createAsOwner",
          "microsoft.directory/servicePrincipals/createAsOwner"), True),
    Role("88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers",
         "Can read basic directory information. Commonly used to grant directory read "
         "access to applications and guests.",
         ("microsoft.directory/applications/standard/read",
          "microsoft.directory/groups/standard/read",
          "microsoft.directory/servicePrincipals/standard/read",
          "microsoft.directory/users/standard/read"), False),
    Role("29232cdf-9323-42fd-ade2-1d097af3e4de", "Exchange Administrator",
         "Can manage all aspects of the Exchange product.",
         ("microsoft.office365.exchange/allEntities/basic/allTasks",
          "microsoft.backup/exchangeProtectionPolicies/allProperties/allTasks"), False),
    Role("5d6b6bb7-de71-4623-b4af-96380a352509", "Security Reader",
         "Can read security information and reports in Microsoft Entra ID and Office 365.",
         ("microsoft.directory/auditLogs/allProperties/read",
          "microsoft.directory/identityProtection/allProperties/read",
          "microsoft.directory/signInReports/allProperties/read"), True),
    Role("3a2c62db-5318-420d-8d74-23affee5d9d5", "Intune Administrator",
         "Can manage all aspects of the Intune product.",
         ("microsoft.intune/allEntities/allTasks",
          "microsoft.cloudPC/allEntities/allProperties/allTasks"), True),
    Role("4a5d8f65-41da-4de4-8968-e035b65339cf", "Reports Reader",
         "Can read sign-in and audit reports.",
         ("microsoft.directory/auditLogs/allProperties/read",
          "microsoft.directory/signInReports/allProperties/read"), False),
)}

# The tenant's own role: lets a rotation job renew credentials of every app (ControlPlane).
CUSTOM_ROLE_NAME = "Contoso App Credential Rotator"
CUSTOM_ROLE_ACTIONS = (
    "microsoft.directory/applications/credentials/update",
    "microsoft.directory/applications/standard/read",
    "microsoft.directory/servicePrincipals/standard/read",
)

# Well-known sign-in failures of workload identities (AADSTS codes) and their messages.
SIGN_IN_ERRORS: dict[int, str] = {
    7000215: "Invalid client secret provided. Ensure the secret being sent in the request is "
             "the client secret value, not the client secret ID.",
    7000222: "The provided client secret keys for app are expired.",
    700027: "Client assertion failed signature validation.",
    700016: "Application with identifier was not found in the directory.",
}
