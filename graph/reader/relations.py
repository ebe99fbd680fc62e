"""Per-object relations with the fewest requests: `$expand` on the lists, `$batch` for the rest.

- Owners and federated credentials of applications, owners and memberOf of service
  principals come from list passes with `$select=id&$expand=<relation>` (100 parents a
  page). Graph cuts an expanded relation at 20 items without saying so, so an object with
  20 (or a missing relation) is re-read on its own, in a batch. From
  `plan.PARTITION_FROM` objects a pass runs as 16 chains side by side, one per first hex
  digit of appId (`$filter=startswith(appId,'a')`), since one 500-page chain would take
  minutes at Graph's page latency; if Graph refuses the filter, one chain it is.
- Application permissions come from each resource's `appRoleAssignedTo` (a few hundred
  resources hold every assignment) and are split back per client service principal into
  `servicePrincipals/{id}/appRoleAssignments`, as the recording format stores them.
Each relation kind is all or nothing: if any part of it fails, the whole kind is
recorded unavailable, since a partial relation would read as "no owners" or "no
permissions".
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.reader import plan
from graph.reader.batch import BatchItem, ItemAnswer, relative, run_batches
from graph.reader.progress import READING
from graph.reader.session import KindFailed, Session

APP_ROLE_ASSIGNMENTS = "appRoleAssignments"
SEGMENTS = {  # relation kind -> (parent collection, relation segment)
    "applicationOwners": ("applications", "owners"),
    "federatedIdentityCredentials": ("applications", "federatedIdentityCredentials"),
    "servicePrincipalOwners": ("servicePrincipals", "owners"),
    "memberOf": ("servicePrincipals", "memberOf"),
    APP_ROLE_ASSIGNMENTS: ("servicePrincipals", "appRoleAssignments"),
}


@dataclass
class Expanded:
    """What one expand pass gave: the relation per parent id, and whom to read again."""

    by_id: dict[str, list[Any]] = field(default_factory=dict)
    incomplete: set[str] = field(default_factory=set)


async def expand_pass(session: Session, kind: str, total: int | None = None) -> Expanded:
    """One `$select=id&$expand=<relation>` pass; 16 side-by-side chains on big tenants."""
    parent, relation = SEGMENTS[kind]
    partitioned = total is not None and total >= session.partition_from
    prefixes: list[str | None] = list(plan.PARTITIONS) if partitioned else [None]
    result = Expanded()
    done = 0

    def on_page(page: list[Any]) -> None:
        nonlocal done
        for obj in page:
            key = obj.get("id") if isinstance(obj, dict) else None
            if not isinstance(key, str) or not key:
                continue
            related = obj.get(relation)
            if not isinstance(related, list):
                result.incomplete.add(key)  # no relation in the answer: read it alone
                continue
            result.by_id[key] = related
            if len(related) >= plan.EXPAND_LIMIT:
                result.incomplete.add(key)  # possibly cut at 20
        done += len(page)
        session.progress.emit(kind, done, total, READING)

    async def chain(prefix: str | None) -> None:
        url = plan.expand_url(parent, relation, prefix)
        await session.pages(kind, url, on_page=on_page, keep=False)

    outcomes = await asyncio.gather(*(chain(p) for p in prefixes), return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    for failure in failures:
        if not isinstance(failure, KindFailed):
            raise failure
    if failures and partitioned and all(f.status == 400 for f in failures):
        # Graph would not filter this list: one chain after all (objects read twice
        # are simply read again; objects whose appId matched no prefix are batch-read)
        done = 0
        await chain(None)
    elif failures:
        raise failures[0]
    return result


@dataclass
class Relations:
    """Relation items read through batches, by (kind, object id); failures by kind."""

    items: dict[tuple[str, Any], list[Any]] = field(default_factory=dict)
    failed: dict[str, KindFailed] = field(default_factory=dict)
    needed: int = 0  # items the data needed (first pages and next pages, not retries)


def reread_item(kind: str, object_id: str) -> BatchItem:
    parent, relation = SEGMENTS[kind]
    return BatchItem(kind, plan.relation_url(parent, object_id, relation), object_id)


def assigned_to_item(resource_id: str) -> BatchItem:
    return BatchItem(APP_ROLE_ASSIGNMENTS, plan.assigned_to_url(resource_id),
                     resource_key(resource_id))


def resource_key(resource_id: str) -> tuple[str, str]:
    return ("resource", resource_id)


async def read_in_batches(session: Session, items: Iterable[BatchItem]) -> Relations:
    """Every item's full relation, next pages included; 404 (the object went away
    meanwhile) counts as an empty relation."""
    out = Relations()
    pending = list(items)
    for item in pending:
        out.items[(item.kind, _key(item))] = []
    out.needed = len(pending)

    def on_answer(answer: ItemAnswer) -> list[BatchItem]:
        item = answer.item
        if answer.status == 404:
            return []
        if not answer.ok:
            out.failed.setdefault(item.kind, KindFailed(answer.status or None, answer.reason))
            return []
        body = answer.body if isinstance(answer.body, dict) else {}
        value = body.get("value") if "value" in body else [body]  # a single object
        out.items[(item.kind, _key(item))].extend(value if isinstance(value, list) else [])
        link = body.get("@odata.nextLink")
        if isinstance(link, str) and link:
            try:
                session.check_link(link)
            except KindFailed as exc:
                out.failed.setdefault(item.kind, exc)
                return []
            out.needed += 1
            return [BatchItem(item.kind, relative(link), item.key)]
        return []

    if pending:
        await run_batches(session, pending, on_answer)
    session.shape.batch_items += out.needed
    return out


def _key(item: BatchItem) -> Any:
    return item.key  # an object id, or ("resource", id) for appRoleAssignedTo


def split_assignments(by_resource: dict[str, list[Any]],
                      principal_ids: Iterable[str]) -> dict[str, list[Any]]:
    """appRoleAssignedTo of the resources, as appRoleAssignments of each client service
    principal (every principal gets its list, empty when it holds no permission)."""
    out: dict[str, list[Any]] = {pid: [] for pid in principal_ids}
    for assignments in by_resource.values():
        for assignment in assignments:
            if not isinstance(assignment, dict):
                continue
            principal = assignment.get("principalId")
            kind = assignment.get("principalType")
            # users and groups assigned to the resource's roles are not workload identities
            if principal in out and kind in (None, "ServicePrincipal"):
                out[principal].append(assignment)
    return out


def resources(service_principals: Iterable[Any]) -> list[str]:
    return [sp["id"] for sp in service_principals
            if isinstance(sp, dict) and isinstance(sp.get("id"), str) and plan.is_resource(sp)]
