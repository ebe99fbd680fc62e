"""Deliberate hygiene problems, each present once whatever the size: credential lifecycle,
federated credentials of every kind, managed identities, vendors' apps and privilege paths.

Each case is a plain, named identity an admin would recognise; its `scenario` tag is only a
note for the generator. The incident-like cases (compromise patterns) are in `incidents.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from graph.demo import audits, catalog, names
from graph.demo.builder import Tenant, Workload, iso
from graph.demo.population import external_app, managed_identity

GITHUB = "https://token.actions.githubusercontent.com"
TERRAFORM = "https://app.terraform.io"
NEVER = datetime(2299, 12, 31, tzinfo=UTC)  # the API accepts secrets valid until 2299
TODAY = datetime.max.replace(tzinfo=UTC)  # "signed in a few hours ago"


def egress(t: Tenant) -> str:
    return t.rng.choice(names.AZURE_EGRESS).format(t.rng.randint(2, 250))


def internal(t: Tenant, name: str, days_old: float, owners: tuple[dict, ...] = (),
             last: datetime | None = TODAY, resources: tuple[str, ...] = (catalog.GRAPH,),
             scenario: str = "", enabled: bool = True) -> Workload:
    """An app registration with its service principal, last signed in `last` (None: never)."""
    app = t.application(name, t.ago(days=days_old))
    sp = t.sp_for(app, enabled=enabled)
    for owner in owners:
        t.add_owner(app, owner)
    when = t.ago(minutes=t.rng.randint(5, 300)) if last is TODAY else last
    work = Workload("app", sp, app, last_sign_in=when, ips=(egress(t),), resources=resources,
                    scenario=scenario)
    t.workloads.append(work)
    return work


def secret(t: Tenant, work: Workload, start: datetime, end: datetime, name: str | None = "prod",
           on_sp: bool = False, use: bool = True) -> dict[str, Any]:
    owner = work.sp if on_sp or work.app is None else work.app
    assert owner is not None
    credential = t.secret(name, start, end)
    owner["passwordCredentials"].append(credential)
    if use:
        work.key_id, work.credential_type = credential["keyId"], "clientSecret"
    return credential


def certificate(t: Tenant, work: Workload, start: datetime, end: datetime,
                use: bool = True) -> dict[str, Any]:
    assert work.app is not None
    credential = t.certificate(work.app["displayName"].lower().replace(" ", "-"), start, end)
    work.app["keyCredentials"].append(credential)
    if use:
        work.key_id, work.credential_type = credential["keyId"], "clientAssertion"
    return credential


def build(t: Tenant) -> None:
    credentials(t)
    federated(t)
    managed_identities(t)
    vendors(t)
    privilege(t)
    lifecycle(t)


def credentials(t: Tenant) -> None:
    owner = t.ordinary_users
    # expired a month ago, and the job still tries with it
    work = internal(t, "Legacy Intranet Sync", 1900, (owner[0],), last=t.ago(days=41),
                    scenario="credential-expired", resources=(catalog.SHAREPOINT,))
    secret(t, work, t.ago(days=771), t.ago(days=41))
    work.failures = (7000222, 7000222)
    # certificate expiring in twelve days
    work = internal(t, "HR Portal Backend", 1200, (owner[1], owner[2]),
                    scenario="credential-expiring")
    certificate(t, work, t.ago(days=353), t.now + timedelta(days=12))
    # secrets valid for years: one until 2299 (the API allows it), one for three years
    work = internal(t, "Finance Reporting Robot", 1500, (owner[3],),
                    scenario="credential-long-lived")
    secret(t, work, t.ago(days=700), NEVER, name="never expires")
    work = internal(t, "Warehouse Scanner API", 800, (owner[4],),
                    scenario="credential-long-lived")
    secret(t, work, t.ago(days=300), t.ago(days=300) + timedelta(days=3 * 365))
    work = internal(t, "Document Archive Signer", 2000, (owner[5],),
                    scenario="credential-long-lived")
    certificate(t, work, t.ago(days=400), t.ago(days=400) + timedelta(days=5 * 365))
    # two secrets, one in use, one forgotten for five months
    work = internal(t, "Inventory Sync (old)", 1100, (owner[6],), scenario="credential-unused")
    old = secret(t, work, t.ago(days=420), t.now + timedelta(days=310), name="old", use=False)
    secret(t, work, t.ago(days=60), t.now + timedelta(days=120), name="current")
    work.key_uses[old["keyId"]] = t.ago(days=150)
    # a wrong secret sent, and a certificate assertion that does not verify
    work = internal(t, "Customer Portal Backend", 900, (owner[7],), scenario="sign-in-failures")
    secret(t, work, t.ago(days=30), t.now + timedelta(days=150))
    work.failures = (7000215, 7000215, 7000215)
    work = internal(t, "Shipping Label Printer", 700, (owner[8],), scenario="sign-in-failures")
    certificate(t, work, t.ago(days=100), t.now + timedelta(days=265))
    work.failures = (700027,)


def federated(t: Tenant) -> None:
    """Federated credentials of every kind: GitHub subjects, flexible, AKS, Terraform."""
    org, users = names.GITHUB_ORG, t.ordinary_users
    work = internal(t, f"{org}-web-deploy", 600, (users[9],), scenario="fic-pull-request-subject")
    assert work.app is not None
    main = t.federated_credential(work.app, "main", GITHUB, f"repo:{org}/web:ref:refs/heads/main",
                                  "Deploy main")
    t.federated_credential(work.app, "pull-requests", GITHUB, f"repo:{org}/web:pull_request",
                           "Preview environments for pull requests")
    work.fic_id, work.credential_type = main["id"], "federatedIdentityCredential"
    work = internal(t, f"{org}-infra-deploy", 500, (users[10],), scenario="fic-environment")
    assert work.app is not None
    prod = t.federated_credential(work.app, "prod", GITHUB,
                                  f"repo:{org}/infra:environment:prod", "Production environment")
    t.federated_credential(work.app, "release-tags", GITHUB,
                           f"repo:{org}/infra:ref:refs/tags/v2.3.0", "Release tag")
    work.fic_id, work.credential_type = prod["id"], "federatedIdentityCredential"
    work = internal(t, f"{org}-platform-reusable", 300, (users[11],), scenario="fic-workflow")
    assert work.app is not None
    t.federated_credential(
        work.app, "shared-workflow", GITHUB,
        f"repo:{org}/platform:job_workflow_ref:{org}/shared-workflows/.github/workflows/"
        "deploy.yml@refs/heads/main", "Reusable deployment workflow")
    work = internal(t, "Archive API Deploy", 1300, (users[12],),
                    scenario="fic-untrusted-github-org")
    assert work.app is not None
    t.federated_credential(work.app, "archive-master", GITHUB,
                           f"repo:{org}-archive/legacy-api:ref:refs/heads/master", None)
    work = internal(t, f"{org}-monorepo-ci", 200, (users[13],), scenario="fic-wildcard")
    assert work.app is not None
    flexible = t.federated_credential(work.app, "any-repo", GITHUB, None,
                                      "Any repository of the organisation",
                                      expression=f"claims['sub'] matches 'repo:{org}/*'")
    work.fic_id, work.credential_type = flexible["id"], "federatedIdentityCredential"
    work = internal(t, "Payments API (AKS)", 400, (users[14],), resources=(catalog.KEY_VAULT,),
                    scenario="fic-kubernetes")
    assert work.app is not None
    aks = t.federated_credential(
        work.app, "payments-api", f"https://westeurope.oic.prod-aks.azure.com/{names.TENANT_ID}/"
        f"{t.ids.guid()}/", "system:serviceaccount:payments:payments-api", "AKS workload identity")
    work.fic_id, work.credential_type = aks["id"], "federatedIdentityCredential"
    work = internal(t, "Terraform Network", 350, (users[15],), resources=(catalog.ARM,),
                    scenario="fic-terraform")
    assert work.app is not None
    t.federated_credential(
        work.app, "tfc-prod-apply", TERRAFORM,
        f"organization:{org}:project:platform:workspace:prod-network:run_phase:apply", None)
    work = internal(t, "Build Agent Identity", 250, (users[16],), scenario="fic-unknown-issuer")
    assert work.app is not None
    t.federated_credential(work.app, "build-agents", "https://oidc.ci.example-build.net",
                           "pipeline:contoso-build:deploy", "Self-hosted CI")


def managed_identities(t: Tenant) -> None:
    """A user-assigned identity federated with AKS (seen in its sign-ins), an AKS kubelet
    identity, and an automation account holding a ControlPlane permission."""
    work = managed_identity(t, 0, user_assigned=True, name="id-payments-workload")
    work.scenario = "mi-user-federated"
    issuer = f"https://northeurope.oic.prod-aks.azure.com/{names.TENANT_ID}/{t.ids.guid()}/"
    cluster = ("/subscriptions/" + names.SUBSCRIPTIONS[0] + "/resourceGroups/rg-payments-prod/"
               "providers/Microsoft.ContainerService/managedClusters/aks-payments-prod")
    work.msi = {"msiType": "userAssigned", "associatedResourceId": cluster,
                "federatedTokenId": t.ids.guid(), "federatedTokenIssuer": issuer}
    work.last_sign_in, work.resources = t.ago(minutes=7), (catalog.KEY_VAULT, catalog.AZURE_SQL)
    kubelet = managed_identity(t, 1, user_assigned=True, name="aks-payments-prod-agentpool")
    kubelet.scenario = "kubelet"
    work = managed_identity(t, 2, user_assigned=False, name="aa-identity-governance",
                            provider="Microsoft.Automation/automationAccounts")
    work.scenario = "mi-privileged"
    assert work.sp is not None
    t.grant_app_role(work.sp, catalog.GRAPH, "AppRoleAssignment.ReadWrite.All")
    # a function app whose certificate Azure renewed ten days ago: routine, not tampering
    work = managed_identity(t, 3, user_assigned=False, name="func-orders-prod-weu-01",
                            provider="Microsoft.Web/sites")
    work.scenario = "mi-rotation"
    assert work.sp is not None
    renewed = t.ago(days=10, hours=3)
    cert = work.sp["keyCredentials"][0]
    cert["startDateTime"], cert["endDateTime"] = iso(renewed), iso(renewed + timedelta(days=90))
    audits.mi_rotation(t, work.sp, t.ago(days=30))


def vendors(t: Tenant) -> None:
    """Vendors' apps with wide access: one ManagementPlane, one ControlPlane."""
    backup = external_app(t, 2, name="Adatum Cloud Backup Enterprise")
    assert backup.sp is not None
    backup.scenario = "external-app-privileged"
    for value in ("Sites.FullControl.All", "Mail.ReadWrite", "Files.ReadWrite.All"):
        t.grant_app_role(backup.sp, catalog.GRAPH, value)
    backup.key_id, backup.credential_type = t.ids.guid(), "clientAssertion"
    backup.last_sign_in = t.ago(minutes=40)
    sync = external_app(t, 3, name="Litware Directory Sync Pro")  # unverified publisher
    assert sync.sp is not None
    sync.scenario = "external-app-privileged"
    t.grant_app_role(sync.sp, catalog.GRAPH, "Directory.ReadWrite.All", when=t.ago(days=12))
    t.grant_delegated(sync.sp, catalog.GRAPH, ["Directory.AccessAsUser.All", "openid", "profile"])
    sync.key_id, sync.credential_type = t.ids.guid(), "clientSecret"
    admin = t.admins["Global Administrator"]
    consented = audits.by_user(admin, names.OFFICE_NAT)
    audits.consent(t, t.ago(days=12), consented, sync.sp,
                   "Directory.ReadWrite.All Directory.AccessAsUser.All openid profile", admin=True)
    role = catalog.APP_ROLES[catalog.GRAPH]["Directory.ReadWrite.All"]
    audits.app_role_added(t, t.ago(days=12), consented, sync.sp, t.resource_sp[catalog.GRAPH],
                          role.id, role.value)


