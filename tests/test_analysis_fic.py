"""Federated credential subjects and issuers: every subject form parses into its parts."""

from __future__ import annotations

import pytest

from models.fic import issuer_provider, parse_expression, parse_subject

GH = "https://token.actions.githubusercontent.com"


def test_github_branch():
    p = parse_subject(GH, "repo:contoso/web:ref:refs/heads/main")
    assert (p.provider, p.org, p.repo, p.ref, p.ref_type) == (
        "github", "contoso", "web", "refs/heads/main", "branch")
    assert not p.pull_request and not p.wildcard


def test_github_tag():
    p = parse_subject(GH, "repo:contoso/web:ref:refs/tags/v1.2.0")
    assert (p.ref, p.ref_type) == ("refs/tags/v1.2.0", "tag")


def test_github_environment():
    p = parse_subject(GH, "repo:contoso/infra:environment:prod")
    assert (p.org, p.repo, p.environment, p.pull_request) == ("contoso", "infra", "prod", False)


def test_github_pull_request():
    p = parse_subject(GH, "repo:contoso-archive/tools:pull_request")
    assert (p.org, p.repo, p.pull_request) == ("contoso-archive", "tools", True)


def test_github_job_workflow_ref():
    subject = ("repo:contoso/app:job_workflow_ref:contoso/shared/.github/workflows/deploy.yml"
               "@refs/heads/main")
    p = parse_subject(GH, subject)
    assert p.org == "contoso" and p.repo == "app"
    assert p.job_workflow_ref == "contoso/shared/.github/workflows/deploy.yml@refs/heads/main"


def test_github_custom_template_with_owner_and_context():
    p = parse_subject(GH, "repository_owner:octo-org:context:prod:job_workflow_ref:"
                          "octo-org/ci/.github/workflows/a.yml@refs/heads/main")
    assert (p.org, p.repo, p.job_workflow_ref.split("@")[0]) == (
        "octo-org", None, "octo-org/ci/.github/workflows/a.yml")
    assert p.claims["context"] == "prod"


def test_github_custom_template_with_ids_only():
    p = parse_subject(GH, "repository_owner_id:1234:repository_id:5678:environment:prod")
    assert (p.org, p.owner_id, p.environment) == (None, "1234", "prod")


def test_github_custom_template_with_event_name():
    p = parse_subject(GH, "repo:contoso/web:event_name:pull_request_target")
    assert p.pull_request


def test_kubernetes_service_account_on_aks():
    issuer = ("https://westeurope.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/"
              "22222222-2222-2222-2222-222222222222/")
    p = parse_subject(issuer, "system:serviceaccount:payments:api-writer")
    assert (p.provider, p.namespace, p.service_account) == ("aks", "payments", "api-writer")


def test_terraform_cloud_run():
    p = parse_subject("https://app.terraform.io",
                      "organization:contoso:project:platform:workspace:prod-net:run_phase:apply")
    assert (p.provider, p.terraform_org, p.terraform_project, p.terraform_workspace,
            p.run_phase) == ("terraform", "contoso", "platform", "prod-net", "apply")


def test_gitlab_project():
    p = parse_subject("https://gitlab.com",
                      "project_path:contoso/platform/infra:ref_type:branch:ref:main")
    assert (p.provider, p.org, p.project_path, p.ref_type, p.ref) == (
        "gitlab", "contoso", "contoso/platform/infra", "branch", "main")


def test_azure_devops_service_connection():
    p = parse_subject("https://vstoken.dev.azure.com/33333333-3333-3333-3333-333333333333",
                      "sc://contoso/Platform/prod-connection")
    assert (p.provider, p.org, p.repo) == ("azure-devops", "contoso", "Platform/prod-connection")


def test_unknown_subject_keeps_the_provider_unknown():
    p = parse_subject("https://ci.example.net", "something-else")
    assert p.provider == "unknown" and p.org is None


@pytest.mark.parametrize("issuer, provider", [
    (GH, "github"),
    (GH + "/contoso-enterprise", "github"),
    ("https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/"
     "22222222-2222-2222-2222-222222222222/", "aks"),
    ("https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789", "kubernetes"),
    ("https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/c",
     "kubernetes"),
    ("https://vstoken.dev.azure.com/33333333-3333-3333-3333-333333333333", "azure-devops"),
    ("https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0", "entra"),
    ("https://gitlab.com", "gitlab"),
    ("https://accounts.google.com", "google"),
    ("https://cognito-identity.amazonaws.com", "aws"),
    ("https://app.terraform.io", "terraform"),
    ("https://token.actions.githubusercontent.com.evil.example", None),
    ("https://issuer.example.com", None),
    (None, None),
])
def test_known_issuers(issuer, provider):
    assert issuer_provider(issuer)[0] == provider


def test_flexible_expression_pattern():
    p = parse_expression(GH, "claims['sub'] matches 'repo:contoso/*:ref:refs/heads/*'")
    assert (p.pattern, p.org, p.wildcard) == ("repo:contoso/*:ref:refs/heads/*", "contoso", True)


def test_flexible_expression_with_a_wildcard_org_names_no_org():
    p = parse_expression(GH, "claims['sub'] matches 'repo:*/infra:environment:prod'")
    assert p.org is None and p.wildcard


def test_flexible_expression_that_cannot_be_read_counts_as_wildcard():
    p = parse_expression(GH, "claims['repository_owner'] eq 'contoso'")
    assert p.wildcard and p.pattern is None
