"""`applications/delta` and `servicePrincipals/delta` as Graph runs them.

A round starts with a plain `GET .../delta` (every object), with a delta link
(`$deltatoken`: the changes since that link was made) or with `$deltaToken=latest` (no
objects, just a link from now). It pages with `@odata.nextLink` and ends with
`@odata.deltaLink`. Like Graph, the query options of the first request (`$select`, and
`$filter=id eq '…'` or ids joined by `or`) are carried inside the tokens; `id` always
comes back; removed objects come as `{"id", "@removed": {"reason"}}` ("changed": soft
deleted, restorable; "deleted": gone). A link older than `state.expire_delta_links()`
answers 410 Gone (`syncStateNotFound`) with a `Location` to a fresh initial round, which
tells the reader to start over with a full read.
Page size: 100, or `Prefer: odata.maxpagesize=N` / `$top` up to 999.
"""

from __future__ import annotations

import re
from typing import Any

from graph.replay.errors import GraphError, bad_request
from graph.replay.filters import compile_filter
from graph.replay.listing import Request
from graph.replay.query import MAX_PAGE, decode_token, encode_token, link, parse_select, project
from graph.replay.reply import Reply, page_body, raw_json_reply
from graph.replay.state import Collection, ReplayState, dump

DELTA_PAGE = 100
_ID_FILTER = re.compile(r"^\s*id\s+eq\s+'[^']*'(\s+or\s+id\s+eq\s+'[^']*')*\s*$", re.I)
_MAXPAGE = re.compile(r"odata\.maxpagesize\s*=\s*(\d+)", re.I)


def _gone(req: Request, token: dict[str, Any]) -> GraphError:
    """410 Gone for an expired or reset link, with a `Location` to a fresh initial round
    carrying the round's own `$select` and `$filter` ([DQ]: "resync fully")."""
    params = [(name, token[key]) for name, key in (("$select", "s"), ("$filter", "f"))
              if isinstance(token.get(key), str) and token[key]]
    location = link(req.base, f"{req.version}/{req.path}", params)
    return GraphError(410, "The delta token has expired or was reset. Start a full "
                      "synchronization again from the Location header.",
                      "syncStateNotFound", {"Location": location})


def _page_size(req: Request) -> int:
    size = req.query.top
    m = _MAXPAGE.search(req.headers.get("prefer", ""))
    if m:
        size = int(m.group(1))
    return max(1, min(size or DELTA_PAGE, MAX_PAGE))


def _options(req: Request) -> tuple[str, str]:
    """$select and $filter of a first delta request, checked against what delta supports."""
    query = req.query
    if query.expand or query.count:
        raise bad_request("$expand and $count are not supported by this delta query.",
                          "Request_UnsupportedQuery")
    select = ",".join(query.select) if query.select else ""
    text = query.filter.text if query.filter else ""
    if text and not _ID_FILTER.match(text):
        raise GraphError(400, "Unsupported query: delta supports only $filter=id eq '…' "
                         "(optionally several joined with or).", "Request_UnsupportedQuery")
    return select, text


def serve_delta(state: ReplayState, req: Request, coll: Collection, entity: str) -> Reply:
    query = req.query
    with state.lock:
        now = state.version
        epoch = state.epoch
    if query.skiptoken:
        token = _token(query.skiptoken, "$skiptoken", coll, epoch, req)
    elif query.deltatoken and query.deltatoken.lower() == "latest":
        select, text = _options(req)
        token = {"s": select, "f": text, "since": now, "upto": now, "o": 0, "latest": 1}
    elif query.deltatoken:
        token = _token(query.deltatoken, "$deltatoken", coll, epoch, req)
        token = {**token, "since": token["v"], "upto": now, "o": 0}
    else:
        select, text = _options(req)
        token = {"s": select, "f": text, "since": None, "upto": now, "o": 0}
    select_names = parse_select(token["s"]) if token["s"] else None
    match = compile_filter(token["f"]).match if token["f"] else None
    if token.get("latest"):
        keys: list[str] = []
    elif token["since"] is None:
        keys = coll.order
    else:
        keys = coll.changed_since(token["since"], token["upto"])
    if match is not None:
        keys = [k for k in keys if match(coll.objects.get(k) or {"id": k})]
    size = _page_size(req)
    offset = token["o"]
    items: list[Any] = []
    for key in keys[offset: offset + size]:
        obj = coll.objects.get(key)
        if obj is not None:
            items.append(project(obj, select_names, keep_id=True))
        elif key in coll.removed:
            items.append({"id": key, "@removed": {"reason": coll.removed[key][1]}})
    path = f"{req.version}/{req.path}"
    base_token = {"p": coll.path, "e": epoch, "s": token["s"], "f": token["f"]}
    next_link = delta_link = None
    if offset + size < len(keys):
        nxt = {**base_token, "since": token["since"], "upto": token["upto"],
               "o": offset + size}
        next_link = link(req.base, path, [("$skiptoken", encode_token(nxt))])
    else:
        delta_link = link(req.base, path, [("$deltatoken",
                                            encode_token({**base_token, "v": token["upto"]}))])
    context = req.context(entity, select_names)
    return raw_json_reply(page_body(context, dump(items)[1:-1], next_link, None, delta_link))


def _token(value: str, what: str, coll: Collection, epoch: int,
           req: Request) -> dict[str, Any]:
    token = decode_token(value, what)
    if token.get("p") != coll.path:
        raise bad_request(f"Invalid {what}: it belongs to another collection.")
    if token.get("e") != epoch:
        raise _gone(req, token)
    needed = ("s", "f", "v") if what == "$deltatoken" else ("s", "f", "since", "upto", "o")
    if any(k not in token for k in needed):
        raise bad_request(f"Invalid {what} value.")
    return token
