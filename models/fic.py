"""Federated identity credentials: who the issuer is, and what a subject lets in.

A federated credential trusts tokens of an outside issuer for one subject. The subject
format depends on the issuer (GitHub Actions claims, Kubernetes service accounts,
Terraform Cloud runs, ...); parsing it shows the org, repo, branch or environment that can
act as the identity. Flexible credentials match a claims expression instead (beta).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

GITHUB = "github"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"

# public issuers an admin can recognise: (provider, label, pattern on the issuer URL)
_ISSUERS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (GITHUB, "GitHub Actions", re.compile(r"^https://token\.actions\.githubusercontent\.com(/[^/]+)?/?$")),
    ("aks", "Azure Kubernetes Service OIDC",
     re.compile(r"^https://[a-z0-9-]+\.oic\.prod-aks\.azure\.(com|us|cn)/[0-9a-f-]{36}/[0-9a-f-]{36}/?$")),
    ("kubernetes", "Amazon EKS OIDC", re.compile(r"^https://oidc\.eks\.[a-z0-9-]+\.amazonaws\.com/id/[A-Za-z0-9]+/?$")),
    ("kubernetes", "Google Kubernetes Engine OIDC",
     re.compile(r"^https://container\.googleapis\.com/v1/projects/[^/]+/(locations|zones)/[^/]+/clusters/[^/]+/?$")),
    ("azure-devops", "Azure DevOps", re.compile(r"^https://vstoken\.dev\.azure\.com/[0-9a-f-]{36}/?$")),
    ("entra", "Microsoft Entra ID (Azure DevOps, managed identity or another tenant)",
     re.compile(r"^https://login\.microsoftonline\.(com|us)/[0-9a-f-]{36}/v2\.0/?$")),
    ("gitlab", "GitLab", re.compile(r"^https://gitlab\.com/?$")),
    ("google", "Google", re.compile(r"^https://accounts\.google\.com/?$")),
    ("aws", "AWS (Cognito)", re.compile(r"^https://cognito-identity\.amazonaws\.com/?$")),
    ("terraform", "Terraform Cloud", re.compile(r"^https://app\.terraform\.io/?$")),
)

# GitHub Actions claims that can appear in a subject (default and customised templates)
_GITHUB_KEYS = {
    "repo", "repository", "repository_owner", "repository_owner_id", "repository_id",
    "repository_visibility", "ref", "ref_type", "ref_protected", "environment", "context",
    "job_workflow_ref", "job_workflow_sha", "workflow", "workflow_ref", "workflow_sha",
    "event_name", "actor", "actor_id", "head_ref", "base_ref", "runner_environment",
    "enterprise", "enterprise_id",
}
_SUB_PATTERN = re.compile(r"claims\[\s*'sub'\s*\]\s*(matches|eq)\s*'([^']*)'", re.IGNORECASE)


class ParsedSubject(BaseModel):
    """What a federated subject names, by provider; unknown parts stay None."""

    provider: str = "unknown"
    org: str | None = None
    owner_id: str | None = None
    repo: str | None = None
    ref: str | None = None
    ref_type: str | None = None  # branch, tag
    environment: str | None = None
    pull_request: bool = False
    job_workflow_ref: str | None = None
    namespace: str | None = None
    service_account: str | None = None
    terraform_org: str | None = None
    terraform_project: str | None = None
    terraform_workspace: str | None = None
    run_phase: str | None = None
    project_path: str | None = None  # GitLab
    pattern: str | None = None  # the subject pattern of a flexible expression
    wildcard: bool = False
    claims: dict[str, str] = Field(default_factory=dict)


def issuer_provider(issuer: str | None) -> tuple[str | None, str]:
    """(provider id, label) of a known public issuer, or (None, "") for any other."""
    text = (issuer or "").strip()
    for provider, label, pattern in _ISSUERS:
        if pattern.match(text):
            return provider, label
    return None, ""


def parse_subject(issuer: str | None, subject: str | None) -> ParsedSubject:
    """Split a subject into its parts, guided by the issuer (and the subject's own shape)."""
    provider, _ = issuer_provider(issuer)
    text = subject or ""
    if provider == GITHUB or text.startswith(("repo:", "repository_owner")):
        return _github(text)
    if text.startswith("system:serviceaccount:"):
        return _kubernetes(text, provider or "kubernetes")
    if provider == "terraform" or text.startswith("organization:"):
        return _terraform(text)
    if provider == "gitlab" or text.startswith("project_path:"):
        return _gitlab(text)
    if text.startswith("sc://"):
        parts = text[5:].split("/")
        return ParsedSubject(provider="azure-devops", org=parts[0] or None,
                             repo="/".join(parts[1:]) or None)
    return ParsedSubject(provider=provider or "unknown")


def _pairs(text: str, keys: set[str]) -> tuple[dict[str, str], list[str]]:
    """Claims as key:value pairs; a known key takes the next segment as its value."""
    parts = text.split(":")
    claims: dict[str, str] = {}
    loose: list[str] = []
    i = 0
    while i < len(parts):
        key = parts[i]
        if key in keys and i + 1 < len(parts):
            claims.setdefault(key, parts[i + 1])
            i += 2
        else:
            loose.append(key)
            i += 1
    return claims, loose


def _github(text: str) -> ParsedSubject:
    claims, loose = _pairs(text, _GITHUB_KEYS)
    repo_full = claims.get("repo") or claims.get("repository")
    org = claims.get("repository_owner")
    repo = None
    if repo_full:
        org_part, _, name = repo_full.partition("/")
        org = org or org_part or None
        repo = name or None
    ref = claims.get("ref")
    ref_type = claims.get("ref_type")
    if ref and not ref_type:
        ref_type = ("branch" if ref.startswith("refs/heads/")
                    else "tag" if ref.startswith("refs/tags/") else None)
    context = claims.get("context")
    event = claims.get("event_name")
    pull_request = ("pull_request" in loose or context == "pull_request"
                    or event in ("pull_request", "pull_request_target"))
    return ParsedSubject(
        provider=GITHUB, org=org, owner_id=claims.get("repository_owner_id"), repo=repo,
        ref=ref, ref_type=ref_type, environment=claims.get("environment"),
        pull_request=pull_request, job_workflow_ref=claims.get("job_workflow_ref"),
        wildcard="*" in text, claims=claims,
    )


def _kubernetes(text: str, provider: str) -> ParsedSubject:
    parts = text.split(":")
    return ParsedSubject(
        provider=provider, namespace=parts[2] if len(parts) > 2 else None,
        service_account=":".join(parts[3:]) or None if len(parts) > 3 else None,
        wildcard="*" in text,
    )


def _terraform(text: str) -> ParsedSubject:
    keys = {"organization", "project", "workspace", "run_phase"}
    claims, _ = _pairs(text, keys)
    return ParsedSubject(
        provider="terraform", terraform_org=claims.get("organization"),
        terraform_project=claims.get("project"), terraform_workspace=claims.get("workspace"),
        run_phase=claims.get("run_phase"), wildcard="*" in text, claims=claims,
    )


def _gitlab(text: str) -> ParsedSubject:
    claims, _ = _pairs(text, {"project_path", "ref_type", "ref", "environment"})
    path = claims.get("project_path")
    org = path.split("/", 1)[0] if path else None
    return ParsedSubject(
        provider="gitlab", org=org, project_path=path, repo=path, ref=claims.get("ref"),
        ref_type=claims.get("ref_type"), environment=claims.get("environment"),
        wildcard="*" in text, claims=claims,
    )


def parse_expression(issuer: str | None, expression: str | None) -> ParsedSubject:
    """A flexible credential's expression, e.g. claims['sub'] matches 'repo:contoso/*'.

    The subject pattern is parsed like a subject; anything it leaves open is a wildcard.
    """
    match = _SUB_PATTERN.search(expression or "")
    if not match:
        provider, _ = issuer_provider(issuer)
        return ParsedSubject(provider=provider or "unknown", wildcard=True)
    pattern = match.group(2)
    parsed = parse_subject(issuer, pattern)
    wildcard = match.group(1).lower() == "matches" and ("*" in pattern or "?" in pattern)
    org = parsed.org if parsed.org and "*" not in parsed.org else None
    return parsed.model_copy(update={"pattern": pattern, "wildcard": wildcard, "org": org})
