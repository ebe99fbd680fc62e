"""Tolerant pydantic base for Microsoft Graph resources.

Graph answers (and Microsoft's own documentation samples) contain unknown properties,
nulls where a list is expected, placeholder strings and malformed timestamps. None of
that may fail a whole object: unknown properties are ignored, a bad field falls back to
its default, and each repair is counted as a data warning that the UI can show.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import core_schema
from pydantic.alias_generators import to_camel


@dataclass(frozen=True)
class DataWarning:
    """One value we could not take as Graph sent it."""

    model: str
    field: str
    value: str
    object_id: str = ""

    def __str__(self) -> str:
        where = f"{self.model}.{self.field}"
        if self.object_id:
            where += f" of {self.object_id}"
        return f"{where}: unusable value {self.value!r}"


@dataclass
class DataWarnings:
    """Collects data warnings while parsing; keeps the first few in full, counts all."""

    keep: int = 200
    count: int = 0
    items: list[DataWarning] = field(default_factory=list)

    def add(self, warning: DataWarning) -> None:
        self.count += 1
        if len(self.items) < self.keep:
            self.items.append(warning)


M = TypeVar("M", bound="GraphModel")
T = TypeVar("T")

_collector: contextvars.ContextVar[DataWarnings | None] = contextvars.ContextVar(
    "wlx_data_warnings", default=None
)


@contextlib.contextmanager
def collect_warnings(into: DataWarnings | None = None) -> Iterator[DataWarnings]:
    """Collect the data warnings raised while parsing inside this block."""
    warnings = into if into is not None else DataWarnings()
    token = _collector.set(warnings)
    try:
        yield warnings
    finally:
        _collector.reset(token)


def _short(value: Any) -> str:
    return (value if isinstance(value, str) else repr(value))[:80]


def warn(model: str, field_name: str, value: Any, object_id: str = "") -> None:
    collector = _collector.get()
    if collector is not None:
        collector.add(DataWarning(model, field_name, _short(value), object_id))


def _lenient_datetime(value: Any, info: Any) -> datetime | None:
    """A timestamp, or None ("unknown") with a data warning when it is malformed."""
    if value is None or value == "":
        return None
    try:
        parsed = _any_datetime.validate_python(value)
    except (ValidationError, ValueError, TypeError):
        model = (info.config or {}).get("title") or "timestamp"
        warn(model, info.field_name or "timestamp", value)
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


_any_datetime = TypeAdapter(datetime)


class _Timestamp:
    """The validation of `Timestamp`, in two steps: pydantic's own parser takes a
    well-formed timestamp with an offset (nearly all of them) without calling Python;
    only what it refuses (empty, no offset, malformed) goes to `_lenient_datetime`."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.nullable_schema(core_schema.union_schema(
            [core_schema.datetime_schema(tz_constraint="aware", microseconds_precision="truncate"),
             core_schema.with_info_plain_validator_function(_lenient_datetime)],
            mode="left_to_right"))


Timestamp = Annotated[datetime | None, _Timestamp]
"""A Graph DateTimeOffset; None when absent or malformed (counted as a warning)."""


def _key_in(node: dict[str, Any], part: str) -> str | None:
    if part in node:
        return part
    camel = to_camel(part)
    return camel if camel in node else None


def _remove_bad_inputs(data: dict[str, Any], errors: list[Any]) -> list[tuple[str, Any]]:
    """Remove, in place, every input an error points at; return (path, value) of each.

    A bad list item goes; a bad property goes (its field falls back to its default).
    Parts of a location that are not keys (a union's tag) are skipped.
    """
    removed: list[tuple[str, Any]] = []
    from_lists: dict[int, tuple[list[Any], set[int], str]] = {}
    for error in errors:
        node: Any = data
        path: list[str] = []
        target: tuple[Any, Any] | None = None
        for part in error.get("loc", ()):
            if isinstance(node, dict) and isinstance(part, str):
                key = _key_in(node, part)
                if key is None:
                    continue  # a union's tag, not a key of the data
                target, node = (node, key), node[key]
                path.append(key)
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                target, node = (node, part), node[part]
                path.append(f"[{part}]")
            else:
                break
        if target is None:
            continue
        parent, key = target
        where = ".".join(path).replace(".[", "[")
        if isinstance(parent, list):
            from_lists.setdefault(id(parent), (parent, set(), where.rsplit("[", 1)[0]))[1].add(key)
        elif key in parent:
            value = parent.pop(key)
            if value is not None:  # a null is "not given", not bad data
                removed.append((where, value))
    for items, indexes, where in from_lists.values():
        for index in sorted(indexes, reverse=True):
            removed.append((f"{where}[{index}]", items[index]))
            del items[index]
    return removed


