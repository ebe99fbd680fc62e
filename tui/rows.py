"""Rows of the tenant-wide views that are not identities: one per credential (`:credentials`)
and one per finding (`:findings`), each carrying what the list shows about its identity.

Built off the UI thread from the index and the identity details (or findings), by the
data source (tui/cache_source.py reads only the credential part of each detail) or by
the generic functions here for any DataSource. No Textual here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from models.finding import Finding
from models.identity import Credential, FederatedCredential


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


@dataclass(frozen=True, slots=True)
class CredentialRow:
    """A secret, certificate or federated credential, with its identity."""

    identity_id: str
    identity_name: str
    identity_kind: str
    identity_tier: str
    owners: str
    type: str  # secret, certificate, key, federated
    name: str
    key_id: str  # keyId, or the federated credential's id
    created: str | None
    expiry: str | None
    status: str  # valid, expiring, expired, unknown; "federated" for federated credentials
    last_used: str | None
    on: str  # application, servicePrincipal
    azure_managed: bool
    issuer: str  # federated: who issues the tokens it trusts
    subject: str  # federated: the subject (or the claims expression of a flexible one)
    rules: tuple[str, ...]  # findings that name this credential
    severities: tuple[str, ...]

    @property
    def row_id(self) -> str:
        return f"{self.identity_id}/{self.key_id}"


@dataclass(frozen=True, slots=True)
class FindingRow:
    """A finding, with the identity it is about."""

    finding: Finding
    identity_name: str
    identity_kind: str
    identity_tier: str
    owners: str

    @property
    def row_id(self) -> str:
        return self.finding.id


class CredentialPart(BaseModel):
    """The part of a stored WorkloadIdentity the credentials view needs; the rest of the
    JSON is skipped, not validated."""

    credentials: list[Credential] = Field(default_factory=list)
    federated_credentials: list[FederatedCredential] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)


def finding_key_ids(finding: Finding) -> set[str]:
    """The credential keyIds (and federated credential ids) a finding's evidence names."""
    evidence = finding.evidence or {}
    found = {str(evidence[k]).lower() for k in ("keyId", "federatedCredentialId")
             if evidence.get(k)}
    for item in evidence.get("secrets") or ():
        if isinstance(item, Mapping) and item.get("keyId"):
            found.add(str(item["keyId"]).lower())
    for item in evidence.get("credentials") or ():
        if isinstance(item, str):
            found.add(item.lower())
    return found


def credential_rows(identity: Any, part: CredentialPart) -> list[CredentialRow]:
    """The rows of one identity; `identity` is its index row (models.index.IndexRow)."""
    by_key: dict[str, list[Finding]] = {}
    for finding in part.findings:
        for key in finding_key_ids(finding):
            by_key.setdefault(key, []).append(finding)
    common = dict(identity_id=identity.id, identity_name=identity.display_name,
                  identity_kind=identity.kind, identity_tier=identity.tier,
                  owners=getattr(identity, "owners", "") or "")

    def found(key: str) -> dict[str, tuple[str, ...]]:
        hits = by_key.get(key.lower(), [])
        return dict(rules=tuple(sorted({f.rule for f in hits})),
                    severities=tuple(sorted({f.severity for f in hits})))

    rows = [CredentialRow(
        **common, type=c.type, name=c.display_name or "", key_id=c.key_id,
        created=iso(c.start), expiry=iso(c.end), status=c.status,
        last_used=iso(c.last_used or c.last_sign_in), on=c.on,
        azure_managed=c.managed_by_azure, issuer="", subject="", **found(c.key_id))
        for c in part.credentials]
    rows += [CredentialRow(
        **common, type="federated", name=f.name or "", key_id=f.id, created=None,
        expiry=None, status="federated", last_used=None, on="application",
        azure_managed=False, issuer=f.issuer or "", subject=f.subject or f.expression or "",
        **found(f.id)) for f in part.federated_credentials]
    return rows


# The credentials view's own fields, stored per identity at sync time ("credentials" key):
# opening the view then reads one small table instead of parsing every identity's details
# (50k identities: 2.3 s). The identity's name, kind, tier and owners come from the index.
TABLE_FIELDS = ("type", "name", "key_id", "created", "expiry", "status", "last_used", "on",
                "azure_managed", "issuer", "subject", "rules", "severities")


def credential_table(identities: Iterable[Any], index: Mapping[str, Any]) -> dict[str, Any]:
    """{"fields": TABLE_FIELDS, "rows": {identity id: [[value per field], ...]}}."""
    rows: dict[str, list[list[Any]]] = {}
    for identity in identities:
        row = index.get(identity.id)
        if row is not None and (identity.credentials or identity.federated_credentials):
            rows[identity.id] = [[getattr(r, f) for f in TABLE_FIELDS]
                                 for r in credential_rows(row, identity)]
    return {"fields": list(TABLE_FIELDS), "rows": rows}


def rows_from_table(table: Any, index_rows: Iterable[Any]) -> list[CredentialRow] | None:
    """The view's rows from a stored table; None when it is missing or of another layout."""
    if not isinstance(table, dict) or table.get("fields") != list(TABLE_FIELDS):
        return None
    stored = table.get("rows")
    if not isinstance(stored, dict):
        return None
    out: list[CredentialRow] = []
    for identity in index_rows:
        for values in stored.get(identity.id) or ():
            if not isinstance(values, list) or len(values) != len(TABLE_FIELDS):
                return None
            own = dict(zip(TABLE_FIELDS, values, strict=True))
            own["rules"] = tuple(own["rules"] or ())
            own["severities"] = tuple(own["severities"] or ())
            out.append(CredentialRow(
                identity_id=identity.id, identity_name=identity.display_name,
                identity_kind=identity.kind, identity_tier=identity.tier,
                owners=getattr(identity, "owners", "") or "", **own))
    return out


def finding_rows(findings: Iterable[Finding], identities: Mapping[str, Any]) -> list[FindingRow]:
    """Findings joined with their identity's index row (`identities`: id -> IndexRow)."""
    rows = []
    for finding in findings:
        identity = identities.get(finding.identity_id)
        rows.append(FindingRow(
            finding, getattr(identity, "display_name", "") or finding.identity_id,
            getattr(identity, "kind", "") or "", getattr(identity, "tier", "") or "",
            getattr(identity, "owners", "") or ""))
    return rows
