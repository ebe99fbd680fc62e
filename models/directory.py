"""Directory objects (owners and memberships), permission grants, Entra roles, organization."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag, TypeAdapter

from models.base import GraphModel, Timestamp, tolerant


class DirectoryObject(GraphModel):
    """Any directory object; the subclasses below are picked by `@odata.type`."""

    odata_type: str | None = Field(default=None, alias="@odata.type")
    id: str = ""
    display_name: str | None = None

    @property
    def kind(self) -> str:
        """user, servicePrincipal, group, directoryRole, ... or directoryObject."""
        if not self.odata_type:
            return "directoryObject"
        return self.odata_type.rsplit(".", 1)[-1]


class User(DirectoryObject):
    user_principal_name: str | None = None
    mail: str | None = None
    account_enabled: bool | None = None
    user_type: str | None = None


class Group(DirectoryObject):
    description: str | None = None
    security_enabled: bool | None = None
    mail_enabled: bool | None = None
    group_types: list[str] = Field(default_factory=list)
    is_assignable_to_role: bool | None = None


class ServicePrincipalObject(DirectoryObject):
    """A service principal seen as an owner or member (a few of its properties)."""

    app_id: str | None = None
    service_principal_type: str | None = None
    app_owner_organization_id: str | None = None
    account_enabled: bool | None = None


class DirectoryRole(DirectoryObject):
    role_template_id: str | None = None
    description: str | None = None


def _object_tag(value: Any) -> str:
    odata_type = value.get("@odata.type") if isinstance(value, dict) else getattr(
        value, "odata_type", None
    )
    kind = (odata_type if isinstance(odata_type, str) else "").rsplit(".", 1)[-1]
    return kind if kind in _KNOWN_OBJECT_KINDS else "directoryObject"


_KNOWN_OBJECT_KINDS = {"user", "group", "servicePrincipal", "directoryRole"}

AnyDirectoryObject = Annotated[
    Annotated[User, Tag("user")]
    | Annotated[Group, Tag("group")]
    | Annotated[ServicePrincipalObject, Tag("servicePrincipal")]
    | Annotated[DirectoryRole, Tag("directoryRole")]
    | Annotated[DirectoryObject, Tag("directoryObject")],
    Discriminator(_object_tag),
]
_directory_object = TypeAdapter(AnyDirectoryObject)


def parse_directory_object(data: dict[str, Any]) -> DirectoryObject:
    """The right DirectoryObject subclass for a Graph object, by its `@odata.type`."""
    return tolerant("directoryObject", _directory_object.validate_python, data)


class AppRoleAssignment(GraphModel):
    """An application permission (or app role) granted to a principal on a resource."""

    id: str = ""
    app_role_id: str = ""
    principal_id: str = ""
    principal_type: str | None = None
    principal_display_name: str | None = None
    resource_id: str = ""
    resource_display_name: str | None = None
    created_date_time: Timestamp = None


class OAuth2PermissionGrant(GraphModel):
    """Delegated permissions (scopes) a client may use on a resource, for all or one user."""

    id: str = ""
    client_id: str = ""
    consent_type: str | None = None  # AllPrincipals or Principal
    principal_id: str | None = None
    resource_id: str = ""
    scope: str | None = None

    @property
    def scopes(self) -> list[str]:
        return (self.scope or "").split()


class RolePermission(GraphModel):
    allowed_resource_actions: list[str] = Field(default_factory=list)
    condition: str | None = None


class UnifiedRoleDefinition(GraphModel):
    id: str = ""
    display_name: str | None = None
    description: str | None = None
    is_built_in: bool | None = None
    is_enabled: bool | None = None
    is_privileged: bool | None = None
    template_id: str | None = None
    role_permissions: list[RolePermission] = Field(default_factory=list)


class UnifiedRoleAssignment(GraphModel):
    """An active Entra directory role assignment, scoped by `directoryScopeId`."""

    id: str = ""
    principal_id: str = ""
    role_definition_id: str = ""
    directory_scope_id: str | None = None
    app_scope_id: str | None = None
    condition: str | None = None


class Expiration(GraphModel):
    type: str | None = None  # noExpiration, afterDateTime, afterDuration
    end_date_time: Timestamp = None
    duration: str | None = None


class RequestSchedule(GraphModel):
    start_date_time: Timestamp = None
    expiration: Expiration | None = None


class UnifiedRoleEligibilitySchedule(GraphModel):
    """A PIM-eligible Entra role: the principal can activate it when it wants."""

    id: str = ""
    principal_id: str = ""
    role_definition_id: str = ""
    directory_scope_id: str | None = None
    app_scope_id: str | None = None
    member_type: str | None = None
    status: str | None = None
    created_using: str | None = None
    created_date_time: Timestamp = None
    schedule_info: RequestSchedule | None = None


class VerifiedDomain(GraphModel):
    name: str | None = None
    is_default: bool | None = None
    is_initial: bool | None = None
    type: str | None = None


class Organization(GraphModel):
    id: str = ""
    display_name: str | None = None
    tenant_type: str | None = None
    country_letter_code: str | None = None
    created_date_time: Timestamp = None
    verified_domains: list[VerifiedDomain] = Field(default_factory=list)

    @property
    def default_domain(self) -> str | None:
        for domain in self.verified_domains:
            if domain.is_default:
                return domain.name
        return self.verified_domains[0].name if self.verified_domains else None