def privilege(t: Tenant) -> None:
    users, admins = t.ordinary_users, t.admins
    # Application Administrator over one application only: ManagementPlane
    portal = internal(t, "Customer Portal", 1000, (users[17],), scenario="scoped-role-target")
    certificate(t, portal, t.ago(days=90), t.now + timedelta(days=275))
    assert portal.app is not None
    work = internal(t, "ServiceNow Ticketing Connector", 800,
                    (admins["Application Administrator"],), scenario="scoped-role")
    certificate(t, work, t.ago(days=50), t.now + timedelta(days=315))
    assert work.sp is not None
    t.assign_role(work.sp["id"], "Application Administrator", scope=f"/{portal.app['id']}")
    # PIM-eligible Cloud Application Administrator, made eligible two weeks ago
    work = internal(t, "Release Pipeline", 700, (admins["Cloud Application Administrator"],),
                    scenario="eligible-role")
    certificate(t, work, t.ago(days=20), t.now + timedelta(days=345))
    assert work.sp is not None
    t.assign_role(work.sp["id"], "Cloud Application Administrator", eligible=True,
                  since=t.ago(days=15))
    audits.role_member_added(t, t.ago(days=15), audits.by_user(
        admins["Privileged Role Administrator"], names.OFFICE_NAT), work.sp,
        "Cloud Application Administrator", eligible=True)
    work = internal(t, "Intune Device Sync", 650, (admins["Application Administrator"],),
                    scenario="eligible-role", resources=(catalog.GRAPH,))
    certificate(t, work, t.ago(days=40), t.now + timedelta(days=325))
    assert work.sp is not None
    t.assign_role(work.sp["id"], "Intune Administrator", eligible=True)
    t.grant_app_role(work.sp, catalog.GRAPH, "DeviceManagementManagedDevices.Read.All", work.app)
    # Exchange Administrator through a role-assignable group
    work = internal(t, "Mail Migration Tool", 420, (users[18],), resources=(catalog.EXCHANGE,),
                    scenario="group-role")
    certificate(t, work, t.ago(days=80), t.now + timedelta(days=285))
    assert work.sp is not None
    t.add_to_group(work.sp, "Exchange Admins (PIM)")
    t.add_to_group(work.sp, "SG-Automation-Accounts")
    t.grant_app_role(work.sp, catalog.EXCHANGE, "Exchange.ManageAsApp", work.app)
    # the tenant's own role, and a SIEM connector reading security data
    work = internal(t, "Credential Rotation Job", 900, (admins["Application Administrator"],),
                    scenario="custom-role")
    certificate(t, work, t.ago(days=30), t.now + timedelta(days=335))
    assert work.sp is not None
    t.assign_role(work.sp["id"], catalog.CUSTOM_ROLE_NAME)
    work = internal(t, "SIEM Connector", 1400, (admins["Security Reader"],), scenario="reader-role")
    certificate(t, work, t.ago(days=100), t.now + timedelta(days=265))
    assert work.sp is not None
    t.assign_role(work.sp["id"], "Security Reader")
    t.directory_role_membership(work.sp, "Security Reader")
    for value in ("AuditLog.Read.All", "IdentityRiskyServicePrincipal.Read.All"):
        t.grant_app_role(work.sp, catalog.GRAPH, value, work.app)
    t.grant_app_role(work.sp, catalog.MGMT_APIS, "ActivityFeed.Read", work.app)
    # a service principal that owns other applications
    engine = internal(t, "Provisioning Engine", 1600, (admins["Application Administrator"],),
                      scenario="sp-owner")
    certificate(t, engine, t.ago(days=60), t.now + timedelta(days=305))
    assert engine.sp is not None
    t.grant_app_role(engine.sp, catalog.GRAPH, "Application.ReadWrite.OwnedBy", engine.app)
    for name in ("Provisioned App Alpha", "Provisioned App Beta", "Provisioned App Gamma"):
        owned = internal(t, name, 200, last=None, scenario="owned-by-sp")
        assert owned.app is not None
        t.add_owner(owned.app, engine.sp)


