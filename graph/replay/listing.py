"""Collection pages: filter, `$count`, `$top` paging with next links, `$select`, `$expand`.

A page is a slice of the collection's ordered keys: the skip token holds the offset, and a
filtered key list is computed once per (collection, filter, change generation) and kept,
so page 50 of 50,000 objects costs the same as page 1. Unselected, unexpanded items are
joined from bytes serialised once per object.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graph.replay.errors import GraphError, bad_request
from graph.replay.query import (
    EXPAND_ITEM_LIMIT,
    EXPAND_MAX_PAGE,
    Query,
    decode_token,
    encode_token,
    link,
    project,
)
from graph.replay.reply import Reply, page_body, raw_json_reply
from graph.replay.state import Collection, ReplayState, dump

# the first path segment of collections holding directory objects: $count and advanced
# filters there need `ConsistencyLevel: eventual`
DIRECTORY_ROOTS = {"applications", "servicePrincipals", "users", "groups", "devices",
                   "directoryObjects"}
RESULT_CACHE_SIZE = 64


@dataclass
class Request:
    """One GET (top-level or inside a $batch) as the resources see it."""

    version: str  # "v1.0" or "beta"
    path: str  # after the version, no leading slash
    query: Query
    base: str  # the replay's own base URL, for links
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    @property
    def eventual(self) -> bool:
        return self.headers.get("consistencylevel", "").lower() == "eventual"

    @property
    def directory(self) -> bool:
        return self.path.split("/", 1)[0] in DIRECTORY_ROOTS

    def context(self, entity: str, select: tuple[str, ...] | None = None) -> str:
        suffix = f"({','.join(select)})" if select else ""
        return f"{self.base}/{self.version}/$metadata#{entity}{suffix}"


# the items of `<collection>/{id}/<relation>` for $expand; raises GraphError
RelationLookup = Callable[[str, str], list[Any]] | None


def matching_keys(state: ReplayState, req: Request, coll: Collection,
                  cache: bool = True) -> list[str]:
    """Keys of the objects that pass $filter, in collection order."""
    flt = req.query.filter
    if flt is None:
        return coll.order
    if flt.advanced and req.directory and not (req.eventual and req.query.count):
        raise GraphError(400, "Unsupported Query.", "Request_UnsupportedQuery")
    key = (coll.path, flt.text, coll.generation)
    if cache:
        with state.lock:
            hit = state.results.get(key)
            if hit is not None:
                state.results.move_to_end(key)
                return hit
    keys = [k for k in coll.order if flt.match(coll.objects[k])]
    if cache:
        with state.lock:
            state.results[key] = keys
            while len(state.results) > RESULT_CACHE_SIZE:
                state.results.popitem(last=False)
    return keys


def counted(req: Request) -> bool:
    """Whether the answer carries `@odata.count`: on directory objects `$count=true` needs
    `ConsistencyLevel: eventual`, and without it Graph silently ignores it ([AQ])."""
    return req.query.count and (req.eventual or not req.directory)


def serve_list(state: ReplayState, req: Request, coll: Collection, entity: str,
               expand_lookup: RelationLookup = None, cache: bool = True) -> Reply:
    """One page of a collection as Graph answers `GET /<collection>?...`."""
    query = req.query
    if query.deltatoken:
        raise bad_request("$deltatoken applies to delta functions only.")
    if query.expand and expand_lookup is None:
        raise bad_request(f"$expand is not supported on '{entity}'.",
                          "Request_UnsupportedQuery")
    if query.expand and req.eventual and (query.count or
                                          (query.filter and query.filter.advanced)):
        raise GraphError(400, "$expand is not supported with advanced queries "
                         "(ConsistencyLevel: eventual with $count).", "Request_UnsupportedQuery")
    keys = matching_keys(state, req, coll, cache)
    size = query.page_size(req.path)
    if query.expand:
        size = min(size, EXPAND_MAX_PAGE)
    offset = 0
    if query.skiptoken:
        token = decode_token(query.skiptoken)
        offset = token.get("o", -1)
        if token.get("p") != coll.path or not isinstance(offset, int) or offset < 0:
            raise bad_request("Invalid $skiptoken value.", "Request_BadRequest")
    page = keys[offset: offset + size]
    if query.select is None and not query.expand:
        items: list[bytes] | bytes = [coll.json(k) for k in page]
    else:
        shaped = []
        for k in page:
            obj = coll.objects[k]
            out = project(obj, query.select)
            if query.expand and isinstance(obj, dict):
                out = dict(out)
                for exp in query.expand:
                    related = expand_lookup(k, exp.name)
                    out[exp.name] = [project(i, exp.select, keep_id=True)
                                     for i in related[:EXPAND_ITEM_LIMIT]]
            shaped.append(out)
        items = dump(shaped)[1:-1]
    next_link = None
    if offset + size < len(keys):
        token = encode_token({"p": coll.path, "o": offset + size})
        next_link = link(req.base, f"{req.version}/{req.path}",
                         query.raw + [("$skiptoken", token)])
    # Graph puts @odata.count on the first page only
    count = len(keys) if counted(req) and not query.skiptoken else None
    return raw_json_reply(page_body(req.context(entity, query.select), items, next_link, count))


def serve_object(req: Request, obj: Any, entity: str,
                 expand_lookup: RelationLookup = None) -> Reply:
    """A single object (`GET /servicePrincipals/{id}`), with $select and $expand."""
    query = req.query
    if query.filter or query.top or query.skiptoken or query.count:
        raise bad_request("Query options $filter, $top, $count and $skiptoken do not apply "
                          "to a single object.")
    if query.expand and expand_lookup is None:
        raise bad_request(f"$expand is not supported on '{entity}'.")
    out = dict(project(obj, query.select))
    for exp in query.expand:
        related = expand_lookup(obj.get("id", ""), exp.name)
        out[exp.name] = [project(i, exp.select, keep_id=True) for i in related[:EXPAND_ITEM_LIMIT]]
    body = {"@odata.context": req.context(entity, query.select) + "/$entity", **out}
    return raw_json_reply(json.dumps(body, ensure_ascii=False).encode())