def tolerant(name: str, validate: Callable[[Any], T], data: Any) -> T:
    """`validate(data)`; on errors drop what is bad (counted as warnings) and try again.

    The fast path is pydantic's own validation: repairs cost only when data is bad.
    """
    collector = _collector.get()
    mark = (collector.count, len(collector.items)) if collector is not None else (0, 0)
    try:
        return validate(data)
    except ValidationError as first:
        errors = first.errors()
    if not isinstance(data, dict):
        raise TypeError(f"{name}: not an object: {_short(data)}")
    data = copy.deepcopy(data)
    raw_id = data.get("id")
    object_id = raw_id if isinstance(raw_id, str) else ""
    removed: list[tuple[str, Any]] = []
    for _ in range(8):
        if collector is not None:  # the failed attempt's warnings come again on retry
            collector.count = mark[0]
            del collector.items[mark[1]:]
        dropped = _remove_bad_inputs(data, errors)
        removed.extend(dropped)
        try:
            result = validate(data)
        except ValidationError as again:
            errors = again.errors()
            if not dropped:
                break
            continue
        for path, value in removed:
            warn(name, path, value, object_id)
        return result
    warn(name, "(object)", data, object_id)
    return validate({"id": object_id} if object_id else {})


class GraphModel(BaseModel):
    """Base for every Graph resource: camelCase aliases, extras ignored, never fails whole.

    Parse with `Model.model_validate(raw)` (or `parse_many`): a null or malformed field
    falls back to its default and a bad list item is dropped, each counted as a warning.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        protected_namespaces=(),
    )

    @classmethod
    def model_validate(cls: type[M], obj: Any, **kwargs: Any) -> M:  # type: ignore[override]
        validate = super().model_validate
        if kwargs:
            return tolerant(cls.__name__, lambda data: validate(data, **kwargs), obj)
        return tolerant(cls.__name__, validate, obj)


def validate_batch(adapter: TypeAdapter[list[T]], items: list[Any],
                   one: Callable[[Any], list[T]]) -> list[T]:
    """`adapter.validate_python(items)` in one call when every item is good (the fast path:
    no Python per item); otherwise the runs of good items still in one call each, and each
    bad item through `one` (the tolerant path: zero or more results), in the items' order.

    Items validate independently, so a failed call names every bad item; the warnings it
    raised are dropped (they come again, in order, from the calls that follow).
    """
    collector = _collector.get()
    mark = (collector.count, len(collector.items)) if collector is not None else (0, 0)
    try:
        return adapter.validate_python(items)
    except ValidationError as failed:
        bad = sorted({error["loc"][0] for error in failed.errors(include_url=False)
                      if error["loc"] and isinstance(error["loc"][0], int)})
    if collector is not None:
        collector.count = mark[0]
        del collector.items[mark[1]:]
    if not bad:  # an error outside any item (not expected): every item the tolerant way
        return [result for item in items for result in one(item)]
    results: list[T] = []
    start = 0
    for index in bad:
        if index > start:
            results.extend(validate_batch(adapter, items[start:index], one))
        results.extend(one(items[index]))
        start = index + 1
    if start < len(items):
        results.extend(validate_batch(adapter, items[start:], one))
    return results


@functools.cache
def list_adapter(item_type: Any) -> TypeAdapter[list[Any]]:
    """A validator for a whole list of `item_type` (built once per type)."""
    return TypeAdapter(list[item_type])


def parse_many(model: type[M], items: Any) -> list[M]:
    """Parse a list of Graph objects, skipping (and counting) the ones that are not objects.

    A good list validates in one call; only a list with bad items pays for repairs (the
    items are JSON: a model instance, which no recording holds, would be taken as is)."""
    if not isinstance(items, list):
        if items is not None:
            warn(model.__name__, "(list)", items)
        return []
    validate = model.model_validate

    def one(item: Any) -> list[M]:
        if isinstance(item, dict):
            return [validate(item)]
        warn(model.__name__, "(item)", item)
        return []

    return validate_batch(list_adapter(model), items, one)
