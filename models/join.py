"""Join applications, service principals and their relations into workload identities.

Every collection is indexed by id once (`Context`), so building 50,000 identities stays
linear. This module builds each identity's own facts (kind, credentials, federated
credentials, owners, groups); `models.access` adds permissions, roles and tiers, and
`models.events` sign-ins, audits and risk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.apps import Application, FederatedIdentityCredential, ServicePrincipal
from models.config import AnalysisConfig
from models.directory import DirectoryObject, Group, User
from models.fic import issuer_provider, parse_expression, parse_subject
from models.identity import (
    Credential,
    FederatedCredential,
    GroupMembership,
    Owner,
    SignInSummary,
    WorkloadIdentity,
)
from models.kinds import MANAGED_IDENTITY_KINDS, KindFacts, detect_kind, facts_key, kind_facts
from models.nogc import builder
from models.recording import KIND_BY_NAME, Recording
from models.tenant import TenantData
from models.tiers import TierOverride

DEFAULT_AUDIENCE = "api://azureadtokenexchange"
# the analysis builds its domain models from validated Graph models: no second validation
_new_identity = builder(WorkloadIdentity)
_new_credential = builder(Credential)
_new_federated = builder(FederatedCredential)
_new_group = builder(GroupMembership)
_new_owner = builder(Owner)
# every identity gets its real summary from models.events.attach_sign_ins
_NOT_YET_SUMMARISED = SignInSummary()
_NO_FACTS = KindFacts()


@dataclass
class Context:
    """The tenant's data indexed by id, plus the identities being built."""

    data: TenantData
    config: AnalysisConfig
    now: datetime
    overrides: Mapping[str, TierOverride]
    raw_apps: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw_sps: dict[str, dict[str, Any]] = field(default_factory=dict)
    sp_by_id: dict[str, ServicePrincipal] = field(default_factory=dict)
    sp_by_app_id: dict[str, ServicePrincipal] = field(default_factory=dict)
    app_by_id: dict[str, Application] = field(default_factory=dict)
    identities: list[WorkloadIdentity] = field(default_factory=list)
    by_id: dict[str, WorkloadIdentity] = field(default_factory=dict)
    by_object: dict[str, WorkloadIdentity] = field(default_factory=dict)  # app or SP id
    by_app_id: dict[str, WorkloadIdentity] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    facts: dict[tuple, Any] = field(default_factory=dict)  # shared KindFacts by facts_key
    key_used: dict[str, datetime] = field(default_factory=dict)  # credential report, by keyId
    key_signed_in: dict[str, datetime] = field(default_factory=dict)  # sign-in logs, by keyId
    detail: bool = True  # False for a report: what only the detail screen shows is left out

    def has(self, kind: str) -> bool:
        return self.data.has(kind)

    def identity_for(self, object_id: str | None) -> WorkloadIdentity | None:
        return self.by_object.get(object_id or "")


def _raw_by_id(recording: Recording | None, path: str) -> dict[str, dict[str, Any]]:
    if recording is None:
        return {}
    return {item["id"]: item for item in recording.items(path)
            if isinstance(item, dict) and isinstance(item.get("id"), str)}


