"""OData query options of one request: parsed, checked like Graph, and turned into links.

`Query.parse` reads `$select`, `$filter`, `$top`, `$expand`, `$count`, `$skiptoken`,
`$deltatoken` (names are case-insensitive, as in Graph); options Graph would reject here
(`$orderby`, `$search`, `$skip` on directory data) answer 400 rather than being ignored,
so a reader bug shows up in tests and not first against a real tenant.
Skip and delta tokens are opaque to the client: URL-safe base64 of a small JSON object.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

from graph.replay.errors import GraphError, bad_request
from graph.replay.filters import Filter, compile_filter
from graph.replay.schema import default_view

# Graph's page sizes (GRAPH-FACTS.md): 100 by default, 999 at most, 1000 for sign-ins
DEFAULT_PAGE = 100
MAX_PAGE = 999
MAX_PAGE_BY_PATH = {"auditLogs/signIns": 1000, "auditLogs/directoryAudits": 999}
# $expand on directory objects: pages of at most 100 objects, at most 20 related
# items per expanded object and no link to the rest (Graph's documented limits)
EXPAND_MAX_PAGE = 100
EXPAND_ITEM_LIMIT = 20
_KNOWN = {"$select", "$filter", "$top", "$expand", "$count", "$skiptoken", "$deltatoken",
          "$orderby", "$search", "$skip", "$format"}
_SAFE = "$,()':/@=*"


@dataclass
class Expand:
    name: str
    select: tuple[str, ...] | None = None


@dataclass
class Query:
    raw: list[tuple[str, str]] = field(default_factory=list)  # as sent, for next links
    select: tuple[str, ...] | None = None
    filter: Filter | None = None
    top: int | None = None
    expand: list[Expand] = field(default_factory=list)
    count: bool = False
    skiptoken: str | None = None
    deltatoken: str | None = None

    @classmethod
    def parse(cls, query_string: str) -> Query:
        query = cls()
        seen: set[str] = set()
        for name, value in parse_qsl(query_string, keep_blank_values=True):
            key = name.lower()
            if key.startswith("$") and key not in _KNOWN:
                raise bad_request(f"Query option '{name}' is not allowed. Make sure that it "
                                  "is supported by the target resource.")
            if key in seen:
                raise bad_request(f"Query option '{name}' was specified more than once, "
                                  "but it must be specified at most once.")
            seen.add(key)
            if key not in ("$skiptoken", "$deltatoken"):
                query.raw.append((name, value))
            if key == "$select":
                query.select = parse_select(value)
            elif key == "$filter":
                query.filter = compile_filter(value)
            elif key == "$top":
                query.top = _parse_top(value)
            elif key == "$expand":
                query.expand = parse_expand(value)
                if len(query.expand) > 1:  # docs/graph-protocol.md §1.1: one relation
                    raise bad_request("The result of parsing $expand contained at least "
                                      f"{len(query.expand)} items, but the maximum allowed "
                                      "is 1.")
            elif key == "$count":
                if value.lower() not in ("true", "false"):
                    raise bad_request(f"Invalid value '{value}' for $count.")
                query.count = value.lower() == "true"
            elif key == "$skiptoken":
                query.skiptoken = value
            elif key == "$deltatoken":
                query.deltatoken = value
            elif key in ("$orderby", "$search", "$skip", "$format"):
                raise bad_request(f"Query option '{name}' is not supported by the wlx "
                                  "replay.", "Request_UnsupportedQuery")
        return query

    def page_size(self, path: str, default: int = DEFAULT_PAGE) -> int:
        """$top checked against this collection's maximum (Graph answers 400 above it)."""
        limit = next((v for k, v in MAX_PAGE_BY_PATH.items() if path.endswith(k)), MAX_PAGE)
        if self.top is None:
            return min(default, limit)
        if self.top > limit:
            raise page_size_error(str(self.top), limit)
        return self.top


def page_size_error(value: str, limit: int = MAX_PAGE) -> GraphError:
    """Graph's answer to `$top` out of range (e.g. `$top=1000` on a directory list)."""
    return bad_request(f"Invalid page size specified: '{value}'. Must be between 1 and "
                       f"{limit} inclusive.", "Request_UnsupportedQuery")


def _parse_top(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise page_size_error(value)
    return int(value)


_NAME = re.compile(r"^[A-Za-z_@][A-Za-z0-9_.@]*$")


def parse_select(value: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in value.split(","))
    for name in names:
        if not _NAME.match(name):
            raise bad_request(f"Parsing OData Select and Expand failed: invalid property "
                              f"name {name!r} in $select.")
    return names


def parse_expand(value: str) -> list[Expand]:
    """`owners`, `owners($select=id,displayName)`, comma separated."""
    items, depth, start = [], 0, 0
    for index, char in enumerate(value + ","):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(value[start:index].strip())
            start = index + 1
    if depth != 0:
        raise bad_request("Parsing OData Select and Expand failed: unbalanced parentheses.")
    expands = []
    for item in items:
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?", item)
        if not m:
            raise bad_request(f"Parsing OData Select and Expand failed: {item!r}.")
        select = None
        if m.group(2):
            options = dict(parse_qsl(m.group(2).replace(";", "&"), keep_blank_values=True))
            unknown = set(k.lower() for k in options) - {"$select"}
            if unknown:
                raise bad_request(f"Query option(s) {sorted(unknown)} inside $expand are not "
                                  "supported on directory objects.",
                                  "Request_UnsupportedQuery")
            select = parse_select(next(iter(options.values())))
        expands.append(Expand(m.group(1), select))
    return expands


def project(obj: Any, select: tuple[str, ...] | None, keep_id: bool = False) -> Any:
    """Only the selected properties (null when absent, as Graph sends them).

    `@odata.type` stays where the object has it (mixed directory object lists); `id`
    only when asked, or where Graph always returns it (delta, expanded objects).
    Without `$select`: Graph's default properties (`schema.default_view`).
    """
    if select is None or not isinstance(obj, dict):
        return default_view(obj)
    out: dict[str, Any] = {}
    if "@odata.type" in obj:
        out["@odata.type"] = obj["@odata.type"]
    if keep_id and "id" in obj:
        out["id"] = obj["id"]
    for name in select:
        out[name] = obj.get(name)
    return out


def encode_token(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, what: str = "$skiptoken") -> dict[str, Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if isinstance(data, dict):
            return data
    except (ValueError, binascii.Error):
        pass
    raise bad_request(f"Invalid {what} value.", "Request_BadRequest")


def link(base: str, path: str, params: list[tuple[str, str]]) -> str:
    """An absolute URL on the replay's own base, with `$` kept readable as Graph does."""
    query = "&".join(f"{quote(k, safe=_SAFE)}={quote(v, safe=_SAFE)}" for k, v in params)
    return f"{base}/{path}" + (f"?{query}" if query else "")
