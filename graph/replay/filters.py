"""OData `$filter` as Graph accepts it, compiled to a Python predicate over raw objects.

Supported: `eq ne gt ge lt le` and `in (...)` on a property (or a `a/b` sub-property)
against a string, GUID, number, boolean, null or unquoted ISO date-time; `startswith(p,'x')`;
`p/any(t: t eq 'x')` on a collection of strings; `and`, `or`, `not` and parentheses.
Anything else is a 400 like Graph's. String comparisons ignore case, as Graph's do on
directory data; date-times compare as instants. `ne`, `not` and `endswith` need Graph's
"advanced query" mode (`ConsistencyLevel: eventual` with `$count=true`) on directory
objects; the compiled filter says whether it used them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph.replay.errors import GraphError, bad_request

Predicate = Callable[[Any], bool]

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<punct>[(),:/])
    | (?P<word>[A-Za-z_@$][A-Za-z0-9_.@$]*)
    )""", re.VERBOSE)
_COMPARE = {"eq", "ne", "gt", "ge", "lt", "le"}
_ADVANCED = {"ne", "not", "endswith"}


@dataclass
class Filter:
    text: str
    match: Predicate
    advanced: bool  # used ne / not / endswith


def _unsupported(text: str) -> GraphError:
    return bad_request(f"Invalid filter clause: unsupported query {text!r}.")


def _tokens(text: str) -> list[tuple[str, Any]]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise bad_request(f"Invalid filter clause: syntax error at position {pos} in "
                              f"{text!r}.")
        pos = m.end()
        kind = m.lastgroup or ""
        value: Any = m.group(kind)
        if kind == "string":
            value = value[1:-1].replace("''", "'")
        elif kind == "datetime":
            value = parse_instant(value)
        elif kind == "number":
            value = float(value) if "." in value else int(value)
        elif kind == "word":
            lowered = value.lower()
            if lowered in ("true", "false"):
                kind, value = "literal", lowered == "true"
            elif lowered == "null":
                kind, value = "literal", None
        tokens.append((kind, value))
    return tokens


def parse_instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _get(obj: Any, path: list[str]) -> Any:
    for name in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(name)
    return obj


def _compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(right, datetime):
        left = parse_instant(left)
        if left is None:
            return False
    elif isinstance(right, str):
        if not isinstance(left, str):
            return op == "ne"
        left, right = left.casefold(), right.casefold()
    elif isinstance(right, bool) or right is None:
        if op not in ("eq", "ne"):
            raise bad_request("Invalid filter clause: only eq and ne apply to booleans and null.")
        return (left == right) == (op == "eq")
    elif isinstance(right, (int, float)) and not isinstance(left, (int, float)):
        return op == "ne"
    try:
        return {"eq": left == right, "ne": left != right, "gt": left > right,
                "ge": left >= right, "lt": left < right, "le": left <= right}[op]
    except TypeError:
        return False


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0
        self.advanced = False

    def peek(self, offset: int = 0) -> tuple[str, Any]:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", None)

    def take(self, kind: str, value: Any = None) -> Any:
        tok_kind, tok_value = self.peek()
        wanted = value is None or (isinstance(tok_value, str) and tok_value.lower() == value)
        if tok_kind != kind or not wanted:
            raise _unsupported(self.text)
        self.pos += 1
        return tok_value

    def is_word(self, *words: str) -> bool:
        kind, value = self.peek()
        return kind == "word" and value.lower() in words

    def parse(self) -> Filter:
        predicate = self.disjunction()
        if self.peek()[0] != "end":
            raise _unsupported(self.text)
        return Filter(self.text, predicate, self.advanced)

    def disjunction(self) -> Predicate:
        return self._joined("or", self.conjunction, any)

    def conjunction(self) -> Predicate:
        return self._joined("and", self.unary, all)

    def _joined(self, word: str, operand: Callable[[], Predicate],
                combine: Callable[[Iterable[bool]], bool]) -> Predicate:
        parts = [operand()]
        while self.is_word(word):
            self.pos += 1
            parts.append(operand())
        return parts[0] if len(parts) == 1 else (lambda o: combine(p(o) for p in parts))

    def unary(self) -> Predicate:
        if self.is_word("not"):
            self.pos += 1
            self.advanced = True
            inner = self.unary()
            return lambda o: not inner(o)
        if self.peek()[0] == "punct" and self.peek()[1] == "(":
            self.pos += 1
            inner = self.disjunction()
            self.take("punct", ")")
            return inner
        if self.is_word("startswith", "endswith") and self.peek(1) == ("punct", "("):
            return self.function()
        return self.comparison()

    def function(self) -> Predicate:
        name = self.take("word").lower()
        self.advanced |= name in _ADVANCED
        self.take("punct", "(")
        path = self.property_path()
        self.take("punct", ",")
        prefix = self.take("string").casefold()
        self.take("punct", ")")
        if name == "startswith":
            return lambda o: isinstance(v := _get(o, path), str) and v.casefold().startswith(prefix)
        return lambda o: isinstance(v := _get(o, path), str) and v.casefold().endswith(prefix)

    def property_path(self) -> list[str]:
        path = [self.take("word")]
        while self.peek() == ("punct", "/") and self.peek(1)[0] == "word" \
                and not (self.peek(1)[1].lower() in ("any", "all") and self.peek(2) == ("punct", "(")):
            self.pos += 1
            path.append(self.take("word"))
        return path

    def literal(self) -> Any:
        kind, value = self.peek()
        if kind not in ("string", "datetime", "number", "literal"):
            raise _unsupported(self.text)
        self.pos += 1
        return value

    def comparison(self) -> Predicate:
        path = self.property_path()
        if self.peek() == ("punct", "/"):
            return self.lambda_any(path)
        if self.is_word("in"):
            self.pos += 1
            self.take("punct", "(")
            values = [self.literal()]
            while self.peek() == ("punct", ","):
                self.pos += 1
                values.append(self.literal())
            self.take("punct", ")")
            tests = [(lambda o, v=v: _compare("eq", _get(o, path), v)) for v in values]
            return lambda o: any(t(o) for t in tests)
        op = self.take("word").lower()
        if op not in _COMPARE:
            raise _unsupported(self.text)
        self.advanced |= op in _ADVANCED
        value = self.literal()
        return lambda o: _compare(op, _get(o, path), value)

    def lambda_any(self, path: list[str]) -> Predicate:
        self.take("punct", "/")
        if self.take("word").lower() != "any":
            raise _unsupported(self.text)  # Graph refuses all() on these collections too
        self.take("punct", "(")
        var = self.take("word")
        self.take("punct", ":")
        if self.take("word") != var:
            raise _unsupported(self.text)
        op = self.take("word").lower()
        if op not in ("eq", "ne"):
            raise _unsupported(self.text)
        value = self.literal()
        self.take("punct", ")")

        def any_match(obj: Any) -> bool:
            items = _get(obj, path)
            return isinstance(items, list) and any(_compare(op, i, value) for i in items)
        return any_match


def compile_filter(text: str) -> Filter:
    """Parse a `$filter` value; a GraphError (400) when Graph would refuse it."""
    if not text.strip():
        raise bad_request("Invalid filter clause: the filter is empty.")
    return _Parser(text).parse()
