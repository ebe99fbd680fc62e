"""Federated credentials that let too much in: GitHub orgs nobody trusts, pull requests,
wildcard expressions, and issuers nobody knows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from models.fic import GITHUB
from models.finding import HIGH, MEDIUM, Finding
from models.findings.base import Rule, RuleContext, quoted
from models.identity import FederatedCredential

BASED_ON = ["federatedIdentityCredentials"]


def _evidence(fic: FederatedCredential, **extra: Any) -> dict[str, Any]:
    evidence: dict[str, Any] = {"federatedCredentialId": fic.id, "name": fic.name,
                                "issuer": fic.issuer, "subject": fic.subject}
    if fic.expression:
        evidence["expression"] = fic.expression
    evidence.update(extra)
    evidence["basedOn"] = BASED_ON
    return evidence


def _where(fic: FederatedCredential) -> str:
    parsed = fic.parsed
    if parsed.org and parsed.repo:
        return f"{parsed.org}/{parsed.repo}"
    return parsed.org or parsed.pattern or fic.subject or "(no subject)"


def untrusted_github_org(rc: RuleContext) -> Iterator[Finding]:
    trusted = list(rc.config.trusted_github_orgs)
    for identity in rc.with_federated:
        for fic in identity.federated_credentials:
            if fic.provider != GITHUB:
                continue
            org, owner_id = fic.parsed.org, fic.parsed.owner_id
            if rc.config.github_org_trusted(org, owner_id):
                continue
            who = (f"GitHub org {quoted(org)}" if org else
                   f"GitHub owner id {owner_id}" if owner_id else "any GitHub org (wildcard)")
            hint = "" if trusted else " (no trusted orgs are configured yet)"
            yield Finding.make(
                "fic-untrusted-github-org", HIGH, identity.id,
                f"workflows of {who} ({quoted(_where(fic), 80)}) can sign in as this identity, "
                f"and that org is not trusted{hint}; remove the federated credential, or add "
                "the org to trusted_github_orgs if it is yours",
                _evidence(fic, org=org, ownerId=owner_id, repo=fic.parsed.repo,
                          trustedOrgs=trusted),
                key=fic.id)


def _any_pull_request(fic: FederatedCredential) -> bool:
    if fic.parsed.pull_request:
        return True
    pattern = fic.parsed.pattern or ""
    # a flexible GitHub pattern leaving the context open ("repo:o/r:*") takes pull requests
    return bool(fic.expression and fic.provider == GITHUB and pattern.startswith("repo:")
                and "*" in pattern.split(":", 2)[-1])


def pull_request_subject(rc: RuleContext) -> Iterator[Finding]:
    for identity in rc.with_federated:
        for fic in identity.federated_credentials:
            if not _any_pull_request(fic):
                continue
            yield Finding.make(
                "fic-pull-request-subject", MEDIUM, identity.id,
                f"any pull request to {quoted(_where(fic), 80)} can get a token for this identity "
                "(the workflow runs the pull request's code); trust an environment or a "
                "protected branch instead",
                _evidence(fic, org=fic.parsed.org, repo=fic.parsed.repo),
                key=fic.id)


def wildcard(rc: RuleContext) -> Iterator[Finding]:
    for identity in rc.with_federated:
        for fic in identity.federated_credentials:
            if not fic.expression:
                continue
            yield Finding.make(
                "fic-wildcard", MEDIUM, identity.id,
                f"flexible federated credential {quoted(fic.name)} accepts every subject matching "
                f"{quoted(fic.expression, 100)}; replace it with exact subjects",
                _evidence(fic, pattern=fic.parsed.pattern, wildcard=fic.parsed.wildcard),
                key=fic.id)


def unknown_issuer(rc: RuleContext) -> Iterator[Finding]:
    trusted = list(rc.config.trusted_issuers)
    for identity in rc.with_federated:
        for fic in identity.federated_credentials:
            if fic.provider is not None or rc.config.issuer_trusted(fic.issuer or ""):
                continue
            yield Finding.make(
                "fic-unknown-issuer", MEDIUM, identity.id,
                f"trusts tokens from {quoted(fic.issuer, 100)}, neither a known public issuer nor "
                "a trusted one; find out who runs it, then remove the credential or add the "
                "issuer to trusted_issuers",
                _evidence(fic, trustedIssuers=trusted),
                key=fic.id)


RULES = (
    Rule("fic-untrusted-github-org", "GitHub Actions federated credentials of untrusted orgs",
         untrusted_github_org, needs=("federatedIdentityCredentials",)),
    Rule("fic-pull-request-subject", "Federated credentials any pull request can satisfy",
         pull_request_subject, needs=("federatedIdentityCredentials",)),
    Rule("fic-wildcard", "Flexible (wildcard) federated credentials", wildcard,
         needs=("federatedIdentityCredentials",)),
    Rule("fic-unknown-issuer", "Federated credentials trusting unknown issuers", unknown_issuer,
         needs=("federatedIdentityCredentials",)),
)
