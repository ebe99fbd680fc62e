"""What the reader asks Graph for: the requests per data kind, `$select` lists, page sizes.

The plan and its reasons are in docs/graph-protocol.md (section 2). `$select` lists come
from our models, so a property the models gain is read without touching this file.
`minimum_requests` counts the fewest requests this plan needs for a tenant of a given
shape; the reader reports its real count against it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from models.apps import Application, ServicePrincipal
from models.base import GraphModel
from models.directory import AppRoleAssignment, OAuth2PermissionGrant, Organization

PAGE = 999  # Graph's maximum for directory lists
SIGN_IN_PAGE = 1000  # beta sign-ins allow 1000
EXPAND_PAGE = 100  # Graph returns at most 100 parents per page with $expand
EXPAND_LIMIT = 20  # and at most 20 related items per parent, without a next link
BATCH_SIZE = 20  # JSON $batch limit
EVENTUAL = {"ConsistencyLevel": "eventual"}
_SAFE = "$,()':/="  # kept readable in URLs, as Graph's own links do

# lanes share a concurrency limit and slow down together on 429 (Graph's separate budgets):
# directory reads, audit logs and sign-ins (5 requests / 10 s), beta usage reports (limit
# undocumented), identity protection (1 request / s)
DIRECTORY, AUDIT, REPORTS, PROTECTION = "directory", "auditLogs", "reports", "identityProtection"

# returned only on $select and needs its own permission: read in a pass of its own so a
# refusal cannot cost the service principal list (docs/graph-protocol.md 1.9)
CUSTOM_ATTRIBUTES = "customSecurityAttributes"
_NOT_SELECTED = {"@removed", "deletedDateTime", CUSTOM_ATTRIBUTES}


def select_of(model: type[GraphModel], leave_out: Iterable[str] = _NOT_SELECTED) -> list[str]:
    """The Graph property names a model reads (its camelCase aliases)."""
    skip = set(leave_out)
    names = []
    for name, info in model.model_fields.items():
        alias = info.alias or name
        if alias not in skip and not alias.startswith("@"):
            names.append(alias)
    return names


APP_SELECT = select_of(Application)
# publisherName exists on beta only: a v1.0 $select naming it answers 400
SP_SELECT = select_of(ServicePrincipal, _NOT_SELECTED | {"publisherName"})
ORG_SELECT = select_of(Organization)
GRANT_SELECT = select_of(OAuth2PermissionGrant)
ASSIGNMENT_SELECT = select_of(AppRoleAssignment)


def url(path: str, select: Iterable[str] | None = None, top: int | None = None,
        expand: str | None = None, filter: str | None = None,  # noqa: A002 - OData name
        extra: Mapping[str, str] | None = None) -> str:
    """`path?$select=..&$expand=..&$filter=..&$top=..` with `$`, commas and quotes readable."""
    params: list[tuple[str, str]] = []
    if select:
        params.append(("$select", ",".join(select)))
    if expand:
        params.append(("$expand", expand))
    if filter:
        params.append(("$filter", filter))
    if top:
        params.append(("$top", str(top)))
    params.extend((extra or {}).items())
    if not params:
        return path
    return path + "?" + "&".join(f"{k}={quote(v, safe=_SAFE)}" for k, v in params)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ListRead:
    """One tenant-wide collection: one or more request series merged into one file."""

    kind: str
    urls: tuple[str, ...]
    lane: str = DIRECTORY
    headers: Mapping[str, str] = field(default_factory=dict)
    retry_without_top: bool = False  # undocumented $top maxima: on 400, once more without
    newest_first: str = ""  # sort merged series by this timestamp, newest first


def tenant_lists(now: datetime, sign_in_days: int, audit_days: int,
                 since: datetime | None = None) -> list[ListRead]:
    """The tenant-wide reads of a sync. `since` narrows sign-ins and audits to what is new
    after a previous sync (they are merged with what that sync kept)."""
    sign_ins_from = now - timedelta(days=sign_in_days)
    audits_from = now - timedelta(days=audit_days)
    if since is not None:
        sign_ins_from = max(sign_ins_from, since)
        audits_from = max(audits_from, since)
    audit = ("v1.0/auditLogs/directoryAudits", "activityDateTime ge {}")
    return [
        ListRead("organization", (url("v1.0/organization", ORG_SELECT),)),
        ListRead("oauth2PermissionGrants",
                 (url("v1.0/oauth2PermissionGrants", GRANT_SELECT, PAGE),)),
        # role management lists: no $select (a cloud may lack a property), no $top
        ListRead("roleDefinitions", ("v1.0/roleManagement/directory/roleDefinitions",)),
        ListRead("roleAssignments", ("v1.0/roleManagement/directory/roleAssignments",)),
        ListRead("roleEligibilitySchedules",
                 ("v1.0/roleManagement/directory/roleEligibilitySchedules",)),
        ListRead("riskyServicePrincipals",
                 ("v1.0/identityProtection/riskyServicePrincipals",), PROTECTION),
        ListRead("servicePrincipalRiskDetections",
                 ("v1.0/identityProtection/servicePrincipalRiskDetections",), PROTECTION),
        ListRead("servicePrincipalSignInActivities",
                 (url("beta/reports/servicePrincipalSignInActivities", top=PAGE),), REPORTS,
                 retry_without_top=True),
        ListRead("appCredentialSignInActivities",
                 (url("beta/reports/appCredentialSignInActivities", top=PAGE),), REPORTS,
                 retry_without_top=True),
        # one series per category and per event type: `or` there is undocumented
        ListRead("directoryAudits", tuple(
            url(audit[0], top=PAGE, filter=f"category eq '{category}' and "
                + audit[1].format(iso(audits_from)))
            for category in ("ApplicationManagement", "RoleManagement")), AUDIT,
            newest_first="activityDateTime"),
        ListRead("signIns", tuple(
            url("beta/auditLogs/signIns", top=SIGN_IN_PAGE,
                filter=f"createdDateTime ge {iso(sign_ins_from)} and "
                       f"signInEventTypes/any(t: t eq '{event}')")
            for event in ("servicePrincipal", "managedIdentity")), AUDIT,
            newest_first="createdDateTime"),
    ]


USER_COUNT_URL = "v1.0/users/$count"
# kinds a national cloud does not have (docs/graph-protocol.md 1.10)
_BETA_REPORTS = {"servicePrincipalSignInActivities", "appCredentialSignInActivities"}
CLOUD_MISSING: dict[str, set[str]] = {
    "usgov": set(_BETA_REPORTS),
    "usgov-dod": set(_BETA_REPORTS),
    "china": _BETA_REPORTS | {"directoryAudits", "riskyServicePrincipals",
                              "servicePrincipalRiskDetections"},
}

# per-object relations: (kind, parent collection, relation segment)
APP_RELATIONS = (("applicationOwners", "applications", "owners"),
                 ("federatedIdentityCredentials", "applications", "federatedIdentityCredentials"))
SP_EXPANDED = (("servicePrincipalOwners", "servicePrincipals", "owners"),
               ("memberOf", "servicePrincipals", "memberOf"))


# from this many objects, an expand pass runs as 16 page chains side by side, one per first
# hex digit of appId: a 500-page chain would take minutes against Graph's page latency
PARTITION_FROM = 8000
PARTITIONS = "0123456789abcdef"


def expand_url(parent: str, relation: str, app_id_prefix: str | None = None) -> str:
    flt = f"startswith(appId,'{app_id_prefix}')" if app_id_prefix else None
    return url(f"v1.0/{parent}", ["id"], PAGE, expand=relation, filter=flt)


def count_url(collection: str) -> str:
    return f"v1.0/{collection}/$count"


def relation_url(parent: str, object_id: str, relation: str) -> str:
    """A relation of one object, as a `$batch` item URL (relative, no version)."""
    quoted = quote(object_id, safe="")
    return url(f"/{parent}/{quoted}/{relation}", top=PAGE)


def assigned_to_url(resource_id: str) -> str:
    return url(f"/servicePrincipals/{quote(resource_id, safe='')}/appRoleAssignedTo",
               ASSIGNMENT_SELECT, PAGE)


def is_resource(sp: Mapping[str, Any]) -> bool:
    """A service principal that can hold application permissions: it has an app role
    members of type Application can get (a role that names no member types counts)."""
    roles = sp.get("appRoles")
    if not isinstance(roles, list):
        return False
    for role in roles:
        if not isinstance(role, dict):
            continue
        types = role.get("allowedMemberTypes")
        if not isinstance(types, list) or not types or "Application" in types:
            return True
    return False


def pages(count: int, size: int) -> int:
    """Requests to list `count` items `size` per page (an empty list still costs one)."""
    return max(1, math.ceil(count / size))


@dataclass
class Shape:
    """What a read had to fetch, as the minimum request count needs it."""

    series: list[tuple[str, int, int]] = field(default_factory=list)  # kind, items, page size
    batch_items: int = 0  # per-object reads: first pages and next pages, not retries
    single: int = 0  # one-request reads: delta links, counts

    def add(self, kind: str, items: int, page_size: int = PAGE) -> None:
        self.series.append((kind, items, page_size))


def minimum_requests(shape: Shape) -> int:
    """The fewest requests that fetch `shape` with this plan: every paged series at its
    largest page (an empty one still costs a request), per-object reads in full batches."""
    total = shape.single + math.ceil(shape.batch_items / BATCH_SIZE)
    return total + sum(pages(items, size) for _, items, size in shape.series)


def page_size(url_text: str) -> int:
    """Items per page a request gets: its $top (Graph's default 100 without one), at most
    100 with $expand."""
    query = url_text.split("?", 1)[-1].split("&") if "?" in url_text else []
    size = 100
    for part in query:
        if part.startswith("$top="):
            try:
                size = int(part[5:])
            except ValueError:
                pass
    if any(part.startswith("$expand=") for part in query):
        size = min(size, EXPAND_PAGE)
    return size
