"""The ordinary majority of the demo tenant: internal apps, vendors' apps, managed
identities, legacy service principals and app registrations without one.

Most are healthy, as in a real tenant; a few per hundred carry the everyday problems (an
expired secret left behind, a credential about to expire, no owner, a stale identity) at
realistic rates. The deliberate, named problem cases live in `scenarios.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from graph.demo import catalog, names
from graph.demo.builder import Tenant, Workload

USER_ACCESS_ROLES = ("User.Read.All", "Directory.Read.All", "Group.Read.All",
                     "User.ReadBasic.All", "Organization.Read.All", "Application.Read.All",
                     "Device.Read.All")
MANAGEMENT_ROLES = ("Mail.Send", "Sites.Read.All", "Files.Read.All", "Calendars.Read",
                    "AuditLog.Read.All", "Reports.Read.All")
CONTROL_ROLES = ("Application.ReadWrite.OwnedBy", "Group.ReadWrite.All")
SIGN_IN_SCOPES = ["openid", "profile", "email", "offline_access", "User.Read"]
CALLED = (catalog.GRAPH, catalog.GRAPH, catalog.GRAPH, catalog.KEY_VAULT, catalog.AZURE_STORAGE,
          catalog.SHAREPOINT, catalog.ARM)
MI_CALLED = (catalog.KEY_VAULT, catalog.AZURE_STORAGE, catalog.AZURE_SQL, catalog.ARM,
             catalog.GRAPH)
REGION_SHORT = {"westeurope": "weu", "northeurope": "neu", "eastus2": "eus2",
                "swedencentral": "sdc"}
GROUPS = ("SG-Automation-Accounts", "SG-Graph-Readers", "SG-Finance-Apps")


@dataclass
class Counts:
    internal: int = 0
    without_sp: int = 0
    external: int = 0
    mi_system: int = 0
    mi_user: int = 0
    legacy: int = 0

    @classmethod
    def share(cls, size: int, present: dict[str, int]) -> Counts:
        """How many more of each kind, so that the whole tenant (the named cases and
        Microsoft's apps included) has realistic shares of `size`."""
        def more(kind: str, share: float) -> int:
            return max(0, round(size * share) - present.get(kind, 0))

        counts = cls(without_sp=more("app-without-sp", 0.04),
                     external=more("external-app", 0.15), mi_system=more("mi-system", 0.20),
                     mi_user=more("mi-user", 0.10), legacy=more("legacy", 0.01))
        planned = sum(present.values()) + counts.without_sp + counts.external + \
            counts.mi_system + counts.mi_user + counts.legacy
        counts.internal = max(0, size - planned)
        return counts


def build(t: Tenant, counts: Counts) -> None:
    for i in range(counts.internal):
        internal_app(t, i)
    for i in range(counts.without_sp):
        app_without_sp(t, i)
    for i in range(counts.external):
        external_app(t, i)
    for i in range(counts.mi_system):
        managed_identity(t, i, user_assigned=False)
    for i in range(counts.mi_user):
        managed_identity(t, i, user_assigned=True)
    for i in range(counts.legacy):
        legacy(t, i)


# -- shared pieces -----------------------------------------------------------------------
def app_name(i: int) -> str:
    systems, purposes = names.SYSTEMS, names.PURPOSES
    system = systems[i % len(systems)]
    purpose = purposes[(i // len(systems)) % len(purposes)]
    env = names.ENVIRONMENTS[(i // 7) % len(names.ENVIRONMENTS)]
    round_ = i // (len(systems) * len(purposes))
    if i % 3 == 0:
        base = f"{names.GITHUB_ORG}-{system}-{purpose}-{env}".lower().replace(" ", "-")
        return base + (f"-{round_ + 1:02d}" if round_ else "")
    base = f"{system} {purpose}" + ("" if env == "prod" else f" ({env.upper()})")
    return base + (f" {round_ + 1}" if round_ else "")


def last_sign_in(t: Tenant, created: datetime) -> datetime | None:
    """When an ordinary identity last signed in: most today, some stale, a few never."""
    r = t.rng.random()
    age_days = (t.now - created).days
    if r < 0.47:
        when = t.ago(minutes=t.rng.randint(3, 1200))
    elif r < 0.63:
        when = t.ago(days=t.rng.uniform(1, 7))
    elif r < 0.80:
        when = t.ago(days=t.rng.uniform(7, 85))
    elif r < 0.91:
        when = t.ago(days=t.rng.uniform(95, 700))
    else:
        when = None if age_days > 95 else t.ago(days=t.rng.uniform(0, max(1, age_days)))
    if when is not None and when < created:
        when = t.between(created, t.now) if age_days < 95 else None
    return when


def sign_in_ips(t: Tenant) -> tuple[str, ...]:
    def egress() -> str:
        return t.rng.choice(names.AZURE_EGRESS).format(t.rng.randint(2, 250))

    r = t.rng.random()
    if r < 0.70:
        return (egress(),)
    if r < 0.85:
        return tuple(egress() for _ in range(t.rng.randint(2, 4)))
    if r < 0.95:
        return (names.OFFICE_NAT,)  # on-premises jobs behind the office NAT
    return tuple(egress() for _ in range(5))


def credential_window(t: Tenant, created: datetime, days: int) -> tuple[datetime, datetime]:
    """A healthy credential: valid now and not expiring within the next month."""
    earliest = max(created, t.now - timedelta(days=max(2, days - 35)))
    start = t.between(earliest, max(earliest, t.ago(days=1)))
    return start, start + timedelta(days=days)


def add_owners(t: Tenant, target: dict, privileged: bool = False) -> None:
    r = t.rng.random()
    if r < 0.20:
        return  # nobody owns it
    if privileged and t.rng.random() < 0.5:
        t.add_owner(target, t.admins["Application Administrator"])
        return
    for _ in range(t.rng.choice((1, 1, 1, 2, 2, 3))):
        t.add_owner(target, t.some_user())


# -- internal apps -------------------------------------------------------------------------
def internal_app(t: Tenant, i: int) -> Workload:
    created = t.ago(days=t.rng.uniform(0, 30) if t.rng.random() < 0.05 else
                    t.rng.uniform(30, 2800))
    web = [f"https://{app_name(i).lower().replace(' ', '-')[:30]}.{names.DOMAIN}/signin-oidc"] \
        if t.rng.random() < 0.4 else []
    app = t.application(app_name(i), created, web=web)
    sp = t.sp_for(app)
    work = Workload("app", sp, app, last_sign_in=last_sign_in(t, created), ips=sign_in_ips(t),
                    resources=tuple(dict.fromkeys(t.rng.choice(CALLED) for _ in range(2))),
                    busy=t.rng.randint(1, 6))
    _credentials(t, work, created, i)
    privileged = _permissions(t, work)
    add_owners(t, app, privileged)
    if t.rng.random() < 0.04:
        t.add_owner(sp, t.some_user())
    if t.rng.random() < 0.08:
        t.add_to_group(sp, t.rng.choice(GROUPS))
    t.workloads.append(work)
    return work


def _credentials(t: Tenant, work: Workload, created: datetime, i: int) -> None:
    app = work.app
    assert app is not None
    mode = t.rng.random()
    if mode < 0.38 or 0.80 <= mode < 0.88:
        start, end = credential_window(t, created, t.rng.choice((180, 365, 365)))
        cert = t.certificate(app["displayName"][:40].lower().replace(" ", "-"), start, end)
        app["keyCredentials"].append(cert)
        work.key_id, work.credential_type = cert["keyId"], "clientAssertion"
    if 0.38 <= mode < 0.62 or 0.80 <= mode < 0.88:
        start, end = credential_window(t, created, t.rng.choice((90, 180, 180, 180)))
        secret = t.secret(t.rng.choice(("prod", "client secret", "ci", None, "rotation")),
                          start, end)
        app["passwordCredentials"].append(secret)
        if work.key_id is None:
            work.key_id, work.credential_type = secret["keyId"], "clientSecret"
    if 0.62 <= mode < 0.80:
        repo = names.REPOS[i % len(names.REPOS)]
        subject = (f"repo:{names.GITHUB_ORG}/{repo}:ref:refs/heads/main" if i % 2 else
                   f"repo:{names.GITHUB_ORG}/{repo}:environment:{t.rng.choice(('prod', 'test'))}")
        fic = t.federated_credential(app, f"github-{repo}-{i}", "https://token.actions."
                                     "githubusercontent.com", subject, "Deploy from GitHub Actions")
        work.fic_id, work.credential_type = fic["id"], "federatedIdentityCredential"
    if mode >= 0.88:
        work.delegated = True  # a web app signing users in: no credential of its own
    credentials = app["passwordCredentials"] + app["keyCredentials"]
    if credentials and t.rng.random() < 0.03:  # renewal forgotten: expires within the month
        soon = t.now + timedelta(days=t.rng.uniform(1, 29))
        credentials[0]["endDateTime"] = soon.strftime("%Y-%m-%dT%H:%M:%SZ")
    if t.rng.random() < 0.04:  # the secret it replaced was never removed
        end = t.ago(days=t.rng.uniform(5, 400))
        app["passwordCredentials"].append(t.secret("old secret", max(created, end - timedelta(
            days=180)), end))
    if t.rng.random() < 0.04:
        work.failures = (7000215,) if work.credential_type == "clientSecret" else (700027,)


def _permissions(t: Tenant, work: Workload) -> bool:
    """Application and delegated permissions; True when ManagementPlane or higher."""
    sp, app = work.sp, work.app
    assert sp is not None
    privileged = False
    if work.delegated or t.rng.random() < 0.35:
        t.grant_delegated(sp, catalog.GRAPH, SIGN_IN_SCOPES, app=app)
        work.delegated = True
    if work.key_id or work.fic_id:
        if t.rng.random() < 0.55:
            for value in t.rng.sample(USER_ACCESS_ROLES, t.rng.randint(1, 2)):
                t.grant_app_role(sp, catalog.GRAPH, value, app)
        if t.rng.random() < 0.08:
            t.grant_app_role(sp, catalog.GRAPH, t.rng.choice(MANAGEMENT_ROLES), app)
            privileged = True
        if t.rng.random() < 0.015:
            t.grant_app_role(sp, catalog.GRAPH, t.rng.choice(CONTROL_ROLES), app)
            privileged = True
    if t.rng.random() < 0.02:
        t.assign_role(sp["id"], "Directory Readers")
        t.directory_role_membership(sp, "Directory Readers")
        privileged = True
    return privileged


def app_without_sp(t: Tenant, i: int) -> None:
    """Registered, never instantiated here: a multi-tenant app for partners, or left over."""
    created = t.ago(days=t.rng.uniform(10, 2500))
    partner = i % 3 == 0
    app = t.application(f"{names.ORG_NAME.split()[0]} Partner Connector {i + 1}" if partner
                        else f"test-app-{t.rng.randint(100, 999)}-{i}", created,
                        audience="AzureADMultipleOrgs" if partner else "AzureADMyOrg")
    start = created + timedelta(days=1)
    app["passwordCredentials"].append(t.secret("dev", start, start + timedelta(days=365)))
    add_owners(t, app)
    t.workloads.append(Workload("app-without-sp", None, app))


# -- vendors' apps ------------------------------------------------------------------------------
def external_app(t: Tenant, i: int, name: str | None = None) -> Workload:
    vendor = names.VENDORS[i % len(names.VENDORS)]
    product = vendor.products[(i // len(names.VENDORS)) % len(vendor.products)]
    short = vendor.name.replace(", Inc.", "").replace(" Corporation", "")
    round_ = i // (len(names.VENDORS) * 3)
    name = name or f"{short} {product}" + (f" ({round_ + 1})" if round_ else "")
    slug = re.sub(r"[^a-z0-9]+", "-", name.removeprefix(short).lower()).strip("-")
    app_id = t.ids.guid()
    sp = t.service_principal(app_id, name, owner_tenant=vendor.tenant_id,
                             audience="AzureADMultipleOrgs",
                             spns=[app_id, f"https://{vendor.domain}/{slug}"])
    sp["homepage"] = f"https://www.{vendor.domain}/{slug}"
    sp["replyUrls"] = [f"https://app.{vendor.domain}/{slug}/signin"]
    if vendor.verified:
        sp["verifiedPublisher"] = {"addedDateTime": "2021-06-15T08:00:00Z",
                                   "displayName": vendor.name,
                                   "verifiedPublisherId": str(1000000 + i % len(names.VENDORS))}
    work = Workload("external-app", sp, last_sign_in=last_sign_in(t, t.ago(days=400)),
                    ips=sign_in_ips(t), resources=(catalog.GRAPH,), delegated=True,
                    busy=t.rng.randint(1, 3))
    if t.rng.random() < 0.75:
        t.grant_delegated(sp, catalog.GRAPH, SIGN_IN_SCOPES)
    if t.rng.random() < 0.2:  # users consented for themselves; rarely to their mail
        scopes = ["Mail.Read", "Calendars.Read"] if t.rng.random() < 0.2 else ["User.Read",
                                                                               "offline_access"]
        for _ in range(t.rng.randint(1, 3)):
            t.grant_delegated(sp, catalog.GRAPH, scopes, user=t.some_user())
    if t.rng.random() < 0.2:
        t.grant_app_role(sp, catalog.GRAPH, t.rng.choice(("User.Read.All", "Directory.Read.All",
                                                          "Group.Read.All")))
        work.key_id, work.credential_type = t.ids.guid(), "clientAssertion"  # home-tenant key
    t.workloads.append(work)
    return work


# -- managed identities ----------------------------------------------------------------------------
def arm_id(subscription: str, group: str, provider: str, name: str) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{provider}/{name}"


def managed_identity(t: Tenant, i: int, user_assigned: bool, name: str | None = None,
                     provider: str | None = None) -> Workload:
    subscription = names.SUBSCRIPTIONS[i % len(names.SUBSCRIPTIONS)]
    region = names.REGIONS[(i // 3) % len(names.REGIONS)]
    system = names.SYSTEMS[(i * 7) % len(names.SYSTEMS)].lower().replace(" ", "")
    env = names.ENVIRONMENTS[i % len(names.ENVIRONMENTS)]
    group = f"rg-{system}-{env}"
    host_type, prefix = names.SYSTEM_ASSIGNED_TYPES[i % len(names.SYSTEM_ASSIGNED_TYPES)]
    host = f"{prefix}-{system}-{env}-{REGION_SHORT[region]}-{i // 50 + 1:02d}"
    host_id = arm_id(subscription, group, host_type, host)
    if user_assigned:
        name = name or f"id-{system}-{env}-{i // 20 + 1:02d}"
        resource = arm_id(subscription, group, provider or
                          "Microsoft.ManagedIdentity/userAssignedIdentities", name)
        alternative = ["isExplicit=True", resource]
    else:
        name = name or host
        resource = host_id if provider is None else arm_id(subscription, group, provider, name)
        alternative = ["isExplicit=False", resource]
    app_id = t.ids.guid()
    sp = t.service_principal(app_id, name, kind="ManagedIdentity", owner_tenant=None,
                             audience="AzureADMultipleOrgs", alternative=alternative, tags=[],
                             spns=[app_id, f"https://identity.azure.net/{t.ids.b64(32)}"])
    # Azure's own certificate, rotated every ~46 days: not a sign of tampering
    start = t.ago(days=t.rng.uniform(1, 45))
    sp["keyCredentials"].append(t.certificate(app_id, start, start + timedelta(days=90)))
    r = t.rng.random()
    when = (t.ago(minutes=t.rng.randint(1, 900)) if r < 0.72 else
            t.ago(days=t.rng.uniform(1, 60)) if r < 0.88 else t.ago(days=t.rng.uniform(95, 500)))
    work = Workload("mi-user" if user_assigned else "mi-system", sp, last_sign_in=when,
                    ips=(t.rng.choice(names.AZURE_EGRESS).format(t.rng.randint(2, 250)),),
                    resources=tuple(dict.fromkeys(t.rng.choice(MI_CALLED) for _ in range(2))),
                    credential_type="managedIdentity", busy=t.rng.randint(2, 6),
                    msi={"msiType": "userAssigned" if user_assigned else "systemAssigned",
                         "associatedResourceId": host_id})
    if prefix in ("logic", "aa") and t.rng.random() < 0.4:
        t.grant_app_role(sp, catalog.GRAPH,
                         "Mail.Send" if prefix == "logic" else "Directory.Read.All")
    elif t.rng.random() < 0.25:
        t.grant_app_role(sp, catalog.GRAPH, t.rng.choice(("User.Read.All", "Group.Read.All")))
    t.workloads.append(work)
    return work


def legacy(t: Tenant, i: int) -> Workload:
    """A service principal from before app registrations: credentials live on it."""
    app_id = t.ids.guid()
    name = f"{names.SYSTEMS[i % len(names.SYSTEMS)]} Legacy SSO ({2011 + i % 5})"
    sp = t.service_principal(app_id, name, kind="Legacy", audience=None, tags=[],
                             spns=[app_id, f"https://legacy.{names.DOMAIN}/sso{i}"])
    start = datetime(2013 + i % 4, 3, 1, tzinfo=t.now.tzinfo)
    sp["passwordCredentials"].append(t.secret(None, start, start + timedelta(
        days=3652 * (1 + i % 2))))
    if t.rng.random() < 0.5:
        t.add_owner(sp, t.some_user())
    work = Workload("legacy", sp, last_sign_in=t.ago(days=t.rng.uniform(100, 900)),
                    ips=(names.OFFICE_NAT,), resources=(catalog.AAD_GRAPH,),
                    key_id=sp["passwordCredentials"][0]["keyId"])
    t.workloads.append(work)
    return work