def lifecycle(t: Tenant) -> None:
    users = t.ordinary_users
    # disabled, but still holding a valid secret and a permission
    work = internal(t, "Old CRM Connector", 2100, (users[19],), last=t.ago(days=200),
                    enabled=False, scenario="disabled-with-credentials")
    secret(t, work, t.ago(days=250), t.now + timedelta(days=480))
    assert work.sp is not None
    t.grant_app_role(work.sp, catalog.GRAPH, "User.Read.All", work.app)
    # stale for a year, and never used at all
    work = internal(t, "Quarterly Report Runner", 2200, (users[20],), last=t.ago(days=400),
                    scenario="stale-identity")
    secret(t, work, t.ago(days=500), t.now + timedelta(days=230))
    work = internal(t, "Never Used Prototype", 1500, (users[21],), last=None,
                    scenario="stale-identity")
    secret(t, work, t.ago(days=1500), t.ago(days=1500) + timedelta(days=730), name="dev")
    # nobody owns it any more: its owner left the company
    work = internal(t, "Orphaned Webhook Receiver", 1250, (), scenario="no-owner")
    certificate(t, work, t.ago(days=120), t.now + timedelta(days=245))
    # active today, healthy
    work = internal(t, "Orders API", 900, (users[22], users[23]), scenario="healthy")
    certificate(t, work, t.ago(days=25), t.now + timedelta(days=340))
    work.ips, work.busy = tuple(egress(t) for _ in range(4)), 8  # scaled out: several IPs
    # registered here for partners' tenants, never instantiated here
    app = t.application("Contoso Partner Connector (multi-tenant)", t.ago(days=800),
                        audience="AzureADMultipleOrgs")
    app["passwordCredentials"].append(t.secret("partner", t.ago(days=100),
                                                t.now + timedelta(days=265)))
    t.add_owner(app, users[24 % len(users)])
    t.workloads.append(Workload("app-without-sp", None, app, scenario="app-without-sp"))
    # a SocialIdp service principal (B2B federation with Google)
    app_id = t.ids.guid()
    t.workloads.append(Workload("external-app", t.service_principal(
        app_id, "Google", kind="SocialIdp", owner_tenant=None, audience=None, tags=[],
        spns=[app_id]), scenario="social-idp"))
