"""What every write operation is: its Graph requests, the state it reads first, its undo.

An `Operation` wraps one action (a plan action of models.plan, or one of the internal
actions that undo them) and knows:
- `reads()` / `planned()`: the GETs it sends first and the writes it will send, for the
  preview (a body that depends on what is read says so in place of the value);
- `inspect(graph)`: the current state: the prior state needed to undo (journalled before
  the write), whether the change is already made (then nothing is sent: this is what makes
  a resumed bulk action never do anything twice), or why it cannot be done;
- `requests(prior)`: the exact writes, built from what was read;
- `undo(prior)`: the operation that reverses it, or `irreversible`: what cannot come back;
- `powershell()`: the same change as Microsoft Graph PowerShell commands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from graph.writes.sender import Answer
from models.plan import check_id

GRAPH_HOST = "https://graph.microsoft.com"


@dataclass(frozen=True)
class GraphRequest:
    """One Graph request: method, path after the host (with its version) and JSON body."""

    method: str
    path: str
    body: Any = None
    note: str = ""  # for previews: when this request is sent ("if it is a certificate")

    def line(self) -> str:
        return f"{self.method} /{self.path}"

    def text(self) -> str:
        if self.body is None:
            return self.line()
        return f"{self.line()}  {json.dumps(self.body, ensure_ascii=False)}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "url": "/" + self.path}
        if self.body is not None:
            out["body"] = self.body
        return out


@dataclass
class Inspection:
    """What `inspect` found: the prior state to journal, and whether to send anything."""

    prior: dict[str, Any] = field(default_factory=dict)
    done: bool = False  # already in the wanted state: nothing to send
    why: str = ""  # why it is done, for the journal and the user
    blocked: str | None = None  # it cannot be done (target gone, managed by Azure, ...)


class ReadFailed(Exception):
    """A read needed before a write failed (other than 404); the message says why."""

    def __init__(self, message: str, answer: Answer | None = None) -> None:
        super().__init__(message)
        self.answer = answer


class GraphReads(Protocol):
    """The reads an operation may make (retried on throttling by the writer)."""

    async def read(self, path: str) -> Answer:
        """A GET; 2xx and 404 come back, anything else raises ReadFailed."""
        ...

    async def read_all(self, path: str) -> list[dict[str, Any]] | None:
        """Every item of a list, following next links; None on 404."""
        ...


def quote_ps(value: Any) -> str:
    """A PowerShell single-quoted string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def ps_hashtable(values: dict[str, Any]) -> str:
    parts = []
    for key, value in values.items():
        if value is None:
            text = "$null"
        elif isinstance(value, bool):
            text = "$true" if value else "$false"
        elif isinstance(value, list):
            text = "@(" + ", ".join(quote_ps(v) for v in value) + ")"
        else:
            text = quote_ps(value)
        name = key if key.isidentifier() else quote_ps(key)
        parts.append(f"{name} = {text}")
    return "@{ " + "; ".join(parts) + " }"


class Operation:
    """Base of every write; subclasses set `name`, `kind` and the methods below."""

    name: ClassVar[str] = ""
    local: ClassVar[bool] = False  # changes only the local cache (labels), never Graph
    destructive: ClassVar[bool] = False  # deletes: the name must be typed to confirm
    irreversible: ClassVar[str | None] = None

    ids: ClassVar[tuple[str, ...]] = ()  # action fields that go into URLs

    def __init__(self, action: dict[str, Any]) -> None:
        self.action = dict(action)
        for name in self.ids:  # an id from a journal or a plan never changes the URL
            check_id(self.action.get(name), name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.action!r})"

    def to_json(self) -> dict[str, Any]:
        return dict(self.action)

    @property
    def target(self) -> str:
        """The id of the object this changes (named in previews and confirmations)."""
        raise NotImplementedError

    def describe(self, name: str = "") -> str:
        raise NotImplementedError

    def reads(self) -> list[GraphRequest]:
        return []

    def planned(self, hint: str = "") -> list[GraphRequest]:
        """The writes as far as they are known before reading (for previews); `hint` is
        what the caller knows, e.g. a credential's type from the snapshot."""
        return self.requests({})

    async def inspect(self, graph: GraphReads) -> Inspection:
        raise NotImplementedError

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        raise NotImplementedError

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        """The reversing operation, or None when Graph cannot bring it back; `prior` is
        the inspected state merged with `result()`."""
        return None

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        """One line on how (or whether) this can be undone."""
        return self.irreversible or "cannot be undone by wlx"

    def irreversible_note(self, hint: str = "") -> str | None:
        """What this loses for good, said before the admin confirms (None: nothing)."""
        return self.irreversible

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        return []

    def result(self, answers: list[Any]) -> dict[str, Any]:
        """What to keep from the answers (the id of a created object, for its undo)."""
        return {}

    def check_answer(self, request: GraphRequest, answer: Answer) -> str | None:
        """A non-2xx answer that still means "done" (404 on a removal: already gone)
        gives the reason; None means the answer is a failure."""
        return None


def gone_already(request: GraphRequest, answer: Answer) -> str | None:
    """For removals: a 404 means somebody (or an earlier run) removed it already."""
    if answer.status == 404 and request.method in ("DELETE", "POST"):
        return "already gone (Graph answered 404)"
    return None


class RemoveListed(Operation):
    """Removes one item of a relation list (a federated credential, an app role
    assignment, an owner): reads the list, journals the item's `prior_fields` as the
    prior state under `prior_key`, and DELETEs `{path}/{id}{suffix}`. Gone already, or its
    parent gone: done, nothing sent."""

    item_field: ClassVar[str] = ""  # the action field holding the item's id
    prior_key: ClassVar[str] = ""
    prior_fields: ClassVar[tuple[str, ...]] = ()
    suffix: ClassVar[str] = ""  # "/$ref" for references (owners)

    @property
    def path(self) -> str:
        raise NotImplementedError

    @property
    def item_id(self) -> str:
        return self.action[self.item_field]

    def reads(self) -> list[GraphRequest]:
        return [GraphRequest("GET", self.path)]

    async def inspect(self, graph: GraphReads) -> Inspection:
        items = await graph.read_all(self.path)
        if items is None:
            return Inspection(done=True, why=f"{self.target} no longer exists")
        for item in items:
            if item.get("id") == self.item_id:
                kept = {k: item.get(k) for k in self.prior_fields if item.get(k) is not None}
                return Inspection({self.prior_key: kept})
        return Inspection(done=True, why="already removed")

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        return [GraphRequest("DELETE", f"{self.path}/{self.item_id}{self.suffix}")]

    def check_answer(self, request: GraphRequest, answer: Answer) -> str | None:
        return gone_already(request, answer)
