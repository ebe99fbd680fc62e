"""Detail tabs about what is wrong and how the identity signs in: Findings, Credentials,
Federated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.finding import severity_rank
from models.identity import Credential, FederatedCredential, WorkloadIdentity
from models.query import search_text
from tui.screens.formatting import day, day_and_age, evidence_lines, evidence_text, relative
from tui.screens.links import Link, Location, pivot_target
from tui.screens.tabs import TabSpec
from tui.widgets.badges import severity_label, severity_tone
from tui.widgets.table_model import Column

MANAGED_KINDS = ("managed-identity-system", "managed-identity-user")
STATUS_TONE = {"expired": "error", "expiring": "warning", "valid": "success"}

# where a finding's rule is best seen on the detail screen
RULE_TABS = {
    "privileged-permission": "permissions", "external-app-privileged": "permissions",
    "owner-lower-tier": "owners", "no-owner": "owners", "stale-identity": "activity",
    "risky-service-principal": "risk", "credential-added-by-lower-tier-actor": "audit",
    "disabled-with-credentials": "credentials", "secret-in-use": "credentials",
}


def _here(identity: WorkloadIdentity, tab: str, focus: str = "") -> Location:
    return Location("detail", identity.id, tab=tab, focus=focus)


# -- Findings ---------------------------------------------------------------------------

def _finding_links(finding: Any, identity: WorkloadIdentity, app: Any) -> list[Link]:
    evidence = finding.evidence or {}
    links = []
    if evidence.get("keyId"):
        links.append(Link(f"the credential {evidence['keyId']}",
                          _here(identity, "credentials", str(evidence["keyId"]))))
    if evidence.get("federatedCredentialId"):
        links.append(Link(f"the federated credential {evidence.get('name') or ''}".rstrip(),
                          _here(identity, "federated", str(evidence["federatedCredentialId"]))))
    if evidence.get("ownerId"):
        links.append(Link(f"the owner {evidence.get('ownerUpn') or evidence.get('ownerName')}",
                          _here(identity, "owners", str(evidence["ownerId"]))))
    if evidence.get("auditId"):
        links.append(Link("the audit event", _here(identity, "audit", str(evidence["auditId"]))))
    actor = evidence.get("actor")
    if isinstance(actor, dict) and actor.get("id"):
        links.append(Link(f"the actor {actor.get('name') or actor['id']}",
                          Location("principal", str(actor["id"]))))
    tab = RULE_TABS.get(finding.rule)
    if tab and not any(link.location.tab == tab for link in links):
        links.append(Link(f"the {tab} tab", _here(identity, tab)))
    if not links and finding.rule.startswith("credential"):
        links.append(Link("the credentials tab", _here(identity, "credentials")))
    if not links and finding.rule.startswith("fic-"):
        links.append(Link("the federated tab", _here(identity, "federated")))
    return links


def _finding_preview(finding: Any, now: datetime) -> list[tuple[str, str]]:
    return [("summary", finding.summary)] + evidence_lines(finding.evidence or {})


FINDINGS = TabSpec(
    id="findings", title="Findings",
    columns=lambda now: [
        Column("severity", "SEVERITY", lambda f: severity_label(f.severity), width=10,
               tone=lambda f: severity_tone(f.severity),
               sort_key=lambda f: -severity_rank(f.severity)),
        Column("rule", "RULE", lambda f: f.rule, min_width=14, max_width=36),
        Column("summary", "SUMMARY", lambda f: f.summary, min_width=24, flex=4),
        Column("evidence", "EVIDENCE", lambda f: evidence_text(f.evidence or {}), min_width=16,
               flex=2, priority=2),
    ],
    rows=lambda i: sorted(i.findings, key=lambda f: (-severity_rank(f.severity), f.rule)),
    row_id=lambda f: f.id,
    search=lambda f: search_text(f.rule, f.severity, f.summary),
    target="finding",
    empty=lambda i: "no findings: nothing the rules flag on this identity",
    links=_finding_links, preview=_finding_preview,
    copy=lambda f: [("Finding summary", f.summary), ("Rule", f.rule)],
)


# -- Credentials ------------------------------------------------------------------------

def _credential_type(c: Credential) -> str:
    name = {"secret": "secret", "certificate": "certificate", "key": "key"}.get(c.type, c.type)
    return f"{name} (Azure)" if c.managed_by_azure else name


def _credential_status(c: Credential) -> str:
    if c.managed_by_azure:
        return "Azure-managed"
    return c.status + (f" {c.days_left}d" if c.status == "expiring" and c.days_left else "")


def _credentials_empty(identity: WorkloadIdentity) -> str:
    if identity.kind in MANAGED_KINDS:
        return "Azure manages this managed identity's certificate; no credential was listed"
    if identity.kind in ("external-app", "microsoft-app"):
        return "no credential here: the publisher keeps its credentials in its own tenant"
    return "no client secret or certificate, on the application or the service principal"


def _credential_links(c: Credential, identity: WorkloadIdentity, app: Any) -> list[Link]:
    return [Link(f"everything seen with keyId {c.key_id}",
                 Location("pivot", pivot_target("key", c.key_id)))]


CREDENTIALS = TabSpec(
    id="credentials", title="Credentials",
    columns=lambda now: [
        Column("type", "TYPE", _credential_type, width=12),
        Column("name", "NAME", lambda c: c.display_name or "(no name)", min_width=10, flex=2),
        Column("key_id", "KEY ID", lambda c: c.key_id, width=36, priority=3),
        Column("created", "CREATED", lambda c: day(c.start), width=10, priority=4,
               sort_key=lambda c: c.start),
        Column("expiry", "EXPIRY", lambda c: day_and_age(c.end, now), width=22,
               tone=lambda c: None if c.managed_by_azure else STATUS_TONE.get(c.status),
               sort_key=lambda c: c.end),
        Column("status", "STATUS", _credential_status, width=13,
               tone=lambda c: "muted" if c.managed_by_azure else STATUS_TONE.get(c.status)),
        Column("last_used", "LAST USED", lambda c: relative(c.last_used or c.last_sign_in, now)
               or "never seen", width=11, sort_key=lambda c: c.last_used or c.last_sign_in,
               tone=lambda c: "muted" if not (c.last_used or c.last_sign_in) else None),
        Column("on", "ON", lambda c: "service principal" if c.on == "servicePrincipal"
               else "application", width=17, priority=2,
               tone=lambda c: "warning" if c.on == "servicePrincipal" else None),
    ],
    rows=lambda i: sorted(i.credentials, key=lambda c: (
        c.managed_by_azure, c.end is None, c.end.timestamp() if c.end else 0)),
    row_id=lambda c: c.key_id,
    search=lambda c: search_text(c.display_name, c.key_id, c.type, c.status, c.thumbprint),
    target="credential", data_kinds=("applications", "servicePrincipals"),
    empty=_credentials_empty, links=_credential_links,
    preview=lambda c, now: [
        ("credential", f"{_credential_type(c)} '{c.display_name or '(no name)'}' on the "
                       f"{'service principal' if c.on == 'servicePrincipal' else 'application'}"),
        ("keyId", c.key_id), ("valid", f"{day(c.start)} to {day(c.end)}"),
        ("last used", relative(c.last_used or c.last_sign_in, now) or "no use recorded"),
        *([("thumbprint", c.thumbprint)] if c.thumbprint else []),
        *([("usage", c.usage)] if c.usage else []),
        *([("managed", "Azure rotates this certificate; nobody can read it")]
          if c.managed_by_azure else [])],
    copy=lambda c: [("Key ID", c.key_id)] + ([("Thumbprint", c.thumbprint)]
                                               if c.thumbprint else []),
)


# -- Federated --------------------------------------------------------------------------

def _repo(f: FederatedCredential) -> str:
    p = f.parsed
    if p.repo:
        return f"{p.org}/{p.repo}" if p.org else p.repo
    if p.namespace:
        return f"{p.namespace}/{p.service_account or ''}"
    if p.terraform_org:
        return "/".join(x for x in (p.terraform_org, p.terraform_project,
                                    p.terraform_workspace) if x)
    return p.org or ""


def _ref(f: FederatedCredential) -> str:
    p = f.parsed
    if p.pull_request:
        return "pull_request"
    return p.ref or ""


def _federated_empty(identity: WorkloadIdentity) -> str:
    if identity.kind == "managed-identity-user":
        return ("a user-assigned managed identity keeps its federated credentials in Azure "
                "Resource Manager, not in Graph")
    if identity.kind not in ("app", "app-without-sp"):
        return "only app registrations of this tenant carry federated credentials here"
    return "no federated credential: no external workload can sign in as it"


FEDERATED = TabSpec(
    id="federated", title="Federated",
    columns=lambda now: [
        Column("name", "NAME", lambda f: f.name or "", min_width=10, max_width=24),
        Column("issuer", "ISSUER", lambda f: f.issuer_label or f.issuer or "", min_width=10,
               max_width=28),
        Column("repo", "ORG/REPO", _repo, min_width=10, max_width=28),
        Column("ref", "REF", _ref, min_width=8, max_width=24, priority=2),
        Column("env", "ENV", lambda f: f.parsed.environment or "", width=10, priority=3),
        Column("audiences", "AUDIENCES", lambda f: ", ".join(f.audiences), min_width=10,
               max_width=30, priority=4),
        Column("flags", "FLAGS", lambda f: ", ".join(f.flags), min_width=8, flex=2,
               tone=lambda f: "warning" if f.flags else None),
    ],
    rows=lambda i: list(i.federated_credentials),
    row_id=lambda f: f.id,
    search=lambda f: search_text(f.name, f.issuer, f.subject, f.expression, f.id,
                                 " ".join(f.flags)),
    target="federated-credential", data_kinds=("federatedIdentityCredentials",),
    empty=_federated_empty,
    links=lambda f, i, app: [Link("everything seen with this federated credential",
                                  Location("pivot", pivot_target("key", f.id)))],
    preview=lambda f, now: [
        ("issuer", f.issuer or ""), ("subject", f.subject or f.expression or ""),
        ("audiences", ", ".join(f.audiences)),
        *([("parsed", ", ".join(f"{k} {v}" for k, v in f.parsed.model_dump().items()
                                if v not in (None, False, "", "unknown")))]),
        *([("flags", ", ".join(f.flags))] if f.flags else []),
        *([("description", f.description)] if f.description else [])],
    copy=lambda f: [("Subject", f.subject or f.expression or ""), ("Issuer", f.issuer or ""),
                    ("Credential ID", f.id)],
)

TABS = (FINDINGS, CREDENTIALS, FEDERATED)