def _raw(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """A raw Graph object for the JSON view, without any secret value."""
    if item is None:
        return None
    creds = item.get("passwordCredentials")
    if isinstance(creds, list) and any(isinstance(c, dict) and "secretText" in c for c in creds):
        item = dict(item)
        item["passwordCredentials"] = [
            {k: v for k, v in c.items() if k != "secretText"} if isinstance(c, dict) else c
            for c in creds]
    return item


def new_context(data: TenantData, config: AnalysisConfig, now: datetime,
                overrides: Mapping[str, TierOverride] | None,
                recording: Recording | None, detail: bool = True) -> Context:
    ctx = Context(data=data, config=config, now=now, overrides=overrides or {}, detail=detail)
    ctx.raw_apps = _raw_by_id(recording, KIND_BY_NAME["applications"].path)
    ctx.raw_sps = _raw_by_id(recording, KIND_BY_NAME["servicePrincipals"].path)
    for sp in data.service_principals:
        if sp.id and sp.removed is None:
            ctx.sp_by_id[sp.id] = sp
            if sp.app_id:
                ctx.sp_by_app_id.setdefault(sp.app_id.lower(), sp)
    for app in data.applications:
        if app.id and app.removed is None:
            ctx.app_by_id[app.id] = app
    for item in data.credential_activity:
        when = item.sign_in_activity.last_sign_in_date_time if item.sign_in_activity else None
        key = item.key_id.lower()
        if key and when is not None and (key not in ctx.key_used or when > ctx.key_used[key]):
            ctx.key_used[key] = when
    for sign_in in data.sign_ins:
        key = (sign_in.service_principal_credential_key_id or "").lower()
        when = sign_in.created_date_time
        if key and when is not None and sign_in.succeeded and (
                key not in ctx.key_signed_in or when > ctx.key_signed_in[key]):
            ctx.key_signed_in[key] = when
    return ctx


def build_identities(ctx: Context) -> None:
    """One identity per service principal (joined with its local app) and per lone app."""
    joined_apps: set[str] = set()
    apps_by_app_id = {app.app_id.lower(): app for app in ctx.app_by_id.values() if app.app_id}
    for sp in ctx.sp_by_id.values():
        app = apps_by_app_id.get(sp.app_id.lower()) if sp.app_id else None
        if app is not None and (sp.service_principal_type or "Application") != "Application":
            app = None  # a managed identity or legacy principal never pairs with an app
        if app is not None:
            joined_apps.add(app.id)
        _add(ctx, _identity(ctx, app, sp))
    for app in ctx.app_by_id.values():
        if app.id not in joined_apps:
            _add(ctx, _identity(ctx, app, None))


def _add(ctx: Context, identity: WorkloadIdentity) -> None:
    ctx.identities.append(identity)
    ctx.by_id[identity.id] = identity
    for object_id in (identity.application_id, identity.service_principal_id):
        if object_id:
            ctx.by_object[object_id] = identity
    if identity.app_id:
        ctx.by_app_id.setdefault(identity.app_id.lower(), identity)


def _identity(ctx: Context, app: Application | None, sp: ServicePrincipal | None) -> WorkloadIdentity:
    kind = detect_kind(app, sp, ctx.data.tenant_id)
    if ctx.detail:
        key = facts_key(kind, app, sp)
        facts = ctx.facts.get(key)
        if facts is None:
            facts = ctx.facts[key] = kind_facts(kind, app, sp)
    else:
        facts = _NO_FACTS  # shown only on the detail screen
    identity_id = sp.id if sp is not None else app.id  # type: ignore[union-attr]
    name = (sp.display_name if sp is not None else None) or (app.display_name if app else None)
    publisher = None
    for verified in (sp.verified_publisher if sp else None, app.verified_publisher if app else None):
        if verified is not None and verified.display_name:
            publisher = verified.display_name
            break
    publisher = publisher or (sp.publisher_name if sp else None) or (
        app.publisher_domain if app else None)
    data = ctx.data
    app_tags = app.tags if app else []
    sp_tags = sp.tags if sp else []
    federated = data.federated_credentials.get(app.id) if app else None
    memberships = data.member_of.get(sp.id) if sp else None
    identity = _new_identity(
        id=identity_id,
        app_id=(sp.app_id if sp else app.app_id) if (sp or app) else "",  # type: ignore[union-attr]
        application_id=app.id if app else None,
        service_principal_id=sp.id if sp else None,
        display_name=name or "",
        kind=kind,
        facts=facts,
        enabled=sp.account_enabled if sp else None,
        created=app.created_date_time if app else None,
        publisher=publisher,
        owner_organization_id=sp.app_owner_organization_id if sp else None,
        sign_in_audience=(app.sign_in_audience if app else None) or (
            sp.sign_in_audience if sp else None),
        tags=sorted(set(app_tags + sp_tags)) if app_tags or sp_tags else [],
        notes=(app.notes if app else None) or (sp.notes if sp else None),
        service_management_reference=app.service_management_reference if app else None,
        credentials=_credentials(ctx, kind, app, sp),
        federated_credentials=[_federated(f) for f in federated] if federated else [],
        groups=_groups(memberships) if memberships else [],
        owners=_owners(ctx, app, sp),
        raw_application=_raw(ctx.raw_apps.get(app.id)) if app and ctx.raw_apps else None,
        raw_service_principal=_raw(ctx.raw_sps.get(sp.id)) if sp and ctx.raw_sps else None,
        sign_in_summary=_NOT_YET_SUMMARISED,
    )
    return identity


def credential_status(end: datetime | None, now: datetime, expiring_days: int) -> tuple[str, int | None]:
    if end is None:
        return "unknown", None
    days = int((end - now).total_seconds() // 86400)
    if end <= now:
        return "expired", days
    return ("expiring" if days < expiring_days else "valid"), days


def _credentials(ctx: Context, kind: str, app: Application | None,
                 sp: ServicePrincipal | None) -> list[Credential]:
    if not (app is not None and (app.password_credentials or app.key_credentials)) and not (
            sp is not None and (sp.password_credentials or sp.key_credentials)):
        return []  # most identities
    result: list[Credential] = []
    expiring = ctx.config.expiring_days
    saml_ids: set[str | None] | tuple[()] = ()
    if sp is not None and (sp.preferred_single_sign_on_mode or "").lower() == "saml":
        saml_ids = {k.custom_key_identifier for k in sp.key_credentials
                    if (k.usage or "").lower() == "sign" and k.custom_key_identifier}
    used, signed_in = ctx.key_used, ctx.key_signed_in
    for owner, on in ((app, "application"), (sp, "servicePrincipal")):
        if owner is None:
            continue
        managed = on == "servicePrincipal" and kind in MANAGED_IDENTITY_KINDS
        for secret in owner.password_credentials:
            status, days = credential_status(secret.end_date_time, ctx.now, expiring)
            result.append(_new_credential(
                key_id=secret.key_id, type="secret", display_name=secret.display_name,
                start=secret.start_date_time, end=secret.end_date_time, on=on, status=status,
                days_left=days, managed_by_azure=managed,
                last_used=used.get(secret.key_id.lower()),
                last_sign_in=signed_in.get(secret.key_id.lower()),
                saml_signing=bool(saml_ids and secret.custom_key_identifier in saml_ids)))
        for key in owner.key_credentials:
            status, days = credential_status(key.end_date_time, ctx.now, expiring)
            key_type = (key.type or "").lower()
            result.append(_new_credential(
                key_id=key.key_id, type="certificate" if "x509" in key_type or not key_type
                else "key", display_name=key.display_name, start=key.start_date_time,
                end=key.end_date_time, on=on, usage=key.usage,
                thumbprint=key.custom_key_identifier, status=status, days_left=days,
                managed_by_azure=managed, last_used=used.get(key.key_id.lower()),
                last_sign_in=signed_in.get(key.key_id.lower()),
                saml_signing=bool(saml_ids and key.custom_key_identifier in saml_ids)))
    return result


def _federated(fic: FederatedIdentityCredential) -> FederatedCredential:
    provider, label = issuer_provider(fic.issuer)
    expression = fic.claims_matching_expression.value if fic.claims_matching_expression else None
    parsed = (parse_expression(fic.issuer, expression) if expression
              else parse_subject(fic.issuer, fic.subject))
    flags = []
    if parsed.pull_request:
        flags.append("pull-request")
    if expression or parsed.wildcard:
        flags.append("wildcard")
    if provider is None:
        flags.append("unknown-issuer")
    if any(a.strip().lower() != DEFAULT_AUDIENCE for a in fic.audiences):
        flags.append("non-default-audience")
    return _new_federated(
        id=fic.id, name=fic.name, issuer=fic.issuer, subject=fic.subject,
        audiences=list(fic.audiences), description=fic.description, expression=expression,
        provider=provider, issuer_label=label, parsed=parsed, flags=flags,
    )


def _groups(objects: list[DirectoryObject]) -> list[GroupMembership]:
    return [_new_group(id=o.id, name=o.display_name, role_assignable=bool(o.is_assignable_to_role),
                       security_enabled=o.security_enabled)
            for o in objects if isinstance(o, Group)]


def _owners(ctx: Context, app: Application | None, sp: ServicePrincipal | None) -> list[Owner]:
    app_owners = ctx.data.application_owners.get(app.id, ()) if app else ()
    sp_owners = ctx.data.service_principal_owners.get(sp.id, ()) if sp else ()
    if not app_owners and not sp_owners:
        return []
    owners: dict[str, Owner] = {}
    for objects, of in ((app_owners, "application"), (sp_owners, "servicePrincipal")):
        for obj in objects:
            if not obj.id:
                continue
            if obj.id in owners:
                if owners[obj.id].of != of:
                    owners[obj.id].of = "both"
                continue
            owners[obj.id] = _new_owner(
                id=obj.id, kind=obj.kind, name=obj.display_name,
                upn=obj.user_principal_name if isinstance(obj, User) else None, of=of)
    return list(owners.values())
