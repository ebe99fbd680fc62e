"""What kind of workload identity an application / service principal pair is, and the facts
an admin needs to reason about that kind (who holds its credentials, its tenant boundary,
how long its tokens live, what it is tied to)."""

from __future__ import annotations

from pydantic import BaseModel

from models.apps import Application, ServicePrincipal

APP = "app"
APP_WITHOUT_SP = "app-without-sp"
EXTERNAL_APP = "external-app"
MICROSOFT_APP = "microsoft-app"
MI_SYSTEM = "managed-identity-system"
MI_USER = "managed-identity-user"
LEGACY = "legacy"
KINDS = (APP, APP_WITHOUT_SP, EXTERNAL_APP, MICROSOFT_APP, MI_SYSTEM, MI_USER, LEGACY)
MANAGED_IDENTITY_KINDS = (MI_SYSTEM, MI_USER)

# Tenants that own Microsoft's first-party applications: Microsoft Services (the one Graph
# shows for nearly all of them), Microsoft's corporate tenant, and its AME and PME tenants.
MICROSOFT_TENANTS = frozenset({
    "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
    "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "33e01921-4d64-4f8c-a055-5bdaffd5e33d",
    "cdc5aeea-15c5-4db6-b079-fcadd2505dc2",
})

_AUDIENCES = {
    "AzureADMyOrg": "single-tenant: only this tenant's accounts can use it",
    "AzureADMultipleOrgs": "multi-tenant: any Entra tenant can consent to it",
    "AzureADandPersonalMicrosoftAccount":
        "multi-tenant and personal Microsoft accounts",
    "PersonalMicrosoftAccount": "personal Microsoft accounts only",
}
_APP_TOKENS = ("access tokens last 60-90 minutes; a client caches its app-only token until it "
               "expires, so removing a credential does not stop a token already issued")
_MI_TOKENS = ("Azure caches managed identity tokens for up to 24 hours: permission and group "
              "changes can take that long to apply")


class KindFacts(BaseModel):
    """The facts of one identity's kind, as the detail screen shows them."""

    summary: str = ""
    credential_management: str = ""
    tenant_boundary: str = ""
    token_lifetime: str = ""
    tied_to: str = ""
    arm_resource_id: str | None = None
    owner_tenant_id: str | None = None


def managed_identity_details(sp: ServicePrincipal) -> tuple[bool | None, str | None]:
    """(user-assigned?, ARM resource id) from alternativeNames (see GRAPH-FACTS.md)."""
    explicit: bool | None = None
    arm_id = None
    for name in sp.alternative_names:
        lowered = name.strip().lower()
        if lowered == "isexplicit=true":
            explicit = True
        elif lowered == "isexplicit=false":
            explicit = False
        elif lowered.startswith("/subscriptions/") and arm_id is None:
            arm_id = name.strip()
    if explicit is None and arm_id is not None:
        explicit = "/microsoft.managedidentity/userassignedidentities/" in arm_id.lower()
    return explicit, arm_id


def detect_kind(app: Application | None, sp: ServicePrincipal | None, tenant_id: str) -> str:
    if sp is None:
        return APP_WITHOUT_SP
    sp_type = (sp.service_principal_type or "").lower()
    if sp_type == "managedidentity":
        explicit, _ = managed_identity_details(sp)
        return MI_USER if explicit else MI_SYSTEM
    if sp_type == "legacy":
        return LEGACY
    if app is not None:
        return APP
    owner = (sp.app_owner_organization_id or "").lower()
    if owner in MICROSOFT_TENANTS:
        return MICROSOFT_APP
    if owner and owner == tenant_id.lower():
        return APP  # registered here, but the application object was not read
    return EXTERNAL_APP


def facts_key(kind: str, app: Application | None, sp: ServicePrincipal | None) -> tuple:
    """What a kind's facts depend on: identities with the same key share one KindFacts."""
    audience = (app.sign_in_audience if app else None) or (sp.sign_in_audience if sp else None)
    arm_id = managed_identity_details(sp)[1] if sp is not None and kind in \
        MANAGED_IDENTITY_KINDS else None
    return (kind, audience, sp.app_owner_organization_id if sp else None, arm_id,
            app is not None)


def kind_facts(kind: str, app: Application | None, sp: ServicePrincipal | None) -> KindFacts:
    audience = (app.sign_in_audience if app else None) or (sp.sign_in_audience if sp else None)
    boundary = _AUDIENCES.get(audience or "", f"sign-in audience {audience}" if audience else "")
    owner_tenant = sp.app_owner_organization_id if sp else None
    if kind in MANAGED_IDENTITY_KINDS and sp is not None:
        _, arm_id = managed_identity_details(sp)
        user = kind == MI_USER
        return KindFacts(
            summary=("user-assigned managed identity: an Azure resource of its own, attachable "
                     "to many resources" if user else
                     "system-assigned managed identity: lives and dies with one Azure resource"),
            credential_management="Azure manages its certificate and rotates it; nobody can "
            "read or add a secret" + ("; federated credentials live in Azure Resource "
                                      "Manager, not in Graph" if user else ""),
            tenant_boundary="single-tenant: this tenant only",
            token_lifetime=_MI_TOKENS,
            tied_to=(f"Azure resource {arm_id}" if arm_id else "an Azure resource (ID not shown)"),
            arm_resource_id=arm_id,
        )
    if kind == MICROSOFT_APP:
        return KindFacts(
            summary="Microsoft first-party application",
            credential_management="Microsoft holds its credentials in its own tenant; a "
            "credential on this service principal is not Microsoft's and is suspicious",
            tenant_boundary="multi-tenant, published by Microsoft",
            token_lifetime=_APP_TOKENS,
            tied_to="Microsoft's tenant " + (owner_tenant or "(unknown)"),
            owner_tenant_id=owner_tenant,
        )
    if kind == EXTERNAL_APP:
        return KindFacts(
            summary="another organisation's application, consented in this tenant",
            credential_management="the publisher manages its credentials in its own tenant; "
            "here you control consent, permissions, assignments and whether it is enabled",
            tenant_boundary=boundary or "multi-tenant (home tenant elsewhere)",
            token_lifetime=_APP_TOKENS,
            tied_to="home tenant " + (owner_tenant or "(unknown)"),
            owner_tenant_id=owner_tenant,
        )
    if kind == LEGACY:
        return KindFacts(
            summary="legacy service principal without an app registration",
            credential_management="credentials live only on the service principal object, "
            "out of sight of the app registrations blade",
            tenant_boundary=boundary or "this tenant",
            token_lifetime=_APP_TOKENS,
            tied_to="no application object",
            owner_tenant_id=owner_tenant,
        )
    if kind == APP_WITHOUT_SP:
        return KindFacts(
            summary="app registration with no service principal here: it cannot sign in to "
            "this tenant" + (" (other tenants may have one)" if audience and audience !=
                             "AzureADMyOrg" else ""),
            credential_management="owners of the app registration and application admins "
            "manage its secrets, certificates and federated credentials",
            tenant_boundary=boundary,
            token_lifetime=_APP_TOKENS,
            tied_to="its application object in this tenant",
        )
    return KindFacts(
        summary="application registered in this tenant",
        credential_management="owners of the app registration and application admins manage "
        "its secrets, certificates and federated credentials; credentials can also sit on "
        "the service principal object, hidden from the app registrations blade",
        tenant_boundary=boundary,
        token_lifetime=_APP_TOKENS,
        tied_to=("its application object in this tenant" if app
                 else "an application object of this tenant that was not read"),
        owner_tenant_id=owner_tenant,
    )
