"""What identities did and what was done to them: sign-ins, activity reports, audits, risk."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from models.base import GraphModel, Timestamp


class SignInActivity(GraphModel):
    last_sign_in_date_time: Timestamp = None
    last_sign_in_request_id: str | None = None


class ServicePrincipalSignInActivity(GraphModel):
    """Beta report: the last sign-in of a service principal, per sign-in type (keyed by appId)."""

    id: str = ""
    app_id: str = ""
    last_sign_in_activity: SignInActivity | None = None
    application_authentication_client_sign_in_activity: SignInActivity | None = None
    application_authentication_resource_sign_in_activity: SignInActivity | None = None
    delegated_client_sign_in_activity: SignInActivity | None = None
    delegated_resource_sign_in_activity: SignInActivity | None = None


class AppCredentialSignInActivity(GraphModel):
    """Beta report: the last use of one credential (by keyId)."""

    id: str = ""
    key_id: str = ""
    key_type: str | None = None  # clientSecret, certificate
    key_usage: str | None = None
    app_id: str | None = None
    app_object_id: str | None = None
    service_principal_object_id: str | None = None
    resource_id: str | None = None
    credential_origin: str | None = None  # application, servicePrincipal
    created_date_time: Timestamp = None
    expiration_date_time: Timestamp = None
    sign_in_activity: SignInActivity | None = None


class SignInStatus(GraphModel):
    error_code: int | None = None
    failure_reason: str | None = None
    additional_details: str | None = None


class ManagedIdentityInfo(GraphModel):
    msi_type: str | None = None  # none, userAssigned, systemAssigned
    associated_resource_id: str | None = None
    federated_token_id: str | None = None
    federated_token_issuer: str | None = None


class GeoCoordinates(GraphModel):
    latitude: float | None = None
    longitude: float | None = None


class SignInLocation(GraphModel):
    city: str | None = None
    state: str | None = None
    country_or_region: str | None = None
    geo_coordinates: GeoCoordinates | None = None


class SignIn(GraphModel):
    """Beta sign-in of a service principal or managed identity."""

    id: str = ""
    created_date_time: Timestamp = None
    app_id: str | None = None
    app_display_name: str | None = None
    service_principal_id: str | None = None
    service_principal_name: str | None = None
    ip_address: str | None = None
    location: SignInLocation | None = None
    resource_id: str | None = None
    resource_display_name: str | None = None
    resource_service_principal_id: str | None = None
    status: SignInStatus | None = None
    sign_in_event_types: list[str] = Field(default_factory=list)
    client_credential_type: str | None = None
    service_principal_credential_key_id: str | None = None
    service_principal_credential_thumbprint: str | None = None
    federated_credential_id: str | None = None
    managed_service_identity: ManagedIdentityInfo | None = None
    conditional_access_status: str | None = None
    correlation_id: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is None or not self.status.error_code


class SummarizedSignIn(SignIn):
    """Beta getSummarizedServicePrincipalSignIns: sign-ins aggregated per period."""

    sign_in_count: int | None = None
    aggregation_date_time: Timestamp = None
    first_sign_in_date_time: Timestamp = None


class AuditUser(GraphModel):
    id: str | None = None
    display_name: str | None = None
    user_principal_name: str | None = None
    ip_address: str | None = None


class AuditApp(GraphModel):
    app_id: str | None = None
    display_name: str | None = None
    service_principal_id: str | None = None
    service_principal_name: str | None = None


class AuditActivityInitiator(GraphModel):
    user: AuditUser | None = None
    app: AuditApp | None = None


class ModifiedProperty(GraphModel):
    display_name: str | None = None
    old_value: str | None = None
    new_value: str | None = None


class TargetResource(GraphModel):
    id: str | None = None
    display_name: str | None = None
    # the docs' own sample spells it "Type"
    type: str | None = Field(default=None, validation_alias=AliasChoices("type", "Type"))
    user_principal_name: str | None = None
    group_type: str | None = None
    modified_properties: list[ModifiedProperty] = Field(default_factory=list)


class KeyValue(GraphModel):
    key: str | None = None
    value: str | None = None


class DirectoryAudit(GraphModel):
    id: str = ""
    category: str | None = None
    correlation_id: str | None = None
    result: str | None = None
    result_reason: str | None = None
    activity_display_name: str | None = None
    activity_date_time: Timestamp = None
    logged_by_service: str | None = None
    operation_type: str | None = None
    initiated_by: AuditActivityInitiator | None = None
    target_resources: list[TargetResource] = Field(default_factory=list)
    additional_details: list[KeyValue] = Field(default_factory=list)


class RiskyServicePrincipal(GraphModel):
    id: str = ""
    app_id: str | None = None
    display_name: str | None = None
    service_principal_type: str | None = None
    is_enabled: bool | None = None
    is_processing: bool | None = None
    risk_level: str | None = None  # low, medium, high, hidden, none
    risk_state: str | None = None  # atRisk, confirmedCompromised, remediated, dismissed, ...
    risk_detail: str | None = None
    risk_last_updated_date_time: Timestamp = None


class ServicePrincipalRiskDetection(GraphModel):
    id: str = ""
    request_id: str | None = None
    correlation_id: str | None = None
    risk_event_type: str | None = None
    risk_state: str | None = None
    risk_level: str | None = None
    risk_detail: str | None = None
    source: str | None = None
    detection_timing_type: str | None = None
    activity: str | None = None
    token_issuer_type: str | None = None
    ip_address: str | None = None
    location: SignInLocation | None = None
    activity_date_time: Timestamp = None
    detected_date_time: Timestamp = None
    last_updated_date_time: Timestamp = None
    service_principal_id: str | None = None
    service_principal_display_name: str | None = None
    app_id: str | None = None
    key_ids: list[str] = Field(default_factory=list)
    additional_info: str | None = None
