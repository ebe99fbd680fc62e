"""What `$select` may name on each Graph type, and what Graph leaves out unless it is named.

Property names are those of Graph v1.0 (the structural properties of the msgraph-sdk
1.65 models, which are generated from Graph's v1.0 metadata). A name a type does not have
answers 400 like Graph: "Parsing OData Select and Expand failed: Could not find a property
named 'x' on type 'microsoft.graph.application'." (docs/graph-protocol.md §4). Beta types
carry more properties than v1.0 (`servicePrincipal.publisherName` is beta only) and we
hold no beta list, so beta requests are not checked. Types without a list here (audit
events, sign-ins, role management, reports, risk) are not checked either.
Names match case-insensitively and come back spelled as Graph spells them.

Default properties (no `$select`): `customSecurityAttributes` is "returned only on
`$select`" and `keyCredentials[].key` (the public certificate) is null unless
`keyCredentials` is selected ([SPR], [SPL]); `default_view` applies both.
"""

from __future__ import annotations

from typing import Any

from graph.replay.errors import bad_request

_DIRECTORY_OBJECT = "deletedDateTime id"
_PROPERTIES = {
    "application": f"""{_DIRECTORY_OBJECT} addIns api appId appRoles applicationTemplateId
        authenticationBehaviors certification createdByAppId createdDateTime
        defaultRedirectUri description disabledByMicrosoftStatus displayName
        groupMembershipClaims identifierUris info isDeviceOnlyAuthSupported isDisabled
        isFallbackPublicClient keyCredentials logo managerApplications
        nativeAuthenticationApisEnabled notes oauth2RequirePostResponse optionalClaims
        parentalControlSettings passwordCredentials publicClient publisherDomain
        requestSignatureVerification requiredResourceAccess samlMetadataUrl
        serviceManagementReference servicePrincipalLockConfiguration signInAudience spa tags
        tokenEncryptionKeyId uniqueName verifiedPublisher web""",
    "servicePrincipal": f"""{_DIRECTORY_OBJECT} accountEnabled addIns alternativeNames
        appDescription appDisplayName appId appOwnerOrganizationId appRoleAssignmentRequired
        appRoles applicationTemplateId createdByAppId customSecurityAttributes description
        disabledByMicrosoftStatus displayName homepage info isDisabled keyCredentials
        loginUrl logoutUrl notes notificationEmailAddresses oauth2PermissionScopes
        passwordCredentials preferredSingleSignOnMode preferredTokenSigningKeyThumbprint
        replyUrls resourceSpecificApplicationPermissions samlSingleSignOnSettings
        servicePrincipalNames servicePrincipalType signInAudience tags tokenEncryptionKeyId
        verifiedPublisher""",
    "organization": f"""{_DIRECTORY_OBJECT} assignedPlans businessPhones city country
        countryLetterCode createdDateTime defaultUsageLocation displayName
        marketingNotificationEmails mobileDeviceManagementAuthority onPremisesLastSyncDateTime
        onPremisesSyncEnabled partnerTenantType postalCode preferredLanguage privacyProfile
        provisionedPlans securityComplianceNotificationMails
        securityComplianceNotificationPhones state street technicalNotificationMails
        tenantType verifiedDomains""",
    "oAuth2PermissionGrant": "id clientId consentType principalId resourceId scope",
    "appRoleAssignment": f"""{_DIRECTORY_OBJECT} appRoleId createdDateTime
        principalDisplayName principalId principalType resourceDisplayName resourceId""",
}
# relationships: selecting one is allowed, and adds nothing to the answer without $expand
_RELATIONSHIPS = {
    "application": """appManagementPolicies createdOnBehalfOf extensionProperties
        federatedIdentityCredentials homeRealmDiscoveryPolicies owners synchronization
        tokenIssuancePolicies tokenLifetimePolicies""",
    "servicePrincipal": """appManagementPolicies appRoleAssignedTo appRoleAssignments
        claimsMappingPolicies createdObjects delegatedPermissionClassifications endpoints
        federatedIdentityCredentials homeRealmDiscoveryPolicies memberOf
        oauth2PermissionGrants ownedObjects owners remoteDesktopSecurityConfiguration
        synchronization tokenIssuancePolicies tokenLifetimePolicies transitiveMemberOf""",
    "organization": "branding certificateBasedAuthConfiguration extensions",
}
PROPERTIES: dict[str, dict[str, str]] = {
    type_name: {name.lower(): name for name in names.split()}
    for type_name, names in _PROPERTIES.items()
}
RELATIONSHIPS: dict[str, set[str]] = {
    type_name: {name.lower() for name in names.split()}
    for type_name, names in _RELATIONSHIPS.items()
}
# the type of the items of a collection path (after the version; {id} is any one segment)
_TYPE_BY_PATH = {
    "applications": "application", "servicePrincipals": "servicePrincipal",
    "organization": "organization", "oauth2PermissionGrants": "oAuth2PermissionGrant",
    "servicePrincipals/{id}/appRoleAssignments": "appRoleAssignment",
    "servicePrincipals/{id}/appRoleAssignedTo": "appRoleAssignment",
}
# only on $select (servicePrincipal, user): never among the default properties
SELECT_ONLY = "customSecurityAttributes"


def type_for_path(path: str) -> str | None:
    """`application` for `applications`, `applications/{id}` and `applications/delta`."""
    parts = path.strip("/").split("/")
    if len(parts) == 2:  # an object or the delta function: the collection's type
        parts = parts[:1]
    template = "/".join("{id}" if i % 2 else p for i, p in enumerate(parts))
    return _TYPE_BY_PATH.get(template)


def check_select(version: str, path: str,
                 select: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The `$select` names as Graph spells them, relationships left out; 400 on a name the
    type lacks. Unchecked (returned as given) on beta and on types without a list."""
    type_name = type_for_path(path)
    if select is None or version != "v1.0" or type_name not in PROPERTIES:
        return select
    known = PROPERTIES[type_name]
    out = []
    for name in select:
        key = name.lower()
        if key in known:
            out.append(known[key])
        elif key not in RELATIONSHIPS.get(type_name, ()):
            raise bad_request(f"Parsing OData Select and Expand failed: Could not find a "
                              f"property named '{name}' on type 'microsoft.graph.{type_name}'.")
    return tuple(dict.fromkeys(out))


def selects_key_credentials(select: tuple[str, ...] | None) -> bool:
    return bool(select) and any(n.lower() == "keycredentials" for n in select)


def default_view(obj: Any) -> Any:
    """The object as Graph sends it without `$select`: no `customSecurityAttributes`, and
    `key` null in each key credential. The stored object is never changed."""
    if not isinstance(obj, dict):
        return obj
    creds = obj.get("keyCredentials")
    keyed = isinstance(creds, list) and any(
        isinstance(c, dict) and c.get("key") is not None for c in creds)
    if SELECT_ONLY not in obj and not keyed:
        return obj
    out = {k: v for k, v in obj.items() if k != SELECT_ONLY}
    if keyed:
        out["keyCredentials"] = [{**c, "key": None} if isinstance(c, dict) else c
                                 for c in creds]
    return out
