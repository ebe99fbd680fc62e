"""Applications, service principals and what hangs off them (credentials, roles, scopes)."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from models.base import GraphModel, Timestamp


class PasswordCredential(GraphModel):
    """A client secret. The secret value (`secretText`) is never read or kept."""

    key_id: str = ""
    display_name: str | None = None
    hint: str | None = None
    start_date_time: Timestamp = None
    end_date_time: Timestamp = None
    custom_key_identifier: str | None = None


class KeyCredential(GraphModel):
    """A certificate (or symmetric key); `type` is e.g. AsymmetricX509Cert, `usage` Verify or Sign."""

    key_id: str = ""
    display_name: str | None = None
    type: str | None = None
    usage: str | None = None
    start_date_time: Timestamp = None
    end_date_time: Timestamp = None
    custom_key_identifier: str | None = None


class AppRole(GraphModel):
    id: str = ""
    value: str | None = None
    display_name: str | None = None
    description: str | None = None
    allowed_member_types: list[str] = Field(default_factory=list)
    is_enabled: bool = True
    origin: str | None = None


class PermissionScope(GraphModel):
    id: str = ""
    value: str | None = None
    type: str | None = None
    admin_consent_display_name: str | None = None
    admin_consent_description: str | None = None
    user_consent_display_name: str | None = None
    is_enabled: bool = True


class ResourceAccess(GraphModel):
    id: str = ""
    type: str | None = None  # "Role" (application permission) or "Scope" (delegated)


class RequiredResourceAccess(GraphModel):
    resource_app_id: str = ""
    resource_access: list[ResourceAccess] = Field(default_factory=list)


class ApiApplication(GraphModel):
    oauth2_permission_scopes: list[PermissionScope] = Field(
        default_factory=list,
        validation_alias=AliasChoices("oauth2PermissionScopes", "publishedPermissionScopes"),
    )
    requested_access_token_version: int | None = None


class RedirectSettings(GraphModel):
    """The `web`, `spa` and `publicClient` settings of an application."""

    redirect_uris: list[str] = Field(default_factory=list)
    home_page_url: str | None = None


class VerifiedPublisher(GraphModel):
    display_name: str | None = None
    verified_publisher_id: str | None = None
    added_date_time: Timestamp = None


class ClaimsMatchingExpression(GraphModel):
    value: str | None = None
    language_version: int | None = None


class FederatedIdentityCredential(GraphModel):
    """Trust in tokens of an outside issuer (GitHub Actions, Kubernetes, ...) for a subject."""

    id: str = ""
    name: str | None = None
    issuer: str | None = None
    subject: str | None = None
    audiences: list[str] = Field(default_factory=list)
    description: str | None = None
    claims_matching_expression: ClaimsMatchingExpression | None = None


class Application(GraphModel):
    """An app registration (the global definition, in its home tenant)."""

    id: str = ""
    app_id: str = ""
    display_name: str | None = None
    description: str | None = None
    created_date_time: Timestamp = None
    deleted_date_time: Timestamp = None
    sign_in_audience: str | None = None
    publisher_domain: str | None = None
    notes: str | None = None
    tags: list[str] = Field(default_factory=list)
    service_management_reference: str | None = None
    identifier_uris: list[str] = Field(default_factory=list)
    password_credentials: list[PasswordCredential] = Field(default_factory=list)
    key_credentials: list[KeyCredential] = Field(default_factory=list)
    required_resource_access: list[RequiredResourceAccess] = Field(default_factory=list)
    app_roles: list[AppRole] = Field(default_factory=list)
    api: ApiApplication | None = None
    web: RedirectSettings | None = None
    spa: RedirectSettings | None = None
    public_client: RedirectSettings | None = None
    is_fallback_public_client: bool | None = None
    verified_publisher: VerifiedPublisher | None = None
    removed: dict[str, Any] | None = Field(default=None, alias="@removed")

    @property
    def redirect_uris(self) -> list[str]:
        uris: list[str] = Field(default_factory=list)
        for settings in (self.web, self.spa, self.public_client):
            if settings is not None:
                uris.extend(settings.redirect_uris)
        return uris


class ServicePrincipal(GraphModel):
    """The instance of an application (or a managed identity) in this tenant."""

    id: str = ""
    app_id: str = ""
    display_name: str | None = None
    app_display_name: str | None = None
    app_description: str | None = None
    description: str | None = None
    notes: str | None = None
    service_principal_type: str | None = None  # Application, ManagedIdentity, Legacy, SocialIdp
    app_owner_organization_id: str | None = None
    account_enabled: bool | None = None
    app_role_assignment_required: bool | None = None
    alternative_names: list[str] = Field(default_factory=list)
    service_principal_names: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    sign_in_audience: str | None = None
    publisher_name: str | None = None
    homepage: str | None = None
    reply_urls: list[str] = Field(default_factory=list)
    preferred_single_sign_on_mode: str | None = None
    password_credentials: list[PasswordCredential] = Field(default_factory=list)
    key_credentials: list[KeyCredential] = Field(default_factory=list)
    app_roles: list[AppRole] = Field(default_factory=list)
    oauth2_permission_scopes: list[PermissionScope] = Field(
        default_factory=list,
        validation_alias=AliasChoices("oauth2PermissionScopes", "publishedPermissionScopes"),
    )
    verified_publisher: VerifiedPublisher | None = None
    disabled_by_microsoft_status: str | None = None
    deleted_date_time: Timestamp = None
    custom_security_attributes: dict[str, Any] | None = None
    removed: dict[str, Any] | None = Field(default=None, alias="@removed")
